"""AttRec: masked self-attention, metric scores, unknown users, unit-ball clipping, training on the
tiny world, and the export with user_idx and users.tsv."""
import hashlib
import json
import math

import numpy as np
import pytest
import torch
from model_scores import catalogue_scores

import onnx_numpy
from manifest_schema import validate
from nextitem_trainer.core import checkpoint
from nextitem_trainer.core.data import TrainWindows, train_popularity
from nextitem_trainer.core.evaluation import evaluate
from nextitem_trainer.serving.export import export
from nextitem_trainer.core.models import build_model, model_class
from nextitem_trainer.core.models.attrec import AttRec, sinusoid_table
from nextitem_trainer.core.models.mostpop import MostPop
from nextitem_trainer.core.train import train

N, USERS = 30, 6


def model(**overrides) -> AttRec:
    torch.manual_seed(0)
    config = AttRec.Config(hidden=8, max_len=5, targets=2, init_std=0.3, **overrides)
    return AttRec(config, N, USERS).eval()


def scores(m, rows, users):
    return catalogue_scores(m, rows, user_idx=users)  # (B, N)


def test_registered_with_user_input_and_user_table():
    assert model_class("attrec") is AttRec and AttRec.inputs == ("item_seq", "user_idx")
    m = build_model("attrec", AttRec.Config(hidden=4), 10, 7)
    assert m.user_emb.weight.shape == (8, 4) and m.item_emb.weight.shape == m.item_metric.weight.shape == (11, 4)


def test_time_embedding_is_the_papers_sinusoid():
    te = sinusoid_table(5, 8)
    t, i = 3, 2
    assert te[t, 2 * i].item() == pytest.approx(math.sin(t / 10000 ** (2 * i / 8)), abs=1e-6)
    assert te[t, 2 * i + 1].item() == pytest.approx(math.cos(t / 10000 ** (2 * i / 8)), abs=1e-6)


def reference_short_term(m, items):
    """Eqs. 2-6 written out for one full window, with the diagonal removed before the softmax."""
    x = m.item_emb.weight[items]  # (L, d)
    qk = torch.relu((x + m.time_emb[: len(items)]) @ m.query_key.weight.t())  # (L, d)
    logits = qk @ qk.t() / math.sqrt(x.shape[1])
    logits.fill_diagonal_(float("-inf"))
    return (torch.softmax(logits, -1) @ x).mean(0)  # (d,)


def test_diagonal_mask_excludes_self_affinity():
    m = model()
    with torch.no_grad():
        # Make self-affinity overwhelming: W = 10 I and one item far from the others.
        m.query_key.weight.copy_(10 * torch.eye(8))
        m.item_emb.weight[7] = 3.0
        weights = m.attention(torch.tensor([[3, 7, 9, 12, 5]]))[0]  # (L, L)
        assert torch.all(weights.diagonal() == 0)
        assert torch.allclose(weights.sum(-1), torch.ones(5))
        assert torch.allclose(m.short_term(torch.tensor([[3, 7, 9, 12, 5]]))[0],
                              reference_short_term(m, torch.tensor([3, 7, 9, 12, 5])), atol=1e-5)
        # Padding is never attended to; a lone item attends to itself (its window has nothing else).
        weights = m.attention(torch.tensor([[0, 0, 4, 8, 6]]))[0]
        assert torch.all(weights[:, :2] == 0) and torch.all(weights[2:].diagonal(offset=2) == 0)
        lone = m.short_term(torch.tensor([[0, 0, 0, 0, 11]]))[0]
        assert torch.allclose(lone, m.item_emb.weight[11])


def test_cutting_padding_columns_does_not_change_scores():
    m = model()
    users = [1, 0, 4]
    full = scores(m, [[0, 0, 3, 9, 27], [0, 0, 0, 5, 6], [0, 0, 0, 0, 8]], users)
    cut = scores(m, [[3, 9, 27], [0, 5, 6], [0, 0, 8]], users)
    assert torch.allclose(full, cut, atol=1e-6)


