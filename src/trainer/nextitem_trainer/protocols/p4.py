"""P4, CASFE's MovieLens protocol (docs/evaluation.md; data in data/p4_windows.py): train on the
training windows (N - 1 items -> the N-th), stop early on the validation windows, report
Recall/MRR/NDCG@5 and @20 on the test windows with a 95% bootstrap confidence interval.

A config runs P4 when it sets ``data.p4_window`` (N); ``model.max_len`` must then be N - 1.
Ranking: every item of the catalogue competes (the paper's softmax over all items; the window's
own items are not excluded: a MovieLens user rates a movie once, so the target is never among
them), ties pessimistic as in P1. MRR@K and NDCG@K give 0 to a rank beyond K.
The paper's test set looks like 32 cases (its MovieLens figures are multiples of 1/32), so
its figures are written beside ours with the 95% interval they would have on 32 cases.
"""
from __future__ import annotations

import logging
import math
import time
from pathlib import Path

import numpy as np
import torch
import yaml

from ..core.cpu_threads import set_cpu_threads
from ..core import checkpoint
from ..core.config import ConfigError, RunConfig
from ..core.data.p4_windows import P4Windows, load_p4
from ..core.metrics import pessimistic_rank
from ..core.models import Recommender, build_model
from ..core.models.mostpop import MostPop
from ..core.paths import QUALITY_RESULTS_DIR, RUNS_DIR, from_config, portable
from ..core.results import aggregate, git_commit, machine, write_result
from ..core.training import Checkpoints, OptimizerSpec, StopPolicy, TrainingLoop, log_to_file, seed_everything

log = logging.getLogger("nextitem.p4")

CUTOFFS = (5, 20)
METRICS = tuple(f"{m}@{k}" for k in CUTOFFS for m in ("Recall", "MRR", "NDCG"))
BOOTSTRAP = 1000
BOOTSTRAP_SEED = 2019
PAPER_TEST_CASES = 32  # what the paper's 1/32 steps suggest

# CASFE paper, Table 2, MovieLens columns (the reference figures P4 is compared with).
PAPER_TABLE2 = {
    5: {"CASFE": {"Recall@5": 0.2812, "MRR@5": 0.2448, "NDCG@5": 0.2571,
                  "Recall@20": 0.4375, "MRR@20": 0.2572, "NDCG@20": 0.2952},
        "MostPop": {"Recall@5": 0.0281, "MRR@5": 0.0140, "NDCG@5": 0.0197,
                    "Recall@20": 0.0703, "MRR@20": 0.0177, "NDCG@20": 0.0290}},
    10: {"CASFE": {"Recall@5": 0.3750, "MRR@5": 0.2302, "NDCG@5": 0.2659,
                   "Recall@20": 0.5938, "MRR@20": 0.2510, "NDCG@20": 0.3274},
         "MostPop": {"Recall@5": 0.0238, "MRR@5": 0.0104, "NDCG@5": 0.0137,
                     "Recall@20": 0.0736, "MRR@20": 0.0147, "NDCG@20": 0.0272}},
    20: {"CASFE": {"Recall@5": 0.2812, "MRR@5": 0.2292, "NDCG@5": 0.2426,
                   "Recall@20": 0.4062, "MRR@20": 0.2418, "NDCG@20": 0.2784},
         "MostPop": {"Recall@5": 0.0156, "MRR@5": 0.0077, "NDCG@5": 0.0096,
                     "Recall@20": 0.0579, "MRR@20": 0.0114, "NDCG@20": 0.0212}},
}


# ---------------------------------------------------------------------------------------------
# metrics


def per_case(ranks: np.ndarray) -> dict[str, np.ndarray]:
    """Each metric's value for every test case (their mean is the metric).  ranks (W,) >= 1"""
    ranks = np.asarray(ranks, dtype=np.float64)
    out = {}
    for k in CUTOFFS:
        hit = ranks <= k
        out[f"Recall@{k}"] = hit.astype(np.float64)
        out[f"MRR@{k}"] = np.where(hit, 1.0 / ranks, 0.0)
        out[f"NDCG@{k}"] = np.where(hit, 1.0 / np.log2(ranks + 1.0), 0.0)
    return {m: out[m] for m in METRICS}


def p4_metrics(ranks: np.ndarray) -> dict[str, float]:
    return {m: float(v.mean()) for m, v in per_case(ranks).items()}


