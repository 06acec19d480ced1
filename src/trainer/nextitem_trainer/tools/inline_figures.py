"""Figures in the prose of README.md and docs/*.md, printed from the result files.

A measured figure written into a sentence drifts from its file as soon as the file is rerun. So
each one stands between markers that say where it comes from and how it is printed:

    <!--fig bench/summary.json#/job_events_per_s ,.0f-->7,977<!--/fig-->

The marker holds an expression and a Python format spec (the last word). The expression is
operands joined by ``+ - * /``, evaluated left to right; an operand is ``FILE#POINTER`` (FILE under
src/site/results), ``#POINTER`` (the previous operand's file) or a number. A POINTER is a JSON
pointer whose segments may also be ``[key=value,...]``: the one element of a list whose fields
print as those values (``/latency/[delivery=at-least-once,load_fraction=0.5]/inference_path_ms_p99``).
An operand ``median:FILES#POINTER`` (or ``mean:``, ``min:``, ``max:``) takes the figure over every
file the glob FILES matches: the repetitions of a side-by-side run (``served-graph-ops/encoder_after_run*.json``).

``write_figures`` rewrites what stands between the markers; ``stale_figures`` names every figure
whose text differs from what its file gives (a hand edit, or a file rerun since), and every marker
that names no figure: a missing file or field fails loudly rather than printing nothing.
"""
from __future__ import annotations

import json
import re
import statistics
from decimal import ROUND_HALF_UP, Decimal, localcontext
from dataclasses import dataclass
from pathlib import Path

FIGURE = re.compile(r"<!--fig (?P<spec>[^>]*?)-->(?P<text>[^<]*)<!--/fig-->")
# Over the repetitions of a run (FILE a glob such as run*.json): a rerun that adds one moves the figure.
AGGREGATES = {"median": statistics.median, "mean": statistics.fmean, "min": min, "max": max}
OPERATORS = {"+": lambda a, b: a + b, "-": lambda a, b: a - b, "*": lambda a, b: a * b, "/": lambda a, b: a / b}


class FigureError(ValueError):
    """A marker whose figure cannot be read from the result files."""


@dataclass(frozen=True)
class Figure:
    page: Path
    line: int
    spec: str
    text: str  # as the page has it
    expected: str | None  # as the files give it; None where ``error`` says why not
    error: str | None = None


def _select(items: list, selector: str, where: str):
    wanted = dict(pair.split("=", 1) for pair in selector.split(","))
    found = [item for item in items if isinstance(item, dict)
             and all(k in item and _matches(item[k], v) for k, v in wanted.items())]
    if len(found) != 1:
        raise FigureError(f"{where}: [{selector}] matches {len(found)} list elements, not one")
    return found[0]


def _matches(value, wanted: str) -> bool:
    if str(value) == wanted:
        return True
    try:
        return float(value) == float(wanted)
    except (TypeError, ValueError):
        return False


def resolve(document, pointer: str, where: str):
    """The value at ``pointer`` in ``document`` (JSON pointer, plus ``[key=value]`` list selectors)."""
    value = document
    for segment in pointer.split("/")[1:]:
        segment = segment.replace("~1", "/").replace("~0", "~")
        if segment.startswith("[") and segment.endswith("]") and isinstance(value, list):
            value = _select(value, segment[1:-1], where)
        elif isinstance(value, list) and segment.lstrip("-").isdigit():
            index = int(segment)
            if not -len(value) <= index < len(value):
                raise FigureError(f"{where}: index {segment} outside a list of {len(value)}")
            value = value[index]
        elif isinstance(value, dict) and segment in value:
            value = value[segment]
        else:
            raise FigureError(f"{where}: no {segment!r} under {pointer.split(segment)[0] or '/'}")
    return value


