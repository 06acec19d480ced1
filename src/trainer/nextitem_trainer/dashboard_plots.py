"""``dashboard-plots``: the Grafana dashboard's panels drawn from scrapes of the job's /metrics.

Grafana cannot run on the development machines (no container runtime), so this renders what the
shipped dashboard (deploy/grafana/dashboards/nextitem.json) would show, from a folder of
Prometheus text-format scrapes taken a few seconds apart (``deploy/bin/dashboard-snapshot``
takes them from a running demo). It evaluates the handful of PromQL forms the dashboard uses,
and refuses (with the expression) any other, so the picture is never of a different query:

- ``sum(rate(M[w]))``, ``sum(increase(M[w]))``, ``sum by (l) (rate(M[w]))``
- ``max(M)``, ``sum(M)``, ``max(M) * k``
- ``max by (quantile) (M{quantile=~"a|b"})``
- ``sum by (l) (A) / sum by (l) (B)``, ``sum by (l) (M)``
"""
from __future__ import annotations

import json
import logging
import math
import re
from collections import defaultdict
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only, no display
import matplotlib.pyplot as plt  # noqa: E402

log = logging.getLogger("nextitem.dashboard_plots")

_SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s+(\S+)')
_LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')
_RANGE = re.compile(r'^(rate|increase)\((\w+)\[(\d+)([smh])\]\)$')
_SELECTOR = re.compile(r'^(\w+)(\{(\w+)=~"([^"]*)"\})?$')
_UNITS = {"s": 1, "m": 60, "h": 3600}

Series = dict  # labels (frozenset of (k, v)) -> value


class UnsupportedQuery(ValueError):
    pass


def parse_scrape(text: str) -> dict[str, Series]:
    """Metric name -> {labels: value} for one scrape (comments and NaN values skipped)."""
    metrics: dict[str, Series] = defaultdict(dict)
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        m = _SAMPLE.match(line)
        if not m:
            continue
        value = float(m.group(4))
        if math.isnan(value):
            continue
        labels = frozenset(_LABEL.findall(m.group(3) or ""))
        metrics[m.group(1)][labels] = value
    return metrics


def load_scrapes(folder: Path) -> list[tuple[float, dict[str, Series]]]:
    """(seconds since the first scrape, metrics) for every ``<epoch-seconds>.prom`` in the folder."""
    files = sorted(Path(folder).glob("*.prom"), key=lambda p: float(p.stem))
    if len(files) < 2:
        raise FileNotFoundError(f"{folder}: need at least two <epoch-seconds>.prom scrapes to draw rates")
    t0 = float(files[0].stem)
    return [(float(p.stem) - t0, parse_scrape(p.read_text())) for p in files]


def _strip_outer(expr: str, fn: str) -> str | None:
    expr = expr.strip()
    if expr.startswith(fn + "(") and expr.endswith(")") and _balanced(expr[len(fn) + 1:-1]):
        return expr[len(fn) + 1:-1].strip()
    return None


def _balanced(s: str) -> bool:
    depth = 0
    for c in s:
        depth += c == "("
        depth -= c == ")"
        if depth < 0:
            return False
    return depth == 0


def _group_by(expr: str) -> tuple[str, str, str] | None:
    """'sum by (l) (inner)' -> ('sum', 'l', 'inner')."""
    m = re.match(r'^(sum|max) by \((\w+)\) \((.*)\)$', expr.strip())
    if m and _balanced(m.group(3)):
        return m.group(1), m.group(2), m.group(3)
    return None


def _instant(selector: str, scrape: dict[str, Series]) -> Series:
    m = _SELECTOR.match(selector.strip())
    if not m:
        raise UnsupportedQuery(selector)
    series = scrape.get(m.group(1), {})
    if m.group(2):
        allowed = re.compile(f"^(?:{m.group(4)})$")
        series = {k: v for k, v in series.items() if allowed.match(dict(k).get(m.group(3), ""))}
    return series


