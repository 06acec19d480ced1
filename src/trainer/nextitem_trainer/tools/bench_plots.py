"""``bench-plots``: PNG plots of the Java ``bench`` results (``bench_<version>.json``).

- ``bench_throughput.png``: the bare ONNX Runtime ceiling (requests/s by batch size) of the
  headline version, with the job's micro-batched and per-event rates drawn across it.
- ``bench_latency.png``: inference-path and visibility latency (p50 / p99) against offered load,
  exactly-once and at-least-once.
- ``bench_scaling.png``: ceiling at the batch limit (and the job, where measured) against
  catalogue size, one line per sequence length, from every result file in the folder.
- the scaling stage's plots, from the newest ``scaling_*.json`` (``catalogue_scaling_plots``).

Plots only draw what the files hold; a missing stage leaves its plot out, with a log line.
"""
from __future__ import annotations

import json
import logging
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only, no display
import matplotlib.pyplot as plt  # noqa: E402

from .catalogue_scaling_plots import newest_scaling, plot_catalogue_scaling, plot_recall_throughput  # noqa: E402

log = logging.getLogger("nextitem.bench_plots")


def load_results(results_dir: Path, required: bool = True) -> list[dict]:
    results = []
    for path in sorted(Path(results_dir).glob("bench_*.json")):
        result = json.loads(path.read_text())
        result["_file"] = path.name
        results.append(result)
    if not results and required:
        raise FileNotFoundError(f"{results_dir}: no bench_*.json (run `java -jar target/nextitem.jar bench` first)")
    return results


def _headline(results: list[dict]) -> dict | None:
    """The newest result with every throughput stage."""
    full = [r for r in results if "ceiling" in r and "job" in r and "per_event_job" in r]
    return max(full, key=lambda r: r["taken_at"]) if full else None


def _caption(result: dict) -> str:
    s = result["settings"]
    return (f"{result['model']} N={result['num_items']:,} L={result['max_seq_len']}, {result.get('provider', '?')}, "
            f"{s['intra_op_threads']} ORT thread(s), {result['machine']['cores']} cores, batch <= {s['batch_max_size']}")


def _save(fig, ax, path: Path, title: str, legend_size: int = 8) -> Path:
    """The finish every plot shares: title, legend, grid, PNG at 120 dpi."""
    ax.set_title(title, fontsize=8)
    ax.legend(fontsize=legend_size)
    ax.grid(alpha=0.3, which="both")
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path


def plot_throughput(result: dict, out: Path) -> Path:
    rows = result["ceiling"]["timings"]
    sizes = [r["batch_size"] for r in rows]
    fig, ax = plt.subplots(figsize=(7, 4.2))
    ax.plot(sizes, [r["requests_per_second_median"] for r in rows], "o-", label="bare ONNX Runtime (ceiling)")
    ax.axhline(result["job"]["events_per_s_median"], color="tab:green", ls="--",
               label=f"full job, micro-batched, exactly-once ({result['job']['events_per_s_median']:,.0f}/s)")
    ax.axhline(result["per_event_job"]["events_per_s_median"], color="tab:red", ls=":",
               label=f"full job, per event ({result['per_event_job']['events_per_s_median']:,.0f}/s)")
    ax.set_xscale("log", base=2)
    ax.set_xlabel("batch size (requests per ONNX Runtime call)")
    ax.set_ylabel("requests (events) per second")
    ax.set_ylim(bottom=0)
    return _save(fig, ax, out / "bench_throughput.png", _caption(result))


def plot_latency(result: dict, out: Path) -> Path:
    fig, ax = plt.subplots(figsize=(7, 4.2))
    styles = {"exactly-once": "tab:blue", "at-least-once": "tab:orange"}
    for delivery, color in styles.items():
        points = sorted((p for p in result["latency"] if p["delivery"] == delivery), key=lambda p: p["offered_events_per_s"])
        if not points:
            continue
        rate = [p["offered_events_per_s"] for p in points]
        ax.plot(rate, [p["visibility_ms_p99"] for p in points], "o-", color=color, label=f"{delivery}: visibility p99")
        ax.plot(rate, [p["visibility_ms_p50"] for p in points], "o--", color=color, alpha=0.6,
                label=f"{delivery}: visibility p50")
        ax.plot(rate, [p["inference_path_ms_p99"] for p in points], "s:", color=color, alpha=0.8,
                label=f"{delivery}: inference path p99")
    ax.set_yscale("log")
    ax.set_xlabel("offered load (events per second)")
    ax.set_ylabel("event time to list (ms)")
    return _save(fig, ax, out / "bench_latency.png",
                 _caption(result) + _checkpoints(result['settings']), legend_size=7)


def _checkpoints(settings: dict) -> str:
    """The checkpoint setting the tail depends on; results from before the changelog setting have no key."""
    log_based = " (changelog)" if settings.get("checkpoint_changelog") else ""
    return f", checkpoints every {settings['checkpoint_interval_ms']} ms{log_based}"


def plot_scaling(results: list[dict], out: Path) -> Path | None:
    by_length: dict[int, list[dict]] = {}
    for r in results:
        if "ceiling" in r:
            by_length.setdefault(r["max_seq_len"], []).append(r)
    if sum(len({r["num_items"] for r in rs}) for rs in by_length.values()) < 2:
        log.info("bench_scaling.png left out: fewer than two catalogue sizes measured")
        return None
    fig, ax = plt.subplots(figsize=(7, 4.2))
    for length, rs in sorted(by_length.items()):
        rs = sorted(rs, key=lambda r: r["num_items"])
        ax.plot([r["num_items"] for r in rs], [r["ceiling"]["events_per_s_at_batch_limit"] for r in rs], "o-",
                label=f"ceiling, L={length}")
        jobs = [r for r in rs if "job" in r]
        if jobs:
            ax.plot([r["num_items"] for r in jobs], [r["job"]["events_per_s_median"] for r in jobs], "s--",
                    label=f"full job, L={length}")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("catalogue size (items)")
    ax.set_ylabel("requests (events) per second")
    return _save(fig, ax, out / "bench_scaling.png",
                 "catalogue and sequence length (untrained bench versions); batch limit and threads as in each file")


def bench_plots(results_dir: Path, out_dir: Path) -> list[Path]:
    catalogues = newest_scaling(results_dir)
    results = load_results(results_dir, required=catalogues is None)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    headline = _headline(results)
    if headline is None:
        log.info("bench_throughput.png left out: no result has the ceiling, job and per-event stages")
    else:
        written.append(plot_throughput(headline, out_dir))
        if headline.get("latency"):
            written.append(plot_latency(headline, out_dir))
    scaling = plot_scaling(results, out_dir)
    if scaling:
        written.append(scaling)
    if catalogues is None:
        log.info("bench_catalogue_scaling.png left out: no scaling_*.json with a scaling stage")
    else:
        written.append(plot_catalogue_scaling(catalogues, out_dir))
        curve = plot_recall_throughput(catalogues, out_dir)
        if curve:
            written.append(curve)
    for path in written:
        log.info("wrote %s", path)
    return written
