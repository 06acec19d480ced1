"""DMRAN (Huizhao Wang, Guanfeng Liu, An Liu, Zhixu Li & Kai Zheng, "DMRAN: A Hierarchical
Fine-Grained Attention-Based Network for Recommendation", AAAI-20): two levels of attention over the
time-stamped history, scored against each candidate.

1. Input (eq. 1): u_j = dense(V_item ⊕ T_bucket ⊕ C_category) per history position; the time
   bucket is the log2-day age of the event at query time (time_buckets.py), in the graph.
2. Item-level attention, r hops (eqs. 7-8): A = softmax_L(W_s2 ReLU(W_s1 Hᵀ)) (r x L, padding
   masked), M = A H (r x d).
3. Feature-level self-attention (eqs. 9-13): f(m_i, m_j) = W_s5 tanh(W_s4 m_i + W_s3 m_j + b_s2)
   + b_s1 (a d-vector per pair), softmax over j separately in every dimension, M̂_i =
   Σ_j β_ij ∘ m_j; then residual + LayerNorm and a feed-forward sub-layer (sec. 5.1: "the
   residual connection, layer normalization and feed forward network are adopted").
4. Downstream (eqs. 14-17): vanilla attention of M and of M̂ against the candidate embedding e_c
   gives h and ĥ; a dimension-wise fusion gate (Shen et al., DiSAN) g = σ(W_h h + W_ĥ ĥ + b),
   h_c = g ∘ h + (1 − g) ∘ ĥ; score = h_c · e_c.
5. Loss (eqs. 20-22): sigmoid cross-entropy of the next item against sampled negatives, plus
   λ‖AAᵀ − I‖²_F (Lin et al.'s redundancy penalty); the L2 terms are the optimizer's weight decay.

Serving cost. The score depends on the candidate, so scoring the catalogue is not one product
with the item table: the attention over r rows and the gate run once per (request, item), about
4·r·d + 6·d multiply-adds per item (r = 10, d = 64: ~2.9k; 10M for ML-1M's 3,416 items), and
a (B, N, d) intermediate. The gate's linear maps are applied to M and M̂ (r x d) before the
per-item attention weights (W h = Σ_r a_r W m_r), so no d x d product runs per item. It is
still one batched graph call with TopK inside.

Deviations from the paper, written down:
- The candidate embedding e_c is the item row, or dense(V_item ⊕ C_category) with categories
  (ATRank's Electronics setting the paper follows); the category of each catalogue item is a
  buffer learned from the training data, so the graph needs no extra input for candidates.
- Vanilla attention is scaled dot-product attention (softmax over the r rows of M·e_c/√d); the
  paper names it without an equation.
- Optimizer: the paper trains with SGD from learning rate 1.0 (batch 32 or 16, hidden 128);
  the configs here use Adam like the other models, with d 64, for a comparable CPU budget.
- Sampled negatives are uniform over items other than the target (the paper: not in the
  history); with thousands of items the difference is a handful of draws per epoch.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from ..errors import ConfigError
from .base import Recommender, register, sample_negatives
from .time_buckets import day_thresholds, time_bucket_index
from .layer_norm import LayerNorm
from .training_ops import Dropout

MASKED = -1e9


class ItemLevelAttention(nn.Module):
    """Eqs. 7-8: r attention distributions over the history positions.  H (B, L, d) -> A (B, r, L)"""

    def __init__(self, hidden: int, hops: int):
        super().__init__()
        self.w_s1 = nn.Linear(hidden, hidden, bias=False)
        self.w_s2 = nn.Linear(hidden, hops, bias=False)

    def forward(self, h: torch.Tensor, real: torch.Tensor) -> torch.Tensor:
        logits = self.w_s2(torch.relu(self.w_s1(h))).transpose(1, 2)  # (B, r, L)
        return torch.softmax(logits.masked_fill(~real.unsqueeze(1), MASKED), dim=-1)


class FeatureLevelSelfAttention(nn.Module):
    """Eqs. 9-13, multi-dimensional: one softmax over j per feature k.  M (B, r, d) -> M̂ (B, r, d)"""

    def __init__(self, hidden: int):
        super().__init__()
        self.w_s3 = nn.Linear(hidden, hidden, bias=False)  # on m_j
        self.w_s4 = nn.Linear(hidden, hidden)              # on m_i, its bias is b_s2
        self.w_s5 = nn.Linear(hidden, hidden)              # its bias is b_s1

    def forward(self, m: torch.Tensor) -> torch.Tensor:
        pair = torch.tanh(self.w_s4(m).unsqueeze(2) + self.w_s3(m).unsqueeze(1))  # (B, r_i, r_j, d)
        beta = torch.softmax(self.w_s5(pair), dim=2)  # (B, r_i, r_j, d), sums to 1 over j per k
        return (beta * m.unsqueeze(1)).sum(2)  # (B, r, d)


@register("dmran")
class DMRAN(Recommender):
    inputs = ("item_seq", "time_seq", "query_time", "cat_seq")
    retrieval_unsupported = ("the candidate item steers the attention over the history (eqs. 14-17), so no fixed "
                             "query vector exists; it is served exactly only")

    @dataclass
    class Config(Recommender.Config):
        hidden: int = 64          # d_e (the paper: 128)
        max_len: int = 50
        hops: int = 10            # r; the paper's grid {2, 5, 8, 10, 15, 20}, best 10
        time_buckets: int = 12    # [0,1), [1,2), ..., [2^10, inf) days
        dropout: float = 0.1
        penalty: float = 0.01     # λ3 of ‖AAᵀ − I‖²
        negatives: int = 1        # sampled negatives per target (the paper: one)
        categories: bool = True   # concatenate the category embedding (ATRank's Electronics setting)

        def check(self) -> None:
            if self.hidden <= 0 or self.max_len <= 0 or self.hops <= 0 or self.negatives <= 0:
                raise ConfigError("model.hidden, max_len, hops and negatives: expected positive integers")
            if self.time_buckets < 2:
                raise ConfigError(f"model.time_buckets: expected at least 2, got {self.time_buckets}")
            if self.penalty < 0 or not 0.0 <= self.dropout < 1.0:
                raise ConfigError("model.penalty: expected >= 0; model.dropout: expected a number in [0, 1)")

    def __init__(self, config: "DMRAN.Config", num_items: int, num_categories: int = 0):
        super().__init__(config, num_items)
        d = config.hidden
        self.num_categories = num_categories
        self.item_emb = nn.Embedding(num_items + 1, d, padding_idx=0)                 # V
        self.time_emb = nn.Embedding(config.time_buckets + 1, d, padding_idx=0)      # T, row 0 padding
        self.cat_emb = nn.Embedding(num_categories + 1, d, padding_idx=0)            # C, row 0 unknown
        parts = 3 if config.categories else 2
        self.input_dense = nn.Linear(parts * d, d)                                   # eq. 1's dense()
        self.candidate_dense = nn.Linear(2 * d, d) if config.categories else None
        self.emb_dropout = Dropout(config.dropout)
        self.item_attention = ItemLevelAttention(d, config.hops)
        self.feature_attention = FeatureLevelSelfAttention(d)
        self.feature_norm = LayerNorm(d)
        self.ffn = nn.Sequential(nn.Linear(d, d), nn.ReLU(), Dropout(config.dropout), nn.Linear(d, d))
        self.ffn_norm = LayerNorm(d)
        self.gate_h = nn.Linear(d, d, bias=False)
        self.gate_h_hat = nn.Linear(d, d)
        self.register_buffer("thresholds", day_thresholds(config.time_buckets), persistent=False)  # (K,)
        self.register_buffer("item_category", torch.zeros(num_items + 1, dtype=torch.int64))  # (N+1,)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        for module in self.modules():
            if isinstance(module, nn.Linear):
                nn.init.xavier_normal_(module.weight)
                if module.bias is not None:
                    nn.init.zeros_(module.bias)
        for table in (self.item_emb, self.time_emb, self.cat_emb):
            nn.init.normal_(table.weight, std=0.05)
            with torch.no_grad():
                table.weight[0].zero_()

    def set_item_categories(self, item_category: np.ndarray) -> None:
        """Category index of every catalogue item (N+1,), index 0 = unknown; read by candidates."""
        if item_category.shape != (self.num_items + 1,):
            raise ValueError(f"item_category must have shape ({self.num_items + 1},), got {item_category.shape}")
        self.item_category.copy_(torch.from_numpy(np.asarray(item_category, dtype=np.int64)))

    # ------------------------------------------------------------------------------------------

    def interests(self, batch: dict[str, torch.Tensor]) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """-> M (B, r, d), M̂ (B, r, d), A (B, r, L)"""
        item_seq = batch["item_seq"]  # (B, L)
        real = item_seq > 0  # (B, L)
        buckets = time_bucket_index(batch["time_seq"], batch["query_time"], self.thresholds, real)  # (B, L)
        parts = [self.item_emb(item_seq), self.time_emb(buckets)]
        if self.config.categories:
            parts.append(self.cat_emb(batch["cat_seq"] * real))
        h = self.emb_dropout(self.input_dense(torch.cat(parts, dim=-1)))  # (B, L, d)
        a = self.item_attention(h, real)  # (B, r, L)
        m = a @ h  # (B, r, d)
        m_hat = self.feature_norm(m + self.feature_attention(m))  # (B, r, d)
        m_hat = self.ffn_norm(m_hat + self.ffn(m_hat))
        return m, m_hat, a

    def candidate_embeddings(self, items: torch.Tensor) -> torch.Tensor:
        """e_c for item indices of any shape  -> (..., d)"""
        e = self.item_emb(items)
        if self.candidate_dense is None:
            return e
        return self.candidate_dense(torch.cat([e, self.cat_emb(self.item_category[items])], dim=-1))

    def candidate_scores(self, m: torch.Tensor, m_hat: torch.Tensor, e: torch.Tensor) -> torch.Tensor:
        """Eqs. 14-17 for every candidate.  m, m_hat (B, r, d); e (B, K, d) per row, or (K, d)
        shared by all rows (the catalogue)  -> (B, K)"""
        scale = 1.0 / math.sqrt(self.config.hidden)
        a = torch.softmax(m @ e.transpose(-1, -2) * scale, dim=1)  # (B, r, K): over the r rows
        a_hat = torch.softmax(m_hat @ e.transpose(-1, -2) * scale, dim=1)  # (B, r, K)
        h = a.transpose(1, 2) @ m  # (B, K, d)
        h_hat = a_hat.transpose(1, 2) @ m_hat  # (B, K, d)
        # W h = Σ_r a_r (W m_r): the gate's maps act on the r rows, not on K vectors
        gate = torch.sigmoid(a.transpose(1, 2) @ self.gate_h(m) + a_hat.transpose(1, 2) @ self.gate_h_hat(m_hat))  # (B, K, d)
        fused = h_hat + gate * (h - h_hat)  # (B, K, d) = g ∘ h + (1 − g) ∘ ĥ
        return (fused * e).sum(-1)  # (B, K)

    def item_scores(self, batch: dict[str, torch.Tensor]) -> torch.Tensor:
        m, m_hat, _ = self.interests(batch)
        everything = torch.arange(self.num_items + 1, device=m.device)  # (N+1,)
        return self.candidate_scores(m, m_hat, self.candidate_embeddings(everything))  # (B, N+1)

    def calculate_loss(self, batch: dict[str, torch.Tensor]) -> torch.Tensor:
        targets = batch["target_next"][:, :1]  # (B, 1)
        negatives = sample_negatives(self.num_items, targets, self.config.negatives)  # (B, n)
        m, m_hat, a = self.interests(batch)
        scores = self.candidate_scores(m, m_hat, self.candidate_embeddings(torch.cat([targets, negatives], 1)))  # (B, 1+n)
        labels = torch.zeros_like(scores)
        labels[:, 0] = 1.0
        loss = F.binary_cross_entropy_with_logits(scores, labels, reduction="sum") / scores.shape[0]
        if self.config.penalty:
            eye = torch.eye(a.shape[1], device=a.device)
            loss = loss + self.config.penalty * (a @ a.transpose(1, 2) - eye).pow(2).sum((1, 2)).mean()
        return loss

    def training_examples(self, log, max_len: int):
        from ..data import TrainWindows
        return TrainWindows(log, max_len, targets=1, min_history=1)