class _Files:
    """Result files read once each, by path under the results folder."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self._cache: dict[str, object] = {}

    def glob(self, pattern: str) -> list[str]:
        return sorted(p.relative_to(self.folder).as_posix() for p in self.folder.glob(pattern) if p.is_file())

    def get(self, name: str):
        if name not in self._cache:
            path = self.folder / name
            if not path.is_file():
                raise FigureError(f"no result file {name}")
            self._cache[name] = json.loads(path.read_text())
        return self._cache[name]


def evaluate(spec: str, files: _Files) -> str:
    """The text the marker ``spec`` (expression, then format) prints."""
    words = spec.split()
    if len(words) < 2 or len(words) % 2:
        raise FigureError(f"'{spec}': want OPERAND [OP OPERAND]... FORMAT")
    fmt, words = words[-1], words[:-1]
    current_file = None
    value = None
    op = None
    for i, word in enumerate(words):
        if i % 2:
            if word not in OPERATORS:
                raise FigureError(f"'{spec}': {word!r} is not one of {' '.join(OPERATORS)}")
            op = OPERATORS[word]
            continue
        aggregate, _, rest = word.partition(":") if word.split(":", 1)[0] in AGGREGATES else ("", "", word)
        if aggregate:
            name, pointer = rest.split("#", 1) if "#" in rest else ("", "")
            runs = files.glob(name)
            if not pointer or not runs:
                raise FigureError(f"'{spec}': {word} matches no result file")
            operand = AGGREGATES[aggregate]([resolve(files.get(n), pointer, f"{n}#{pointer}") for n in runs])
        elif "#" in word:
            name, pointer = word.split("#", 1)
            current_file = name or current_file
            if current_file is None:
                raise FigureError(f"'{spec}': {word} names no file and none came before")
            operand = resolve(files.get(current_file), pointer, f"{current_file}#{pointer}")
        else:
            try:
                operand = float(word)
            except ValueError:
                raise FigureError(f"'{spec}': {word!r} is neither FILE#POINTER nor a number") from None
        value = operand if op is None else op(value, operand)
    if fmt == "s":
        return str(value)
    try:
        return _format(value, fmt)
    except (TypeError, ValueError) as e:
        raise FigureError(f"'{spec}': cannot print {value!r} as {fmt}: {e}") from None


def _format(value, fmt: str) -> str:
    """``format(value, fmt)``, but a fixed-point or percent figure rounds half up from its shortest
    decimal form, as the Java tools' tables do (580.5 -> 581 on both, where Python alone says 580)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool) and fmt[-1:] in ("f", "%"):
        with localcontext() as context:
            context.rounding = ROUND_HALF_UP
            return format(Decimal(repr(value)), fmt)
    return format(value, fmt)


def figures(page: Path, folder: Path) -> list[Figure]:
    """Every marked figure on ``page``, with what the result files under ``folder`` give."""
    files = _Files(folder)
    text = page.read_text()
    found = []
    for match in FIGURE.finditer(text):
        line = text.count("\n", 0, match.start()) + 1
        try:
            expected, error = evaluate(match["spec"], files), None
        except FigureError as e:
            expected, error = None, str(e)
        found.append(Figure(page, line, match["spec"], match["text"], expected, error))
    return found


def pages(root: Path) -> list[Path]:
    """The pages whose prose may hold figures: the README and every page under docs/."""
    return [root / "README.md", *sorted((root / "docs").glob("*.md"))]


def stale_figures(folder: Path, root: Path) -> list[str]:
    """``page:line: ...`` for every figure that differs from its file or cannot be read from one."""
    stale = []
    for page in pages(root):
        text = page.read_text()
        unclosed = text.count("<!--fig ") - len(FIGURE.findall(text))
        if unclosed:
            stale.append(f"{page.relative_to(root).as_posix()}: {unclosed} '<!--fig' marker(s) without a "
                         f"'-->TEXT<!--/fig-->' after them")
        for f in figures(page, folder):
            where = f"{page.relative_to(root).as_posix()}:{f.line}"
            if f.error:
                stale.append(f"{where}: {f.error}")
            elif f.text != f.expected:
                stale.append(f"{where}: '{f.text}' where the files give '{f.expected}' ({f.spec})")
    return stale


def write_figures(folder: Path, root: Path) -> list[Path]:
    """Rewrites every marked figure on the pages; -> the pages that changed. A marker whose figure
    cannot be read stops the whole write before any page changes."""
    rewritten = {}
    for page in pages(root):
        files = _Files(folder)
        text = page.read_text()

        def fill(match: re.Match) -> str:
            try:
                value = evaluate(match["spec"], files)
            except FigureError as e:
                line = text.count("\n", 0, match.start()) + 1
                raise FigureError(f"{page.relative_to(root).as_posix()}:{line}: {e}") from None
            return f"<!--fig {match['spec']}-->{value}<!--/fig-->"

        new = FIGURE.sub(fill, text)
        if new != text:
            rewritten[page] = new
    for page, new in rewritten.items():
        page.write_text(new)
    return list(rewritten)


def find_value(text: str, folder: Path, under: str = "") -> list[str]:
    """``FILE#POINTER = value`` for every number in the result files (below ``under``) that prints as
    ``text`` with as many decimals as it shows: how a writer finds the marker for a figure."""
    wanted = float(text.replace(",", "").rstrip("%"))
    decimals = len(text.split(".")[1].rstrip("%")) if "." in text else 0
    found = []

    def walk(value, pointer, name):
        if isinstance(value, dict):
            for k, v in value.items():
                walk(v, f"{pointer}/{str(k).replace('~', '~0').replace('/', '~1')}", name)
        elif isinstance(value, list):
            for i, v in enumerate(value):
                walk(v, f"{pointer}/{i}", name)
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            if any(round(value * scale, decimals) == wanted for scale in (1, 100)):
                found.append(f"{name}#{pointer} = {value}")

    for path in sorted((Path(folder) / under).rglob("*.json")):
        name = path.relative_to(folder).as_posix()
        if name != "index.json":
            walk(json.loads(path.read_text()), "", name)
    return found
