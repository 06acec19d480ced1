"""``epoch-time``: seconds per 1,000 training positions and per epoch of one small SASRec under
each loss, on synthetic catalogues of 10^4..10^6 items, through the one training engine
(``TrainingLoop``). A benchmark that writes a result file, never a test.

Per catalogue the log is drawn once in memory and its training sequences built (max_len 50, one example
per user as ``train`` does); per loss a fresh model and optimiser run ``WARMUP_STEPS`` steps, then
``steps`` timed steps of the same seeded batches; the time of the timed steps over the target
positions they held gives seconds per 1,000 positions, times the epoch's positions the
extrapolated epoch. Peak memory: the process's resident high-water mark (VmHWM), reset before
each loss where the kernel allows it (/proc/self/clear_refs), with the resident size before the
loss beside it (the loaded log and examples are in both).

Full ``ce`` builds a (positions, N) logit matrix per step and trains the table with dense Adam
(O(N) per step): at 10^6 items a batch of 256 users would need tens of GB, so ``ce`` runs at a
batch of its own per catalogue (``CE_BATCH``), recorded beside its figures; its per-position
cost at a small batch includes the O(N) optimiser step spread over few positions.
"""
from __future__ import annotations

import logging
import os
import time
from itertools import islice
from pathlib import Path

import numpy as np

from ..core.config import config_from_dict
from ..core.cpu_threads import set_cpu_threads
from ..core.data import InteractionLog, TrainSequences, train_popularity
from ..core.models import build_model
from ..core.paths import RESULTS_DIR, portable
from ..core.results import git_commit, machine, write_result
from ..core.training import OptimizerSpec, StopPolicy, TrainingLoop, seed_everything
from .synthetic_catalogue import generate_catalogue

DATA_SEED, EVENTS_PER_ITEM = 1, 20  # the trained catalogues' (tools/scaling_catalogues.py)

log = logging.getLogger("nextitem.epoch_time")

RESULT_FILE = RESULTS_DIR / "scaling" / "epoch_time.json"
MODEL = {"name": "sasrec", "hidden": 64, "blocks": 2, "heads": 1, "max_len": 50, "dropout": 0.2}
LOSSES = (("ce", "full"), ("sampled_softmax", "uniform"), ("sampled_softmax", "popularity"),
          ("sampled_softmax", "in_batch"), ("gbce", "uniform"))
BATCH = 256  # users per step (every loss but ce at a large catalogue)
CE_BATCH = {10_000: 256, 100_000: 64, 1_000_000: 8}  # users per ce step: its (positions, N) logits must fit
WARMUP_STEPS = 2
SEED = 42


def _resident_kb(field: str) -> int:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _reset_peak() -> bool:
    """Resets VmHWM to the current resident size (Linux: 5 > /proc/self/clear_refs)."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def _counted(batches, counter: list[int]):
    """The batches, adding each one's target positions to counter[0]."""
    for batch in batches:
        counter[0] += int((batch["target_seq"] > 0).sum())
        yield batch


def time_loss(examples: TrainSequences, popularity: np.ndarray, num_items: int, loss: str, sampler: str,
              batch_size: int, steps: int) -> dict:
    """Warm-up then timed steps of one loss through TrainingLoop.  -> figures"""
    model_cfg = dict(MODEL, loss=loss, **({"negative_sampler": sampler, "num_negatives": 256} if loss != "ce" else {}))
    config = config_from_dict({"name": "epoch-time", "data": {"path": "synthetic.csv", "format": "csv"},
                               "model": model_cfg, "train": {"seed": SEED, "batch_size": batch_size}})
    seed_everything(SEED)
    model = build_model("sasrec", config.model, num_items)
    model.set_train_popularity(popularity)
    optimizer = OptimizerSpec.from_config(config.train).build(model)
    rng = np.random.default_rng(SEED)
    loop = TrainingLoop(model, optimizer, StopPolicy(epochs=2), rng=rng, progress=False)
    counts = [[0], [0]]
    phases = iter([(WARMUP_STEPS, counts[0]), (steps, counts[1])])

    def batches():  # epoch 1: the warm-up steps, epoch 2: the timed steps
        count, counter = next(phases)
        return _counted(islice(examples.batches(batch_size, rng), count), counter)

    rss_before = _resident_kb("VmRSS")
    reset = _reset_peak()
    loop.run(batches)
    timed = loop.state["history"][1]
    seconds, positions = timed["seconds"], counts[1][0]
    return {"batch_users": batch_size, "timed_steps": steps, "timed_positions": positions,
            "seconds_timed": seconds, "seconds_per_step": round(seconds / steps, 4),
            "seconds_per_1000_positions": round(1000 * seconds / max(positions, 1), 4),
            "peak_rss_mb": round(_resident_kb("VmHWM") / 1024, 1),
            "rss_before_mb": round(rss_before / 1024, 1), "peak_reset_per_loss": reset,
            "final_loss": round(timed["loss"], 4)}


