"""Shared fixtures: a tiny synthetic click world and a tiny SASRec config, so every test runs
in seconds on two cores."""
from __future__ import annotations

import copy

import pytest
import torch

from nextitem_trainer.core.config import config_from_dict
from nextitem_trainer.core.data import load_log
from nextitem_trainer.tools.synthetic import make_world, write_clicks

TINY_ITEMS = 160


@pytest.fixture(autouse=True)
def _one_thread():
    torch.set_num_threads(1)


@pytest.fixture(scope="session")
def tiny_world():
    return make_world(seed=0, items=TINY_ITEMS, categories=10)


@pytest.fixture(scope="session")
def tiny_clicks(tmp_path_factory, tiny_world):
    path = tmp_path_factory.mktemp("clicks") / "tiny.csv.gz"
    return write_clicks(path, users=150, seed=1, world=tiny_world)


@pytest.fixture(scope="session")
def tiny_log(tiny_clicks):
    return load_log(tiny_clicks, "csv", "tiny synthetic")


TINY_CONFIG = {
    "name": "tiny",
    "data": {"path": "set-by-test", "format": "csv", "name": "tiny synthetic", "key": "tiny"},
    "model": {"name": "sasrec", "hidden": 16, "blocks": 1, "heads": 2, "dropout": 0.1, "max_len": 10, "loss": "ce"},
    "train": {"seed": 3, "epochs": 1, "batch_size": 32, "lr": 0.005, "eval_every": 1, "patience": 2, "threads": 1},
}


def tiny_run_config(clicks, name: str, model: dict, **train):
    """TINY_CONFIG for another model on the tiny clicks: the model section replaced, train
    settings overridden.  -> RunConfig"""
    raw = copy.deepcopy(TINY_CONFIG)
    raw["name"] = name
    raw["data"]["path"] = str(clicks)
    raw["model"] = model
    raw["train"].update(train)
    return config_from_dict(raw)


@pytest.fixture
def tiny_config(tiny_clicks):
    raw = copy.deepcopy(TINY_CONFIG)
    raw["data"]["path"] = str(tiny_clicks)
    return config_from_dict(raw)
