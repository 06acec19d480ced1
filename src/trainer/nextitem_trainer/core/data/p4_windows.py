"""P4 data (docs/evaluation.md; CASFE paper section 4.1.1): fixed windows of N MovieLens ratings.

- Ratings of 4 and 5 only (``MIN_RATING``). The paper's text says it "ignores the records with
  ratings of 4 and 5", but its own Table 1 contradicts that: the window counts it lists (n5
  0.113M, n10 0.055M, n20 0.026M) are what ratings >= 4 give (on users 1-2,999: 53,138 /
  25,813 / 12,117 windows, about 109k / 53k / 25k scaled to all of ML-1M), while ratings
  below 4 give about 80k / 39k / 18k. So the text has the filter backwards; we keep >= 4.
- Per user, ratings in time order (same-second ratings keep file order), windows of N items
  with stride N from the first rating; a tail shorter than N is dropped. A window is kept only
  when its last two items are less than 2 hours apart (``MAX_GAP_S``, strictly less).
- The last item of a window is the target, the N - 1 before it are the input.
- No k-core filter: the paper names none, and Table 1's counts match none.
- Split (the paper does not say how it split): by time. Windows are ordered by their target's
  timestamp (then user, then position); the last 10% are test, the 10% before them
  validation, the rest training. Windows never overlap, so no input is shared across parts.
- The catalogue is every item that has a kept rating (vocabulary in order of first appearance).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import torch

from .dataset import InteractionLog, build_log
from .readers import RawInteractions, read_interactions

MIN_RATING = 4
MAX_GAP_S = 2 * 3600
SPLIT_FRACTIONS = {"valid": 0.1, "test": 0.1}
PARTS = ("train", "valid", "test")


def keep_ratings(raw: RawInteractions, min_rating: int = MIN_RATING) -> RawInteractions:
    """The rows rated ``min_rating`` or higher (needs a file with ratings)."""
    if raw.ratings is None or raw.times_ms is None:
        raise ValueError(f"{raw.source}: P4 needs ratings and timestamps (formats movielens, movielens-tab)")
    rows = [i for i, r in enumerate(raw.ratings) if r >= min_rating]
    return replace(raw, users=[raw.users[i] for i in rows], items=[raw.items[i] for i in rows],
                   times_ms=[raw.times_ms[i] for i in rows], ratings=[raw.ratings[i] for i in rows],
                   categories=None if raw.categories is None else [raw.categories[i] for i in rows])


def cut_windows(log: InteractionLog, n: int, max_gap_s: int = MAX_GAP_S):
    """Per user, windows log.sequences[u][s:s+n] for s = 0, n, 2n, ... kept when their last two
    items are less than max_gap_s apart.  -> items (W, n), users (W,), starts (W,), target
    times (W,), and how many full windows the gap rule dropped."""
    items, users, starts, times = [], [], [], []
    dropped = 0
    for u, (seq, t) in enumerate(zip(log.sequences, log.times_s)):
        for s in range(0, len(seq) - n + 1, n):
            if t[s + n - 1] - t[s + n - 2] >= max_gap_s:
                dropped += 1
                continue
            items.append(seq[s:s + n])
            users.append(u)
            starts.append(s)
            times.append(t[s + n - 1])
    if not items:
        return np.zeros((0, n), np.int64), *(np.zeros(0, np.int64) for _ in range(3)), dropped
    return (np.stack(items).astype(np.int64), np.array(users, np.int64), np.array(starts, np.int64),
            np.array(times, np.int64), dropped)


def time_split(target_time_s: np.ndarray, users: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """0 = train, 1 = valid, 2 = test: the last 10% of windows by target time are test, the 10%
    before them validation.  -> (W,) int8"""
    order = np.lexsort((starts, users, target_time_s))  # by time, then user, then position
    total = len(order)
    n_test = int(math.ceil(SPLIT_FRACTIONS["test"] * total))
    n_valid = int(math.ceil(SPLIT_FRACTIONS["valid"] * total))
    part = np.zeros(total, dtype=np.int8)
    part[order[total - n_test:]] = 2
    part[order[total - n_test - n_valid:total - n_test]] = 1
    return part


@dataclass
class P4Windows:
    log: InteractionLog        # the kept ratings as per-user sequences (vocabulary, description)
    window: int                # N
    items: np.ndarray          # (W, N) item indices, oldest first; the last column is the target
    users: np.ndarray          # (W,) user index in log
    target_time_s: np.ndarray  # (W,)
    part: np.ndarray           # (W,) 0 train, 1 valid, 2 test
    notes: dict = field(default_factory=dict)

    def rows(self, part: str) -> np.ndarray:
        return np.flatnonzero(self.part == PARTS.index(part))

    def examples(self, part: str) -> "P4Examples":
        return P4Examples(self, self.rows(part))

    def train_popularity(self) -> np.ndarray:
        """Counts per item index over the training windows, inputs and targets (N+1,)."""
        counts = np.zeros(self.log.num_items + 1, dtype=np.int64)
        np.add.at(counts, self.items[self.rows("train")].ravel(), 1)
        return counts

    def describe(self) -> dict:
        return {"window": self.window, "min_rating": MIN_RATING, "max_gap_s": MAX_GAP_S, "stride": self.window,
                "split": "by target time: last 10% of windows test, the 10% before validation, rest train",
                "windows": {p: int((self.part == i).sum()) for i, p in enumerate(PARTS)}, **self.notes}


class P4Examples:
    """Batches of one part: item_seq (B, N-1), target_next (B, 1), target (B,) and, for models
    that train at every position, target_seq (B, N-1) (the window shifted by one)."""

    def __init__(self, windows: P4Windows, rows: np.ndarray):
        self.items = windows.items[rows]  # (E, N)

    def __len__(self) -> int:
        return len(self.items)

    def batches(self, batch_size: int, rng: np.random.Generator | None = None):
        order = rng.permutation(len(self.items)) if rng is not None else np.arange(len(self.items))
        for start in range(0, len(order), batch_size):
            w = torch.from_numpy(self.items[order[start:start + batch_size]])  # (B, N)
            yield {"item_seq": w[:, :-1], "target_next": w[:, -1:], "target": w[:, -1], "target_seq": w[:, 1:]}


def build_p4(raw: RawInteractions, name: str, n: int) -> P4Windows:
    if n < 2:
        raise ValueError(f"P4 window size must be at least 2, got {n}")
    kept = keep_ratings(raw)
    log = build_log(kept, name, min_interactions=0)
    items, users, starts, times, dropped = cut_windows(log, n)
    if not len(items):
        raise ValueError(f"{raw.source}: no P4 window of {n} items")
    notes = {"ratings_read": len(raw.users), "ratings_kept": len(kept.users), "windows_dropped_by_gap": dropped}
    return P4Windows(log, n, items, users, times, time_split(times, users, starts), notes)


def load_p4(path: str | Path, fmt: str, name: str, n: int) -> P4Windows:
    return build_p4(read_interactions(path, fmt), name, n)
