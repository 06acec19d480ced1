"""Leave-one-out split (docs/evaluation.md P1/P2): per user, the last item is the test target, the
second-last the validation target, the rest is training.

Nothing is copied: a split is a cut position per user. For ``valid`` the model sees
``seq[:n-2]`` and must predict ``seq[n-2]``; for ``test`` it sees ``seq[:n-1]`` (training plus the
validation item, as in SASRec) and must predict ``seq[n-1]``. Users with fewer than three
interactions have no validation/test case and only train.
"""
from __future__ import annotations

import numpy as np

from .dataset import InteractionLog

SPLITS = ("valid", "test")
MIN_EVAL_LENGTH = 3


def train_length(n: int) -> int:
    """Items of a user's sequence that belong to training."""
    return n - 2 if n >= MIN_EVAL_LENGTH else n


def eval_cut(n: int, split: str) -> int:
    """Index of the target in a sequence of length n (items before it are the input)."""
    if split == "valid":
        return n - 2
    if split == "test":
        return n - 1
    raise ValueError(f"unknown split {split!r}; expected one of {', '.join(SPLITS)}")


def eval_users(log: InteractionLog) -> np.ndarray:
    """Users that have a validation and a test case."""
    return np.array([u for u, s in enumerate(log.sequences) if len(s) >= MIN_EVAL_LENGTH], dtype=np.int64)


def train_popularity(log: InteractionLog) -> np.ndarray:
    """Interaction counts per item index over the training part only (N+1, index 0 = 0)."""
    if not log.sequences:
        return np.zeros(log.num_items + 1, dtype=np.int64)
    training = np.concatenate([seq[:train_length(len(seq))] for seq in log.sequences])  # one bincount, not 10^6 add.at
    return np.bincount(training, minlength=log.num_items + 1).astype(np.int64)


def sample_users(log: InteractionLog, count: int, seed: int) -> np.ndarray:
    """A seeded sample of ``count`` evaluable users (all of them when there are no more), in index
    order: full ranking of 10^6 items for 10^6 users is too slow, for a few thousand it is not.
    -> user indices"""
    users = eval_users(log)
    if count <= 0 or count >= len(users):
        return users
    return np.sort(np.random.default_rng(seed).choice(users, size=count, replace=False))
