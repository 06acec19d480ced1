"""full-retrain: one version per snapshot interval end, trained from scratch on the training file
plus every replayed click before that end; published as the job's snapshot for it completes."""
import copy
import datetime as dt
import gzip
import json

import pytest

from conftest import TINY_CONFIG
from nextitem_trainer.core.config import config_from_dict
from nextitem_trainer.protocols.full_retrain import (interval_ends, publish_as_snapshots_complete, read_clicks,
                                                     train_all, version_name, write_clicks)

HOUR_MS = 3_600_000


def test_interval_ends_are_epoch_aligned_and_skip_the_last():
    # clicks in hours 10, 10, 12 and 15 (epoch-aligned): snapshots end at 11, 13 and 16; the version
    # trained up to 16 would serve nothing.
    times = [10 * HOUR_MS + 5, 10 * HOUR_MS + 99, 12 * HOUR_MS, 15 * HOUR_MS + 1]
    assert interval_ends(times, HOUR_MS) == [11 * HOUR_MS, 13 * HOUR_MS]


def test_version_names_sort_with_the_data_they_saw():
    names = [version_name("sasrec", end) for end in (9 * 86_400_000, 10 * 86_400_000, 11 * 86_400_000)]
    assert names == sorted(names) and names[0] == "sasrec-retrain-19700110T000000Z"


@pytest.fixture
def split(tmp_path, tiny_clicks):
    """The tiny clicks split by time as stream-split does: the first 80% to train on, the rest to replay."""
    with gzip.open(tiny_clicks, "rt") as f:
        header, *lines = f.read().splitlines()
    lines.sort(key=lambda line: int(line.split(",")[2]))
    cut = int(len(lines) * 0.8)
    train_file, replay_file = tmp_path / "train.csv.gz", tmp_path / "replay.csv.gz"
    with gzip.open(train_file, "wt") as f:
        f.write("\n".join(["user_id,item_id,timestamp_ms"] + [",".join(x.split(",")[:3]) for x in lines[:cut]]) + "\n")
    with gzip.open(replay_file, "wt") as f:
        f.write("\n".join(["user_id,item_id,timestamp_ms,category"] + [",".join(x.split(",")[:4]) for x in lines[cut:]])
                + "\n")
    raw = copy.deepcopy(TINY_CONFIG)
    raw["name"], raw["data"]["path"] = "tiny-stream", str(train_file)
    return config_from_dict(raw), train_file, replay_file


def test_each_version_learns_everything_before_its_end_and_a_rerun_trains_nothing(split, tmp_path):
    config, train_file, replay_file = split
    replay_times = [c[2] for c in read_clicks(replay_file)]
    interval_ms = max(HOUR_MS, (max(replay_times) - min(replay_times)) // 3) // 60_000 * 60_000  # about three snapshots
    ends = interval_ends(replay_times, interval_ms)
    assert len(ends) >= 2, "the fixture should give at least two retrains"
    versions = train_all(config, replay_file, tmp_path / "retrained", interval_ms // 60_000, top_k=5, progress=False)

    assert [v.name for v in versions] == [version_name("sasrec", end) for end in ends]
    base = len(read_clicks(train_file))
    records = [json.loads((v / "manifest.json").read_text()) for v in versions]
    for end, manifest in zip(ends, records):
        record = manifest["full_retrain"]
        assert record["data_until_ms"] == end
        assert record["replayed_clicks"] == sum(t < end for t in replay_times) and record["clicks"] == base + \
            record["replayed_clicks"]
        assert record["train_wall_seconds"] >= 0 and record["seed"] == config.train.seed
    created = [m["created_at"] for m in records]
    assert created == sorted(created), "the newest version must be the one that saw the most"
    assert not list((tmp_path / "retrained").glob(".work-*")), "training folders are removed"

    stamps = [(v / "manifest.json").stat().st_mtime_ns for v in versions]
    again = train_all(config, replay_file, tmp_path / "retrained", interval_ms // 60_000, top_k=5, progress=False)
    assert [(v / "manifest.json").stat().st_mtime_ns for v in again] == stamps


def _snapshot(root, start_ms: int, length_ms: int, complete=True):
    name = "snapshot-" + dt.datetime.fromtimestamp(start_ms / 1000, dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    folder = root / name
    folder.mkdir(parents=True)
    if complete:
        end = dt.datetime.fromtimestamp((start_ms + length_ms) / 1000, dt.timezone.utc)
        (folder / "_manifest.json").write_text(json.dumps({
            "snapshot": name, "interval_end": end.strftime("%Y-%m-%dT%H:%M:%SZ"), "examples": 0, "files": []}))
    return folder


def _trained(root, end_ms: int):
    version = root / version_name("sasrec", end_ms)
    version.mkdir(parents=True)
    (version / "manifest.json").write_text(json.dumps({"full_retrain": {"data_until_ms": end_ms}}))
    (version / "model.onnx").write_bytes(b"weights")
    return version


def test_a_completed_snapshot_publishes_the_version_trained_up_to_its_end(tmp_path, caplog):
    day = 86_400_000
    trained, registry, snapshots = tmp_path / "trained", tmp_path / "registry", tmp_path / "snapshots"
    registry.mkdir()
    first, second = _trained(trained, 11 * day), _trained(trained, 12 * day)
    _snapshot(snapshots, 10 * day, day)                  # complete: ends at day 11
    _snapshot(snapshots, 11 * day, day, complete=False)  # still being written
    _snapshot(snapshots, 20 * day, day)                  # complete, but nothing was trained up to day 21

    assert publish_as_snapshots_complete(trained, registry, snapshots, max_polls=1) == [first.name]
    assert sorted(p.name for p in registry.iterdir()) == [first.name], "no staging folder is left behind"
    assert (registry / first.name / "model.onnx").read_bytes() == b"weights"
    assert "holds no version" in caplog.text

    (snapshots / "snapshot-19700112T000000Z" / "_manifest.json").write_text(json.dumps({
        "interval_end": "1970-01-13T00:00:00Z", "examples": 0, "files": []}))
    assert publish_as_snapshots_complete(trained, registry, snapshots, max_polls=1) == [second.name]


def test_clicks_round_trip_through_the_training_csv(tmp_path):
    clicks = [("u1", "i1", 1000), ("u2", "i9", 2000)]
    write_clicks(tmp_path / "c.csv.gz", clicks)
    assert read_clicks(tmp_path / "c.csv.gz") == clicks
