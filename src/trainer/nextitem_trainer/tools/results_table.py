"""``results-table``: the quality tables of docs/results.md, printed from the result files.

docs/results.md cites figures; this makes them from the result files of the quality and stream
suites (``src/site/results/quality/``, ``stream/``) so the tables and the files cannot drift apart. Two tables there: every model under P1 (the common protocol), and
each model under its own paper's protocol beside the paper's published figure; each stands
between the markers ``results_page_tables`` names, and a test holds it to the files.
"""
from __future__ import annotations

import json
from pathlib import Path

from ..core.paths import RESULTS_DIR
from .inline_figures import stale_figures, write_figures

# Published figures the own-protocol table compares with (docs/evaluation.md; each model's paper is cited in its module).
PAPER_FIGURES: dict[tuple[str, str, str], dict[str, float]] = {
    ("sasrec", "ml-1m", "P2"): {"HR@10": 0.8245, "NDCG@10": 0.5905},
    ("convrec", "ml-1m", "P2"): {"HR@10": 0.8149, "NDCG@10": 0.5936},
    ("convrec", "video", "P2"): {"HR@10": 0.7361, "NDCG@10": 0.5379},
    ("attrec", "ml-1m", "P3"): {"HR@50": 0.5223, "MRR": 0.1172},
    ("attrec", "ml-100k", "P3"): {"HR@50": 0.5273, "MRR": 0.0981},
}
# Figures published on data that is not here: shown beside every dataset, with the paper's
# dataset named, so the table never suggests a like-for-like comparison.
PAPER_FIGURES_OTHER_DATA: dict[tuple[str, str], tuple[str, dict[str, float]]] = {
    ("dmran", "P5"): ("Amazon Electronics", {"AUC_1neg": 0.8932}),
    ("ssrf", "P5"): ("Retailrocket", {"AUC": 0.912}),
}
P1_COLUMNS = ("HR@10", "NDCG@10", "HR@20", "NDCG@20", "MRR")
P1_ORDER = ("sasrec", "sasrec-sampled", "sasrec-plus", "sasrec-plus-ref", "convrec", "attrec", "casfe", "dmran", "ssrf", "mostpop")
# Datasets with event times and categories (DMRAN, SSRF beside SASRec): their own P1 tables.
CONTEXT_DATASETS = (("ml-100k", "ML-100K"), ("ml-1m-3k", "ML-1M users 1-2,999 (timestamps)"))
P4_SHOWN = ("Recall@5", "MRR@5", "Recall@20", "MRR@20")  # of the six P4 metrics, what fits a table cell


# The suites (folders under the results) whose files this prints: evaluate's and stream-report's.
TABLE_SUITES = ("quality", "stream")


def load_results(folder: Path = RESULTS_DIR) -> list[dict]:
    """The result files of the quality and stream suites (their folders under ``folder``), in file
    name order; a file there without a protocol is not one of theirs and is left out."""
    results = []
    for path in sorted((p for suite in TABLE_SUITES for p in (Path(folder) / suite).glob("*.json")), key=lambda p: p.name):
        result = json.loads(path.read_text())
        if "protocol" not in result:
            continue
        result["_file"] = path.name
        results.append(result)
    return results


def _label(result: dict) -> str:
    return result["model"] + (f"-{result['variant']}" if result.get("variant") else "")


def _data_key(result: dict) -> str:
    return result["_file"].split("_")[1]


def _figure(result: dict, metric: str) -> str:
    value = result["metrics"].get(metric)
    if value is None:
        return ""
    std = result.get("metrics_std", {}).get(metric)
    return f"{value:.4f} ± {std:.4f}" if std is not None else f"{value:.4f}"


def _seeds(result: dict) -> str:
    seeds = result.get("seeds") or []
    return ", ".join(str(s) for s in seeds) if seeds else "-"


def p1_table(results: list[dict], data_key: str = "ml-1m") -> str:
    rows = [r for r in results if r["protocol"] == "P1" and _data_key(r) == data_key]
    rows.sort(key=lambda r: (P1_ORDER.index(_label(r)) if _label(r) in P1_ORDER else len(P1_ORDER), _label(r)))
    lines = ["| model | seeds | " + " | ".join(P1_COLUMNS) + " | result file |",
             "|---|---|" + "---|" * len(P1_COLUMNS) + "---|"]
    for r in rows:
        lines.append(f"| {_label(r)} | {_seeds(r)} | " + " | ".join(_figure(r, m) for m in P1_COLUMNS)
                     + f" | `{r['_file']}` |")
    return "\n".join(lines)


