"""The retrieval form (schemas/model/README.md, "The retrieval form"): for every model that has
one, query . item vector IS the exact score; export writes query.onnx and item_vectors.npy as
the contract pins them and checks them; a model without one (DMRAN, MostPop) says why, and a
wrong rewrite fails the export."""
import copy
import hashlib
import json
import time

import numpy as np
import onnx
import pytest
import torch

import onnx_numpy
import onnx_numpy_conv  # noqa: F401  (adds Conv, ReduceSum, Squeeze, Tanh to onnx_numpy)
from manifest_schema import validate
from nextitem_trainer.core import checkpoint
from nextitem_trainer.core.models import RetrievalUnsupported, build_model, model_class, registered_models
from nextitem_trainer.core.models.attrec import AttRec
from nextitem_trainer.core.models.ssrf import SSRF
from nextitem_trainer.core.paths import REPO_ROOT
from nextitem_trainer.serving.export import export

N, USERS, CATS, L = 40, 6, 5, 6
TEST_MODELS = REPO_ROOT / "src" / "test" / "resources" / "nextitem" / "models"

# Tiny configs of every model with a retrieval form, and the settings that change its score.
RETRIEVABLE = {
    "sasrec": {"hidden": 8, "blocks": 1, "heads": 2, "max_len": L},
    "sasrec-from-left-reference": {"name": "sasrec", "hidden": 8, "blocks": 2, "heads": 2, "max_len": L,
                                   "positions": "from_left", "block_layout": "reference"},
    "casfe": {"hidden": 8, "max_len": L, "kernels": [2, 2], "attention": [4], "mlp": [8]},
    "convrec": {"hidden": 8, "heads": 2, "kernel": 3, "blocks": 2, "max_len": L},
    "ssrf": {"hidden": 8, "max_len": L, "conv_channels": 2, "heads": 2},
    "attrec": {"hidden": 8, "max_len": L},
    "attrec-long-term-only": {"name": "attrec", "hidden": 8, "max_len": L, "weight": 1.0},
    "attrec-short-term-only": {"name": "attrec", "hidden": 8, "max_len": L, "weight": 0.0, "norm_clip": False},
}
WITHOUT = {"dmran": "candidate item steers the attention over the history",
           "mostpop": "do not depend on the user"}


def tiny_model(key: str):
    """The model with every float parameter drawn at random (nonzero biases included, so a
    dropped bias shows), in eval mode."""
    settings = dict(RETRIEVABLE.get(key, {}))
    name = settings.pop("name", key)
    cls = model_class(name)
    torch.manual_seed(0)
    model = build_model(name, cls.Config(**settings) if settings else cls.Config(max_len=L), N, USERS, CATS)
    with torch.no_grad():
        for p in model.parameters():
            p.normal_(0.0, 0.3)
    return model.eval()


def batch_for(model, width: int = L) -> dict[str, torch.Tensor]:
    """Four left-padded rows (lengths width, 3, 1, 2) of every input the model reads, an
    unknown user (0) and unknown categories (0) among them."""
    gen = torch.Generator().manual_seed(1)
    lengths = [width, min(3, width), 1, min(2, width)]
    item_seq = torch.zeros(4, width, dtype=torch.int64)
    for r, n in enumerate(lengths):
        item_seq[r, width - n:] = torch.randperm(N, generator=gen)[:n] + 1
    real = item_seq > 0
    batch = {"item_seq": item_seq,
             "time_seq": torch.where(real, 1_700_000_000 - 86_400 * torch.arange(width, 0, -1), 0),
             "query_time": torch.full((4,), 1_700_000_000, dtype=torch.int64),
             "cat_seq": torch.randint(0, CATS + 1, (4, width), generator=gen) * real,
             "user_idx": torch.tensor([1, 0, 3, USERS])}
    return {name: batch[name] for name in model.inputs}


@pytest.mark.parametrize("key", sorted(RETRIEVABLE))
def test_query_dot_item_vector_is_the_exact_score(key):
    model = tiny_model(key)
    form = model.retrieval_form()
    for width in (L, 3):  # a batch cut shorter than max_len too
        batch = batch_for(model, width)
        with torch.no_grad():
            exact = model.full_sort_scores(batch)[:, 1:]  # (B, N)
            query = form.query(*batch.values())  # (B, D)
        assert query.dtype == torch.float32 and query.shape == (4, form.dim)
        assert form.item_vectors.shape == (N, form.dim) and form.item_vectors.dtype == torch.float32
        inner = query @ form.item_vectors.T  # (B, N)
        assert torch.allclose(inner, exact, rtol=0, atol=1e-5 * float(exact.abs().max())), \
            (inner - exact).abs().max()
        assert torch.equal(torch.argsort(inner, 1, descending=True)[:, :10], torch.argsort(exact, 1, descending=True)[:, :10])


