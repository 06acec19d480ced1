"""``test-models --reexport``: the Java tests' versions exported again from their own weights.pt,
so an exporter change reaches them with the weights and the served graph unchanged."""
import json
import shutil

from nextitem_trainer.core.paths import REPO_ROOT
from nextitem_trainer.tools.test_models import build_test_models

TEST_MODELS = REPO_ROOT / "src" / "test" / "resources" / "nextitem" / "models"


def test_reexport_keeps_the_weights_and_the_graph_and_rewrites_the_rest(tmp_path):
    shutil.copytree(TEST_MODELS / "sasrec", tmp_path / "sasrec")
    version = tmp_path / "sasrec" / "sasrec-test"
    (version / "query.onnx").unlink()  # as a version exported before the retrieval form
    before = {name: (version / name).read_bytes() for name in ("weights.pt", "model.onnx", "items.tsv")}
    old = json.loads((version / "manifest.json").read_text())

    (folder,) = build_test_models(["sasrec"], tmp_path, reexport=True)

    assert folder == version and (version / "query.onnx").is_file()
    assert {name: (version / name).read_bytes() for name in before} == before
    manifest = json.loads((version / "manifest.json").read_text())
    assert manifest["created_at"] == old["created_at"] and manifest["offline_metrics"] == old["offline_metrics"]
    assert manifest["config"] == old["config"] and manifest["retrieval"]["rewrite"] == "none"
    assert sorted(p.name for p in (tmp_path / "sasrec").iterdir()) == ["sasrec-test"]  # nothing else left
