"""Second derivatives (create_graph) through the reductions and sorting ops, against torch.

Each case computes, in float64 on identical inputs, g = d sum(y * w) / dx with create_graph=True,
then the gradients of sum(g * v) with respect to x and to w (the weight plays the incoming
gradient, so both halves of a double backward are checked), and compares them with torch's
(rtol 1e-8): values, and which of them are None. A few are also checked against central finite
differences of the first gradient, which tests the fast (no create_graph) formulas and the
recording ones against each other."""
import numpy as np
import pytest
import torch

from conftest import Raised, assert_same, check, oz, run

INF = float("inf")
RTOL, ATOL = 1e-8, 1e-10


def normal(shape, seed=0):
    return np.random.default_rng(seed).standard_normal(shape)


def with_zeros(shape, positions, seed=0):
    a = normal(shape, seed)
    for p in positions:
        a[p] = 0.0
    return a


TIES = np.array([[1.0, 3.0, 3.0, -2.0], [0.5, 0.5, 0.5, 0.5], [-3.0, 2.0, -3.0, 1.0]])
NORM_TIES = np.array([[1.0, -3.0, 3.0, -2.0], [0.5, -0.5, 0.5, 0.5]])


def first(y):
    """The differentiable output of ops returning (values, indices)."""
    return y[0] if isinstance(y, tuple) else y


def weights(T, shape, lo, hi, requires_grad=False):
    n = int(np.prod(shape)) if len(shape) else 1
    return T.tensor(np.linspace(lo, hi, n).reshape(shape).tolist(), dtype=T.float64,
                    requires_grad=requires_grad)


def as_array(t):
    """None, or the values of t (torch may hand back an unallocated all-zero tensor)."""
    if t is None:
        return None
    if hasattr(t, "_is_zerotensor") and t._is_zerotensor():
        return np.zeros(tuple(t.shape))
    return np.asarray(t.tolist(), dtype=np.float64).reshape(tuple(t.shape))


def double_backward(T, fn, arr):
    """(g, d sum(g v)/dx, d sum(g v)/dw) as arrays (None where unused)."""
    x = T.tensor(np.asarray(arr).tolist(), dtype=T.float64, requires_grad=True)
    y = first(fn(T, x))
    w = weights(T, tuple(y.shape), -1.0, 1.3, requires_grad=True)
    g, = T.autograd.grad((y * w).sum(), x, create_graph=True)
    assert g.requires_grad, "the first gradient carries no graph"
    v = weights(T, tuple(x.shape), 0.5, -0.7)
    hx, hw = T.autograd.grad((g * v).sum(), [x, w], allow_unused=True)
    return as_array(g), as_array(hx), as_array(hw)


def assert_arrays_match(ref, got, where):
    for name, r, o in zip(("g", "d/dx", "d/dw"), ref, got):
        assert (r is None) == (o is None), "%s %s: oztorch %s, torch %s" % (
            where, name, "None" if o is None else "a tensor", "None" if r is None else "a tensor")
        if r is not None:
            assert o.shape == r.shape, "%s %s: shape %s, torch %s" % (where, name, o.shape, r.shape)
            np.testing.assert_allclose(o, r, rtol=RTOL, atol=ATOL, equal_nan=True,
                                       err_msg="%s %s differs from torch" % (where, name))


def compare(fn, arr, torch_fn=None):
    """Runs the double backward on both; torch_fn (default fn) is what torch runs."""
    ref = run(lambda T: double_backward(T, torch_fn or fn, arr), torch)
    got = run(lambda T: double_backward(T, fn, arr), oz())
    if isinstance(ref, Raised) or isinstance(got, Raised):
        assert_same(ref, got, "double backward")
        return
    assert_arrays_match(ref, got, "double backward")


