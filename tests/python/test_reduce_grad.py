"""Gradients of the reductions and sorting ops against torch (float64 and float32), float64
finite-difference checks, grad_fn names, autograd errors (out=, in-place), and leaks."""
import gc

import numpy as np
import pytest
import torch

from conftest import check, oz

INF = float("inf")


def grads_of(T, fn, inputs, dtype="float64", seed=0):
    """Leaves with the values of `inputs` (arrays); f = fn(T, *leaves); returns (f, the grads of
    sum(f * w)) with a fixed random weight w so that every output element matters."""
    rng = np.random.default_rng(seed)
    leaves = [T.tensor(np.asarray(v).tolist(), dtype=getattr(T, dtype), requires_grad=True)
              for v in inputs]
    out = fn(T, *leaves)
    w = T.tensor(rng.uniform(-1, 1, tuple(out.shape)).tolist(), dtype=out.dtype)
    (out * w).sum().backward()
    return out, [x.grad for x in leaves]


def inputs_for(shapes, seed=1):
    """Distinct values away from 0 (no ties, no kinks) for every shape."""
    rng = np.random.default_rng(seed)
    return [rng.uniform(0.5, 2.0, s) * rng.choice([-1, 1], s) for s in shapes]


def assert_grads_match(fn, inputs, dtype="float64"):
    ref_out, ref = grads_of(torch, fn, inputs, dtype)
    got_out, got = grads_of(oz(), fn, inputs, dtype)
    assert str(got_out.dtype) == str(ref_out.dtype)
    assert got_out.grad_fn.name() == ref_out.grad_fn.name()
    tol = 1e-10 if dtype == "float64" else 1e-5
    for r, g in zip(ref, got):
        assert tuple(g.shape) == tuple(r.shape) and str(g.dtype) == str(r.dtype)
        np.testing.assert_allclose(np.array(g.tolist()), r.numpy(), rtol=tol, atol=tol)


# name -> (fn, input shapes or explicit input arrays)
CASES = {
    "mean_all": (lambda T, a: a.mean(), [(2, 3)]),
    "mean_dim": (lambda T, a: a.mean(1), [(2, 3, 4)]),
    "mean_dims_keepdim": (lambda T, a: T.mean(a, (0, 2), keepdim=True), [(2, 3, 4)]),
    "mean_dtype": (lambda T, a: a.mean(0, dtype=T.float32), [(3, 2)]),
    "prod_all": (lambda T, a: a.prod(), [(2, 3)]),
    "prod_dim": (lambda T, a: a.prod(1), [(3, 4)]),
    "prod_dim_keepdim": (lambda T, a: a.prod(0, keepdim=True), [(3, 4)]),
    "prod_one_zero": (lambda T, a: a.prod(1), [[[1.5, 0.0, -2.0], [0.5, 2.0, 3.0]]]),
    "prod_two_zeros": (lambda T, a: a.prod(), [[0.0, 2.0, 0.0, 3.0]]),
    "prod_0d": (lambda T, a: a.prod(), [1.5]),
    "max_all": (lambda T, a: a.max(), [(3, 4)]),
    "min_all": (lambda T, a: T.min(a), [(3, 4)]),
    "max_all_ties": (lambda T, a: a.max(), [[1.0, 3.0, 3.0, -1.0]]),
    "max_dim": (lambda T, a: a.max(1)[0], [(3, 4)]),
    "max_dim_keepdim": (lambda T, a: T.max(a, 0, keepdim=True).values, [(3, 4)]),
    "min_dim": (lambda T, a: a.min(-1).values, [(2, 3, 4)]),
    "amax": (lambda T, a: a.amax((0, 2)), [(2, 3, 4)]),
    "amin_keepdim": (lambda T, a: a.amin(1, keepdim=True), [(3, 4)]),
    "amax_ties": (lambda T, a: a.amax(1), [[[2.0, 2.0, 1.0], [0.5, 3.0, 3.0]]]),
    "var_all": (lambda T, a: a.var(), [(3, 4)]),
    "var_dim": (lambda T, a: a.var(1), [(3, 4)]),
    "var_biased_keepdim": (lambda T, a: a.var(0, False, True), [(3, 4)]),
    "var_correction": (lambda T, a: T.var(a, (0, 1), correction=2), [(3, 4)]),
    "std_all": (lambda T, a: a.std(), [(3, 4)]),
    "std_dim": (lambda T, a: a.std(1, keepdim=True), [(3, 4)]),
    "std_zero": (lambda T, a: a.std(1), [[[1.0, 1.0, 1.0], [1.0, 2.0, 4.0]]]),
    "var_mean": (lambda T, a: (lambda v, m: v * 2 + m)(*T.var_mean(a, 1)), [(3, 4)]),
    "std_mean": (lambda T, a: (lambda s, m: s - m * 3)(*T.std_mean(a, 0)), [(3, 4)]),
    "var_mean_only_mean": (lambda T, a: T.var_mean(a, 1)[1] * 2, [(3, 4)]),
    "logsumexp": (lambda T, a: a.logsumexp(1), [(3, 4)]),
    "logsumexp_dims_keepdim": (lambda T, a: T.logsumexp(a, (0, 2), keepdim=True), [(2, 3, 4)]),
    "norm": (lambda T, a: a.norm(), [(3, 4)]),
    "norm_dim": (lambda T, a: a.norm(dim=1), [(3, 4)]),
    "norm_p1": (lambda T, a: a.norm(1, 0), [(3, 4)]),
    "norm_p3_keepdim": (lambda T, a: a.norm(3, 1, True), [(3, 4)]),
    "norm_p_half": (lambda T, a: a.norm(0.5), [(3, 4)]),
    "norm_p1_5": (lambda T, a: a.norm(1.5, dim=0), [(3, 4)]),
    "norm_inf": (lambda T, a: a.norm(INF, dim=1), [(3, 4)]),
    "norm_minus_inf": (lambda T, a: a.norm(-INF), [(3, 4)]),
    "norm_inf_ties": (lambda T, a: a.norm(INF), [[1.0, -3.0, 3.0, 2.0]]),
    "norm_zero_vector": (lambda T, a: a.norm(dim=1), [[[0.0, 0.0], [3.0, 4.0]]]),
    "norm_dtype": (lambda T, a: a.norm(2, 1, dtype=T.float64), [(3, 4)]),
    "cumsum": (lambda T, a: a.cumsum(1), [(3, 4)]),
    "cumsum_0d": (lambda T, a: a.cumsum(0), [2.0]),
    "cumprod": (lambda T, a: T.cumprod(a, 0), [(4, 3)]),
    "cumprod_zeros": (lambda T, a: a.cumprod(1), [[[1.5, 0.0, 2.0, 0.0], [0.0, 2.0, -1.0, 3.0]]]),
    "cumsum_inplace": (lambda T, a: (a * 2).cumsum_(1), [(3, 4)]),
    "cumprod_inplace": (lambda T, a: (a + 1).cumprod_(0), [(3, 4)]),
    "sort": (lambda T, a: a.sort(1)[0], [(3, 4)]),
    "sort_descending": (lambda T, a: T.sort(a, 0, descending=True).values, [(3, 4)]),
    "topk": (lambda T, a: a.topk(2)[0], [(3, 4)]),
    "topk_smallest": (lambda T, a: T.topk(a, 2, 0, largest=False).values, [(3, 4)]),
    "chain": (lambda T, a: a.sort(0)[0].cumsum(1).amax(0).norm() * a.var(), [(3, 4)]),
}


