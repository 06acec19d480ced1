"""SASRec: right-aligned positions, padding, causality, both losses, registry."""
import dataclasses

import pytest
import torch
from model_scores import catalogue_scores

from nextitem_trainer.core.config import ConfigError
from nextitem_trainer.core.models import build_model, model_class, registered_models
from nextitem_trainer.core.models.sasrec import SASRec

N = 40


def model(**overrides):
    config = dataclasses.replace(SASRec.Config(hidden=16, blocks=2, heads=2, max_len=8, dropout=0.0), **overrides)
    torch.manual_seed(0)
    return SASRec(config, N).eval()


def scores(m, rows):
    return catalogue_scores(m, rows)  # (B, N)


LAYOUTS = [dict(block_layout=b, positions=p) for b in ("pre_ln", "reference") for p in ("from_right", "from_left")]


@pytest.mark.parametrize("layout", LAYOUTS, ids=lambda d: f"{d['block_layout']}-{d['positions']}")
def test_cutting_padding_columns_does_not_change_scores(layout):
    m = model(**layout)
    full = scores(m, [[0, 0, 0, 0, 0, 3, 9, 27], [0, 0, 0, 0, 0, 0, 5, 6]])
    cut = scores(m, [[3, 9, 27], [0, 5, 6]])
    assert torch.allclose(full, cut, atol=1e-5)


@pytest.mark.parametrize("layout", LAYOUTS, ids=lambda d: f"{d['block_layout']}-{d['positions']}")
def test_every_layout_is_causal_and_ignores_padding(layout):
    m = model(**layout)
    with torch.no_grad():
        h1 = m.encode({"item_seq": torch.tensor([[0, 0, 1, 2, 3, 4]])})
        h2 = m.encode({"item_seq": torch.tensor([[0, 0, 1, 2, 3, 9]])})
        m.item_emb.weight[0] += 1.0
        h3 = m.encode({"item_seq": torch.tensor([[0, 0, 1, 2, 3, 4]])})
    assert torch.allclose(h1[:, 2:5], h2[:, 2:5], atol=1e-6)  # the past does not see item 4 -> 9
    assert not torch.allclose(h1[:, 5], h2[:, 5])
    assert torch.allclose(h1[:, 2:], h3[:, 2:], atol=1e-5)  # padding content is ignored


def test_left_aligned_positions_count_from_the_oldest_item():
    from nextitem_trainer.core.models.base import left_aligned_positions
    got = left_aligned_positions(torch.tensor([[0, 0, 7, 8, 9], [1, 2, 3, 4, 5], [0, 0, 0, 0, 6]]))
    assert got.tolist() == [[0, 0, 0, 1, 2], [0, 1, 2, 3, 4], [0, 0, 0, 0, 0]]


def test_positions_from_the_left_give_a_short_history_the_first_positions():
    # Only the first three position rows change (by noise: a constant shift of every dimension
    # would vanish in the LayerNorms).
    noise = torch.randn(3, 16, generator=torch.Generator().manual_seed(1))
    m = model(positions="from_left")
    with torch.no_grad():
        m.pos_emb.weight[:3] += noise
        moved = scores(m, [[0, 0, 0, 0, 0, 1, 2, 3]])
    m_right = model(positions="from_right")
    with torch.no_grad():
        m_right.pos_emb.weight[:3] += noise
        unmoved = scores(m_right, [[0, 0, 0, 0, 0, 1, 2, 3]])
    assert torch.allclose(unmoved, scores(model(positions="from_right"), [[1, 2, 3]]), atol=1e-5)  # positions 5-7 only
    assert not torch.allclose(moved, scores(model(positions="from_left"), [[1, 2, 3]]), atol=1e-3)


def test_reference_layout_is_a_different_function_of_the_same_weights():
    pre_ln = model(block_layout="pre_ln")
    reference = model(block_layout="reference")
    reference.load_state_dict(pre_ln.state_dict())
    rows = [[0, 0, 4, 8, 15, 16]]
    assert not torch.allclose(scores(pre_ln, rows), scores(reference, rows), atol=1e-3)


@pytest.mark.parametrize("key, value", [("block_layout", "post_ln"), ("positions", "middle")])
def test_unknown_layouts_are_refused(key, value):
    with pytest.raises(ConfigError, match=key):
        dataclasses.replace(SASRec.Config(), **{key: value}).check()


def test_positions_count_from_the_right():
    m = model()
    # The same items placed further left (more padding on the right is not allowed, so compare a
    # row against its own left-shifted copy): left-aligned positions would score them the same.
    with torch.no_grad():
        # make the leftmost positions very different (noise: a constant shift of every
        # dimension would vanish in the LayerNorms and prove nothing)
        m.pos_emb.weight[:4] += torch.randn(4, 16, generator=torch.Generator().manual_seed(2))
    right = scores(m, [[0, 0, 0, 0, 0, 1, 2, 3]])
    cut = scores(m, [[1, 2, 3]])
    assert torch.allclose(right, cut, atol=1e-5)  # they use positions 5, 6, 7 either way


