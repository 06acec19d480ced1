"""Query vectors of a version's retrieval form on real sequences: what ``ann-compare
--query-vectors`` searches with, so that an index is judged on the queries it will serve (trained
item vectors have skewed norms, and the queries of a trained model point at the popular, long
ones: seeded Gaussian queries hide that).

Each sampled user contributes one query: the user's clicks up to a seeded cut point (at least one
click), newest ``max_len`` known items, left-padded as the serving contract pads them."""
from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import torch

from ..core import checkpoint
from ..core.models.retrieval import QueryGraph
from ..serving.retrieval_form import write_item_vectors

BATCH_ROWS = 256


def user_prefixes(log: Path, item_index: dict[str, int], users: int, seed: int) -> list[list[int]]:
    """Seeded users of a ``user_id,item_id,timestamp_ms,...`` csv, each cut at a seeded point:
    item indices (unknown items dropped), oldest first."""
    clicks: dict[str, list[tuple[int, int]]] = {}
    with open(log, newline="") as f:
        reader = csv.reader(f)
        header = next(reader)
        if header[:3] != ["user_id", "item_id", "timestamp_ms"]:
            raise ValueError(f"{log}: expected a header starting user_id,item_id,timestamp_ms, got {','.join(header[:3])}")
        for row in reader:
            index = item_index.get(row[1], 0)
            if index:
                clicks.setdefault(row[0], []).append((int(row[2]), index))
    names = sorted(clicks)
    if users > len(names):
        raise ValueError(f"{log} has {len(names)} users with known items, --users asks for {users}")
    rng = np.random.default_rng(seed)
    prefixes = []
    for at in rng.choice(len(names), size=users, replace=False):
        items = [index for _, index in sorted(clicks[names[at]])]
        prefixes.append(items[:int(rng.integers(1, len(items) + 1))])
    return prefixes


def query_vectors(version: Path, log: Path, users: int, seed: int) -> np.ndarray:
    """-> (users, D) float32: the version's query graph on the sampled prefixes."""
    ckpt = checkpoint.load(version / "weights.pt")
    model, _ = checkpoint.model_from_checkpoint(ckpt)
    if list(model.inputs) != ["item_seq"]:
        raise ValueError(f"{version.name} reads {', '.join(model.inputs)}: query-vectors builds item_seq only")
    model.eval()
    item_index = {item: i + 1 for i, item in enumerate(ckpt["item_ids"])}
    prefixes = user_prefixes(log, item_index, users, seed)
    batch = np.zeros((len(prefixes), model.max_len), dtype=np.int64)  # (U, L), left-padded
    for row, items in enumerate(prefixes):
        newest = items[-model.max_len:]
        batch[row, model.max_len - len(newest):] = newest
    graph = QueryGraph(model)
    with torch.no_grad():
        parts = [graph(torch.from_numpy(batch[i:i + BATCH_ROWS])) for i in range(0, len(batch), BATCH_ROWS)]
    return torch.cat(parts).numpy().astype(np.float32)


def write(version: Path, log: Path, users: int, seed: int, out: Path) -> np.ndarray:
    vectors = query_vectors(version, log, users, seed)
    out.parent.mkdir(parents=True, exist_ok=True)
    write_item_vectors(out, vectors)  # the same .npy 1.0 '<f4' (N, D) layout the job reads
    return vectors
