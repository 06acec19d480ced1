"""Typed run configuration, read from YAML and checked in full before anything runs.

A config has three sections: ``data`` (what to read), ``model`` (validated against the chosen
model's own ``Config`` dataclass, so each model owns its hyperparameters) and ``train``.
An unknown key or a value of the wrong type stops with a message naming the key and what was
expected, so a typo never silently falls back to a default.
"""
from __future__ import annotations

import dataclasses
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import ConfigError
from .models import model_class
from .models.base import SAMPLED_LOSSES


DATA_FORMATS = ("sasrec", "movielens", "movielens-tab", "csv")
CATEGORY_FORMATS = ("movielens-movies", "movielens-items")  # data/categories.py


@dataclass
class DataConfig:
    # Path relative to the repository root (or absolute); --data on the command line overrides it.
    path: str = ""
    format: str = "sasrec"
    # Human-readable dataset name written into results and manifests, e.g. "ml-1m (rebuild)".
    name: str = ""
    # Short key used in result file names, e.g. "ml-1m" -> sasrec_ml-1m_P1.json.
    key: str = ""
    # k-core filter: users and items with fewer interactions are dropped (repeatedly until
    # stable); 0 or 1 disables it. docs/evaluation.md: 5 (the SASRec preprocessing).
    min_interactions: int = 5
    # P4 (CASFE's MovieLens protocol, protocols/p4.py): windows of this many ratings; 0 = the
    # leave-one-out split of P1-P3.
    p4_window: int = 0
    # Side file with one category per item (DMRAN, SSRF read them as cat_seq), relative to the
    # repository root like path, and its format (data/categories.py); "" = none.
    item_categories: str = ""
    item_categories_format: str = ""

    def check(self) -> None:
        if self.format not in DATA_FORMATS:
            raise ConfigError(f"data.format: expected one of {', '.join(DATA_FORMATS)}, got {self.format!r}")
        if not self.path:
            raise ConfigError("data.path: expected a dataset path, got nothing")
        if not self.name:
            self.name = Path(self.path).name
        if not self.key:
            self.key = self.name.split(" ")[0]
        if bool(self.item_categories) != bool(self.item_categories_format):
            raise ConfigError("data.item_categories and data.item_categories_format: give both or neither")
        if self.item_categories_format and self.item_categories_format not in CATEGORY_FORMATS:
            raise ConfigError(f"data.item_categories_format: expected one of {', '.join(CATEGORY_FORMATS)}, "
                              f"got {self.item_categories_format!r}")
        if self.min_interactions < 0:
            raise ConfigError(f"data.min_interactions: expected >= 0, got {self.min_interactions}")
        if self.p4_window < 0 or self.p4_window == 1:
            raise ConfigError(f"data.p4_window: expected 0 (no P4) or a window of at least 2, got {self.p4_window}")


@dataclass
class TrainConfig:
    seed: int = 42
    epochs: int = 200
    batch_size: int = 128
    lr: float = 1e-3
    weight_decay: float = 0.0
    optimizer: str = "adam"  # adam | adamw (decoupled weight decay, ConvRec's choice) | adagrad (AttRec's)
    # Adam's second-moment decay: 0.98 as the SASRec reference code; torch's default is 0.999
    # (what the SASRec+ study's Lightning module leaves in place).
    adam_beta2: float = 0.98
    # Validation (P1 on the second-last item) every eval_every epochs; stop after `patience`
    # evaluations without improvement of `early_stop_metric`.
    eval_every: int = 2
    patience: int = 5
    early_stop_metric: str = "NDCG@10"
    # Validate on a sample of this many users (seeded with train.seed), 0 = all: full ranking of a
    # 10^6-item catalogue for every user would cost more than the epoch.
    valid_users: int = 0
    # Models trained on whole sequences (SASRec, ConvRec): also train on the older max_len-target
    # stretches of long histories, not only the newest (data.TrainSequences).
    older_windows: bool = False
    # Plateau learning-rate decay: when `patience` evaluations bring no gain, restart from best.pt
    # with lr multiplied by lr_decay_factor, up to lr_decays times, and stop only after the last.
    # Adam at a constant lr ends its run still bouncing around the optimum; a smaller step
    # from the best point settles into it. 0 decays = stop at the first plateau.
    lr_decays: int = 0
    lr_decay_factor: float = 0.1
    # Wall-clock budget for the whole run (across resumes); 0 = none.
    max_minutes: float = 0.0
    # The budget also ends an epoch part-way (the rest of its batches unused, then validation):
    # for a catalogue whose one epoch outlasts the budget. False: an epoch always finishes.
    budget_within_epoch: bool = False
    # CPU threads of torch and of OpenBLAS (cpu_threads.py: its spinning pool ignores torch); 0 = defaults.
    threads: int = 2

    def check(self) -> None:
        if self.valid_users < 0:
            raise ConfigError(f"train.valid_users: expected 0 (all users) or a sample size, got {self.valid_users}")
        positive = {"epochs": self.epochs, "batch_size": self.batch_size, "eval_every": self.eval_every,
                    "patience": self.patience}
        for key, value in positive.items():
            if value <= 0:
                raise ConfigError(f"train.{key}: expected a positive integer, got {value}")
        if self.lr <= 0:
            raise ConfigError(f"train.lr: expected a positive number, got {self.lr}")
        if self.lr_decays < 0:
            raise ConfigError(f"train.lr_decays: expected 0 or more, got {self.lr_decays}")
        if not 0.0 < self.lr_decay_factor < 1.0:
            raise ConfigError(f"train.lr_decay_factor: expected a number in (0, 1), got {self.lr_decay_factor}")
        if not 0.0 < self.adam_beta2 < 1.0:
            raise ConfigError(f"train.adam_beta2: expected a number in (0, 1), got {self.adam_beta2}")
        if self.optimizer not in ("adam", "adamw", "adagrad"):
            raise ConfigError(f"train.optimizer: expected adam, adamw or adagrad, got {self.optimizer!r}")
        if self.early_stop_metric not in ("HR@10", "NDCG@10", "HR@20", "NDCG@20", "MRR"):
            raise ConfigError(f"train.early_stop_metric: expected HR@10, NDCG@10, HR@20, NDCG@20 or MRR, "
                              f"got {self.early_stop_metric!r}")


