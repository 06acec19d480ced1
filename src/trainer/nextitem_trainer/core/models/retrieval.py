"""The retrieval form of a model (schemas/model/README.md, "The retrieval form"): a query graph
that stops at one vector per row, and the item table it is scored against, such that
``query[b] . item_vectors[i - 1]`` EQUALS the model's ``full_sort_scores`` of item i (the score,
not only the rank), so the job may search the items with an approximate nearest-neighbour index
and still serve the exact graph's scores.

A leaf module: the model base class builds a ``RetrievalForm`` from its ``retrieval_query`` and
``retrieval_items``; a model whose score has no such split raises ``RetrievalUnsupported``.
"""
from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

# How a model's score became an inner product, as manifest "retrieval.rewrite" records it:
# none: it already was one (query = the encoder's newest state, items = the item table);
# bias: a per-item bias as one more item column, against a constant 1 in the query;
# distance: weighted squared distances expanded as ||a||^2 - 2 a.b + ||b||^2.
REWRITES = ("none", "bias", "distance")


class RetrievalUnsupported(ValueError):
    """The model's score is no inner product of a per-row query vector and a per-item vector
    (e.g. DMRAN's candidate-steered attention): it is served exactly only. The message says why."""


class QueryGraph(nn.Module):
    """The query half of the score: contract inputs in ``model.inputs`` order -> query (B, D)
    float32, what query.onnx computes."""

    def __init__(self, model: nn.Module):
        super().__init__()
        self.model = model

    def forward(self, *inputs: torch.Tensor) -> torch.Tensor:
        return self.model.retrieval_query(dict(zip(self.model.inputs, inputs)))  # (B, D)


@dataclass
class RetrievalForm:
    """``query``: the query graph; ``item_vectors`` (N, D): row i - 1 is item index i (the
    padding index 0 has no row); ``rewrite``: one of REWRITES."""
    query: QueryGraph
    item_vectors: torch.Tensor
    rewrite: str

    @property
    def dim(self) -> int:
        return int(self.item_vectors.shape[1])
