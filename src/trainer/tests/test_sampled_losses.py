"""Sampled softmax (log-Q corrected) and gBCE against negatives drawn per batch, the samplers, the
sparse item-table gradient with SparseAdam, and their config checks."""
import copy
import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from conftest import TINY_CONFIG, tiny_run_config
from nextitem_trainer.core import checkpoint
from nextitem_trainer.core.config import ConfigError, config_from_dict
from nextitem_trainer.core.data import train_popularity
from nextitem_trainer.core.evaluation import evaluate
from nextitem_trainer.core.models import build_model
from nextitem_trainer.core.models.mostpop import MostPop
from nextitem_trainer.core.models.sampled_losses import (PopularitySampler, TargetFrequency, UniformSampler,
                                                         gbce_beta, gbce_loss, in_batch_softmax_loss,
                                                         sampled_softmax_loss)
from nextitem_trainer.core.train import train
from nextitem_trainer.core.training import OptimizerSpec, SplitOptimizer


def _case(m=5, n=7, d=4, seed=0):
    g = torch.Generator().manual_seed(seed)
    table = torch.randn(n + 1, d, generator=g)  # (N+1, d), row 0 padding
    hidden = torch.randn(m, d, generator=g)
    targets = torch.randint(1, n + 1, (m,), generator=g)
    return hidden, table, targets


def test_sampled_softmax_over_every_item_with_uniform_q_is_the_full_softmax():
    hidden, table, targets = _case()
    n = table.shape[0] - 1
    every = torch.arange(1, n + 1)  # each item drawn once; the target among them is an accidental hit
    q = UniformSampler(n)
    loss = sampled_softmax_loss(hidden, table[targets], table[every], targets, every, q.log_q(targets), q.log_q(every))
    full = F.cross_entropy(hidden @ table[1:].t(), targets - 1)
    assert torch.allclose(loss, full, atol=1e-6)


def test_the_log_q_correction_is_applied():
    """Items drawn with unequal Q: the corrected loss is the softmax over logits minus log Q,
    and differs from the uncorrected one."""
    hidden, table, targets = _case(seed=1)
    negatives = torch.tensor([1, 2, 3])
    log_q = torch.log(torch.tensor([0.0, 0.5, 0.3, 0.1, 0.04, 0.03, 0.02, 0.01]))  # (N+1,)
    loss = sampled_softmax_loss(hidden, table[targets], table[negatives], targets, negatives, log_q[targets],
                                log_q[negatives])
    by_hand = []
    for h, t in zip(hidden, targets):
        pos = h @ table[t] - log_q[t]
        negs = [h @ table[i] - log_q[i] for i in negatives if i != t]
        by_hand.append(torch.logsumexp(torch.stack([pos, *negs]), 0) - pos)
    assert torch.allclose(loss, torch.stack(by_hand).mean(), atol=1e-6)
    zero = torch.zeros(8)
    uncorrected = sampled_softmax_loss(hidden, table[targets], table[negatives], targets, negatives, zero[targets],
                                       zero[negatives])
    assert abs(float(loss - uncorrected)) > 1e-3


def test_an_accidental_hit_is_masked():
    hidden = torch.tensor([[1.0, 0.0]])
    table = torch.tensor([[0.0, 0.0], [2.0, 0.0], [0.5, 0.0]])
    targets = torch.tensor([1])
    zero = torch.zeros(3)
    with_hit = sampled_softmax_loss(hidden, table[targets], table[[1, 2]], targets, torch.tensor([1, 2]), zero[targets],
                                    zero[[1, 2]])
    without = sampled_softmax_loss(hidden, table[targets], table[[2]], targets, torch.tensor([2]), zero[targets],
                                   zero[[2]])
    assert torch.allclose(with_hit, without)  # the target drawn as a negative counts for nothing
    assert torch.allclose(without, torch.log1p(torch.exp(torch.tensor(0.5 - 2.0))))
    hits = torch.tensor([[True, False]])
    assert torch.allclose(gbce_loss(torch.tensor([2.0]), torch.tensor([[2.0, 0.5]]), hits, 1.0),
                          -(F.logsigmoid(torch.tensor(2.0)) + F.logsigmoid(torch.tensor(-0.5))) / 3)


