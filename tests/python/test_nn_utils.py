"""torch.nn.utils against real torch: clip_grad_norm_ / clip_grad_value_ (returned norms and
clipped gradients) and parameters_to_vector / vector_to_parameters. PyTorch 2.x's foreach= and
get_total_norm/clip_grads_with_norm_ (absent from the 1.13 oracle) are asserted directly."""
import math
import warnings

import numpy as np
import pytest
import torch

from conftest import assert_same, check, oz, sample
from nn_module_models import fill, models


def params_with_grads(T, dtype="float32", scale=1.0):
    """Three parameters (one without a gradient) with fixed gradients."""
    shapes = [(2, 3), (4,), (1, 1)]
    ps = []
    for i, shape in enumerate(shapes):
        p = T.nn.Parameter(T.tensor(sample(shape, dtype, i).tolist(), dtype=getattr(T, dtype)))
        if i != 1:
            p.grad = T.tensor((sample(shape, dtype, 10 + i) * scale).tolist(),
                              dtype=getattr(T, dtype))
        ps.append(p)
    return ps


def grads(ps):
    return tuple(p.grad for p in ps if p.grad is not None)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("norm_type", [2.0, 1, 3.5, math.inf, "inf", 0.5])
@pytest.mark.parametrize("max_norm", [0.5, 1e6])
def test_clip_grad_norm_matches_torch(dtype, norm_type, max_norm):
    def run(T):
        ps = params_with_grads(T, dtype)
        total = T.nn.utils.clip_grad_norm_(ps, max_norm, norm_type=norm_type)
        return (total,) + grads(ps)
    check(run, rtol=1e-5, atol=1e-6)


def test_clip_grad_norm_single_tensor_generator_and_no_grads():
    def single(T):
        p = params_with_grads(T)[0]
        return T.nn.utils.clip_grad_norm_(p, 1.0), p.grad
    check(single, rtol=1e-5, atol=1e-6)

    def generator(T):
        m = fill(T, models(T).Affine(3, 2))
        m(T.ones(4, 3)).sum().backward()
        return (T.nn.utils.clip_grad_norm_(m.parameters(), max_norm=0.1),
                m.weight.grad, m.bias.grad)
    check(generator, rtol=1e-5, atol=1e-6)
    check(lambda T: T.nn.utils.clip_grad_norm_([T.nn.Parameter(T.ones(2))], 1.0))
    check(lambda T: T.nn.utils.clip_grad_norm_([], 1.0))


def test_clip_grad_norm_nonfinite():
    def run(T, error):
        ps = params_with_grads(T)
        ps[0].grad[0, 0] = float("inf")
        return T.nn.utils.clip_grad_norm_(ps, 1.0, error_if_nonfinite=error)
    check(lambda T: run(T, False))
    check(lambda T: run(T, True), raises=RuntimeError)
    with pytest.raises(RuntimeError, match="non-finite, so it cannot be clipped"):
        run(oz(), True)


def test_clip_grad_norm_deprecated_alias_warns():
    T = oz()
    ps = params_with_grads(T)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        total = T.nn.utils.clip_grad_norm(ps, 1.0)
    assert any(issubclass(w.category, FutureWarning) for w in caught)
    ref = torch.nn.utils.clip_grad_norm_(params_with_grads(torch), 1.0)
    assert_same(ref, total, rtol=1e-6)


def test_foreach_and_2x_helpers():
    T = oz()
    ps = params_with_grads(T)
    ref = params_with_grads(torch)
    expected = torch.nn.utils.clip_grad_norm_(ref, 0.5)
    total = T.nn.utils.clip_grad_norm_(ps, 0.5, foreach=False)
    assert_same(expected, total, rtol=1e-6)
    for r, g in zip(grads(ref), grads(ps)):
        assert_same(r, g, rtol=1e-6)
    # PyTorch has no foreach kernels for CPU tensors: foreach=True is its RuntimeError.
    with pytest.raises(RuntimeError, match="foreach=True was passed"):
        T.nn.utils.clip_grad_norm_(params_with_grads(T), 0.5, foreach=True)
    with pytest.raises(RuntimeError, match="foreach=True was passed"):
        T.nn.utils.clip_grad_value_(params_with_grads(T), 0.5, foreach=True)
    # get_total_norm + clip_grads_with_norm_ is clip_grad_norm_ in two steps
    ps2 = params_with_grads(T)
    norm = T.nn.utils.get_total_norm([p.grad for p in ps2 if p.grad is not None])
    assert_same(expected, norm, rtol=1e-6)
    T.nn.utils.clip_grads_with_norm_(ps2, 0.5, norm)
    for r, g in zip(grads(ref), grads(ps2)):
        assert_same(r, g, rtol=1e-6)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        T.nn.utils.clip_grad_norm_((p for p in []), 1.0)
    assert any("empty generator" in str(w.message) for w in caught)


@pytest.mark.parametrize("clip", [0.5, 3, 100.0])
def test_clip_grad_value_matches_torch(clip):
    def run(T):
        ps = params_with_grads(T, scale=2.0)
        out = T.nn.utils.clip_grad_value_(ps, clip)
        return (out,) + grads(ps)
    check(run)


def test_clip_grad_value_single_tensor_clamps_in_place():
    def run(T):
        p = params_with_grads(T, scale=3.0)[0]
        T.nn.utils.clip_grad_value_(p, 1.0)
        return p.grad
    check(run)


# ------------------------------------------------------------------ convert_parameters

def test_parameters_to_vector_matches_torch():
    def run(T):
        m = fill(T, models(T).Net())
        vec = T.nn.utils.parameters_to_vector(m.parameters())
        return vec.detach(), vec.requires_grad
    check(run)


def test_parameters_to_vector_is_differentiable():
    def run(T):
        ps = params_with_grads(T)
        vec = T.nn.utils.parameters_to_vector(ps)
        (vec * T.arange(vec.shape[0], dtype=T.float32)).sum().backward()
        return tuple(p.grad for p in ps)
    check(run)


def test_vector_to_parameters_matches_torch():
    def run(T):
        m = fill(T, models(T).Net())
        before = m.fc1.weight
        n = sum(p.numel() for p in m.parameters())
        T.nn.utils.vector_to_parameters(T.arange(n, dtype=T.float32) / 10, m.parameters())
        return (m.fc1.weight is before, m.fc1.weight.requires_grad,
                type(m.fc1.weight).__name__) + tuple(p.detach() for p in m.parameters())
    check(run)


def test_convert_errors_match_torch():
    def not_tensor(T):
        T.nn.utils.vector_to_parameters([1.0, 2.0], [T.nn.Parameter(T.ones(2))])
    for T in (torch, oz()):
        with pytest.raises(TypeError, match="expected torch.Tensor, but got: list"):
            not_tensor(T)
    check(lambda T: T.nn.utils.parameters_to_vector([]), raises=RuntimeError)
    check(lambda T: T.nn.utils.vector_to_parameters(T.ones(2), [T.nn.Parameter(T.ones(3))]),
          raises=RuntimeError)
    with pytest.raises(TypeError):
        oz().nn.utils.parameters_to_vector(5)


def test_utils_namespace():
    T = oz()
    names = ["clip_grad_norm_", "clip_grad_norm", "clip_grad_value_", "parameters_to_vector",
             "vector_to_parameters"]
    for name in names:
        assert callable(getattr(T.nn.utils, name)) and hasattr(torch.nn.utils, name)
    assert T.nn.utils.clip_grad.clip_grad_norm_ is T.nn.utils.clip_grad_norm_
    assert np.isfinite(T.nn.utils.clip_grad_norm_(params_with_grads(T), 1.0).item())
