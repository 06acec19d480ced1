"""trainer query-vectors: a version's query graph on sampled users' click prefixes, written as the
.npy that ann-compare --query-vectors reads."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from nextitem_trainer.__main__ import main
from nextitem_trainer.core import checkpoint
from nextitem_trainer.core.models.retrieval import QueryGraph
from nextitem_trainer.tools.query_vectors import user_prefixes
from nextitem_trainer.tools.test_models import TEST_MODELS_DIR

SASREC = TEST_MODELS_DIR / "sasrec" / "sasrec-test"
DMRAN = TEST_MODELS_DIR / "dmran" / "dmran-test"


@pytest.fixture(scope="module")
def clicks(tmp_path_factory):
    """30 users of 1..12 clicks on the SASRec test version's items, one unknown item among them."""
    items = checkpoint.load(SASREC / "weights.pt")["item_ids"]
    rng = np.random.default_rng(5)
    path = tmp_path_factory.mktemp("log") / "clicks.csv"
    lines = ["user_id,item_id,timestamp_ms"]
    for user in range(30):
        for t in range(int(rng.integers(1, 13))):
            lines.append(f"u{user},{items[int(rng.integers(len(items)))]},{1000 + t}")
    lines.append("u0,not-in-the-catalogue,5000")
    path.write_text("\n".join(lines) + "\n")
    return path


def test_writes_one_query_per_user_as_the_query_graph_computes_it(clicks, tmp_path):
    out = tmp_path / "q.npy"
    assert main(["query-vectors", "--version", str(SASREC), "--log", str(clicks), "--users", "20",
                 "--seed", "3", "--out", str(out)]) == 0
    vectors = np.load(out)
    assert vectors.dtype == np.dtype("<f4") and vectors.shape[0] == 20
    ckpt = checkpoint.load(SASREC / "weights.pt")
    model, _ = checkpoint.model_from_checkpoint(ckpt)
    model.eval()
    index = {item: i + 1 for i, item in enumerate(ckpt["item_ids"])}
    prefixes = user_prefixes(clicks, index, 20, 3)
    assert all(1 <= len(p) <= 12 for p in prefixes)
    newest = prefixes[7][-model.max_len:]
    row = torch.zeros((1, model.max_len), dtype=torch.long)
    row[0, model.max_len - len(newest):] = torch.tensor(newest)
    with torch.no_grad():
        expected = QueryGraph(model)(row).numpy()[0]
    np.testing.assert_allclose(vectors[7], expected, rtol=1e-5, atol=1e-6)


def test_the_same_seed_draws_the_same_users(clicks, tmp_path):
    files = []
    for name, seed in (("a", 3), ("b", 3), ("c", 4)):
        files.append(tmp_path / f"{name}.npy")
        main(["query-vectors", "--version", str(SASREC), "--log", str(clicks), "--users", "10", "--seed", str(seed),
              "--out", str(files[-1])])
    a, b, c = (np.load(f) for f in files)
    assert np.array_equal(a, b) and not np.array_equal(a, c)


@pytest.mark.parametrize("args, message", [
    (["--users", "31"], "has 30 users"),
    (["--version", str(DMRAN)], "builds item_seq only"),
])
def test_bad_requests_end_with_one_line_and_status_2(clicks, tmp_path, capsys, args, message):
    base = {"--version": str(SASREC), "--log": str(clicks), "--users": "5", "--out": str(tmp_path / "q.npy")}
    base.update(dict(zip(args[::2], args[1::2])))
    assert main(["query-vectors", *[x for pair in base.items() for x in pair]]) == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "q.npy").exists()


def test_a_log_without_the_click_header_is_refused(tmp_path):
    log = tmp_path / "bad.csv"
    log.write_text("a,b,c\n1,2,3\n")
    with pytest.raises(ValueError, match="user_id,item_id,timestamp_ms"):
        user_prefixes(log, {}, 1, 0)
