"""The retrieval form of a version (schemas/model/README.md, "The retrieval form"): which forms
an export writes (``--forms``), query.onnx and item_vectors.npy, and the checks that their inner
product IS the exact graph's score before the version is renamed into place:

- for every golden batch, query @ item_vectors.T equals ``full_sort_scores`` within 1e-5 of the
  largest |score| (a float32 inner product, summed in another order);
- exact top-K' over the item vectors reproduces the golden ``top_items``: what the job's
  parity test of the retrieval form checks in Java.

A model whose rewrite is wrong (a bias or a norm term left out) fails here, not in the job.
"""
from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import torch

from ..core.models import Recommender
from ..core.models.retrieval import RetrievalForm, RetrievalUnsupported
from .onnx_signature import OPSET, QUERY_OUTPUT, check_query_signature

log = logging.getLogger("nextitem.export")

QUERY_GRAPH = "query.onnx"
ITEM_VECTORS = "item_vectors.npy"
# auto: the retrieval form when the model has one (logged either way); exact: model.onnx only;
# exact,retrieval: both, and a model without a retrieval form fails the export.
FORMS = ("auto", "exact", "exact,retrieval")
# Relative to the largest |score| of the batch: float32 keeps ~7 digits, and a missing bias or
# norm term moves scores by far more than that.
SCORE_TOLERANCE = 1e-5


def retrieval_form_for(model: Recommender, forms: str) -> RetrievalForm | None:
    """The model's retrieval form when ``forms`` asks for it, None for the exact form alone.
    Raises RetrievalUnsupported (with the model's reason) when ``exact,retrieval`` demands a
    form the model does not have, and ValueError for an unknown ``forms``."""
    wanted = ",".join(sorted(part.strip() for part in forms.split(",")))
    if wanted not in FORMS:
        raise ValueError(f"--forms: expected one of {', '.join(FORMS)}, got {forms!r} "
                         f"(model.onnx is in every version; the retrieval form is extra)")
    if wanted == "exact":
        return None
    try:
        form = model.retrieval_form()
    except RetrievalUnsupported as reason:
        if wanted == "auto":
            log.info("exact form only: %s", reason)
            return None
        raise RetrievalUnsupported(f"--forms {forms}: {reason}") from reason
    log.info("retrieval form: D=%d, rewrite %s", form.dim, form.rewrite)
    return form


def write_retrieval_form(form: RetrievalForm, model: Recommender, example: dict[str, torch.Tensor],
                         folder: Path) -> dict:
    """query.onnx (same inputs and dynamic axes as model.onnx, one output query [B, D]) and
    item_vectors.npy into ``folder``.  -> the manifest's ``retrieval`` field"""
    dynamic = {name: ({0: "batch", 1: "seq"} if name.endswith("_seq") else {0: "batch"}) for name in model.inputs}
    dynamic[QUERY_OUTPUT] = {0: "batch"}
    torch.onnx.export(form.query.eval(), tuple(example[name] for name in model.inputs), str(folder / QUERY_GRAPH),
                      input_names=list(model.inputs), output_names=[QUERY_OUTPUT], dynamic_axes=dynamic,
                      opset_version=OPSET, do_constant_folding=True)
    check_query_signature(folder / QUERY_GRAPH, model.inputs, form.dim)
    write_item_vectors(folder / ITEM_VECTORS, form.item_vectors.numpy())
    return {"query_graph": QUERY_GRAPH, "item_vectors": ITEM_VECTORS, "dim": form.dim,
            "score": "inner_product", "rewrite": form.rewrite}


def write_item_vectors(path: Path, vectors: np.ndarray) -> None:
    """NumPy .npy format version 1.0, '<f4', C order, shape (N, D), as the contract pins it (a
    reader in another language parses that one header layout)."""
    array = np.ascontiguousarray(vectors, dtype="<f4")  # (N, D)
    with open(path, "wb") as f:
        np.lib.format.write_array(f, array, version=(1, 0), allow_pickle=False)


def check_retrieval_scores(model: Recommender, form: RetrievalForm, batch: dict[str, np.ndarray],
                           top_items: torch.Tensor) -> None:
    """The inner product of the query and the item vectors is the exact score of every item,
    and its exact top-K' is the golden ``top_items`` (B, K'). ``batch``: {input name: array}
    in ``model.inputs`` order."""
    tensors = [torch.from_numpy(value) for value in batch.values()]
    with torch.no_grad():
        exact = model.full_sort_scores(dict(zip(model.inputs, tensors)))[:, 1:]  # (B, N): padding left out
        query = form.query(*tensors)  # (B, D)
        if query.dtype != torch.float32 or query.shape != (exact.shape[0], form.dim):
            raise AssertionError(f"retrieval query: expected float32 of shape ({exact.shape[0]}, {form.dim}), "
                                 f"got {query.dtype} of shape {tuple(query.shape)}")
        inner = query @ form.item_vectors.T  # (B, N)
    gap = float((inner - exact).abs().max())
    tolerance = SCORE_TOLERANCE * float(exact.abs().max())
    if not gap <= tolerance:  # also catches NaN
        raise AssertionError(f"retrieval form ({form.rewrite} rewrite): query . item_vectors differs from the "
                             f"exact score by up to {gap:.3g} (tolerance {tolerance:.3g}); the model's "
                             f"retrieval_query / retrieval_items do not reproduce its full_sort_scores")
    top = torch.topk(inner, top_items.shape[1], dim=1).indices + 1  # (B, K'): row i - 1 is item i
    if not torch.equal(top, top_items):
        raise AssertionError("retrieval form: exact top-K' over item_vectors differs from the golden top_items")
