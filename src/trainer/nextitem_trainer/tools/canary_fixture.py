"""``canary-fixture``: a deliberately worse model version, for the canary-rollout tests.

It is the demo model (``demo_assets.py``) with the sequential signal destroyed:

1. training clicks: the demo's, byte for byte (synthetic world 0, 3,000 users of seed 1) ->
   the config's data.path (runs/demo/train_clicks.csv.gz, as demo-assets writes it);
2. every user's training sequence is put into a random order (``shuffle_orders``, seeded with
   --seed; categories travel with their items, times stay in place). The log is shuffled after
   it is read, so the item vocabulary (items.tsv) and the popularity are the demo's exactly;
3. trains the demo config (configs/sasrec_demo.yaml, unchanged) on it -> runs/canary-fixture/<version>/;
4. P1 (full ranking, last click of each user) on the held-out users of the demo replay (world 0,
   users of seed 2, in their true order), of this model and of the shipped demo version (the
   newest folder of src/main/resources/nextitem/demo/registry/) -> <out>/<version>.quality.json;
5. exports it as demo-assets exports the demo (top_k 10, offline metrics from step 4) ->
   <out>/<version>/ (an existing folder of that name is replaced).
"""
from __future__ import annotations

import dataclasses
import json
import logging
import shlex
import shutil
from pathlib import Path

import numpy as np

from ..core.checksums import sha256_file
from ..core.config import load_config
from ..core.data import InteractionLog
from ..core.paths import DEMO_DIR, REPO_ROOT, RUNS_DIR, config_file, from_config, portable
from ..core.train import load_training_log, train
from ..serving.export import export
from .demo_assets import HELD_OUT_NAME, REPLAY_SEED, TRAIN_SEED, WORLD_SEED
from .reports import run_evaluate
from .synthetic import write_clicks

log = logging.getLogger("nextitem.canary")

CANARY_DIR = REPO_ROOT / "src" / "test" / "resources" / "nextitem" / "canary"
DEFAULT_VERSION = "sasrec-demo-shuffled"
DEFAULT_SEED = 7
CONFIG_FILE = "sasrec_demo.yaml"
# demo-assets' own defaults (build_demo_assets): the same training users and replay users
TRAIN_USERS, REPLAY_EVENTS = 3000, 20000
METRICS = ("HR@10", "NDCG@10")


def shuffle_orders(sequences: list[np.ndarray], seed: int) -> list[np.ndarray]:
    """One permutation per sequence: sequence i is put in the order ``sequences[i][perm[i]]``.

    User i draws from its own generator seeded (seed, i), so the result depends only on the
    seed and the sequence lengths and contents. A sequence that holds two different items
    always comes out in another order (an identity draw is drawn again); one with a single
    distinct item keeps its order.  -> per sequence, an int64 permutation of its positions"""
    out = []
    for i, seq in enumerate(sequences):
        seq = np.asarray(seq)
        rng = np.random.default_rng([seed, i])
        perm = np.arange(len(seq), dtype=np.int64)
        if len(np.unique(seq)) > 1:
            while np.array_equal(seq[perm], seq):
                perm = rng.permutation(len(seq)).astype(np.int64)
        out.append(perm)
    return out


def shuffled_log(data: InteractionLog, seed: int) -> InteractionLog:
    """The log with every user's items (and their categories) in a seeded random order; times
    stay where they were (still ascending), vocabulary, users and counts are unchanged."""
    perms = shuffle_orders(data.sequences, seed)
    return dataclasses.replace(
        data,
        name=f"{data.name}, each user's clicks shuffled (seed {seed})",
        sequences=[s[p] for s, p in zip(data.sequences, perms)],
        categories=None if data.categories is None else [c[p] for c, p in zip(data.categories, perms)],
        notes={**data.notes, "order": f"each user's clicks in a random order (shuffle seed {seed})"},
    )


def newest_version(registry: Path) -> Path:
    """The newest version folder of a registry, by its manifest's created_at, then by name."""
    folders = [p for p in registry.iterdir() if p.is_dir() and not p.name.startswith(".")
               and (p / "manifest.json").is_file()] if registry.is_dir() else []
    if not folders:
        raise FileNotFoundError(f"{portable(registry)}: no model version here (run `trainer demo-assets` first)")
    return max(folders, key=lambda p: (json.loads((p / "manifest.json").read_text())["created_at"], p.name))


