"""Where things are: paths in configs and on the command line are relative to the repository
root, so the trainer runs from any directory and no machine-specific path is written into
configs or results.

Datasets live outside the repository, in one folder: ``$NEXTITEM_DATASETS`` when set, else the
``shared/datasets`` folder beside the repository (``datasets_dir``). Configs name a dataset file
as ``datasets/<file>``; ``from_config`` resolves that against the folder and ``portable`` writes a
file inside it back the same way.
"""
from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[4]  # src/trainer/nextitem_trainer/core -> repository root
RUNS_DIR = REPO_ROOT / "runs"
RESULTS_DIR = REPO_ROOT / "src" / "site" / "results"
# One folder per suite under RESULTS_DIR (tools/results_index.py); the trainer writes these two.
QUALITY_RESULTS_DIR = RESULTS_DIR / "quality"  # evaluate: <model>_<data>_<protocol>.json
STREAM_RESULTS_DIR = RESULTS_DIR / "stream"  # stream-report: <model>_<data>_stream.json
DEMO_DIR = REPO_ROOT / "src" / "main" / "resources" / "nextitem" / "demo"
CONFIGS_DIR = REPO_ROOT / "src" / "trainer" / "configs"

DATASETS_ENV = "NEXTITEM_DATASETS"
DATASETS_PREFIX = "datasets/"  # how configs and results name a file of the datasets folder
DEFAULT_DATASETS_DIR = REPO_ROOT.parent / "shared" / "datasets"


def datasets_dir() -> Path:
    """The datasets folder: $NEXTITEM_DATASETS, else shared/datasets beside the repository."""
    configured = os.environ.get(DATASETS_ENV)
    return Path(configured) if configured else DEFAULT_DATASETS_DIR


def from_config(path: str | Path) -> Path:
    """A path written in a config: ``datasets/<file>`` in the datasets folder, any other
    relative path from the repository root. Configs and results written before the folder had
    a name spelt the default folder from the repository root; such a path is read from the
    datasets folder too."""
    if str(path).startswith(DATASETS_PREFIX):
        return datasets_dir() / str(path)[len(DATASETS_PREFIX):]
    path = Path(path)
    if path.is_absolute():
        return path
    resolved = Path(os.path.normpath(REPO_ROOT / path))
    if resolved.is_relative_to(DEFAULT_DATASETS_DIR):
        return datasets_dir() / resolved.relative_to(DEFAULT_DATASETS_DIR)
    return REPO_ROOT / path


def input_file(path: str | Path) -> Path:
    """A data file named on the command line: as given when it exists (relative to the working
    directory), else read the way a config names it (``datasets/<file>``, or from the repository root)."""
    given = Path(path)
    return given if given.exists() or given.is_absolute() else from_config(path)


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
    """The path as written into configs, results and manifests: ``datasets/<file>`` for a file in
    the datasets folder, else relative to the repository root."""
    resolved = Path(path).resolve()
    datasets = datasets_dir().resolve()
    if resolved.is_relative_to(datasets):
        return DATASETS_PREFIX + resolved.relative_to(datasets).as_posix()
    return os.path.relpath(resolved, REPO_ROOT)
