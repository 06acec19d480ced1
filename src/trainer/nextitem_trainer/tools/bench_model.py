"""``bench-model``: an untrained model version of a given architecture, catalogue size and
sequence length, for the Java ``bench`` command (docs/evaluation.md performance protocol).

What a benchmark measures (ONNX Runtime time per request, the job's events per second, state
bytes per user) depends on the graph's shapes, not on what its weights learned, so the scaling
runs (catalogue 10^3..10^6 items, L 50 / 200) use seeded random weights: training a 10^6-item
model here would take hours and change none of the figures. The version goes through the same
``export`` as a trained one (contract checks, golden cases), so the job serves it like any other.
Items are named ``i1`` .. ``iN``; popularity is a Zipf-like ramp so the popularity fallback is
well defined.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import logging
import tempfile
from pathlib import Path

import numpy as np
import torch

from ..core import checkpoint
from ..core.config import load_config
from ..serving.export import export
from ..core.models import build_model
from ..core.results import machine

log = logging.getLogger("nextitem.bench_model")

# Fixed, so that rebuilt bench versions are comparable file by file.
CREATED_AT = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)
SEQUENCE_ONLY_INPUTS = {"item_seq"}
SCORE_SPREAD = 100.0


def bench_model(config_path: Path, num_items: int, max_len: int, registry: Path, version: str | None = None,
                seed: int = 42, top_k: int = 10) -> Path:
    if num_items < 2:
        raise ValueError(f"--items must be at least 2, got {num_items}")
    if max_len < 1:
        raise ValueError(f"--max-len must be at least 1, got {max_len}")
    config = load_config(config_path)
    config.model.max_len = max_len
    torch.manual_seed(seed)
    model = build_model(config.model_name, config.model, num_items, 0, 0)
    extra_inputs = set(model.inputs) - SEQUENCE_ONLY_INPUTS
    if extra_inputs:
        # Users and categories would need their own synthetic vocabularies; the scaling runs are
        # about catalogue and length, which the sequence-only models show.
        raise ValueError(f"bench-model builds sequence-only models; {config.model_name} also reads "
                         f"{', '.join(sorted(extra_inputs))}")
    with torch.no_grad():
        # Random item vectors give scores within ~0.1 of each other, and export needs golden rows
        # whose top K' scores are 1e-4 apart; spreading the table (a trained model's scores spread
        # the same way) makes such rows exist even among 10^6 items. Shapes and cost are unchanged.
        model.item_emb.weight.mul_(SCORE_SPREAD)
    item_ids = [f"i{n}" for n in range(1, num_items + 1)]
    popularity = (num_items // np.arange(1, num_items + 1)).astype(np.int64) + 1  # (N,), descending
    payload = {
        "config": config.to_dict(), "item_ids": item_ids, "user_ids": [], "category_ids": [],
        "data": {"dataset": f"untrained (seed {seed}): {num_items} synthetic items", "path": "none",
                 # No training data: the checksum of zero bytes.
                 "sha256": hashlib.sha256(b"").hexdigest(), "interactions": 0, "users": 0, "items": num_items},
        "time_range_ms": None, "popularity": popularity.tolist(), "machine": machine(),
        "model_state": model.state_dict(), "epoch": 0,
    }
    name = version or f"{config.model_name}-bench-n{num_items}-l{max_len}"
    with tempfile.TemporaryDirectory(prefix="nextitem-bench-model-") as work:
        ckpt = Path(work) / "best.pt"
        checkpoint.save(ckpt, payload)
        folder = export(ckpt, registry, version=name, top_k=top_k, created_at=CREATED_AT,
                        manifest_extra={"untrained": True, "purpose": "benchmark shapes only (bench_model.py)"})
    log.info("bench version %s: %d items, L %d, d %s", folder, num_items, max_len, getattr(config.model, "hidden", "?"))
    return folder
