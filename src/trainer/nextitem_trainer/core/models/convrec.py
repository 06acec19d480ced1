"""ConvRec (Md Mehrab Tanjim, "ConvRec: A simple lightweight convolutional network for next item
recommendation", UC San Diego): SASRec's layout with the causal self-attention replaced by a
lightweight convolution (Wu et al. 2019, the paper's [50]).

Embedding layer as SASRec (item table shared with scoring, learned positions, dropout), then
`blocks` x [causal lightweight convolution, point-wise feed-forward], each pre-LayerNorm with a
residual, a final LayerNorm, dot-product scores against the item table. The convolution is
depthwise over time with kernel width k: the d channels are split into H heads of d/H channels
that share one kernel (H x k weights in all), softmax-normalised over the window, with
DropConnect on the kernel. Paper setting: 1 block, 5 heads, d 50, k 31, dropout 0.2, max length
200 on ML-1M, AdamW lr 1e-3, batch 128, BCE with one negative per position.

Deviation from the paper: its equation centres the window on position i; next-item prediction
must not see the future, so the window is causal (positions i-k+1..i), as in the decoder of
Wu et al. The paper shows no projections around the convolution, so none are added: the
kernel acts on the (normalised) embedding sequence directly. Padding positions are zeroed before
the convolution and positions are counted from the right, so a batch cut to fewer columns
scores the same as one padded to max_len.
"""
from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

from ..errors import ConfigError
from .base import PositionalBlockEncoder, register
from .sasrec import PointWiseFeedForward
from .layer_norm import LayerNorm
from .training_ops import Dropout


class CausalLightweightConv(nn.Module):
    def __init__(self, hidden: int, heads: int, kernel: int, weight_dropout: float):
        super().__init__()
        self.heads = heads
        self.kernel = kernel
        self.weight_dropout = weight_dropout
        self.weight = nn.Parameter(torch.empty(heads, kernel))  # (H, k), one kernel per head
        nn.init.xavier_uniform_(self.weight)

    def forward(self, x: torch.Tensor) -> torch.Tensor:  # (B, L, d) -> (B, L, d)
        hidden = x.shape[2]
        kernel = torch.softmax(self.weight, dim=-1)  # (H, k), each sums to 1 over the window
        kernel = F.dropout(kernel, self.weight_dropout, self.training)  # DropConnect, as Wu et al.
        # Channel c uses the kernel of head c // (d/H): (H, k) -> (d, 1, k) for a grouped conv.
        kernel = kernel.unsqueeze(1).expand(self.heads, hidden // self.heads, self.kernel).reshape(hidden, 1, self.kernel)
        y = F.pad(x.transpose(1, 2), (self.kernel - 1, 0))  # (B, d, k-1+L): only the past is padded in
        return F.conv1d(y, kernel, groups=hidden).transpose(1, 2)  # (B, L, d)


class ConvRecBlock(nn.Module):
    def __init__(self, hidden: int, heads: int, kernel: int, dropout: float):
        super().__init__()
        self.conv_norm = LayerNorm(hidden, eps=1e-8)
        self.conv = CausalLightweightConv(hidden, heads, kernel, dropout)
        self.conv_dropout = Dropout(dropout)
        self.ffn_norm = LayerNorm(hidden, eps=1e-8)
        self.ffn = PointWiseFeedForward(hidden, dropout)

    def forward(self, x: torch.Tensor, keep: torch.Tensor) -> torch.Tensor:
        # x (B, L, d); keep (B, L, 1) = 1 at real items. LayerNorm turns zero padding into its
        # bias, so padding is zeroed again before it can enter a window.
        x = x + self.conv_dropout(self.conv(self.conv_norm(x) * keep))
        x = x + self.ffn(self.ffn_norm(x))
        return x * keep


@register("convrec")
class ConvRec(PositionalBlockEncoder):
    inputs = ("item_seq",)

    @dataclass
    class Config(PositionalBlockEncoder.Config):
        blocks: int = 1
        heads: int = 5
        kernel: int = 31

        def check(self) -> None:
            super().check()
            if self.kernel <= 0:
                raise ConfigError("model.kernel: expected a positive integer")

    def __init__(self, config: "ConvRec.Config", num_items: int):
        super().__init__(config, num_items)
        self.blocks = nn.ModuleList(ConvRecBlock(config.hidden, config.heads, config.kernel, config.dropout)
                                    for _ in range(config.blocks))
        self.reset_parameters()

    def encode(self, batch: dict[str, torch.Tensor]) -> torch.Tensor:
        x, keep = self.embed(batch["item_seq"])  # (B, L, d), (B, L, 1)
        for block in self.blocks:
            x = block(x, keep)
        return self.final_norm(x)  # (B, L, d)

    def receptive_field(self) -> int:
        """How many of the newest columns the newest hidden state depends on: each causal
        convolution reaches k - 1 columns further back, the feed-forward none."""
        return self.config.blocks * (self.config.kernel - 1) + 1

    def encode_newest(self, batch: dict[str, torch.Tensor]) -> torch.Tensor:
        # With positions counted from the right, a row cut to its newest R columns scores the
        # same (PositionalBlockEncoder), and nothing older than R reaches the newest column:
        # the paper's ML-1M setting (L 200, k 31, 1 block) then encodes 31 columns, not 200.
        # Positions from the left depend on how many older items there are, so no cut there.
        if self.config.positions != "from_right":
            return super().encode_newest(batch)
        window = self.receptive_field()
        return super().encode_newest({name: column[:, -window:] for name, column in batch.items()
                                      if name in self.inputs})  # (B, d)