# docs/results.md shows these tables between "<!-- NAME: begin -->" and "<!-- NAME: end -->" lines.
RESULTS_PAGE = "docs/results.md"


def results_page_tables(results: list[dict]) -> dict[str, str]:
    """Marker name -> table, as docs/results.md must show them."""
    tables = {"P1 ML-1M quality table": p1_table(results), "own-protocol quality table": own_protocol_table(results)}
    for r in results:
        if r["protocol"] == "stream":
            tables[f"{_data_key(r)} streaming protocol table"] = stream_table(r)
            if r.get("canary"):
                tables[f"{_data_key(r)} canary decisions table"] = canary_decisions_table(r)
    return tables


def canary_decisions_table(r: dict) -> str:
    """Each canary of a streaming replay: how it ended, its arms as judged from outside the job
    (the lists that named it as candidate), and the judge's own figures at its decision."""
    c = r["canary"]
    ended = {}
    for d in c["decisions"]:
        if d["action"] in ("PROMOTE", "ABORT") and d.get("version"):
            ended[d["version"]] = d
    lines = ["| candidate | ended | candidate arm HR@10 (lists) | serving arm HR@10 (lists) | the judge at its decision |",
             "|---|---|---|---|---|"]
    for d in c["decisions"]:
        if d["action"] != "CANARY":
            continue
        arms = c["per_canary"].get(d["version"], {})
        cells = [f"{arms[a]['HR@10']:.4f} ({arms[a]['judged']:,})" if a in arms else "-" for a in ("CANDIDATE", "SERVING")]
        end = ended.get(d["version"])
        how = f"{end['action'].lower()} ({end['issued_by']})" if end else "on trial at the end"
        reason = (end.get("reason") or "").replace("|", "/") if end else ""
        lines.append(f"| `{d['version']}` | {how} | {cells[0]} | {cells[1]} | {reason} |")
    return "\n".join(lines)


# The streaming protocol's arms (stream_report.py), in the order a reader compares them.
STREAM_ARMS = (("static", "static (the first version throughout)"),
               ("loop", "loop (snapshots, `finetune --watch`, every version swapped in)"),
               ("canary", "loop with canaries (each new version tried on a share of users first)"),
               ("full_retrain", "full retrain from scratch at each snapshot (upper bound)"))


def _stream_versions(r: dict, arm: str) -> str:
    if arm == "loop":
        return f"{r['loop_versions_published']} published"
    if arm == "canary":
        c = r["canary"]
        return (f"{c['proposed']} tried: {len(c['promoted'])} promoted, {len(c['aborted'])} aborted"
                + (", 1 on trial at the end" if c.get("undecided_at_end") else ""))
    if arm == "full_retrain":
        return f"{len(r['full_retrain']['per_model_version']) - 1} swapped in ({r['full_retrain']['versions_trained']} trained)"
    return "1"


def _stream_compute(r: dict, arm: str) -> str:
    if arm == "loop" and r.get("finetune_wall_seconds"):
        return f"fine-tunes {r['finetune_wall_seconds']['median']:.1f} s median, {r['finetune_wall_seconds']['max']:.0f} s max"
    if arm == "canary" and (spread := r["canary"].get("finetune_wall_seconds")):
        return f"fine-tunes {spread['median']:.1f} s median, {spread['max']:.0f} s max"
    if arm == "full_retrain" and (spread := r["full_retrain"].get("train_wall_seconds")):
        return f"trainings {spread['median']:.0f} s median, {spread['sum'] / 60:.0f} min in all"
    return "-"


def stream_table(r: dict) -> str:
    """One streaming-protocol result file: each arm's prequential figures over the same replay."""
    lines = ["| run | HR@10 | NDCG@10 | judged lists | versions | compute |", "|---|---|---|---|---|---|"]
    gains = r.get("relative_to_static") or {"loop": r.get("loop_relative_gain", {})}
    for arm, label in STREAM_ARMS:
        if f"{arm}_HR@10" not in r["metrics"]:
            continue
        cells = []
        for m in ("HR@10", "NDCG@10"):
            gain = gains.get(arm, {}).get(m)
            cells.append(f"{r['metrics'][f'{arm}_{m}']:.4f}" + (f" ({gain * 100:+.1f}%)" if gain is not None else ""))
        lines.append(f"| {label} | {cells[0]} | {cells[1]} | {r['judged_lists'][arm]:,} | {_stream_versions(r, arm)} "
                     f"| {_stream_compute(r, arm)} |")
    return "\n".join(lines)


