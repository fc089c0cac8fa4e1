"""Gradients of the binary and ternary ops against real PyTorch (values, dtypes, grad_fn names)
and against float64 finite differences, in-place forms, Python-number operands, and the
autograd errors PyTorch raises for them."""
import numpy as np
import pytest
import torch

from conftest import check, oz
from test_binary import div_rounding


def leaves_of(T, specs, dtype, seed):
    """Leaves requiring grad: spec (shape, lo, hi) gives uniform values in [lo, hi]."""
    rng = np.random.default_rng(seed)
    return [T.tensor(rng.uniform(lo, hi, shape), dtype=getattr(T, dtype), requires_grad=True)
            for shape, lo, hi in specs]


def grads_of(T, fn, specs, dtype="float64", seed=0):
    """out = fn(T, *leaves) and the leaves' gradients of sum(out * w), w fixed random."""
    leaves = leaves_of(T, specs, dtype, seed)
    out = fn(T, *leaves)
    w = T.tensor(np.random.default_rng(seed + 1).uniform(-1, 1, tuple(out.shape)),
                 dtype=out.dtype)
    (out * w).sum().backward()
    return out, [x.grad for x in leaves]


def assert_grads_match(fn, specs, dtype="float64"):
    ref_out, ref = grads_of(torch, fn, specs, dtype)
    got_out, got = grads_of(oz(), fn, specs, dtype)
    assert str(got_out.dtype) == str(ref_out.dtype)
    assert got_out.grad_fn.name() == ref_out.grad_fn.name()
    tol = 1e-10 if dtype == "float64" else 1e-5
    for r, g in zip(ref, got):
        assert (r is None) == (g is None)
        if r is not None:
            assert tuple(g.shape) == tuple(r.shape) and str(g.dtype) == str(r.dtype)
            np.testing.assert_allclose(g.numpy(), r.numpy(), rtol=tol, atol=tol)


POS = ((2, 3), 0.5, 2.0)  # positive values, away from every kink
ROW = ((3,), 0.5, 2.0)
BIG = ((3,), 2.5, 3.0)  # divisors above POS's values: floor/trunc quotients stay constant

