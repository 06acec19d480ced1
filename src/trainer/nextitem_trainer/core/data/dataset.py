"""From raw interaction rows to per-user, time-ordered sequences of item indices.

Item index 0 is padding; producer item ids map to 1..N in order of first appearance (users in
file order, each user's items in time order), so the SASRec files keep their own numbering.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .categories import attach_categories, read_item_categories
from .readers import RawInteractions, read_interactions


@dataclass
class InteractionLog:
    name: str
    source_file: str                       # file name only (never a machine path)
    sha256: str                            # of the uncompressed file
    item_ids: list[str]                    # item_ids[i - 1] is the producer id of index i
    user_ids: list[str]
    sequences: list[np.ndarray]            # per user: int64 item indices, oldest first
    times_s: list[np.ndarray] | None       # per user: int64 epoch seconds, or None (no timestamps)
    categories: list[np.ndarray] | None    # per user: int64 category index 1..C, or None
    category_ids: list[str] = field(default_factory=list)
    notes: dict = field(default_factory=dict)  # what filtering dropped, for the record

    @property
    def num_items(self) -> int:
        return len(self.item_ids)

    @property
    def num_users(self) -> int:
        return len(self.user_ids)

    @property
    def num_interactions(self) -> int:
        return int(sum(len(s) for s in self.sequences))

    def time_range_ms(self) -> list[int] | None:
        if self.times_s is None or not self.times_s:
            return None
        return [int(min(t.min() for t in self.times_s if len(t))) * 1000,
                int(max(t.max() for t in self.times_s if len(t))) * 1000]

    def describe(self) -> dict:
        out = {"dataset": self.name, "path": self.source_file, "sha256": self.sha256,
               "interactions": self.num_interactions, "users": self.num_users, "items": self.num_items}
        if self.categories is not None:
            out["categories"] = len(self.category_ids)
        if "item_categories" in self.notes:  # the side file is part of the data: its checksum too
            out["item_categories"] = self.notes["item_categories"]
        return out


def check_data_has_inputs(model, log: InteractionLog) -> None:
    """A model that reads event times or categories cannot train on data without them."""
    if {"time_seq", "query_time"} & set(model.inputs) and log.times_s is None:
        raise ValueError(f"model {model.name} reads event times (time_seq), but {log.source_file} has no timestamps; "
                         f"use a dataset with times (format movielens, movielens-tab or csv)")
    if "cat_seq" in model.inputs and log.categories is None:
        raise ValueError(f"model {model.name} reads item categories (cat_seq), but {log.source_file} has none; "
                         f"set data.item_categories (and its format) or use a csv with a category column")


def item_categories(log: InteractionLog) -> np.ndarray:
    """The category index of every item (N+1,), 0 for padding and uncategorised items: the most
    frequent category the item was seen with (MovieLens: its only one), ties to the lowest index."""
    out = np.zeros(log.num_items + 1, dtype=np.int64)
    if log.categories is None:
        return out
    items = np.concatenate(log.sequences) if log.sequences else np.zeros(0, dtype=np.int64)
    cats = np.concatenate(log.categories) if log.categories else np.zeros(0, dtype=np.int64)
    counts = np.zeros((log.num_items + 1, len(log.category_ids) + 1), dtype=np.int64)
    np.add.at(counts, (items, cats), 1)
    counts[:, 0] = 0  # an uncategorised row never wins over a category
    seen = counts.sum(1) > 0
    out[seen] = counts[seen].argmax(1)
    return out


def _group_by_user(raw: RawInteractions) -> dict[str, list[int]]:
    """Row numbers per user, users in first-appearance order, each user's rows in time order
    (stable: rows with the same time keep file order)."""
    rows: dict[str, list[int]] = {}
    for row, user in enumerate(raw.users):
        rows.setdefault(user, []).append(row)
    if raw.times_ms is not None:
        times = raw.times_ms
        for user, user_rows in rows.items():
            user_rows.sort(key=times.__getitem__)  # list.sort is stable
    return rows


def _k_core(rows: dict[str, list[int]], items: list[str], k: int) -> dict[str, list[int]]:
    """Drops users and items with fewer than k interactions, repeatedly until nothing changes."""
    while True:
        counts: dict[str, int] = {}
        for user_rows in rows.values():
            for r in user_rows:
                counts[items[r]] = counts.get(items[r], 0) + 1
        kept = {u: [r for r in user_rows if counts[items[r]] >= k] for u, user_rows in rows.items()}
        kept = {u: user_rows for u, user_rows in kept.items() if len(user_rows) >= k}
        if sum(map(len, kept.values())) == sum(map(len, rows.values())):
            return kept
        rows = kept


def build_log(raw: RawInteractions, name: str, min_interactions: int = 5,
              vocabulary: list[str] | None = None) -> InteractionLog:
    """Groups rows into sequences.

    With ``vocabulary`` (a trained model's item ids) items keep their indices and unknown items
    are dropped instead of k-core filtering: this is how a model is evaluated on other users.
    """
    rows = _group_by_user(raw)
    total = len(raw.users)
    notes: dict = {"rows_read": total}
    if vocabulary is not None:
        index = {item: i + 1 for i, item in enumerate(vocabulary)}
        rows = {u: [r for r in user_rows if raw.items[r] in index] for u, user_rows in rows.items()}
        rows = {u: user_rows for u, user_rows in rows.items() if user_rows}
        item_ids = list(vocabulary)
        notes["rows_with_unknown_items_dropped"] = total - sum(map(len, rows.values()))
    else:
        if min_interactions > 1:
            rows = _k_core(rows, raw.items, min_interactions)
            notes["k_core"] = min_interactions
            notes["rows_dropped_by_k_core"] = total - sum(map(len, rows.values()))
        index = {}
        for user_rows in rows.values():
            for r in user_rows:
                index.setdefault(raw.items[r], len(index) + 1)
        item_ids = list(index)

    category_index: dict[str, int] = {}
    user_ids, sequences, times, categories = [], [], [], []
    for user, user_rows in rows.items():
        user_ids.append(user)
        sequences.append(np.fromiter((index[raw.items[r]] for r in user_rows), dtype=np.int64, count=len(user_rows)))
        if raw.times_ms is not None:
            times.append(np.fromiter((raw.times_ms[r] // 1000 for r in user_rows), dtype=np.int64, count=len(user_rows)))
        if raw.categories is not None:
            categories.append(np.fromiter(
                (category_index.setdefault(raw.categories[r], len(category_index) + 1) if raw.categories[r] else 0
                 for r in user_rows), dtype=np.int64, count=len(user_rows)))
    return InteractionLog(name=name, source_file=Path(raw.source).name, sha256=raw.sha256,
                          item_ids=item_ids, user_ids=user_ids, sequences=sequences,
                          times_s=times if raw.times_ms is not None else None,
                          categories=categories if raw.categories is not None else None,
                          category_ids=list(category_index), notes=notes)


def load_log(path: str | Path, fmt: str, name: str, min_interactions: int = 5,
             vocabulary: list[str] | None = None,
             item_categories: tuple[str | Path, str] | None = None) -> InteractionLog:
    """Reads and groups a dataset file; ``item_categories`` = (side file, its format) joins one
    category per row from an item-category file (data/categories.py)."""
    raw = read_interactions(path, fmt)
    side: dict = {}
    if item_categories is not None:
        mapping, sha256 = read_item_categories(*item_categories)
        missing = attach_categories(raw, mapping, str(item_categories[0]))
        side = {"item_categories": {"path": Path(item_categories[0]).name, "sha256": sha256,
                                    "rows_without_category": missing}}
    log = build_log(raw, name, min_interactions, vocabulary)
    log.notes.update(side)
    return log
