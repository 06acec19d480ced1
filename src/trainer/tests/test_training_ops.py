"""The CPU-fast training ops must be the stock operations in value and gradient."""
import pytest
import torch
import torch.nn.functional as F

from nextitem_trainer.core.models import training_ops
from nextitem_trainer.core.models.training_ops import Dropout, softmax_cross_entropy_sum


def _reference_and_fused(hidden, table, targets):
    h1, t1 = hidden.clone().requires_grad_(), table.clone().requires_grad_()
    h2, t2 = hidden.clone().requires_grad_(), table.clone().requires_grad_()
    reference = F.cross_entropy(h1 @ t1.t(), targets, reduction="sum")
    fused = softmax_cross_entropy_sum(h2, t2, targets)
    (reference * 0.7).backward()
    (fused * 0.7).backward()  # a non-unit upstream gradient must scale both results
    return (reference, h1.grad, t1.grad), (fused, h2.grad, t2.grad)


def test_cross_entropy_matches_torch_in_value_and_gradients():
    gen = torch.Generator().manual_seed(0)
    hidden = torch.randn(37, 8, generator=gen, dtype=torch.float64) * 3  # large logits: stability matters
    table = torch.randn(50, 8, generator=gen, dtype=torch.float64)
    targets = torch.randint(0, 50, (37,), generator=gen)
    (ref, ref_dh, ref_dt), (fused, dh, dt) = _reference_and_fused(hidden, table, targets)
    assert torch.allclose(fused, ref, rtol=1e-12)
    assert torch.allclose(dh, ref_dh, rtol=1e-10, atol=1e-12)
    assert torch.allclose(dt, ref_dt, rtol=1e-10, atol=1e-12)


def test_cross_entropy_chunks_give_the_same_result_as_one_chunk(monkeypatch):
    gen = torch.Generator().manual_seed(1)
    hidden = torch.randn(29, 4, generator=gen, dtype=torch.float64)
    table = torch.randn(10, 4, generator=gen, dtype=torch.float64)
    targets = torch.randint(0, 10, (29,), generator=gen)
    monkeypatch.setattr(training_ops, "LOGITS_BUFFER_FLOATS", 30)  # 3 rows per chunk, last one partial
    assert training_ops.rows_per_chunk(10) == 3
    (ref, ref_dh, ref_dt), (fused, dh, dt) = _reference_and_fused(hidden, table, targets)
    assert torch.allclose(fused, ref, rtol=1e-12)
    assert torch.allclose(dh, ref_dh, rtol=1e-10) and torch.allclose(dt, ref_dt, rtol=1e-10)


def test_cross_entropy_passes_gradcheck():
    gen = torch.Generator().manual_seed(2)
    hidden = torch.randn(6, 3, generator=gen, dtype=torch.float64, requires_grad=True)
    table = torch.randn(5, 3, generator=gen, dtype=torch.float64, requires_grad=True)
    targets = torch.tensor([0, 4, 2, 2, 1, 3])
    assert torch.autograd.gradcheck(lambda h, t: softmax_cross_entropy_sum(h, t, targets), (hidden, table))


def test_cross_entropy_refuses_shapes_that_do_not_line_up():
    with pytest.raises(ValueError, match="do not line up"):
        softmax_cross_entropy_sum(torch.zeros(4, 3), torch.zeros(5, 3), torch.zeros(3, dtype=torch.long))


def test_dropout_drops_the_configured_share_and_keeps_the_mean():
    torch.manual_seed(3)
    layer = Dropout(0.25).train()
    x = torch.ones(200_000, requires_grad=True)
    y = layer(x)
    dropped = (y == 0).float().mean().item()
    assert abs(dropped - 0.25) < 0.01
    assert torch.allclose(y[y != 0], torch.full_like(y[y != 0], 1 / 0.75))
    assert abs(y.mean().item() - 1.0) < 0.01
    y.sum().backward()
    assert torch.equal(x.grad, y.detach())  # d y / d x is the same scaled mask


def test_dropout_is_the_identity_in_eval_mode_and_at_zero():
    x = torch.randn(4, 5)
    assert Dropout(0.5).eval()(x) is x
    assert Dropout(0.0).train()(x) is x