def catalogue_log(items: int) -> InteractionLog:
    """The synthetic catalogue drawn in memory, as ``synthetic --items N --events-per-item 20
    --seed 1`` writes it, without the csv round trip (minutes of parsing at 2x10^7 rows, which
    the timing does not need): item index = catalogue index + 1, so all N items are in the table.
    -> the log, users in order, each user's clicks in time order"""
    clicks = generate_catalogue(items, EVENTS_PER_ITEM, DATA_SEED)
    cuts = np.flatnonzero(clicks.user[1:] != clicks.user[:-1]) + 1
    return InteractionLog(name=f"synthetic catalogue {items} items", source_file="(drawn in memory)", sha256="",
                          item_ids=[f"item-{i}" for i in range(items)],
                          user_ids=[f"u{DATA_SEED}-{u}" for u in range(clicks.users)],
                          sequences=np.split(clicks.item.astype(np.int64) + 1, cuts), times_s=None, categories=None)


def measure_catalogue(items: int, steps: int) -> dict:
    started = time.time()
    interactions = catalogue_log(items)
    examples = TrainSequences(interactions, MODEL["max_len"])
    popularity = train_popularity(interactions)
    epoch_positions = int((examples.inputs["target_seq"] > 0).sum())
    entry = {"items": interactions.num_items, "events": interactions.num_interactions, "users": interactions.num_users,
             "dataset": f"trainer synthetic --items {items} --events-per-item {EVENTS_PER_ITEM} --seed {DATA_SEED}, "
                        "drawn in memory", "draw_seconds": round(time.time() - started, 1),
             "epoch_positions": epoch_positions, "epoch_steps_at_batch": -(-len(examples) // BATCH), "losses": []}
    for loss, sampler in LOSSES:
        batch = CE_BATCH.get(items, 8) if loss == "ce" else BATCH
        figures = time_loss(examples, popularity, interactions.num_items, loss, sampler, batch, steps)
        per_position = figures["seconds_timed"] / max(figures["timed_positions"], 1)
        figures["epoch_seconds_extrapolated"] = round(per_position * epoch_positions, 1)
        figures = {"loss": loss, "negatives": sampler, **figures}
        if loss == "ce" and batch != BATCH:
            figures["note"] = (f"measured at {batch} users per step: a batch of {BATCH} would need a "
                               f"({BATCH} x {MODEL['max_len']}, {items}) logit matrix per step")
        log.info("%d items %s/%s: %.3f s per 1000 positions, epoch ~%.0f s, peak %.0f MB", items, loss, sampler,
                 figures["seconds_per_1000_positions"], figures["epoch_seconds_extrapolated"], figures["peak_rss_mb"])
        entry["losses"].append(figures)
    return entry


def run_epoch_time(items: list[int], steps: int, result_file: Path = RESULT_FILE, threads: int = 2) -> Path:
    set_cpu_threads(threads)
    result = {
        "what": "seconds per 1,000 training positions and extrapolated seconds per epoch of one SASRec "
                "under each loss, through the training engine (TrainingLoop), on synthetic catalogues",
        "command": f"trainer epoch-time --items {' '.join(map(str, items))} --steps {steps}",
        "model": MODEL, "batch_users": BATCH, "ce_batch_users": {str(k): v for k, v in CE_BATCH.items()},
        "num_negatives": 256, "warmup_steps": WARMUP_STEPS, "seed": SEED,
        "data_generator": "trainer synthetic --items N --events-per-item 20 --seed 1 (tools/synthetic_catalogue.py)",
        "positions": "target positions (item_seq's next items) of the training examples; one example per user, "
                     "its newest max_len training targets",
        "epoch_seconds_extrapolated": "seconds per position of the timed steps x the epoch's positions",
        "peak_memory": "VmHWM of the process (the loaded log and examples included), reset before each loss",
        "note": "measured on a 2-core machine shared with other work (Maven builds, other trainings) while "
                "measuring: the figures are slower than a quiet machine's and noisy",
        "commit": git_commit(), "machine": {**machine(), "cores_available": os.cpu_count()},
        "catalogues": [],
    }
    for n in items:
        result["catalogues"].append(measure_catalogue(n, steps))
        write_result(result_file, result)  # after each catalogue: a finished one survives a later failure
        log.info("wrote %s", portable(result_file))
    return result_file

