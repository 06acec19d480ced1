"""Results as data: every file under src/site/results in one layout, each JSON one valid against its
kind's schema (schemas/results/), and an index with suite, kind, machine, commit and date."""
import json
import shutil

import pytest

from nextitem_trainer.core.paths import RESULTS_DIR
from nextitem_trainer.tools.results_index import INDEX_FILE, ResultFileError, build_index, kind_of

QUALITY = {"model": "sasrec", "dataset": "ml-1m", "protocol": "P1", "metrics": {"HR@10": 0.27}, "seeds": [42],
           "dataset_sha256": "a" * 64, "commit": "0123456789abcdef",
           "machine": {"machine_id": "intel-xeon-2c-24g-avx2", "cores": 2}, "taken_at": "2026-12-07T06:00:00Z"}


def test_every_committed_result_file_is_valid_and_the_index_is_current():
    index = build_index()  # raises, naming every file that fails its schema
    assert json.loads((RESULTS_DIR / INDEX_FILE).read_text()) == index, \
        "src/site/results/index.json is not current: run trainer results-index"
    assert index["files"] == sum(1 for p in RESULTS_DIR.rglob("*") if p.is_file() and p.name != INDEX_FILE)
    for entry in index["entries"]:
        assert set(entry) == {"path", "suite", "kind", "machine", "commit", "date"}
        assert entry["suite"] == entry["path"].split("/")[0]


def _results(tmp_path, files: dict):
    root = tmp_path / "results"
    for rel, body in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(body if isinstance(body, str) else json.dumps(body))
    return root


def test_a_file_that_breaks_its_schema_is_named_with_the_field(tmp_path):
    broken = {k: v for k, v in QUALITY.items() if k != "metrics"} | {"seeds": "42"}
    root = _results(tmp_path, {"quality/sasrec_ml-1m_P1.json": broken})
    with pytest.raises(ResultFileError) as refused:
        build_index(root)
    assert "quality/sasrec_ml-1m_P1.json (quality): (top): 'metrics' is a required property" in str(refused.value)
    assert "seeds: '42' is not of type 'array'" in str(refused.value)


def test_a_file_of_no_kind_and_a_file_outside_the_layout_are_refused(tmp_path):
    root = _results(tmp_path, {"quality/notes.json": {"what": "a note"}, "sasrec_ml-1m_P1.json": QUALITY})
    with pytest.raises(ResultFileError) as refused:
        build_index(root)
    assert "quality/notes.json: no kind of result file matches it" in str(refused.value)
    assert "sasrec_ml-1m_P1.json: at the top of the results" in str(refused.value)


def test_the_index_says_unknown_where_a_file_does_not_say_and_attachments_take_their_folders_facts(tmp_path):
    old = {k: v for k, v in QUALITY.items() if k != "taken_at"} | {"machine": {"cores": 2, "cpu_model": "AMD EPYC"}}
    root = _results(tmp_path, {"quality/sasrec_ml-1m_P1.json": QUALITY, "quality/sasrec_ml-1m_P2.json": old | {"protocol": "P2"},
                               "soak/soak.json": {"minutes": 2}, "bench/run1/summary.json": {"catalogue_scaling": {"n": 1}},
                               "bench/run1/plot.png": "png"})
    with pytest.raises(ResultFileError, match="soak/soak.json \\(soak\\)|no kind"):
        build_index(root)  # a soak file without its figures
    (root / "soak" / "soak.json").unlink()
    (root / "soak").rmdir()
    entries = {e["path"]: e for e in build_index(root)["entries"]}
    assert entries["quality/sasrec_ml-1m_P1.json"] | {"path": None} == {
        "path": None, "suite": "quality", "kind": "quality", "machine": "intel-xeon-2c-24g-avx2",
        "commit": "0123456789abcdef", "date": "2026-12-07"}
    assert (entries["quality/sasrec_ml-1m_P2.json"]["machine"], entries["quality/sasrec_ml-1m_P2.json"]["date"]) == \
        ("amd-epyc-2c-partial", "unknown"), "an old file without a machine id (but its CPU and cores) or a date"
    assert entries["bench/run1/plot.png"] == {"path": "bench/run1/plot.png", "suite": "bench", "kind": "attachment",
                                              "machine": "unknown", "commit": "unknown", "date": "unknown"}


def test_kinds_are_told_apart_by_what_a_file_holds():
    assert kind_of(QUALITY) == "quality" and kind_of(QUALITY | {"protocol": "stream"}) == "stream"
    assert kind_of({"suite": "nextitem reliability", "scenarios": []}) == "reliability"
    assert kind_of({"anything": 1}) is None
