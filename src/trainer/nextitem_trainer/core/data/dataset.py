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


def _codes(values: list[str]) -> tuple[np.ndarray, list[str]]:
    """Each value's code, codes numbered in order of first appearance.  -> ((R,) int64, distinct values)"""
    index: dict[str, int] = {}
    codes = np.fromiter((index.setdefault(v, len(index)) for v in values), dtype=np.int64, count=len(values))
    return codes, list(index)


def _user_order(user: np.ndarray, raw: RawInteractions) -> np.ndarray:
    """Row numbers grouped by user (users in first-appearance order, i.e. by code), each user's
    rows in time order; rows with the same time keep file order (both sorts are stable)."""
    order = np.arange(len(user))
    if raw.times_ms is not None:
        order = np.argsort(np.asarray(raw.times_ms, dtype=np.int64), kind="stable")
    return order[np.argsort(user[order], kind="stable")]


def _k_core(user: np.ndarray, item: np.ndarray, k: int) -> np.ndarray:
    """Which rows survive dropping the users and items with fewer than k interactions,
    repeatedly until nothing changes.  user, item (R,) codes  -> (R,) bool"""
    keep = np.ones(len(user), dtype=bool)
    while True:
        before = int(keep.sum())
        keep &= np.bincount(item[keep], minlength=int(item.max(initial=-1)) + 1)[item] >= k
        keep &= np.bincount(user[keep], minlength=int(user.max(initial=-1)) + 1)[user] >= k
        if int(keep.sum()) == before:
            return keep


def _first_appearance_index(codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Indices 1.. in order of first appearance along ``codes``.  -> (index per row (R,) int64,
    the code of each index 1.. in order)"""
    distinct, first, inverse = np.unique(codes, return_index=True, return_inverse=True)
    by_appearance = np.argsort(first, kind="stable")
    rank = np.empty(len(distinct), dtype=np.int64)
    rank[by_appearance] = np.arange(1, len(distinct) + 1)
    return rank[inverse.reshape(-1)], distinct[by_appearance]


def build_log(raw: RawInteractions, name: str, min_interactions: int = 5,
              vocabulary: list[str] | None = None) -> InteractionLog:
    """Groups rows into sequences, with array operations over all rows (10^7 rows in seconds).

    With ``vocabulary`` (a trained model's item ids) items keep their indices and unknown items
    are dropped instead of k-core filtering: this is how a model is evaluated on other users.
    """
    total = len(raw.users)
    notes: dict = {"rows_read": total}
    user_code, user_names = _codes(raw.users)
    item_code, item_names = _codes(raw.items)
    order = _user_order(user_code, raw)  # (R,) row numbers in traversal order
    user, item = user_code[order], item_code[order]
    if vocabulary is not None:
        index = {v: i + 1 for i, v in enumerate(vocabulary)}
        known = np.fromiter((index.get(v, 0) for v in item_names), dtype=np.int64, count=len(item_names))
        item_index = known[item]  # (R,), 0 = unknown
        keep = item_index > 0
        item_ids = list(vocabulary)
        notes["rows_with_unknown_items_dropped"] = total - int(keep.sum())
        order, user, item_index = order[keep], user[keep], item_index[keep]
    else:
        if min_interactions > 1:
            keep = _k_core(user, item, min_interactions)
            notes["k_core"] = min_interactions
            notes["rows_dropped_by_k_core"] = total - int(keep.sum())
            order, user, item = order[keep], user[keep], item[keep]
        item_index, item_codes = _first_appearance_index(item)
        item_ids = [item_names[c] for c in item_codes]

    starts = np.flatnonzero(np.concatenate([[True], user[1:] != user[:-1]])) if len(user) else np.zeros(0, np.int64)
    user_ids = [user_names[c] for c in user[starts]]
    cuts = starts[1:]
    sequences = np.split(item_index.astype(np.int64), cuts)
    times = None
    if raw.times_ms is not None:
        times = np.split(np.asarray(raw.times_ms, dtype=np.int64)[order] // 1000, cuts)
    categories = None
    category_ids: list[str] = []
    if raw.categories is not None:
        category_code, category_names = _codes(raw.categories)
        rows = category_code[order]  # (R,) codes along the kept rows
        named = np.array([bool(c) for c in category_names], dtype=bool)[rows] if len(rows) else np.zeros(0, bool)
        category_index = np.zeros(len(rows), dtype=np.int64)  # 0 = no category
        if named.any():
            index, codes = _first_appearance_index(rows[named])
            category_index[named] = index
            category_ids = [category_names[c] for c in codes]
        categories = np.split(category_index, cuts)
    if not len(user):  # no rows kept: no users, as the row-by-row build gave
        sequences, times, categories = [], [] if times is not None else None, [] if categories is not None else None
    return InteractionLog(name=name, source_file=Path(raw.source).name, sha256=raw.sha256,
                          item_ids=item_ids, user_ids=user_ids, sequences=sequences,
                          times_s=times, categories=categories, category_ids=category_ids, notes=notes)


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