def case_inputs(spec):
    return [np.asarray(s) for s in spec] if not isinstance(spec[0], tuple) else inputs_for(spec)


@pytest.mark.parametrize("name", sorted(CASES))
def test_gradients_match_torch(name):
    fn, spec = CASES[name]
    assert_grads_match(fn, case_inputs(spec))


@pytest.mark.parametrize("name", ["mean_dim", "prod_dim", "max_dim", "amax", "var_dim", "std_dim",
                                  "logsumexp", "norm_p3_keepdim", "cumprod", "sort", "topk"])
def test_gradients_float32(name):
    fn, spec = CASES[name]
    assert_grads_match(fn, case_inputs(spec), dtype="float32")


def numeric_gradient(T, fn, base, w, eps=1e-6):
    """Central differences of sum(fn(x) * w) with respect to every element of x."""
    grad = np.zeros_like(base)
    for idx in np.ndindex(base.shape):
        vals = []
        for sign in (1, -1):
            arr = base.copy()
            arr[idx] += sign * eps
            with T.no_grad():
                vals.append(float((fn(T, T.tensor(arr.tolist(), dtype=T.float64)) * w).sum()))
        grad[idx] = (vals[0] - vals[1]) / (2 * eps)
    return grad


# Finite differences need a smooth neighbourhood (no ties, no zeros where |x| has a kink) and
# float64 all the way (mean_dtype's float32 result is checked against torch above).
SMOOTH = [n for n in sorted(CASES)
          if not n.endswith(("_ties", "_zero", "_zeros", "_zero_vector")) and n != "mean_dtype"]


@pytest.mark.parametrize("name", SMOOTH)
def test_finite_difference_gradcheck(name):
    T = oz()
    fn, spec = CASES[name]
    base = case_inputs(spec)[0].astype(np.float64)
    x = T.tensor(base.tolist(), dtype=T.float64, requires_grad=True)
    out = fn(T, x)
    w = T.tensor(np.random.default_rng(2).uniform(-1, 1, tuple(out.shape)).tolist(),
                 dtype=T.float64)
    (out * w).sum().backward()
    np.testing.assert_allclose(np.array(x.grad.tolist()), numeric_gradient(T, fn, base, w),
                               rtol=1e-5, atol=1e-6)


