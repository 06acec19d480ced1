"""``bench-model``: untrained versions of a chosen catalogue size and length, served like any other."""
import json

import numpy as np
import pytest

import onnx_numpy
from manifest_schema import validate
from nextitem_trainer.tools.bench_model import bench_model
from nextitem_trainer.core.paths import CONFIGS_DIR


@pytest.fixture(scope="module")
def version(tmp_path_factory):
    return bench_model(CONFIGS_DIR / "sasrec_ml-1m.yaml", num_items=500, max_len=12,
                       registry=tmp_path_factory.mktemp("bench-registry"))


def test_the_version_has_the_asked_shapes_and_says_it_is_untrained(version):
    manifest = json.loads((version / "manifest.json").read_text())
    validate(manifest)
    assert (manifest["num_items"], manifest["max_seq_len"]) == (500, 12)
    assert manifest["untrained"] is True
    assert version.name == "sasrec-bench-n500-l12"
    items = (version / "items.tsv").read_text().splitlines()
    assert items[0] == "1\ti1" and items[-1] == "500\ti500"


def test_the_graph_reproduces_its_golden_cases(version):
    golden = json.loads((version / "golden.json").read_text())
    for case in golden["cases"]:
        inputs = {name: np.asarray(value, dtype=np.int64) for name, value in case["inputs"].items()}
        out = onnx_numpy.run(version / "model.onnx", inputs)
        assert out["top_items"].tolist() == case["top_items"]
        assert np.abs(out["top_scores"] - np.array(case["top_scores"])).max() < 1e-4


def test_the_same_seed_gives_the_same_weights(tmp_path):
    a = bench_model(CONFIGS_DIR / "sasrec_ml-1m.yaml", 50, 5, tmp_path / "a")
    b = bench_model(CONFIGS_DIR / "sasrec_ml-1m.yaml", 50, 5, tmp_path / "b")
    assert (a / "model.onnx").read_bytes() == (b / "model.onnx").read_bytes()


def test_models_with_user_or_context_inputs_are_refused_by_name(tmp_path):
    with pytest.raises(ValueError, match="user_idx"):
        bench_model(CONFIGS_DIR / "attrec_ml-1m.yaml", 50, 5, tmp_path)


def test_a_catalogue_of_one_is_refused(tmp_path):
    with pytest.raises(ValueError, match="--items"):
        bench_model(CONFIGS_DIR / "sasrec_ml-1m.yaml", 1, 5, tmp_path)
