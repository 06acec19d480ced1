"""``finetune``: continue the serving model version on the snapshots it has not learned yet.

1. The current version is the registry's newest (manifest ``created_at``, the job's rule); its
   ``weights.pt`` is the starting point and ``learned_snapshots`` what it has already seen.
2. New rows: every complete snapshot not learned yet (data/snapshots.py). The newest
   ``holdout`` share of them (by click time) is held out for validation; the rest trains,
   mixed with a replay sample (``replay`` times as many rows) drawn from the version's original
   training data (when its file is still at the recorded path) and the snapshots it learned,
   so the model does not forget what came before. The learning rate is a tenth of the one the
   model was trained with unless ``lr`` is given: fine-tuning nudges a trained model.
3. Items first seen in the new rows grow the vocabulary: every table with one row per item gets
   rows for them (old rows kept, new ones drawn like the old ones' spread), so they can be
   recommended by the new version.
4. Each row is one example: the prefix as the input sequence (left-padded, newest last) and the
   clicked item as the target at the last position, the same inputs the job feeds.
5. The parent and the fine-tuned model are scored on the held-out rows (P1-style full ranking,
   the prefix excluded; an item the parent does not know is a miss for it). The new version is
   published only when its NDCG@10 is not worse than the parent's (``tolerance`` below it at
   most); it records its parent, every snapshot it learned and this validation.
6. The new version has the forms of its parent: a parent with a retrieval form (query.onnx,
   item_vectors.npy) gets a child with one (export demands it), a parent served exactly only a
   child served exactly only, so fine-tuning never changes how the job serves the model.
"""
from __future__ import annotations

import datetime as dt
import json
import logging
import time
from pathlib import Path

import numpy as np
import torch

from ..core.cpu_threads import set_cpu_threads
from ..core import checkpoint
from ..core.config import config_from_dict
from ..core.data.snapshots import complete_snapshots, read_snapshot
from .export import WEIGHTS_FILE, export
from ..core.metrics import full_ranking_ranks, ranking_metrics
from ..core.models import build_model
from ..core.results import machine
from ..core.training import OptimizerSpec, StopPolicy, TrainingLoop

log = logging.getLogger("nextitem.finetune")


SERVING_RECORD = "serving.json"


def current_version(registry: Path) -> Path:
    """The version to continue: the one the job serves to every user outside a canary, as its
    serving record says (``serving.json`` in the registry, which the job writes from the decisions
    on model.updates-topic: pins, rollbacks, canaries); without a record, the newest version, which
    is what a job without pins serves."""
    registry = Path(registry)
    record = registry / SERVING_RECORD
    if record.is_file():
        serving = json.loads(record.read_text()).get("serving")
        if serving and (registry / serving / "manifest.json").is_file():
            log.info("continuing %s: the version the job serves (%s)", serving, SERVING_RECORD)
            return registry / serving
        log.warning("%s names %r, which is not a version in %s: continuing the newest instead", SERVING_RECORD,
                    serving, registry)
    versions = [p for p in registry.iterdir()
                if p.is_dir() and not p.name.startswith(".") and (p / "manifest.json").is_file()]
    if not versions:
        raise FileNotFoundError(f"{registry}: no model version to fine-tune")
    return max(versions, key=lambda p: (json.loads((p / "manifest.json").read_text()).get("created_at", ""), p.name))


class Vocabulary:
    """Producer id -> index (1-based; 0 = unknown), growable."""

    def __init__(self, ids: list[str]):
        self.ids = list(ids)
        self.index = {v: i + 1 for i, v in enumerate(self.ids)}

    def grow(self, ids) -> list[str]:
        added = []
        for v in ids:
            if v is not None and v not in self.index:
                self.ids.append(v)
                self.index[v] = len(self.ids)
                added.append(v)
        return added

    def get(self, v) -> int:
        return self.index.get(v, 0)


