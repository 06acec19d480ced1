"""SASRec (Kang & McAuley, ICDM 2018): causal self-attention over the item sequence.

item embedding * sqrt(d) + learned positional embedding -> dropout -> n blocks of
[LayerNorm -> causal multi-head self-attention -> residual, LayerNorm -> point-wise FFN ->
residual] with padding zeroed after every block -> final LayerNorm. Scores are the hidden state
at the newest position dotted with the (shared) item embedding table; scoring (the served graph,
evaluate) runs the last block for that column only, training runs every column.

Choices, written down:
- Pre-LN blocks (LayerNorm before each sub-layer) as in the authors' reference code; by
  default the residual adds to the un-normalised input (the standard pre-LN form);
  ``block_layout: reference`` keeps the reference code's form instead (SASRecBlock), which the
  SASRec+ study trained.
- Positions are counted from the right (newest item = max_len - 1), so cutting padding columns
  does not change the scores (schemas/model/README.md).
- Attention is written with basic ops (MatMul, Softmax, Where) so it exports cleanly to ONNX
  opset 17 under torch 1.13. Masked keys get a large finite negative instead of -inf: a
  padding query, whose keys are all masked, then yields finite garbage (zeroed afterwards)
  instead of NaN, and real queries are unaffected because exp underflows to exactly 0.
- Loss ``ce`` (softmax over all items at every position, "SASRec+" of Klenitskiy & Vasilev,
  RecSys'23) or ``bce`` (one uniformly sampled negative per position, the original paper).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

from ..errors import ConfigError
from .base import PositionalBlockEncoder, register
from .layer_norm import LayerNorm
from .training_ops import Dropout

MASKED = -1e9


class CausalSelfAttention(nn.Module):
    def __init__(self, hidden: int, heads: int, dropout: float):
        super().__init__()
        self.heads = heads
        self.head_dim = hidden // heads
        self.qkv = nn.Linear(hidden, 3 * hidden)
        self.out = nn.Linear(hidden, hidden)
        self.dropout = Dropout(dropout)

    def forward(self, x: torch.Tensor, allowed: torch.Tensor, keys: torch.Tensor | None = None) -> torch.Tensor:
        # x (B, Lq, d) the queries (and keys/values unless `keys` (B, L, d) is given);
        # allowed (B, Lq, L): query i may attend key j
        batch, length = x.shape[0], x.shape[1]  # length: Lq
        q, k, v = self._project(x, keys)  # (B, Lq, d), (B, L, d), (B, L, d)
        if self.heads == 1:
            # One head: the (B, 1, L, d) views and their transposes would only copy (an exported
            # Transpose is a pass over the tensor), so the products run on (B, L, d) directly.
            att = (q @ k.transpose(-2, -1)) / math.sqrt(self.head_dim)  # (B, Lq, L)
            att = self.dropout(torch.softmax(att.masked_fill(~allowed, MASKED), dim=-1))
            return self.out(att @ v)  # (B, Lq, d)
        q = q.reshape(batch, length, self.heads, self.head_dim).transpose(1, 2)  # (B, h, Lq, dh)
        k = k.reshape(batch, -1, self.heads, self.head_dim).transpose(1, 2)  # (B, h, L, dh)
        v = v.reshape(batch, -1, self.heads, self.head_dim).transpose(1, 2)  # (B, h, L, dh)
        att = (q @ k.transpose(-2, -1)) / math.sqrt(self.head_dim)  # (B, h, Lq, L)
        att = att.masked_fill(~allowed.unsqueeze(1), MASKED)
        att = self.dropout(torch.softmax(att, dim=-1))
        y = (att @ v).transpose(1, 2).reshape(batch, length, self.heads * self.head_dim)  # (B, Lq, d)
        return self.out(y)

    def _project(self, x: torch.Tensor, keys: torch.Tensor | None):
        """Queries from x, keys and values from `keys` (default x), with the one (3d, d) weight.
        Training multiplies once per source and splits the result into views. The exported
        graph multiplies by the three weight slices instead: their bounds are Python ints (not
        x's traced shape), so the slices fold into constants and no Slice node copies
        activations."""
        hidden = self.qkv.in_features
        weight, bias = self.qkv.weight, self.qkv.bias  # (3d, d), (3d,)
        if not torch.onnx.is_in_onnx_export():
            if keys is None:
                return self.qkv(x).chunk(3, dim=-1)
            k, v = F.linear(keys, weight[hidden:], bias[hidden:]).chunk(2, dim=-1)
            return F.linear(x, weight[:hidden], bias[:hidden]), k, v
        source = x if keys is None else keys
        return (F.linear(x, weight[:hidden], bias[:hidden]),
                F.linear(source, weight[hidden:2 * hidden], bias[hidden:2 * hidden]),
                F.linear(source, weight[2 * hidden:], bias[2 * hidden:]))


class PointWiseFeedForward(nn.Module):
    def __init__(self, hidden: int, dropout: float):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(hidden, hidden), nn.ReLU(), Dropout(dropout),
                                 nn.Linear(hidden, hidden), Dropout(dropout))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x)  # (B, L, d)


BLOCK_LAYOUTS = ("pre_ln", "reference")
QKV_INITS = ("normal", "xavier_uniform")


class SASRecBlock(nn.Module):
    """One block. ``pre_ln``: x + Attn(LN(x)), then x + FFN(LN(x)) (the standard pre-LN form).
    ``reference``: the SASRec reference code's form, which the SASRec+ study trains: the query
    is LN(x) while keys and values are x, the residual adds to the normalised query, and the
    feed-forward's residual adds to its own normalised input: q = LN(x); y = q + Attn(q, x, x);
    z = LN(y); out = z + FFN(z)."""

    def __init__(self, hidden: int, heads: int, dropout: float, layout: str = "pre_ln", output_dropout: bool = True):
        super().__init__()
        self.layout = layout
        self.attention_norm = LayerNorm(hidden, eps=1e-8)
        self.attention = CausalSelfAttention(hidden, heads, dropout)
        # Dropout on the attention sub-layer's output (besides the attention weights' own);
        # torch's nn.MultiheadAttention, which the SASRec+ study's code uses, has none.
        self.attention_dropout = Dropout(dropout if output_dropout else 0.0)
        self.ffn_norm = LayerNorm(hidden, eps=1e-8)
        self.ffn = PointWiseFeedForward(hidden, dropout)

    def forward(self, x: torch.Tensor, allowed: torch.Tensor, keep: torch.Tensor,
                newest_only: bool = False) -> torch.Tensor:
        # x (B, L, d); allowed (B, L, L); keep (B, L, 1) = 1 at real items.
        # newest_only: only the last column is computed (queries, residuals, feed-forward), its
        # keys and values still span every position -> (B, 1, d). What scoring needs from the
        # last block: the same numbers as the last column of the full output, for a fraction
        # of the work (schemas/model/README.md, the served graph).
        if newest_only:
            allowed, keep = allowed[:, -1:], keep[:, -1:]  # (B, 1, L), (B, 1, 1)
        if self.layout == "reference":
            # LayerNorm is per position, so the newest query can be normalised alone.
            query = self.attention_norm(x[:, -1:] if newest_only else x)  # (B, Lq, d)
            x = query + self.attention_dropout(self.attention(query, allowed, keys=x))
            x = self.ffn_norm(x)
            x = x + self.ffn(x)
        elif newest_only:
            normed = self.attention_norm(x)  # (B, L, d): keys and values
            x = x[:, -1:] + self.attention_dropout(self.attention(normed[:, -1:], allowed, keys=normed))
            x = x + self.ffn(self.ffn_norm(x))
        else:
            x = x + self.attention_dropout(self.attention(self.attention_norm(x), allowed))
            x = x + self.ffn(self.ffn_norm(x))
        return x * keep  # (B, Lq, d), padding positions back to zero


@register("sasrec")
class SASRec(PositionalBlockEncoder):
    inputs = ("item_seq",)

    @dataclass
    class Config(PositionalBlockEncoder.Config):
        block_layout: str = "pre_ln"  # pre_ln | reference (SASRecBlock)
        attention_output_dropout: bool = True
        # normal: as every other matrix (init_std or Xavier-normal). xavier_uniform: the
        # query/key/value projection as nn.MultiheadAttention initialises it, which the SASRec+
        # study's code keeps (its normal(0, 0.02) pass skips that module's in-projection).
        qkv_init: str = "normal"

        def check(self) -> None:
            super().check()
            if self.qkv_init not in QKV_INITS:
                raise ConfigError(f"model.qkv_init: expected one of {', '.join(QKV_INITS)}, got {self.qkv_init!r}")
            if self.block_layout not in BLOCK_LAYOUTS:
                raise ConfigError(f"model.block_layout: expected one of {', '.join(BLOCK_LAYOUTS)}, "
                                  f"got {self.block_layout!r}")

    def __init__(self, config: "SASRec.Config", num_items: int):
        super().__init__(config, num_items)
        self.blocks = nn.ModuleList(SASRecBlock(config.hidden, config.heads, config.dropout, config.block_layout,
                                                config.attention_output_dropout)
                                    for _ in range(config.blocks))
        self.reset_parameters()
        if config.qkv_init == "xavier_uniform":
            for block in self.blocks:
                nn.init.xavier_uniform_(block.attention.qkv.weight)
                nn.init.zeros_(block.attention.qkv.bias)

    def encode(self, batch: dict[str, torch.Tensor]) -> torch.Tensor:
        x, allowed, keep = self._embed_with_mask(batch["item_seq"])
        for block in self.blocks:
            x = block(x, allowed, keep)
        return self.final_norm(x)  # (B, L, d)

    def encode_newest(self, batch: dict[str, torch.Tensor]) -> torch.Tensor:
        # The last block computes the newest column only: with d 64, L 50 and 2 blocks about a
        # third of the encoder's multiply-adds, on every scoring call (served graph, evaluate).
        x, allowed, keep = self._embed_with_mask(batch["item_seq"])
        for block in self.blocks[:-1]:
            x = block(x, allowed, keep)
        x = self.blocks[-1](x, allowed, keep, newest_only=True)  # (B, 1, d)
        return self.final_norm(x[:, 0])  # (B, d)

    def _embed_with_mask(self, item_seq: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        # item_seq (B, L), left-padded with 0 -> x (B, L, d), allowed (B, L, L), keep (B, L, 1)
        x, keep = self.embed(item_seq)
        real = item_seq > 0  # (B, L)
        steps = torch.arange(item_seq.shape[1], device=item_seq.device)  # (L,)
        causal = steps.unsqueeze(1) >= steps.unsqueeze(0)  # (L, L): key j <= query i
        allowed = causal.unsqueeze(0) & real.unsqueeze(1)  # (B, L, L): and key j is an item
        return x, allowed, keep
