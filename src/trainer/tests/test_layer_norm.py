"""LayerNorm: eager is nn.LayerNorm; the export is its arithmetic written out, same numbers."""
import numpy as np
import onnx
import pytest
import torch
from torch import nn

import onnx_numpy
from nextitem_trainer.core.models.layer_norm import LayerNorm


def affine_norm(hidden: int, eps: float) -> LayerNorm:
    torch.manual_seed(0)
    norm = LayerNorm(hidden, eps=eps)
    with torch.no_grad():  # not the identity affine, so scale and shift are checked too
        norm.weight.normal_(1.0, 0.5)
        norm.bias.normal_(0.0, 0.5)
    return norm


@pytest.mark.parametrize("eps", [1e-8, 1e-5])
def test_written_out_form_equals_nn_layer_norm(eps):
    norm = affine_norm(16, eps)
    x = torch.randn(3, 7, 16) * 4 + 2  # (B, L, d), off-centre and wide
    x[0, :3] = 0.0  # zeroed padding rows: variance 0, only eps under the root
    expected = nn.functional.layer_norm(x, (16,), norm.weight, norm.bias, eps)
    assert torch.equal(norm(x), expected)  # eager is nn.LayerNorm itself
    assert torch.allclose(norm.written_out(x), expected, atol=1e-5)


def test_checkpoints_of_nn_layer_norm_load_unchanged():
    saved = affine_norm(8, 1e-8)
    plain = nn.LayerNorm(8, eps=1e-8)
    plain.load_state_dict(saved.state_dict())  # same keys both ways, strict
    loaded = LayerNorm(8, eps=1e-8)
    loaded.load_state_dict(plain.state_dict())
    x = torch.randn(4, 8)
    assert torch.equal(loaded(x), plain(x))


def test_export_has_no_layer_normalization_node_and_gives_the_same_numbers(tmp_path):
    norm = affine_norm(16, 1e-8).eval()
    x = torch.randn(2, 5, 16) * 3
    path = tmp_path / "norm.onnx"
    torch.onnx.export(norm, (x,), str(path), opset_version=17, input_names=["x"], output_names=["y"],
                      dynamic_axes={"x": {0: "batch", 1: "length"}})
    ops = {node.op_type for node in onnx.load(str(path)).graph.node}
    assert "LayerNormalization" not in ops and "ReduceMean" in ops
    out = onnx_numpy.run(path, {"x": x.numpy()})["y"]
    with torch.no_grad():
        assert np.abs(out - norm(x).numpy()).max() < 1e-5
