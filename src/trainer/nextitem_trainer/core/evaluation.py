"""Offline protocols on a leave-one-out split: P1 (full ranking, HR/NDCG@10,@20, MRR), P2 (100
sampled negatives, HR/NDCG@10), P3 (AttRec's: full ranking, HR@50 and MRR; the same ranks as P1)
and P5 (AUC: ``AUC`` against every item the user never touched, SSRF's eq. 14; ``AUC_1neg``
against one sampled never-touched item per case, the ATRank protocol DMRAN follows).

P2's negatives depend only on the dataset, the user and the seed (one generator per user,
seeded with (seed, user index)), so every model meets the same negatives, whatever subset of
users is evaluated.
"""
from __future__ import annotations

import numpy as np
import torch

from .data import InteractionLog, eval_batches, eval_users
from .metrics import auc_against_unseen, full_ranking_ranks, ranking_metrics, sampled_ranks
from .models import Recommender

PROTOCOLS = ("P1", "P2", "P3", "P5")
FULL_RANKING = ("P1", "P3")  # protocols ranking the whole catalogue, seen items excluded
P2_NEGATIVES = 100
P2_SEED = 2018
P5_SEED = 2020  # P5's one negative per case: same generator as P2's, another seed


def p2_negatives(log: InteractionLog, users: np.ndarray, seed: int = P2_SEED,
                 count: int = P2_NEGATIVES) -> np.ndarray:
    """`count` distinct items per user, uniform over the items the user never interacted with.
    -> (U, count)"""
    out = np.zeros((len(users), count), dtype=np.int64)
    every_item = np.arange(1, log.num_items + 1)
    for row, user in enumerate(users):
        unseen = np.setdiff1d(every_item, log.sequences[user], assume_unique=False)
        if len(unseen) < count:
            raise ValueError(f"user {log.user_ids[user]} has only {len(unseen)} unseen items; P2 needs {count}")
        rng = np.random.default_rng([seed, int(user)])
        out[row] = rng.choice(unseen, size=count, replace=False)
    return out


@torch.no_grad()
def evaluate(model: Recommender, log: InteractionLog, split: str = "test",
             protocols: tuple[str, ...] = ("P1",), users: np.ndarray | None = None,
             batch_size: int = 256, p2_seed: int = P2_SEED) -> dict[str, dict]:
    """-> {"P1": {"HR@10": ..., ..., "users": n}, "P2": {...}} for the requested protocols."""
    for p in protocols:
        if p not in PROTOCOLS:
            raise ValueError(f"unknown protocol {p!r}; this evaluator runs {', '.join(PROTOCOLS)}")
    was_training = model.training
    model.eval()
    users = eval_users(log) if users is None else users
    negatives = torch.from_numpy(p2_negatives(log, users, p2_seed)) if "P2" in protocols else None
    auc_negative = torch.from_numpy(p2_negatives(log, users, P5_SEED, count=1)) if "P5" in protocols else None
    ranks: dict[str, list[torch.Tensor]] = {p: [] for p in protocols}
    aucs: dict[str, list[torch.Tensor]] = {"AUC": [], "AUC_1neg": []}
    start = 0
    for batch in eval_batches(log, users, split, model.max_len, batch_size):
        inputs = {name: batch[name] for name in model.inputs}
        scores = model.full_sort_scores(inputs)  # (B, N+1)
        rows = len(batch["target"])
        if any(p in protocols for p in FULL_RANKING):
            full = full_ranking_ranks(scores, batch["target"], batch["history"])
            for p in FULL_RANKING:
                if p in protocols:
                    ranks[p].append(full)
        if "P2" in protocols:
            ranks["P2"].append(sampled_ranks(scores, batch["target"], negatives[start:start + rows]))
        if "P5" in protocols:
            aucs["AUC"].append(auc_against_unseen(scores, batch["target"], batch["touched"]))
            one = scores.gather(1, auc_negative[start:start + rows])[:, 0]  # (B,)
            aucs["AUC_1neg"].append((scores.gather(1, batch["target"].unsqueeze(1))[:, 0] > one).double())
        start += rows
    model.train(was_training)
    out = {}
    for p in protocols:
        if p == "P5":
            out[p] = {**{name: float(torch.cat(v).mean()) for name, v in aucs.items()}, "users": int(len(users))}
            continue
        r = torch.cat(ranks[p]).numpy()
        metrics = {"P1": lambda: ranking_metrics(r),
                   "P2": lambda: ranking_metrics(r, cutoffs=(10,), mrr=False),
                   "P3": lambda: ranking_metrics(r, cutoffs=(50,))}[p]()
        out[p] = {**metrics, "users": int(len(r))}
    return out
