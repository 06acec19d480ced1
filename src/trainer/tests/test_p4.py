"""P4 (CASFE's MovieLens protocol): rating filter, stride-N windows, the 2-hour rule, the time
split, metrics and intervals by hand, and a tiny train -> evaluate run through the CLI."""
import copy
import json

import numpy as np
import pytest
import torch

from nextitem_trainer.__main__ import main
from nextitem_trainer.core.config import ConfigError, config_from_dict
from nextitem_trainer.core.data.p4_windows import load_p4, time_split
from nextitem_trainer.core.models.mostpop import MostPop
from nextitem_trainer.protocols.p4 import bootstrap_ci, p4_metrics, p4_ranks, train_p4, wilson_ci

H = 3600


def write_ratings(path, rows):
    path.write_text("".join(f"{u}::{i}::{r}::{t}\n" for u, i, r, t in rows))
    return path


@pytest.fixture
def hand_log(tmp_path):
    # user 1, in file order (not time order): 9 ratings >= 4 after dropping the 3s and below.
    rows = [(1, 10, 5, 1000), (1, 11, 4, 1060), (1, 99, 3, 1090), (1, 12, 5, 1120),  # 99: rating 3, dropped
            (1, 14, 4, 1240 + 2 * H), (1, 13, 4, 1180 + 2 * H),  # 13 comes 2 h after 12: window 1 fails the rule
            (1, 15, 5, 1300 + 2 * H), (1, 16, 4, 1360 + 2 * H), (1, 17, 5, 1420 + 2 * H), (1, 98, 1, 1430 + 2 * H),
            (1, 18, 4, 1480 + 2 * H),  # a tail of 1 after two windows of 4: dropped
            (2, 10, 4, 50), (2, 12, 4, 60), (2, 13, 5, 70), (2, 15, 4, 70 + 2 * H - 1)]  # gap just under 2 h: kept
    return write_ratings(tmp_path / "ratings.dat", rows)


def item_ids(windows):
    return [[windows.log.item_ids[i - 1] for i in row] for row in windows.items]


def test_windows_keep_ratings_of_4_and_5_with_stride_n_and_the_2_hour_rule(hand_log):
    w = load_p4(hand_log, "movielens", "hand", 4)
    assert item_ids(w) == [["14", "15", "16", "17"], ["10", "12", "13", "15"]]
    assert [w.log.user_ids[u] for u in w.users] == ["1", "2"]
    assert "99" not in w.log.item_ids and "98" not in w.log.item_ids  # ratings below 4 are gone
    assert w.notes == {"ratings_read": 15, "ratings_kept": 13, "windows_dropped_by_gap": 1}
    assert w.target_time_s.tolist() == [1420 + 2 * H, 70 + 2 * H - 1]
    w3 = load_p4(hand_log, "movielens", "hand", 3)  # 9 items of user 1: windows 0-2, 3-5, 6-8
    assert item_ids(w3) == [["10", "11", "12"], ["13", "14", "15"], ["16", "17", "18"], ["10", "12", "13"]]
    assert w3.notes["windows_dropped_by_gap"] == 0  # the 12 -> 13 jump now falls between two windows
    batch = next(w3.examples("train").batches(10))
    assert batch["item_seq"].shape[1] == 2 and torch.equal(batch["target"], batch["target_next"][:, 0])


def test_time_split_puts_the_latest_targets_in_test():
    times = np.array([50, 10, 40, 30, 20, 60, 70, 80, 90, 100, 95])
    part = time_split(times, np.zeros(11, np.int64), np.arange(11))
    assert part.tolist() == [0, 0, 0, 0, 0, 0, 0, 1, 1, 2, 2]  # 11 windows: 2 test, 2 valid (ceil 10%)


def test_metrics_by_hand():
    m = p4_metrics(np.array([1, 3, 6, 25]))
    assert m["Recall@5"] == pytest.approx(2 / 4) and m["Recall@20"] == pytest.approx(3 / 4)
    assert m["MRR@5"] == pytest.approx((1 + 1 / 3) / 4) and m["MRR@20"] == pytest.approx((1 + 1 / 3 + 1 / 6) / 4)
    assert m["NDCG@5"] == pytest.approx((1 + 0.5) / 4) and m["NDCG@20"] == pytest.approx((1 + 0.5 + 1 / np.log2(7)) / 4)
    ci = bootstrap_ci(np.array([1, 3, 6, 25] * 50))
    assert all(lo <= round(m[k], 4) <= hi for k, (lo, hi) in ci.items())
    assert bootstrap_ci(np.full(30, 2))["MRR@5"] == [0.5, 0.5]
    lo, hi = wilson_ci(0.375, 32)
    assert 0.2 < lo < 0.375 < hi < 0.56


