"""The model version the GPU check runs: its manifest, the PyTorch model rebuilt from its
weights.pt, its golden.json (each checked against the manifest's sha256), and the golden check
itself: every case through the served graph on a device, items identical, scores within the
contract's tolerance."""
from __future__ import annotations

import copy
import json
import pickle
from pathlib import Path

import torch

from ...core.checksums import sha256_file
from ...core import checkpoint
from ...core.models import SequenceEncoderModel, TopKGraph
from ...core.paths import DEMO_DIR, REPO_ROOT

SCORE_TOLERANCE = 1e-4


class VersionError(ValueError):
    """The model version cannot be checked: a file missing, a sha256 that differs, a model the bench cannot size."""


# ---------------------------------------------------------------------------------------------
# the version


def default_version() -> Path:
    found = sorted(p for p in (DEMO_DIR / "registry").glob("*") if (p / "manifest.json").is_file())
    if not found:
        raise VersionError(f"no version under {(DEMO_DIR / 'registry').relative_to(REPO_ROOT)}; pass --version")
    return found[-1]


def load_version(folder: Path) -> tuple[dict, SequenceEncoderModel, dict]:
    """-> (manifest, model in eval mode on the CPU, golden). golden.json and weights.pt must
    match the manifest's sha256s, so what is checked is what was exported."""
    manifest_path = folder / "manifest.json"
    if not manifest_path.is_file():
        raise VersionError(f"{folder}: no manifest.json; --version takes a model version folder")
    manifest = json.loads(manifest_path.read_text())
    for name in ("golden.json", "weights.pt"):
        listed = manifest.get("files", {}).get(name)
        if listed is None or not (folder / name).is_file():
            raise VersionError(f"{folder}: {name} is missing or not in manifest.json's files "
                               f"(versions exported before weights.pt was added cannot be rebuilt in PyTorch)")
        actual = sha256_file(folder / name)
        if actual != listed["sha256"]:
            raise VersionError(f"{folder / name}: sha256 {actual} differs from manifest.json's {listed['sha256']}; "
                               f"the version was changed after export")
    try:
        payload = torch.load(folder / "weights.pt", map_location="cpu", weights_only=True)
    except pickle.UnpicklingError:
        # Older torch's weights-only reader does not know every opcode the checkpoint uses; the
        # file's sha256 was checked against the manifest above.
        payload = torch.load(folder / "weights.pt", map_location="cpu", weights_only=False)
    model, _ = checkpoint.model_from_checkpoint(payload)
    if model.num_items != manifest["num_items"]:
        raise VersionError(f"{folder}: weights.pt has {model.num_items} items, manifest.json {manifest['num_items']}")
    golden = json.loads((folder / "golden.json").read_text())
    return manifest, model, golden


def golden_check(model: SequenceEncoderModel, manifest: dict, golden: dict, device: str) -> dict:
    """Every golden case through the served graph on ``device``: identical items, scores within
    SCORE_TOLERANCE. -> {"device", "passed", "cases", "rows", "max_abs_score_diff", "problems"}"""
    on_device = model if device == "cpu" else copy.deepcopy(model).to(device)  # Module.to moves in place
    graph = TopKGraph(on_device, manifest["top_k_graph"]).eval()
    problems: list[str] = []
    worst = 0.0
    rows = 0
    for c, case in enumerate(golden["cases"]):
        inputs = [torch.tensor(case["inputs"][name], dtype=torch.int64, device=device) for name in model.inputs]
        with torch.no_grad():
            items, scores = graph(*inputs)  # (B, K') each
        items, scores = items.cpu(), scores.cpu()
        want_items = torch.tensor(case["top_items"], dtype=torch.int64)
        want_scores = torch.tensor(case["top_scores"], dtype=torch.float32)
        rows += items.shape[0]
        if items.shape != want_items.shape:
            problems.append(f"case {c}: top_items of shape {tuple(items.shape)}, golden.json has {tuple(want_items.shape)}")
            continue
        for r, k in (items != want_items).nonzero().tolist()[:1]:
            problems.append(f"case {c} row {r} rank {k}: item {items[r, k].item()}, golden.json has {want_items[r, k].item()}")
        diff = (scores - want_scores).abs()  # (B, K')
        worst = max(worst, float(diff.max()))
        if float(diff.max()) > SCORE_TOLERANCE:
            r, k = divmod(int(diff.argmax()), diff.shape[1])
            problems.append(f"case {c} row {r} rank {k}: score {scores[r, k].item():.6f}, golden.json has "
                            f"{want_scores[r, k].item():.6f} (off by {diff[r, k].item():.2e}, more than {SCORE_TOLERANCE})")
    return {"device": device, "passed": not problems, "cases": len(golden["cases"]), "rows": rows,
            "max_abs_score_diff": worst, "problems": problems}
