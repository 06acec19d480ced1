"""Trained synthetic catalogues of 10^4..10^6 items for the serving scaling bench, rebuilt from
nothing by one command (``trainer scaling-catalogues``).

Per catalogue: the seeded synthetic log (tools/synthetic_catalogue.py) under runs/scaling/data/,
SASRec with a sampled loss and a sparse item table trained through the one training engine
(core/train.py: validation on a seeded sample of users, a time budget), P1 on the test split
for a seeded sample of users against MostPop on the same users, and the best checkpoint
exported into runs/scaling/registry/ as version ``synthetic-<items>``. Nothing under runs/ is
committed (the 10^6 version's table is 256 MB); the figures go into one result file, rewritten
after every catalogue so a finished catalogue's figures survive a later one's failure.
"""
from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass
from pathlib import Path

from ..core import checkpoint
from ..core.config import config_from_dict
from ..core.data import sample_users, train_popularity
from ..core.evaluation import evaluate
from ..core.models import build_model
from ..core.models.mostpop import MostPop
from ..core.paths import RESULTS_DIR, RUNS_DIR, portable
from ..core.results import git_commit, machine, write_result
from ..core.train import load_training_log, train
from .synthetic_catalogue import write_catalogue

log = logging.getLogger("nextitem.scaling")

SCALING_RUNS = RUNS_DIR / "scaling"
RESULT_FILE = RESULTS_DIR / "scaling" / "trained_catalogues.json"
DATA_SEED = 1
EVENTS_PER_ITEM = 20
EVAL_USERS, EVAL_SEED = 5000, 0  # test users ranked against the whole catalogue, per catalogue
EVAL_BATCH = 64  # users scored at once: (64, 10^6) float scores = 256 MB


@dataclass(frozen=True)
class Budget:
    """How long a catalogue trains: at most ``epochs``, and training stops (mid-epoch too) once
    ``minutes`` are spent; validation on ``valid_users`` sampled users after each epoch."""
    epochs: int
    minutes: float
    valid_users: int = 2000


# Sized for the 2-core machine. The 10^6 catalogue needs about one full epoch (8,650 steps of 128
# users) to pass MostPop: a twentieth of an epoch did not. A whole epoch took 37 minutes beside
# light work (builds, single-threaded benchmarks); beside heavier work a step took several times
# longer (two torch threads on two busy cores wait on each other). Its budget: 80 minutes.
BUDGETS = {10_000: Budget(20, 6.0), 100_000: Budget(6, 24.0), 1_000_000: Budget(3, 80.0, valid_users=1000)}


def run_config(items: int, sampler: str, data: Path, budget: Budget) -> dict:
    """SASRec, small (d 64, 2 blocks), sampled softmax with a sparse item table. max_len 20: a
    user has 18 events on average (5 + Poisson(15) steps less repeats), so 20 keeps nearly every
    training target at less than half the cost per step of 50 (mostly padding here)."""
    return {
        "name": f"scaling-{items}-{sampler}",
        "data": {"path": portable(data), "format": "csv", "name": f"synthetic catalogue {items} items",
                 "key": f"synthetic-{items}", "min_interactions": 0},  # every drawn item stays in the catalogue
        "model": {"name": "sasrec", "hidden": 64, "blocks": 2, "heads": 1, "max_len": 20, "dropout": 0.1,
                  "loss": "sampled_softmax", "negative_sampler": sampler, "num_negatives": 256},
        # lr 0.005: a few hundred steps per catalogue (lr 0.001 had barely passed MostPop on 10^4
        # items after two epochs); dropout 0.1: the synthetic clicks carry little noise to fit.
        "train": {"seed": 42, "epochs": budget.epochs, "batch_size": 128, "lr": 0.005, "eval_every": 1,
                  "patience": 2, "valid_users": budget.valid_users, "max_minutes": budget.minutes,
                  "budget_within_epoch": True, "threads": 2},
    }


def catalogue_data(items: int) -> Path:
    """The catalogue's csv, drawn once (a later call reuses it: same seed, same bytes)."""
    path = SCALING_RUNS / "data" / f"catalogue-{items}.csv"
    if not path.exists():
        started = time.time()
        write_catalogue(path, items=items, events_per_item=EVENTS_PER_ITEM, seed=DATA_SEED)
        log.info("drew %s in %.0f s", portable(path), time.time() - started)
    return path


