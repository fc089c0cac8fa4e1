"""Gradients of the linalg family against torch (float64 analytic gradients of sum(f * w), grad_fn
names) and against central finite differences of OzTorch itself; in-place history, out= with
autograd, and double backward."""
import numpy as np
import pytest
import torch

from conftest import check, oz

# grad_fn names torch 1.13 gives that newer torch (and OzTorch) spell differently
NAMES_2X = {"ReshapeAliasBackward0": "ViewBackward0"}

CASES = {
    "mm": (lambda T, a, b: T.mm(a, b), [(2, 3), (3, 4)]),
    "mm_method_transposed": (lambda T, a, b: a.t().mm(b), [(3, 2), (3, 4)]),
    "bmm": (lambda T, a, b: T.bmm(a, b), [(2, 3, 4), (2, 4, 2)]),
    "mv": (lambda T, a, b: T.mv(a, b), [(2, 3), (3,)]),
    "dot": (lambda T, a, b: T.dot(a, b), [(4,), (4,)]),
    "vdot": (lambda T, a, b: T.vdot(a, b), [(4,), (4,)]),
    "outer": (lambda T, a, b: T.outer(a, b), [(3,), (4,)]),
    "ger": (lambda T, a, b: a.ger(b), [(3,), (4,)]),
    "inner": (lambda T, a, b: T.inner(a, b), [(2, 3), (4, 3)]),
    "addmm": (lambda T, c, a, b: T.addmm(c, a, b), [(2, 4), (2, 3), (3, 4)]),
    "addmm_broadcast_scaled": (lambda T, c, a, b: T.addmm(c, a, b, beta=0.5, alpha=-2),
                               [(4,), (2, 3), (3, 4)]),
    "addmm_beta_zero": (lambda T, c, a, b: T.addmm(c, a, b, beta=0), [(1, 4), (2, 3), (3, 4)]),
    "addmv": (lambda T, c, a, b: T.addmv(c, a, b, beta=2, alpha=3), [(2,), (2, 3), (3,)]),
    "addmv_scalar_input": (lambda T, c, a, b: T.addmv(c, a, b), [(), (2, 3), (3,)]),
    "addbmm": (lambda T, c, a, b: T.addbmm(c, a, b, alpha=1.5), [(3, 5), (2, 3, 4), (2, 4, 5)]),
    "baddbmm": (lambda T, c, a, b: T.baddbmm(c, a, b, beta=0.25), [(3, 1), (2, 3, 4),
                                                                   (2, 4, 1)]),
    "einsum_mm": (lambda T, a, b: T.einsum("ij,jk->ik", a, b), [(2, 3), (3, 4)]),
    "einsum_bmm": (lambda T, a, b: T.einsum("bij,bjk->bik", a, b), [(2, 2, 3), (2, 3, 4)]),
    "einsum_attention": (lambda T, a, b: T.einsum("bhqd,bhkd->bhqk", a, b),
                         [(1, 2, 3, 4), (1, 2, 2, 4)]),
    "einsum_outer": (lambda T, a, b: T.einsum("i,j->ij", a, b), [(3,), (4,)]),
    "einsum_dot": (lambda T, a, b: T.einsum("i,i->", a, b), [(3,), (3,)]),
    "einsum_transpose": (lambda T, a: T.einsum("ij->ji", a), [(3, 4)]),
    "einsum_sum": (lambda T, a: T.einsum("ij->", a), [(3, 4)]),
    "einsum_diagonal": (lambda T, a: T.einsum("ii->i", a), [(3, 3)]),
    "einsum_trace": (lambda T, a: T.einsum("ii", a), [(3, 3)]),
    "einsum_broadcast": (lambda T, a, b: T.einsum("ij,ij->i", a, b), [(3, 4), (3, 1)]),
    "einsum_three": (lambda T, a, b, c: T.einsum("ij,jk,kl->il", a, b, c),
                     [(2, 3), (3, 4), (4, 2)]),
    "einsum_ellipsis": (lambda T, a, b: T.einsum("...ij,...jk", a, b), [(2, 2, 3), (3, 2)]),
    "tensordot": (lambda T, a, b: T.tensordot(a, b, dims=([1, 2], [1, 0])),
                  [(2, 3, 4), (4, 3, 5)]),
    "tensordot_broadcast": (lambda T, a, b: T.tensordot(a, b, 1), [(2, 3, 1), (4, 5)]),
    "trace": (lambda T, a: T.trace(a), [(3, 3)]),
    "trace_wide": (lambda T, a: a.trace(), [(2, 4)]),
}


def grads_of(T, fn, shapes, seed=0):
    rng = np.random.default_rng(seed)
    leaves = [T.tensor(rng.uniform(-2.0, 2.0, s), dtype=T.float64, requires_grad=True)
              for s in shapes]
    out = fn(T, *leaves)
    w = T.tensor(rng.uniform(-1, 1, tuple(out.shape)), dtype=out.dtype)
    (out * w).sum().backward()
    return out, [x.grad for x in leaves]


@pytest.mark.parametrize("name", sorted(CASES))
def test_gradients_match_torch(name):
    fn, shapes = CASES[name]
    ref_out, ref = grads_of(torch, fn, shapes)
    got_out, got = grads_of(oz(), fn, shapes)
    assert str(got_out.dtype) == str(ref_out.dtype)
    ref_name = ref_out.grad_fn.name()
    assert got_out.grad_fn.name() == NAMES_2X.get(ref_name, ref_name)
    for r, g in zip(ref, got):
        assert tuple(g.shape) == tuple(r.shape) and str(g.dtype) == str(r.dtype)
        np.testing.assert_allclose(g.numpy(), r.numpy(), rtol=1e-10, atol=1e-10)