@dataclass
class RunConfig:
    name: str
    data: DataConfig
    model_name: str
    model: Any  # the model class's Config dataclass instance
    train: TrainConfig = field(default_factory=TrainConfig)

    def to_dict(self) -> dict:
        return {"name": self.name,
                "data": dataclasses.asdict(self.data),
                "model": {"name": self.model_name, **dataclasses.asdict(self.model)},
                "train": dataclasses.asdict(self.train)}


def _type_name(tp) -> str:
    return getattr(tp, "__name__", str(tp))


def _coerce(value, tp, where: str):
    """Checks `value` against the annotated type `tp` (int, float, str, bool, list[...])."""
    origin = typing.get_origin(tp)
    if origin in (list, tuple):
        (inner,) = typing.get_args(tp)[:1]
        if not isinstance(value, list):
            raise ConfigError(f"{where}: expected a list of {_type_name(inner)}, got {value!r}")
        return [_coerce(v, inner, f"{where}[{i}]") for i, v in enumerate(value)]
    if tp is bool:
        if not isinstance(value, bool):
            raise ConfigError(f"{where}: expected true or false, got {value!r}")
        return value
    if tp is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(f"{where}: expected an integer, got {value!r}")
        return value
    if tp is float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ConfigError(f"{where}: expected a number, got {value!r}")
        return float(value)
    if tp is str:
        if not isinstance(value, str):
            raise ConfigError(f"{where}: expected a string, got {value!r}")
        return value
    raise ConfigError(f"{where}: unsupported config type {tp}")


def build_dataclass(cls, values: dict | None, where: str):
    """Builds dataclass `cls` from a dict, refusing unknown keys and wrong types."""
    values = values or {}
    if not isinstance(values, dict):
        raise ConfigError(f"{where}: expected a mapping, got {values!r}")
    hints = typing.get_type_hints(cls)
    fields = {f.name: f for f in dataclasses.fields(cls)}
    unknown = sorted(set(values) - set(fields))
    if unknown:
        raise ConfigError(f"{where}.{unknown[0]}: unknown key; expected one of {', '.join(sorted(fields))}")
    kwargs = {k: _coerce(v, hints[k], f"{where}.{k}") for k, v in values.items()}
    missing = [name for name, f in fields.items()
               if name not in kwargs and f.default is dataclasses.MISSING
               and f.default_factory is dataclasses.MISSING]
    if missing:
        raise ConfigError(f"{where}.{missing[0]}: required key is missing")
    return cls(**kwargs)


def config_from_dict(raw: dict, source: str = "config") -> RunConfig:
    if not isinstance(raw, dict):
        raise ConfigError(f"{source}: expected a mapping at the top level, got {type(raw).__name__}")
    unknown = sorted(set(raw) - {"name", "data", "model", "train"})
    if unknown:
        raise ConfigError(f"{source}: {unknown[0]}: unknown key; expected name, data, model, train")
    name = raw.get("name")
    if not isinstance(name, str) or not name:
        raise ConfigError(f"{source}: name: expected the run name (a string), got {name!r}")
    model_raw = dict(raw.get("model") or {})
    model_name = model_raw.pop("name", None)
    if not isinstance(model_name, str):
        raise ConfigError(f"{source}: model.name: expected a model name, got {model_name!r}")
    try:
        cls = model_class(model_name)
    except KeyError as e:
        raise ConfigError(f"{source}: model.name: {e.args[0]}") from None
    try:
        data = build_dataclass(DataConfig, raw.get("data"), "data")
        model = build_dataclass(cls.Config, model_raw, "model")
        train = build_dataclass(TrainConfig, raw.get("train"), "train")
        data.check()
        train.check()
        if hasattr(model, "check"):
            model.check()
        if getattr(model, "loss", "") in SAMPLED_LOSSES:
            if train.weight_decay:
                raise ConfigError(f"train.weight_decay: model.loss {model.loss} trains the item table with SparseAdam, "
                                  f"which has no weight decay; set train.weight_decay: 0 (got {train.weight_decay})")
            if train.optimizer not in ("adam", "adamw"):
                raise ConfigError(f"train.optimizer: model.loss {model.loss} trains the item table with SparseAdam "
                                  f"beside adam or adamw, got {train.optimizer!r}")
    except ConfigError as e:
        raise ConfigError(f"{source}: {e}") from None
    return RunConfig(name=name, data=data, model_name=model_name, model=model, train=train)


def load_config(path: str | Path) -> RunConfig:
    # yaml is imported here, not at the top: building a model from a checkpoint's config
    # (checkpoint.model_from_checkpoint) then needs only torch and numpy, which is all a lent
    # GPU machine may offer (tools/gpu_check.py).
    import yaml

    path = Path(path)
    try:
        raw = yaml.safe_load(path.read_text())
    except yaml.YAMLError as e:
        raise ConfigError(f"{path}: not valid YAML: {e}") from None
    return config_from_dict(raw, str(path))
