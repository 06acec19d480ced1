"""finetune on snapshot folders as the job writes them: the newest version continues, grows its
vocabulary for new items, publishes only when not worse, records parent and learned snapshots."""
import json
from pathlib import Path

import avro.schema
import numpy as np
import pytest
import torch
from avro.datafile import DataFileWriter
from avro.io import DatumWriter

from conftest import tiny_run_config
from nextitem_trainer.core.data.snapshots import SnapshotError, complete_snapshots, read_snapshot
from nextitem_trainer.serving.export import export
from nextitem_trainer.serving.finetune import finetune, grown_model, watch
from nextitem_trainer.core import checkpoint
from nextitem_trainer.core.train import train

SCHEMA = avro.schema.parse((Path(__file__).resolve().parents[3] / "schemas" / "avro" / "TrainingExample.avsc").read_text())
T0 = 1_767_225_600_000


def write_snapshot(root: Path, name: str, rows: list[dict], manifest_count: int | None = None, manifest=True) -> Path:
    folder = root / name
    folder.mkdir(parents=True)
    with open(folder / "part-0-0.avro", "wb") as f:
        writer = DataFileWriter(f, DatumWriter(), SCHEMA)
        for row in rows:
            writer.append(row)
        writer.close()
    if manifest:
        (folder / "_manifest.json").write_text(json.dumps({
            "snapshot": name, "examples": len(rows) if manifest_count is None else manifest_count,
            "files": ["part-0-0.avro"], "new_item_ids": []}))
    return folder


def rows_from(clicks: Path, new_item: str, start_ms: int) -> list[dict]:
    """One example per consecutive pair of each user's clicks in the tiny log, and every user's
    last click followed by a click on `new_item` (never seen in training)."""
    by_user: dict[str, list[str]] = {}
    import gzip
    for line in gzip.open(clicks, "rt").read().splitlines()[1:]:
        user, item = line.split(",")[:2]
        by_user.setdefault(user, []).append(item)
    rows, t = [], start_ms
    for user, items in list(by_user.items())[:60]:
        items = items[-6:] + [new_item]
        for n in range(1, len(items)):
            t += 1000
            rows.append({"event_id": f"{user}-{n}", "user_id": user, "prefix_item_ids": items[:n],
                         "prefix_event_times_millis": [t - 1000 * (n - k) for k in range(n)],
                         "prefix_categories": [None] * n, "next_item_id": items[n], "next_event_time_millis": t,
                         "next_category": None, "snapshot_start_millis": start_ms})
    return rows


@pytest.fixture
def registry(tmp_path, tiny_clicks):
    model = {"name": "sasrec", "hidden": 16, "blocks": 1, "heads": 1, "dropout": 0.1, "max_len": 10, "loss": "ce"}
    torch.set_num_threads(1)
    best = train(tiny_run_config(tiny_clicks, "tiny-ft", model, epochs=2), tmp_path / "run", progress=False)
    export(best, tmp_path / "registry", version="sasrec-v1", top_k=5)
    return tmp_path / "registry"


def test_a_new_version_learns_the_snapshot_and_its_new_item(registry, tmp_path, tiny_clicks):
    snapshots = tmp_path / "snapshots"
    write_snapshot(snapshots, "snapshot-20260101T000000Z", rows_from(tiny_clicks, "brand-new-item", T0))
    write_snapshot(snapshots, "snapshot-20260101T001500Z", [], manifest=False)  # still being written

    published = finetune(registry, snapshots, epochs=1, tolerance=1.0, progress=False)

    manifest = json.loads((published / "manifest.json").read_text())
    assert manifest["parent_version"] == "sasrec-v1"
    assert manifest["learned_snapshots"] == ["snapshot-20260101T000000Z"]
    parent = json.loads((registry / "sasrec-v1" / "manifest.json").read_text())
    assert manifest["num_items"] == parent["num_items"] + 1
    assert (published / "items.tsv").read_text().splitlines()[-1].endswith("\tbrand-new-item")
    assert manifest["retrieval"] == parent["retrieval"]  # the parent carries a retrieval form, so the child does
    assert (published / "query.onnx").is_file() and (published / "item_vectors.npy").is_file()
    record = manifest["finetune"]
    assert record["new_items"] == 1 and record["train_rows"] + record["validation_rows"] == 60 * 6
    assert {"NDCG@10", "HR@10"} <= set(record["valid"]) and record["wall_seconds"] >= 0
    assert finetune(registry, snapshots, epochs=1, tolerance=1.0, progress=False) is None  # nothing new now