def test_the_rewrites_are_the_ones_the_contract_names():
    assert tiny_model("sasrec").retrieval_form().rewrite == "none"
    assert tiny_model("ssrf").retrieval_form().dim == 2 * 8 + 1  # [z, 1] . [W_i, b_i]
    assert (tiny_model("ssrf").retrieval_form().rewrite, tiny_model("attrec").retrieval_form().rewrite) == ("bias", "distance")
    assert tiny_model("attrec").retrieval_form().dim == 2 * 8 + 2  # [2w u, 2(1-w) m, 1, -|q|^2] . [V_i, X_i, -|i|^2, 1]


@pytest.mark.parametrize("name", sorted(WITHOUT))
def test_a_model_without_a_retrieval_form_says_why(name):
    model = tiny_model(name)
    assert not model.supports_retrieval()
    with pytest.raises(RetrievalUnsupported, match=WITHOUT[name]):
        model.retrieval_form()


def test_every_registered_model_is_covered_here():
    """A new model either has a retrieval form (and a tiny config above, so its equality is
    tested) or a reason it has none."""
    covered = {settings.get("name", key) for key, settings in RETRIEVABLE.items()}
    assert set(registered_models()) == covered | set(WITHOUT)
    for name in WITHOUT:
        assert model_class(name).retrieval_rewrite is None


# ---------------------------------------------------------------------------------------------
# export, from the Java tests' versions (their weights.pt is a checkpoint): no training here

FAMILIES = sorted(p.name for p in TEST_MODELS.iterdir() if p.is_dir())


def weights_of(family: str):
    return TEST_MODELS / family / f"{family}-test" / "weights.pt"


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    torch.set_num_threads(1)
    registry = tmp_path_factory.mktemp("retrieval-registry")
    return {family: export(weights_of(family), registry / family, version=f"{family}-r", top_k=10)
            for family in FAMILIES}


def npy_header(path):
    with open(path, "rb") as f:
        version = np.lib.format.read_magic(f)
        shape, fortran_order, dtype = np.lib.format.read_array_header_1_0(f)
    return version, shape, fortran_order, dtype.str


@pytest.mark.parametrize("family", FAMILIES)
def test_export_writes_the_retrieval_form_the_contract_pins(family, exported):
    version = exported[family]
    manifest = json.loads((version / "manifest.json").read_text())
    validate(manifest)
    for name, entry in manifest["files"].items():
        assert hashlib.sha256((version / name).read_bytes()).hexdigest() == entry["sha256"], name
    if family == "dmran":
        assert "retrieval" not in manifest
        assert not (version / "query.onnx").exists() and not (version / "item_vectors.npy").exists()
        return
    retrieval = manifest["retrieval"]
    d = retrieval["dim"]
    assert retrieval == {"query_graph": "query.onnx", "item_vectors": "item_vectors.npy", "dim": d,
                         "score": "inner_product", "rewrite": retrieval["rewrite"]}
    assert {"query.onnx", "item_vectors.npy"} <= set(manifest["files"])
    assert npy_header(version / "item_vectors.npy") == ((1, 0), (manifest["num_items"], d), False, "<f4")
    exact, query = (onnx.load(str(version / name)) for name in ("model.onnx", "query.onnx"))
    onnx.checker.check_model(query)
    assert [o.version for o in query.opset_import if o.domain in ("", "ai.onnx")] == [17]
    assert [str(i) for i in query.graph.input] == [str(i) for i in exact.graph.input]  # names, dtypes, dynamic axes
    (out,) = query.graph.output
    assert out.name == "query" and out.type.tensor_type.elem_type == onnx.TensorProto.FLOAT
    assert [(x.dim_param, x.dim_value) for x in out.type.tensor_type.shape.dim] == [("batch", 0), ("", d)]


@pytest.mark.parametrize("family", ["attrec", "casfe", "sasrec", "sasrec-plus"])
def test_the_query_graph_and_item_vectors_reproduce_golden(family, exported):
    """query.onnx itself (run by the NumPy interpreter) and item_vectors.npy: exact top-K' of
    the inner product is golden.json's top_items, the scores within 1e-4: the retrieval form's
    parity test, as the job runs it in Java."""
    version = exported[family]
    vectors = np.load(version / "item_vectors.npy")  # (N, D)
    for case in json.loads((version / "golden.json").read_text())["cases"]:
        feeds = {name: np.array(value, dtype=np.int64) for name, value in case["inputs"].items()}
        query = onnx_numpy.run(version / "query.onnx", feeds)["query"]  # (B, D)
        assert query.dtype == np.float32
        scores = query @ vectors.T  # (B, N)
        k = len(case["top_items"][0])
        top = np.argsort(-scores, axis=1, kind="stable")[:, :k]  # (B, K')
        assert (top + 1).tolist() == case["top_items"]
        assert np.abs(np.take_along_axis(scores, top, 1) - np.array(case["top_scores"])).max() < 1e-4


def test_forms_exact_writes_no_retrieval_form(tmp_path):
    version = export(weights_of("sasrec"), tmp_path, version="sasrec-exact", top_k=10, forms="exact")
    manifest = json.loads((version / "manifest.json").read_text())
    validate(manifest)
    assert "retrieval" not in manifest and not (version / "query.onnx").exists()
    assert set(manifest["files"]) == {"model.onnx", "items.tsv", "popularity.tsv", "golden.json", "weights.pt"}


