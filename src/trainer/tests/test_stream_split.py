"""stream-split: the first share of events by time trains, the rest replays, in time order."""
import gzip
import json

import pytest

from nextitem_trainer.stream_split import stream_split


def test_split_by_time_with_categories_on_the_replay_part(tmp_path):
    data = tmp_path / "u.data"
    # user item rating seconds, file order not time order
    rows = [(1, 10, 5, 50), (2, 11, 4, 10), (1, 12, 3, 30), (3, 10, 5, 40), (2, 13, 4, 20)]
    data.write_text("".join(f"{u}\t{i}\t{r}\t{t}\n" for u, i, r, t in rows))
    items = tmp_path / "u.item"
    flags = "|".join(["0"] * 18)
    items.write_text("".join(f"{i}|t|d||u|1|{flags}\n" for i in (10, 11, 12, 13)))

    summary = stream_split(data, "movielens-tab", 0.6, tmp_path / "out", str(items), "movielens-items")

    train = gzip.open(tmp_path / "out" / "train.csv.gz", "rt").read().splitlines()
    replay = gzip.open(tmp_path / "out" / "replay.csv.gz", "rt").read().splitlines()
    assert train == ["user_id,item_id,timestamp_ms", "2,11,10000", "2,13,20000", "1,12,30000"]
    assert replay == ["user_id,item_id,timestamp_ms,category", "3,10,40000,0", "1,10,50000,0"]
    assert summary["train_events"] == 3 and summary["replay_events"] == 2 and summary["cut_time_ms"] == 40000
    assert summary["replay_users_new"] == 1 and summary["replay_items_new"] == 1
    assert json.loads((tmp_path / "out" / "split.json").read_text()) == summary


def test_a_fraction_outside_zero_one_is_refused(tmp_path):
    with pytest.raises(ValueError, match="--fraction"):
        stream_split(tmp_path / "x", "csv", 1.0, tmp_path / "out")
