"""What every model shares: the scoring contract used by evaluation, training and export.

- ``Recommender``: anything that scores the whole catalogue for a batch. ``inputs`` names the
  contract inputs it reads (``item_seq``, ``time_seq``, ``query_time``, ``cat_seq``,
  ``user_idx``: schemas/model/README.md); evaluation and export feed exactly those.
  ``full_sort_scores`` masks the padding index 0 to -inf; ``export_graph`` wraps the model with
  TopK for ONNX, so the served graph and the evaluated scores are the same code path.
- ``SequenceEncoderModel``: an item embedding table (N+1 rows, row 0 = padding), an ``encode``
  that maps inputs to one hidden vector per position (B, L, d), dot-product scoring against the
  item table, and the two training losses (full softmax ``ce``, one sampled negative ``bce``).
  A model whose scores are not a dot product (e.g. DMRAN's candidate attention) overrides
  ``item_scores`` and ``calculate_loss``; the rest stays shared.
- The retrieval form (retrieval.py): ``retrieval_query`` (B, D) and ``retrieval_items`` (N, D)
  whose inner product equals ``full_sort_scores``; the sequence encoders give it as is
  (``retrieval_rewrite = "none"``), a model with another score rewrites it exactly or says in
  ``retrieval_unsupported`` why it cannot.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import ClassVar

import torch
import torch.nn.functional as F
from torch import nn

from ..errors import ConfigError
from .layer_norm import LayerNorm
from .retrieval import REWRITES, QueryGraph, RetrievalForm, RetrievalUnsupported
from .sampled_losses import (NEGATIVE_SAMPLERS, PopularitySampler, TargetFrequency, UniformSampler, gbce_beta,
                             gbce_loss, in_batch_softmax_loss, sampled_softmax_loss)
from .training_ops import Dropout, softmax_cross_entropy_sum

CONTRACT_INPUTS = ("item_seq", "time_seq", "query_time", "cat_seq", "user_idx")
LOSSES = ("ce", "bce", "sampled_softmax", "gbce")
SAMPLED_LOSSES = ("sampled_softmax", "gbce")  # K negatives per batch, sparse item-table gradient
POSITION_SCHEMES = ("from_right", "from_left")

_REGISTRY: dict[str, type["Recommender"]] = {}


def register(name: str):
    """Class decorator: makes a model available to configs as ``model.name: <name>``."""
    def add(cls):
        if name in _REGISTRY:
            raise ValueError(f"model name {name!r} registered twice")
        cls.name = name
        _REGISTRY[name] = cls
        return cls
    return add


def model_class(name: str) -> type["Recommender"]:
    if name not in _REGISTRY:
        raise KeyError(f"unknown model {name!r}; expected one of {', '.join(sorted(_REGISTRY))}")
    return _REGISTRY[name]


def registered_models() -> list[str]:
    return sorted(_REGISTRY)


class Recommender(nn.Module):
    name: ClassVar[str] = ""
    inputs: ClassVar[tuple[str, ...]] = ("item_seq",)
    trainable: ClassVar[bool] = True
    # One of retrieval.REWRITES when the model gives retrieval_query / retrieval_items; None
    # when its score has no such split, and retrieval_unsupported then says why.
    retrieval_rewrite: ClassVar[str | None] = None
    retrieval_unsupported: ClassVar[str] = "the model defines no retrieval form"

    @dataclass
    class Config:
        max_len: int = 50

    def __init__(self, config, num_items: int):
        super().__init__()
        unknown = set(self.inputs) - set(CONTRACT_INPUTS)
        if unknown or "item_seq" not in self.inputs:
            raise TypeError(f"{type(self).__name__}.inputs must include item_seq and only use {CONTRACT_INPUTS}")
        self.config = config
        self.num_items = num_items
        self.max_len = config.max_len

    def item_scores(self, batch: dict[str, torch.Tensor]) -> torch.Tensor:
        """Scores of every index 0..N for each row.  -> (B, N+1)"""
        raise NotImplementedError

    def full_sort_scores(self, batch: dict[str, torch.Tensor]) -> torch.Tensor:
        """Scores over the catalogue with the padding index 0 at -inf, so it is never ranked or
        returned.  -> (B, N+1)"""
        scores = self.item_scores(batch)  # (B, N+1)
        not_padding = torch.arange(scores.shape[1], device=scores.device) > 0  # (N+1,)
        return scores.masked_fill(~not_padding, float("-inf"))

    def forward(self, batch: dict[str, torch.Tensor]) -> torch.Tensor:
        return self.full_sort_scores(batch)  # (B, N+1)

    def training_examples(self, log, max_len: int):
        """What an epoch iterates over: an object with ``__len__`` and ``batches(batch_size, rng)``.
        Default: one full training sequence per user with a target at every position (SASRec);
        window models return ``data.TrainWindows``."""
        from ..data import TrainSequences
        return TrainSequences(log, max_len)

    def after_step(self) -> None:
        """Called by the trainer after every optimizer step (AttRec projects its embeddings back
        into the unit ball here). Default: nothing."""

    def set_train_popularity(self, popularity) -> None:
        """The training data's item counts (N+1,), handed over by every caller of the training
        loop before it runs (the popularity negative sampler draws from them). Default: unused."""

    def sparse_parameters(self) -> list[nn.Parameter]:
        """Parameters whose gradients are sparse; the optimiser factory (training.OptimizerSpec)
        gives them SparseAdam and the rest the configured optimiser. Default: none."""
        return []

    def export_graph(self, top_k: int) -> "TopKGraph":
        return TopKGraph(self, top_k + self.max_len)

    # ------------------------------------------------------------------------------------------
    # the retrieval form: query . item vector == full_sort_scores, score for score

    def retrieval_query(self, batch: dict[str, torch.Tensor]) -> torch.Tensor:
        """The query half of the score.  -> (B, D)"""
        raise RetrievalUnsupported(self._no_retrieval_form())

    def retrieval_items(self) -> torch.Tensor:
        """The item half of the score, row i - 1 = item index i.  -> (N, D)"""
        raise RetrievalUnsupported(self._no_retrieval_form())

    def supports_retrieval(self) -> bool:
        return self.retrieval_rewrite is not None

    def retrieval_form(self) -> RetrievalForm:
        """The query graph and the item vectors (detached, float32) of the served score; raises
        RetrievalUnsupported with the reason for a model that is served exactly only."""
        if not self.supports_retrieval():
            raise RetrievalUnsupported(self._no_retrieval_form())
        if self.retrieval_rewrite not in REWRITES:
            raise ValueError(f"{type(self).__name__}.retrieval_rewrite: expected one of {REWRITES}, "
                             f"got {self.retrieval_rewrite!r}")
        with torch.no_grad():
            items = self.retrieval_items().detach().to(torch.float32).clone()  # (N, D), a copy in C order
        if items.shape[0] != self.num_items:
            raise ValueError(f"{type(self).__name__}.retrieval_items: {items.shape[0]} rows for {self.num_items} items")
        return RetrievalForm(QueryGraph(self), items, self.retrieval_rewrite)

    def _no_retrieval_form(self) -> str:
        return f"{self.name or type(self).__name__} has no retrieval form: {self.retrieval_unsupported}"


class TopKGraph(nn.Module):
    """The served graph: contract inputs in ``model.inputs`` order -> (top_items, top_scores),
    with K' = top_k + max_len so the job can drop seen items and still fill top_k."""

    def __init__(self, model: Recommender, k_graph: int):
        super().__init__()
        if k_graph > model.num_items:
            raise ValueError(f"K' = top_k + max_seq_len = {k_graph} exceeds the catalogue of {model.num_items} items; "
                             f"lower --top-k or the model's max_len")
        self.model = model
        self.k_graph = k_graph

    def forward(self, *inputs: torch.Tensor):
        batch = dict(zip(self.model.inputs, inputs))
        scores = self.model.full_sort_scores(batch)  # (B, N+1)
        top_scores, top_items = torch.topk(scores, self.k_graph, dim=1)  # (B, K') each, best first
        return top_items, top_scores


