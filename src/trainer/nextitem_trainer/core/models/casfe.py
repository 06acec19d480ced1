"""CASFE (Jingyi Wang, Zhaocheng Liu, Qiang Liu & Shu Wu, "Towards Accurate and Interpretable
Sequential Prediction: A CNN & Attention-Based Feature Extractor", CIKM'19): CNN & attention-based sequential
feature extractor, with an MLP and a softmax over all items for next-item recommendation.

E (L, d) item embeddings = c^0 -> C stacked 1-D convolutions whose filters span the full
embedding height d and are applied row by row (eq. 1: every embedding row j has its own kernel
row, as in CCPM by the same group), valid windows, stride 1 -> after the input and after every
conv layer an attention net (position-wise MLP, last layer one logit per position, softmax over
positions, Hadamard product with c^i and reduce-sum over positions, eqs. 2-3) gives r^i ->
rs = [r^0, r^1, ..., r^C] (eq. 4: d + C*M*d values) -> dropout -> MLP with tanh (eq. 5) ->
y (d) -> z = y D^T against the shared item table D (eq. 7) -> softmax cross-entropy (eqs. 8-9).
Paper setting: 2 conv layers, kernels [3, 2] for windows shorter than 10, [5, 5] from 10 on,
embedding 100, dropout about 0.6; the model reads the N-1 items before the target.

Choices where the paper is vague (Figure 3 and the hyperparameters are not in the text):
- The conv layers are linear and have no bias, exactly eq. (1). ``feature_maps`` M > 1 gives
  each embedding row M maps; layer i > 1 then mixes the M maps of the same row (grouped conv).
  Table 4 of the paper (9 inputs -> 6 -> 3 attention weights with kernels of 4, weights
  summing to 1) confirms valid windows, stride 1 and a softmax over positions.
- Attention net: ``attention`` hidden widths with tanh, then one logit per position (the
  paper's "three-layer" example = two hidden layers + the logit layer); one net per layer.
- MLP: ``mlp`` hidden widths, then a d-wide output layer, tanh after every layer (eq. 5
  applies f at each layer, the output included); dropout on rs and on the hidden layers.
- Optimizer, learning rate and batch size are not in the paper: Adam, lr 1e-3, batch 128.

Deviation from the paper: sequences shorter than ``max_len`` (the paper's windows are always
full, except Last.fm's prefixes, "filled with a fixed feature like 0"). Every input is first
cut to its last ``max_len`` items and left-padded with index 0 to exactly ``max_len`` columns
inside the model, so the convolutions always see the same grid and a batch cut to its longest
real sequence scores exactly as the same rows padded to ``max_len``. Padding embeddings are
zero (as the paper's 0 fill); a conv window that lies wholly in padding (its newest item is
padding: under left padding that decides it) is masked out of the attention softmax, so
padding changes no weight of a real window. A window that overlaps the start of the
sequence is kept and sees zeros for the missing items. A single item still scores: the
newest window of every layer always holds it. An all-padding row gets r = 0 (finite scores).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import torch
import torch.nn.functional as F
from torch import nn

from ..errors import ConfigError
from .base import SequenceEncoderModel, register
from .training_ops import Dropout

MASKED = -1e9  # finite, as in SASRec: an all-masked row yields uniform weights, not NaN


class AttentionPool(nn.Module):
    """Weights the positions of one layer's output and sums them: (B, L', C) -> (B, C)."""

    def __init__(self, channels: int, widths: list[int]):
        super().__init__()
        layers: list[nn.Module] = []
        width = channels
        for hidden in widths:
            layers += [nn.Linear(width, hidden), nn.Tanh()]
            width = hidden
        layers.append(nn.Linear(width, 1))
        self.net = nn.Sequential(*layers)

    def forward(self, c: torch.Tensor, keep: torch.Tensor) -> torch.Tensor:
        # c (B, L', C); keep (B, L') True where the window holds a real item
        logits = self.net(c).squeeze(-1).masked_fill(~keep, MASKED)  # (B, L')
        weights = torch.softmax(logits, dim=-1)  # (B, L'), sums to 1 over the positions
        return (weights.unsqueeze(-1) * c).sum(1)  # (B, C): Hadamard product, reduce-sum


@register("casfe")
class CASFE(SequenceEncoderModel):
    inputs = ("item_seq",)

    @dataclass
    class Config(SequenceEncoderModel.Config):
        hidden: int = 100                 # embedding size d
        max_len: int = 9                  # items read before the target (window N - 1)
        dropout: float = 0.6
        loss: str = "ce"
        kernels: list[int] = field(default_factory=lambda: [5, 5])  # width of each conv layer
        feature_maps: int = 1             # M maps per embedding row
        attention: list[int] = field(default_factory=lambda: [64, 32])  # attention hidden widths
        mlp: list[int] = field(default_factory=lambda: [100])  # MLP hidden widths before y (d)

        def check(self) -> None:
            super().check()
            if self.loss == "bce":
                raise ConfigError("model.loss: casfe trains with the softmax over all items (ce) or a sampled "
                                  "loss (sampled_softmax, gbce), got 'bce'")
            if self.init_std:
                raise ConfigError("model.init_std: casfe keeps its own initialisation (see reset_parameters)")
            if not self.kernels or any(k <= 0 for k in self.kernels):
                raise ConfigError(f"model.kernels: expected a list of positive widths, got {self.kernels}")
            if sum(k - 1 for k in self.kernels) >= self.max_len:
                raise ConfigError(f"model.kernels: {self.kernels} leave no window in max_len={self.max_len} "
                                  f"(needs sum(k - 1) < max_len)")
            if self.feature_maps <= 0 or any(w <= 0 for w in self.attention + self.mlp):
                raise ConfigError("model.feature_maps, model.attention and model.mlp: expected positive sizes")

    def __init__(self, config: "CASFE.Config", num_items: int):
        super().__init__(config, num_items)
        d, maps = config.hidden, config.feature_maps
        # Row-by-row convolution = grouped Conv1d with one group per embedding row.
        self.convs = nn.ModuleList(
            nn.Conv1d(d if i == 0 else d * maps, d * maps, k, groups=d, bias=False)
            for i, k in enumerate(config.kernels))
        self.attentions = nn.ModuleList(
            [AttentionPool(d, config.attention)] + [AttentionPool(d * maps, config.attention) for _ in config.kernels])
        layers: list[nn.Module] = [Dropout(config.dropout)]
        width = d + len(config.kernels) * maps * d  # eq. (4) with one feature field
        for hidden in config.mlp:
            layers += [nn.Linear(width, hidden), nn.Tanh(), Dropout(config.dropout)]
            width = hidden
        layers += [nn.Linear(width, d), nn.Tanh()]
        self.mlp = nn.Sequential(*layers)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Xavier-normal for the embedding and the linear layers; the convolutions keep
        PyTorch's default (fan-in) init, since Xavier's fan-out over d*M channels would shrink a
        row-wise kernel to almost nothing."""
        for module in self.modules():
            if isinstance(module, nn.Linear):
                nn.init.xavier_normal_(module.weight)
                nn.init.zeros_(module.bias)
        nn.init.xavier_normal_(self.item_emb.weight)
        with torch.no_grad():
            self.item_emb.weight[0].zero_()

    def user_vector(self, item_seq: torch.Tensor) -> torch.Tensor:
        """(B, L) left-padded item indices, any L -> y (B, d)."""
        item_seq = item_seq[:, -self.max_len:]  # (B, <=L_max)
        pad = item_seq.new_zeros(item_seq.shape[0], self.max_len - item_seq.shape[1])
        item_seq = torch.cat([pad, item_seq], dim=1)  # (B, L_max): the same grid for any cut
        keep = item_seq > 0  # (B, L_max)
        c = self.item_emb(item_seq) * keep.unsqueeze(-1).to(self.item_emb.weight.dtype)  # (B, L_max, d)
        pooled = [self.attentions[0](c, keep)]  # r^0 (B, d)
        c = c.transpose(1, 2)  # (B, d, L_max): rows = embedding dimensions, as in Figure 2
        for conv, attention in zip(self.convs, self.attentions[1:]):
            c = conv(c)  # (B, d*M, L' - k + 1)
            keep = keep[:, conv.kernel_size[0] - 1:]  # a window is real iff its newest item is
            pooled.append(attention(c.transpose(1, 2).contiguous(), keep))  # r^i (B, d*M); contiguous: 10x faster Linear
        return self.mlp(torch.cat(pooled, dim=-1))  # rs (B, d + C*M*d) -> y (B, d)

    def encode(self, batch: dict[str, torch.Tensor]) -> torch.Tensor:
        """One user vector, placed as the newest position so the shared dot-product scoring
        applies.  -> (B, 1, d)"""
        return self.user_vector(batch["item_seq"]).unsqueeze(1)

    def training_examples(self, log, max_len: int):
        """One example per training position: the up to max_len items before it (left-padded,
        the paper's zero-filled prefixes) and the item itself as the target."""
        from ..data import TrainWindows
        return TrainWindows(log, max_len, targets=1, min_history=1)

    def calculate_loss(self, batch: dict[str, torch.Tensor]) -> torch.Tensor:
        user = self.user_vector(batch["item_seq"])  # (B, d)
        return self.position_loss(user, batch["target_next"][:, 0])  # ce: softmax over all N items (the paper)
