"""Plateau learning-rate decay (train.lr_decays): back to the best weights at a smaller lr, and a
run stopped at a plateau resumed under a decay config lands exactly where training from scratch
under that config does."""
import shutil

import pytest
import torch

from nextitem_trainer.core import checkpoint
from nextitem_trainer.core.config import ConfigError, config_from_dict
from nextitem_trainer.core.train import train

from conftest import TINY_CONFIG


def _plateauing(tiny_config, decays: int):
    """The tiny config at an lr high enough to stall validation within a few epochs."""
    tiny_config.train.lr = 0.05
    tiny_config.train.epochs = 14
    tiny_config.train.patience = 1
    tiny_config.train.lr_decays = decays
    return tiny_config


def _last(run_dir):
    return checkpoint.load(run_dir / "last.pt")


def test_a_plateau_goes_back_to_the_best_weights_at_a_tenth_of_the_lr(tmp_path, tiny_config):
    best = train(_plateauing(tiny_config, decays=1), tmp_path / "run", progress=False)
    last = _last(tmp_path / "run")
    decayed_at = last["state"]["lr_decay_epochs"]
    assert len(decayed_at) == 1, "the tiny run should stall once at lr 0.05; the test needs a plateau"
    assert last["optimizer_state"]["param_groups"][0]["lr"] == pytest.approx(0.005)
    assert checkpoint.load(best)["lr_decay_epochs"] == decayed_at
    log_text = (tmp_path / "run" / "train.log").read_text()
    assert f"plateau at epoch {decayed_at[0]}: back to best epoch" in log_text
    assert last["state"]["epoch"] > decayed_at[0]  # it carried on instead of stopping


def test_without_decays_the_first_plateau_stops_the_run(tmp_path, tiny_config):
    train(_plateauing(tiny_config, decays=0), tmp_path / "run", progress=False)
    state = _last(tmp_path / "run")["state"]
    assert state["epoch"] < 14 and state["stale_evals"] == 1 and "lr_decay_epochs" not in state


def test_resuming_a_stopped_run_under_decays_equals_training_with_them_from_scratch(tmp_path, tiny_config):
    train(_plateauing(tiny_config, decays=0), tmp_path / "stopped", progress=False)
    shutil.copytree(tmp_path / "stopped", tmp_path / "resumed")
    train(_plateauing(tiny_config, decays=1), tmp_path / "resumed", resume=True, progress=False)
    train(_plateauing(tiny_config, decays=1), tmp_path / "scratch", progress=False)
    resumed, scratch = _last(tmp_path / "resumed"), _last(tmp_path / "scratch")
    assert resumed["state"]["lr_decay_epochs"] == scratch["state"]["lr_decay_epochs"]
    assert [h["loss"] for h in resumed["state"]["history"]] == [h["loss"] for h in scratch["state"]["history"]]
    for name, tensor in scratch["model_state"].items():
        assert torch.equal(resumed["model_state"][name], tensor), name


@pytest.mark.parametrize("key, value, message", [("lr_decays", -1, "train.lr_decays"),
                                                 ("lr_decay_factor", 1.0, "train.lr_decay_factor"),
                                                 ("lr_decay_factor", 0.0, "train.lr_decay_factor")])
def test_decay_settings_out_of_range_name_their_key(key, value, message):
    raw = {**TINY_CONFIG, "train": {**TINY_CONFIG["train"], key: value}}
    with pytest.raises(ConfigError, match=message):
        config_from_dict(raw)
