"""Configs are checked in full: unknown keys and wrong types name the key and what was expected."""
import copy

import pytest

from conftest import TINY_CONFIG
from nextitem_trainer.core.config import ConfigError, config_from_dict, load_config
from nextitem_trainer.core.paths import CONFIGS_DIR


def broken(section, key, value):
    raw = copy.deepcopy(TINY_CONFIG)
    raw[section][key] = value
    return raw


@pytest.mark.parametrize("section,key,value,message", [
    ("train", "learning_rate", 0.1, "train.learning_rate: unknown key; expected one of"),
    ("model", "hiden", 64, "model.hiden: unknown key; expected one of"),
    ("train", "epochs", "ten", "train.epochs: expected an integer, got 'ten'"),
    ("train", "lr", True, "train.lr: expected a number, got True"),
    ("model", "loss", "hinge", "model.loss: expected one of ce, bce, sampled_softmax, gbce, got 'hinge'"),
    ("model", "heads", 3, "model.heads: expected a divisor of hidden=16, got 3"),
    ("data", "format", "parquet", "data.format: expected one of sasrec, movielens, movielens-tab, csv"),
    ("model", "name", "gru4rec", "model.name: unknown model 'gru4rec'"),
])
def test_bad_config_names_the_key(section, key, value, message):
    with pytest.raises(ConfigError) as e:
        config_from_dict(broken(section, key, value), "my.yaml")
    assert str(e.value).startswith("my.yaml: ")
    assert message in str(e.value)


def test_unknown_top_level_key():
    raw = copy.deepcopy(TINY_CONFIG)
    raw["optimizer"] = {}
    with pytest.raises(ConfigError, match="optimizer: unknown key"):
        config_from_dict(raw)


@pytest.mark.parametrize("name", ["sasrec_ml-1m.yaml", "sasrec_demo.yaml"])
def test_shipped_configs_load(name):
    config = load_config(CONFIGS_DIR / name)
    assert config.model_name == "sasrec"
    assert config.to_dict()["model"]["name"] == "sasrec"
    assert not config.data.path.startswith("/")