def test_in_batch_softmax_matches_a_hand_computation_with_the_own_target_masked():
    """Positions 0 and 2 share their target: for each, the other's copy is masked along with its
    own column; the positive is uncorrected, negatives carry -log(M q)."""
    hidden, table, _ = _case(m=4, seed=2)
    targets = torch.tensor([3, 1, 3, 5])
    log_q = torch.log(torch.tensor([0.0, 0.3, 0.1, 0.2, 0.1, 0.1, 0.1, 0.1]))  # (N+1,)
    loss = in_batch_softmax_loss(hidden, table[targets], targets, log_q[targets])
    by_hand = []
    for i, (h, t) in enumerate(zip(hidden, targets)):
        pos = h @ table[t]
        negs = [h @ table[j] - log_q[j] - math.log(4) for j in targets if j != t]
        by_hand.append(torch.logsumexp(torch.stack([pos, *negs]), 0) - pos)
    assert torch.allclose(loss, torch.stack(by_hand).mean(), atol=1e-6)


@pytest.mark.parametrize("seed", [4, 5])
def test_in_batch_correction_makes_the_gradient_the_full_softmaxs(seed):
    """Targets drawn from a skewed q serve as each other's negatives: with log Q = log q the
    gradient on the hidden state is within a few per cent of the full softmax's over the same
    targets; without the correction (a flat Q) it is off by tens of per cent, towards pushing the
    popular items down."""
    g = torch.Generator().manual_seed(seed)
    m, d = 1500, 4
    q = torch.tensor([0.0, 0.45, 0.25, 0.15, 0.1, 0.05])  # (N+1,), item 0 padding
    table = torch.randn(6, d, generator=g)
    table[5] = 1.0  # the rarest item scores high for many hidden states
    h = torch.randn(d, generator=g)
    targets = torch.multinomial(q, m, replacement=True, generator=g)  # (M,)

    def gradient(loss_of_hidden):
        leaf = h.clone().requires_grad_(True)
        loss_of_hidden(leaf.expand(m, d)).backward()
        return leaf.grad

    full = gradient(lambda x: F.cross_entropy(x @ table[1:].t(), targets - 1))
    log_q = TargetFrequency(np.concatenate([[0], q[1:].numpy() * 1000])).log_q(targets)  # counts -> log q
    corrected = gradient(lambda x: in_batch_softmax_loss(x, table[targets], targets, log_q))
    flat = gradient(lambda x: in_batch_softmax_loss(x, table[targets], targets, torch.full((m,), -math.log(5))))
    error = lambda g_: float((g_ - full).norm() / full.norm())  # noqa: E731
    assert error(corrected) < 0.1
    assert error(flat) > 0.5


def test_gbce_matches_a_hand_computation_and_is_bce_at_t_0():
    # N = 101 items, K = 4 negatives: alpha = 4/100, t = 0.5: beta = 0.04 (0.5 (1 - 25) + 25) = 0.52
    beta = gbce_beta(4, 101, 0.5)
    assert beta == pytest.approx(0.52)
    assert gbce_beta(4, 101, 0.0) == pytest.approx(1.0) and gbce_beta(4, 101, 1.0) == pytest.approx(0.04)
    pos = torch.tensor([1.0, -0.5])
    neg = torch.tensor([[0.2, -1.0, 0.3, 2.0], [0.0, 0.1, -0.2, 0.4]])
    no_hits = torch.zeros(2, 4, dtype=torch.bool)
    sig = lambda x: 1 / (1 + math.exp(-x))  # noqa: E731
    by_hand = []
    for p, row in zip(pos.tolist(), neg.tolist()):
        by_hand.append(-(math.log(sig(p) ** beta) + sum(math.log(1 - sig(s)) for s in row)) / 5)
    assert float(gbce_loss(pos, neg, no_hits, beta)) == pytest.approx(sum(by_hand) / 2, rel=1e-6)
    logits = torch.cat([pos[:, None], neg], 1)
    labels = torch.zeros_like(logits)
    labels[:, 0] = 1
    plain_bce = F.binary_cross_entropy_with_logits(logits, labels)  # mean over the 1 + K terms and the rows
    assert torch.allclose(gbce_loss(pos, neg, no_hits, gbce_beta(4, 101, 0.0)), plain_bce)


def test_popularity_sampler_draws_by_count_to_the_exponent():
    counts = np.array([0, 90, 9, 1, 0])  # padding, then items 1..4; item 4 unseen (floored to 1)
    torch.manual_seed(0)
    sampler = PopularitySampler(counts, exponent=1.0)
    drawn = sampler.draw(200_000)
    assert drawn.min() >= 1 and drawn.max() <= 4
    freq = torch.bincount(drawn, minlength=5)[1:].double() / len(drawn)
    expected = torch.tensor([90, 9, 1, 1], dtype=torch.float64) / 101
    assert torch.allclose(freq, expected, atol=0.005)
    assert torch.allclose(sampler.log_q(torch.tensor([1, 4])), expected[[0, 3]].log().float())
    flat = PopularitySampler(counts, exponent=0.0)
    assert torch.allclose(flat.log_q(torch.arange(1, 5)), torch.full((4,), -math.log(4)))