def build_canary_fixture(out: Path = CANARY_DIR, version: str = DEFAULT_VERSION, seed: int = DEFAULT_SEED) -> dict:
    """Trains, measures and exports the shuffled version.  -> the quality record written"""
    out = Path(out)
    demo_version = newest_version(DEMO_DIR / "registry")
    config = load_config(config_file(CONFIG_FILE))

    train_clicks = from_config(config.data.path)
    write_clicks(train_clicks, users=TRAIN_USERS, seed=TRAIN_SEED, world_seed=WORLD_SEED, user_prefix="u1-")
    data = load_training_log(config)
    shuffled = shuffled_log(data, seed)
    log.info("training users' clicks shuffled (seed %d): %d users, %d interactions, %d items",
             seed, shuffled.num_users, shuffled.num_interactions, shuffled.num_items)

    run_dir = RUNS_DIR / "canary-fixture" / version
    if run_dir.exists():  # rebuilt from scratch, deterministically
        shutil.rmtree(run_dir)
    best = train(config, run_dir / "train", interaction_log=shuffled)

    replay = write_clicks(run_dir / "replay_clicks.csv.gz", users=0, seed=REPLAY_SEED, world_seed=WORLD_SEED,
                          user_prefix="u2-", min_events=REPLAY_EVENTS)
    figures = {}
    for name, ckpt, out_dir in (("demo", demo_version / "weights.pt", None),
                                ("shuffled", best, run_dir / "results")):
        result = run_evaluate([str(ckpt)], ("P1",), data=str(replay), fmt="csv", dataset_name=HELD_OUT_NAME,
                              key="synthetic", out_dir=out_dir or run_dir, write=out_dir is not None)["P1"]
        figures[name] = result
    metrics_file = run_dir / "results" / f"{config.model_name}_synthetic_P1.json"

    target = out / version
    if target.exists():  # the fixture is rebuilt in place; versions elsewhere stay immutable
        shutil.rmtree(target)
    folder = export(best, out, version=version, top_k=10, metrics_file=str(metrics_file),
                    manifest_extra={"purpose": "canary-rollout test fixture: the demo model trained on its "
                                               f"clicks in a shuffled order (seed {seed}), so deliberately worse "
                                               "(tools/canary_fixture.py)"})

    demo_hr, shuffled_hr = figures["demo"]["metrics"]["HR@10"], figures["shuffled"]["metrics"]["HR@10"]
    command = ["src/trainer/bin/trainer", "canary-fixture", "--out", portable(out), "--version", version,
               "--seed", str(seed)]
    quality = {
        "version": version,
        "baseline_version": demo_version.name,
        "config": config.name,
        "config_file": portable(config_file(CONFIG_FILE)),
        "seed": seed,
        "train_seed": config.train.seed,
        "command": shlex.join(command),
        "training_data": f"{data.name}: {data.num_users} users, {data.num_interactions} interactions, "
                         f"each user's clicks shuffled (seed {seed})",
        "evaluation": {"protocol": "P1", "split": figures["shuffled"]["split"], "dataset": HELD_OUT_NAME,
                       "users": figures["shuffled"]["users"],
                       "data": f"synthetic world {WORLD_SEED}, users of seed {REPLAY_SEED}, at least "
                               f"{REPLAY_EVENTS} events, true click order (the demo replay)",
                       "data_sha256": sha256_file(replay),
                       "same_as_demo_clicks": (DEMO_DIR / "clicks.csv.gz").is_file()
                       and sha256_file(replay) == sha256_file(DEMO_DIR / "clicks.csv.gz")},
        "metrics": {version: {m: figures["shuffled"]["metrics"][m] for m in METRICS},
                    demo_version.name: {m: figures["demo"]["metrics"][m] for m in METRICS}},
        "hr10_ratio": round(shuffled_hr / demo_hr, 4) if demo_hr else None,
        "clearly_worse": bool(shuffled_hr <= demo_hr * 2 / 3),
        "same_items_as_demo": (folder / "items.tsv").read_bytes() == (demo_version / "items.tsv").read_bytes(),
    }
    quality_file = out / f"{version}.quality.json"
    quality_file.write_text(json.dumps(quality, indent=2) + "\n")
    print(f"canary fixture {folder.name}: P1 HR@10 {shuffled_hr:.4f} NDCG@10 "
          f"{figures['shuffled']['metrics']['NDCG@10']:.4f} vs demo {demo_version.name} HR@10 {demo_hr:.4f} "
          f"NDCG@10 {figures['demo']['metrics']['NDCG@10']:.4f} on held-out users; "
          f"{portable(folder)}, {portable(quality_file)}")
    if not quality["clearly_worse"]:
        log.warning("the shuffled version is not clearly worse: HR@10 %.4f vs the demo's %.4f (more than 2/3)",
                    shuffled_hr, demo_hr)
    return quality
