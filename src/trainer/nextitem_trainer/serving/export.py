"""Export a checkpoint as a model version folder, exactly as schemas/model/README.md specifies:

    <registry>/<version>/model.onnx, manifest.json, items.tsv, popularity.tsv, golden.json,
                         weights.pt (the PyTorch checkpoint, for finetune)
                         (+ users.tsv when the model reads user_idx, categories.tsv when it
                          reads cat_seq, query.onnx and item_vectors.npy with the retrieval
                          form: ``forms``, retrieval_form.py)

The folder is written under a hidden temporary name and renamed into place when complete, so a
job watching the registry never sees half a version. Before the rename the exporter checks
what it can without an ONNX runtime (Debian ships none for Python): ``onnx.checker``, the
graph's input/output names, dtypes and shapes against the contract, that the export wrapper's
top items equal the evaluation path's for every golden batch, and that a batch cut to fewer
columns scores the same as the batch padded to ``max_seq_len``, and that every served score is
finite (unknown users and categories, index 0, included); with the retrieval form, that the query
and item vectors reproduce the exact scores and top items (retrieval_form.py). Running the graphs
themselves on the golden inputs is the Java parity test.
"""
from __future__ import annotations

import datetime as dt
import json
import logging
import shutil
from pathlib import Path

import numpy as np
import torch

from ..core.checksums import sha256_file
from ..core import checkpoint
from ..core.models import Recommender
from .onnx_signature import OPSET, OUTPUTS, check_onnx_signature
from .retrieval_form import check_retrieval_scores, retrieval_form_for, write_retrieval_form

log = logging.getLogger("nextitem.export")

FORMAT_VERSION = 1
WEIGHTS_FILE = "weights.pt"
# Adjacent golden scores closer than this could swap order under another runtime's float
# arithmetic; the Java parity test compares scores within 1e-4 and items exactly.
MIN_SCORE_GAP = 1e-4


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0)


# ---------------------------------------------------------------------------------------------
# golden inputs


def _rows_to_batch(rows: list[np.ndarray], length: int) -> np.ndarray:
    out = np.zeros((len(rows), length), dtype=np.int64)  # (B, L), left-padded
    for i, row in enumerate(rows):
        out[i, length - len(row):] = row
    return out


def _well_separated(model: Recommender, row: dict[str, np.ndarray], k_graph: int) -> bool:
    """True when the top K'+1 scores of the row (one value per input) are pairwise at least
    MIN_SCORE_GAP apart, so the order (and the K'-th item) cannot flip between runtimes."""
    with torch.no_grad():
        scores = model.full_sort_scores({name: torch.from_numpy(np.asarray(v)[None]) for name, v in row.items()})[0]  # (N+1,)
    top = torch.topk(scores, min(k_graph + 1, scores.shape[0] - 1)).values
    return bool((top[:-1] - top[1:]).min() >= MIN_SCORE_GAP)


# Which rows of each golden batch get an unknown user (user_idx 0), for models that read user_idx.
UNKNOWN_USER_ROWS = ({1}, {2}, {0})
# Golden times: the query at a fixed instant, item ages spread over ~3 years (so every
# time bucket of DMRAN's log2-day scale is met), and now and then an unknown category (0).
GOLDEN_QUERY_TIME_S = 1_700_000_000
GOLDEN_MAX_AGE_S = 3 * 365 * 86_400
UNKNOWN_CATEGORY_SHARE = 0.2


