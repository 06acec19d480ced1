"""``results-index``: every result file under ``src/site/results/`` as data: its suite, its kind (the
JSON Schema in ``schemas/results/`` it must validate against), the machine, commit and date it
was taken at, in one index (``src/site/results/index.json``).

One layout: ``<suite>/<run or file>``, the suite being the first folder (quality, stream, bench,
scaling, ann, reliability, soak, gpu); nothing but this index sits at the top. A file's kind comes
from what it holds, by the rules in ``KINDS`` (first match wins). Files that are
not JSON (plots, notes, scripts) are the attachments of their folder and take the machine, commit
and date that the folder's JSON files agree on. Where a file (or a folder) does not say, the index
says ``unknown``: some older files carry no date, and an older file without a machine id is named by
the CPU model and cores it did record (``amd-epyc-2c-partial``)."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Callable

from ..core.paths import REPO_ROOT, RESULTS_DIR

SCHEMAS_DIR = REPO_ROOT / "schemas" / "results"
INDEX_FILE = "index.json"
UNKNOWN = "unknown"

# kind -> how to tell a result file of that kind from what it holds, in the order they are tried.
KINDS: tuple[tuple[str, Callable[[dict], bool]], ...] = (
    ("stream", lambda d: d.get("protocol") == "stream"),
    ("quality", lambda d: d.get("protocol") in ("P1", "P2", "P3", "P4", "P5")),
    ("reliability", lambda d: "scenarios" in d and "suite" in d),
    ("soak", lambda d: "malformed_sent" in d and "series" in d),
    ("catalogue-scaling", lambda d: "catalogue_scaling" in d),
    ("gpu-check", lambda d: "devices" in d and "golden" in d),
    ("ann-comparison", lambda d: "libraries" in d and "exact" in d),
    ("encoder-bench", lambda d: "timings" in d and "execution_provider" in d),
    ("bench-run", lambda d: "benchmark" in d and "summary" in d),
    ("bench-summary", lambda d: "job_to_ceiling" in d),
    ("epoch-time", lambda d: "epoch_seconds_extrapolated" in d),
    ("trained-catalogues", lambda d: "catalogues" in d and "data_generator" in d),
)
DATE_FIELDS = ("taken_at", "measured_at", "created_at")


class ResultFileError(ValueError):
    """A result file that is not what its kind's schema says."""


def kind_of(result: dict) -> str | None:
    return next((kind for kind, matches in KINDS if matches(result)), None)


def _machine(machine: dict) -> str:
    """The file's machine id; for an older file without one but with its CPU model and cores,
    those two and ``partial`` (it did not record the memory and flags a full id holds)."""
    if machine.get("machine_id"):
        return machine["machine_id"]
    if machine.get("cpu_model") and machine.get("cores"):
        from ..core.results import cpu_slug

        return f"{cpu_slug(machine['cpu_model'])}-{machine['cores']}c-partial"
    return UNKNOWN


def _facts(result: dict) -> dict[str, str]:
    machine = result.get("machine") if isinstance(result.get("machine"), dict) else {}
    date = next((result[f] for f in DATE_FIELDS if isinstance(result.get(f), str)), None)
    return {"machine": _machine(machine), "commit": result.get("commit") or UNKNOWN,
            "date": date[:10] if date else UNKNOWN}


def validate(result: dict, kind: str) -> list[str]:
    """The schema's complaints about ``result`` (none: it is a valid file of that kind)."""
    from jsonschema import Draft202012Validator

    schema = json.loads((SCHEMAS_DIR / f"{kind}.schema.json").read_text())
    return [f"{'/'.join(str(p) for p in e.absolute_path) or '(top)'}: {e.message}"
            for e in sorted(Draft202012Validator(schema).iter_errors(result), key=lambda e: list(e.absolute_path))]


def build_index(results_dir: Path = RESULTS_DIR) -> dict:
    """The index of every file under ``results_dir``; raises ResultFileError naming every JSON
    file that has no kind or fails its kind's schema."""
    results_dir = Path(results_dir)
    files = sorted(p for p in results_dir.rglob("*") if p.is_file() and p.name != INDEX_FILE)
    entries, problems = {}, []
    problems += [f"{p.name}: at the top of the results; it belongs in its suite's folder"
                 for p in files if p.parent == results_dir]
    for path in (p for p in files if p.suffix == ".json" and p.parent != results_dir):
        rel = path.relative_to(results_dir).as_posix()
        try:
            result = json.loads(path.read_text())
        except json.JSONDecodeError as e:
            problems.append(f"{rel}: not JSON ({e})")
            continue
        kind = kind_of(result) if isinstance(result, dict) else None
        if kind is None:
            problems.append(f"{rel}: no kind of result file matches it (tools/results_index.py KINDS)")
            continue
        problems += [f"{rel} ({kind}): {p}" for p in validate(result, kind)]
        entries[rel] = {"path": rel, "suite": rel.split("/")[0], "kind": kind, **_facts(result)}
    if problems:
        raise ResultFileError("result files that are not what their schema says:\n  " + "\n  ".join(problems))
    for path in (p for p in files if p.suffix != ".json"):
        rel = path.relative_to(results_dir).as_posix()
        folder = rel.rsplit("/", 1)[0]
        siblings = [e for r, e in entries.items() if r.rsplit("/", 1)[0] == folder]
        facts = {f: (siblings[0][f] if siblings and len({s[f] for s in siblings}) == 1 else UNKNOWN)
                 for f in ("machine", "commit", "date")}
        entries[rel] = {"path": rel, "suite": rel.split("/")[0], "kind": "attachment", **facts}
    rows = [entries[k] for k in sorted(entries)]
    return {"about": "every file under src/site/results: suite, kind (schemas/results/<kind>.schema.json), machine, "
                     "commit and date; written by `trainer results-index`, checked by its test",
            "files": len(rows), "kinds": sorted({r["kind"] for r in rows}), "entries": rows}


def write_index(results_dir: Path = RESULTS_DIR) -> Path:
    target = Path(results_dir) / INDEX_FILE
    target.write_text(json.dumps(build_index(results_dir), indent=1) + "\n")
    return target