def bootstrap_ci(ranks: np.ndarray, resamples: int = BOOTSTRAP, seed: int = BOOTSTRAP_SEED) -> dict[str, list[float]]:
    """95% percentile bootstrap interval of each metric over the test cases."""
    values = per_case(ranks)
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, len(ranks), size=(resamples, len(ranks)))  # (R, W)
    return {m: [round(float(q), 4) for q in np.percentile(v[idx].mean(axis=1), [2.5, 97.5])]
            for m, v in values.items()}


def wilson_ci(p: float, n: int) -> list[float]:
    """95% Wilson interval of a proportion p observed on n cases."""
    z = 1.959964
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return [round(centre - half, 4), round(centre + half, 4)]


@torch.no_grad()
def p4_ranks(model: Recommender, windows: P4Windows, part: str, batch_size: int = 512) -> np.ndarray:
    """Rank of each window's target among all items (pessimistic ties).  -> (W_part,)"""
    if tuple(model.inputs) != ("item_seq",):
        raise ValueError(f"P4 feeds item_seq only; model {model.name} reads {list(model.inputs)}")
    was_training = model.training
    model.eval()
    ranks = []
    for batch in windows.examples(part).batches(batch_size):
        scores = model.full_sort_scores({"item_seq": batch["item_seq"]})  # (B, N+1), padding at -inf
        target = batch["target"]  # (B,)
        t = scores.gather(1, target.unsqueeze(1)).squeeze(1)  # (B,)
        others = scores.scatter(1, target.unsqueeze(1), float("-inf"))  # (B, N+1)
        ranks.append(pessimistic_rank(t, others))
    model.train(was_training)
    return torch.cat(ranks).numpy() if ranks else np.zeros(0, dtype=np.int64)


# ---------------------------------------------------------------------------------------------
# training


def load_p4_windows(config: RunConfig) -> P4Windows:
    return load_p4(from_config(config.data.path), config.data.format, config.data.name, config.data.p4_window)


def train_p4(config: RunConfig, run_dir: Path | None = None, resume: bool = False, progress: bool = True) -> Path:
    """Trains `config` on its P4 training windows into run_dir (default runs/<name>/), early
    stopping on the validation windows. Returns best.pt. P4 runs are short and do not resume."""
    if resume:
        raise ValueError("P4 runs do not resume; start a new --run-dir")
    run_dir = Path(run_dir) if run_dir else RUNS_DIR / config.name
    if (run_dir / "best.pt").exists():
        raise FileExistsError(f"{run_dir} already holds a run; pick another --run-dir")
    run_dir.mkdir(parents=True, exist_ok=True)
    handler = log_to_file(run_dir)
    try:
        return _train_p4(config, run_dir, progress)
    finally:
        logging.getLogger("nextitem").removeHandler(handler)
        handler.close()