def golden_inputs(model: Recommender, popularity: np.ndarray, k_graph: int, seed: int = 7,
                  num_users: int = 0, num_categories: int = 0) -> list[dict[str, np.ndarray]]:
    """Three batches, each {input name: array} in ``model.inputs`` order: full length (B=4,
    L=max_len), cut to L=7 (lengths 7, 4, 1) and heavy padding (B=3, L=max_len, lengths 1..3).
    Items are drawn without repetition, weighted by training popularity; rows whose top scores
    nearly tie are redrawn. With ``user_idx`` every batch holds known users (drawn from 1..
    num_users) and one unknown user (0); with ``time_seq``/``query_time`` the items get ages
    oldest first (log-uniform up to ~3 years); with ``cat_seq`` each item its own category
    (the model's ``item_category`` when it has one) or, at times, the unknown category 0. Each
    extra input draws from a generator of its own, so item_seq-only models keep their batches."""
    rng = np.random.default_rng(seed)
    user_rng = np.random.default_rng(seed + 1)
    context_rng = np.random.default_rng(seed + 2)
    weights = popularity[1:].astype(np.float64) + 1.0
    weights /= weights.sum()
    max_len = model.max_len
    wants = set(model.inputs)
    item_category = getattr(model, "item_category", None)

    def context(items: np.ndarray) -> dict[str, np.ndarray]:
        out = {}
        if wants & {"time_seq", "query_time"}:
            ages = np.sort(np.exp(context_rng.uniform(0.0, np.log(GOLDEN_MAX_AGE_S), len(items))).astype(np.int64))[::-1]
            out["time_seq"] = GOLDEN_QUERY_TIME_S - ages  # oldest first
            out["query_time"] = np.array(GOLDEN_QUERY_TIME_S, dtype=np.int64)
        if "cat_seq" in wants:
            cats = (item_category[torch.from_numpy(items)].numpy() if item_category is not None
                    else context_rng.integers(1, num_categories + 1, len(items)) if num_categories else np.zeros(len(items), np.int64))
            out["cat_seq"] = np.where(context_rng.random(len(items)) < UNKNOWN_CATEGORY_SHARE, 0, cats).astype(np.int64)
        return out

    def row(length: int, width: int, user: int) -> dict[str, np.ndarray]:
        for _ in range(200):
            items = rng.choice(np.arange(1, len(popularity)), size=length, replace=False, p=weights)
            raw = {"item_seq": items, **context(items)}
            inputs = {name: (_rows_to_batch([v], width)[0] if name.endswith("_seq") else v) for name, v in raw.items()}
            if "user_idx" in wants:
                inputs["user_idx"] = np.array(user, dtype=np.int64)
            inputs = {name: inputs[name] for name in model.inputs}
            if _well_separated(model, inputs, k_graph):
                return inputs
        raise ValueError(f"could not draw a golden row of length {length} whose top scores are "
                         f"{MIN_SCORE_GAP} apart: the model scores many items (nearly) the same")

    def batch(lengths: list[int], width: int, unknown: set[int]) -> dict[str, np.ndarray]:
        users = [0 if (i in unknown or num_users == 0) else int(user_rng.integers(1, num_users + 1))
                 for i in range(len(lengths))] if "user_idx" in wants else [0] * len(lengths)
        rows = [row(n, width, u) for n, u in zip(lengths, users)]
        return {name: np.stack([r[name] for r in rows]) for name in model.inputs}  # (B, L) or (B,)

    cut = min(7, max_len)
    return [
        batch([max_len] * 4, max_len, UNKNOWN_USER_ROWS[0]),
        batch([cut, max(cut // 2, 1), 1], cut, UNKNOWN_USER_ROWS[1]),
        batch([1, min(2, max_len), min(3, max_len)], max_len, UNKNOWN_USER_ROWS[2]),
    ]


def _tensors(batch: dict[str, np.ndarray]) -> dict[str, torch.Tensor]:
    return {name: torch.from_numpy(value) for name, value in batch.items()}


# ---------------------------------------------------------------------------------------------
# checks


def check_against_eval_path(model: Recommender, graph: torch.nn.Module, batch: dict[str, np.ndarray],
                            items: torch.Tensor, scores: torch.Tensor) -> None:
    """The served graph returns the evaluation path's best items, never padding, with finite
    scores (unknown users included), and a batch cut shorter than max_seq_len scores as the
    same rows padded to max_seq_len. ``batch``: {input name: array} in ``model.inputs`` order."""
    with torch.no_grad():
        full = model.full_sort_scores(_tensors(batch))  # (B, N+1)
        expected = torch.argsort(full, dim=1, descending=True)[:, :items.shape[1]]  # (B, K')
        if not torch.equal(expected, items):
            raise AssertionError("export graph and evaluation path disagree on the top items")
        if (items == 0).any():
            raise AssertionError("export graph returned the padding index 0")
        if not torch.isfinite(scores).all():
            raise AssertionError("export graph returned a non-finite score")
        width = batch["item_seq"].shape[1]
        if width < model.max_len:
            padded = {}
            for name, value in batch.items():  # only the sequence inputs have a length axis
                if name.endswith("_seq"):
                    padded[name] = np.zeros((value.shape[0], model.max_len), dtype=np.int64)
                    padded[name][:, -width:] = value
                else:
                    padded[name] = value
            items_padded, scores_padded = graph(*_tensors(padded).values())
            # Relative to the scores' size: float32 keeps ~7 digits, and a position mix-up moves
            # scores by far more than that at any scale.
            tolerance = 1e-5 * max(1.0, float(scores.abs().max()))
            if not torch.equal(items_padded, items) or (scores_padded - scores).abs().max() > tolerance:
                raise AssertionError("cutting padding changed the scores: positions are not counted from the right")


# ---------------------------------------------------------------------------------------------
# the folder


def _export_onnx(graph: torch.nn.Module, model: Recommender, example: dict[str, torch.Tensor], path: Path) -> None:
    dynamic = {name: ({0: "batch", 1: "seq"} if name.endswith("_seq") else {0: "batch"}) for name in model.inputs}
    dynamic.update({name: {0: "batch"} for name in OUTPUTS})
    torch.onnx.export(graph, tuple(example[name] for name in model.inputs), str(path),
                      input_names=list(model.inputs), output_names=list(OUTPUTS), dynamic_axes=dynamic,
                      opset_version=OPSET, do_constant_folding=True)


def _write_items(path: Path, item_ids: list[str], what: str = "item") -> None:
    """index<TAB>id, index 1..n: items.tsv, and users.tsv with what="user"."""
    for i, item in enumerate(item_ids, start=1):
        if not item or any(c in item for c in "\t\r\n"):
            raise ValueError(f"{what} {i} has id {item!r}; ids must be non-empty without tabs or newlines")
    path.write_text("".join(f"{i}\t{item}\n" for i, item in enumerate(item_ids, start=1)), encoding="utf-8")


def _write_popularity(path: Path, item_ids: list[str], counts: np.ndarray) -> None:
    order = np.argsort(-counts[1:], kind="stable")  # most popular first, ties by index
    lines = [f"{item_ids[i]}\t{int(counts[i + 1])}\n" for i in order if counts[i + 1] > 0]
    path.write_text("".join(lines), encoding="utf-8")


def _offline_metrics(ckpt: dict, metrics_file: str | None) -> dict:
    if metrics_file:
        result = json.loads(Path(metrics_file).read_text())
        return {"protocol": result["protocol"], "split": "test", "dataset": result.get("dataset"),
                **result["metrics"]}
    valid = ckpt.get("valid_P1")
    if not valid:
        return {}
    return {"protocol": "P1", "split": "validation", **{k: round(v, 4) for k, v in valid.items() if k != "users"}}


def export(checkpoint_path: str | Path, registry: str | Path, version: str | None = None,
           parent_version: str | None = None, top_k: int = 10, metrics_file: str | None = None,
           created_at: dt.datetime | None = None, manifest_extra: dict | None = None, forms: str = "auto") -> Path:
    """``manifest_extra``: more manifest fields (finetune records the snapshots a version learned).
    ``forms``: auto (the retrieval form too when the model has one), exact, or exact,retrieval
    (a model without a retrieval form fails before anything is written)."""
    ckpt = checkpoint.load(checkpoint_path)
    model, config = checkpoint.model_from_checkpoint(ckpt)
    if top_k <= 0:
        raise ValueError(f"--top-k must be positive, got {top_k}")
    retrieval = retrieval_form_for(model, forms)  # None: the exact form only
    created = created_at or _utc_now()
    version = version or f"{config.model_name}-{created.strftime('%Y%m%dT%H%M%SZ')}"
    registry = Path(registry)
    final = registry / version
    if final.exists():
        raise FileExistsError(f"{final} exists; versions are immutable, pick another --version")
    work = registry / f".{version}.tmp"
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)

    try:
        graph = model.export_graph(top_k).eval()
        k_graph = graph.k_graph
        popularity = np.asarray(ckpt["popularity"], dtype=np.int64)
        reads_users = "user_idx" in model.inputs
        user_ids = list(ckpt.get("user_ids") or [])
        if reads_users and len(user_ids) != getattr(model, "num_users", len(user_ids)):
            raise ValueError(f"checkpoint has {len(user_ids)} user ids, the model's user table {model.num_users}")
        reads_categories = "cat_seq" in model.inputs
        category_ids = list(ckpt.get("category_ids") or [])
        batches = golden_inputs(model, popularity, k_graph, num_users=len(user_ids), num_categories=len(category_ids))
        _export_onnx(graph, model, _tensors(batches[0]), work / "model.onnx")
        check_onnx_signature(work / "model.onnx", model.inputs, k_graph)

        cases = []
        with torch.no_grad():
            for batch in batches:
                items, scores = graph(*_tensors(batch).values())  # (B, K') each
                check_against_eval_path(model, graph, batch, items, scores)
                if retrieval is not None:
                    check_retrieval_scores(model, retrieval, batch, items)
                cases.append({"inputs": {name: value.tolist() for name, value in batch.items()},
                              "top_items": items.tolist(),
                              "top_scores": [[round(float(s), 6) for s in row] for row in scores]})
        (work / "golden.json").write_text(json.dumps({"cases": cases}) + "\n")
        _write_items(work / "items.tsv", ckpt["item_ids"])
        _write_popularity(work / "popularity.tsv", ckpt["item_ids"], popularity)
        # The PyTorch weights travel with the version so that finetune can continue from it; the job
        # never reads them.
        checkpoint.save(work / WEIGHTS_FILE, {k: v for k, v in ckpt.items() if k not in ("optimizer_state", "rng", "state")})
        files = ["model.onnx", "items.tsv", "popularity.tsv", "golden.json", WEIGHTS_FILE]
        if reads_users:
            _write_items(work / "users.tsv", user_ids, what="user")
            files.append("users.tsv")
        if reads_categories:
            _write_items(work / "categories.tsv", category_ids, what="category")
            files.append("categories.tsv")
        retrieval_field = None
        if retrieval is not None:
            retrieval_field = write_retrieval_form(retrieval, model, _tensors(batches[0]), work)
            files += [retrieval_field["query_graph"], retrieval_field["item_vectors"]]

        data = ckpt["data"]
        manifest = {
            "format_version": FORMAT_VERSION,
            "name": config.model_name,
            "version": version,
            "parent_version": parent_version,
            "created_at": created.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "inputs": list(model.inputs),
            "max_seq_len": model.max_len,
            "num_items": model.num_items,
            **({"num_users": len(user_ids)} if reads_users else {}),
            **({"num_categories": len(category_ids)} if reads_categories else {}),
            "top_k": top_k,
            "top_k_graph": k_graph,
            "opset": OPSET,
            "files": {name: {"sha256": sha256_file(work / name)} for name in files},
            **({"retrieval": retrieval_field} if retrieval_field else {}),
            "offline_metrics": _offline_metrics(ckpt, metrics_file),
            "training_data": {"dataset": data["dataset"], "path": Path(data["path"]).name, "sha256": data["sha256"],
                              "interactions": data["interactions"], "users": data["users"],
                              "time_range_ms": ckpt.get("time_range_ms")},
            "config": ckpt["config"],
            **(manifest_extra or {}),
        }
        (work / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    except BaseException:
        # A failed check leaves no half-written folder behind (the next export would clear it too).
        shutil.rmtree(work, ignore_errors=True)
        raise
    work.rename(final)
    log.info("exported %s (%d items, K'=%d, model.onnx %d bytes, %s)", final, model.num_items, k_graph,
             (final / "model.onnx").stat().st_size,
             f"retrieval form D={retrieval.dim}" if retrieval is not None else "exact form only")
    return final