CASES = {
    "pow": (lambda T, a, b: T.pow(a, b), [POS, POS]),
    "pow_broadcast": (lambda T, a, b: a ** b, [POS, ROW]),
    "pow_scalar_exponent": (lambda T, a: a ** 2.5, [POS]),
    "pow_int_exponent": (lambda T, a: T.pow(a, 3), [POS]),
    "pow_negative_exponent": (lambda T, a: a.pow(-1.5), [POS]),
    "pow_zero_exponent": (lambda T, a: a ** 0, [POS]),
    "pow_scalar_base": (lambda T, b: T.pow(2.5, b), [POS]),
    "rpow": (lambda T, b: 2.5 ** b, [POS]),
    "pow_0d_exponent": (lambda T, a, b: a ** b, [POS, ((), 0.5, 2.0)]),
    "float_power": (lambda T, a, b: T.float_power(a, b), [POS, ROW]),
    "float_power_scalar": (lambda T, a: T.float_power(a, 1.5), [POS]),
    "remainder": (lambda T, a, b: T.remainder(a, b), [POS, BIG]),
    "remainder_scalar": (lambda T, a: a % 2.5, [POS]),
    "fmod": (lambda T, a, b: T.fmod(a, b), [POS, BIG]),
    "fmod_scalar": (lambda T, a: T.fmod(a, 2.5), [POS]),
    "div_floor": (lambda T, a, b: div_rounding(T, a, b, "floor"), [POS, ROW]),
    "div_trunc_scalar": (lambda T, a: div_rounding(T, a, 2, "trunc"), [POS]),
    "maximum": (lambda T, a, b: T.maximum(a, b), [POS, ROW]),
    "minimum": (lambda T, a, b: T.minimum(a, b), [POS, ROW]),
    "fmax": (lambda T, a, b: T.fmax(a, b), [POS, ROW]),
    "fmin": (lambda T, a, b: T.fmin(a, b), [ROW, POS]),
    "atan2": (lambda T, a, b: T.atan2(a, b), [POS, ROW]),
    "where": (lambda T, a, b: T.where(a > 1, a, b), [POS, ROW]),
    "where_scalar": (lambda T, a: T.where(a > 1, a, 0.5), [POS]),
    "where_scalar_first": (lambda T, a: T.where(a < 1, 2.0, a), [POS]),
    "where_method": (lambda T, a, b: a.where(b > 1, b), [ROW, POS]),
    "lerp_scalar": (lambda T, a, b: T.lerp(a, b, 0.3), [POS, ROW]),
    "lerp_scalar_high": (lambda T, a, b: a.lerp(b, 0.8), [POS, POS]),
    "lerp_tensor": (lambda T, a, b, w: T.lerp(a, b, w), [POS, ROW, ((2, 1), 0.0, 1.0)]),
    "pow_inplace": (lambda T, a, b: (a * 1).pow_(b), [POS, POS]),
    "pow_inplace_scalar": (lambda T, a: (a * 1).pow_(2), [POS]),
    "remainder_inplace": (lambda T, a, b: (a * 1).remainder_(b), [POS, BIG]),
    "fmod_inplace": (lambda T, a: (a + 0).fmod_(2.5), [POS]),
    "atan2_inplace": (lambda T, a, b: (a * 1).atan2_(b), [POS, ROW]),
    "lerp_inplace": (lambda T, a, b, w: (a * 1).lerp_(b, w), [POS, ROW, ROW]),
    "ipow_operator": (lambda T, a: _ipow(a * 1, 3), [POS]),
    "addcmul": (lambda T, a, b, c: T.addcmul(a, b, c, value=0.5), [POS, ROW, ((2, 1), 0.5, 2)]),
    "addcdiv": (lambda T, a, b, c: T.addcdiv(a, b, c, value=-2), [ROW, POS, POS]),
    "addcmul_inplace": (lambda T, a, b, c: (a * 1).addcmul_(b, c), [POS, POS, ROW]),
    "addcdiv_method": (lambda T, a, b: a.addcdiv(a, b), [POS, ROW]),
    "chain": (lambda T, a, b: T.maximum(a ** 2, b).lerp(T.atan2(a, b), 0.25) % 5, [POS, ROW]),
}


def _ipow(x, e):
    x **= e
    return x


@pytest.mark.parametrize("name", sorted(CASES))
def test_gradients_match_torch(name):
    fn, specs = CASES[name]
    assert_grads_match(fn, specs)


@pytest.mark.parametrize("name", ["pow", "pow_scalar_base", "remainder", "maximum", "atan2",
                                  "where", "lerp_tensor", "float_power"])
def test_gradients_float32(name):
    fn, specs = CASES[name]
    assert_grads_match(fn, specs, dtype="float32")


def numeric_gradient(T, fn, leaves, k, eps=1e-6):
    """Central differences of sum(fn(*leaves)) with respect to every element of leaves[k]."""
    values = [x.detach().numpy().copy() for x in leaves]
    grad = np.zeros_like(values[k])
    for idx in np.ndindex(values[k].shape):
        sums = []
        for sign in (1, -1):
            moved = [v.copy() for v in values]
            moved[k][idx] += sign * eps
            with T.no_grad():
                sums.append(float(fn(T, *[T.tensor(v, dtype=T.float64) for v in moved])
                                  .sum().item()))
        grad[idx] = (sums[0] - sums[1]) / (2 * eps)
    return grad


# in-place cases are checked against torch above; finite differences need out-of-place
GRADCHECK = sorted(name for name in CASES if "inplace" not in name and "ipow" not in name)


@pytest.mark.parametrize("name", GRADCHECK)
def test_finite_difference_gradcheck(name):
    T = oz()
    fn, specs = CASES[name]
    leaves = leaves_of(T, specs, "float64", seed=3)
    fn(T, *leaves).sum().backward()
    for k, x in enumerate(leaves):
        np.testing.assert_allclose(x.grad.numpy(), numeric_gradient(T, fn, leaves, k),
                                   rtol=1e-6, atol=1e-6, err_msg="%s: leaf %d" % (name, k))


