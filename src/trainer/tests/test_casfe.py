"""CASFE: row-wise convolutions, masked attention pooling, padding invariance, training, export."""
import copy
import dataclasses
import json

import numpy as np
import pytest
import torch
from model_scores import catalogue_scores

import onnx_numpy
import onnx_numpy_conv  # noqa: F401  (adds Conv, ReduceSum, Squeeze, Tanh to onnx_numpy)
from nextitem_trainer.core import checkpoint
from nextitem_trainer.core.config import ConfigError, config_from_dict
from nextitem_trainer.core.data import train_popularity
from nextitem_trainer.core.evaluation import evaluate
from nextitem_trainer.serving.export import export
from nextitem_trainer.core.models import model_class
from nextitem_trainer.core.models.casfe import CASFE
from nextitem_trainer.core.models.mostpop import MostPop
from nextitem_trainer.core.train import train

N = 40


def model(**overrides):
    config = dataclasses.replace(CASFE.Config(hidden=8, max_len=9, kernels=[3, 2], dropout=0.0,
                                              attention=[6, 4], mlp=[7]), **overrides)
    torch.manual_seed(0)
    return CASFE(config, N).eval()


def scores(m, rows):
    return catalogue_scores(m, rows)  # (B, N)


def casfe_config(tiny_clicks, **train):
    from conftest import TINY_CONFIG

    raw = copy.deepcopy(TINY_CONFIG)
    raw["data"]["path"] = str(tiny_clicks)
    raw["model"] = {"name": "casfe", "hidden": 16, "max_len": 10, "kernels": [3, 3], "dropout": 0.2,
                    "attention": [16], "mlp": [16]}
    raw["train"].update({"batch_size": 64, **train})
    return config_from_dict(raw)


def test_registered_under_its_config_name():
    assert model_class("casfe") is CASFE