def test_a_version_worse_than_its_parent_is_not_published(registry, tmp_path, tiny_clicks):
    snapshots = tmp_path / "snapshots"
    write_snapshot(snapshots, "snapshot-20260101T000000Z", rows_from(tiny_clicks, "brand-new-item", T0))
    assert finetune(registry, snapshots, epochs=1, tolerance=-1.0, progress=False) is None  # demands +1.0 NDCG
    assert sorted(p.name for p in registry.iterdir()) == ["sasrec-v1"]


def test_a_snapshot_short_of_its_manifest_is_refused(tmp_path):
    folder = write_snapshot(tmp_path, "snapshot-x", [], manifest_count=3)
    assert complete_snapshots(tmp_path) == [folder]
    with pytest.raises(SnapshotError, match="0 rows .* the manifest says 3"):
        read_snapshot(folder)


def test_growing_keeps_every_old_row_and_adds_rows_for_new_items(registry):
    ckpt = checkpoint.load(registry / "sasrec-v1" / "weights.pt")
    n = len(ckpt["item_ids"])
    model, _ = grown_model(ckpt, n + 3)
    old = ckpt["model_state"]["item_emb.weight"]
    assert model.item_emb.weight.shape[0] == n + 4
    assert torch.equal(model.item_emb.weight[:n + 1], old)
    assert model.item_emb.weight[n + 1:].abs().sum() > 0


TEST_MODELS = Path(__file__).resolve().parents[3] / "src" / "test" / "resources" / "nextitem" / "models"


@pytest.mark.parametrize("family", sorted(p.name for p in TEST_MODELS.iterdir() if p.is_dir()))
def test_every_served_family_fine_tunes_and_exports(family, tmp_path, tiny_clicks):
    """Each family's test version (the Java tests serve them) continues on a snapshot: inputs by
    contract name (times, categories, users), its own loss on one target, growth, export."""
    import shutil
    version = next(p for p in (TEST_MODELS / family).iterdir() if (p / "manifest.json").is_file())
    registry = tmp_path / "registry"
    shutil.copytree(version, registry / version.name)
    items = [line.split("\t")[1] for line in (version / "items.tsv").read_text().splitlines()]
    rows = []
    for u in range(30):
        seq = [items[(u * 7 + k * 3) % len(items)] for k in range(5)] + ["new-item-" + str(u % 3)]
        for n in range(1, len(seq)):
            t = T0 + u * 100_000 + n * 1000
            rows.append({"event_id": f"{u}-{n}", "user_id": f"u1-{u}", "prefix_item_ids": seq[:n],
                         "prefix_event_times_millis": [t - 86_400_000 * (n - k) for k in range(n)],
                         "prefix_categories": ["never-seen"] * n, "next_item_id": seq[n], "next_event_time_millis": t,
                         "next_category": None, "snapshot_start_millis": T0})
    write_snapshot(tmp_path / "snapshots", "snapshot-20260101T000000Z", rows)

    published = finetune(registry, tmp_path / "snapshots", epochs=1, tolerance=1.0, progress=False)

    manifest = json.loads((published / "manifest.json").read_text())
    assert manifest["name"] == json.loads((version / "manifest.json").read_text())["name"]
    assert manifest["num_items"] == len(items) + 3
    assert manifest["inputs"] == json.loads((version / "manifest.json").read_text())["inputs"]
    # The child has its parent's forms: a retrieval form for every family but DMRAN, and the
    # item vectors cover the grown catalogue.
    parent_retrieval = json.loads((version / "manifest.json").read_text()).get("retrieval")
    assert (family != "dmran") == bool(parent_retrieval)
    if parent_retrieval:
        assert manifest["retrieval"] == parent_retrieval
        assert np.load(published / "item_vectors.npy").shape == (len(items) + 3, parent_retrieval["dim"])
    else:
        assert "retrieval" not in manifest and not (published / "query.onnx").exists()