def _model(loss, sampler="uniform", items=50, **extra):
    raw = copy.deepcopy(TINY_CONFIG)
    raw["data"]["path"] = "unused.csv"
    raw["model"].update(loss=loss, negative_sampler=sampler, num_negatives=8, **extra)
    config = config_from_dict(raw)
    torch.manual_seed(0)
    return build_model("sasrec", config.model, items), config


def test_sparse_item_table_only_moves_the_rows_a_step_used():
    model, config = _model("sampled_softmax")
    optimizer = OptimizerSpec.from_config(config.train).build(model)
    assert isinstance(optimizer, SplitOptimizer)
    table = model.item_emb.weight
    assert all(p is not table for group in optimizer.dense.param_groups for p in group["params"])
    assert [p for group in optimizer.sparse.param_groups for p in group["params"]] == [table]
    before = table.detach().clone()
    item_seq = torch.tensor([[0, 0, 3, 4, 5], [0, 7, 8, 9, 10]])
    target_seq = torch.tensor([[0, 0, 4, 5, 6], [0, 8, 9, 10, 11]])
    negatives = torch.tensor([1, 2, 3, 20, 21, 22, 23, 2])

    class FixedDraw(UniformSampler):
        def draw(self, count):
            return negatives

    model._sampler = FixedDraw(model.num_items)
    loss = model.calculate_loss({"item_seq": item_seq, "target_seq": target_seq})
    loss.backward()
    assert table.grad.is_sparse
    optimizer.step()
    used = set(item_seq.flatten().tolist()) | set(target_seq.flatten().tolist()) | set(negatives.tolist())
    used.discard(0)
    moved = set(torch.nonzero((table.detach() != before).any(1)).flatten().tolist())
    assert moved == used  # rows outside the step's inputs, targets and negatives are untouched
    assert 0 not in moved  # padding stays zero
    assert all(not any(t.dim() and t.shape[0] == table.shape[0] for t in s.values() if torch.is_tensor(t))
               for s in optimizer.dense.state.values())  # no O(N) state in the dense optimiser
    state = optimizer.state_dict()
    optimizer.load_state_dict(state)
    with pytest.raises(ValueError, match="dense and sparse"):
        optimizer.load_state_dict(state["dense"])


def test_old_losses_keep_a_dense_table_and_one_optimiser():
    model, config = _model("ce")
    assert not model.item_emb.sparse and model.sparse_parameters() == []
    assert isinstance(OptimizerSpec.from_config(config.train).build(model), torch.optim.Adam)


def test_sparse_table_refuses_what_sparse_adam_cannot_do():
    model, _ = _model("gbce")
    with pytest.raises(ConfigError, match="weight_decay"):
        OptimizerSpec("adam", weight_decay=1e-4).build(model)
    with pytest.raises(ConfigError, match="adagrad"):
        OptimizerSpec("adagrad").build(model)


@pytest.mark.parametrize("sampler", ["popularity", "in_batch"])
def test_popularity_and_in_batch_need_the_training_counts(sampler):
    model, _ = _model("sampled_softmax", sampler)
    batch = {"item_seq": torch.tensor([[1, 2]]), "target_seq": torch.tensor([[2, 3]])}
    with pytest.raises(ValueError, match="set_train_popularity"):
        model.calculate_loss(batch)
    model.set_train_popularity(np.arange(51))
    assert torch.isfinite(model.calculate_loss(batch))


@pytest.mark.parametrize("model,train,message", [
    ({"loss": "sampled_softmax", "num_negatives": 0}, {}, "model.num_negatives: expected a positive integer"),
    ({"loss": "sampled_softmax", "negative_sampler": "zipf"}, {}, "model.negative_sampler: expected one of uniform"),
    ({"loss": "gbce", "gbce_t": 1.5}, {}, "model.gbce_t: expected a number in [0, 1]"),
    ({"loss": "gbce", "negative_sampler": "popularity"}, {}, "gbce's calibration assumes uniform negatives"),
    ({"loss": "gbce", "negative_sampler": "in_batch"}, {}, "gbce's calibration assumes uniform negatives"),
    ({"loss": "sampled_softmax", "sampler_exponent": -1.0}, {}, "model.sampler_exponent: expected a number >= 0"),
    ({"loss": "sampled_softmax"}, {"weight_decay": 0.01}, "set train.weight_decay: 0"),
    ({"loss": "gbce"}, {"optimizer": "adagrad"}, "beside adam or adamw"),
])
def test_config_checks(model, train, message):
    raw = copy.deepcopy(TINY_CONFIG)
    raw["model"].update(model)
    raw["train"].update(train)
    with pytest.raises(ConfigError) as e:
        config_from_dict(raw, "my.yaml")
    assert message in str(e.value)