def _train_p4(config: RunConfig, run_dir: Path, progress: bool) -> Path:
    (run_dir / "config.yaml").write_text(yaml.safe_dump(config.to_dict(), sort_keys=False))
    tc = config.train
    if tc.early_stop_metric not in METRICS:
        raise ConfigError(f"train.early_stop_metric: P4 validates {', '.join(METRICS)}; use NDCG@20")
    seed_everything(tc.seed)
    set_cpu_threads(tc.threads)
    windows = load_p4_windows(config)
    if config.model.max_len != windows.window - 1:
        raise ConfigError(f"model.max_len: P4 with windows of {windows.window} reads {windows.window - 1} items, "
                          f"got {config.model.max_len}")
    log.info("P4 data %s: %d items, windows of %d: %s, sha256 %s", windows.log.name, windows.log.num_items,
             windows.window, windows.describe()["windows"], windows.log.sha256)
    model = build_model(config.model_name, config.model, windows.log.num_items)
    model.set_train_popularity(windows.train_popularity())
    # P4's own habits, kept so its results stay put: Adam's betas (0.9, 0.98) whatever
    # train.adam_beta2 says, no Adagrad, no after_step, no plateau decay, no last.pt.
    optimizer = OptimizerSpec.from_config(tc, betas=(0.9, 0.98), allowed=("adam", "adamw"),
                                          who="P4 training").build(model)
    rng = np.random.default_rng(tc.seed)
    common = {"config": config.to_dict(), "item_ids": windows.log.item_ids, "user_ids": windows.log.user_ids,
              "data": windows.log.describe(), "p4": windows.describe(), "time_range_ms": windows.log.time_range_ms(),
              "popularity": windows.train_popularity().tolist(), "machine": machine()}
    examples = windows.examples("train")
    loop = TrainingLoop(model, optimizer, StopPolicy.from_config(tc, plateau_decay=False), rng=rng,
                        validate=lambda m: p4_metrics(p4_ranks(m, windows, "valid")),
                        checkpoints=Checkpoints(run_dir, common, valid_key="valid_P4", resumable=False),
                        after_step=False, progress=progress, shown=("Recall@20", "NDCG@20"), logger=log)
    return loop.finish(loop.run(lambda: examples.batches(tc.batch_size, rng), -(-len(examples) // tc.batch_size)))


# ---------------------------------------------------------------------------------------------
# the evaluate command


def run_evaluate_p4(checkpoints: list[str], out_dir: Path = QUALITY_RESULTS_DIR, key: str | None = None,
                    dataset_name: str | None = None, write: bool = True, note: str | None = None) -> dict:
    """Test-window figures of P4 checkpoints (one per seed) with MostPop on the same windows.
    -> the result object (written as <model>_<key>_P4.json)."""
    if not checkpoints:
        raise ValueError("P4 evaluates trained checkpoints (--checkpoint); MostPop is reported beside them")
    per_seed, cis, seeds, train_seconds, epochs = [], [], [], [], []
    for path in checkpoints:
        ckpt = checkpoint.load(path)
        model, cfg = checkpoint.model_from_checkpoint(ckpt)
        if not cfg.data.p4_window:
            raise ValueError(f"{path} was not trained for P4 (its config has no data.p4_window)")
        set_cpu_threads(cfg.train.threads)
        windows = load_p4_windows(cfg)
        if windows.log.sha256 != ckpt["data"]["sha256"] or windows.log.item_ids != ckpt["item_ids"]:
            raise ValueError(f"{cfg.data.path} is not the data {path} was trained on")
        started = time.time()
        ranks = p4_ranks(model, windows, "test")
        per_seed.append({**p4_metrics(ranks), "users": len(ranks)})
        cis.append(bootstrap_ci(ranks))
        log.info("%s %s: %s (%.1f s)", cfg.model_name, path, per_seed[-1], time.time() - started)
        seeds.append(cfg.train.seed)
        train_seconds.append(round(ckpt.get("train_seconds_total", ckpt["train_seconds"]), 1))
        epochs.append({"best": ckpt["epoch"], "run": ckpt.get("epochs_run", ckpt["epoch"])})
    pop = MostPop(MostPop.Config(max_len=cfg.model.max_len), windows.log.num_items).fit(windows.train_popularity())
    pop_ranks = p4_ranks(pop, windows, "test")
    n = windows.window
    mean, std = aggregate(per_seed)
    paper = PAPER_TABLE2.get(n, {})
    result = {"model": cfg.model_name, "dataset": dataset_name or windows.log.name, "protocol": "P4", "window": n,
              "split": "test windows (" + windows.describe()["split"] + ")", "metrics": mean}
    if len(per_seed) > 1:
        result["metrics_std"] = std
        result["metrics_per_seed"] = [{k: round(v, 4) for k, v in m.items() if k != "users"} for m in per_seed]
        result["ci95_per_seed"] = cis
    else:
        result["ci95"] = cis[0]
    result.update({
        "ci95_method": f"percentile bootstrap over the test windows, {BOOTSTRAP} resamples, seed {BOOTSTRAP_SEED}",
        "test_cases": len(pop_ranks),
        "mostpop_same_windows": {k: round(v, 4) for k, v in p4_metrics(pop_ranks).items()},
        "paper_table2": {**paper, "ci95_Recall_if_32_cases": {
            m: wilson_ci(v, PAPER_TEST_CASES) for m, v in paper.get("CASFE", {}).items() if m.startswith("Recall")}},
        "p4": windows.describe(),
        "ranking": "all items compete (window items not excluded); ties pessimistic: rank = 1 + #higher + #equal",
        "seeds": seeds,
        "config": ckpt["config"],
        "dataset_sha256": windows.log.sha256,
        "dataset_file": windows.log.source_file,
        "commit": git_commit(),
        "train_seconds": train_seconds if len(train_seconds) > 1 else train_seconds[0],
        "epochs": epochs if len(epochs) > 1 else epochs[0],
        "machine": ckpt.get("machine") or machine(),
    })
    if note:
        result["note"] = note
    if write:
        file_key = key or cfg.data.key or "data"
        target = write_result(Path(out_dir) / f"{cfg.model_name}_{file_key}_P4.json", result)
        log.info("wrote %s", portable(target))
    return result