def test_a_parent_served_exactly_only_gets_a_child_served_exactly_only(tmp_path, tiny_clicks):
    sasrec = TEST_MODELS / "sasrec" / "sasrec-test"
    export(sasrec / "weights.pt", tmp_path / "registry", version="sasrec-exact", top_k=10, forms="exact")
    rows = rows_from(tiny_clicks, "brand-new-item", T0)
    write_snapshot(tmp_path / "snapshots", "snapshot-20260101T000000Z", rows)

    published = finetune(tmp_path / "registry", tmp_path / "snapshots", epochs=1, tolerance=1.0, progress=False)

    manifest = json.loads((published / "manifest.json").read_text())
    assert manifest["parent_version"] == "sasrec-exact"
    assert "retrieval" not in manifest and not (published / "item_vectors.npy").exists()


def test_a_watch_started_before_the_job_waits_for_the_folder_then_publishes(registry, tmp_path, tiny_clicks, capsys):
    import threading
    snapshots = tmp_path / "snapshots-not-yet"
    watcher = threading.Thread(target=watch, args=(registry, snapshots, 0.05),
                               kwargs={"max_polls": 200, "epochs": 1, "tolerance": 1.0, "progress": False})
    watcher.start()
    deadline = __import__("time").monotonic() + 10
    while "waiting for" not in capsys.readouterr().out and __import__("time").monotonic() < deadline:
        __import__("time").sleep(0.05)
    assert watcher.is_alive(), "the watch exited instead of waiting for the job's snapshot folder"
    write_snapshot(snapshots, "snapshot-20260101T000000Z", rows_from(tiny_clicks, "brand-new-item", T0))
    watcher.join(timeout=120)
    assert not watcher.is_alive()
    versions = {p.name for p in registry.iterdir()}
    assert len(versions) == 2 and "sasrec-v1" in versions, versions


class _ScoresByIndex(torch.nn.Module):
    """Scores item i as i: the highest index wins. Reads only item_seq, with a window of 2."""
    inputs = ("item_seq",)
    max_len = 2

    def full_sort_scores(self, batch):
        return torch.arange(6, dtype=torch.float32).expand(batch["item_seq"].shape[0], 6)


def test_validation_leaves_out_every_known_prefix_item_not_only_the_models_window():
    from nextitem_trainer.serving.finetune import Vocabulary, validate
    items = Vocabulary(["a", "b", "c", "d", "e"])  # indices 1..5
    # "e" (the best score) was clicked before the model's window of 2 ("b", "c"); the job never
    # recommends it, so the target "d" is first.
    row = {"user_id": "u", "prefix_item_ids": ["e", "b", "c"], "prefix_event_times_millis": [T0, T0 + 1, T0 + 2],
           "prefix_categories": [None, None, None], "next_item_id": "d"}
    figures = validate(_ScoresByIndex(), [row], items, Vocabulary([]), Vocabulary([]))
    assert figures["MRR"] == 1.0


def _version(registry, name, created_at):
    folder = registry / name
    folder.mkdir(parents=True)
    (folder / "manifest.json").write_text(json.dumps({"version": name, "created_at": created_at}))
    return folder


def test_the_parent_is_the_version_the_job_serves_not_merely_the_newest(tmp_path):
    from nextitem_trainer.serving.finetune import SERVING_RECORD, current_version

    registry = tmp_path / "registry"
    _version(registry, "v1", "2026-01-01T00:00:00Z")
    _version(registry, "v2", "2026-02-01T00:00:00Z")
    assert current_version(registry).name == "v2", "no serving record: the newest, as an unpinned job serves"
    # The job pinned v1 (a rollback) while v2 is on trial as a canary: finetune continues v1.
    (registry / SERVING_RECORD).write_text(json.dumps({"serving": "v1", "canary": {"candidate": "v2", "share": 0.1}}))
    assert current_version(registry).name == "v1"
    # A record naming a version no longer there falls back to the newest.
    (registry / SERVING_RECORD).write_text(json.dumps({"serving": "v0", "canary": None}))
    assert current_version(registry).name == "v2"
