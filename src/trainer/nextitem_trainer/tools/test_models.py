"""``test-models``: one tiny trained version of every served model, for the Java tests.

The Java parity test and the serving ITCase run the job code against each model family, so each
needs a real exported version: a few epochs on a small synthetic click log are enough (the tests
check that the graph is served and matches PyTorch, not its quality). Configs are
``configs/tiny/<name>.yaml`` (the name is the model's, or a setting of it such as
``sasrec-plus``); every version lands in its own registry folder, ``<out>/<name>/<name>-test/``,
so the tests can point the job at one model family at a time.

1. training clicks: synthetic world 0, 400 users of seed 1 (``u1-...``) -> runs/test-models/clicks.csv.gz
2. per config: train into runs/test-models/<model>/, export with top_k 10

``reexport`` skips the training: each version is exported again from the weights.pt it carries,
so a change to the exporter (a new file of the version, such as the retrieval form) reaches the
test versions with the same weights and model.onnx. Training is not reproducible to the last bit
on another machine, so retraining there would change every file the Java tests read.
"""
from __future__ import annotations

import datetime as dt
import logging
import shutil
import tempfile
from pathlib import Path

from ..core.config import load_config
from ..serving.export import WEIGHTS_FILE, export
from ..core.paths import CONFIGS_DIR, REPO_ROOT, RUNS_DIR, portable
from .synthetic import write_clicks
from ..core.train import train

log = logging.getLogger("nextitem.test_models")

TEST_MODELS_DIR = REPO_ROOT / "src" / "test" / "resources" / "nextitem" / "models"
TINY_CONFIGS = CONFIGS_DIR / "tiny"
CLICKS = RUNS_DIR / "test-models" / "clicks.csv.gz"
USERS, SEED, WORLD_SEED = 400, 1, 0
# A fixed timestamp keeps rebuilt manifests comparable; versions are named <model>-test.
CREATED_AT = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)


def tiny_configs(models: list[str] | None = None) -> list[Path]:
    configs = sorted(TINY_CONFIGS.glob("*.yaml"))
    if models:
        by_name = {p.stem: p for p in configs}
        missing = [m for m in models if m not in by_name]
        if missing:
            raise FileNotFoundError(f"no tiny config for {', '.join(missing)} in {portable(TINY_CONFIGS)} "
                                    f"(have {', '.join(sorted(by_name))})")
        configs = [by_name[m] for m in models]
    return configs


def build_test_models(models: list[str] | None = None, out: Path = TEST_MODELS_DIR, reexport: bool = False) -> list[Path]:
    if reexport:
        return reexport_test_models(models, out)
    write_clicks(CLICKS, users=USERS, seed=SEED, world_seed=WORLD_SEED, user_prefix="u1-")
    folders = []
    for config_path in tiny_configs(models):
        config = load_config(config_path)
        config.data.path = portable(CLICKS)
        name = config_path.stem
        run_dir = RUNS_DIR / "test-models" / name
        if run_dir.exists():
            shutil.rmtree(run_dir)
        best = train(config, run_dir, progress=False)
        registry = Path(out) / name
        if registry.exists():
            shutil.rmtree(registry)
        folder = export(best, registry, version=f"{name}-test", top_k=10, created_at=CREATED_AT)
        log.info("test model %s -> %s", name, portable(folder))
        folders.append(folder)
    return folders


def reexport_test_models(models: list[str] | None = None, out: Path = TEST_MODELS_DIR) -> list[Path]:
    """Each ``<out>/<name>/<name>-test/`` exported again from its own weights.pt, in place."""
    folders = []
    for config_path in tiny_configs(models):
        name = config_path.stem
        registry = Path(out) / name
        weights = registry / f"{name}-test" / WEIGHTS_FILE
        if not weights.is_file():
            raise FileNotFoundError(f"{portable(weights)}: no test version to export again; build it with test-models")
        with tempfile.TemporaryDirectory() as scratch:
            checkpoint_path = Path(scratch) / WEIGHTS_FILE  # the registry is replaced, so read it from a copy
            shutil.copyfile(weights, checkpoint_path)
            shutil.rmtree(registry)
            folder = export(checkpoint_path, registry, version=f"{name}-test", top_k=10, created_at=CREATED_AT)
        log.info("test model %s exported again -> %s", name, portable(folder))
        folders.append(folder)
    return folders