def test_models_without_dot_product_scores_refuse_the_option():
    raw = copy.deepcopy(TINY_CONFIG)
    raw["model"] = {"name": "dmran", "loss": "sampled_softmax"}
    with pytest.raises(ConfigError, match="model.loss: unknown key"):
        config_from_dict(raw)


@pytest.mark.parametrize("loss,sampler", [("sampled_softmax", "uniform"), ("sampled_softmax", "popularity"),
                                          ("sampled_softmax", "in_batch"), ("gbce", "uniform")])
def test_a_tiny_run_with_each_sampled_loss_learns(tmp_path, tiny_clicks, tiny_log, loss, sampler):
    model = dict(TINY_CONFIG["model"], loss=loss, negative_sampler=sampler, num_negatives=32, gbce_t=0.75)
    epochs = 8 if loss == "sampled_softmax" else 20
    config = tiny_run_config(tiny_clicks, f"tiny-{loss}", model, epochs=epochs, eval_every=2, patience=100)
    best = checkpoint.load(train(config, tmp_path / "r", progress=False))
    last = checkpoint.load(tmp_path / "r" / "last.pt")
    losses = [h["loss"] for h in last["state"]["history"]]
    assert losses[-1] < losses[0]
    trained, _ = checkpoint.model_from_checkpoint(best)
    learned = evaluate(trained, tiny_log, "test")["P1"]["HR@10"]
    pop = MostPop(MostPop.Config(max_len=10), tiny_log.num_items).fit(train_popularity(tiny_log))
    pop_hr = evaluate(pop, tiny_log, "test")["P1"]["HR@10"]
    if loss == "sampled_softmax":
        assert learned > pop_hr + 0.1
    else:  # gBCE against uniform negatives stays below MostPop on this popularity-heavy world in 8
        # epochs, but far above chance (10 / 160 items)
        assert learned > 0.15


def test_a_sampled_loss_run_resumes_exports_and_fine_tunes(tmp_path, tiny_clicks):
    """The split optimiser's state goes through last.pt, the sparse table exports as any other,
    and finetune (vocabulary growth, its own plain Adam) trains it sparsely too."""
    from test_finetune import T0, rows_from, write_snapshot
    from nextitem_trainer.serving.export import export
    from nextitem_trainer.serving.finetune import finetune

    model = dict(TINY_CONFIG["model"], loss="sampled_softmax", negative_sampler="popularity", num_negatives=16)
    config = tiny_run_config(tiny_clicks, "tiny-resume", model, epochs=1)
    train(config, tmp_path / "run", progress=False)
    assert set(checkpoint.load(tmp_path / "run" / "last.pt")["optimizer_state"]) == {"dense", "sparse"}
    config.train.epochs = 2
    best = train(config, tmp_path / "run", resume=True, progress=False)
    assert [h["epoch"] for h in checkpoint.load(tmp_path / "run" / "last.pt")["state"]["history"]] == [1, 2]
    export(best, tmp_path / "registry", version="v1", top_k=5)
    write_snapshot(tmp_path / "snapshots", "snapshot-20260101T000000Z", rows_from(tiny_clicks, "brand-new", T0))
    published = finetune(tmp_path / "registry", tmp_path / "snapshots", epochs=1, tolerance=1.0, progress=False)
    assert published is not None and (published / "model.onnx").is_file()


def test_casfe_takes_a_sampled_loss_on_its_windows():
    raw = copy.deepcopy(TINY_CONFIG)
    raw["data"]["path"] = "unused.csv"
    raw["model"] = {"name": "casfe", "hidden": 8, "max_len": 4, "kernels": [2, 2], "loss": "sampled_softmax",
                    "num_negatives": 5}
    config = config_from_dict(raw)
    torch.manual_seed(0)
    model = build_model("casfe", config.model, 30)
    optimizer = OptimizerSpec.from_config(config.train).build(model)
    batch = {"item_seq": torch.tensor([[0, 1, 2, 3], [4, 5, 6, 7]]), "target_next": torch.tensor([[4], [8]])}
    model.calculate_loss(batch).backward()
    assert model.item_emb.weight.grad.is_sparse
    optimizer.step()
