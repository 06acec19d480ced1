"""The one training loop. ``train`` (leave-one-out, core/train.py), P4 (protocols/p4.py) and
``finetune`` (serving/finetune.py) each bring their own examples and validation; the loop owns
the rest: the optimiser built from the config, the epochs of steps, when to validate, best.pt and
last.pt, early stopping, plateau learning-rate decay and the time budget.

A caller's own habits are options, so its results stay what they were: P4's Adam betas
(0.9, 0.98) and its refusal of Adagrad (``OptimizerSpec.from_config``), finetune's plain Adam
at its own learning rate (``OptimizerSpec`` built directly), and whether ``model.after_step()``
runs after each step (P4 never called it). tests/test_engine_weights.py holds each caller's
seeded weights to the bit. A model with sparse-gradient parameters (the item table under a
sampled loss) gets SparseAdam for them from the same factory, whoever calls it.
"""
from __future__ import annotations

import logging
import random
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

import numpy as np
import torch
from tqdm import tqdm

from . import checkpoint
from .errors import ConfigError

log = logging.getLogger("nextitem.train")

OPTIMIZERS = ("adam", "adamw", "adagrad")


def seed_everything(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def log_to_file(run_dir: Path) -> logging.Handler:
    """Mirrors the trainer's log lines into RUN_DIR/train.log (appending across resumes)."""
    handler = logging.FileHandler(run_dir / "train.log")
    handler.setFormatter(logging.Formatter("%(asctime)s %(message)s", "%Y-%m-%dT%H:%M:%S"))
    root = logging.getLogger("nextitem")
    if root.level == logging.NOTSET:
        root.setLevel(logging.INFO)
    root.addHandler(handler)
    return handler


# ---------------------------------------------------------------------------------------------
# the optimiser


@dataclass(frozen=True)
class OptimizerSpec:
    """Which optimiser, at which settings. ``betas`` are Adam's and AdamW's (Adagrad has none)."""
    name: str = "adam"  # adam | adamw | adagrad
    lr: float = 1e-3
    weight_decay: float = 0.0
    betas: tuple[float, float] = (0.9, 0.999)

    @classmethod
    def from_config(cls, tc, betas: tuple[float, float] | None = None, allowed: tuple[str, ...] = OPTIMIZERS,
                    who: str = "training") -> "OptimizerSpec":
        """The train section's optimizer, lr and weight_decay; betas (0.9, train.adam_beta2)
        unless the caller fixes its own. A caller that cannot use some optimiser lists the ones
        it can in ``allowed``."""
        if tc.optimizer not in allowed:
            raise ConfigError(f"train.optimizer: {who} knows {' and '.join(allowed)}, got {tc.optimizer!r}")
        return cls(tc.optimizer, tc.lr, tc.weight_decay, betas or (0.9, tc.adam_beta2))

    def build(self, model: torch.nn.Module) -> "torch.optim.Optimizer | SplitOptimizer":
        """The optimiser over the model's parameters; a model with sparse-gradient parameters
        (the item table of a sampled loss) gets SparseAdam for those, at the same lr and betas,
        and this optimiser for the rest (``SplitOptimizer``)."""
        sparse = list(model.sparse_parameters()) if hasattr(model, "sparse_parameters") else []
        if not sparse:
            return self._build(model.parameters())
        if self.name not in ("adam", "adamw"):
            raise ConfigError(f"train.optimizer: a sampled loss trains the item table with SparseAdam beside "
                              f"adam or adamw for the rest, got {self.name!r}; set train.optimizer: adam")
        if self.weight_decay:
            raise ConfigError(f"train.weight_decay: SparseAdam (the item table of a sampled loss) has no weight "
                              f"decay, got {self.weight_decay}; set train.weight_decay: 0 or model.loss: ce")
        sparse_ids = {id(p) for p in sparse}
        dense = [p for p in model.parameters() if id(p) not in sparse_ids]
        return SplitOptimizer(self._build(dense), torch.optim.SparseAdam(sparse, lr=self.lr, betas=self.betas))

    def _build(self, parameters) -> torch.optim.Optimizer:
        if self.name == "adagrad":  # AttRec's "adaptive gradient algorithm"; TensorFlow's initial accumulator
            return torch.optim.Adagrad(parameters, lr=self.lr, weight_decay=self.weight_decay,
                                       initial_accumulator_value=0.1)
        if self.name not in ("adam", "adamw"):
            raise ConfigError(f"train.optimizer: expected one of {', '.join(OPTIMIZERS)}, got {self.name!r}")
        optimizer_class = torch.optim.AdamW if self.name == "adamw" else torch.optim.Adam
        return optimizer_class(parameters, lr=self.lr, betas=self.betas, weight_decay=self.weight_decay)


class SplitOptimizer:
    """Two optimisers stepped as one: ``dense`` for every parameter but the sparse-gradient ones,
    ``sparse`` (SparseAdam) for those. SparseAdam keeps its moments for the whole table but reads
    and updates only the rows a step's gradient names, so a step costs O(rows used), not O(N).
    What the loop uses of an optimiser: zero_grad, step, state_dict, load_state_dict and
    param_groups (the plateau decay sets every group's lr)."""

    def __init__(self, dense: torch.optim.Optimizer, sparse: torch.optim.Optimizer):
        self.dense, self.sparse = dense, sparse

    @property
    def param_groups(self) -> list[dict]:
        return self.dense.param_groups + self.sparse.param_groups

    def zero_grad(self, set_to_none: bool = False) -> None:
        self.dense.zero_grad(set_to_none=set_to_none)
        self.sparse.zero_grad(set_to_none=set_to_none)

    def step(self) -> None:
        self.dense.step()
        self.sparse.step()

    def state_dict(self) -> dict:
        return {"dense": self.dense.state_dict(), "sparse": self.sparse.state_dict()}

    def load_state_dict(self, state: dict) -> None:
        if set(state) != {"dense", "sparse"}:
            raise ValueError("optimizer state: expected the dense and sparse parts of a sampled-loss run, got "
                             "a single optimiser's state (was the run started with another model.loss?)")
        self.dense.load_state_dict(state["dense"])
        self.sparse.load_state_dict(state["sparse"])


# ---------------------------------------------------------------------------------------------
# when to validate and when to stop


@dataclass(frozen=True)
class StopPolicy:
    """Validation every ``eval_every`` epochs (and after the last); stop after ``patience``
    validations without a gain in ``metric``, or once ``max_minutes`` of training have passed
    (0 = no budget). With ``plateau_decay``, a plateau first goes back to the best weights at the
    lr times ``lr_decay_factor``, up to ``lr_decays`` times (Adam at a constant lr ends its run
    still bouncing around the optimum; a smaller step from the best point settles into it)."""
    epochs: int
    eval_every: int = 1
    patience: int = 1
    metric: str = "NDCG@10"
    max_minutes: float = 0.0
    plateau_decay: bool = False
    lr: float = 0.0
    lr_decays: int = 0
    lr_decay_factor: float = 0.1
    budget_within_epoch: bool = False  # the budget also ends an epoch part-way (an epoch of 10^6 users outlasts it)

    @classmethod
    def from_config(cls, tc, plateau_decay: bool = True) -> "StopPolicy":
        return cls(epochs=tc.epochs, eval_every=tc.eval_every, patience=tc.patience, metric=tc.early_stop_metric,
                   max_minutes=tc.max_minutes, plateau_decay=plateau_decay, lr=tc.lr, lr_decays=tc.lr_decays,
                   lr_decay_factor=tc.lr_decay_factor, budget_within_epoch=tc.budget_within_epoch)

    @property
    def budget_seconds(self) -> float:
        return self.max_minutes * 60 if self.max_minutes else float("inf")


@dataclass
class Checkpoints:
    """Where the loop keeps a run: ``best.pt`` (the best validation so far, with ``common``: config,
    vocabulary, popularity, data description) and, when ``resumable``, ``last.pt`` after every
    epoch with the optimiser and RNG states. ``valid_key`` names the validation figures in best.pt."""
    run_dir: Path
    common: dict
    valid_key: str = "valid_P1"
    resumable: bool = True

    @property
    def best_path(self) -> Path:
        return self.run_dir / "best.pt"

    @property
    def last_path(self) -> Path:
        return self.run_dir / "last.pt"


# ---------------------------------------------------------------------------------------------
# the loop


class TrainingLoop:
    """Epochs of (zero_grad, model.calculate_loss, backward, step[, after_step]) over the batches
    a caller hands ``run``, with validation, checkpoints and stopping as set.

    ``validate(model) -> figures`` (None: no validation, e.g. finetune, which judges its model once
    at the end); ``shown``: the figures each epoch's log line prints."""

    def __init__(self, model, optimizer: torch.optim.Optimizer, policy: StopPolicy, *,
                 validate: Callable[[torch.nn.Module], dict] | None = None, checkpoints: Checkpoints | None = None,
                 rng: np.random.Generator | None = None, after_step: bool = True, progress: bool = True,
                 shown: tuple[str, ...] = ("HR@10", "NDCG@10"), desc: str = "epoch",
                 logger: logging.Logger = log):
        if validate is not None and checkpoints is None:
            raise ValueError("a validated run keeps its best weights: give the loop its checkpoints")
        self.model, self.optimizer, self.policy = model, optimizer, policy
        self.validate, self.checkpoints, self.rng = validate, checkpoints, rng
        self.after_step, self.progress, self.shown, self.desc, self.log = after_step, progress, shown, desc, logger
        self.state = {"epoch": 0, "train_seconds": 0.0, "history": [], "best": None, "stale_evals": 0}

    # -- resuming ---------------------------------------------------------------------------

    def resume(self, ckpt: dict) -> None:
        """Continues from a last.pt: weights, optimiser, RNGs and the loop's state."""
        self.model.load_state_dict(ckpt["model_state"])
        self.optimizer.load_state_dict(ckpt["optimizer_state"])
        self.rng.bit_generator.state = ckpt["rng"]["numpy"]
        torch.set_rng_state(ckpt["rng"]["torch"])
        self.state = ckpt["state"]

    def _save_last(self) -> None:
        if self.checkpoints is None or not self.checkpoints.resumable:
            return
        checkpoint.save(self.checkpoints.last_path, {
            **self.checkpoints.common, "model_state": self.model.state_dict(),
            "optimizer_state": self.optimizer.state_dict(),
            "rng": {"numpy": self.rng.bit_generator.state, "torch": torch.get_rng_state()}, "state": self.state})

    def _save_best(self, valid: dict) -> None:
        c = self.checkpoints
        checkpoint.save(c.best_path, {**c.common, "model_state": self.model.state_dict(), "epoch": self.state["epoch"],
                                      "train_seconds": self.state["train_seconds"], c.valid_key: valid})

    def _decay_on_plateau(self) -> bool:
        """At a plateau: if the policy allows another decay, go back to the best weights with the
        learning rate cut and return True (carry on); else False (stop). Adam's moment estimates
        are kept: they describe the gradients' scale, which is the same at the best point as
        2*patience epochs later."""
        p, state = self.policy, self.state
        if not p.plateau_decay or len(state.get("lr_decay_epochs", [])) >= p.lr_decays:
            return False
        decayed_at = state.setdefault("lr_decay_epochs", [])
        decayed_at.append(state["epoch"])
        state["stale_evals"] = 0
        lr = p.lr * p.lr_decay_factor ** len(decayed_at)
        self.model.load_state_dict(checkpoint.load(self.checkpoints.best_path)["model_state"])
        for group in self.optimizer.param_groups:
            group["lr"] = lr
        self.log.info("plateau at epoch %d: back to best epoch %d, lr %.3g (decay %d of %d)", state["epoch"],
                      state["best"]["epoch"], lr, len(decayed_at), p.lr_decays)
        return True

    # -- training ---------------------------------------------------------------------------

    def _epoch(self, batches: Iterable[dict], total_batches: int | None, epoch: int) -> float:
        """One pass over the batches.  -> mean loss"""
        model, optimizer = self.model, self.optimizer
        model.train()
        total, count = 0.0, 0
        bar = tqdm(batches, total=total_batches, desc=f"{self.desc} {epoch}", leave=False, disable=not self.progress,
                   mininterval=2.0, file=sys.stderr)
        # With budget_within_epoch the epoch ends part-way once the budget is spent: the seconds
        # left when it started (the caller adds this epoch's time to train_seconds afterwards).
        left = self.policy.budget_seconds - self.state["train_seconds"] if self.policy.budget_within_epoch else None
        started = time.time()
        for batch in bar:
            if left is not None and count and time.time() - started >= left:
                self.log.info("time budget spent after %d steps of epoch %d", count, epoch)
                break
            optimizer.zero_grad(set_to_none=True)
            loss = model.calculate_loss(batch)
            loss.backward()
            optimizer.step()
            if self.after_step:
                model.after_step()
            total += float(loss)
            count += 1
            bar.set_postfix(loss=f"{total / count:.4f}", refresh=False)
        return total / max(count, 1)

    def run(self, batches: Callable[[], Iterable[dict]], batches_per_epoch: int | None = None) -> str:
        """Trains from the epoch after the state's up to policy.epochs; ``batches()`` gives one
        epoch's batches. -> why it stopped"""
        p, state = self.policy, self.state
        if state["stale_evals"] >= p.patience and self.validate is not None:
            # A run that stopped at a plateau, resumed under a config with decays left: decay now,
            # exactly where a run trained from scratch under that config would have.
            if self._decay_on_plateau():
                self._save_last()
        stop_reason = "epochs"
        for epoch in range(state["epoch"] + 1, p.epochs + 1):
            started = time.time()
            loss = self._epoch(batches(), batches_per_epoch, epoch)
            state["train_seconds"] += time.time() - started
            state["epoch"] = epoch
            entry = {"epoch": epoch, "loss": loss, "seconds": round(time.time() - started, 2)}
            if self.validate is not None and (epoch % p.eval_every == 0 or epoch == p.epochs):
                valid = self.validate(self.model)
                entry["valid"] = valid
                score = valid[p.metric]
                if state["best"] is None or score > state["best"]["score"]:
                    state["best"] = {"epoch": epoch, "score": score, "metrics": valid}
                    state["stale_evals"] = 0
                    self._save_best(valid)
                else:
                    state["stale_evals"] += 1
            state["history"].append(self._history_entry(entry))
            self.log.info("epoch %d loss %.4f %.1fs%s", epoch, entry["loss"], entry["seconds"],
                          self._valid_text(entry.get("valid")))
            self._save_last()
            if state["stale_evals"] >= p.patience:
                if not self._decay_on_plateau():
                    stop_reason = f"early stop: no {p.metric} gain in {p.patience} evaluations"
                    break
                self._save_last()
            if state["train_seconds"] >= p.budget_seconds:
                stop_reason = f"time budget of {p.max_minutes} minutes reached"
                break
        return stop_reason

    def _history_entry(self, entry: dict) -> dict:
        out = {k: v for k, v in entry.items() if k != "valid"}
        if "valid" in entry and self.checkpoints is not None:
            out[self.checkpoints.valid_key] = entry["valid"]
        return out

    def _valid_text(self, valid: dict | None) -> str:
        if valid is None:
            return ""
        best = self.state["best"]
        return "  valid " + " ".join(f"{m} {valid[m]:.4f}" for m in self.shown if m in valid) + \
            f" (best {best['score']:.4f}@{best['epoch']})"

    def finish(self, stop_reason: str) -> Path:
        """best.pt completed with how the run went (the last weights when no validation ran).
        -> its path"""
        p, state, c = self.policy, self.state, self.checkpoints
        if state["best"] is None:  # too few epochs for an evaluation: keep the last model as best
            valid = self.validate(self.model)
            state["best"] = {"epoch": state["epoch"], "score": valid[p.metric], "metrics": valid}
            self._save_best(valid)
        best = checkpoint.load(c.best_path)
        best["train_seconds_total"] = state["train_seconds"]
        best["epochs_run"] = state["epoch"]
        best["stop_reason"] = stop_reason
        if p.plateau_decay:
            best["lr_decay_epochs"] = state.get("lr_decay_epochs", [])
        checkpoint.save(c.best_path, best)
        self.log.info("done after %d epochs (%s), %.0f s training; best epoch %d valid %s %.4f -> %s", state["epoch"],
                      stop_reason, state["train_seconds"], state["best"]["epoch"], p.metric, state["best"]["score"],
                      c.best_path)
        return c.best_path
