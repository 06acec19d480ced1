"""``stream-split``: the streaming protocol's split (docs/evaluation.md): the first ``fraction`` of a
dataset's events by time to train on, the rest to replay through the running job.

Both parts are written as csv (``user_id,item_id,timestamp_ms``; the replay part with a
``category`` column when an item-category side file is given, since the job reads categories
from the events) in event-time order, so the trainer and the job's ``replay``/``demo`` read
them without another split of their own; ``split.json`` records the cut.
"""
from __future__ import annotations

import gzip
import json
import logging
from pathlib import Path

from ..core.data.categories import read_item_categories
from ..core.data.readers import read_interactions

log = logging.getLogger("nextitem.stream_split")


def stream_split(data: str | Path, fmt: str, fraction: float, out_dir: str | Path,
                 item_categories: str | None = None, categories_format: str | None = None) -> dict:
    if not 0.0 < fraction < 1.0:
        raise ValueError(f"--fraction: expected a number in (0, 1), got {fraction}")
    raw = read_interactions(data, fmt)
    if raw.times_ms is None:
        raise ValueError(f"{data}: the streaming protocol needs timestamps; format {fmt} has none")
    categories = read_item_categories(item_categories, categories_format)[0] if item_categories else None
    order = sorted(range(len(raw.users)), key=raw.times_ms.__getitem__)  # stable: ties keep file order
    cut = int(len(order) * fraction)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    parts = {"train": order[:cut], "replay": order[cut:]}
    for name, rows in parts.items():
        with_category = categories is not None and name == "replay"
        with gzip.open(out_dir / f"{name}.csv.gz", "wt") as f:
            f.write("user_id,item_id,timestamp_ms" + (",category" if with_category else "") + "\n")
            for r in rows:
                line = f"{raw.users[r]},{raw.items[r]},{raw.times_ms[r]}"
                f.write(line + (f",{categories.get(raw.items[r], '')}" if with_category else "") + "\n")
    train_users = {raw.users[r] for r in parts["train"]}
    train_items = {raw.items[r] for r in parts["train"]}
    summary = {"source": Path(data).name, "sha256": raw.sha256, "format": fmt, "fraction": fraction,
               "train_events": len(parts["train"]), "replay_events": len(parts["replay"]),
               "cut_time_ms": raw.times_ms[order[cut]] if cut < len(order) else None,
               "replay_time_range_ms": [raw.times_ms[order[cut]], raw.times_ms[order[-1]]] if cut < len(order) else None,
               "replay_users_new": len({raw.users[r] for r in parts["replay"]} - train_users),
               "replay_items_new": len({raw.items[r] for r in parts["replay"]} - train_items)}
    (out_dir / "split.json").write_text(json.dumps(summary, indent=2) + "\n")
    log.info("split %s at %.0f%%: %s", data, 100 * fraction, summary)
    return summary
