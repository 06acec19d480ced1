"""DMRAN: time buckets against hand values, the two attention levels, candidate scoring that is
the same for the whole catalogue and for a few candidates, the redundancy penalty, and training
on the tiny world (timestamps and categories)."""
import numpy as np
import pytest
import torch
from conftest import tiny_run_config

from nextitem_trainer.core import checkpoint
from nextitem_trainer.core.data import item_categories
from nextitem_trainer.core.evaluation import evaluate
from nextitem_trainer.core.models import build_model, model_class
from nextitem_trainer.core.models.dmran import DMRAN
from nextitem_trainer.core.models.time_buckets import SECONDS_PER_DAY, day_thresholds, time_bucket_index
from nextitem_trainer.core.train import train

N, CATS, DAY = 30, 4, SECONDS_PER_DAY
NOW = 1_000_000_000


def test_time_buckets_match_the_papers_log2_days():
    # ages: padding, 0 s, 23.9 h, 1 day, 1.9 days, 2 days, 3 days, 4 days, 7 days, 8 days, 1000 days, in the future
    ages = [None, 0, DAY - 1, DAY, 2 * DAY - 1, 2 * DAY, 3 * DAY, 4 * DAY, 7 * DAY, 8 * DAY, 1000 * DAY, -5 * DAY]
    time_seq = torch.tensor([[0 if a is None else NOW - a for a in ages]])
    real = torch.tensor([[a is not None for a in ages]])
    got = time_bucket_index(time_seq, torch.tensor([NOW]), day_thresholds(5), real)[0].tolist()
    # paper: [0,1) -> 0, [1,2) -> 1, [2,4) -> 2, [4,8) -> 3, [8, inf) capped at 4; stored +1, padding 0
    assert got == [0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 1]


def test_day_thresholds_need_two_buckets():
    assert day_thresholds(4).tolist() == [1, 2, 4]
    with pytest.raises(ValueError, match="at least 2"):
        day_thresholds(1)


def model(**overrides) -> DMRAN:
    torch.manual_seed(0)
    m = DMRAN(DMRAN.Config(hidden=8, max_len=6, hops=3, time_buckets=6, **overrides), N, CATS)
    m.set_item_categories(np.arange(N + 1) % (CATS + 1))
    return m.eval()


def batch(rows, ages_days, cats):
    items = torch.tensor(rows)
    times = torch.tensor([[0 if i == 0 else NOW - a * DAY for i, a in zip(r, ar)] for r, ar in zip(rows, ages_days)])
    return {"item_seq": items, "time_seq": times, "query_time": torch.full((len(rows),), NOW),
            "cat_seq": torch.tensor(cats)}


ROWS = [[0, 0, 3, 4, 5, 6], [1, 2, 3, 4, 5, 6]]
AGES = [[0, 0, 9, 4, 1, 0], [30, 20, 9, 4, 1, 0]]
CAT_ROWS = [[0, 0, 3, 4, 0, 1], [1, 2, 3, 4, 0, 1]]


def test_registered_with_time_and_category_inputs():
    assert model_class("dmran") is DMRAN
    assert DMRAN.inputs == ("item_seq", "time_seq", "query_time", "cat_seq")
    m = build_model("dmran", DMRAN.Config(hidden=4), 10, num_users=99, num_categories=7)
    assert m.cat_emb.weight.shape == (8, 4)


def test_item_attention_ignores_padding_and_rows_sum_to_one():
    m = model()
    _, _, a = m.interests(batch(ROWS, AGES, CAT_ROWS))  # (B, r, L)
    assert a.shape == (2, 3, 6)
    assert torch.all(a[0, :, :2] == 0)
    assert torch.allclose(a.sum(-1), torch.ones(2, 3))


def test_feature_attention_normalises_each_dimension_over_rows():
    m = model()
    f = m.feature_attention
    x = torch.randn(2, 3, 8)
    pair = torch.tanh(f.w_s4(x).unsqueeze(2) + f.w_s3(x).unsqueeze(1))
    beta = torch.softmax(f.w_s5(pair), dim=2)  # (B, i, j, d)
    assert torch.allclose(beta.sum(2), torch.ones(2, 3, 8))
    want = torch.einsum("bijd,bjd->bid", beta, x)
    assert torch.allclose(f(x), want, atol=1e-6)


def test_catalogue_scores_equal_scores_of_single_candidates():
    m = model()
    b = batch(ROWS, AGES, CAT_ROWS)
    with torch.no_grad():
        full = m.item_scores(b)  # (B, N+1)
        mm, mh, _ = m.interests(b)
        few = torch.tensor([[7, 1, 30], [2, 2, 11]])
        some = m.candidate_scores(mm, mh, m.candidate_embeddings(few))
    assert torch.allclose(full.gather(1, few), some, atol=1e-5)


