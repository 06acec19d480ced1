"""``fault-model --kind nan``: a version that passes its load-time checks and answers NaN only for one item."""
import json

import numpy as np

import onnx_numpy
from nextitem_trainer.serving.export import sha256_file
from nextitem_trainer.tools.fault_models import write_nan_version
from nextitem_trainer.core.paths import REPO_ROOT

SOURCE = REPO_ROOT / "src/test/resources/nextitem/models/sasrec/sasrec-test"


def test_nan_only_where_the_poison_item_is_and_the_original_scores_elsewhere(tmp_path):
    faulty = write_nan_version(SOURCE, tmp_path, "sasrec-nan-test")
    manifest = json.loads((faulty / "manifest.json").read_text())
    poison = manifest["fault"]["poison_item_index"]
    assert manifest["files"]["model.onnx"]["sha256"] == sha256_file(faulty / "model.onnx")
    assert manifest["version"] == "sasrec-nan-test"
    # The source's retrieval form does not know the fault: the copy is served exactly or not at all.
    assert "retrieval" in json.loads((SOURCE / "manifest.json").read_text())
    assert "retrieval" not in manifest and not (faulty / "query.onnx").exists()
    assert set(manifest["files"]) == {p.name for p in faulty.iterdir()} - {"manifest.json"}
    golden = json.loads((faulty / "golden.json").read_text())
    for case in golden["cases"]:
        item_seq = np.array(case["inputs"]["item_seq"], dtype=np.int64)
        assert poison not in item_seq, "the golden cases never hold the poison item, so parity still passes"
        out = onnx_numpy.run(faulty / "model.onnx", {"item_seq": item_seq})
        np.testing.assert_allclose(out["top_scores"], np.array(case["top_scores"], dtype=np.float32), rtol=1e-4, atol=1e-4)
        poisoned = item_seq.copy()
        poisoned[0, -1] = poison  # the first row only
        out = onnx_numpy.run(faulty / "model.onnx", {"item_seq": poisoned})
        assert np.isnan(out["top_scores"][0]).all()
        assert np.isfinite(out["top_scores"][1:]).all()