def own_protocol_table(results: list[dict]) -> str:
    lines = ["| model | data | protocol | ours | paper | result file |", "|---|---|---|---|---|---|"]
    for r in results:
        if r["protocol"] == "P1" or r["model"] == "mostpop":
            continue
        paper = PAPER_FIGURES.get((_label(r), _data_key(r).split("-n")[0], r["protocol"]), {})
        other_data = PAPER_FIGURES_OTHER_DATA.get((_label(r), r["protocol"]))
        if other_data:
            paper = other_data[1]
        if r["protocol"] == "P4":
            table2 = r.get("paper_table2", {}).get(r["model"].upper(), {})
            paper = {m: table2[m] for m in P4_SHOWN if m in table2}
        # The streaming protocol's point is the loop against the static model: every arm's HR@10.
        metrics = list(paper) or ([m for m in r["metrics"] if m.endswith("_HR@10")] if r["protocol"] == "stream"
                                  else list(r["metrics"])[:2])
        ours = ", ".join(f"{m} {_figure(r, m)}" for m in metrics)
        if r.get("ci95"):
            ours += " (95% CI " + ", ".join(f"{m} {r['ci95'][m][0]:.3f}-{r['ci95'][m][1]:.3f}"
                                            for m in metrics[:1] if m in r["ci95"]) + ")"
        theirs = ", ".join(f"{m} {v:.4f}" for m, v in paper.items()) or "-"
        if other_data:
            theirs += f" (on {other_data[0]})"
        lines.append(f"| {_label(r)} | {r['dataset']} | {r['protocol']} | {ours} | {theirs} | `{r['_file']}` |")
    return "\n".join(lines)


# The sampled-loss comparison (docs/scaling.md): the same architecture trained with full
# cross-entropy (the plain label) and with a sampled loss ("-sampled"), on each dataset that has both.
LOSS_COMPARISON_LABELS = ("sasrec", "sasrec-sampled")
LOSS_COMPARISON_DATA = (("ml-1m", "ML-1M"), ("video", "Video Games"))
LOSS_TABLE_NAME = "sampled-loss quality table"
LOSS_TABLE_MARKERS = (f"<!-- {LOSS_TABLE_NAME}: begin -->", f"<!-- {LOSS_TABLE_NAME}: end -->")


def _loss(result: dict) -> str:
    model = result.get("config", {}).get("model", {})
    loss = model.get("loss", "?")
    if loss == "ce":
        return "full cross-entropy"
    if loss in ("sampled_softmax", "gbce"):
        return f"{loss}, {model.get('num_negatives')} {model.get('negative_sampler', 'uniform')} negatives"
    return loss


def _mean(values) -> float | None:
    values = values if isinstance(values, list) else [values]
    values = [v for v in values if isinstance(v, (int, float))]
    return sum(values) / len(values) if values else None


def _epochs(result: dict) -> str:
    """best / run epochs per seed: a run stopped by its time budget shows best close to run."""
    epochs = result.get("epochs")
    epochs = epochs if isinstance(epochs, list) else [epochs] if isinstance(epochs, dict) else []
    return ", ".join(f"{e.get('best')} / {e.get('run')}" for e in epochs) or "-"


def sampled_loss_table(results: list[dict]) -> str:
    """Full cross-entropy beside the sampled loss at the same architecture, P1, per dataset."""
    lines = ["| data | model | loss | seeds | HR@10 | NDCG@10 | NDCG@10 / full CE | training s per run | epochs best / run "
             "| commit | result file |",
             "|---|---|---|---|---|---|---|---|---|---|---|"]
    for key, title in LOSS_COMPARISON_DATA:
        rows = {_label(r): r for r in results if r["protocol"] == "P1" and _data_key(r) == key
                and _label(r) in LOSS_COMPARISON_LABELS}
        reference = rows.get(LOSS_COMPARISON_LABELS[0])
        for label in LOSS_COMPARISON_LABELS:
            r = rows.get(label)
            if r is None:
                continue
            ratio = (f"{r['metrics']['NDCG@10'] / reference['metrics']['NDCG@10']:.3f}"
                     if reference and reference["metrics"].get("NDCG@10") else "-")
            seconds = _mean(r.get("train_seconds"))
            lines.append(f"| {title} | {label} | {_loss(r)} | {_seeds(r)} | {_figure(r, 'HR@10')} | "
                         f"{_figure(r, 'NDCG@10')} | {ratio} | {'-' if seconds is None else f'{seconds:,.0f}'} | {_epochs(r)} | "
                         f"{str(r.get('commit', 'unknown'))[:7]} | `{r['_file']}` |")
    return "\n".join(lines)