def test_only_the_past_and_real_items_matter():
    m = model()
    # padding content is ignored: index 0 rows are masked out of attention
    a = scores(m, [[0, 0, 0, 4, 8]])
    m.item_emb.weight.data[0] += 1.0  # even a non-zero padding embedding changes nothing
    assert torch.allclose(a, scores(m, [[0, 0, 0, 4, 8]]), atol=1e-5)
    # causality: hidden state at position t does not depend on later items
    with torch.no_grad():
        h1 = m.encode({"item_seq": torch.tensor([[1, 2, 3, 4]])})
        h2 = m.encode({"item_seq": torch.tensor([[1, 2, 3, 9]])})
    assert torch.allclose(h1[:, :3], h2[:, :3], atol=1e-6)
    assert not torch.allclose(h1[:, 3], h2[:, 3])


def test_padding_index_is_never_a_candidate():
    m = model()
    with torch.no_grad():
        full = m.full_sort_scores({"item_seq": torch.tensor([[0, 1, 2]])})
    assert full[0, 0] == float("-inf")
    assert torch.isfinite(full[0, 1:]).all()


@pytest.mark.parametrize("loss", ["ce", "bce"])
def test_losses_are_finite_and_ignore_padding_targets(loss):
    m = model(loss=loss, dropout=0.2).train()
    batch = {"item_seq": torch.tensor([[0, 0, 1, 2], [3, 4, 5, 6]]),
             "target_seq": torch.tensor([[0, 0, 2, 7], [4, 5, 6, 8]])}
    value = m.calculate_loss(batch)
    value.backward()
    assert torch.isfinite(value)
    assert m.item_emb.weight.grad[0].abs().sum() == 0  # padding row gets no gradient


def test_chunked_cross_entropy_equals_one_softmax(monkeypatch):
    from nextitem_trainer.core.models import training_ops
    m = model()
    hidden, targets = torch.randn(50, 16), torch.randint(1, N + 1, (50,))
    monkeypatch.setattr(training_ops, "LOGITS_BUFFER_FLOATS", 7 * N)  # chunks of 7 positions
    chunked = m._full_softmax_loss(hidden, targets)
    whole = torch.nn.functional.cross_entropy(hidden @ m.item_emb.weight[1:].t(), targets - 1)
    assert torch.allclose(chunked, whole, atol=1e-6)


def test_init_std_draws_normal_weights_and_zero_biases():
    torch.manual_seed(0)
    m = build_model("sasrec", SASRec.Config(hidden=32, max_len=8, init_std=0.02), N)
    ffn = m.blocks[0].ffn.net[0]
    assert torch.all(ffn.bias == 0)
    assert abs(ffn.weight.std().item() - 0.02) < 0.004
    assert abs(m.pos_emb.weight.std().item() - 0.02) < 0.004
    assert torch.all(m.item_emb.weight[0] == 0)  # padding row still zero
    assert m.blocks[0].attention_norm.weight.eq(1).all()  # LayerNorm untouched
    xavier = build_model("sasrec", SASRec.Config(hidden=32, max_len=8), N)
    assert xavier.blocks[0].ffn.net[0].weight.std().item() > 0.1  # sqrt(2 / (32 + 32)) = 0.18


def test_negative_init_std_is_refused():
    with pytest.raises(ConfigError, match="init_std"):
        SASRec.Config(init_std=-0.1).check()


def test_registry():
    assert {"sasrec", "mostpop"} <= set(registered_models())
    assert model_class("sasrec") is SASRec
    assert build_model("sasrec", SASRec.Config(hidden=8, max_len=4), 5).item_emb.weight.shape == (6, 8)
    with pytest.raises(KeyError, match="unknown model"):
        model_class("nope")


def test_export_graph_needs_enough_items_for_k_prime():
    m = model()  # N = 40, max_len 8
    assert m.export_graph(top_k=32).k_graph == 40
    with pytest.raises(ValueError, match="exceeds the catalogue of 40 items"):
        m.export_graph(top_k=33)


def test_study_settings_drop_only_attention_weights_and_keep_the_xavier_in_projection():
    torch.manual_seed(0)
    m = build_model("sasrec", SASRec.Config(hidden=64, max_len=8, init_std=0.02, block_layout="reference",
                                            attention_output_dropout=False, qkv_init="xavier_uniform"), N)
    block = m.blocks[0]
    assert block.attention_dropout.p == 0.0 and block.attention.dropout.p == 0.2
    bound = (6 / (64 + 3 * 64)) ** 0.5  # Xavier-uniform over the (3d, d) in-projection
    assert block.attention.qkv.weight.abs().max() <= bound
    assert abs(block.attention.qkv.weight.std().item() - bound / 3 ** 0.5) < 0.01
    assert torch.all(block.attention.qkv.bias == 0)
    assert abs(block.attention.out.weight.std().item() - 0.02) < 0.004  # the rest keeps init_std
    default = build_model("sasrec", SASRec.Config(hidden=64, max_len=8, init_std=0.02), N)
    assert abs(default.blocks[0].attention.qkv.weight.std().item() - 0.02) < 0.004
    assert default.blocks[0].attention_dropout.p == 0.2


