"""MostPop: every user gets the items with the most training interactions (the sanity floor of
docs/evaluation.md; the same list the job serves as its cold-start fallback)."""
from __future__ import annotations

import numpy as np
import torch

from .base import Recommender, register


@register("mostpop")
class MostPop(Recommender):
    inputs = ("item_seq",)
    trainable = False
    retrieval_unsupported = ("its scores do not depend on the user: every row gets the popularity list, which "
                             "needs no search index; it is served exactly only")

    def __init__(self, config: Recommender.Config, num_items: int):
        super().__init__(config, num_items)
        self.register_buffer("counts", torch.zeros(num_items + 1))  # (N+1,)

    def fit(self, popularity: np.ndarray) -> "MostPop":
        """popularity: training counts per item index (N+1,)."""
        self.counts.copy_(torch.as_tensor(popularity, dtype=torch.float32))
        return self

    def item_scores(self, batch: dict[str, torch.Tensor]) -> torch.Tensor:
        rows = batch["item_seq"].shape[0]
        return self.counts.unsqueeze(0).expand(rows, -1)  # (B, N+1)
