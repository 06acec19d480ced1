"""The ``evaluate`` command: test-split figures for trained checkpoints (one per seed) or a
baseline, written as result JSON under src/site/results/."""
from __future__ import annotations

import logging
import time
from pathlib import Path

import numpy as np
import torch

from ..core.cpu_threads import set_cpu_threads
from ..core import checkpoint
from ..core.config import RunConfig
from ..core.data import InteractionLog, eval_users, load_log, sample_users, train_popularity
from ..core.evaluation import P2_NEGATIVES, P2_SEED, evaluate
from ..core.models import Recommender, build_model
from ..core.models.mostpop import MostPop
from ..core.paths import QUALITY_RESULTS_DIR, portable
from ..core.results import aggregate, git_commit, machine, write_result
from ..core.train import load_training_log

log = logging.getLogger("nextitem.evaluate")


def eval_log(ckpt: dict, config: RunConfig, data: str | None, fmt: str | None, name: str | None) -> InteractionLog:
    """The training data rebuilt exactly (and checked against the checkpoint), or other users'
    data mapped through the checkpoint's vocabulary (unknown items dropped)."""
    if data is None:
        interactions = load_training_log(config)
        if interactions.sha256 != ckpt["data"]["sha256"] or interactions.item_ids != ckpt["item_ids"]:
            raise ValueError(f"{config.data.path} is not the data this checkpoint was trained on "
                             f"(sha256 {interactions.sha256} vs {ckpt['data']['sha256']})")
        return interactions
    interactions = load_log(data, fmt or config.data.format, name or Path(data).name, vocabulary=ckpt["item_ids"])
    log.info("%s: %d users, %d interactions mapped through the model's vocabulary (%d rows with unknown items dropped)",
             data, interactions.num_users, interactions.num_interactions,
             interactions.notes["rows_with_unknown_items_dropped"])
    return interactions