# ------------------------------------------------------------------ graph details

def test_grad_fn_names_and_non_differentiable_results():
    def f(T):
        x = T.ones(2, 3, requires_grad=True)
        v, i = x.max(1)
        s, j = x.sort()
        names = [r.grad_fn.name() for r in (x.mean(), x.mean(1), x.prod(), x.prod(0), x.max(),
                                            v, x.amax(0), x.amin(), x.var(), x.std(0),
                                            x.logsumexp(1), x.norm(), x.cumsum(0), x.cumprod(1),
                                            s, x.topk(1)[0])]
        vm = T.var_mean(x, 1)
        sm = T.std_mean(x)
        return (names, i.requires_grad, j.requires_grad, x.argmax().requires_grad,
                x.all().requires_grad, x.count_nonzero().requires_grad,
                vm[0].grad_fn.name(), vm[1].grad_fn.name(), sm[0].grad_fn.name(),
                vm[0].grad_fn is vm[1].grad_fn)
    check(f)


def test_autograd_errors():
    check(lambda T: T.mean(T.ones(3, requires_grad=True), 0, out=T.empty(())),
          raises=RuntimeError)
    check(lambda T: T.cumsum(T.ones(3, requires_grad=True), 0, out=T.empty(3)),
          raises=RuntimeError)
    check(lambda T: T.ones(3, requires_grad=True).cumsum_(0), raises=RuntimeError)

    def modified(T):  # cumprod saved its input; changing it breaks the backward
        x = T.ones(3, requires_grad=True)
        y = x * 2
        z = y.cumprod(0)
        y.add_(1)
        z.sum().backward()
    check(modified, raises=RuntimeError)

    def twice(T):
        x = T.ones(3, requires_grad=True)
        z = x.logsumexp(0)
        z.backward()
        z.backward()
    check(twice, raises=RuntimeError)


def test_no_grad_records_nothing():
    def f(T):
        x = T.ones(2, 3, requires_grad=True)
        with T.no_grad():
            return [r.requires_grad for r in (x.mean(), x.max(0)[0], x.var(), x.sort()[0])]
    check(f)


def test_double_backward_through_mean_and_var():
    def f(T):
        x = T.tensor([[1., 2., 4.], [0.5, -1., 3.]], dtype=T.float64, requires_grad=True)
        y = (x.var(1) * x.mean(1)).sum()
        (g,) = T.autograd.grad(y, x, create_graph=True)
        (g * g).sum().backward()
        return g.detach(), x.grad
    check(f)


# ------------------------------------------------------------------ leaks

def live():
    gc.collect()
    return oz()._C._live_tensors()


def every_op(T, x, xi):
    outs = [x.mean(1), x.prod(0), x.max(), x.max(1), x.min(0, True), x.amax((0, 1)), x.argmax(),
            x.argmin(1), x.var(0), x.std(), T.var_mean(x, 1), x.logsumexp(1), x.norm(3, 1),
            x.all(1), xi.any(), x.count_nonzero(0), x.cumsum(1), x.cumprod(0), x.sort(1),
            x.argsort(0), x.topk(2), T.unique(xi, return_inverse=True, return_counts=True),
            T.unique(xi, dim=1, return_inverse=True, return_counts=True)]
    for bad in (lambda: xi.mean(), lambda: x.max(5), lambda: T.zeros(0).max(),
                lambda: x.topk(9), lambda: x.var(0, correction=0.5), lambda: xi.norm(),
                lambda: T.unique(T.zeros(2, 0), dim=0), lambda: x.cumsum_(0, dtype=T.int64)):
        try:
            bad()
        except (RuntimeError, IndexError, TypeError):
            pass
    y = x.detach().requires_grad_()
    (y.mean() + y.prod() + y.max() + y.max(1)[0].sum() + y.amax(0).sum() + y.var() + y.std(1).sum()
     + y.logsumexp(1).sum() + y.norm() + y.cumsum(0).sum() + y.cumprod(1).sum()
     + y.sort(0)[0][0].sum() + y.topk(2)[0].sum() + sum(T.var_mean(y, 0)).sum()).backward()
    return outs, y.grad


def test_ops_and_their_backward_do_not_leak():
    T = oz()
    x = T.tensor([[1., 3., -2.], [0.5, 2., 4.]])
    xi = T.tensor([[1, 0, 3], [3, 2, 1]])
    every_op(T, x, xi)  # warm up caches
    before = live()
    for _ in range(200):
        every_op(T, x, xi)
    assert live() == before, "leaked %d tensors" % (live() - before)