def test_convolution_is_row_by_row_and_rs_has_eq4_length():
    m = model(feature_maps=2)
    assert [tuple(c.weight.shape) for c in m.convs] == [(16, 1, 3), (16, 2, 2)]  # d*M maps, d groups
    x = torch.zeros(1, 8, 9)
    x[0, 3, 4] = 1.0  # one value in embedding row 3
    y = m.convs[0](x)  # (1, d*M, 7)
    changed = y.abs().sum(-1)[0].nonzero().flatten().tolist()
    assert changed and all(ch // 2 == 3 for ch in changed)  # only row 3's maps respond
    assert m.mlp[1].in_features == 8 + 2 * 2 * 8  # d + C*M*d


def test_attention_weights_sum_to_one_and_ignore_masked_positions():
    pool = model().attentions[0]
    c = torch.randn(2, 5, 8)
    keep = torch.tensor([[False, False, True, True, True], [True] * 5])
    out = pool(c, keep)
    changed = c.clone()
    changed[0, :2] += 100.0  # masked positions: any content
    assert torch.allclose(out[0], pool(changed, keep)[0], atol=1e-6)
    assert torch.allclose(pool(torch.ones(1, 5, 8), keep[1:]), torch.ones(1, 8), atol=1e-6)  # convex combination


def test_cutting_padding_columns_does_not_change_scores():
    m = model()
    full = scores(m, [[0, 0, 0, 0, 0, 3, 9, 27, 5], [0, 0, 0, 0, 0, 0, 0, 6, 2], [0] * 8 + [11]])
    cut = scores(m, [[0, 3, 9, 27, 5], [0, 0, 0, 6, 2], [0, 0, 0, 0, 11]])
    one = scores(m, [[11]])  # shorter than every kernel: still one real window per layer
    assert torch.allclose(full, cut, atol=1e-6)
    assert torch.allclose(full[2:], one, atol=1e-6)
    assert torch.isfinite(scores(m, [[0, 0, 0]])).all()  # no items at all: finite, constant


def test_longer_rows_use_the_last_max_len_items_and_padding_content_is_ignored():
    m = model()
    row = list(range(1, 10))
    assert torch.allclose(scores(m, [[30, 31] + row]), scores(m, [row]), atol=1e-6)
    before = scores(m, [[0, 0, 0, 0, 4, 8, 1, 2, 3]])
    with torch.no_grad():
        m.item_emb.weight[0] += 1.0
    assert torch.allclose(before, scores(m, [[0, 0, 0, 0, 4, 8, 1, 2, 3]]), atol=1e-6)


def test_every_layer_and_the_order_matter():
    m = model()
    a, b = scores(m, [[1, 2, 3, 4, 5, 6, 7, 8, 9]]), scores(m, [[9, 8, 7, 6, 5, 4, 3, 2, 1]])
    assert not torch.allclose(a, b)  # the convolutions see the order
    m.train()
    batch = {"item_seq": torch.tensor([[0, 0, 1, 2, 3, 4, 5, 6, 7], [3, 4, 5, 6, 7, 8, 9, 10, 11]]),
             "target_next": torch.tensor([[8], [12]])}
    loss = m.calculate_loss(batch)
    loss.backward()
    assert torch.isfinite(loss)
    for part in (*m.convs, *m.attentions, m.mlp):
        assert sum(p.grad.abs().sum() for p in part.parameters()) > 0


def test_config_checks():
    from conftest import TINY_CONFIG

    raw = copy.deepcopy(TINY_CONFIG)
    raw["model"] = {"name": "casfe", "max_len": 4, "kernels": [3, 3]}
    with pytest.raises(ConfigError, match="kernels"):
        config_from_dict(raw)
    raw["model"] = {"name": "casfe", "loss": "bce"}
    with pytest.raises(ConfigError, match="ce"):
        config_from_dict(raw)
    raw["model"] = {"name": "casfe", "init_std": 0.02}  # would be silently ignored by its own init
    with pytest.raises(ConfigError, match="init_std"):
        config_from_dict(raw)
    raw["model"] = {"name": "casfe", "max_len": 4, "kernels": [3, 2]}  # the paper's N = 5 setting
    assert config_from_dict(raw).model.kernels == [3, 2]


@pytest.fixture(scope="module")
def trained(tmp_path_factory, tiny_clicks):
    torch.set_num_threads(1)
    config = casfe_config(tiny_clicks, epochs=4, eval_every=4, lr=0.01)
    return train(config, tmp_path_factory.mktemp("casfe") / "run", progress=False)


def test_trains_windows_and_beats_mostpop(trained, tiny_log):
    ckpt = checkpoint.load(trained)
    assert ckpt["config"]["model"]["name"] == "casfe" and ckpt["epochs_run"] == 4
    model_, _ = checkpoint.model_from_checkpoint(ckpt)
    learned = evaluate(model_, tiny_log, "test")["P1"]["HR@10"]
    pop = MostPop(MostPop.Config(max_len=10), tiny_log.num_items).fit(train_popularity(tiny_log))
    assert learned > evaluate(pop, tiny_log, "test")["P1"]["HR@10"] + 0.1


def test_export_round_trip_through_the_numpy_interpreter(trained, tmp_path):
    version = export(trained, tmp_path / "registry", version="casfe-test-1", top_k=5)
    manifest = json.loads((version / "manifest.json").read_text())
    assert manifest["inputs"] == ["item_seq"] and manifest["max_seq_len"] == 10
    for case in json.loads((version / "golden.json").read_text())["cases"]:
        out = onnx_numpy.run(version / "model.onnx", {"item_seq": np.array(case["inputs"]["item_seq"], dtype=np.int64)})
        assert out["top_items"].tolist() == case["top_items"]
        assert np.abs(out["top_scores"] - np.array(case["top_scores"])).max() < 1e-4
    rows = np.array([[0, 0, 4, 9], [0, 0, 0, 7]], dtype=np.int64)
    padded = np.zeros((2, 10), dtype=np.int64)
    padded[:, -4:] = rows
    cut, full = (onnx_numpy.run(version / "model.onnx", {"item_seq": r}) for r in (rows, padded))
    assert cut["top_items"].tolist() == full["top_items"].tolist()
    assert np.allclose(cut["top_scores"], full["top_scores"], atol=1e-5)
