"""ConvRec: causal lightweight convolution, shared kernels, padding invariance, export."""
import dataclasses
import io

import onnx
import pytest
import torch
from model_scores import catalogue_scores

from nextitem_trainer.core.models import model_class
from nextitem_trainer.core.models.convrec import CausalLightweightConv, ConvRec

N = 40


def model(**overrides):
    config = dataclasses.replace(ConvRec.Config(hidden=10, heads=5, kernel=3, blocks=1, max_len=8, dropout=0.0),
                                 **overrides)
    torch.manual_seed(0)
    return ConvRec(config, N).eval()


def scores(m, rows):
    return catalogue_scores(m, rows)  # (B, N)


def test_registered_under_its_config_name():
    assert model_class("convrec") is ConvRec


def test_one_softmax_kernel_per_head_shared_by_its_channels():
    conv = CausalLightweightConv(hidden=10, heads=5, kernel=3, weight_dropout=0.0)
    assert conv.weight.shape == (5, 3)
    # A constant input stays constant: each channel's kernel sums to one over the window.
    x = torch.ones(1, 6, 10)
    y = conv(x)
    assert torch.allclose(y[:, 2:], x[:, 2:], atol=1e-6)
    # Channels 0 and 1 belong to head 0 and see the same kernel.
    x = torch.zeros(1, 6, 10)
    x[0, 2, 0] = x[0, 2, 1] = 1.0
    y = conv(x)
    assert torch.allclose(y[0, :, 0], y[0, :, 1])


def test_window_is_causal_and_k_wide():
    conv = CausalLightweightConv(hidden=10, heads=5, kernel=3, weight_dropout=0.0)
    x = torch.randn(1, 8, 10)
    changed = x.clone()
    changed[0, 4] += 1.0
    delta = (conv(changed) - conv(x)).abs().sum(-1)[0]  # (L,)
    assert torch.all(delta[:4] == 0)      # the past never sees the future
    assert torch.all(delta[4:7] > 0)      # positions 4, 5, 6 have 4 in their window of 3
    assert delta[7] == 0                  # position 7's window is 5..7


def test_cutting_padding_columns_does_not_change_scores():
    m = model()
    full = scores(m, [[0, 0, 0, 0, 0, 3, 9, 27], [0, 0, 0, 0, 0, 0, 5, 6]])
    cut = scores(m, [[3, 9, 27], [0, 5, 6]])
    assert torch.allclose(full, cut, atol=1e-5)


@pytest.mark.parametrize("loss", ["ce", "bce"])
def test_losses_are_finite_and_train_the_kernel(loss):
    m = model(loss=loss, dropout=0.2).train()
    batch = {"item_seq": torch.tensor([[0, 0, 1, 2], [3, 4, 5, 6]]),
             "target_seq": torch.tensor([[0, 0, 2, 7], [4, 5, 6, 8]])}
    value = m.calculate_loss(batch)
    value.backward()
    assert torch.isfinite(value)
    assert m.blocks[0].conv.weight.grad.abs().sum() > 0


def test_exports_to_a_valid_opset_17_graph_with_dynamic_length():
    m = model()
    graph = m.export_graph(top_k=10)
    buffer = io.BytesIO()
    torch.onnx.export(graph, (torch.tensor([[0, 0, 1, 2, 3, 4, 5, 6]]),), buffer, opset_version=17,
                      input_names=["item_seq"], output_names=["top_items", "top_scores"],
                      dynamic_axes={"item_seq": {0: "batch", 1: "length"}, "top_items": {0: "batch"},
                                    "top_scores": {0: "batch"}})
    proto = onnx.load_from_string(buffer.getvalue())
    onnx.checker.check_model(proto, full_check=True)
    assert "Conv" in {node.op_type for node in proto.graph.node}


ROWS = torch.tensor([[0, 0, 0, 0, 0, 3, 9, 27], [1, 2, 3, 4, 5, 6, 7, 8], [0, 0, 0, 0, 0, 0, 0, 11],
                     [0, 0, 0, 0, 0, 0, 0, 0], [8, 7, 6, 5, 4, 3, 2, 1]])


@pytest.mark.parametrize("blocks,positions", [(1, "from_right"), (2, "from_right"), (2, "from_left")])
def test_newest_state_from_the_receptive_field_equals_the_full_encoders_last_column(blocks, positions):
    # Scoring encodes only the newest blocks * (k - 1) + 1 columns; it must be the same function.
    m = model(blocks=blocks, positions=positions)
    with torch.no_grad():
        full = m.encode({"item_seq": ROWS})[:, -1, :]  # (B, d)
        newest = m.encode_newest({"item_seq": ROWS})  # (B, d)
    assert newest.shape == full.shape
    assert torch.allclose(newest, full, atol=1e-5)


@pytest.mark.parametrize("blocks", [1, 2])
def test_receptive_field_is_exactly_what_the_full_encoder_reads(blocks):
    # The cut keeps R = blocks * (k - 1) + 1 columns: the full encoder's newest column changes
    # with the item R columns back and not with the one before it, so R is neither short nor long.
    m = model(blocks=blocks)
    window = m.receptive_field()
    assert window == blocks * 2 + 1
    row = torch.tensor([[1, 2, 3, 4, 5, 6, 7, 8]])
    inside, outside = row.clone(), row.clone()
    inside[0, -window] = 30
    outside[0, -window - 1] = 30
    with torch.no_grad():
        base = m.encode({"item_seq": row})[0, -1]
        assert not torch.allclose(m.encode({"item_seq": inside})[0, -1], base, atol=1e-4)
        assert torch.allclose(m.encode({"item_seq": outside})[0, -1], base, atol=1e-6)
        assert not torch.allclose(m.encode_newest({"item_seq": inside})[0], m.encode_newest({"item_seq": row})[0],
                                  atol=1e-4)