def test_time_and_category_change_the_scores_and_padding_does_not():
    m = model()
    b = batch(ROWS, AGES, CAT_ROWS)
    with torch.no_grad():
        base = m.full_sort_scores(b)
        older = m.full_sort_scores(batch(ROWS, [[0, 0, 900, 400, 100, 50]] * 2, CAT_ROWS))
        recat = m.full_sort_scores(batch(ROWS, AGES, [[0, 0, 1, 1, 1, 1], [1, 1, 1, 1, 1, 1]]))
        cut = m.full_sort_scores({k: (v[:1, 2:] if v.dim() == 2 else v[:1]) for k, v in b.items()})
    assert not torch.allclose(base, older) and not torch.allclose(base, recat)
    assert torch.allclose(cut[0], base[0], atol=1e-5)  # fewer padding columns, same scores
    assert base[:, 0].eq(float("-inf")).all()


def test_loss_has_the_redundancy_penalty_and_trains_every_part():
    m = model(penalty=0.0, dropout=0.0).train()  # no dropout: A is the same in train and eval mode
    b = {**batch(ROWS, AGES, CAT_ROWS), "target_next": torch.tensor([[7], [8]])}
    torch.manual_seed(1)
    plain = m.calculate_loss(b)
    m.config.penalty = 0.5
    torch.manual_seed(1)
    with_penalty = m.calculate_loss(b)
    m.eval()
    _, _, a = m.interests(b)
    m.train()
    eye = torch.eye(3)
    penalty = (a @ a.transpose(1, 2) - eye).pow(2).sum((1, 2)).mean()
    assert with_penalty.item() == pytest.approx(plain.item() + 0.5 * penalty.item(), rel=1e-4)
    with_penalty.backward()
    for p in (m.item_emb.weight, m.time_emb.weight, m.cat_emb.weight, m.input_dense.weight,
              m.item_attention.w_s1.weight, m.feature_attention.w_s5.weight, m.gate_h.weight):
        assert p.grad.abs().sum() > 0


def test_item_categories_take_each_items_most_frequent_category(tiny_log):
    cats = item_categories(tiny_log)
    assert cats.shape == (tiny_log.num_items + 1,) and cats[0] == 0
    seq, cat = tiny_log.sequences[0], tiny_log.categories[0]
    assert cats[seq[0]] == cat[0]  # the synthetic world gives every item one category


def test_training_needs_timestamps(tmp_path):
    from nextitem_trainer.core.data import check_data_has_inputs, load_log

    path = tmp_path / "plain.txt"
    path.write_text("".join(f"{u} {i}\n" for u in range(1, 4) for i in range(1, 6)))
    log = load_log(path, "sasrec", "plain", min_interactions=0)
    with pytest.raises(ValueError, match="no timestamps"):
        check_data_has_inputs(model(), log)


@pytest.fixture(scope="module")
def trained(tmp_path_factory, tiny_clicks):
    config = tiny_run_config(tiny_clicks, "dmran-tiny", {"name": "dmran", "hidden": 16, "max_len": 10, "hops": 4,
                             "time_buckets": 8}, epochs=2, eval_every=1, batch_size=128, lr=0.005)
    return train(config, tmp_path_factory.mktemp("dmran"), progress=False)


def test_one_epoch_trains_and_evaluates(trained, tiny_log):
    ckpt = checkpoint.load(trained)
    m, _ = checkpoint.model_from_checkpoint(ckpt)
    assert len(ckpt["category_ids"]) == len(tiny_log.category_ids) > 0
    assert torch.equal(m.item_category, torch.from_numpy(item_categories(tiny_log)))  # restored with the weights
    result = evaluate(m, tiny_log, "test", ("P1",))["P1"]
    assert 0.0 < result["HR@10"] <= 1.0
    history = checkpoint.load(trained.parent / "last.pt")["state"]["history"]
    assert history[-1]["loss"] < history[0]["loss"]


def test_p5_reports_both_aucs(trained, tiny_log):
    m, _ = checkpoint.model_from_checkpoint(checkpoint.load(trained))
    p5 = evaluate(m, tiny_log, "test", ("P5",))["P5"]
    assert set(p5) == {"AUC", "AUC_1neg", "users"}
    assert 0.5 < p5["AUC"] <= 1.0  # trained two epochs on a world with structure: better than chance
    assert 0.0 <= p5["AUC_1neg"] <= 1.0 and p5["users"] == len(tiny_log.user_ids)