def numeric_gradients(T, fn, xs, w, eps=1e-6):
    """Central finite differences of sum(fn(*xs) * w) with respect to every element of each x."""
    bases = [x.detach().numpy().copy() for x in xs]
    grads = []
    for k, base in enumerate(bases):
        grad = np.zeros_like(base)
        for idx in np.ndindex(base.shape):
            vals = []
            for sign in (1, -1):
                arrs = [b.copy() for b in bases]
                arrs[k][idx] += sign * eps
                with T.no_grad():
                    args = [T.tensor(a, dtype=T.float64) for a in arrs]
                    vals.append(float((fn(T, *args) * w).sum().item()))
            grad[idx] = (vals[0] - vals[1]) / (2 * eps)
        grads.append(grad)
    return grads


@pytest.mark.parametrize("name", ["mm", "bmm", "mv", "dot", "addmm_broadcast_scaled", "addmv",
                                  "addbmm", "baddbmm", "einsum_diagonal", "einsum_three",
                                  "tensordot_broadcast", "trace_wide"])
def test_finite_difference_gradcheck(name):
    T = oz()
    fn, shapes = CASES[name]
    rng = np.random.default_rng(3)
    xs = [T.tensor(rng.uniform(-2, 2, s), dtype=T.float64, requires_grad=True) for s in shapes]
    out = fn(T, *xs)
    w = T.tensor(rng.uniform(-1, 1, tuple(out.shape)), dtype=T.float64)
    (out * w).sum().backward()
    for x, num in zip(xs, numeric_gradients(T, fn, xs, w)):
        np.testing.assert_allclose(x.grad.numpy(), num, rtol=1e-6, atol=1e-6)


def test_float32_gradients():
    for name in ["mm", "addmm", "baddbmm", "einsum_attention"]:
        fn, shapes = CASES[name]

        def run(T):
            rng = np.random.default_rng(5)
            xs = [T.tensor(rng.uniform(-1, 1, s), dtype=T.float32, requires_grad=True)
                  for s in shapes]
            fn(T, *xs).sum().backward()
            return [x.grad for x in xs]
        check(lambda T: run(T), rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("op,shapes", [("addmm_", [(2, 4), (2, 3), (3, 4)]),
                                       ("addmv_", [(2,), (2, 3), (3,)]),
                                       ("addbmm_", [(3, 5), (2, 3, 4), (2, 4, 5)]),
                                       ("baddbmm_", [(2, 3, 5), (2, 3, 4), (2, 4, 5)])])
def test_in_place_on_a_non_leaf(op, shapes):
    def f(T):
        rng = np.random.default_rng(7)
        c, a, b = [T.tensor(rng.uniform(-1, 1, s), dtype=T.float64, requires_grad=True)
                   for s in shapes]
        y = c * 2
        r = getattr(y, op)(a, b, beta=0.5, alpha=3)
        r.sum().backward()
        return r is y, y.grad_fn.name(), c.grad, a.grad, b.grad
    check(f)


def test_in_place_on_a_leaf_that_requires_grad_raises():
    check(lambda T: T.ones(2, 4, requires_grad=True).addmm_(T.ones(2, 3), T.ones(3, 4)),
          raises=RuntimeError)


@pytest.mark.parametrize("case", [
    lambda T: T.mm(T.ones(2, 3, requires_grad=True), T.ones(3, 2), out=T.empty(2, 2)),
    lambda T: T.addmm(T.ones(2), T.ones(2, 3), T.ones(3, 2, requires_grad=True),
                      out=T.empty(2, 2)),
    lambda T: T.dot(T.ones(3, requires_grad=True), T.ones(3), out=T.empty(())),
], ids=range(3))
def test_out_with_requires_grad_raises(case):
    check(case, raises=RuntimeError)


def test_no_grad_records_nothing():
    def f(T):
        a = T.ones(2, 3, requires_grad=True)
        with T.no_grad():
            r = T.mm(a, T.ones(3, 2))
        return r.requires_grad, r.grad_fn is None
    check(f)


def test_double_backward_through_mm_and_dot():
    def f(T):
        a = T.tensor([[1.0, 2.0], [3.0, 4.0]], dtype=T.float64, requires_grad=True)
        b = T.tensor([[0.5, -1.0], [2.0, 1.5]], dtype=T.float64, requires_grad=True)
        (ga,) = T.autograd.grad((T.mm(a, b) ** 2).sum() if hasattr(T.Tensor, "__pow__")
                                else (T.mm(a, b) * T.mm(a, b)).sum(), a, create_graph=True)
        (gb,) = T.autograd.grad(ga.sum(), b)
        v = T.tensor([1.0, -2.0, 3.0], dtype=T.float64, requires_grad=True)
        (gv,) = T.autograd.grad(T.dot(v, v), v, create_graph=True)
        (gvv,) = T.autograd.grad(gv.sum(), v)
        return ga, gb, gv, gvv
    check(f)


def test_saved_operand_modified_in_place_raises():
    def f(T):
        a = T.ones(2, 3, requires_grad=True)
        b = T.ones(3, 2)
        r = T.mm(a, b)
        b.add_(1)
        r.sum().backward()
    check(f, raises=RuntimeError)