def test_unknown_qkv_init_is_refused():
    with pytest.raises(ConfigError, match="qkv_init"):
        dataclasses.replace(SASRec.Config(), qkv_init="orthogonal").check()


@pytest.mark.parametrize("layout", LAYOUTS, ids=lambda d: f"{d['block_layout']}-{d['positions']}")
def test_newest_only_last_block_gives_the_full_encoders_last_column(layout):
    # Scoring runs the last block for the newest column only; it must be the same function.
    m = model(**layout)
    rows = torch.tensor([[0, 0, 0, 0, 0, 3, 9, 27], [1, 2, 3, 4, 5, 6, 7, 8], [0, 0, 0, 0, 0, 0, 0, 11],
                         [0, 0, 0, 0, 0, 0, 0, 0]])
    with torch.no_grad():
        full = m.encode({"item_seq": rows})[:, -1, :]  # (B, d)
        newest = m.encode_newest({"item_seq": rows})  # (B, d)
    assert newest.shape == full.shape
    assert torch.allclose(newest, full, atol=1e-5)
    # ... and not by accident: the newest column depends on the older items through the keys.
    with torch.no_grad():
        changed = m.encode_newest({"item_seq": torch.tensor([[0, 0, 0, 0, 0, 4, 9, 27]])})
    assert not torch.allclose(changed[0], newest[0], atol=1e-4)



def test_one_head_attention_is_the_textbook_formula():
    # heads == 1 skips the (B, h, L, dh) reshapes; it must still be softmax(q k^T / sqrt d) v.
    from nextitem_trainer.core.models.sasrec import CausalSelfAttention
    torch.manual_seed(1)
    attention = CausalSelfAttention(16, 1, 0.0).eval()
    x = torch.randn(2, 5, 16)  # (B, L, d)
    allowed = torch.ones(5, 5).tril().bool().expand(2, 5, 5).clone()  # (B, L, L), causal
    allowed[1, :, 0] = False  # row 1: key 0 is padding
    allowed[1, 0, 0] = True  # (its own query keeps one key, as a padding query gets garbage anyway)
    with torch.no_grad():
        q, k, v = attention.qkv(x).chunk(3, dim=-1)
        weights = torch.softmax((q @ k.transpose(1, 2) / 4.0).masked_fill(~allowed, float("-inf")), dim=-1)
        expected = attention.out(weights @ v)  # (B, L, d)
        assert torch.allclose(attention(x, allowed), expected, atol=1e-6)
        keys = torch.randn(2, 5, 16)  # queries from x, keys and values from another sequence
        _, k2, v2 = attention.qkv(keys).chunk(3, dim=-1)
        weights = torch.softmax((q @ k2.transpose(1, 2) / 4.0).masked_fill(~allowed, float("-inf")), dim=-1)
        assert torch.allclose(attention(x, allowed, keys=keys), attention.out(weights @ v2), atol=1e-6)


@pytest.mark.parametrize("layout", LAYOUTS, ids=lambda d: f"{d['block_layout']}-{d['positions']}")
def test_served_graph_of_one_head_copies_no_activations_and_has_no_layer_norm_node(layout, tmp_path):
    # What the export is shaped for (models/layer_norm.py, CausalSelfAttention._project): a
    # LayerNormalization node, a Transpose or a Slice of activations is a slow pass over the batch
    # on ONNX Runtime's CPU. The one Transpose left per block is k^T, which ONNX Runtime folds
    # into the MatMul it feeds (FusedMatMul).
    import numpy as np
    import onnx
    import onnx_numpy
    from nextitem_trainer.serving.export import _export_onnx
    m = model(heads=1, **layout)
    rows = [[0, 0, 0, 0, 0, 3, 9, 27], [1, 2, 3, 4, 5, 6, 7, 8], [0, 0, 0, 0, 0, 0, 0, 11]]
    path = tmp_path / "sasrec.onnx"
    _export_onnx(m.export_graph(top_k=5), m, {"item_seq": torch.tensor(rows)}, path)  # export's own settings
    proto = onnx.load(str(path))
    ops = [node.op_type for node in proto.graph.node]
    assert "LayerNormalization" not in ops
    for transpose in (n for n in proto.graph.node if n.op_type == "Transpose"):
        readers = [n for n in proto.graph.node if transpose.output[0] in n.input]
        assert [(n.op_type, list(n.input).index(transpose.output[0])) for n in readers] == [("MatMul", 1)]
    weight_slices = [n for n in proto.graph.node if n.op_type == "Slice" and "qkv" in n.input[0]]
    assert not weight_slices  # folded into constants at export
    out = onnx_numpy.run(path, {"item_seq": np.array(rows, dtype=np.int64)})
    top_scores, top_items = torch.topk(scores(m, rows), 5 + 8, dim=1)
    assert out["top_items"].tolist() == (top_items + 1).tolist()
    assert np.abs(out["top_scores"] - top_scores.numpy()).max() < 1e-4