CASES = {
    # prod: over all dims (the flattened input) and along one dim, with zeros
    "prod": (lambda T, x: x.prod(), normal((3, 4))),
    "prod_0d": (lambda T, x: x.prod(), normal(())),
    "prod_dim_0d": (lambda T, x: x.prod(0), normal(())),
    "prod_1d": (lambda T, x: x.prod(0), normal((5,))),
    "prod_dim": (lambda T, x: x.prod(1), normal((3, 4))),
    "prod_dim_keepdim": (lambda T, x: x.prod(0, keepdim=True), normal((3, 4))),
    "prod_dim_3d": (lambda T, x: x.prod(-2), normal((2, 3, 4))),
    "prod_dim_zeros": (lambda T, x: x.prod(1),
                       with_zeros((3, 4), [(0, 1), (1, 1), (1, 2), (2, 0), (2, 3)])),
    "prod_one_zero": (lambda T, x: x.prod(), with_zeros((3, 4), [(1, 2)])),
    "prod_empty_dim": (lambda T, x: x.prod(1), normal((3, 0))),
    "prod_empty": (lambda T, x: x.prod(), normal((3, 0))),
    # cumsum, cumprod (zeros first, last, several in a line), in place on a non-leaf
    "cumsum": (lambda T, x: x.cumsum(1), normal((3, 4))),
    "cumsum_0d": (lambda T, x: x.cumsum(0), normal(())),
    "cumsum_3d": (lambda T, x: x.cumsum(0), normal((3, 2, 2))),
    "cumsum_inplace": (lambda T, x: (x * 1).cumsum_(1), normal((3, 4))),
    "cumprod": (lambda T, x: x.cumprod(1), normal((3, 4))),
    "cumprod_dim0": (lambda T, x: x.cumprod(0), normal((3, 4))),
    "cumprod_0d": (lambda T, x: x.cumprod(0), normal(())),
    "cumprod_size1": (lambda T, x: x.cumprod(1), normal((3, 1))),
    "cumprod_empty": (lambda T, x: x.cumprod(1), normal((3, 0))),
    "cumprod_zeros": (lambda T, x: x.cumprod(1),
                      with_zeros((4, 4), [(0, 1), (1, 1), (1, 2), (2, 3), (3, 0)])),
    "cumprod_zeros_3d": (lambda T, x: x.cumprod(1),
                         with_zeros((2, 5, 3), [(0, 1, 0), (1, 1, 1), (1, 3, 1), (0, 0, 2)])),
    "cumprod_inplace": (lambda T, x: (x * 1).cumprod_(1), normal((3, 4))),
    "cumprod_inplace_zeros": (lambda T, x: (x * 1).cumprod_(0), with_zeros((3, 4), [(1, 1)])),
    # values chosen by index: each gradient element goes back to its source
    "sort": (lambda T, x: T.sort(x, 1), normal((3, 4))),
    "sort_descending": (lambda T, x: T.sort(x, 0, descending=True), normal((3, 4))),
    "sort_ties": (lambda T, x: T.sort(x, 1), TIES),
    "sort_ties_descending": (lambda T, x: T.sort(x, 1, descending=True), TIES),
    "sort_0d": (lambda T, x: T.sort(x, 0), normal(())),
    "sort_empty": (lambda T, x: T.sort(x, 1), normal((3, 0))),
    "topk": (lambda T, x: T.topk(x, 2, 1), normal((3, 4))),
    "topk_smallest": (lambda T, x: T.topk(x, 2, 0, largest=False), normal((3, 4))),
    "topk_0d": (lambda T, x: T.topk(x, 1, 0), normal(())),
    "max_dim": (lambda T, x: T.max(x, 1), normal((3, 4))),
    "max_dim_ties": (lambda T, x: T.max(x, 1), TIES),
    "min_dim_keepdim_ties": (lambda T, x: T.min(x, 0, keepdim=True), TIES),
    "max_dim_0d": (lambda T, x: T.max(x, 0), normal(())),
    "max_dim_3d": (lambda T, x: T.max(x, -1), normal((2, 3, 4))),
    # extrema shared by ties
    "max_all": (lambda T, x: x.max(), normal((3, 4))),
    "max_all_ties": (lambda T, x: x.max(), TIES),
    "min_all_ties": (lambda T, x: x.min(), TIES),
    "amax": (lambda T, x: x.amax(1), normal((3, 4))),
    "amax_ties": (lambda T, x: x.amax(1), TIES),
    "amin_ties_keepdim": (lambda T, x: x.amin(0, keepdim=True), TIES),
    "amin_all_dims": (lambda T, x: x.amin((0, 1)), TIES),
    # logsumexp
    "logsumexp": (lambda T, x: x.logsumexp(1), normal((3, 4))),
    "logsumexp_all_keepdim": (lambda T, x: x.logsumexp((0, 1), keepdim=True), normal((3, 4))),
    "logsumexp_0d": (lambda T, x: x.logsumexp(0), normal(())),
    "logsumexp_3d": (lambda T, x: x.logsumexp((0, 2)), normal((2, 3, 4))),
    # norm: each of torch's cases of p, zeros in the input and an all-zero line
    "norm2": (lambda T, x: x.norm(dim=1), normal((3, 4))),
    "norm2_all": (lambda T, x: x.norm(), normal((3, 4))),
    "norm2_0d": (lambda T, x: x.norm(), normal(())),
    "norm2_zero_element": (lambda T, x: x.norm(dim=1), with_zeros((3, 4), [(0, 1)])),
    "norm2_zero_line": (lambda T, x: x.norm(dim=1),
                        with_zeros((3, 4), [(0, 0), (0, 1), (0, 2), (0, 3)])),
    "norm1": (lambda T, x: x.norm(p=1, dim=1), with_zeros((3, 4), [(0, 1)])),
    "norm3": (lambda T, x: x.norm(p=3, dim=1), normal((3, 4))),
    "norm3_zero_element": (lambda T, x: x.norm(p=3, dim=1), with_zeros((3, 4), [(0, 1)])),
    "norm4_keepdim": (lambda T, x: x.norm(p=4, dim=(0, 1), keepdim=True), normal((3, 4))),
    "norm1.5": (lambda T, x: x.norm(p=1.5, dim=1), with_zeros((3, 4), [(0, 1)])),
    "norm2.5": (lambda T, x: x.norm(p=2.5, dim=0), normal((3, 4))),
    "norm0.5": (lambda T, x: x.norm(p=0.5, dim=1), with_zeros((3, 4), [(0, 1)])),
    "norm-1": (lambda T, x: x.norm(p=-1, dim=1), normal((3, 4))),
    "norm_inf": (lambda T, x: x.norm(p=INF, dim=1), normal((3, 4))),
    "norm_inf_ties": (lambda T, x: x.norm(p=INF, dim=1), NORM_TIES),
    "norm_-inf_ties": (lambda T, x: x.norm(p=-INF, dim=1), NORM_TIES),
    "norm0": (lambda T, x: x.norm(p=0, dim=1), normal((3, 4))),  # no gradient: both raise
    # var, std, mean (already made of recording ops: checked so they stay so)
    "var": (lambda T, x: x.var(1), normal((3, 4))),
    "var_biased_all": (lambda T, x: x.var(unbiased=False), normal((3, 4))),
    "std": (lambda T, x: x.std(1), normal((3, 4))),
    "std_keepdim": (lambda T, x: x.std(0, keepdim=True), normal((3, 4))),
    "std_zero": (lambda T, x: x.std(1), np.array([[1.0, 1.0, 1.0], [1.0, 2.0, 3.5]])),
    "var_mean": (lambda T, x: T.var_mean(x, 1)[0] * T.var_mean(x, 1)[1], normal((3, 4))),
    "std_mean": (lambda T, x: T.std_mean(x, 0)[0] * T.std_mean(x, 0)[1], normal((3, 4))),
    "mean": (lambda T, x: x.mean(1) ** 2, normal((3, 4))),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_double_backward_matches_torch(name):
    fn, arr = CASES[name]
    compare(fn, arr)


def test_topk_ties_follow_the_chosen_indices():
    # Which of several equal values topk returns is unspecified (oztorch takes the stable
    # sort's), so the reference is torch's gather at the indices oztorch chose.
    T = oz()
    xs = T.tensor(TIES.tolist(), dtype=T.float64, requires_grad=True)
    chosen = T.topk(xs, 3, 1).indices
    idx = torch.tensor(chosen.tolist())
    compare(lambda M, x: M.topk(x, 3, 1), TIES,
            torch_fn=lambda M, x: M.gather(x, 1, idx))


def test_prod_of_several_zeros_over_all_dims_follows_torch2():
    # torch 1.13 returns a constant zero gradient here (no graph); torch 2.x differentiates the
    # zero-safe formula. The oracle is the same product as the last running product.
    arr = with_zeros((3, 4), [(0, 1), (2, 2)])
    compare(lambda T, x: x.prod(), arr,
            torch_fn=lambda T, x: x.reshape(-1).cumprod(0)[-1])


def test_cumprod_of_several_zeros_matches_an_explicit_product():
    arr = with_zeros((2, 5), [(0, 1), (0, 3), (1, 0), (1, 4)])

    def explicit(T, x):  # y_j = prod_{i <= j} x_i spelled out
        cols = [x[:, 0]]
        for j in range(1, x.shape[1]):
            cols.append(cols[-1] * x[:, j])
        return T.stack(cols, 1)

    compare(lambda T, x: x.cumprod(1), arr, torch_fn=explicit)


# ---------------------------------------------------------------- finite differences

FD_CASES = ["prod_dim_zeros", "prod_one_zero", "cumprod", "cumprod_zeros", "logsumexp", "norm3",
            "norm2", "norm2.5", "std", "sort", "amax"]


def gradient(T, fn, arr):
    """d sum(y * w) / dx without create_graph (the fast formulas)."""
    x = T.tensor(np.asarray(arr).tolist(), dtype=T.float64, requires_grad=True)
    y = first(fn(T, x))
    g, = T.autograd.grad((y * weights(T, tuple(y.shape), -1.0, 1.3)).sum(), x)
    return np.asarray(g.tolist())


@pytest.mark.parametrize("name", FD_CASES)
def test_second_derivative_matches_finite_differences(name):
    fn, arr = CASES[name]
    T, eps = oz(), 1e-6
    _, hx, _ = double_backward(T, fn, arr)  # H v
    v = np.linspace(0.5, -0.7, arr.size).reshape(arr.shape)
    fd = (gradient(T, fn, arr + eps * v) - gradient(T, fn, arr - eps * v)) / (2 * eps)
    np.testing.assert_allclose(hx if hx is not None else np.zeros(arr.shape), fd, rtol=1e-5,
                               atol=1e-6)


def test_prod_of_several_zeros_matches_finite_differences():
    fn = CASES["prod"][0]
    arr = with_zeros((3, 4), [(0, 1), (2, 2)])
    T, eps = oz(), 1e-6
    _, hx, _ = double_backward(T, fn, arr)
    v = np.linspace(0.5, -0.7, arr.size).reshape(arr.shape)
    fd = (gradient(T, fn, arr + eps * v) - gradient(T, fn, arr - eps * v)) / (2 * eps)
    np.testing.assert_allclose(hx, fd, rtol=1e-5, atol=1e-6)
    # not the constant zero of torch 1.13: each zero's gradient moves with the other zero
    others = np.prod(arr[arr != 0])
    np.testing.assert_allclose([hx[0, 1], hx[2, 2]], [-v[2, 2] * others, -v[0, 1] * others],
                               rtol=1e-10)
    assert np.count_nonzero(hx) == 2


# ---------------------------------------------------------------- other entry points

@pytest.mark.filterwarnings("ignore:Using backward\\(\\) with create_graph=True")
def test_hessian_vector_product_through_backward():
    # create_graph with .backward(): the gradient in x.grad carries a graph, a second
    # backward() accumulates H v on top of it.
    def hvp(T):
        x = T.tensor(with_zeros((3, 4), [(1, 1)]).tolist(), dtype=T.float64, requires_grad=True)
        (x.cumprod(1).sum() + x.prod(0).sum() + x.logsumexp(1).sum()).backward(create_graph=True)
        g = x.grad
        x.grad = None
        (g * weights(T, (3, 4), 0.5, -0.7)).sum().backward()
        return g.detach(), x.grad

    ref, got = hvp(torch), hvp(oz())
    for r, o in zip(ref, got):
        np.testing.assert_allclose(np.asarray(o.tolist()), r.numpy(), rtol=RTOL, atol=ATOL)


def test_without_create_graph_gradients_carry_no_graph():
    # The fast formulas stay in use: a plain backward gives gradients without history.
    T = oz()
    x = T.tensor(normal((3, 4)).tolist(), dtype=T.float64, requires_grad=True)
    for y in (x.prod(1), x.cumprod(1), x.cumsum(0), T.sort(x, 1)[0], x.logsumexp(1),
              x.norm(p=3, dim=1), T.max(x, 0)[0]):
        g, = T.autograd.grad(y.sum(), x)
        assert not g.requires_grad and g.grad_fn is None


def test_double_backward_does_not_leak():
    import gc
    T = oz()

    def live():
        gc.collect()
        return T._C._live_tensors()

    def run_all():
        for name, (fn, arr) in sorted(CASES.items()):
            run(lambda M: double_backward(M, fn, arr), T)  # norm0 raises: its error path too

    run_all()  # warm up caches
    before = live()
    run_all()
    assert live() == before


def test_norm_p0_has_no_gradient():
    # torch's formula for p = 0 returns no gradient at all, with or without create_graph.
    def grads(T):
        x = T.tensor([[1.0, 0.0, 2.0]], dtype=T.float64, requires_grad=True)
        x.norm(p=0, dim=1).sum().backward()
        unused, = T.autograd.grad(x.norm(p=0, dim=1).sum(), x, allow_unused=True)
        return x.grad, unused

    assert grads(torch) == (None, None)
    assert grads(oz()) == (None, None)

    def unused_input(create_graph):
        def fn(T):
            x = T.tensor([1.0, 0.0, 2.0], dtype=T.float64, requires_grad=True)
            return T.autograd.grad(x.norm(p=0), x, create_graph=create_graph)
        return fn

    for create_graph in (False, True):
        check(unused_input(create_graph), raises=RuntimeError)
