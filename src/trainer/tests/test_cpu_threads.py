"""train.threads caps OpenBLAS's own pool too, not only torch's: its idle workers spin."""
import pytest
import torch

from nextitem_trainer.core.cpu_threads import openblas_threads, set_cpu_threads


@pytest.fixture
def restore_threads():
    torch_before, blas_before = torch.get_num_threads(), openblas_threads()
    yield
    if blas_before is not None:
        set_cpu_threads(blas_before)
    torch.set_num_threads(torch_before)


def test_one_thread_caps_torch_and_openblas(restore_threads):
    torch.ones(64, 64) @ torch.ones(64, 64)  # a product, so the BLAS library is loaded
    set_cpu_threads(1)
    assert torch.get_num_threads() == 1
    blas = openblas_threads()
    if blas is None:
        pytest.skip("this torch does not use OpenBLAS; torch's own cap is all there is")
    assert blas == 1


def test_zero_leaves_the_defaults(restore_threads):
    before = torch.get_num_threads(), openblas_threads()
    set_cpu_threads(0)
    assert (torch.get_num_threads(), openblas_threads()) == before