def test_demanding_a_retrieval_form_of_dmran_fails_with_the_reason_and_writes_nothing(tmp_path):
    registry = tmp_path / "registry"
    with pytest.raises(RetrievalUnsupported, match="dmran has no retrieval form: the candidate item steers"):
        export(weights_of("dmran"), registry, version="dmran-r", top_k=10, forms="exact,retrieval")
    assert not registry.exists() or not any(registry.iterdir())


def test_the_export_command_demands_the_form_with_one_line_and_status_2(tmp_path, capsys, caplog):
    from nextitem_trainer.__main__ import main
    registry = tmp_path / "registry"
    argv = ["export", "--checkpoint", str(weights_of("dmran")), "--registry", str(registry), "--version", "dmran-r"]
    assert main(argv + ["--forms", "exact,retrieval"]) == 2
    assert "error: --forms exact,retrieval: dmran has no retrieval form: the candidate item steers" in capsys.readouterr().err
    assert not registry.exists() or not any(registry.iterdir())
    with caplog.at_level("INFO", logger="nextitem.export"):
        assert main(argv) == 0  # auto: the exact form alone, and the log says why
    assert "exact form only: dmran has no retrieval form: the candidate item steers" in caplog.text
    assert not (registry / "dmran-r" / "query.onnx").exists()


def test_an_unknown_forms_value_is_refused(tmp_path):
    with pytest.raises(ValueError, match="--forms: expected one of auto, exact, exact,retrieval"):
        export(weights_of("sasrec"), tmp_path, version="x", forms="retrieval")


@pytest.mark.parametrize("family, broken", [
    ("ssrf", lambda items: items[:, :-1] @ torch.eye(items.shape[1] - 1, items.shape[1])),  # the bias column zeroed
    ("attrec", lambda items: torch.cat([items[:, :-2], torch.zeros_like(items[:, -2:-1]), items[:, -1:]], 1)),  # no |i|^2
])
def test_a_wrong_rewrite_fails_the_export(family, broken, tmp_path, monkeypatch):
    cls = {"ssrf": SSRF, "attrec": AttRec}[family]
    right = cls.retrieval_items
    monkeypatch.setattr(cls, "retrieval_items", lambda self: broken(right(self)))
    registry = tmp_path / "registry"
    rewrite = {"ssrf": "bias", "attrec": "distance"}[family]
    with pytest.raises(AssertionError, match=rf"retrieval form \({rewrite} rewrite\): query \. item_vectors differs"):
        export(weights_of(family), registry, version=f"{family}-broken", top_k=10)
    assert not any(registry.iterdir())  # neither the version nor its temporary folder


def test_the_schema_ties_the_retrieval_field_to_its_files(exported):
    manifest = json.loads((exported["sasrec"] / "manifest.json").read_text())
    without_file = copy.deepcopy(manifest)
    del without_file["files"]["item_vectors.npy"]
    with pytest.raises(AssertionError, match="missing required item_vectors.npy"):
        validate(without_file)
    other_score = copy.deepcopy(manifest)
    other_score["retrieval"]["score"] = "cosine"
    with pytest.raises(AssertionError, match="inner_product"):
        validate(other_score)


def test_a_catalogue_of_200000_items_exports_in_seconds(tmp_path):
    """A SASRec with 200,000 items (random weights, no training): the retrieval form is the point
    of large catalogues, so its export (two graphs each carrying the item table, the vectors, the
    checks over every golden batch) must stay fast."""
    items = 200_000
    raw = json.loads(json.dumps(checkpoint.load(weights_of("sasrec"))["config"]))
    raw["model"].update({"hidden": 32, "max_len": 20})
    from nextitem_trainer.core.config import config_from_dict
    config = config_from_dict(raw)
    torch.manual_seed(0)
    model = build_model("sasrec", config.model, items)
    with torch.no_grad():
        model.item_emb.weight.normal_(0.0, 1.0)  # spread scores, so golden rows are drawn at once
    popularity = np.zeros(items + 1, dtype=np.int64)
    popularity[1:] = np.arange(items, 0, -1) % 97
    ckpt = {"config": raw, "model_state": model.state_dict(), "item_ids": [f"i{i}" for i in range(1, items + 1)],
            "popularity": popularity.tolist(),
            "data": {"dataset": "random", "path": "none.csv", "sha256": "0" * 64, "interactions": 0, "users": 0}}
    checkpoint.save(tmp_path / "big.pt", ckpt)
    started = time.monotonic()
    version = export(tmp_path / "big.pt", tmp_path / "registry", version="sasrec-big", top_k=10)
    seconds = time.monotonic() - started
    manifest = json.loads((version / "manifest.json").read_text())
    assert manifest["retrieval"]["dim"] == 32
    assert npy_header(version / "item_vectors.npy")[1] == (items, 32)
    assert seconds < 60, f"export of {items} items took {seconds:.0f} s"
