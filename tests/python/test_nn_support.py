"""Helpers the nn parity tests (test_nn_*.py) share: gradient parity with real torch and finite
differences. (conftest.py holds the project-wide helpers; these are the nn family's own.)"""
import numpy as np
import torch

from conftest import oz


def leaves(T, arrays, requires, dtype):
    """Tensors of T made from numpy arrays: floating arrays get `dtype` and requires_grad where
    `requires` says; integer arrays (targets, indices) stay int64 without grad."""
    out = []
    for i, a in enumerate(arrays):
        a = np.asarray(a)
        if a.dtype.kind in "iub":
            out.append(T.tensor(a.tolist(), dtype=T.int64 if a.dtype.kind != "b" else T.bool))
        else:
            rg = requires is None or requires[i]
            out.append(T.tensor(a.tolist(), dtype=getattr(T, dtype), requires_grad=rg))
    return out


def forward_backward(T, fn, arrays, requires, dtype, seed):
    """out = fn(T, *leaves) (the first output if fn returns a tuple); then sum(out * w) for a
    fixed random w is backpropagated so that every output element matters."""
    xs = leaves(T, arrays, requires, dtype)
    out = fn(T, *xs)
    if isinstance(out, tuple):
        out = out[0]
    w = np.random.default_rng(seed).uniform(-1, 1, tuple(out.shape))
    (out * T.tensor(w.tolist(), dtype=out.dtype)).sum().backward()
    return out, [x.grad if x.requires_grad else None for x in xs]


def as_array(t):
    return np.asarray(t.tolist(), dtype=np.float64).reshape(tuple(t.shape))


def assert_grads_match(fn, arrays, requires=None, dtype="float64", tol=None, name=True, seed=7):
    """fn's output, grad_fn name and the gradients of every leaf agree with torch's."""
    tol = tol if tol is not None else (1e-10 if dtype == "float64" else 2e-5)
    ref_out, ref = forward_backward(torch, fn, arrays, requires, dtype, seed)
    got_out, got = forward_backward(oz(), fn, arrays, requires, dtype, seed)
    assert str(got_out.dtype) == str(ref_out.dtype)
    assert tuple(got_out.shape) == tuple(ref_out.shape)
    np.testing.assert_allclose(as_array(got_out), as_array(ref_out), rtol=tol, atol=tol)
    if name:
        assert got_out.grad_fn is not None, "no grad_fn"
        assert got_out.grad_fn.name() == ref_out.grad_fn.name()
    for i, (r, g) in enumerate(zip(ref, got)):
        assert (r is None) == (g is None), "leaf %d: torch grad %r, oztorch grad %r" % (i, r, g)
        if r is not None:
            assert tuple(g.shape) == tuple(r.shape) and str(g.dtype) == str(r.dtype)
            np.testing.assert_allclose(as_array(g), as_array(r), rtol=tol, atol=tol,
                                       err_msg="gradient of leaf %d" % i)


def assert_finite_differences(fn, array, eps=1e-6, tol=1e-6):
    """The analytic gradient of sum(fn(x)) agrees with central differences (float64)."""
    T = oz()
    x = T.tensor(np.asarray(array).tolist(), dtype=T.float64, requires_grad=True)
    fn(T, x).sum().backward()
    base = np.asarray(array, dtype=np.float64)
    numeric = np.zeros_like(base)
    for idx in np.ndindex(base.shape):
        vals = []
        for sign in (1, -1):
            arr = base.copy()
            arr[idx] += sign * eps
            with T.no_grad():
                vals.append(fn(T, T.tensor(arr.tolist(), dtype=T.float64)).sum().item())
        numeric[idx] = (vals[0] - vals[1]) / (2 * eps)
    np.testing.assert_allclose(as_array(x.grad), numeric, rtol=tol, atol=tol)


def rand(shape, seed=0, lo=-2.0, hi=2.0):
    return np.random.default_rng(seed).uniform(lo, hi, shape)


def classes(shape, n, seed=0):
    return np.random.default_rng(seed).integers(0, n, shape)


def test_helpers_compare_gradients():
    """The helper itself: a product's gradients match, a wrong one is caught."""
    assert_grads_match(lambda T, a, b: a * b, [rand((2, 3)), rand((2, 3), 1)])
    try:
        assert_grads_match(lambda T, a: a * (2 if T is torch else 3), [rand((2,))], name=False)
    except AssertionError:
        return
    raise AssertionError("a wrong gradient went unnoticed")
