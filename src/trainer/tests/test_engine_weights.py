"""The training loop's results do not move: a seeded tiny run of each caller (train with Adam,
train with Adagrad and after_step, P4, finetune) must give the weights recorded in
fixtures/engine_weights.*.

Bit-identical (sha256 of every tensor) when this machine runs the kernels the fixture was
recorded with: torch's CPU capability and the kernel OpenBLAS picked (the same capability can
come with different OpenBLAS kernels: a CPU model OpenBLAS does not recognise gets its generic
Prescott kernel, which rounds otherwise than Haswell's); otherwise the weights are compared with
torch.allclose at a tight tolerance. Each test prints which check it applied.

Record again (only when a change is meant to move results):
``NEXTITEM_RECORD_ENGINE_WEIGHTS=1 python -m pytest tests/test_engine_weights.py``
"""
from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import numpy as np
import pytest
import torch

from conftest import tiny_run_config
from test_finetune import T0, rows_from, write_snapshot
from test_p4 import p4_config, tiny_ratings

FIXTURES = Path(__file__).resolve().parent / "fixtures"
WEIGHTS = FIXTURES / "engine_weights.npz"
RECORD = FIXTURES / "engine_weights.json"
RUNS = ("train-sasrec-adam", "train-attrec-adagrad", "p4-casfe", "finetune-sasrec")
RTOL, ATOL = 1e-4, 1e-6


def _trainer():
    """The trainer's entry points (imported here so the fixture's recording code is in one place)."""
    from nextitem_trainer.core import checkpoint
    from nextitem_trainer.serving.export import export
    from nextitem_trainer.serving.finetune import finetune
    from nextitem_trainer.protocols.p4 import train_p4
    from nextitem_trainer.core.train import train
    return checkpoint, export, finetune, train_p4, train


def cpu_capability() -> str:
    """torch's CPU kernel level (e.g. AVX2): torch.backends.cpu.get_cpu_capability() where this
    torch has it (2.0 on), else the line torch's build summary prints."""
    cpu = getattr(torch.backends, "cpu", None)
    if cpu is not None and hasattr(cpu, "get_cpu_capability"):
        return cpu.get_cpu_capability()
    for line in torch.__config__.show().splitlines():
        if "CPU capability usage:" in line:
            return line.split(":", 1)[1].strip()
    return "unknown"


def openblas_core() -> str:
    """The kernel OpenBLAS chose (openblas_get_corename of the library torch loaded), or "unknown"
    when torch runs on another BLAS or the library does not say."""
    import ctypes

    torch.ones(2, 2) @ torch.ones(2, 2)  # loads the BLAS if it is not yet
    with open("/proc/self/maps") as maps:
        paths = sorted({line.split()[-1] for line in maps if "openblas" in line and "/" in line})
    for path in paths:
        try:
            corename = ctypes.CDLL(path).openblas_get_corename
        except (OSError, AttributeError):
            continue
        corename.restype = ctypes.c_char_p
        return corename().decode()
    return "unknown"


def kernels() -> str:
    """What decides the rounding of a CPU run: torch's capability and OpenBLAS's kernel."""
    return f"{cpu_capability()}, OpenBLAS {openblas_core()}"


def tensor_sha256(array: np.ndarray) -> str:
    h = hashlib.sha256(f"{array.dtype.str}{array.shape}".encode())
    h.update(np.ascontiguousarray(array).tobytes())
    return h.hexdigest()


def _state(ckpt: dict) -> dict[str, np.ndarray]:
    return {name: t.detach().cpu().numpy().copy() for name, t in ckpt["model_state"].items()}


@pytest.fixture(scope="module")
def weights(tmp_path_factory, tiny_clicks) -> dict[str, dict[str, np.ndarray]]:
    checkpoint, export, finetune, train_p4, train = _trainer()
    torch.set_num_threads(1)
    tmp = tmp_path_factory.mktemp("engine")
    out = {}
    sasrec = {"name": "sasrec", "hidden": 16, "blocks": 1, "heads": 1, "dropout": 0.1, "max_len": 10, "loss": "ce"}
    best = train(tiny_run_config(tiny_clicks, "engine-sasrec", sasrec, epochs=2), tmp / "sasrec", progress=False)
    out["train-sasrec-adam"] = _state(checkpoint.load(best))

    attrec = {"name": "attrec", "hidden": 16, "max_len": 5, "targets": 3, "weight": 0.3, "margin": 0.5,
              "init_std": 0.5}
    config = tiny_run_config(tiny_clicks, "engine-attrec", attrec, epochs=2, batch_size=64, lr=0.05,
                             optimizer="adagrad", weight_decay=0.001)
    out["train-attrec-adagrad"] = _state(checkpoint.load(train(config, tmp / "attrec", progress=False)))

    config = p4_config(tiny_ratings(tmp / "ratings.dat"))
    config.train.epochs = 2
    out["p4-casfe"] = _state(checkpoint.load(train_p4(config, tmp / "p4", progress=False)))

    registry = tmp / "registry"
    export(best, registry, version="sasrec-v1", top_k=5)
    write_snapshot(tmp / "snapshots", "snapshot-20260101T000000Z", rows_from(tiny_clicks, "brand-new-item", T0))
    published = finetune(registry, tmp / "snapshots", epochs=1, tolerance=1.0, progress=False)
    out["finetune-sasrec"] = _state(checkpoint.load(published / "weights.pt"))
    return out


def _record(weights: dict) -> None:
    FIXTURES.mkdir(exist_ok=True)
    np.savez_compressed(WEIGHTS, **{f"{run}/{name}": a for run, state in weights.items() for name, a in state.items()})
    RECORD.write_text(json.dumps({
        "cpu_capability": cpu_capability(), "kernels": kernels(), "torch": torch.__version__,
        "threads": 1, "sha256": {run: {name: tensor_sha256(a) for name, a in state.items()}
                                 for run, state in weights.items()}}, indent=1, sort_keys=True) + "\n")


@pytest.mark.parametrize("run", RUNS)
def test_a_seeded_tiny_run_gives_the_recorded_weights(run, weights, record_property):
    if os.environ.get("NEXTITEM_RECORD_ENGINE_WEIGHTS") == "1":
        if run == RUNS[0]:
            _record(weights)
        pytest.skip("recorded the fixture")
    record = json.loads(RECORD.read_text())
    state = weights[run]
    assert sorted(state) == sorted(record["sha256"][run]), f"{run}: other parameters than recorded"
    capability = kernels()
    if capability == record.get("kernels"):
        check = f"bit-identical (sha256 per tensor; kernels {capability} as recorded)"
        differ = [name for name, a in state.items() if tensor_sha256(a) != record["sha256"][run][name]]
    else:
        check = (f"torch.allclose rtol={RTOL} atol={ATOL} (kernels {capability}, "
                 f"recorded on {record.get('kernels', record['cpu_capability'] + ', OpenBLAS unrecorded')})")
        with np.load(WEIGHTS) as saved:
            differ = [name for name, a in state.items()
                      if not torch.allclose(torch.from_numpy(a), torch.from_numpy(saved[f"{run}/{name}"]),
                                            rtol=RTOL, atol=ATOL)]
    print(f"{run}: {check}")
    record_property("check", check)
    assert not differ, f"{run}: {check} failed for {differ}"
