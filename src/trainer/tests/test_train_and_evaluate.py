"""One-epoch smoke training, resume, early stopping, and the evaluate command's result files."""
import json
import re

import numpy as np
import pytest
import torch

from nextitem_trainer.core import checkpoint
from nextitem_trainer.core.evaluation import evaluate, p2_negatives
from nextitem_trainer.core.models.mostpop import MostPop
from nextitem_trainer.tools.reports import run_evaluate
from nextitem_trainer.core.train import train
from nextitem_trainer.core.config import ConfigError
from nextitem_trainer.core.data import eval_users, train_popularity

from conftest import tiny_run_config


def test_one_epoch_smoke_train_then_resume(tmp_path, tiny_config, tiny_log):
    best = train(tiny_config, tmp_path / "run", progress=False)
    assert {p.name for p in (tmp_path / "run").iterdir()} >= {"best.pt", "last.pt", "train.log", "config.yaml"}
    ckpt = checkpoint.load(best)
    assert ckpt["config"]["model"]["hidden"] == 16 and ckpt["item_ids"] == tiny_log.item_ids
    assert ckpt["data"]["sha256"] == tiny_log.sha256
    with pytest.raises(FileExistsError, match="--resume"):
        train(tiny_config, tmp_path / "run", progress=False)
    tiny_config.train.epochs = 3
    train(tiny_config, tmp_path / "run", resume=True, progress=False)
    last = checkpoint.load(tmp_path / "run" / "last.pt")
    assert [h["epoch"] for h in last["state"]["history"]] == [1, 2, 3]
    assert "valid HR@10" in (tmp_path / "run" / "train.log").read_text()


def test_training_learns_the_synthetic_world(tmp_path, tiny_config, tiny_log):
    tiny_config.train.epochs = 8
    tiny_config.train.eval_every = 8
    model, _ = checkpoint.model_from_checkpoint(checkpoint.load(train(tiny_config, tmp_path / "r", progress=False)))
    learned = evaluate(model, tiny_log, "test")["P1"]["HR@10"]
    pop = MostPop(MostPop.Config(max_len=10), tiny_log.num_items).fit(train_popularity(tiny_log))
    assert learned > evaluate(pop, tiny_log, "test")["P1"]["HR@10"] + 0.1


def test_p2_negatives_are_unseen_distinct_and_fixed(tiny_log):
    users = eval_users(tiny_log)
    a, b = p2_negatives(tiny_log, users, seed=5, count=20), p2_negatives(tiny_log, users[::-1], seed=5, count=20)
    assert np.array_equal(a, b[::-1])  # per-user generators: the user subset and order do not matter
    for row, user in zip(a, users):
        assert len(set(row)) == 20 and not set(row) & set(tiny_log.sequences[user].tolist())
    assert not np.array_equal(a, p2_negatives(tiny_log, users, seed=6, count=20))


def test_evaluate_writes_result_files(tmp_path, tiny_config):
    best = train(tiny_config, tmp_path / "run", progress=False)
    results = run_evaluate([str(best)], ("P1",), out_dir=tmp_path / "results")
    written = json.loads((tmp_path / "results" / "sasrec_tiny_P1.json").read_text())
    assert written == results["P1"]
    for key in ("model", "dataset", "protocol", "metrics", "seeds", "config", "dataset_sha256", "commit",
                "train_seconds", "epochs", "machine"):
        assert key in written
    assert set(written["metrics"]) == {"HR@10", "NDCG@10", "HR@20", "NDCG@20", "MRR"}
    assert written["seeds"] == [3] and written["machine"]["cores"] >= 1
    plus = run_evaluate([str(best)], ("P1",), out_dir=tmp_path / "results", variant="plus")["P1"]
    assert plus["variant"] == "plus" and (tmp_path / "results" / "sasrec-plus_tiny_P1.json").exists()
    pop = run_evaluate([str(best)], ("P1",), baseline="mostpop", out_dir=tmp_path / "results")["P1"]
    assert pop["model"] == "mostpop" and (tmp_path / "results" / "mostpop_tiny_P1.json").exists()


def test_several_seeds_give_mean_and_std(tmp_path, tiny_config):
    runs = []
    for seed in (1, 2):
        tiny_config.train.seed = seed
        runs.append(str(train(tiny_config, tmp_path / f"s{seed}", progress=False)))
    result = run_evaluate(runs, ("P1", "P2"), write=False)
    assert result["P1"]["seeds"] == [1, 2] and len(result["P1"]["metrics_per_seed"]) == 2
    assert set(result["P2"]["metrics"]) == {"HR@10", "NDCG@10"} and "metrics_std" in result["P2"]


def test_p3_reports_hr50_and_mrr_from_the_same_full_ranking_as_p1(tmp_path, tiny_config, tiny_log):
    model, _ = checkpoint.model_from_checkpoint(checkpoint.load(train(tiny_config, tmp_path / "r", progress=False)))
    figures = evaluate(model, tiny_log, "test", ("P1", "P3"))
    assert set(figures["P3"]) == {"HR@50", "NDCG@50", "MRR", "users"}
    assert figures["P3"]["MRR"] == figures["P1"]["MRR"]  # one ranking, two reports
    assert figures["P3"]["HR@50"] >= figures["P1"]["HR@20"]


def test_older_windows_train_and_are_refused_for_window_models(tmp_path, tiny_config, tiny_clicks):
    tiny_config.model.max_len = 4  # tiny histories are longer than 4: older windows exist
    tiny_config.train.older_windows = True
    train(tiny_config, tmp_path / "run", progress=False)
    found = re.search(r"older windows: (\d+) training sequences for (\d+) users", (tmp_path / "run" / "train.log").read_text())
    assert found and int(found.group(1)) > int(found.group(2))
    attrec = tiny_run_config(tiny_clicks, "tiny-attrec", {"name": "attrec", "hidden": 8, "max_len": 3},
                             older_windows=True)
    with pytest.raises(ConfigError, match="train.older_windows"):
        train(attrec, tmp_path / "attrec", progress=False)