def run_evaluate(checkpoints: list[str], protocols: tuple[str, ...], baseline: str | None = None,
                 config: RunConfig | None = None, data: str | None = None, fmt: str | None = None,
                 dataset_name: str | None = None, key: str | None = None, out_dir: Path = QUALITY_RESULTS_DIR,
                 p2_seed: int = P2_SEED, write: bool = True, note: str | None = None,
                 variant: str | None = None, user_range: tuple[int, int] | None = None,
                 sample: tuple[int, int] | None = None) -> dict[str, dict]:
    """Evaluates each checkpoint (or the baseline) on the test split; with several checkpoints
    (seeds) the metrics are their mean with metrics_std beside it. Returns the result objects.
    ``variant`` names a setting of the same model (e.g. "plus" for SASRec+): it goes into the
    result and its file name, <model>-<variant>_<key>_<protocol>.json, so both settings keep a file.
    ``user_range`` (first, last) keeps only the users whose numeric id lies in it; ``sample``
    (count, seed) a seeded sample of the evaluable users (the same for every checkpoint and the
    baseline), recorded in the result."""
    if user_range and sample:
        raise ValueError("--user-range and --sample-users: give one or the other")
    if "P4" in protocols:  # its own data (rating windows) and result fields: protocols/p4.py
        if len(protocols) > 1 or baseline:
            raise ValueError("P4 runs alone and on trained checkpoints (MostPop is reported beside them)")
        from ..protocols.p4 import run_evaluate_p4

        return {"P4": run_evaluate_p4(checkpoints, out_dir=out_dir, key=key, dataset_name=dataset_name,
                                      write=write, note=note)}
    per_seed: dict[str, list[dict]] = {p: [] for p in protocols}
    train_machine = None
    seeds, train_seconds, epochs, model_name = [], [], [], baseline
    interactions: InteractionLog | None = None
    run_config: dict = {}
    sources = checkpoints or [None]
    for path in sources:
        if path is not None:
            ckpt = checkpoint.load(path)
            model, cfg = checkpoint.model_from_checkpoint(ckpt)
            run_config = ckpt["config"]
            train_machine = train_machine or ckpt.get("machine")
            set_cpu_threads(cfg.train.threads)
            interactions = eval_log(ckpt, cfg, data, fmt, dataset_name)
            if baseline:
                model = _baseline(baseline, cfg, len(ckpt["item_ids"]), np.asarray(ckpt["popularity"]))
            else:
                model_name = cfg.model_name
                seeds.append(cfg.train.seed)
                train_seconds.append(round(ckpt.get("train_seconds_total", ckpt["train_seconds"]), 1))
                epochs.append({"best": ckpt["epoch"], "run": ckpt.get("epochs_run", ckpt["epoch"]),
                               **({"lr_decays_at": ckpt["lr_decay_epochs"]} if ckpt.get("lr_decay_epochs") else {})})
        else:  # a baseline fitted on the config's training split
            if config is None:
                raise ValueError("--baseline without --checkpoint needs --config (for the data)")
            cfg, run_config = config, config.to_dict()
            set_cpu_threads(cfg.train.threads)
            interactions = load_training_log(cfg)
            model = _baseline(baseline, cfg, interactions.num_items, train_popularity(interactions))
        started = time.time()
        users = users_in_range(interactions, user_range) if user_range else None
        if sample:
            users = sample_users(interactions, *sample)
            evaluable = len(eval_users(interactions))
        figures = evaluate(model, interactions, "test", protocols, users=users, p2_seed=p2_seed)
        log.info("%s %s: %s (%.1f s)", model_name, path or "", figures, time.time() - started)
        for p in protocols:
            per_seed[p].append(figures[p])

    assert interactions is not None
    if baseline:  # the baseline has no hyperparameters: record only the data it was fitted on
        run_config = {"data": run_config.get("data"),
                      "model": {"name": baseline, "fitted_on": "item counts of the training split"}}
    results = {}
    for p in protocols:
        mean, std = aggregate(per_seed[p])
        result = {"model": model_name, "dataset": dataset_name or interactions.name, "protocol": p,
                  "split": "test (leave-one-out: last item per user)", "metrics": mean}
        if len(per_seed[p]) > 1:
            result["metrics_std"] = std
            result["metrics_per_seed"] = [{k: round(v, 4) for k, v in m.items()} for m in per_seed[p]]
        result.update({
            "users": per_seed[p][0]["users"],
            "seeds": seeds,
            "config": run_config,
            "dataset_sha256": interactions.sha256,
            "dataset_file": interactions.source_file,
            "commit": git_commit(),
            "train_seconds": train_seconds if len(train_seconds) > 1 else (train_seconds[0] if train_seconds else 0),
            "epochs": epochs if len(epochs) > 1 else (epochs[0] if epochs else 0),
            # where the model was trained (timings) - the evaluation machine when not recorded
            "machine": train_machine if train_machine and not baseline else machine(),
        })
        if p == "P2":
            result["negatives"] = {"count": P2_NEGATIVES, "seed": p2_seed,
                                   "drawn": "uniform without replacement from items the user never interacted with"}
        if p in ("P1", "P3"):
            result["ties"] = "pessimistic: rank = 1 + #higher + #equal; items of the input sequence excluded"
        if variant:
            result["variant"] = variant
        if user_range:
            result["user_range"] = list(user_range)
        if sample:
            result["users_sampled"] = {"count": int(per_seed[p][0]["users"]), "of": evaluable, "seed": sample[1],
                                       "drawn": "uniform without replacement from the evaluable users"}
        if note:
            result["note"] = note
        if write:
            file_key = key or run_config.get("data", {}).get("key") or "data"
            target = write_result(Path(out_dir) / f"{model_name}{'-' + variant if variant else ''}_{file_key}_{p}.json", result)
            log.info("wrote %s", portable(target))
        results[p] = result
    return results


def users_in_range(log: InteractionLog, user_range: tuple[int, int]) -> np.ndarray:
    """The evaluable users whose producer id is a number in [first, last].  -> user indices"""
    first, last = user_range
    chosen = [u for u in eval_users(log) if log.user_ids[u].isdigit() and first <= int(log.user_ids[u]) <= last]
    if not chosen:
        raise ValueError(f"--user-range {first}-{last}: no evaluable user of {log.name} has a numeric id in it")
    return np.array(chosen, dtype=np.int64)


def _baseline(name: str, config: RunConfig, num_items: int, popularity: np.ndarray) -> Recommender:
    if name != "mostpop":
        raise ValueError(f"unknown baseline {name!r}; expected mostpop")
    model = build_model("mostpop", MostPop.Config(max_len=getattr(config.model, "max_len", 50)), num_items)
    return model.fit(popularity)

