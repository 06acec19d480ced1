"""Ranks with pessimistic ties, and the metrics of docs/evaluation.md computed from them.

A target's rank is 1 + (candidates scoring strictly higher) + (other candidates scoring exactly
the same): ties count against the model, so a constant scorer gets no credit.
"""
from __future__ import annotations

import numpy as np
import torch


def pessimistic_rank(target_scores: torch.Tensor, other_scores: torch.Tensor) -> torch.Tensor:
    """target_scores (B,), other_scores (B, C) not containing the target (excluded candidates at
    -inf).  -> (B,) ranks starting at 1."""
    t = target_scores.unsqueeze(1)  # (B, 1)
    return 1 + (other_scores > t).sum(1) + (other_scores == t).sum(1)


def full_ranking_ranks(scores: torch.Tensor, target: torch.Tensor, history: torch.Tensor) -> torch.Tensor:
    """P1: rank of `target` among all items, with the items of the user's input sequence
    (`history`, padded with 0) and the padding index excluded.

    scores (B, N+1) with scores[:, 0] the padding index; target (B,); history (B, H)."""
    t = scores.gather(1, target.unsqueeze(1)).squeeze(1)  # (B,)
    others = scores.clone()
    others[:, 0] = float("-inf")
    others.scatter_(1, history, float("-inf"))  # seen items are never recommended
    others.scatter_(1, target.unsqueeze(1), float("-inf"))  # the target is not its own competitor
    return pessimistic_rank(t, others)


def sampled_ranks(scores: torch.Tensor, target: torch.Tensor, negatives: torch.Tensor) -> torch.Tensor:
    """P2: rank of `target` among its sampled negatives.  scores (B, N+1); negatives (B, S)."""
    t = scores.gather(1, target.unsqueeze(1)).squeeze(1)  # (B,)
    return pessimistic_rank(t, scores.gather(1, negatives))


def auc_against_unseen(scores: torch.Tensor, target: torch.Tensor, touched: torch.Tensor) -> torch.Tensor:
    """P5 as SSRF defines it (eq. 14): the share of the items the user never touched (in any
    split) that score strictly below the target; ties count against the model.
    scores (B, N+1); target (B,); touched (B, H) every item of the user, padded with 0.  -> (B,)"""
    t = scores.gather(1, target.unsqueeze(1))  # (B, 1)
    unseen = torch.ones_like(scores, dtype=torch.bool)
    unseen[:, 0] = False
    unseen.scatter_(1, touched, False)
    below = ((scores < t) & unseen).sum(1)  # (B,)
    return below.double() / unseen.sum(1).clamp(min=1).double()


def ranking_metrics(ranks: np.ndarray, cutoffs=(10, 20), mrr: bool = True) -> dict[str, float]:
    """HR@k, NDCG@k (one relevant item: 1/log2(rank+1) when rank <= k) and MRR (1/rank, uncut)."""
    ranks = np.asarray(ranks, dtype=np.float64)
    out: dict[str, float] = {}
    for k in cutoffs:
        hit = ranks <= k
        out[f"HR@{k}"] = float(hit.mean())
        out[f"NDCG@{k}"] = float(np.where(hit, 1.0 / np.log2(ranks + 1.0), 0.0).mean())
    if mrr:
        out["MRR"] = float((1.0 / ranks).mean())
    return out
