"""Training loop: seeded, resumable, early-stopped on the validation split.

Run folder ``runs/<name>/``: ``last.pt`` (every epoch, with optimizer and RNG states, for
``--resume``), ``best.pt`` (the best validation checkpoint so far), ``train.log`` and
``config.yaml`` (the run's config as resolved). Both checkpoints carry their own config,
item vocabulary and training popularity, so evaluate and export need nothing else.
"""
from __future__ import annotations

import logging
import random
import sys
import time
from pathlib import Path

import numpy as np
import torch
import yaml
from tqdm import tqdm

from .cpu_threads import set_cpu_threads
from . import checkpoint
from .config import ConfigError, RunConfig
from .data import InteractionLog, TrainSequences, check_data_has_inputs, item_categories, load_log, train_popularity
from .evaluation import evaluate
from .models import build_model
from .paths import RUNS_DIR, from_config
from .results import machine

log = logging.getLogger("nextitem.train")


def seed_everything(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def load_training_log(config: RunConfig) -> InteractionLog:
    d = config.data
    categories = (from_config(d.item_categories), d.item_categories_format) if d.item_categories else None
    return load_log(from_config(d.path), d.format, d.name, d.min_interactions, item_categories=categories)


def _log_to_file(run_dir: Path) -> logging.Handler:
    """Mirrors the trainer's log lines into RUN_DIR/train.log (appending across resumes)."""
    handler = logging.FileHandler(run_dir / "train.log")
    handler.setFormatter(logging.Formatter("%(asctime)s %(message)s", "%Y-%m-%dT%H:%M:%S"))
    root = logging.getLogger("nextitem")
    if root.level == logging.NOTSET:
        root.setLevel(logging.INFO)
    root.addHandler(handler)
    return handler


def _save_last(last_path: Path, common: dict, model, optimizer, rng: np.random.Generator, state: dict) -> None:
    checkpoint.save(last_path, {**common, "model_state": model.state_dict(),
                                "optimizer_state": optimizer.state_dict(),
                                "rng": {"numpy": rng.bit_generator.state, "torch": torch.get_rng_state()},
                                "state": state})


def _decay_on_plateau(model, optimizer, state: dict, tc, best_path: Path) -> bool:
    """At a plateau: if train.lr_decays allows another, go back to the best weights with the
    learning rate cut by lr_decay_factor and return True (carry on); else False (stop).
    Adam's moment estimates are kept: they describe the gradients' scale, which is the same at
    the best point as 2*patience epochs later."""
    if len(state.get("lr_decay_epochs", [])) >= tc.lr_decays:
        return False
    decayed_at = state.setdefault("lr_decay_epochs", [])
    decayed_at.append(state["epoch"])
    state["stale_evals"] = 0
    lr = tc.lr * tc.lr_decay_factor ** len(decayed_at)
    model.load_state_dict(checkpoint.load(best_path)["model_state"])
    for group in optimizer.param_groups:
        group["lr"] = lr
    log.info("plateau at epoch %d: back to best epoch %d, lr %.3g (decay %d of %d)", state["epoch"],
             state["best"]["epoch"], lr, len(decayed_at), tc.lr_decays)
    return True


def train(config: RunConfig, run_dir: Path | None = None, resume: bool = False,
          interaction_log: InteractionLog | None = None, progress: bool = True) -> Path:
    """Trains `config` into run_dir (default runs/<name>/). Returns the path of best.pt."""
    run_dir = Path(run_dir) if run_dir else RUNS_DIR / config.name
    last_path, best_path = run_dir / "last.pt", run_dir / "best.pt"
    if run_dir.exists() and last_path.exists() and not resume:
        raise FileExistsError(f"{run_dir} already holds a run; pass --resume to continue it or pick another --run-dir")
    run_dir.mkdir(parents=True, exist_ok=True)
    handler = _log_to_file(run_dir)
    try:
        return _train(config, run_dir, resume, interaction_log, progress)
    finally:
        logging.getLogger("nextitem").removeHandler(handler)
        handler.close()


def _train(config: RunConfig, run_dir: Path, resume: bool, interaction_log: InteractionLog | None,
           progress: bool) -> Path:
    last_path, best_path = run_dir / "last.pt", run_dir / "best.pt"
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
    if tc.optimizer == "adagrad":  # AttRec's "adaptive gradient algorithm"; TensorFlow's initial accumulator
        optimizer = torch.optim.Adagrad(model.parameters(), lr=tc.lr, weight_decay=tc.weight_decay,
                                        initial_accumulator_value=0.1)
    else:
        optimizer_class = torch.optim.AdamW if tc.optimizer == "adamw" else torch.optim.Adam
        optimizer = optimizer_class(model.parameters(), lr=tc.lr, betas=(0.9, tc.adam_beta2), weight_decay=tc.weight_decay)
    rng = np.random.default_rng(tc.seed)
    state = {"epoch": 0, "train_seconds": 0.0, "history": [], "best": None, "stale_evals": 0}
    if resume and last_path.exists():
        ckpt = checkpoint.load(last_path)
        if ckpt["data"]["sha256"] != data.sha256:
            raise ValueError(f"{last_path} was trained on data with sha256 {ckpt['data']['sha256']}, "
                             f"this data has {data.sha256}")
        model.load_state_dict(ckpt["model_state"])
        optimizer.load_state_dict(ckpt["optimizer_state"])
        rng.bit_generator.state = ckpt["rng"]["numpy"]
        torch.set_rng_state(ckpt["rng"]["torch"])
        state = ckpt["state"]
        log.info("resumed %s at epoch %d (%.0f s trained)", last_path, state["epoch"], state["train_seconds"])

    # user_ids: user_idx = position + 1 (0 = unknown), what models with a user embedding export
    common = {"config": config.to_dict(), "item_ids": data.item_ids, "user_ids": data.user_ids,
              "category_ids": data.category_ids,
              "data": data.describe(),
              "time_range_ms": data.time_range_ms(), "popularity": train_popularity(data).tolist(),
              "machine": machine()}
    sequences = model.training_examples(data, config.model.max_len)
    if tc.older_windows:
        if type(sequences) is not TrainSequences:
            raise ConfigError(f"train.older_windows: model {config.model_name} trains on windows of its own; "
                              "the option is for models trained on whole sequences (sasrec, convrec)")
        sequences = TrainSequences(data, config.model.max_len, older_windows=True)
        log.info("older windows: %d training sequences for %d users", len(sequences), data.num_users)
    if resume and state["stale_evals"] >= tc.patience:
        # A run that stopped at a plateau, resumed under a config with decays left: decay now,
        # exactly where a run trained from scratch under that config would have.
        if _decay_on_plateau(model, optimizer, state, tc, best_path):
            _save_last(last_path, common, model, optimizer, rng, state)
    budget = tc.max_minutes * 60 if tc.max_minutes else float("inf")
    stop_reason = "epochs"
    for epoch in range(state["epoch"] + 1, tc.epochs + 1):
        started = time.time()
        model.train()
        total, batches = 0.0, 0
        bar = tqdm(sequences.batches(tc.batch_size, rng), total=-(-len(sequences) // tc.batch_size),
                   desc=f"epoch {epoch}", leave=False, disable=not progress, mininterval=2.0, file=sys.stderr)
        for batch in bar:
            optimizer.zero_grad(set_to_none=True)
            loss = model.calculate_loss(batch)
            loss.backward()
            optimizer.step()
            model.after_step()
            total += float(loss)
            batches += 1
            bar.set_postfix(loss=f"{total / batches:.4f}", refresh=False)
        state["train_seconds"] += time.time() - started
        state["epoch"] = epoch
        entry = {"epoch": epoch, "loss": total / max(batches, 1), "seconds": round(time.time() - started, 2)}

        if epoch % tc.eval_every == 0 or epoch == tc.epochs:
            valid = evaluate(model, data, "valid", ("P1",))["P1"]
            entry["valid_P1"] = valid
            score = valid[tc.early_stop_metric]
            if state["best"] is None or score > state["best"]["score"]:
                state["best"] = {"epoch": epoch, "score": score, "metrics": valid}
                state["stale_evals"] = 0
                checkpoint.save(best_path, {**common, "model_state": model.state_dict(), "epoch": epoch,
                                            "train_seconds": state["train_seconds"], "valid_P1": valid})
            else:
                state["stale_evals"] += 1
        state["history"].append(entry)
        log.info("epoch %d loss %.4f %.1fs%s", epoch, entry["loss"], entry["seconds"],
                 "" if "valid_P1" not in entry else
                 "  valid HR@10 %.4f NDCG@10 %.4f (best %s@%d)" % (entry["valid_P1"]["HR@10"], entry["valid_P1"]["NDCG@10"],
                                                                  f"{state['best']['score']:.4f}", state["best"]["epoch"]))
        _save_last(last_path, common, model, optimizer, rng, state)
        if state["stale_evals"] >= tc.patience:
            if not _decay_on_plateau(model, optimizer, state, tc, best_path):
                stop_reason = f"early stop: no {tc.early_stop_metric} gain in {tc.patience} evaluations"
                break
            _save_last(last_path, common, model, optimizer, rng, state)
        if state["train_seconds"] >= budget:
            stop_reason = f"time budget of {tc.max_minutes} minutes reached"
            break
    if state["best"] is None:  # too few epochs for an evaluation: keep the last model as best
        valid = evaluate(model, data, "valid", ("P1",))["P1"]
        state["best"] = {"epoch": state["epoch"], "score": valid[tc.early_stop_metric], "metrics": valid}
        checkpoint.save(best_path, {**common, "model_state": model.state_dict(), "epoch": state["epoch"],
                                    "train_seconds": state["train_seconds"], "valid_P1": valid})
    best = checkpoint.load(best_path)
    best["train_seconds_total"] = state["train_seconds"]
    best["epochs_run"] = state["epoch"]
    best["stop_reason"] = stop_reason
    best["lr_decay_epochs"] = state.get("lr_decay_epochs", [])
    checkpoint.save(best_path, best)
    log.info("done after %d epochs (%s), %.0f s training; best epoch %d valid %s %.4f -> %s", state["epoch"],
             stop_reason, state["train_seconds"], state["best"]["epoch"], tc.early_stop_metric,
             state["best"]["score"], best_path)
    return best_path
