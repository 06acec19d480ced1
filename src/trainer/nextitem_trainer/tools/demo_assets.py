"""``demo-assets``: the model and click log that ship in src/main/resources/nextitem/demo/.

1. training clicks: synthetic world 0, users of seed 1 (``u1-...``) -> runs/demo/train_clicks.csv.gz
2. train configs/sasrec_demo.yaml on them -> runs/sasrec_demo/
3. replay clicks: the same world, users of seed 2 (``u2-...``, disjoint ids), at least
   --replay-events events, time-ordered -> src/main/resources/nextitem/demo/clicks.csv.gz
4. P1 of the model and of MostPop on the replay users (never seen in training), written to
   src/site/results/{sasrec,mostpop}_synthetic_P1.json
5. export with top_k 10 -> src/main/resources/nextitem/demo/registry/<version>/
"""
from __future__ import annotations

import logging
import shutil
from pathlib import Path

from ..core.config import load_config
from ..serving.export import export
from ..core.paths import DEMO_DIR, QUALITY_RESULTS_DIR, RUNS_DIR, from_config, portable
from .reports import run_evaluate
from .synthetic import write_clicks
from ..core.train import train

log = logging.getLogger("nextitem.demo")

TRAIN_SEED, REPLAY_SEED, WORLD_SEED = 1, 2, 0
HELD_OUT_NAME = "synthetic (world seed 0, held-out users seed 2)"


def build_demo_assets(config_path: Path, train_users: int = 3000, replay_events: int = 20000,
                      version: str | None = None, keep_old: bool = False) -> Path:
    config = load_config(config_path)
    train_clicks = from_config(config.data.path)
    write_clicks(train_clicks, users=train_users, seed=TRAIN_SEED, world_seed=WORLD_SEED, user_prefix="u1-")

    run_dir = RUNS_DIR / config.name
    if run_dir.exists():  # the demo is rebuilt from scratch, deterministically
        shutil.rmtree(run_dir)
    best = train(config, run_dir)

    replay = DEMO_DIR / "clicks.csv.gz"
    write_clicks(replay, users=0, seed=REPLAY_SEED, world_seed=WORLD_SEED, user_prefix="u2-",
                 min_events=replay_events)

    figures = {}
    for baseline in (None, "mostpop"):
        result = run_evaluate([str(best)], ("P1",), baseline=baseline, data=str(replay), fmt="csv",
                              dataset_name=HELD_OUT_NAME, key="synthetic", out_dir=QUALITY_RESULTS_DIR)["P1"]
        figures[baseline or config.model_name] = result["metrics"]
    log.info("held-out synthetic users, P1: %s HR@10 %.4f NDCG@10 %.4f | MostPop HR@10 %.4f NDCG@10 %.4f",
             config.model_name, figures[config.model_name]["HR@10"], figures[config.model_name]["NDCG@10"],
             figures["mostpop"]["HR@10"], figures["mostpop"]["NDCG@10"])

    registry = DEMO_DIR / "registry"
    if registry.exists() and not keep_old:
        shutil.rmtree(registry)
    folder = export(best, registry, version=version or _default_version(), top_k=10,
                    metrics_file=str(QUALITY_RESULTS_DIR / f"{config.model_name}_synthetic_P1.json"))
    print(f"demo model {folder.name}: P1 HR@10 {figures[config.model_name]['HR@10']:.4f} on held-out users "
          f"(MostPop {figures['mostpop']['HR@10']:.4f}); replay file {portable(replay)}; "
          f"registry {portable(registry)}")
    return folder


def _default_version() -> str:
    import datetime as dt

    return "sasrec-demo-" + dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
