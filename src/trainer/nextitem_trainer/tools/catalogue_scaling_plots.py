"""Plots of the Java bench's scaling stage (``scaling_<version>.json``): what exact and
approximate search cost as the catalogue grows, and what approximate search gives up for it.

- ``bench_catalogue_scaling.png``: the full job's events/s (exactly-once) and the inference-path
  p99 at half that rate (at-least-once) against catalogue size, one line per search variant,
  recall@10 against the reference variant written beside each approximate point.
- ``bench_recall_throughput.png``: recall@10 against events/s of every variant at the largest
  catalogue: the curve over the search depth that the setting's default is picked from.
"""
from __future__ import annotations

import json
import logging
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only, no display
import matplotlib.pyplot as plt  # noqa: E402

log = logging.getLogger("nextitem.bench_plots")


def newest_scaling(results_dir: Path) -> dict | None:
    """The newest scaling stage among the folder's scaling_*.json, or None."""
    found = []
    for path in sorted(Path(results_dir).glob("scaling_*.json")):
        result = json.loads(path.read_text())
        if result.get("scaling", {}).get("catalogues"):
            found.append(result)
    return max(found, key=lambda r: r["taken_at"]) if found else None


def _variants(scaling: dict) -> dict[str, list[tuple[dict, dict]]]:
    """{variant name: [(catalogue, its row for the variant)] smallest catalogue first}."""
    out: dict[str, list[tuple[dict, dict]]] = {}
    for catalogue in sorted(scaling["catalogues"], key=lambda c: c["num_items"]):
        for row in catalogue["variants"]:
            out.setdefault(row["variant"], []).append((catalogue, row))
    return out


def plot_catalogue_scaling(result: dict, out: Path) -> Path:
    scaling = result["scaling"]
    fig, (rate_ax, p99_ax) = plt.subplots(1, 2, figsize=(10, 4.2))
    for name, points in _variants(scaling).items():
        items = [c["num_items"] for c, _ in points]
        rate_ax.plot(items, [row["events_per_s_median"] for _, row in points], "o-", label=name)
        p99_ax.plot(items, [row["latency_at_half_rate"]["inference_path_ms_p99"] for _, row in points], "o-", label=name)
        for (catalogue, row) in points:
            if row.get("recall_at_10") is not None:
                rate_ax.annotate(f"R@10 {row['recall_at_10']:.3f}", (catalogue["num_items"], row["events_per_s_median"]),
                                 textcoords="offset points", xytext=(4, 4), fontsize=7)
    for ax, label in ((rate_ax, "events per second (exactly-once)"),
                      (p99_ax, "inference-path p99 at half the rate (ms, at-least-once)")):
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("catalogue size (items)")
        ax.set_ylabel(label)
        ax.grid(alpha=0.3, which="both")
        ax.legend(fontsize=7)
    fig.suptitle(f"full job by catalogue size and search; recall@10 against {scaling['reference_variant']}; "
                 f"{result['machine']['cores']} cores, commit {str(result['commit'])[:12]}", fontsize=8)
    fig.tight_layout()
    path = out / "bench_catalogue_scaling.png"
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path


def plot_recall_throughput(result: dict, out: Path) -> Path | None:
    scaling = result["scaling"]
    largest = max(scaling["catalogues"], key=lambda c: c["num_items"])
    rows = [row for row in largest["variants"] if row.get("recall_at_10") is not None]
    if not rows:
        log.info("bench_recall_throughput.png left out: no variant was compared with the reference")
        return None
    fig, ax = plt.subplots(figsize=(7, 4.2))
    ax.plot([row["events_per_s_median"] for row in rows], [row["recall_at_10"] for row in rows], "o-")
    for row in rows:
        ax.annotate(row["variant"], (row["events_per_s_median"], row["recall_at_10"]), textcoords="offset points",
                    xytext=(4, -10), fontsize=7)
    reference = next(row for row in largest["variants"] if row["variant"] == scaling["reference_variant"])
    ax.axvline(reference["events_per_s_median"], color="tab:gray", ls=":",
               label=f"{scaling['reference_variant']} ({reference['events_per_s_median']:,.0f}/s, recall 1)")
    ax.set_xlabel("events per second (exactly-once)")
    ax.set_ylabel("recall@10 against the reference")
    ax.set_title(f"{largest['version']}: {largest['num_items']:,} items", fontsize=8)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7)
    fig.tight_layout()
    path = out / "bench_recall_throughput.png"
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path
