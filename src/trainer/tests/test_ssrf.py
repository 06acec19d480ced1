"""SSRF: the CNN branch over item embeddings, the self-attention branch over categories, the user
embedding (unknown user = mean user), sampled-negative BCE, and training on the tiny world."""
import pytest
import torch
from conftest import tiny_run_config

from nextitem_trainer.core import checkpoint
from nextitem_trainer.core.config import ConfigError
from nextitem_trainer.core.evaluation import evaluate
from nextitem_trainer.core.models import build_model, model_class
from nextitem_trainer.core.models.ssrf import SSRF
from nextitem_trainer.core.train import train

N, USERS, CATS = 30, 5, 4


def model(**overrides) -> SSRF:
    torch.manual_seed(0)
    return SSRF(SSRF.Config(hidden=8, max_len=6, conv_channels=2, heads=2, **overrides), N, USERS, CATS).eval()


ITEMS = [[0, 0, 3, 4, 5, 6], [1, 2, 3, 4, 5, 6]]
CAT_ROWS = [[0, 0, 3, 4, 0, 1], [1, 2, 3, 4, 0, 1]]


def scores(m, items=ITEMS, cats=CAT_ROWS, users=(1, 2)):
    with torch.no_grad():
        return m.full_sort_scores({"item_seq": torch.tensor(items), "cat_seq": torch.tensor(cats),
                                   "user_idx": torch.tensor(users)})


def test_registered_with_category_and_user_inputs():
    assert model_class("ssrf") is SSRF and SSRF.inputs == ("item_seq", "cat_seq", "user_idx")
    m = build_model("ssrf", SSRF.Config(hidden=4, heads=1), 10, num_users=7, num_categories=3)
    assert m.user_emb.weight.shape == (8, 4) and m.cat_emb.weight.shape == (4, 4)
    assert m.output.weight.shape == (11, 8)  # W' of eq. 12: |I| x 2d (plus the padding row)


def test_each_branch_and_the_user_change_the_scores():
    m = model()
    base = scores(m)
    assert not torch.allclose(base, scores(m, cats=[[0, 0, 1, 1, 1, 1], [1, 1, 1, 1, 1, 1]]))
    assert not torch.allclose(base, scores(m, items=[[0, 0, 9, 8, 7, 6], [9, 8, 7, 6, 5, 4]]))
    assert not torch.allclose(base, scores(m, users=(3, 4)))


def test_padding_columns_do_not_change_the_scores():
    m = model()
    base = scores(m)
    cut = scores(m, items=[ITEMS[0][2:]], cats=[CAT_ROWS[0][2:]], users=(1,))
    assert torch.allclose(cut[0], base[0], atol=1e-5)


def test_categories_under_padding_are_ignored():
    m = model()
    assert torch.allclose(scores(m), scores(m, cats=[[3, 2, 3, 4, 0, 1], CAT_ROWS[1]]))


def test_unknown_user_is_the_mean_user():
    m = model()
    with torch.no_grad():
        m.user_emb.weight[0] = 100.0  # row 0 itself is never read
        m.user_emb.weight[5] = m.user_emb.weight[1:5].mean(0)  # so user 5 is the mean of users 1..5
    assert torch.allclose(scores(m, users=(0, 0)), scores(m, users=(5, 5)), atol=1e-5)


def test_loss_is_bce_over_target_and_negatives_and_trains_every_part():
    m = model(dropout=0.0, negatives=3).train()
    batch = {"item_seq": torch.tensor(ITEMS), "cat_seq": torch.tensor(CAT_ROWS), "user_idx": torch.tensor([1, 2]),
             "target_next": torch.tensor([[7], [8]])}
    loss = m.calculate_loss(batch)
    assert torch.isfinite(loss)
    loss.backward()
    for p in (m.item_emb.weight, m.cat_emb.weight, m.user_emb.weight, m.fuse.weight, m.output.weight,
              m.cnn.fc[1].weight, m.blocks[0].attention.qkv.weight):
        assert p.grad.abs().sum() > 0


def test_config_checks():
    with pytest.raises(ConfigError, match="heads"):
        SSRF.Config(hidden=8, heads=3).check()
    with pytest.raises(ConfigError, match="positive"):
        SSRF.Config(negatives=0).check()


@pytest.fixture(scope="module")
def trained(tmp_path_factory, tiny_clicks):
    config = tiny_run_config(tiny_clicks, "ssrf-tiny", {"name": "ssrf", "hidden": 16, "max_len": 10, "conv_channels": 2,
                             "blocks": 1, "heads": 2}, epochs=2, eval_every=1, batch_size=128, lr=0.005)
    return train(config, tmp_path_factory.mktemp("ssrf"), progress=False)


def test_one_epoch_trains_and_evaluates(trained, tiny_log):
    m, _ = checkpoint.model_from_checkpoint(checkpoint.load(trained))
    result = evaluate(m, tiny_log, "test", ("P1",))["P1"]
    assert 0.0 < result["HR@10"] <= 1.0
    history = checkpoint.load(trained.parent / "last.pt")["state"]["history"]
    assert history[-1]["loss"] < history[0]["loss"]
