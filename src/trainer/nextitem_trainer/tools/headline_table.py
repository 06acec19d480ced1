"""The README's headline table, printed from the result files it cites (one row per figure a newcomer
asks for first), so the front page never carries a typed figure. ``results-table --write`` puts it
between the README's "headline table" markers; ``test_results_table.py`` holds it to the files."""
from __future__ import annotations

import json
from pathlib import Path

from ..core.paths import RESULTS_DIR

HEADLINE_NAME = "headline table"
HEADLINE_PAGE = "README.md"
# The P1 ML-1M files the quality row compares: the plain baseline and MostPop beside the best.
QUALITY_BASELINES = ("sasrec", "mostpop")


def _load(results: Path, rel: str) -> dict:
    return json.loads((results / rel).read_text())


def _pm(result: dict, metric: str) -> str:
    std = result.get("metrics_std", {}).get(metric)
    return f"{result['metrics'][metric]:.4f}" + (f" ± {std:.4f}" if std else "")


def _quality_row(results: Path) -> str:
    p1 = {}
    for path in sorted((results / "quality").glob("*_ml-1m_P1.json")):
        r = json.loads(path.read_text())
        p1[path.name] = r
    best_file = max(p1, key=lambda f: p1[f]["metrics"]["HR@10"])
    best = p1[best_file]
    label = best["model"] + (f"-{best['variant']}" if best.get("variant") else "")
    parts = [f"best, {label}: HR@10 **{_pm(best, 'HR@10')}**, NDCG@10 {_pm(best, 'NDCG@10')}"]
    files = [best_file]
    for model in QUALITY_BASELINES:
        name = f"{model}_ml-1m_P1.json"
        if name in p1 and name != best_file:
            parts.append(f"{model} {p1[name]['metrics']['HR@10']:.4f} / {p1[name]['metrics']['NDCG@10']:.4f}")
            files.append(name)
    return (f"| quality, P1 on ML-1M (full ranking, HR@10 / NDCG@10) | {'; '.join(parts)} | "
            + ", ".join(f"`quality/{f}`" for f in files) + " | [results](docs/results.md) |")


def _loop_row(results: Path, rel: str = "stream/sasrec_ml-1m-3k_stream.json") -> str:
    r = _load(results, rel)
    m, gain = r["metrics"], r.get("relative_to_static", {}).get("loop") or r["loop_relative_gain"]
    return (f"| the learning loop, ML-1M users 1-2,999, last 20% replayed through the job | HR@10 "
            f"{m['static_HR@10']:.4f} static, **{m['loop_HR@10']:.4f}** with snapshots, `finetune --watch` and hot swaps "
            f"({gain['HR@10'] * 100:+.1f}%; NDCG@10 {gain['NDCG@10'] * 100:+.1f}%) | `{rel}` | "
            f"[results](docs/results.md#the-learning-loop) |")


def _bench_rows(results: Path, rel: str = "bench/summary.json") -> list[str]:
    s = _load(results, rel)
    return [
        f"| throughput, SASRec L {s['max_seq_len']}, {s['num_items']:,} items, exactly-once | **{s['job_events_per_s']:,.0f} "
        f"events/s** = {s['job_to_ceiling']:.2f} x bare ONNX Runtime ({s['ceiling_events_per_s']:,.0f} requests/s); "
        f"micro-batching {s['batched_to_per_event']:.2f} x per-event inference | `{rel}` | [performance](docs/performance.md) |",
        f"| latency at 50% load | inference path p99 **{s['p99_inference_latency_ms_at_50pct']:,.0f} ms** (at-least-once); "
        f"visible to read_committed consumers p99 {s['p99_visibility_latency_ms_at_50pct_exactly_once']:,.0f} ms "
        f"(exactly-once, checkpoints every {s['checkpoint_interval_ms'] / 1000:g} s) | `{rel}` | [performance](docs/performance.md) |",
        f"| state at {s['users_max']:,} users | {s['state_bytes_per_user']:,.0f} B per user, "
        f"{s['tm_rss_gib_at_max_users']:.2f} GiB resident | `{rel}` | "
        f"[performance](docs/performance.md#state-as-users-grow), [scaling](docs/scaling.md) |"]


def _catalogue_row(results: Path, rel: str = "scaling/default-3416-1e6/summary.json") -> str:
    rows = _load(results, rel)["catalogue_scaling"]["rows"]
    largest = max(r["num_items"] for r in rows)
    at = {r["variant"]: r for r in rows if r["num_items"] == largest}
    d, e = at["default"], at["exact"]
    return (f"| {largest:,} items, default (calibrated approximate) search | {d['events_per_s']:,.0f} events/s, "
            f"{d['events_per_s'] / e['events_per_s']:.1f} x exact search, recall@10 {d['recall_at_10']:.3f} | `{rel}` | "
            f"[scaling](docs/scaling.md), [ann-search](docs/ann-search.md) |")


def _reliability_row(results: Path, rels=("reliability/reliability.json", "reliability/reliability-standalone.json")) -> str:
    runs = [_load(results, rel) for rel in rels]
    scenarios = [s for run in runs for s in run["scenarios"]]
    totals = {k: sum(int(s.get(k) or 0) for s in scenarios) for k in ("lost", "duplicated", "users_out_of_order")}
    names = sorted({s["scenario"] for s in scenarios})
    return (f"| failure injection, {len(scenarios)} scenario runs ({', '.join(names)}) | "
            f"**{totals['lost']} lost, {totals['duplicated']} duplicated, {totals['users_out_of_order']} users out of order** "
            f"| " + ", ".join(f"`{r}`" for r in rels) + " | [reliability](docs/reliability.md), [cluster](docs/cluster.md) |")


def headline_table(results: Path = RESULTS_DIR) -> str:
    results = Path(results)
    rows = [_quality_row(results), _loop_row(results), *_bench_rows(results), _catalogue_row(results),
            _reliability_row(results)]
    return "\n".join(["| what | figure | result file under `src/site/results/` | more |", "|---|---|---|---|", *rows])
