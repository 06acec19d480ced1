"""SSRF (Wanjun Yu & Yu Tian, "Self-focus Sequence Recommendation Model for Fusion Context
Information", Shanghai Institute of Technology): a CNN over the item sequence beside a
self-attention stack over the context (category) sequence, fused with a user embedding.

1. CNN branch (sec. 2.2): the (L x d) item-embedding matrix as a one-channel image through four
   convolutions, 1x1 / 3x3 / 1x1 / 3x3 (each followed by normalisation and ReLU), flattened and
   projected to T (d) by a fully connected layer with dropout: the user's dynamic preference.
2. Self-attention branch (sec. 2.3): category embeddings plus learned positions (eq. 1) through
   p blocks of multi-head scaled dot-product attention with residual + LayerNorm and a ReLU
   feed-forward with residual + LayerNorm (eqs. 2-10); padding keys are masked.
3. Fusion (eqs. 11-12): O_cf = W [T; O_f] + b with W of 3d x d, then y = W' [O_cf; P_u] + b'
   over all items (an output table of its own, not tied to the input embeddings).
4. Loss (eq. 13): binary cross-entropy of the next item against N sampled negatives.

Deviations from the paper, written down:
- The attention branch's output O_f is 2d wide, so that eq. 11's W (3d x d) fits [T; O_f]: the
  newest position's vector and the mean over the real positions, concatenated. The paper shows
  neither the pooling nor where the extra d comes from.
- Eq. 7 applies ReLU after both linear maps; the text says "full connection layer with ReLU
  activation" and cites the Transformer, so the ReLU sits between them (the Transformer FFN).
- "Normalised" after each convolution is read as batch normalisation (a CNN over an image-like
  input); in the exported graph it is folded into a per-channel affine map.
- The paper's pairwise item encoding (contribution 2) is not specified beyond one sentence and is
  not built; the convolutions over the embedding matrix are what sec. 2.2 describes.
- A user the version never saw (index 0) gets the mean of the known users' embeddings.
- N (negatives per target) is not given in the paper; the configs use 5.
"""
from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

from ..errors import ConfigError
from .base import Recommender, register, right_aligned_positions, sample_negatives, user_table_with_mean_unknown
from .sasrec import CausalSelfAttention
from .layer_norm import LayerNorm
from .training_ops import Dropout

KERNELS = (1, 3, 1, 3)  # sec. 2.2: four convolution layers with 1x1 and 3x3 kernels


