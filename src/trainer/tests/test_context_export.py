"""Export of the models that read event times, categories and users (DMRAN, SSRF): the manifest
declares the inputs, categories.tsv ships, and the golden cases exercise every input (old and
new events, unknown categories, unknown users)."""
import hashlib
import json

import numpy as np
import pytest
from conftest import tiny_run_config
from manifest_schema import validate
from nextitem_trainer.serving.export import GOLDEN_QUERY_TIME_S, export
from nextitem_trainer.core.train import train

MODELS = {
    "dmran": {"name": "dmran", "hidden": 16, "max_len": 10, "hops": 4, "time_buckets": 8},
    "ssrf": {"name": "ssrf", "hidden": 16, "max_len": 10, "conv_channels": 2, "blocks": 1, "heads": 2},
}


@pytest.fixture(scope="module", params=sorted(MODELS))
def version(request, tmp_path_factory, tiny_clicks):
    config = tiny_run_config(tiny_clicks, f"{request.param}-tiny-export", MODELS[request.param],
                             epochs=1, batch_size=128, lr=0.005)
    work = tmp_path_factory.mktemp(request.param)
    best = train(config, work / "run", progress=False)
    return export(best, work / "registry", version=f"{request.param}-test", top_k=5)


def test_manifest_declares_inputs_and_ships_categories(version, tiny_log):
    manifest = json.loads((version / "manifest.json").read_text())
    validate(manifest)
    assert "cat_seq" in manifest["inputs"] and manifest["num_categories"] == len(tiny_log.category_ids)
    assert "categories.tsv" in manifest["files"]
    for name, entry in manifest["files"].items():
        assert hashlib.sha256((version / name).read_bytes()).hexdigest() == entry["sha256"]
    lines = (version / "categories.tsv").read_text().splitlines()
    assert lines == [f"{i}\t{c}" for i, c in enumerate(tiny_log.category_ids, start=1)]
    broken = dict(manifest, files={k: v for k, v in manifest["files"].items() if k != "categories.tsv"})
    with pytest.raises(AssertionError, match="categories.tsv"):
        validate(broken)


def test_golden_cases_exercise_every_input(version, tiny_log):
    manifest = json.loads((version / "manifest.json").read_text())
    cases = json.loads((version / "golden.json").read_text())["cases"]
    cats = []
    for case in cases:
        inputs = case["inputs"]
        assert list(inputs) == manifest["inputs"]
        items = np.array(inputs["item_seq"])
        cat_seq = np.array(inputs["cat_seq"])
        assert cat_seq.shape == items.shape and (cat_seq[items == 0] == 0).all()
        cats.append(cat_seq[items > 0])
        if "time_seq" in inputs:
            times = np.array(inputs["time_seq"])
            assert (times[items == 0] == 0).all()
            for row, real in zip(times, items > 0):
                assert (np.diff(row[real]) >= 0).all()  # oldest first
            assert inputs["query_time"] == [GOLDEN_QUERY_TIME_S] * len(items)
    cats = np.concatenate(cats)
    assert (cats == 0).any() and (cats > 0).any()  # unknown and known categories
    assert cats.max() <= len(tiny_log.category_ids)
