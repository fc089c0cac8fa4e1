"""Small module-level pieces programs call: threads, torch.cuda queries, repeat_interleave."""
import pytest
import torch

from conftest import check, oz


def test_threads():
    T = oz()
    before = T.get_num_threads()
    assert before >= 1
    T.set_num_threads(1)
    assert T.get_num_threads() == 1
    T.set_num_threads(before)
    check(lambda T: T.set_num_threads(0), raises=RuntimeError)
    check(lambda T: T.set_num_threads(1.5), raises=RuntimeError)


def test_cuda_queries_without_a_cuda_backend():
    T = oz()
    if T._C._device_count("cuda") > 0:
        pytest.skip("a CUDA backend is loaded here; this checks the answers without one")
    assert T.cuda.is_available() is False and T.cuda.device_count() == 0
    assert torch.cuda.is_available() is False  # the oracle's build has no CUDA either


@pytest.mark.parametrize("case", [
    lambda T: T.repeat_interleave(T.tensor([1, 2]), T.tensor([2, 3])),
    lambda T: T.repeat_interleave(T.tensor([2, 0, 1])),
    lambda T: T.arange(6.).reshape(2, 3).repeat_interleave(2, dim=1),
    lambda T: T.arange(6.).reshape(2, 3).repeat_interleave(T.tensor([1, 2]), dim=0),
    lambda T: T.arange(6).reshape(2, 3).repeat_interleave(3),
    lambda T: T.arange(6.).reshape(2, 3).repeat_interleave(T.tensor(2), dim=-1),
])
def test_repeat_interleave(case):
    check(case)


@pytest.mark.parametrize("case", [
    lambda T: T.ones(2).repeat_interleave(T.tensor([1, 2, 3])),
    lambda T: T.ones(2).repeat_interleave(-1),
])
def test_repeat_interleave_errors(case):
    check(case, raises=RuntimeError)


def test_repeat_interleave_gradient():
    grads = []
    for T in (torch, oz()):
        x = T.arange(6., requires_grad=True)
        (x.reshape(2, 3).repeat_interleave(T.tensor([3, 1]), dim=0) * T.arange(12.).reshape(4, 3)
         ).sum().backward()
        grads.append(x.grad.tolist())
    assert grads[0] == grads[1]
