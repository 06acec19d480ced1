"""Model inputs as the ONNX contract names them, built from an InteractionLog.

Every sequence is cut to its last ``max_len`` items and left-padded with 0, so the newest item
is always in the last column (the position counted from the right). A batch is a dict of
tensors keyed by contract name (``item_seq``, ``time_seq``, ``query_time``, ``cat_seq``, ``user_idx``) plus the
training/evaluation extras (``target_seq``, ``target``, ``history``).
"""
from __future__ import annotations

import numpy as np
import torch

from .dataset import InteractionLog
from .split import eval_cut, train_length


def left_pad(rows: list[np.ndarray], length: int) -> np.ndarray:
    """Last `length` values of every row, left-padded with 0.  -> (len(rows), length)"""
    out = np.zeros((len(rows), length), dtype=np.int64)
    for i, row in enumerate(rows):
        tail = row[-length:] if length else row[:0]
        if len(tail):
            out[i, length - len(tail):] = tail
    return out


def _features(log: InteractionLog, users: np.ndarray, stop: list[int], max_len: int) -> dict[str, np.ndarray]:
    """Contract inputs for each user's prefix seq[:stop]."""
    feats = {"item_seq": left_pad([log.sequences[u][:s] for u, s in zip(users, stop)], max_len)}  # (B, L)
    if log.times_s is not None:
        feats["time_seq"] = left_pad([log.times_s[u][:s] for u, s in zip(users, stop)], max_len)  # (B, L)
        # The job asks for recommendations right after an event: the query time is the newest
        # input item's time (never the target's, which would leak when the next click comes).
        feats["query_time"] = feats["time_seq"][:, -1].copy()  # (B,)
    if log.categories is not None:
        feats["cat_seq"] = left_pad([log.categories[u][:s] for u, s in zip(users, stop)], max_len)  # (B, L)
    feats["user_idx"] = users.astype(np.int64) + 1  # (B,), 0 = unknown user
    return feats


class _Examples:
    """Training examples held as arrays of equal length (``inputs``, one row per example of
    ``users``): an epoch is a shuffle and slicing."""
    users: np.ndarray
    inputs: dict[str, np.ndarray]

    def __len__(self) -> int:
        return len(self.users)

    def batches(self, batch_size: int, rng: np.random.Generator):
        order = rng.permutation(len(self.users))
        for start in range(0, len(order), batch_size):
            idx = order[start:start + batch_size]
            yield {k: torch.from_numpy(v[idx]) for k, v in self.inputs.items()}


class TrainSequences(_Examples):
    """One training example per user (as in SASRec): the user's training items shifted by one,
    i.e. at every position the model predicts the next training item. Kept as padded arrays so
    an epoch is a shuffle and slicing.

    A user with more than max_len training targets only ever trains on the newest max_len of
    them (a third of ML-1M's targets at L 200). ``older_windows`` adds one example per older
    stretch of max_len targets, newest first, so every training item is a target exactly once."""

    def __init__(self, log: InteractionLog, max_len: int, older_windows: bool = False):
        users, ends = [], []  # example k predicts seq[1:end][-max_len:] from seq[:end - 1][-max_len:]
        for u, seq in enumerate(log.sequences):
            end = train_length(len(seq))
            while end >= 2:
                users.append(u)
                ends.append(end)
                if not older_windows:
                    break
                end -= max_len
        users = np.array(users, dtype=np.int64)
        self.inputs = _features(log, users, [e - 1 for e in ends], max_len)
        self.inputs["target_seq"] = left_pad([log.sequences[u][1:e] for u, e in zip(users, ends)], max_len)  # (U, L)
        self.users = users
        self.num_items = log.num_items


class TrainWindows(_Examples):
    """Training examples for models that read a fixed-length window and predict what follows
    it (AttRec, CASFE): for every user and every position t of the training part with at least
    ``min_history`` items before it, the window is the (up to) ``max_len`` items before t,
    left-padded, and ``target_next`` holds the ``targets`` items from t on.  -> per example
    item_seq (L,), target_next (T,), user_idx, and time_seq/cat_seq when the data has them."""

    def __init__(self, log: InteractionLog, max_len: int, targets: int = 1, min_history: int = 1):
        if targets < 1 or min_history < 1:
            raise ValueError("TrainWindows: targets and min_history must be at least 1")
        users, stops = [], []
        for u, seq in enumerate(log.sequences):
            end = train_length(len(seq))
            stop = np.arange(min_history, end - targets + 1, dtype=np.int64)  # window = seq[:t][-max_len:]
            users.append(np.full(len(stop), u, dtype=np.int64))
            stops.append(stop)
        self.users = np.concatenate(users) if users else np.zeros(0, dtype=np.int64)
        stop = np.concatenate(stops) if stops else np.zeros(0, dtype=np.int64)
        self.inputs = _features(log, self.users, stop.tolist(), max_len)
        self.inputs["target_next"] = np.stack(
            [log.sequences[u][t:t + targets] for u, t in zip(self.users, stop)]
        ) if len(stop) else np.zeros((0, targets), dtype=np.int64)  # (E, T)
        self.num_items = log.num_items


def eval_batches(log: InteractionLog, users: np.ndarray, split: str, max_len: int, batch_size: int):
    """Batches of (inputs, target, history) for the users' `split` cases.

    ``history`` holds every item before the target (not only the last max_len), padded with 0:
    P1 excludes all of them from the ranking."""
    for start in range(0, len(users), batch_size):
        chunk = users[start:start + batch_size]
        cuts = [eval_cut(len(log.sequences[u]), split) for u in chunk]
        batch = {k: torch.from_numpy(v) for k, v in _features(log, chunk, cuts, max_len).items()}
        batch["target"] = torch.tensor([log.sequences[u][c] for u, c in zip(chunk, cuts)], dtype=torch.int64)  # (B,)
        longest = max(cuts)
        batch["history"] = torch.from_numpy(left_pad([log.sequences[u][:c] for u, c in zip(chunk, cuts)], longest))  # (B, H)
        whole = max(len(log.sequences[u]) for u in chunk)
        batch["touched"] = torch.from_numpy(left_pad([log.sequences[u] for u in chunk], whole))  # (B, n): P5's "never touched"
        yield batch
