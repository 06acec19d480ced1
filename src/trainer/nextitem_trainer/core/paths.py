"""Where things are: paths in configs and on the command line are relative to the repository
root (datasets default to ../shared/datasets/...), so the trainer runs from any directory and no
machine-specific path is written into configs or results."""
from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[4]  # src/trainer/nextitem_trainer/core -> repository root
RUNS_DIR = REPO_ROOT / "runs"
RESULTS_DIR = REPO_ROOT / "src" / "site" / "results"
DEMO_DIR = REPO_ROOT / "src" / "main" / "resources" / "nextitem" / "demo"
CONFIGS_DIR = REPO_ROOT / "src" / "trainer" / "configs"


def from_config(path: str | Path) -> Path:
    """A path written in a config: relative to the repository root."""
    path = Path(path)
    return path if path.is_absolute() else REPO_ROOT / path


def config_file(path: str | Path) -> Path:
    """--config: as given (relative to the working directory), else looked up in configs/."""
    path = Path(path)
    if path.exists() or path.is_absolute():
        return path
    for candidate in (CONFIGS_DIR / path, CONFIGS_DIR / path.name, REPO_ROOT / path):
        if candidate.exists():
            return candidate
    raise FileNotFoundError(f"{path}: no such config (looked in the working directory and {portable(CONFIGS_DIR)})")


def portable(path: str | Path) -> str:
    """The path as written into configs, results and manifests: relative to the repo root."""
    return os.path.relpath(Path(path).resolve(), REPO_ROOT)
