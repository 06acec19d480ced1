"""``train`` on a leave-one-out split (P1-P3, P5): seeded, resumable, early-stopped on P1 of the
validation split (the second-last item), through the one training loop (training.py).

Run folder ``runs/<name>/``: ``last.pt`` (every epoch, with optimizer and RNG states, for
``--resume``), ``best.pt`` (the best validation checkpoint so far), ``train.log`` and
``config.yaml`` (the run's config as resolved). Both checkpoints carry their own config,
item vocabulary and training popularity, so evaluate and export need nothing else.
"""
from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import yaml

from .cpu_threads import set_cpu_threads
from . import checkpoint
from .config import ConfigError, RunConfig
from .data import (InteractionLog, TrainSequences, check_data_has_inputs, item_categories, load_log, sample_users,
                   train_popularity)
from .evaluation import evaluate
from .models import build_model
from .paths import RUNS_DIR, from_config
from .results import machine
from .training import Checkpoints, OptimizerSpec, StopPolicy, TrainingLoop, log_to_file, seed_everything

log = logging.getLogger("nextitem.train")


def load_training_log(config: RunConfig) -> InteractionLog:
    d = config.data
    categories = (from_config(d.item_categories), d.item_categories_format) if d.item_categories else None
    return load_log(from_config(d.path), d.format, d.name, d.min_interactions, item_categories=categories)


def train(config: RunConfig, run_dir: Path | None = None, resume: bool = False,
          interaction_log: InteractionLog | None = None, progress: bool = True) -> Path:
    """Trains `config` into run_dir (default runs/<name>/). Returns the path of best.pt."""
    run_dir = Path(run_dir) if run_dir else RUNS_DIR / config.name
    last_path = run_dir / "last.pt"
    if run_dir.exists() and last_path.exists() and not resume:
        raise FileExistsError(f"{run_dir} already holds a run; pass --resume to continue it or pick another --run-dir")
    run_dir.mkdir(parents=True, exist_ok=True)
    handler = log_to_file(run_dir)
    try:
        return _train(config, run_dir, resume, interaction_log, progress)
    finally:
        logging.getLogger("nextitem").removeHandler(handler)
        handler.close()


def _train(config: RunConfig, run_dir: Path, resume: bool, interaction_log: InteractionLog | None,
           progress: bool) -> Path:
    last_path = run_dir / "last.pt"
    (run_dir / "config.yaml").write_text(yaml.safe_dump(config.to_dict(), sort_keys=False))

    tc = config.train
    seed_everything(tc.seed)
    set_cpu_threads(tc.threads)
    data = interaction_log or load_training_log(config)
    log.info("data %s: %d users, %d items, %d interactions, sha256 %s", data.name, data.num_users,
             data.num_items, data.num_interactions, data.sha256)

    model = build_model(config.model_name, config.model, data.num_items, data.num_users, len(data.category_ids))
    if not model.trainable:
        raise ValueError(f"model {config.model_name} has nothing to train; evaluate it with --baseline")
    check_data_has_inputs(model, data)
    if hasattr(model, "set_item_categories"):
        model.set_item_categories(item_categories(data))
    model.set_train_popularity(train_popularity(data))
    optimizer = OptimizerSpec.from_config(tc).build(model)
    rng = np.random.default_rng(tc.seed)
    # user_ids: user_idx = position + 1 (0 = unknown), what models with a user embedding export
    common = {"config": config.to_dict(), "item_ids": data.item_ids, "user_ids": data.user_ids,
              "category_ids": data.category_ids,
              "data": data.describe(),
              "time_range_ms": data.time_range_ms(), "popularity": train_popularity(data).tolist(),
              "machine": machine()}
    valid_users = sample_users(data, tc.valid_users, tc.seed) if tc.valid_users else None
    loop = TrainingLoop(model, optimizer, StopPolicy.from_config(tc), rng=rng, progress=progress,
                        validate=lambda m: evaluate(m, data, "valid", ("P1",), users=valid_users)["P1"],
                        checkpoints=Checkpoints(run_dir, common, valid_key="valid_P1"))
    if resume and last_path.exists():
        ckpt = checkpoint.load(last_path)
        if ckpt["data"]["sha256"] != data.sha256:
            raise ValueError(f"{last_path} was trained on data with sha256 {ckpt['data']['sha256']}, "
                             f"this data has {data.sha256}")
        loop.resume(ckpt)
        log.info("resumed %s at epoch %d (%.0f s trained)", last_path, loop.state["epoch"],
                 loop.state["train_seconds"])

    sequences = model.training_examples(data, config.model.max_len)
    if tc.older_windows:
        if type(sequences) is not TrainSequences:
            raise ConfigError(f"train.older_windows: model {config.model_name} trains on windows of its own; "
                              "the option is for models trained on whole sequences (sasrec, convrec)")
        sequences = TrainSequences(data, config.model.max_len, older_windows=True)
        log.info("older windows: %d training sequences for %d users", len(sequences), data.num_users)
    stop_reason = loop.run(lambda: sequences.batches(tc.batch_size, rng), -(-len(sequences) // tc.batch_size))
    return loop.finish(stop_reason)