def example_batch(rows: list[dict], items: Vocabulary, users: Vocabulary, categories: Vocabulary,
                  max_len: int) -> dict[str, torch.Tensor]:
    """The contract inputs of each row's prefix (unknown items skipped, as the job does) plus
    ``target_seq`` (B, L) with the target in the last column and ``target_next`` (B, 1).
    ``query_time`` is the newest prefix click's time, known item or not: the job asks for the
    list at that click (schemas/model/inputs-contract.json holds both sides to it)."""
    b = len(rows)
    item_seq = np.zeros((b, max_len), dtype=np.int64)
    time_seq = np.zeros((b, max_len), dtype=np.int64)
    cat_seq = np.zeros((b, max_len), dtype=np.int64)
    query_time = np.zeros(b, dtype=np.int64)  # (B,) epoch seconds
    for r, row in enumerate(rows):
        if row["prefix_event_times_millis"]:
            query_time[r] = row["prefix_event_times_millis"][-1] // 1000
        kept = [(items.get(i), t // 1000, categories.get(c)) for i, t, c in
                zip(row["prefix_item_ids"], row["prefix_event_times_millis"], row["prefix_categories"])]
        kept = [k for k in kept if k[0] > 0][-max_len:]
        if kept:
            item_seq[r, max_len - len(kept):] = [k[0] for k in kept]
            time_seq[r, max_len - len(kept):] = [k[1] for k in kept]
            cat_seq[r, max_len - len(kept):] = [k[2] for k in kept]
    target = np.array([items.get(row["next_item_id"]) for row in rows], dtype=np.int64)
    target_seq = np.zeros((b, max_len), dtype=np.int64)
    target_seq[:, -1] = target
    return {"item_seq": torch.from_numpy(item_seq), "time_seq": torch.from_numpy(time_seq),
            "query_time": torch.from_numpy(query_time), "cat_seq": torch.from_numpy(cat_seq),
            "user_idx": torch.tensor([users.get(row["user_id"]) for row in rows], dtype=torch.int64),
            "target_seq": torch.from_numpy(target_seq), "target_next": torch.from_numpy(target[:, None].copy())}


def seen_items(rows: list[dict], items: Vocabulary) -> torch.Tensor:
    """(B, H) every known item of each row's prefix, padded with 0: the ranking leaves them all
    out, as the job leaves out every known item of the history it keeps, not only the newest
    max_seq_len that the model reads."""
    known = [[k for k in (items.get(i) for i in row["prefix_item_ids"]) if k > 0] for row in rows]
    seen = np.zeros((len(rows), max([len(k) for k in known] + [1])), dtype=np.int64)
    for r, k in enumerate(known):
        seen[r, :len(k)] = k
    return torch.from_numpy(seen)


@torch.no_grad()
def validate(model, rows: list[dict], items: Vocabulary, users: Vocabulary, categories: Vocabulary,
             batch_size: int = 256) -> dict[str, float]:
    """HR@10, NDCG@10 (and @20, MRR) of the rows' next items; a target the model does not know
    (or a row with no known prefix item) is a miss."""
    model.eval()
    ranks = []
    for start in range(0, len(rows), batch_size):
        batch = example_batch(rows[start:start + batch_size], items, users, categories, model.max_len)
        target = batch["target_next"][:, 0]
        scores = model.full_sort_scores({name: batch[name] for name in model.inputs})  # (B, N+1)
        seen = seen_items(rows[start:start + batch_size], items)
        rank = full_ranking_ranks(scores, target.clamp(min=1), seen).double()
        unknown = (target == 0) | (batch["item_seq"] == 0).all(1)
        ranks.append(torch.where(unknown, torch.full_like(rank, float("inf")), rank))
    figures = ranking_metrics(torch.cat(ranks).numpy()) if ranks else {}
    return {**figures, "rows": len(rows)}


def grown_model(ckpt: dict, num_items: int):
    """The checkpoint's model with tables for ``num_items`` items: old rows copied, new rows drawn
    with the spread of the old ones (integer buffers, e.g. item categories, get 0 = unknown)."""
    config = config_from_dict(ckpt["config"], "checkpoint config")
    old_items = len(ckpt["item_ids"])
    model = build_model(config.model_name, config.model, num_items, len(ckpt.get("user_ids") or []),
                        len(ckpt.get("category_ids") or []))
    state = model.state_dict()
    for name, old in ckpt["model_state"].items():
        new = state[name]
        if new.shape == old.shape:
            new.copy_(old)
            continue
        rows_old = old.shape[0] if old.dim() else -1
        if rows_old in (old_items, old_items + 1) and new.shape[1:] == old.shape[1:] \
                and new.shape[0] - rows_old == num_items - old_items:
            new[:rows_old] = old
            if new.is_floating_point():
                spread = float(old[1:].std()) if rows_old > 1 else 0.02
                new[rows_old:] = torch.randn_like(new[rows_old:]) * spread
            else:
                new[rows_old:] = 0
            continue
        raise ValueError(f"cannot grow {name}: {tuple(old.shape)} -> {tuple(new.shape)} for {num_items} items")
    model.load_state_dict(state)
    return model, config


def original_rows(ckpt: dict, rng: np.random.Generator, count: int) -> list[dict]:
    """``count`` examples drawn uniformly from the (user, position) pairs of the data the version
    was first trained on, as snapshot rows; none when that file is no longer where it was."""
    from ..core.paths import from_config
    from ..core.train import load_training_log

    config = config_from_dict(ckpt["config"], "checkpoint config")
    if count <= 0 or not from_config(config.data.path).is_file():
        return []
    log_ = load_training_log(config)
    # Every (user, position >= 1) pair is one example; they are numbered user by user and drawn
    # by number, so a log of 10^7 clicks never becomes a list of 10^7 pairs.
    targets_per_user = np.array([max(len(seq) - 1, 0) for seq in log_.sequences], dtype=np.int64)  # (U,)
    ends = np.cumsum(targets_per_user)  # (U,) examples up to and including each user
    total = int(ends[-1]) if len(ends) else 0
    rows = []
    for i in rng.permutation(total)[:count]:  # the same draw as numbering the pairs in a list: seeded runs stay as they were
        u = int(np.searchsorted(ends, i, side="right"))
        t = int(i - (ends[u] - targets_per_user[u])) + 1
        seq = log_.sequences[u]
        start = max(0, t - config.model.max_len)
        times = [int(x) * 1000 for x in log_.times_s[u][start:t + 1]] if log_.times_s is not None else [0] * (t + 1 - start)
        cats = [log_.category_ids[c - 1] if c > 0 else None for c in log_.categories[u][start:t + 1]] \
            if log_.categories is not None else [None] * (t + 1 - start)
        rows.append({"user_id": log_.user_ids[u], "prefix_item_ids": [log_.item_ids[i - 1] for i in seq[start:t]],
                     "prefix_event_times_millis": times[:-1], "prefix_categories": cats[:-1],
                     "next_item_id": log_.item_ids[seq[t] - 1], "next_event_time_millis": times[-1],
                     "next_category": cats[-1]})
    return rows


def finetune(registry: str | Path, snapshots: str | Path, epochs: int = 2, replay: float = 1.0,
             holdout: float = 0.1, tolerance: float = 0.0, seed: int = 42, lr: float | None = None,
             progress: bool = True) -> Path | None:
    """-> the published version folder, or None (nothing new, or not better than its parent)."""
    started = time.time()
    registry = Path(registry)
    parent = current_version(registry)
    parent_manifest = json.loads((parent / "manifest.json").read_text())
    if not (parent / WEIGHTS_FILE).is_file():
        raise FileNotFoundError(f"{parent} has no {WEIGHTS_FILE}: it was exported before versions carried their "
                                f"weights; export it again from its checkpoint to fine-tune it")
    learned = list(parent_manifest.get("learned_snapshots", []))
    available = complete_snapshots(snapshots)
    fresh = [p for p in available if p.name not in learned]
    if not fresh:
        log.info("nothing new: %s has learned every complete snapshot in %s", parent.name, snapshots)
        return None
    rng = np.random.default_rng(seed)
    torch.manual_seed(seed)
    new_rows = sorted((row for p in fresh for row in read_snapshot(p)), key=lambda r: r["next_event_time_millis"])
    cut = max(1, int(round(len(new_rows) * (1.0 - holdout)))) if len(new_rows) > 1 else len(new_rows)
    train_rows, held_out = new_rows[:cut], new_rows[cut:] or new_rows[-1:]
    ckpt = checkpoint.load(parent / WEIGHTS_FILE)
    old_rows = [row for p in reversed([p for p in available if p.name in learned]) for row in read_snapshot(p)]
    wanted = int(replay * len(train_rows))
    # Half of the replay from the original training data, the rest from learned snapshots.
    old_rows += original_rows(ckpt, rng, max(wanted - len(old_rows), wanted // 2))
    replayed = [old_rows[i] for i in rng.permutation(len(old_rows))[:wanted]] if old_rows and wanted else []

    parent_model, config = checkpoint.model_from_checkpoint(ckpt)
    if getattr(parent_model, "trainable", True) is False:
        raise ValueError(f"{parent.name} ({config.model_name}) has nothing to fine-tune")
    items, users = Vocabulary(ckpt["item_ids"]), Vocabulary(ckpt.get("user_ids") or [])
    categories = Vocabulary(ckpt.get("category_ids") or [])
    parent_items = Vocabulary(ckpt["item_ids"])
    before = validate(parent_model, held_out, parent_items, users, categories)
    added = items.grow(i for row in new_rows for i in [*row["prefix_item_ids"], row["next_item_id"]])
    model, config = grown_model(ckpt, len(items.ids))
    set_cpu_threads(config.train.threads)

    lr = lr if lr is not None else config.train.lr / 10
    # Fine-tuning nudges a trained model: plain Adam at its own lr, whatever optimizer and
    # weight_decay the version was trained with; no validation until the end, no checkpoints.
    optimizer = OptimizerSpec("adam", lr, betas=(0.9, config.train.adam_beta2)).build(model)
    popularity = np.zeros(len(items.ids) + 1, dtype=np.int64)
    popularity[:len(ckpt["popularity"])] = ckpt["popularity"]
    np.add.at(popularity, [items.get(r["next_item_id"]) for r in new_rows], 1)
    model.set_train_popularity(popularity)
    rows = train_rows + replayed
    batch_size = config.train.batch_size

    def epoch_batches():
        order = rng.permutation(len(rows))
        for start in range(0, len(rows), batch_size):
            yield example_batch([rows[i] for i in order[start:start + batch_size]], items, users, categories,
                                model.max_len)

    loop = TrainingLoop(model, optimizer, StopPolicy(epochs=epochs), after_step=True, progress=progress,
                        desc="finetune epoch", logger=log)
    loop.run(epoch_batches, -(-len(rows) // batch_size))
    after = validate(model, held_out, items, users, categories)
    seconds = round(time.time() - started, 1)
    record = {"parent_version": parent.name, "validation_rows": len(held_out), "train_rows": len(train_rows),
              "replay_rows": len(replayed), "new_items": len(added), "epochs": epochs, "seed": seed, "lr": lr,
              "parent_valid": before, "valid": after, "tolerance": tolerance, "wall_seconds": seconds,
              "snapshots": [p.name for p in fresh], "machine": machine()}
    if after.get("NDCG@10", 0.0) < before.get("NDCG@10", 0.0) - tolerance:
        log.info("not published: NDCG@10 %.4f on the newest %d rows, the parent %s had %.4f", after.get("NDCG@10", 0.0),
                 len(held_out), parent.name, before.get("NDCG@10", 0.0))
        return None

    data = dict(ckpt["data"])
    data["interactions"] = int(data.get("interactions", 0)) + len(new_rows)
    data["dataset"] = f"{data.get('dataset', '')} + snapshots"
    times = [r["next_event_time_millis"] for r in new_rows]
    old_range = ckpt.get("time_range_ms") or [min(times), max(times)]
    work = registry / f".finetune-{parent.name}"
    work.mkdir(exist_ok=True)
    weights = work / "best.pt"
    checkpoint.save(weights, {**ckpt, "model_state": model.state_dict(), "item_ids": items.ids, "data": data,
                              "popularity": popularity.tolist(),
                              "time_range_ms": [min(old_range[0], min(times)), max(old_range[1], max(times))],
                              "valid_P1": after, "train_seconds": seconds})
    try:
        published = export(weights, registry, parent_version=parent.name, top_k=parent_manifest["top_k"],
                            created_at=_after(parent_manifest.get("created_at")),
                            manifest_extra={"learned_snapshots": learned + [p.name for p in fresh], "finetune": record},
                            forms=parent_forms(parent_manifest))
    finally:
        weights.unlink(missing_ok=True)
        work.rmdir()
    log.info("published %s (parent %s): NDCG@10 %.4f vs %.4f on the newest %d rows, %d new items, %.0f s",
             published.name, parent.name, after.get("NDCG@10", 0.0), before.get("NDCG@10", 0.0), len(held_out),
             len(added), seconds)
    return published


def parent_forms(parent_manifest: dict) -> str:
    """export's ``forms`` for a child of this parent: the parent's own (step 6)."""
    return "exact,retrieval" if parent_manifest.get("retrieval") else "exact"


def _after(parent_created_at: str | None) -> dt.datetime:
    """Now, or one second after the parent when the clock says otherwise: the registry's newest
    version (created_at, then folder name) must be the child, for the job and for the next run."""
    now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    if not parent_created_at:
        return now
    parent = dt.datetime.strptime(parent_created_at, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.timezone.utc)
    return max(now, parent + dt.timedelta(seconds=1))


def watch(registry: str | Path, snapshots: str | Path, interval_seconds: float, max_polls: int | None = None,
          **options) -> None:
    """finetune whenever a new snapshot is complete, until interrupted (or after `max_polls` polls).

    Started before the job (as the README's streaming commands do), the snapshot folder does not
    exist yet: the watch says so once and waits for the job to create it, rather than exiting."""
    tried: set[tuple[str, ...]] = set()
    waiting_said = False
    polls = 0
    while max_polls is None or polls < max_polls:
        polls += 1
        if not Path(snapshots).is_dir():
            if not waiting_said:
                print(f"finetune --watch: waiting for {snapshots} (the job's snapshots.dir) to appear", flush=True)
                waiting_said = True
        else:
            complete = tuple(p.name for p in complete_snapshots(snapshots))
            if complete and complete not in tried:
                tried.add(complete)
                finetune(registry, snapshots, **options)
        time.sleep(interval_seconds)
