"""Export of a tiny model: a version folder exactly as schemas/model/README.md specifies, and a
graph that (run by a NumPy ONNX interpreter) reproduces golden.json."""
import hashlib
import json

import numpy as np
import onnx
import pytest
import torch

import onnx_numpy
from manifest_schema import validate
from nextitem_trainer.serving.export import MIN_SCORE_GAP, export
from nextitem_trainer.core.train import train

TOP_K = 5
MAX_LEN = 10


@pytest.fixture(scope="module")
def version(tmp_path_factory, tiny_clicks):
    from conftest import TINY_CONFIG
    from nextitem_trainer.core.config import config_from_dict
    import copy

    raw = copy.deepcopy(TINY_CONFIG)
    raw["data"]["path"] = str(tiny_clicks)
    raw["train"]["epochs"] = 2
    torch.set_num_threads(1)
    base = tmp_path_factory.mktemp("export")
    best = train(config_from_dict(raw), base / "run", progress=False)
    return export(best, base / "registry", version="sasrec-test-1", top_k=TOP_K)


def test_folder_holds_exactly_the_contract_files(version):
    assert sorted(p.name for p in version.iterdir()) == \
        ["golden.json", "item_vectors.npy", "items.tsv", "manifest.json", "model.onnx", "popularity.tsv",
         "query.onnx", "weights.pt"]  # SASRec has a retrieval form, which --forms auto writes
    assert not list(version.parent.glob(".*"))  # no temporary folder left behind


def test_manifest_fields_and_checksums(version):
    manifest = json.loads((version / "manifest.json").read_text())
    validate(manifest)
    assert manifest["version"] == version.name == "sasrec-test-1"
    assert manifest["inputs"] == ["item_seq"] and manifest["opset"] == 17
    assert manifest["max_seq_len"] == MAX_LEN and manifest["top_k"] == TOP_K
    assert manifest["top_k_graph"] == TOP_K + MAX_LEN
    for name, entry in manifest["files"].items():
        assert hashlib.sha256((version / name).read_bytes()).hexdigest() == entry["sha256"]
    assert set(manifest["files"]) == {"model.onnx", "items.tsv", "popularity.tsv", "golden.json", "weights.pt",
                                      "query.onnx", "item_vectors.npy"}
    assert manifest["training_data"]["path"] == "tiny.csv.gz"  # a file name, never a machine path
    assert manifest["offline_metrics"]["protocol"] == "P1"


def test_vocabulary_and_popularity_files(version):
    manifest = json.loads((version / "manifest.json").read_text())
    items = (version / "items.tsv").read_text().splitlines()
    assert len(items) == manifest["num_items"]
    assert [line.split("\t")[0] for line in items] == [str(i) for i in range(1, len(items) + 1)]
    counts = [int(line.split("\t")[1]) for line in (version / "popularity.tsv").read_text().splitlines()]
    assert counts == sorted(counts, reverse=True) and counts[0] > 0


def test_graph_signature(version):
    model = onnx.load(str(version / "model.onnx"))
    onnx.checker.check_model(model)
    (inp,) = model.graph.input
    assert inp.name == "item_seq" and inp.type.tensor_type.elem_type == onnx.TensorProto.INT64
    assert [d.dim_param for d in inp.type.tensor_type.shape.dim] == ["batch", "seq"]  # both dynamic
    outputs = {o.name: o.type.tensor_type for o in model.graph.output}
    assert list(outputs) == ["top_items", "top_scores"]
    assert outputs["top_items"].elem_type == onnx.TensorProto.INT64
    assert outputs["top_scores"].elem_type == onnx.TensorProto.FLOAT
    for tensor in outputs.values():
        assert tensor.shape.dim[0].dim_param == "batch" and tensor.shape.dim[1].dim_value == TOP_K + MAX_LEN


def test_golden_cases_cover_full_cut_and_padded_batches(version):
    cases = json.loads((version / "golden.json").read_text())["cases"]
    shapes = [np.array(c["inputs"]["item_seq"]).shape for c in cases]
    assert shapes[0] == (4, MAX_LEN) and shapes[1] == (3, 7) and shapes[2] == (3, MAX_LEN)
    assert (np.array(cases[2]["inputs"]["item_seq"]) == 0).mean() > 0.7  # heavy padding
    for case in cases:
        items, scores = np.array(case["top_items"]), np.array(case["top_scores"])
        assert items.shape[1] == TOP_K + MAX_LEN and (items > 0).all()
        assert (np.diff(scores, axis=1) <= -MIN_SCORE_GAP).all()  # descending, no near-ties


@pytest.fixture(scope="module")
def reference_layout_version(tmp_path_factory, tiny_clicks):
    """SASRec+ as the study trains it: the reference code's block and positions counted from the
    oldest item (a CumSum over the padding mask in the graph)."""
    from conftest import tiny_run_config
    model = {"name": "sasrec", "hidden": 16, "blocks": 1, "heads": 2, "dropout": 0.1, "max_len": MAX_LEN,
             "loss": "ce", "block_layout": "reference", "positions": "from_left"}
    torch.set_num_threads(1)
    base = tmp_path_factory.mktemp("export-reference")
    best = train(tiny_run_config(tiny_clicks, "tiny-reference", model, epochs=2), base / "run", progress=False)
    return export(best, base / "registry", version="sasrec-reference-test-1", top_k=TOP_K)


@pytest.mark.parametrize("which", ["version", "reference_layout_version"])
def test_onnx_graph_reproduces_golden(which, request):
    """The exported graph itself (not the PyTorch module) gives golden.json's outputs."""
    version = request.getfixturevalue(which)
    for case in json.loads((version / "golden.json").read_text())["cases"]:
        feeds = {"item_seq": np.array(case["inputs"]["item_seq"], dtype=np.int64)}
        out = onnx_numpy.run(version / "model.onnx", feeds)
        assert out["top_items"].dtype == np.int64 and out["top_scores"].dtype == np.float32
        assert out["top_items"].tolist() == case["top_items"]
        assert np.abs(out["top_scores"] - np.array(case["top_scores"])).max() < 1e-4


def test_graph_is_dynamic_in_batch_and_length(version):
    golden = json.loads((version / "golden.json").read_text())["cases"][0]
    rows = np.array(golden["inputs"]["item_seq"], dtype=np.int64)[:2, -4:]  # B=2, L=4
    cut = onnx_numpy.run(version / "model.onnx", {"item_seq": rows})
    padded = np.zeros((2, MAX_LEN), dtype=np.int64)
    padded[:, -4:] = rows
    full = onnx_numpy.run(version / "model.onnx", {"item_seq": padded})
    assert cut["top_items"].tolist() == full["top_items"].tolist()
    assert np.allclose(cut["top_scores"], full["top_scores"], atol=1e-5)


def test_versions_are_immutable(version):
    with pytest.raises(FileExistsError, match="immutable"):
        export(version.parent.parent / "run" / "best.pt", version.parent, version=version.name)
