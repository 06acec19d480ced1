"""AttRec (Shuai Zhang, Yi Tay, Lina Yao, Aixin Sun & Jake An, "Next Item Recommendation with
Self-Attentive Metric Learning", AAAI-18): self-attentive short-term intent plus
metric-learning long-term preference, both as squared Euclidean distances.

Short term, over the last L items X_t (B, L, d) of the item table X:
    Q' = K' = ReLU((X_t + TE) W)         W shared by query and key, TE sinusoidal (eqs. 2, 3, 7, 8)
    s = softmax(mask(Q' K'^T / sqrt(d)))  the diagonal masked before the softmax (eq. 4)
    m = mean over positions of s X_t      value = X_t itself, no projection (eqs. 5, 6)
Long term: user factors U and item factors V, a table of their own (eq. 9). Distance (eq. 10)
    y(u, i) = w ||U_u - V_i||^2 + (1 - w) ||m - X_i||^2,   smaller is better; scores are -y.
Loss (eq. 11): hinge [y_pos + gamma - y_neg]_+ over all T x T pairs of the next T items and T
items sampled uniformly from the catalogue minus those T, summed per example, mean over the
batch, plus lambda ||W||^2 (the paper regularises the attention weights with l2). Embeddings X,
V, U are kept in the unit ball (eq. 12) by ``after_step``. Paper setting for MovieLens: L 5,
T 3, d 100, gamma 0.5, adaptive gradient (Adagrad, Duchi et al.) with lr 0.05, w tuned in
{0, .2, ..., 1} (0.2-0.4 best, Figure 4a).

Choices and deviations, written down:
- W_Q = W_K: the paper writes "shared parameters" and "W_Q = W_K"; the authors' code reuses one
  dense layer. Q' and K' still differ under dropout (applied to each separately when > 0).
- TE is added to the item embeddings before the projection, ReLU((X + TE) W), as in the
  Transformer and the authors' code ("added to query and key before the nonlinear transformation").
- Deviation from the paper: the mask zeroes the diagonal only where the window holds another
  item; a window of one item attends to itself (m = that item) instead of to nothing.
- Deviation from the paper: windows shorter than L (early in a history, or short sequences) are
  left-padded; padding is masked out as a key and left out of the mean, so m is the mean over the
  real positions. With positions counted from the right (the newest item has position
  max_len - 1) a batch cut to fewer columns scores exactly as the same rows padded to max_len.
- Deviation from the paper: norm clipping (eq. 12) is a projection after every optimizer step,
  as in collaborative metric learning (Hsieh et al.), which the paper follows; the paper names
  clipping for its sparse datasets and l2 for the others without saying which it ran on
  MovieLens. ``l2_emb`` adds lambda ||.||^2 of the embedding rows a batch uses, for that reading.
  Chosen on validation MRR: ML-1M runs that reading (no clipping, l2_emb 1e-3: 0.109 vs 0.106
  with clipping), ML-100K keeps clipping (0.114 vs 0.109).
- Unknown user (user_idx 0): row 0 of U is not trained; it is replaced by the mean of the known
  users' rows, so the long-term term measures the distance to the average user and the score
  stays finite and meaningful.
- Negatives are drawn uniformly from I minus the T positives (the paper's T- in I \\ T+), not
  excluding the user's other items.
- Deviation from the paper: the configs train with Adam (lr 1e-3) instead of Adagrad (lr 0.05).
  ``train.optimizer: adagrad`` runs the paper's choice (TensorFlow's initial accumulator 0.1);
  on ML-100K validation it sat on a plateau for ~10 epochs and stayed well below Adam
  (HR@50 0.40 vs 0.55 after ~25 epochs).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

from ..errors import ConfigError
from .base import (Recommender, register, right_aligned_positions, sample_negatives,
                   user_table_with_mean_unknown)
from .training_ops import Dropout

MASKED = -1e9  # finite, so a row without any allowed key yields zeros instead of NaN


def sinusoid_table(length: int, hidden: int) -> torch.Tensor:
    """TE(t, 2i) = sin(t / 10000^(2i/d)), TE(t, 2i+1) = cos(t / 10000^(2i/d)).  -> (length, d)"""
    t = torch.arange(length, dtype=torch.float64).unsqueeze(1)  # (length, 1)
    freq = 10000.0 ** (-torch.arange(0, hidden, 2, dtype=torch.float64) / hidden)  # (ceil(d/2),)
    table = torch.zeros(length, hidden, dtype=torch.float64)
    table[:, 0::2] = torch.sin(t * freq)
    table[:, 1::2] = torch.cos(t * freq[: hidden // 2])
    return table.float()


@register("attrec")
class AttRec(Recommender):
    inputs = ("item_seq", "user_idx")
    # -y = -w||u - V_i||^2 - (1 - w)||m - X_i||^2 expanded into an inner product (retrieval_query).
    retrieval_rewrite = "distance"

    @dataclass
    class Config:
        hidden: int = 100        # d
        max_len: int = 5         # L, the window of recent items
        targets: int = 3         # T, next items per training example (and negatives)
        weight: float = 0.3      # w, share of the long-term distance
        margin: float = 0.5      # gamma of the hinge loss
        dropout: float = 0.0     # on Q' and K'
        l2: float = 0.0          # lambda on the attention weight W
        l2_emb: float = 0.0      # lambda on the embedding rows of each batch (0: norm clipping only)
        norm_clip: bool = True   # keep rows of X, V, U in the unit ball
        init_std: float = 0.01   # normal init of X, V, U
        min_history: int = 1     # a training window needs at least this many items

        def check(self) -> None:
            if self.hidden <= 0 or self.max_len <= 0 or self.targets <= 0 or self.min_history <= 0:
                raise ConfigError("model.hidden, max_len, targets, min_history: expected positive integers")
            if not 0.0 <= self.weight <= 1.0:
                raise ConfigError(f"model.weight: expected a number in [0, 1], got {self.weight}")
            if not 0.0 <= self.dropout < 1.0:
                raise ConfigError(f"model.dropout: expected a number in [0, 1), got {self.dropout}")
            if self.margin < 0 or self.l2 < 0 or self.l2_emb < 0 or self.init_std <= 0:
                raise ConfigError("model.margin, l2, l2_emb: expected >= 0; model.init_std: expected > 0")

    def __init__(self, config: "AttRec.Config", num_items: int, num_users: int = 0):
        super().__init__(config, num_items)
        d = config.hidden
        self.num_users = num_users
        self.item_emb = nn.Embedding(num_items + 1, d, padding_idx=0)     # X (N+1, d): window and short term
        self.item_metric = nn.Embedding(num_items + 1, d, padding_idx=0)  # V (N+1, d): long term
        self.user_emb = nn.Embedding(num_users + 1, d)                    # U (U+1, d), row 0 unused
        self.query_key = nn.Linear(d, d, bias=False)                      # W = W_Q = W_K
        self.dropout = Dropout(config.dropout)
        self.register_buffer("time_emb", sinusoid_table(config.max_len, d), persistent=False)  # (L_max, d)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        for table in (self.item_emb, self.item_metric, self.user_emb):
            nn.init.normal_(table.weight, std=self.config.init_std)
        nn.init.xavier_uniform_(self.query_key.weight)  # as the authors' dense layer
        with torch.no_grad():
            self.item_emb.weight[0].zero_()
            self.item_metric.weight[0].zero_()
            self.user_emb.weight[0].zero_()

    # ------------------------------------------------------------------------------------------
    # the two intents

    def attention(self, item_seq: torch.Tensor) -> torch.Tensor:
        """Affinity matrix s of eq. 4, diagonal and padding keys masked.  (B, L) -> (B, L, L)"""
        x = self.item_emb(item_seq)  # (B, L, d)
        te = self.time_emb[right_aligned_positions(item_seq, self.max_len)]  # (L, d)
        qk = torch.relu(self.query_key(x + te))  # (B, L, d)
        q, k = self.dropout(qk), self.dropout(qk)
        affinity = q @ k.transpose(1, 2) / math.sqrt(self.config.hidden)  # (B, L, L)
        real = item_seq > 0  # (B, L)
        steps = torch.arange(item_seq.shape[1], device=item_seq.device)  # (L,)
        off_diagonal = steps.unsqueeze(1) != steps.unsqueeze(0)  # (L, L)
        alone = real.sum(1, keepdim=True) <= 1  # (B, 1): no other item to attend to
        allowed = real.unsqueeze(1) & (off_diagonal.unsqueeze(0) | alone.unsqueeze(2))  # (B, L, L)
        return torch.softmax(affinity.masked_fill(~allowed, MASKED), dim=-1)  # (B, L, L)

    def short_term(self, item_seq: torch.Tensor) -> torch.Tensor:
        """m of eq. 6: mean over the real positions of s X.  (B, L) -> (B, d)"""
        x = self.item_emb(item_seq)  # (B, L, d), value = X unchanged
        attended = self.attention(item_seq) @ x  # (B, L, d)
        keep = (item_seq > 0).unsqueeze(-1).to(x.dtype)  # (B, L, 1)
        return (attended * keep).sum(1) / keep.sum(1).clamp(min=1.0)  # (B, d)

    def user_table(self) -> torch.Tensor:
        return user_table_with_mean_unknown(self.user_emb)  # (U+1, d)

    def long_term(self, user_idx: torch.Tensor) -> torch.Tensor:
        return F.embedding(user_idx, self.user_table())  # (B,) -> (B, d)

    # ------------------------------------------------------------------------------------------
    # scores, loss

    def distances(self, m: torch.Tensor, u: torch.Tensor, items: torch.Tensor) -> torch.Tensor:
        """y of eq. 10 for the given items.  m, u (B, d); items (B, K) -> (B, K)"""
        w = self.config.weight
        long = (u.unsqueeze(1) - self.item_metric(items)).pow(2).sum(-1)  # (B, K)
        short = (m.unsqueeze(1) - self.item_emb(items)).pow(2).sum(-1)  # (B, K)
        return w * long + (1.0 - w) * short

    def item_scores(self, batch: dict[str, torch.Tensor]) -> torch.Tensor:
        """-y for every item, expanded as ||a - b||^2 = ||a||^2 - 2 a.b + ||b||^2 so it is two
        Gemms against the tables (shared with the Gathers) instead of a (B, N+1, d) tensor."""
        m = self.short_term(batch["item_seq"])  # (B, d)
        u = self.long_term(batch["user_idx"])  # (B, d)
        w = self.config.weight
        v_table, x_table = self.item_metric.weight, self.item_emb.weight  # (N+1, d) each
        long = F.linear(u, v_table, -0.5 * v_table.pow(2).sum(1))  # (B, N+1): u.V - ||V||^2 / 2
        short = F.linear(m, x_table, -0.5 * x_table.pow(2).sum(1))  # (B, N+1): m.X - ||X||^2 / 2
        return (2.0 * w * long + 2.0 * (1.0 - w) * short
                - w * u.pow(2).sum(1, keepdim=True) - (1.0 - w) * m.pow(2).sum(1, keepdim=True))  # (B, N+1)

    def retrieval_query(self, batch: dict[str, torch.Tensor]) -> torch.Tensor:
        """-y(u, i) = 2w u.V_i + 2(1-w) m.X_i - (w|V_i|^2 + (1-w)|X_i|^2) - (w|u|^2 + (1-w)|m|^2),
        the expansion item_scores computes, split into a query [2w u, 2(1-w) m, 1, -(w|u|^2 +
        (1-w)|m|^2)] and an item [V_i, X_i, -(w|V_i|^2 + (1-w)|X_i|^2), 1].  -> (B, 2d+2)"""
        m = self.short_term(batch["item_seq"])  # (B, d)
        u = self.long_term(batch["user_idx"])  # (B, d)
        w = self.config.weight
        norms = w * u.pow(2).sum(1, keepdim=True) + (1.0 - w) * m.pow(2).sum(1, keepdim=True)  # (B, 1)
        return torch.cat([2.0 * w * u, 2.0 * (1.0 - w) * m, torch.ones_like(norms), -norms], dim=-1)

    def retrieval_items(self) -> torch.Tensor:
        v, x = self.item_metric.weight[1:], self.item_emb.weight[1:]  # (N, d) each, padding row left out
        w = self.config.weight
        norms = w * v.pow(2).sum(1, keepdim=True) + (1.0 - w) * x.pow(2).sum(1, keepdim=True)  # (N, 1)
        return torch.cat([v, x, -norms, torch.ones_like(norms)], dim=-1)  # (N, 2d+2)

    def sample_negatives(self, positives: torch.Tensor) -> torch.Tensor:
        return sample_negatives(self.num_items, positives, positives.shape[1])  # (B, T)

    def calculate_loss(self, batch: dict[str, torch.Tensor]) -> torch.Tensor:
        item_seq, users, positives = batch["item_seq"], batch["user_idx"], batch["target_next"]  # (B, L), (B,), (B, T)
        negatives = self.sample_negatives(positives)  # (B, T)
        m = self.short_term(item_seq)  # (B, d)
        u = self.long_term(users)  # (B, d)
        pos = self.distances(m, u, positives)  # (B, T)
        neg = self.distances(m, u, negatives)  # (B, T)
        hinge = torch.relu(pos.unsqueeze(2) + self.config.margin - neg.unsqueeze(1))  # (B, T, T): every pair
        loss = hinge.sum((1, 2)).mean()
        if self.config.l2:
            loss = loss + self.config.l2 * self.query_key.weight.pow(2).sum()
        if self.config.l2_emb:
            rows = (self.item_emb(torch.cat([item_seq, positives, negatives], 1)).pow(2).sum()
                    + self.item_metric(torch.cat([positives, negatives], 1)).pow(2).sum()
                    + self.user_emb(users).pow(2).sum())
            loss = loss + self.config.l2_emb * rows / item_seq.shape[0]
        return loss

    @torch.no_grad()
    def after_step(self) -> None:
        """Eq. 12: rows of X, V, U longer than 1 are scaled back onto the unit sphere."""
        if not self.config.norm_clip:
            return
        for table in (self.item_emb.weight, self.item_metric.weight, self.user_emb.weight):
            table.div_(table.norm(dim=1, keepdim=True).clamp(min=1.0))

    def training_examples(self, log, max_len: int):
        from ..data import TrainWindows
        return TrainWindows(log, max_len, targets=self.config.targets, min_history=self.config.min_history)
