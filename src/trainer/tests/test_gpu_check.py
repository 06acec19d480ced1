"""deploy/bin/gpu-check, run as docs/gpu-check.md gives it: the CPU part in --quick mode writes a
result whose golden check passed; a golden.json that the model does not reproduce stops the run
with exit 1 and names the case; a golden.json changed behind the manifest's back is refused; and
the module imports with nothing but torch and numpy (what a lent GPU machine offers)."""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import torch

from nextitem_trainer.core.paths import DEMO_DIR, REPO_ROOT

SCRIPT = REPO_ROOT / "deploy" / "bin" / "gpu-check"
QUICK = ["--quick", "--devices", "cpu", "--threads", "1"]


def demo_version() -> Path:
    return sorted((DEMO_DIR / "registry").glob("*/manifest.json"))[-1].parent


def gpu_check(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "NEXTITEM_PYTHON": sys.executable}
    return subprocess.run([str(SCRIPT), *args], env=env, capture_output=True, text=True, timeout=300)


def version_copy(tmp_path: Path) -> tuple[Path, dict]:
    folder = tmp_path / demo_version().name
    shutil.copytree(demo_version(), folder)
    return folder, json.loads((folder / "golden.json").read_text())


def write_golden(folder: Path, golden: dict, update_manifest: bool) -> None:
    (folder / "golden.json").write_text(json.dumps(golden) + "\n")
    if update_manifest:  # a consistent version whose golden.json is simply wrong
        manifest = json.loads((folder / "manifest.json").read_text())
        manifest["files"]["golden.json"]["sha256"] = hashlib.sha256((folder / "golden.json").read_bytes()).hexdigest()
        (folder / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")


def test_quick_cpu_run_reproduces_golden_and_writes_every_figure(tmp_path):
    out = tmp_path / "result.json"
    done = gpu_check(*QUICK, "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert "golden check on cpu: passed" in done.stdout
    result = json.loads(out.read_text())
    assert result["kind"] == "gpu-check"
    assert result["commit"]  # a hash here, "unknown" where git is missing
    assert result["devices"] == ["cpu"]
    for key in ("cpu_model", "cores", "memory_gib", "torch", "torch_threads", "python", "cuda"):
        assert key in result["machine"], key
    assert result["machine"]["torch_threads"] == 1
    assert result["version"]["name"] == demo_version().name
    assert not result["version"]["folder"].startswith("/")  # no machine path in a committed result
    [golden] = result["golden"]
    assert golden["passed"] and golden["device"] == "cpu" and golden["cases"] == 3
    assert golden["max_abs_score_diff"] <= result["score_tolerance"] == 1e-4
    settings = result["settings"]
    assert "seed" in settings
    cells = {(f["items"], f["batch"]) for f in result["figures"]}
    assert cells == {(n, b) for n in settings["sizes"] for b in settings["batches"]}
    for f in result["figures"]:
        assert "skipped" not in f, f
        assert 0 < f["min_ms"] <= f["median_ms"] <= f["max_ms"]
        assert f["reps"] >= settings["min_reps"]
        # median_ms is rounded to the microsecond: at a few tenths of a millisecond that moves the ratio by ~0.2%
        assert f["requests_per_s"] == pytest.approx(f["batch"] * 1000 / f["median_ms"], rel=0.01)
        assert f["encoder_median_ms"] > 0 and f["scores_median_ms"] > 0


def test_a_golden_score_the_model_does_not_reproduce_fails_the_check(tmp_path):
    folder, golden = version_copy(tmp_path)
    golden["cases"][1]["top_scores"][2][4] += 0.01
    write_golden(folder, golden, update_manifest=True)
    out = tmp_path / "result.json"
    done = gpu_check(*QUICK, "--version", str(folder), "--out", str(out))
    assert done.returncode == 1, done.stdout + done.stderr
    assert "golden check failed on cpu: case 1 row 2 rank 4: score" in done.stderr
    assert "more than 0.0001" in done.stderr
    assert "nothing was timed" in done.stderr
    result = json.loads(out.read_text())
    assert not result["golden"][0]["passed"] and result["figures"] == []


def test_a_golden_item_the_model_does_not_reproduce_fails_the_check(tmp_path):
    folder, golden = version_copy(tmp_path)
    row = golden["cases"][0]["top_items"][3]
    row[0], row[1] = row[1], row[0]
    write_golden(folder, golden, update_manifest=True)
    done = gpu_check(*QUICK, "--version", str(folder), "--out", str(tmp_path / "result.json"))
    assert done.returncode == 1
    assert f"golden check failed on cpu: case 0 row 3 rank 0: item {row[1]}, golden.json has {row[0]}" in done.stderr


def test_a_golden_changed_after_export_is_refused_by_its_sha256(tmp_path):
    folder, golden = version_copy(tmp_path)
    golden["cases"][0]["top_scores"][0][0] += 0.01
    write_golden(folder, golden, update_manifest=False)
    done = gpu_check(*QUICK, "--version", str(folder), "--out", str(tmp_path / "result.json"))
    assert done.returncode == 2
    assert "golden.json: sha256" in done.stderr and "differs from manifest.json" in done.stderr
    assert not (tmp_path / "result.json").exists()


@pytest.mark.skipif(torch.cuda.is_available(), reason="a CUDA device is here")
def test_cuda_asked_for_where_there_is_none_is_an_error(tmp_path):
    done = gpu_check("--quick", "--devices", "cuda", "--out", str(tmp_path / "result.json"))
    assert done.returncode == 2 and "sees no CUDA device" in done.stderr


def test_runs_with_only_torch_and_numpy_importable(tmp_path):
    """A lent GPU machine has no yaml, onnx, onnxruntime, tqdm, matplotlib or avro: the check
    must not import them (an entry of None in sys.modules makes its import fail)."""
    out = tmp_path / "result.json"
    code = ("import runpy, sys\n"
            "for name in ('yaml', 'onnx', 'onnxruntime', 'tqdm', 'matplotlib', 'avro', 'confluent_kafka'):\n"
            "    sys.modules[name] = None\n"
            f"sys.argv = ['gpu-check', *{QUICK!r}, '--sizes', '1000', '--batches', '1', '--out', {str(out)!r}]\n"
            "runpy.run_module('nextitem_trainer.tools.gpu_check', run_name='__main__')\n")
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO_ROOT / "src" / "trainer",
                          env={**os.environ, "PYTHONPATH": str(REPO_ROOT / "src" / "trainer")},
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert json.loads(out.read_text())["golden"][0]["passed"]


def test_the_committed_cpu_result_passed_golden_and_docs_show_its_figures():
    from nextitem_trainer.tools.gpu_check.report import markdown_table

    path = REPO_ROOT / "src" / "site" / "results" / "gpu" / "amd-epyc-cpu-only.json"
    result = json.loads(path.read_text())
    assert all(g["passed"] for g in result["golden"])
    assert result["commit"] != "unknown"
    page = (REPO_ROOT / "docs" / "gpu-check.md").read_text()
    assert f"<!-- gpu-check cpu table: begin -->\n{markdown_table(result)}\n<!-- gpu-check cpu table: end -->" in page


def test_cells_past_the_budget_or_the_free_memory_are_skipped_with_the_reason(tmp_path, monkeypatch):
    from nextitem_trainer.tools.gpu_check import command, timing

    out = tmp_path / "spent.json"
    assert command.main([*QUICK, "--budget-s", "0", "--out", str(out)]) == 0
    figures = json.loads(out.read_text())["figures"]
    assert figures and all(f["skipped"] == "the run's budget of 0.0 s is spent" for f in figures)

    # Room for the item table of 10,000 items and a batch of 1, not for a batch of 64 x 10,000 scores.
    room = timing.model_bytes(10_000, 32) + timing.request_bytes(10_000, 1)
    assert timing.request_bytes(10_000, 64) > room
    monkeypatch.setattr(timing, "free_bytes", lambda device: int(room / timing.MEMORY_SHARE) + 1)
    out = tmp_path / "memory.json"
    assert command.main([*QUICK, "--sizes", "10000", "--batches", "1,64", "--out", str(out)]) == 0
    cells = {(f["items"], f["batch"]): f for f in json.loads(out.read_text())["figures"]}
    assert "median_ms" in cells[(10_000, 1)]
    assert cells[(10_000, 64)]["skipped"].startswith("needs ~") and "cpu has" in cells[(10_000, 64)]["skipped"]