class SequenceEncoderModel(Recommender):
    """Base of the sequence encoders: item table, per-position encoder, dot-product scores."""

    # The score already is an inner product: the newest hidden state against the item table.
    retrieval_rewrite: ClassVar[str | None] = "none"

    @dataclass
    class Config:
        hidden: int = 64
        max_len: int = 50
        dropout: float = 0.2
        # ce: softmax over all items at every position; bce: one uniform negative per position;
        # sampled_softmax: num_negatives items drawn per batch, shared by its positions; gbce:
        # num_negatives drawn per position (sampled_losses.py). Both train the item table
        # sparsely with SparseAdam.
        loss: str = "ce"
        num_negatives: int = 256  # K, for sampled_softmax and gbce
        # uniform | popularity (Q ~ training count^sampler_exponent) | in_batch (sampled_softmax only:
        # the batch's own targets are the negatives, num_negatives unused)
        negative_sampler: str = "uniform"
        sampler_exponent: float = 0.75
        gbce_t: float = 0.75  # gSASRec's calibration t: 0 = plain BCE, 1 = beta = sampling rate
        # 0: Xavier-normal matrices (the SASRec reference code); > 0: every Linear, Conv1d and
        # Embedding weight ~ normal(0, init_std) with zero biases (GPT-2's scheme, which the
        # SASRec+ study's released code uses with 0.02).
        init_std: float = 0.0

        def check(self) -> None:
            if self.loss not in LOSSES:
                raise ConfigError(f"model.loss: expected one of {', '.join(LOSSES)}, got {self.loss!r}")
            if self.hidden <= 0 or self.max_len <= 0:
                raise ConfigError("model.hidden and model.max_len: expected positive integers")
            if self.init_std < 0.0:
                raise ConfigError(f"model.init_std: expected 0 (Xavier) or a positive std, got {self.init_std}")
            if not 0.0 <= self.dropout < 1.0:
                raise ConfigError(f"model.dropout: expected a number in [0, 1), got {self.dropout}")
            if self.num_negatives <= 0:
                raise ConfigError(f"model.num_negatives: expected a positive integer, got {self.num_negatives}")
            if self.negative_sampler not in NEGATIVE_SAMPLERS:
                raise ConfigError(f"model.negative_sampler: expected one of {', '.join(NEGATIVE_SAMPLERS)}, "
                                  f"got {self.negative_sampler!r}")
            if self.sampler_exponent < 0.0:
                raise ConfigError(f"model.sampler_exponent: expected a number >= 0 (1 = unigram frequency, "
                                  f"0 = uniform), got {self.sampler_exponent}")
            if not 0.0 <= self.gbce_t <= 1.0:
                raise ConfigError(f"model.gbce_t: expected a number in [0, 1] (0 = plain BCE), got {self.gbce_t}")
            if self.loss == "gbce" and self.negative_sampler != "uniform":
                raise ConfigError("model.negative_sampler: gbce's calibration assumes uniform negatives; "
                                  "set negative_sampler: uniform or use loss: sampled_softmax (log-Q corrected)")

    def __init__(self, config, num_items: int):
        super().__init__(config, num_items)
        # Sampled losses gather rows of the table, so its gradient is sparse: O(rows used) per step.
        self.item_emb = nn.Embedding(num_items + 1, config.hidden, padding_idx=0,
                                     sparse=config.loss in SAMPLED_LOSSES)  # (N+1, d)
        self._popularity = None  # (N+1,) training counts, for the popularity sampler
        self._sampler = None

    def reset_parameters(self) -> None:
        """Xavier-normal for every matrix (as the reference SASRec code) or, with ``init_std``,
        normal(0, init_std) weights and zero biases; the padding row zero either way."""
        for name, p in self.named_parameters():
            if p.dim() >= 2:
                nn.init.xavier_normal_(p)
        if self.config.init_std > 0.0:
            for module in self.modules():
                if isinstance(module, (nn.Linear, nn.Conv1d, nn.Embedding)):
                    nn.init.normal_(module.weight, 0.0, self.config.init_std)
                    if getattr(module, "bias", None) is not None:
                        nn.init.zeros_(module.bias)
        with torch.no_grad():
            self.item_emb.weight[0].zero_()

    def set_train_popularity(self, popularity) -> None:
        self._popularity = popularity
        self._sampler = None

    def sparse_parameters(self) -> list[nn.Parameter]:
        return [self.item_emb.weight] if self.item_emb.sparse else []

    def encode(self, batch: dict[str, torch.Tensor]) -> torch.Tensor:
        """Hidden state at every position.  -> (B, L, d); padding positions are arbitrary."""
        raise NotImplementedError

    def encode_newest(self, batch: dict[str, torch.Tensor]) -> torch.Tensor:
        """Hidden state at the newest position (always the last column), what scoring reads.
        -> (B, d). Models that can skip the other positions' last steps override it."""
        return self.encode(batch)[:, -1, :]

    def item_scores(self, batch: dict[str, torch.Tensor]) -> torch.Tensor:
        user = self.encode_newest(batch)  # (B, d)
        table = self.item_emb.weight  # (N+1, d)
        # With a (zero) bias, linear exports as one Gemm(transB=1) sharing the table with the
        # input Gather; `user @ table.t()` would be constant-folded into a second, transposed
        # copy of the table and double the size of model.onnx.
        return F.linear(user, table, table.new_zeros(table.shape[0]))  # (B, N+1)

    def retrieval_query(self, batch: dict[str, torch.Tensor]) -> torch.Tensor:
        return self.encode_newest(batch)  # (B, d)

    def retrieval_items(self) -> torch.Tensor:
        return self.item_emb.weight[1:]  # (N, d): the table without the padding row

    def calculate_loss(self, batch: dict[str, torch.Tensor]) -> torch.Tensor:
        hidden = self.encode(batch)  # (B, L, d)
        targets = batch["target_seq"]  # (B, L), 0 = no target at that position
        real = targets > 0
        return self.position_loss(hidden[real], targets[real])  # (M, d), (M,): only positions with a target

    def position_loss(self, hidden: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
        """The configured loss of hidden states against their next items.
        hidden (M, d), targets (M,) in 1..N  -> scalar"""
        if self.config.loss == "ce":
            return self._full_softmax_loss(hidden, targets)
        if self.config.loss in SAMPLED_LOSSES:
            return self._sampled_loss(hidden, targets)
        negatives = torch.randint(1, self.num_items + 1, targets.shape)  # (M,)
        clash = negatives == targets
        negatives[clash] = negatives[clash] % self.num_items + 1  # a different item, still uniform enough
        pos = (hidden * self.item_emb(targets)).sum(-1)  # (M,)
        neg = (hidden * self.item_emb(negatives)).sum(-1)  # (M,)
        return (F.binary_cross_entropy_with_logits(pos, torch.ones_like(pos))
                + F.binary_cross_entropy_with_logits(neg, torch.zeros_like(neg)))

    def negative_sampler(self):
        if self.config.negative_sampler in ("popularity", "in_batch"):
            if self._popularity is None:
                raise ValueError(f"model.negative_sampler: {self.config.negative_sampler} needs the training counts; "
                                 "the caller must hand them over with set_train_popularity before training")
            if self.config.negative_sampler == "in_batch":
                return TargetFrequency(self._popularity)
            return PopularitySampler(self._popularity, self.config.sampler_exponent)
        return UniformSampler(self.num_items)

    def _sampled_loss(self, hidden: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
        """sampled_softmax against K negatives drawn once for the batch, or gbce against K drawn
        for each position; rows gathered from the (sparse-gradient) item table.
        hidden (M, d), targets (M,)  -> scalar"""
        if self._sampler is None:
            self._sampler = self.negative_sampler()
        sampler, k = self._sampler, self.config.num_negatives
        target_rows = self.item_emb(targets)  # (M, d)
        if self.config.negative_sampler == "in_batch":  # the batch's targets are the negatives
            return in_batch_softmax_loss(hidden, target_rows, targets, sampler.log_q(targets))
        if self.config.loss == "sampled_softmax":
            negatives = sampler.draw(k)  # (K,)
            return sampled_softmax_loss(hidden, target_rows, self.item_emb(negatives), targets, negatives,
                                        sampler.log_q(targets), sampler.log_q(negatives))
        negatives = sampler.draw(targets.shape[0] * k).view(-1, k)  # (M, K)
        positive = (hidden * target_rows).sum(-1)  # (M,)
        negative = torch.einsum("md,mkd->mk", hidden, self.item_emb(negatives))  # (M, K)
        beta = gbce_beta(k, self.num_items, self.config.gbce_t)
        return gbce_loss(positive, negative, negatives == targets[:, None], beta)

    def _full_softmax_loss(self, hidden: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
        """Mean cross-entropy of a softmax over all N items (the padding row left out).
        hidden (M, d), targets (M,) in 1..N  -> scalar"""
        table = self.item_emb.weight[1:]  # (N, d)
        return softmax_cross_entropy_sum(hidden, table, targets - 1) / max(hidden.shape[0], 1)


class PositionalBlockEncoder(SequenceEncoderModel):
    """SASRec's layout, shared by the models that only swap its sequence layer (SASRec, ConvRec):
    scaled item embedding + learned positions counted from the right, dropout, padding zeroed;
    subclasses add ``blocks`` and end with ``final_norm``."""

    @dataclass
    class Config(SequenceEncoderModel.Config):
        blocks: int = 2
        heads: int = 1
        # from_right: the newest item is position max_len - 1 (recency). from_left: the oldest
        # item of the window is position 0, as the SASRec reference code and the SASRec+ study
        # count over right-padded rows; computed from the padding mask, so it exports and a
        # batch cut to fewer columns still scores the same.
        positions: str = "from_right"

        def check(self) -> None:
            super().check()
            if self.blocks <= 0 or self.heads <= 0:
                raise ConfigError("model.blocks and model.heads: expected positive integers")
            if self.positions not in POSITION_SCHEMES:
                raise ConfigError(f"model.positions: expected one of {', '.join(POSITION_SCHEMES)}, "
                                  f"got {self.positions!r}")
            if self.hidden % self.heads:
                raise ConfigError(f"model.heads: expected a divisor of hidden={self.hidden}, got {self.heads}")

    def __init__(self, config, num_items: int):
        super().__init__(config, num_items)
        self.pos_emb = nn.Embedding(config.max_len, config.hidden)  # (L_max, d)
        self.emb_dropout = Dropout(config.dropout)
        self.final_norm = LayerNorm(config.hidden, eps=1e-8)

    def embed(self, item_seq: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """(B, L) left-padded -> x (B, L, d) with padding rows zero, keep (B, L, 1) = 1 at items."""
        if self.config.positions == "from_left":
            positions = left_aligned_positions(item_seq)  # (B, L)
        else:
            positions = right_aligned_positions(item_seq, self.max_len)  # (L,)
        x = scaled_item_embedding(self, item_seq) + self.pos_emb(positions)  # (B, L, d)
        keep = (item_seq > 0).unsqueeze(-1).to(x.dtype)  # (B, L, 1)
        return self.emb_dropout(x) * keep, keep


def right_aligned_positions(item_seq: torch.Tensor, max_len: int) -> torch.Tensor:
    """Position ids counted from the right: the newest item (last column) is max_len - 1, so a
    batch cut to L < max_len columns gets max_len - L .. max_len - 1 and scores exactly as the
    same rows padded to max_len.  (B, L) -> (L,)"""
    length = item_seq.shape[1]
    return torch.arange(max_len - length, max_len, device=item_seq.device)


def left_aligned_positions(item_seq: torch.Tensor) -> torch.Tensor:
    """Position ids counted from the oldest item of each row: 0, 1, ... over the real items,
    0 on the (left) padding, whose embedding is zeroed anyway.  (B, L) -> (B, L)"""
    real = (item_seq > 0).to(torch.int64)  # (B, L)
    return (real.cumsum(dim=1) - 1).clamp(min=0)


def scaled_item_embedding(model: SequenceEncoderModel, item_seq: torch.Tensor) -> torch.Tensor:
    """Item embeddings scaled by sqrt(d) as in the Transformer.  (B, L) -> (B, L, d)"""
    return model.item_emb(item_seq) * math.sqrt(model.config.hidden)


def user_table_with_mean_unknown(user_emb: nn.Embedding) -> torch.Tensor:
    """The user table with row 0 (unknown user: cold start, or a user the version never saw)
    replaced by the mean of the known users' rows, so an unknown user is scored as an average
    one rather than as a zero vector.  -> (U+1, d)"""
    if user_emb.num_embeddings <= 1:
        return user_emb.weight
    known = user_emb.weight[1:]  # (U, d)
    return torch.cat([known.mean(0, keepdim=True), known], dim=0)


def sample_negatives(num_items: int, positives: torch.Tensor, count: int) -> torch.Tensor:
    """``count`` items per row, uniform over 1..N minus the row's positives (drawn with
    replacement between rows' negatives).  positives (B, T) -> (B, count)"""
    negatives = torch.randint(1, num_items + 1, (positives.shape[0], count))
    for _ in range(20):  # redraw clashes; after a few rounds none are left in practice
        clash = (negatives.unsqueeze(2) == positives.unsqueeze(1)).any(2)  # (B, count)
        if not clash.any():
            break
        negatives[clash] = torch.randint(1, num_items + 1, (int(clash.sum()),))
    return negatives
