"""``stream-report``: the streaming protocol's result file (docs/evaluation.md, protocol ``stream``)
from its parts: the job's prequential figures for the static model and with the fine-tuning
loop on (``demo --result``), the split (``stream-split``'s split.json) and the fine-tuned
versions in the loop's registry (their manifests' ``finetune`` records)."""
from __future__ import annotations

import json
import statistics
from pathlib import Path

from ..core.paths import RESULTS_DIR, portable
from ..core.results import git_commit, machine, write_result


def stream_report(model: str, key: str, static: str | Path, loop: str | Path, split: str | Path,
                  loop_registry: str | Path, settings: str, out_dir: Path = RESULTS_DIR) -> dict:
    static_run, loop_run = json.loads(Path(static).read_text()), json.loads(Path(loop).read_text())
    split_info = json.loads(Path(split).read_text())
    records = []
    for manifest in sorted(Path(loop_registry).glob("*/manifest.json")):
        record = json.loads(manifest.read_text()).get("finetune")
        if record:
            records.append(record)
    walls = [r["wall_seconds"] for r in records]
    gain = {m: round(loop_run["metrics"][m] / static_run["metrics"][m] - 1.0, 4)
            for m in ("HR@10", "NDCG@10") if static_run["metrics"][m]}
    result = {
        "model": model, "dataset": f"{split_info['source']} (last {100 - round(100 * split_info['fraction'])}% "
                                   f"by time replayed)", "protocol": "stream",
        "metrics": {f"static_{m}": static_run["metrics"][m] for m in ("HR@10", "NDCG@10")}
                   | {f"loop_{m}": loop_run["metrics"][m] for m in ("HR@10", "NDCG@10")},
        "loop_relative_gain": gain,
        "judged_lists": {"static": static_run["metrics"]["judged"], "loop": loop_run["metrics"]["judged"]},
        "loop_versions_published": len(records),
        "finetune_wall_seconds": {"median": statistics.median(walls), "max": max(walls)} if walls else None,
        "finetune": {"settings": settings, "epochs": sorted({r["epochs"] for r in records}),
                     "lr": sorted({r.get("lr") for r in records if r.get("lr") is not None}),
                     "seeds": sorted({r["seed"] for r in records})},
        "loop_per_model_version": loop_run["per_model_version"],
        "split": split_info, "dataset_sha256": split_info["sha256"],
        "replay": loop_run["replay"], "delivery": loop_run["delivery"], "loop": loop_run["loop"],
        "wall_seconds": {"static": static_run["wall_seconds"], "loop": loop_run["wall_seconds"]},
        "commit": git_commit(), "machine": machine(),
    }
    target = write_result(Path(out_dir) / f"{model}_{key}_stream.json", result)
    print(f"wrote {portable(target)}: static {result['metrics']['static_HR@10']:.4f} / "
          f"{result['metrics']['static_NDCG@10']:.4f}, loop {result['metrics']['loop_HR@10']:.4f} / "
          f"{result['metrics']['loop_NDCG@10']:.4f} ({gain})")
    return result