def test_ties_and_nans():
    def ties(T, fn):
        a = T.tensor([1.0, 2.0, 3.0, float("nan")], dtype=T.float64, requires_grad=True)
        b = T.tensor([1.0, 5.0, 3.0, 1.0], dtype=T.float64, requires_grad=True)
        fn(T, a, b).sum().backward()
        return a.grad, b.grad
    for name in ["maximum", "minimum", "fmax", "fmin"]:
        check(lambda T: ties(T, lambda T, a, b: getattr(T, name)(a, b)))
        check(lambda T: ties(T, lambda T, a, b: getattr(T, name)(b, a)))
    # pow at a zero base: the exponent's gradient is 0 there, not nan
    check(lambda T: ties(T, lambda T, a, b: T.pow(a - 1, b)))


def test_zero_gradients_of_rounded_division():
    def f(T):
        a = T.tensor([1.5, float("inf")], requires_grad=True)
        div_rounding(T, a, 2.0, "floor").sum().backward()
        return a.grad
    # (a NaN only where the incoming gradient is one: PyTorch's grad * 0)
    check(f)


def test_not_implemented_derivatives_raise_at_backward():
    def floor_divide(T):
        x = T.tensor([1.0, 2.0], requires_grad=True)
        y = T.floor_divide(x, 2)
        assert y.requires_grad and y.grad_fn is not None
        y.sum().backward()
    check(floor_divide, raises=RuntimeError)

    def rem_scalar_first(T):
        x = T.tensor([1.0, 2.0], requires_grad=True)
        T.remainder(2, x).sum().backward()
    check(rem_scalar_first, raises=RuntimeError)


def test_out_with_requires_grad_is_refused():
    for fn in [lambda T, x: T.maximum(x, x, out=T.empty(2)),
               lambda T, x: T.pow(x, 2, out=T.empty(2)),
               lambda T, x: T.where(x > 0, x, x, out=T.empty(2)),
               lambda T, x: T.lerp(x, x, 0.5, out=T.empty(2)),
               lambda T, x: T.atan2(x, x, out=T.empty(2))]:
        check(lambda T: fn(T, T.ones(2, requires_grad=True)), raises=RuntimeError)
    # ops without a derivative do not mind
    check(lambda T: T.logical_and(T.ones(2, requires_grad=True), T.ones(2),
                                  out=T.empty(2, dtype=T.bool)))


def test_inplace_on_leaf_requiring_grad_is_refused():
    check(lambda T: T.ones(2, requires_grad=True).pow_(2), raises=RuntimeError)
    check(lambda T: T.ones(2, requires_grad=True).lerp_(T.zeros(2), 0.5), raises=RuntimeError)

    def no_grad(T):
        x = T.ones(2, requires_grad=True)
        with T.no_grad():
            x.pow_(2)
        return x.detach()
    check(no_grad)


def test_results_of_non_differentiable_ops_do_not_require_grad():
    def f(T):
        x = T.tensor([1.0, 2.0], requires_grad=True)
        return (T.logical_and(x, x).requires_grad, (x > 1).requires_grad,
                T.where(x > 1, x, x).requires_grad, T.maximum(x.detach(), x).requires_grad)
    check(f)


def test_double_backward_through_pow():
    def f(T):
        x = T.tensor([1.5, 2.0], dtype=T.float64, requires_grad=True)
        (g,) = T.autograd.grad((x ** 3).sum(), x, create_graph=True)
        (gg,) = T.autograd.grad(g.sum(), x)
        return g.detach(), gg
    check(f)


def test_backward_does_not_leak():
    import gc
    T = oz()

    def run_all():
        for name in sorted(CASES):
            fn, specs = CASES[name]
            grads_of(T, fn, specs)
        try:
            x = T.ones(2, requires_grad=True)
            T.floor_divide(x, 2).sum().backward()
        except RuntimeError:
            pass
    run_all()
    gc.collect()
    before = T._C._live_tensors()
    for _ in range(3):
        run_all()
    gc.collect()
    assert T._C._live_tensors() == before