def build_catalogue(items: int, sampler: str, budget: Budget, export_version: bool = True) -> dict:
    """Data, training, P1 against MostPop, export.  -> the catalogue's result entry"""
    from ..serving.export import export  # late: the ONNX stack is only needed here

    started = time.time()
    data = catalogue_data(items)
    config = config_from_dict(run_config(items, sampler, data, budget))
    interactions = load_training_log(config)
    loaded = time.time()
    run_dir = SCALING_RUNS / "runs" / config.name
    best = train(config, run_dir, resume=(run_dir / "last.pt").exists(), interaction_log=interactions,
                 progress=False)
    trained = time.time()
    ckpt = checkpoint.load(best)
    model, _ = checkpoint.model_from_checkpoint(ckpt)
    users = sample_users(interactions, EVAL_USERS, EVAL_SEED)
    figures = evaluate(model, interactions, "test", ("P1",), users=users, batch_size=EVAL_BATCH)["P1"]
    pop = MostPop(MostPop.Config(max_len=config.model.max_len), interactions.num_items)
    pop.fit(train_popularity(interactions))
    pop_figures = evaluate(pop, interactions, "test", ("P1",), users=users, batch_size=EVAL_BATCH)["P1"]
    evaluated = time.time()
    version = f"synthetic-{items}"
    registry = SCALING_RUNS / "registry"
    if export_version and not (registry / version).exists():
        export(best, registry, version=version, top_k=10)
    done = time.time()
    pick = ("HR@10", "NDCG@10", "HR@20", "NDCG@20", "MRR")
    entry = {
        "items": interactions.num_items, "items_asked": items, "events": interactions.num_interactions,
        "users": interactions.num_users, "events_per_item": round(interactions.num_interactions / interactions.num_items, 2),
        "dataset_file": interactions.source_file, "dataset_sha256": interactions.sha256,
        "loss": f"sampled_softmax ({sampler} negatives)", "epochs_run": ckpt.get("epochs_run"),
        "best_epoch": ckpt["epoch"], "stop_reason": ckpt.get("stop_reason"),
        "train_seconds": round(ckpt.get("train_seconds_total", ckpt["train_seconds"]), 1),
        "wall_seconds": {"load": round(loaded - started, 1), "train": round(trained - loaded, 1),
                         "evaluate": round(evaluated - trained, 1), "export": round(done - evaluated, 1),
                         "total": round(done - started, 1)},
        "P1_test": {"model": {k: figures[k] for k in pick}, "mostpop": {k: pop_figures[k] for k in pick},
                    "users_evaluated": int(len(users)), "users_evaluable": int(len(sample_users(interactions, 0, 0))),
                    "users_sample_seed": EVAL_SEED},
        "beats_mostpop": bool(figures["HR@10"] > pop_figures["HR@10"] and figures["NDCG@10"] > pop_figures["NDCG@10"]),
        "valid_P1_best": {k: round(v, 4) for k, v in ckpt["valid_P1"].items() if k in pick},
        "config": ckpt["config"],
        "exported": {"registry": portable(registry), "version": version} if export_version else None,
    }
    log.info("catalogue %d: HR@10 %.4f NDCG@10 %.4f vs MostPop %.4f %.4f on %d users", items, figures["HR@10"],
             figures["NDCG@10"], pop_figures["HR@10"], pop_figures["NDCG@10"], len(users))
    return entry


def record(entry: dict, result_file: Path = RESULT_FILE, trial: bool = False,
           command: str = "trainer scaling-catalogues --items 10000 100000 1000000") -> Path:
    """Adds (or replaces) the catalogue's entry in the result file; ``trial``: in the sampler
    trial list instead of the catalogues."""
    result = json.loads(result_file.read_text()) if result_file.exists() else {}
    result.setdefault("what", "SASRec (d 64, 2 blocks, max_len 20) trained with a sampled loss and a sparse "
                              "item table on synthetic catalogues (trainer synthetic --items), P1 on the test "
                              "split (leave-one-out, full ranking over every item, the user's items excluded) "
                              "for a seeded sample of users, MostPop on the same users")
    result["command"] = command
    result["data_generator"] = {"command": "trainer synthetic --items N --events-per-item 20 --seed 1",
                                "seed": DATA_SEED, "events_per_item": EVENTS_PER_ITEM}
    result["note"] = ("measured on a 2-core machine shared with other work (Maven builds, other trainings): "
                      "wall and training seconds are slower than on a quiet machine")
    key = "sampler_trials" if trial else "catalogues"
    entries = [e for e in result.get(key, []) if (e["items_asked"], e["loss"]) != (entry["items_asked"], entry["loss"])] \
        if trial else [e for e in result.get(key, []) if e["items_asked"] != entry["items_asked"]]
    entries.append({**entry, "commit": git_commit(), "machine": machine()})
    result[key] = sorted(entries, key=lambda e: (e["items_asked"], e["loss"]))
    return write_result(result_file, result)