def replace_marked(text: str, name: str, table: str) -> str:
    """``text`` with what stands between "<!-- NAME: begin -->" and "<!-- NAME: end -->" replaced by ``table``."""
    begin, end = f"<!-- {name}: begin -->", f"<!-- {name}: end -->"
    if begin not in text or end not in text:
        raise ValueError(f"no {begin} ... {end} markers to write the table between")
    head, rest = text.split(begin, 1)
    return head + begin + "\n" + table + "\n" + end + rest.split(end, 1)[1]


# docs/gpu-check.md's table: the committed CPU run of the GPU check (deploy/bin/gpu-check).
GPU_CHECK_RESULT = "gpu/amd-epyc-cpu-only.json"
GPU_CHECK_TABLE_NAME = "gpu-check cpu table"


def _pages(folder: Path, root: Path) -> dict[Path, dict[str, str]]:
    """Page -> marker name -> the table the result files give."""
    from .headline_table import HEADLINE_NAME, HEADLINE_PAGE, headline_table

    from .gpu_check.report import markdown_table

    results = load_results(folder)
    gpu_result = json.loads((Path(folder) / GPU_CHECK_RESULT).read_text())
    return {root / RESULTS_PAGE: results_page_tables(results),
            root / "docs" / "scaling.md": {LOSS_TABLE_NAME: sampled_loss_table(results)},
            root / "docs" / "gpu-check.md": {GPU_CHECK_TABLE_NAME: markdown_table(gpu_result)},
            root / HEADLINE_PAGE: {HEADLINE_NAME: headline_table(folder)}}


def stale_tables(folder: Path = RESULTS_DIR, root: Path | None = None) -> list[str]:
    """``page: table name`` of every marked table whose text differs from what the files give
    (a figure edited by hand, or a result file changed since the table was printed), then every
    figure in the prose of README.md and docs/ that differs from its file (``inline_figures``)."""
    from ..core.paths import REPO_ROOT

    root = root or REPO_ROOT
    stale = []
    for page, tables in _pages(folder, root).items():
        text = page.read_text()
        for name, table in tables.items():
            if replace_marked(text, name, table) != text:
                stale.append(f"{page.relative_to(root).as_posix()}: {name}")
    return stale + stale_figures(folder, root)


def write_tables(folder: Path = RESULTS_DIR, root: Path | None = None) -> list[Path]:
    """Rewrites every marked table of docs/results.md, docs/scaling.md and the README, and every
    marked figure in the prose of README.md and docs/, from the result files. -> the pages that changed."""
    from ..core.paths import REPO_ROOT

    root = root or REPO_ROOT
    changed = []
    for page, tables in _pages(folder, root).items():
        text = page.read_text()
        new = text
        for name, table in tables.items():
            new = replace_marked(new, name, table)
        if new != text:
            page.write_text(new)
            changed.append(page)
    return changed + [p for p in write_figures(folder, root) if p not in changed]


def print_tables(folder: Path = RESULTS_DIR) -> str:
    results = load_results(folder)
    text = ("P1 on ML-1M (full ranking, leave-one-out; mean ± std where several seeds; docs/results.md)\n\n"
            + p1_table(results)
            + "\n\nEach model under its own paper's protocol (docs/results.md)\n\n" + own_protocol_table(results) + "\n")
    for key, title in CONTEXT_DATASETS:
        if any(r["protocol"] == "P1" and _data_key(r) == key for r in results):
            text += f"\nP1 on {title}\n\n" + p1_table(results, key) + "\n"
    text += "\nFull cross-entropy beside a sampled loss (docs/scaling.md)\n\n" + sampled_loss_table(results) + "\n"
    for r in results:
        if r["protocol"] == "stream":
            text += f"\nStreaming protocol on {r['dataset']} (docs/results.md)\n\n" + stream_table(r) + "\n"
    print(text)
    return text