def test_scores_are_minus_the_weighted_squared_distances():
    m = model(weight=0.3)
    rows, users = torch.tensor([[1, 2, 3, 4, 5], [0, 0, 7, 8, 9]]), torch.tensor([2, 5])
    with torch.no_grad():
        got = m.item_scores({"item_seq": rows, "user_idx": users})[:, 1:]  # (B, N)
        short, long = m.short_term(rows), m.user_emb.weight[users]  # (B, d) each
        want = -(0.3 * torch.cdist(long, m.item_metric.weight[1:]) ** 2
                 + 0.7 * torch.cdist(short, m.item_emb.weight[1:]) ** 2)
    assert torch.allclose(got, want, atol=1e-5)


def test_unknown_user_scores_finitely_against_the_mean_user():
    m = model()
    rows = [[0, 0, 3, 9, 27]]
    unknown = scores(m, rows, [0])
    assert torch.isfinite(unknown).all()
    with torch.no_grad():
        mean_user = m.user_emb.weight[1:].mean(0, keepdim=True)
        short = m.short_term(torch.tensor(rows))
        items = torch.arange(1, N + 1).unsqueeze(0)
        want = -(0.3 * (mean_user.unsqueeze(1) - m.item_metric(items)).pow(2).sum(-1)
                 + 0.7 * (short.unsqueeze(1) - m.item_emb(items)).pow(2).sum(-1))
    assert torch.allclose(unknown, want, atol=1e-5)
    assert not torch.allclose(unknown, scores(m, rows, [2]))  # a known user does count


def test_hinge_loss_over_all_pairs_trains_every_part():
    m = model(margin=100.0, l2=0.0).train()  # a margin this wide makes every pair active
    batch = {"item_seq": torch.tensor([[0, 1, 2, 3, 4], [5, 6, 7, 8, 9]]), "user_idx": torch.tensor([1, 3]),
             "target_next": torch.tensor([[10, 11], [12, 13]])}
    torch.manual_seed(1)
    loss = m.calculate_loss(batch)
    torch.manual_seed(1)
    negatives = m.sample_negatives(batch["target_next"])
    with torch.no_grad():
        mm, uu = m.short_term(batch["item_seq"]), m.long_term(batch["user_idx"])
        pos, neg = m.distances(mm, uu, batch["target_next"]), m.distances(mm, uu, negatives)
        want = (2 * pos.sum(1) - 2 * neg.sum(1) + 4 * 100.0).mean()  # T = 2: every pos meets every neg
    assert loss.item() == pytest.approx(want.item(), rel=1e-5)
    assert not (negatives.unsqueeze(2) == batch["target_next"].unsqueeze(1)).any()
    loss.backward()
    for p in (m.query_key.weight, m.item_emb.weight, m.item_metric.weight, m.user_emb.weight):
        assert p.grad.abs().sum() > 0


def test_after_step_clips_rows_to_the_unit_ball():
    m = model()
    with torch.no_grad():
        m.item_emb.weight[3] = 5.0
        small = m.item_metric.weight[4].clone() * 0 + 0.1
        m.item_metric.weight[4] = small
        m.user_emb.weight[2] = -4.0
    m.after_step()
    for table in (m.item_emb.weight, m.item_metric.weight, m.user_emb.weight):
        assert (table.norm(dim=1) <= 1 + 1e-6).all()
    assert m.item_emb.weight[3].norm().item() == pytest.approx(1.0, abs=1e-6)
    assert torch.equal(m.item_metric.weight[4], small)  # inside the ball: untouched


def test_training_windows_hold_t_next_items(tiny_log):
    windows = AttRec(AttRec.Config(max_len=5, targets=3), tiny_log.num_items, tiny_log.num_users) \
        .training_examples(tiny_log, 5)
    assert isinstance(windows, TrainWindows)
    batch = next(windows.batches(8, np.random.default_rng(0)))
    assert batch["item_seq"].shape == (8, 5) and batch["target_next"].shape == (8, 3)
    assert (batch["user_idx"] > 0).all()


# ---------------------------------------------------------------------------------------------
# trained on the tiny world, exported

TOP_K = 5