class SequenceCNN(nn.Module):
    """Item-embedding matrix (B, L, d) -> T (B, d)."""

    def __init__(self, hidden: int, max_len: int, channels: int, dropout: float):
        super().__init__()
        layers: list[nn.Module] = []
        for i, k in enumerate(KERNELS):
            layers += [nn.Conv2d(1 if i == 0 else channels, channels, k, padding=k // 2),
                       nn.BatchNorm2d(channels), nn.ReLU()]
        self.convs = nn.Sequential(*layers)
        self.fc = nn.Sequential(Dropout(dropout), nn.Linear(channels * max_len * hidden, hidden))
        self.max_len = max_len

    def forward(self, e: torch.Tensor) -> torch.Tensor:
        length = e.shape[1]
        # A batch cut to fewer columns is padded back on the left, so the flattened layout (and
        # the fully connected layer's weights) always see max_len rows, newest last.
        e = F.pad(e, (0, 0, self.max_len - length, 0))  # (B, L_max, d)
        return self.fc(self.convs(e.unsqueeze(1)).flatten(1))  # (B, 1, L_max, d) -> (B, d)


class SelfAttentionBlock(nn.Module):
    """Eqs. 6-8, post-LayerNorm: x = LN(x + MHA(x)); x = LN(x + FFN(x))."""

    def __init__(self, hidden: int, heads: int, dropout: float):
        super().__init__()
        self.attention = CausalSelfAttention(hidden, heads, dropout)  # any mask: here padding keys only
        self.attention_norm = LayerNorm(hidden)
        self.ffn = nn.Sequential(nn.Linear(hidden, hidden), nn.ReLU(), Dropout(dropout), nn.Linear(hidden, hidden))
        self.ffn_norm = LayerNorm(hidden)
        self.dropout = Dropout(dropout)

    def forward(self, x: torch.Tensor, allowed: torch.Tensor) -> torch.Tensor:
        x = self.attention_norm(x + self.dropout(self.attention(x, allowed)))
        return self.ffn_norm(x + self.dropout(self.ffn(x)))  # (B, L, d)


@register("ssrf")
class SSRF(Recommender):
    inputs = ("item_seq", "cat_seq", "user_idx")
    # The output layer's per-item bias b' becomes one more item column, against a constant 1.
    retrieval_rewrite = "bias"

    @dataclass
    class Config(Recommender.Config):
        hidden: int = 64          # d (the paper: 64)
        max_len: int = 30         # the paper's maximum behaviour length
        conv_channels: int = 8
        blocks: int = 2           # p
        heads: int = 2            # n_h
        dropout: float = 0.2
        negatives: int = 5        # N sampled negatives per target

        def check(self) -> None:
            if min(self.hidden, self.max_len, self.conv_channels, self.blocks, self.heads, self.negatives) <= 0:
                raise ConfigError("model.hidden, max_len, conv_channels, blocks, heads, negatives: expected positive integers")
            if self.hidden % self.heads:
                raise ConfigError(f"model.heads: expected a divisor of hidden={self.hidden}, got {self.heads}")
            if not 0.0 <= self.dropout < 1.0:
                raise ConfigError(f"model.dropout: expected a number in [0, 1), got {self.dropout}")

    def __init__(self, config: "SSRF.Config", num_items: int, num_users: int = 0, num_categories: int = 0):
        super().__init__(config, num_items)
        d = config.hidden
        self.num_users = num_users
        self.num_categories = num_categories
        self.item_emb = nn.Embedding(num_items + 1, d, padding_idx=0)
        self.cat_emb = nn.Embedding(num_categories + 1, d, padding_idx=0)  # row 0: padding and unknown
        self.pos_emb = nn.Embedding(config.max_len, d)                     # P of eq. 1
        self.user_emb = nn.Embedding(num_users + 1, d)                     # P_u, row 0 = mean user
        self.cnn = SequenceCNN(d, config.max_len, config.conv_channels, config.dropout)
        self.blocks = nn.ModuleList(SelfAttentionBlock(d, config.heads, config.dropout) for _ in range(config.blocks))
        self.emb_dropout = Dropout(config.dropout)
        self.fuse = nn.Linear(3 * d, d)                                    # W, b of eq. 11
        self.output = nn.Linear(2 * d, num_items + 1)                      # W', b' of eq. 12
        self.reset_parameters()

    def reset_parameters(self) -> None:
        for table in (self.item_emb, self.cat_emb, self.pos_emb, self.user_emb):
            nn.init.normal_(table.weight, std=0.05)
        with torch.no_grad():
            self.item_emb.weight[0].zero_()
            self.cat_emb.weight[0].zero_()
            self.user_emb.weight[0].zero_()
        for module in (self.fuse, self.output):
            nn.init.xavier_normal_(module.weight)
            nn.init.zeros_(module.bias)

    def context(self, cat_seq: torch.Tensor, real: torch.Tensor) -> torch.Tensor:
        """Self-attention branch.  cat_seq, real (B, L) -> O_f (B, 2d)"""
        positions = right_aligned_positions(cat_seq, self.max_len)  # (L,)
        keep = real.unsqueeze(-1).to(torch.float32)  # (B, L, 1)
        x = self.emb_dropout(self.cat_emb(cat_seq * real) + self.pos_emb(positions)) * keep  # (B, L, d)
        allowed = real.unsqueeze(1).expand(-1, real.shape[1], -1)  # (B, L, L): every real key
        for block in self.blocks:
            x = block(x, allowed) * keep
        mean = x.sum(1) / keep.sum(1).clamp(min=1.0)  # (B, d)
        return torch.cat([x[:, -1, :], mean], dim=-1)  # (B, 2d): newest position, mean

    def user_vector(self, batch: dict[str, torch.Tensor]) -> torch.Tensor:
        """[O_cf; P_u] of eq. 12.  -> (B, 2d)"""
        item_seq = batch["item_seq"]  # (B, L)
        real = item_seq > 0
        t = self.cnn(self.item_emb(item_seq))  # (B, d)
        o_cf = self.fuse(torch.cat([t, self.context(batch["cat_seq"], real)], dim=-1))  # (B, d)
        p_u = F.embedding(batch["user_idx"], user_table_with_mean_unknown(self.user_emb))  # (B, d)
        return torch.cat([o_cf, p_u], dim=-1)

    def item_scores(self, batch: dict[str, torch.Tensor]) -> torch.Tensor:
        return self.output(self.user_vector(batch))  # (B, N+1)

    def retrieval_query(self, batch: dict[str, torch.Tensor]) -> torch.Tensor:
        z = self.user_vector(batch)  # (B, 2d)
        return torch.cat([z, torch.ones_like(z[:, :1])], dim=-1)  # (B, 2d+1): [z, 1]

    def retrieval_items(self) -> torch.Tensor:
        # [W'_i, b'_i] . [z, 1] = W'_i . z + b'_i, eq. 12's score of item i
        return torch.cat([self.output.weight[1:], self.output.bias[1:, None]], dim=-1)  # (N, 2d+1)

    def calculate_loss(self, batch: dict[str, torch.Tensor]) -> torch.Tensor:
        targets = batch["target_next"][:, :1]  # (B, 1)
        items = torch.cat([targets, sample_negatives(self.num_items, targets, self.config.negatives)], 1)  # (B, 1+N)
        z = self.user_vector(batch)  # (B, 2d)
        scores = (self.output.weight[items] * z.unsqueeze(1)).sum(-1) + self.output.bias[items]  # (B, 1+N)
        labels = torch.zeros_like(scores)
        labels[:, 0] = 1.0
        return F.binary_cross_entropy_with_logits(scores, labels, reduction="sum") / scores.shape[0]

    def training_examples(self, log, max_len: int):
        from ..data import TrainWindows
        return TrainWindows(log, max_len, targets=1, min_history=1)