def test_ranks_count_every_item_with_pessimistic_ties(hand_log):
    w = load_p4(hand_log, "movielens", "hand", 4)
    counts = np.zeros(w.log.num_items + 1)
    index = {item: i + 1 for i, item in enumerate(w.log.item_ids)}
    for item, c in {"10": 5, "12": 5, "13": 3, "15": 3, "17": 9}.items():
        counts[index[item]] = c
    pop = MostPop(MostPop.Config(max_len=3), w.log.num_items).fit(counts)
    w.part[:] = 2  # both windows as test
    # targets 17 (best: rank 1) and 15 (ties with 13, behind 17, 10, 12: 1 + 3 + 1 = 5); the
    # window's own items (10, 12, 13) still compete
    assert p4_ranks(pop, w, "test").tolist() == [1, 5]


def tiny_ratings(path, users=60, per_user=30, items=120, seed=0):
    rng = np.random.default_rng(seed)
    rows = []
    for u in range(1, users + 1):
        start = int(rng.integers(0, 10 ** 6))
        seq = (np.arange(per_user) * 3 + u + rng.integers(0, 2, per_user)) % items + 1  # learnable: +3 steps
        for j, item in enumerate(seq):
            rows.append((u, int(item), 4 + j % 2, start + 60 * j))
    return write_ratings(path, rows)


def p4_config(path, **model):
    from conftest import TINY_CONFIG

    raw = copy.deepcopy(TINY_CONFIG)
    raw["name"] = "tiny-p4"
    raw["data"] = {"path": str(path), "format": "movielens", "name": "tiny ratings", "key": "tiny-n5",
                   "min_interactions": 0, "p4_window": 5}
    raw["model"] = {"name": "casfe", "hidden": 16, "max_len": 4, "kernels": [3, 2], "dropout": 0.1,
                    "attention": [8], "mlp": [16], **model}
    raw["train"].update({"epochs": 8, "batch_size": 32, "lr": 0.01, "early_stop_metric": "NDCG@20"})
    return config_from_dict(raw)


def test_config_checks(tmp_path):
    with pytest.raises(ConfigError, match="p4_window"):
        p4_config(tmp_path / "x.dat").data.__class__(path="x", p4_window=1).check()
    with pytest.raises(ConfigError, match="max_len"):
        train_p4(p4_config(tiny_ratings(tmp_path / "r.dat"), max_len=6), tmp_path / "run", progress=False)


def test_train_then_evaluate_through_the_cli(tmp_path):
    torch.set_num_threads(1)
    config = p4_config(tiny_ratings(tmp_path / "ratings.dat"))
    best = train_p4(config, tmp_path / "run", progress=False)
    assert "valid Recall@20" in (tmp_path / "run" / "train.log").read_text()
    with pytest.raises(FileExistsError):
        train_p4(config, tmp_path / "run", progress=False)
    assert main(["evaluate", "--checkpoint", str(best), "--protocol", "P4", "--out", str(tmp_path / "results")]) == 0
    result = json.loads((tmp_path / "results" / "casfe_tiny-n5_P4.json").read_text())
    for key in ("model", "dataset", "protocol", "metrics", "seeds", "config", "dataset_sha256", "commit",
                "train_seconds", "window", "ci95", "mostpop_same_windows", "paper_table2", "p4"):
        assert key in result
    assert result["protocol"] == "P4" and result["window"] == 5 and result["seeds"] == [3]
    assert set(result["metrics"]) == set(result["ci95"]) == {"Recall@5", "MRR@5", "NDCG@5", "Recall@20", "MRR@20", "NDCG@20"}
    assert result["test_cases"] == result["p4"]["windows"]["test"] > 0
    assert result["metrics"]["NDCG@20"] > result["mostpop_same_windows"]["NDCG@20"] + 0.1
    assert main(["evaluate", "--checkpoint", str(best), "--protocol", "P4", "P1", "--no-write"]) == 2