@pytest.fixture(scope="module")
def trained(tmp_path_factory, tiny_clicks):
    from conftest import tiny_run_config

    config = tiny_run_config(tiny_clicks, "attrec-tiny", {"name": "attrec", "hidden": 16, "max_len": 5, "targets": 3,
                             "weight": 0.3, "l2": 0.001}, epochs=20, eval_every=20, batch_size=64, optimizer="adagrad", lr=0.05)
    torch.set_num_threads(1)
    base = tmp_path_factory.mktemp("attrec")
    return train(config, base / "run", progress=False)


@pytest.fixture(scope="module")
def version(trained):
    return export(trained, trained.parent.parent / "registry", version="attrec-test-1", top_k=TOP_K)


def test_training_learns_the_synthetic_world(trained, tiny_log):
    history = checkpoint.load(trained.parent / "last.pt")["state"]["history"]
    assert history[-1]["loss"] < 0.5 * history[0]["loss"]
    m, _ = checkpoint.model_from_checkpoint(checkpoint.load(trained))
    assert (m.item_emb.weight.norm(dim=1) <= 1 + 1e-5).all()  # clipped after every step
    learned = evaluate(m, tiny_log, "test")["P1"]["HR@10"]
    pop = MostPop(MostPop.Config(max_len=5), tiny_log.num_items).fit(train_popularity(tiny_log))
    assert learned > evaluate(pop, tiny_log, "test")["P1"]["HR@10"] + 0.1


def test_export_writes_users_tsv_and_num_users(version, trained, tiny_log):
    manifest = json.loads((version / "manifest.json").read_text())
    validate(manifest)
    assert manifest["inputs"] == ["item_seq", "user_idx"] and manifest["num_users"] == tiny_log.num_users
    assert set(manifest["files"]) == {"model.onnx", "items.tsv", "popularity.tsv", "golden.json", "users.tsv", "weights.pt",
                                      "query.onnx", "item_vectors.npy"}
    for name, entry in manifest["files"].items():
        assert hashlib.sha256((version / name).read_bytes()).hexdigest() == entry["sha256"]
    lines = (version / "users.tsv").read_text().splitlines()
    assert lines == [f"{i}\t{u}" for i, u in enumerate(tiny_log.user_ids, start=1)]
    broken = dict(manifest, files={k: v for k, v in manifest["files"].items() if k != "users.tsv"})
    with pytest.raises(AssertionError, match="users.tsv"):
        validate(broken)


def test_golden_cases_carry_known_and_unknown_users(version, tiny_log):
    cases = json.loads((version / "golden.json").read_text())["cases"]
    users = np.concatenate([np.array(c["inputs"]["user_idx"]) for c in cases])
    assert (users == 0).sum() == 3 and ((users >= 1) & (users <= tiny_log.num_users)).sum() == len(users) - 3
    for case in cases:
        assert list(case["inputs"]) == ["item_seq", "user_idx"]
        assert len(case["inputs"]["user_idx"]) == len(case["inputs"]["item_seq"])


def test_onnx_graph_reproduces_golden_and_is_dynamic(version):
    cases = json.loads((version / "golden.json").read_text())["cases"]
    for case in cases:
        feeds = {name: np.array(value, dtype=np.int64) for name, value in case["inputs"].items()}
        out = onnx_numpy.run(version / "model.onnx", feeds)
        assert out["top_items"].tolist() == case["top_items"]
        assert np.abs(out["top_scores"] - np.array(case["top_scores"])).max() < 1e-4
    rows = np.array(cases[0]["inputs"]["item_seq"], dtype=np.int64)[:2, -3:]  # B=2, L=3
    users = np.array([0, 1], dtype=np.int64)
    cut = onnx_numpy.run(version / "model.onnx", {"item_seq": rows, "user_idx": users})
    padded = np.zeros((2, 5), dtype=np.int64)
    padded[:, -3:] = rows
    full = onnx_numpy.run(version / "model.onnx", {"item_seq": padded, "user_idx": users})
    assert cut["top_items"].tolist() == full["top_items"].tolist()
    assert np.allclose(cut["top_scores"], full["top_scores"], atol=1e-5)
