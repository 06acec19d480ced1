"""Checkpoints carry everything needed to evaluate or export a model without the run's config
file: the config, the item vocabulary, the training popularity and the dataset description."""
from __future__ import annotations

import os
from pathlib import Path

import torch

from .config import RunConfig, config_from_dict
from .models import Recommender, build_model


def save(path: Path, payload: dict) -> None:
    """Atomic: a crash mid-write leaves the previous checkpoint intact."""
    tmp = path.with_name(path.name + ".tmp")
    torch.save(payload, tmp)
    os.replace(tmp, path)


def load(path: str | Path) -> dict:
    path = Path(path)
    if path.is_dir():
        path = path / "best.pt"
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no checkpoint here (train writes RUN_DIR/best.pt and RUN_DIR/last.pt)")
    return torch.load(path, map_location="cpu")


def model_from_checkpoint(ckpt: dict) -> tuple[Recommender, RunConfig]:
    config = config_from_dict(ckpt["config"], "checkpoint config")
    model = build_model(config.model_name, config.model, len(ckpt["item_ids"]), len(ckpt.get("user_ids") or []),
                        len(ckpt.get("category_ids") or []))
    model.load_state_dict(ckpt["model_state"])
    model.eval()
    return model, config