def _ranged(inner: str, scrapes, i: int) -> Series:
    m = _RANGE.match(inner.strip())
    if not m:
        return _instant(inner, scrapes[i][1])
    fn, metric, n, unit = m.group(1), m.group(2), int(m.group(3)), m.group(4)
    window = n * _UNITS[unit]
    t, now = scrapes[i]
    j = i
    while j > 0 and t - scrapes[j - 1][0] <= window:
        j -= 1
    if j == i:
        return {}
    t_then, then = scrapes[j]
    out = {}
    for labels, value in now.get(metric, {}).items():
        before = then.get(metric, {}).get(labels, 0.0)
        delta = max(0.0, value - before)  # counters only grow; a restart resets them
        out[labels] = delta / (t - t_then) if fn == "rate" else delta * window / (t - t_then)
    return out


def _aggregate(fn: str, series: Series, by: str | None) -> dict[str, float]:
    groups: dict[str, list[float]] = defaultdict(list)
    for labels, value in series.items():
        groups[dict(labels).get(by, "") if by else ""].append(value)
    return {k: (sum(v) if fn == "sum" else max(v)) for k, v in groups.items()}


def evaluate(expr: str, scrapes, i: int) -> dict[str, float]:
    """The expression at scrape i: {group label value ('' without grouping): value}."""
    expr = expr.strip()
    m = re.match(r'^(.*\))\s*\*\s*([0-9.]+)$', expr)
    if m:
        return {k: v * float(m.group(2)) for k, v in evaluate(m.group(1), scrapes, i).items()}
    parts = _split_division(expr)
    if parts:
        a, b = (evaluate(p, scrapes, i) for p in parts)
        return {k: a[k] / b[k] for k in a if b.get(k)}
    grouped = _group_by(expr)
    if grouped:
        fn, by, inner = grouped
        return _aggregate(fn, _ranged(inner, scrapes, i), by)
    for fn in ("sum", "max"):
        inner = _strip_outer(expr, fn)
        if inner is not None:
            return _aggregate(fn, _ranged(inner, scrapes, i), None)
    raise UnsupportedQuery(expr)


def _split_division(expr: str) -> tuple[str, str] | None:
    depth = 0
    for k, c in enumerate(expr):
        depth += c == "("
        depth -= c == ")"
        if c == "/" and depth == 0:
            return expr[:k].strip(), expr[k + 1:].strip()
    return None


def _legend(template: str, group: str) -> str:
    return re.sub(r"\{\{\s*\w+\s*\}\}", group, template) if template else group or "value"


def dashboard_plots(scrapes_dir: Path, dashboard: Path, out: Path) -> Path:
    scrapes = load_scrapes(scrapes_dir)
    panels = [p for p in json.loads(Path(dashboard).read_text())["panels"] if p.get("type") != "row"]
    columns = 4
    rows = math.ceil(len(panels) / columns)
    fig, axes = plt.subplots(rows, columns, figsize=(4.2 * columns, 2.6 * rows), squeeze=False)
    times = [t for t, _ in scrapes]
    for ax, panel in zip(axes.flat, panels):
        for target in panel.get("targets", []):
            lines: dict[str, list[float]] = defaultdict(lambda: [math.nan] * len(scrapes))
            for i in range(len(scrapes)):
                for group, value in evaluate(target["expr"], scrapes, i).items():
                    lines[group][i] = value
            for group, values in sorted(lines.items()):
                ax.plot(times, values, label=_legend(target.get("legendFormat", ""), group))
        unit = panel.get("fieldConfig", {}).get("defaults", {}).get("unit", "")
        ax.set_title(panel["title"] + (f" ({unit})" if unit and unit not in ("short",) else ""), fontsize=9)
        ax.tick_params(labelsize=7)
        if ax.lines:
            ax.legend(fontsize=6, loc="best")
        else:
            ax.text(0.5, 0.5, "no data", ha="center", va="center", transform=ax.transAxes, fontsize=8)
        ax.set_xlabel("s", fontsize=7)
    for ax in list(axes.flat)[len(panels):]:
        ax.axis("off")
    fig.suptitle(f"nextitem dashboard panels from {len(scrapes)} scrapes of /metrics "
                 f"({times[-1]:.0f} s; Grafana renders the same queries)", fontsize=11)
    fig.tight_layout()
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, dpi=90)
    plt.close(fig)
    log.info("wrote %s (%d panels)", out, len(panels))
    return out
