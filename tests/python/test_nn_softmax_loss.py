"""softmax / log_softmax and the losses (nll, cross_entropy, mse, l1, smooth_l1, huber,
binary_cross_entropy[_with_logits]) against real torch: values, dtypes, shapes, reductions,
weights, exceptions, grad_fn names and gradients."""
import warnings

import numpy as np
import pytest
import torch
import torch.nn.functional as TF

from conftest import FLOAT_DTYPES, check, mk, mk_layout, oz, sample
from test_nn_support import assert_finite_differences, assert_grads_match, classes, rand


def F(T):
    """torch.nn.functional of T (oztorch.nn.functional for oztorch)."""
    if T is torch:
        return TF
    import oztorch.nn.functional
    return oztorch.nn.functional


# ------------------------------------------------------------------ softmax, log_softmax


@pytest.mark.parametrize("dtype", FLOAT_DTYPES)
@pytest.mark.parametrize("fname", ["softmax", "log_softmax"])
@pytest.mark.parametrize("dim", [0, 1, 2, -1, -2])
def test_softmax_values(fname, dim, dtype):
    a = sample((3, 4, 5), dtype)
    check(lambda T: getattr(T, fname)(mk(T, a, dtype), dim), rtol=1e-6, atol=1e-6)
    check(lambda T: getattr(mk(T, a, dtype), fname)(dim), rtol=1e-6, atol=1e-6)
    check(lambda T: getattr(F(T), fname)(mk(T, a, dtype), dim=dim), rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("layout", ["transposed", "strided"])
@pytest.mark.parametrize("fname", ["softmax", "log_softmax"])
@pytest.mark.parametrize("dim", [0, 1])
def test_softmax_non_contiguous(fname, dim, layout):
    a = sample((4, 6), "float64")
    check(lambda T: getattr(T, fname)(mk_layout(T, a, "float64", layout), dim))


@pytest.mark.parametrize("fname", ["softmax", "log_softmax"])
def test_softmax_special_values(fname):
    rows = [[0.0, float("nan"), 1.0], [float("-inf"), 0.0, 1.0], [float("-inf")] * 3,
            [float("inf"), 1.0, 2.0], [1e4, -1e4, 0.0], [800.0, 800.0, 799.0]]
    check(lambda T: getattr(T, fname)(T.tensor(rows), 1))
    check(lambda T: getattr(T, fname)(T.tensor(rows, dtype=T.float64), 1))


@pytest.mark.parametrize("fname", ["softmax", "log_softmax"])
def test_softmax_shapes(fname):
    check(lambda T: getattr(T, fname)(T.tensor(2.5), 0))           # 0-d
    check(lambda T: getattr(T, fname)(T.tensor(2.5), -1))
    check(lambda T: getattr(T, fname)(T.zeros(0, 3), 1))            # empty
    check(lambda T: getattr(T, fname)(T.zeros(2, 0), 1))            # empty along dim
    check(lambda T: getattr(T, fname)(T.ones(1, 1, 1, 1, 7), 4))


@pytest.mark.parametrize("fname", ["softmax", "log_softmax"])
def test_softmax_dtype_argument(fname):
    a = sample((3, 4), "float32")
    check(lambda T: getattr(T, fname)(mk(T, a, "float32"), 1, dtype=T.float64))
    check(lambda T: getattr(T, fname)(mk(T, a, "float64"), 1, T.float32))
    check(lambda T: getattr(mk(T, a, "float32"), fname)(0, dtype=T.float64))
    check(lambda T: getattr(T, fname)(T.tensor([[1, 2], [3, 4]]), 1, dtype=T.float32))


@pytest.mark.parametrize("fname", ["softmax", "log_softmax"])
def test_softmax_out(fname):
    a = sample((2, 3), "float32")

    def into(out_shape, out_dtype="float32", dtype=None):
        def f(T):
            out = T.empty(out_shape, dtype=getattr(T, out_dtype))
            r = getattr(T, fname)(mk(T, a, "float32"), 1, dtype=dt(T, dtype), out=out)
            return r, out, r is out, r.grad_fn is None
        return f
    dt = lambda T, name: None if name is None else getattr(T, name)
    check(into((2, 3)))
    check(into((0,)))  # resized
    check(into((2, 3), "float64", dtype="float64"))
    check(into((2, 3), "float64"), raises=RuntimeError)
    check(into((2, 3), "int64"), raises=RuntimeError)

    def with_grad(T, backward=False):
        """torch 1.13 lets out= take history it cannot differentiate through"""
        x = T.ones(2, 3, requires_grad=True)
        y = getattr(T, fname)(x, 1, out=T.empty(2, 3))
        if backward:
            y.sum().backward()
        return y.requires_grad, y.is_leaf
    check(with_grad)
    check(lambda T: with_grad(T, True), raises=RuntimeError)


@pytest.mark.parametrize("fname", ["softmax", "log_softmax"])
def test_softmax_errors(fname):
    check(lambda T: getattr(T, fname)(T.tensor([1, 2]), 0), raises=RuntimeError)  # integers
    check(lambda T: getattr(T, fname)(T.tensor([True]), 0), raises=RuntimeError)
    check(lambda T: getattr(T, fname)(T.zeros(2, 3), 2), raises=IndexError)
    check(lambda T: getattr(T, fname)(T.zeros(2, 3), -3), raises=IndexError)
    check(lambda T: getattr(T, fname)(T.zeros(3)), raises=TypeError)  # dim is required
    check(lambda T: getattr(T, fname)(T.zeros(3), 0.5), raises=TypeError)
    check(lambda T: getattr(T, fname)([1.0], 0), raises=TypeError)
    check(lambda T: getattr(T, fname)(T.zeros(3), "a"), raises=RuntimeError)  # a dim name
    check(lambda T: getattr(T, fname)(T.zeros(3), 0, dtype=3), raises=TypeError)


@pytest.mark.parametrize("fname", ["softmax", "log_softmax"])
@pytest.mark.parametrize("ndim,dim", [(0, 0), (1, 0), (2, 1), (3, 0), (4, 1)])
def test_functional_softmax_implicit_dim(fname, ndim, dim):
    """F.softmax(x) without dim: torch's legacy choice, with a UserWarning."""
    a = sample((2, 3, 2, 2)[:ndim], "float64")
    for T in (torch, oz()):
        with pytest.warns(UserWarning, match="Implicit dimension choice"):
            got = getattr(F(T), fname)(mk(T, a, "float64"))
        np.testing.assert_allclose(got.tolist(), getattr(torch, fname)(
            torch.tensor(a), dim).tolist(), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("fname", ["softmax", "log_softmax"])
@pytest.mark.parametrize("dim", [0, 1, -1])
def test_softmax_gradients(fname, dim):
    assert_grads_match(lambda T, x: getattr(T, fname)(x, dim), [rand((3, 4))])
    assert_grads_match(lambda T, x: getattr(T, fname)(x.t(), dim), [rand((4, 3))])
    assert_grads_match(lambda T, x: getattr(x, fname)(dim, dtype=T.float32), [rand((3, 4))],
                       tol=1e-6)
    assert_finite_differences(lambda T, x: getattr(T, fname)(x, dim) * T.tensor(
        [1.0, -2.0, 0.5, 3.0], dtype=T.float64), rand((4, 4)))


@pytest.mark.parametrize("fname", ["softmax", "log_softmax"])
def test_softmax_double_backward(fname):
    """create_graph=True: the gradient is itself differentiable (Hessian-vector products)."""
    x0 = rand((2, 4))
    w = rand((2, 4), 1)

    def hvp(T):
        x = T.tensor(x0, dtype=T.float64, requires_grad=True)
        y = getattr(T, fname)(x, 1)
        g, = T.autograd.grad((y * T.tensor(w, dtype=T.float64)).sum(), x, create_graph=True)
        h, = T.autograd.grad((g * g).sum(), x)
        return g.detach(), h
    check(hvp, rtol=1e-10, atol=1e-12)


def test_softmax_gradient_float32_and_inplace_error():
    assert_grads_match(lambda T, x: T.softmax(x, 1), [rand((5, 7))], dtype="float32")

    def modified_after(T):
        x = T.tensor([[1.0, 2.0, 3.0]], requires_grad=True)
        y = T.softmax(x, 1)
        y.mul_(2)  # the saved output changed
        y.sum().backward()
    check(modified_after, raises=RuntimeError)


# ------------------------------------------------------------------ nll_loss


NLL_CASES = {
    "2d": ((5, 4), (5,)),
    "1d": ((4,), ()),
    "3d": ((3, 4, 5), (3, 5)),
    "4d": ((2, 4, 3, 2), (2, 3, 2)),
    "5d": ((2, 3, 2, 2, 2), (2, 2, 2, 2)),
}


@pytest.mark.parametrize("case", sorted(NLL_CASES))
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("weighted", [False, True])
def test_nll_loss(case, reduction, weighted):
    xs, ts = NLL_CASES[case]
    c = xs[0] if len(xs) == 1 else xs[1]
    x, t = rand(xs), classes(ts, c)
    w = np.linspace(0.5, 2.0, c)

    def f(T, x):
        weight = T.tensor(w, dtype=x.dtype) if weighted else None
        return F(T).nll_loss(x, T.tensor(t), weight=weight, reduction=reduction)
    assert_grads_match(f, [x])
    for dtype in FLOAT_DTYPES:
        check(lambda T: f(T, mk(T, x, dtype)), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_nll_loss_ignore_index(reduction):
    x = rand((6, 4))
    t = np.array([0, 2, 1, 2, 3, 2])
    w = [1.0, 2.0, 3.0, 4.0]
    for ignore in (2, -100, 0, 7):
        assert_grads_match(lambda T, x: F(T).nll_loss(
            x, T.tensor(t), weight=T.tensor(w, dtype=T.float64), ignore_index=ignore,
            reduction=reduction), [x])
    # every target ignored: mean is 0/0
    check(lambda T: F(T).nll_loss(mk(T, x), T.tensor([1] * 6), ignore_index=1,
                                  reduction=reduction))
    # a target that is out of range is fine when it is the ignored one
    check(lambda T: F(T).nll_loss(mk(T, x), T.tensor([-1, 0, 1, 2, 3, -1]), ignore_index=-1,
                                  reduction=reduction))


def test_nll_loss_empty_and_noncontiguous():
    check(lambda T: F(T).nll_loss(T.zeros(0, 3), T.zeros(0, dtype=T.int64)))
    check(lambda T: F(T).nll_loss(T.zeros(0, 3), T.zeros(0, dtype=T.int64), reduction="sum"))
    check(lambda T: F(T).nll_loss(T.zeros(0, 3), T.zeros(0, dtype=T.int64), reduction="none"))
    x = rand((4, 5))
    assert_grads_match(lambda T, x: F(T).nll_loss(x.t(), T.tensor([0, 3, 1, 2, 2])), [x])
    check(lambda T: F(T).nll_loss(mk_layout(T, x, "float32", "strided"),
                                  T.tensor([0, 1, 1, 0])), rtol=1e-6)


def test_nll_loss_legacy_reduction_arguments():
    x, t = rand((3, 4)), classes((3,), 4)
    for size_average, reduce in [(False, None), (None, False), (True, True), (False, True)]:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            check(lambda T: F(T).nll_loss(mk(T, x, "float64"), T.tensor(t),
                                          size_average=size_average, reduce=reduce))


def test_nll_loss_errors():
    x = lambda T: T.zeros(2, 3)
    check(lambda T: F(T).nll_loss(x(T), T.tensor([0, 3])), raises=IndexError)
    check(lambda T: F(T).nll_loss(x(T), T.tensor([0, -1])), raises=IndexError)
    check(lambda T: F(T).nll_loss(x(T), T.tensor([0, 1], dtype=T.int32)), raises=RuntimeError)
    check(lambda T: F(T).nll_loss(x(T), T.tensor([0.0, 1.0])), raises=RuntimeError)
    check(lambda T: F(T).nll_loss(T.zeros(2, 3, dtype=T.int64), T.tensor([0, 1])),
          raises=RuntimeError)
    check(lambda T: F(T).nll_loss(x(T), T.tensor([0, 1, 1])), raises=ValueError)
    check(lambda T: F(T).nll_loss(T.tensor(1.0), T.tensor(0)), raises=ValueError)
    check(lambda T: F(T).nll_loss(x(T), T.tensor([[0], [1]])), raises=RuntimeError)
    check(lambda T: F(T).nll_loss(x(T), T.tensor([0, 1]), weight=T.ones(4)), raises=RuntimeError)
    check(lambda T: F(T).nll_loss(x(T), T.tensor([0, 1]), weight=T.ones(3, dtype=T.float64)),
          raises=RuntimeError)
    check(lambda T: F(T).nll_loss(x(T), T.tensor([0, 1]), reduction="avg"), raises=ValueError)
    check(lambda T: F(T).nll_loss(T.zeros(2, 3, 4), T.zeros(2, 5, dtype=T.int64)),
          raises=RuntimeError)
    check(lambda T: F(T).nll_loss(T.zeros(2, 3, 4, 5), T.zeros(2, 4, 4, dtype=T.int64)),
          raises=RuntimeError)
    check(lambda T: F(T).nll_loss(T.zeros(3), T.tensor([1])), raises=RuntimeError)
    check(lambda T: F(T).nll_loss(x(T), [0, 1]), raises=TypeError)

    def weight_requires_grad(T):
        w = T.ones(3, requires_grad=True)
        return F(T).nll_loss(T.zeros(2, 3, requires_grad=True), T.tensor([0, 1]), weight=w)
    check(weight_requires_grad, raises=RuntimeError)


# ------------------------------------------------------------------ cross_entropy


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("label_smoothing", [0.0, 0.25])
@pytest.mark.parametrize("weighted", [False, True])
def test_cross_entropy_class_indices(reduction, label_smoothing, weighted):
    x, t = rand((6, 5)), np.array([0, 4, 2, 2, 1, 3])

    def f(T, x, ignore_index=-100):
        w = T.tensor(np.linspace(0.5, 2, 5), dtype=x.dtype) if weighted else None
        return F(T).cross_entropy(x, T.tensor(t), weight=w, reduction=reduction,
                                  label_smoothing=label_smoothing, ignore_index=ignore_index)
    assert_grads_match(f, [x], name=label_smoothing == 0.0)
    assert_grads_match(lambda T, x: f(T, x, ignore_index=2), [x], name=label_smoothing == 0.0)
    check(lambda T: f(T, mk(T, x, "float32")), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_cross_entropy_spatial_and_unbatched(reduction):
    assert_grads_match(lambda T, x: F(T).cross_entropy(
        x, T.tensor(classes((2, 3, 2), 4)), reduction=reduction), [rand((2, 4, 3, 2))])
    assert_grads_match(lambda T, x: F(T).cross_entropy(x, T.tensor(2), reduction=reduction),
                       [rand((5,))])
    assert_grads_match(lambda T, x: F(T).cross_entropy(
        x, T.tensor(1), reduction=reduction, label_smoothing=0.1), [rand((5,))], name=False)


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("label_smoothing", [0.0, 0.3])
@pytest.mark.parametrize("weighted", [False, True])
def test_cross_entropy_class_probabilities(reduction, label_smoothing, weighted):
    def f(T, x, p):
        w = T.tensor([0.5, 1.0, 2.0, 1.5], dtype=x.dtype) if weighted else None
        return F(T).cross_entropy(x, p.softmax(1), weight=w, reduction=reduction,
                                  label_smoothing=label_smoothing)
    assert_grads_match(f, [rand((3, 4)), rand((3, 4), 1)], name=False)


def test_cross_entropy_errors():
    check(lambda T: F(T).cross_entropy(T.zeros(2, 3), T.zeros(2, 3, dtype=T.int64)),
          raises=RuntimeError)
    check(lambda T: F(T).cross_entropy(T.zeros(2, 3), T.tensor([0, 1]), label_smoothing=1.5),
          raises=RuntimeError)
    check(lambda T: F(T).cross_entropy(T.zeros(2, 3), T.zeros(2, 3), ignore_index=1),
          raises=RuntimeError)
    check(lambda T: F(T).cross_entropy(T.zeros(2, 3), T.tensor([0, 3])), raises=IndexError)
    check(lambda T: F(T).cross_entropy(T.zeros(2, 3), T.tensor([0, 1]), reduction="x"),
          raises=ValueError)


# ------------------------------------------------------------------ elementwise losses

POINTWISE = ["mse_loss", "l1_loss", "smooth_l1_loss", "huber_loss"]


@pytest.mark.parametrize("loss", POINTWISE)
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_regression_losses(loss, reduction):
    x, t = rand((4, 5)), rand((4, 5), 1)
    x[0, 0], t[0, 0] = 0.25, 0.25  # a kink (|x - t| = 0)
    x[0, 1], t[0, 1] = 1.5, 0.5    # |x - t| == beta == delta
    assert_grads_match(lambda T, x, t: getattr(F(T), loss)(x, t, reduction=reduction), [x, t])
    assert_grads_match(lambda T, x, t: getattr(F(T), loss)(x, t, reduction=reduction), [x, t],
                       requires=[True, False])
    for dtype in FLOAT_DTYPES:
        check(lambda T: getattr(F(T), loss)(mk(T, x, dtype), mk(T, t, dtype),
                                            reduction=reduction), rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("reduction", ["mean", "none"])
def test_smooth_l1_and_huber_parameters(reduction):
    x, t = rand((3, 4)), rand((3, 4), 1)
    for beta in (0.0, 0.3, 2.5):
        assert_grads_match(lambda T, x, t: F(T).smooth_l1_loss(x, t, reduction=reduction,
                                                               beta=beta), [x, t])
    for delta in (0.3, 2.5):
        assert_grads_match(lambda T, x, t: F(T).huber_loss(x, t, reduction=reduction,
                                                           delta=delta), [x, t])


@pytest.mark.parametrize("loss", POINTWISE)
def test_regression_losses_broadcast_dtypes_and_special_values(loss):
    a, b = sample((2, 3), "float32"), sample((3,), "float64", seed=2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        check(lambda T: getattr(F(T), loss)(mk(T, a, "float32"), mk(T, b, "float32")))
        assert_grads_match(lambda T, x, t: getattr(F(T), loss)(x, t), [rand((2, 3)),
                                                                     rand((3,), 1)])
    for T in (torch, oz()):
        with pytest.warns(UserWarning, match="different to the input size"):
            getattr(F(T), loss)(T.zeros(2, 3), T.zeros(3))
    # mixed float dtypes (huber keeps the input's), integer targets, 0-d, empty, NaN/inf
    check(lambda T: getattr(F(T), loss)(mk(T, a, "float32"), mk(T, a, "float64")))
    check(lambda T: getattr(F(T), loss)(mk(T, a, "float64"), mk(T, a, "float32")))
    check(lambda T: getattr(F(T), loss)(mk(T, a, "float64"), T.ones(2, 3, dtype=T.int64)))
    check(lambda T: getattr(F(T), loss)(T.tensor(2.0), T.tensor(0.5)))
    check(lambda T: getattr(F(T), loss)(T.zeros(0), T.zeros(0)))
    check(lambda T: getattr(F(T), loss)(T.zeros(0), T.zeros(0), reduction="sum"))
    check(lambda T: getattr(F(T), loss)(T.tensor([float("nan"), float("inf"), 1.0]),
                                        T.tensor([0.0, 1.0, float("-inf")]), reduction="none"))
    check(lambda T: getattr(F(T), loss)(mk_layout(T, sample((3, 4), "float32"), "float32",
                                                  "transposed"),
                                        mk(T, sample((3, 4), "float32", seed=5), "float32")))


@pytest.mark.filterwarnings("ignore:Using a target size")
def test_regression_loss_errors():
    ints = lambda T: T.ones(2, 3, dtype=T.int64)
    for loss in POINTWISE:
        check(lambda T: getattr(F(T), loss)(ints(T), ints(T)), raises=RuntimeError)
        check(lambda T: getattr(F(T), loss)(T.zeros(2, 3), T.zeros(4)), raises=RuntimeError)
        check(lambda T: getattr(F(T), loss)(T.zeros(2), T.zeros(2), reduction="avg"),
              raises=ValueError)
        check(lambda T: getattr(F(T), loss)(T.zeros(2), 1.0), raises=AttributeError)
    check(lambda T: F(T).huber_loss(T.zeros(2), T.zeros(2), delta=0.0), raises=RuntimeError)
    # l1_loss is torch's composite (input - target).abs(): integers work but for the mean
    a, b = lambda T: T.tensor([1, 5, 2]), lambda T: T.tensor([3, 1, 2], dtype=T.int8)
    check(lambda T: F(T).l1_loss(a(T), b(T), reduction="none"))
    check(lambda T: F(T).l1_loss(a(T), b(T), reduction="sum"))
    check(lambda T: F(T).l1_loss(a(T), b(T)), raises=RuntimeError)
    check(lambda T: F(T).l1_loss(T.tensor([True]), T.tensor([False]), reduction="none"),
          raises=RuntimeError)
    check(lambda T: F(T).smooth_l1_loss(T.zeros(2), T.zeros(2), beta=-1.0), raises=RuntimeError)


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("weighted", [False, True])
def test_binary_cross_entropy(reduction, weighted):
    rng = np.random.default_rng(3)
    p, t = rng.uniform(0.05, 0.95, (3, 4)), rng.uniform(0, 1, (3, 4))
    t[0, :2] = [0.0, 1.0]

    def f(T, p, t):
        w = T.tensor([0.5, 1.0, 2.0, 1.5], dtype=p.dtype) if weighted else None
        return F(T).binary_cross_entropy(p, t, weight=w, reduction=reduction)
    assert_grads_match(f, [p, t])
    assert_grads_match(f, [p, t], requires=[True, False])
    check(lambda T: f(T, mk(T, p, "float32"), mk(T, t, "float32")), rtol=1e-5, atol=1e-6)
    # probabilities of exactly 0 and 1: the logs are clamped at -100
    check(lambda T: F(T).binary_cross_entropy(T.tensor([0.0, 1.0, 0.0, 1.0]),
                                              T.tensor([0.0, 1.0, 1.0, 0.0]),
                                              reduction=reduction))


def test_binary_cross_entropy_errors():
    check(lambda T: F(T).binary_cross_entropy(T.tensor([0.5, 1.5]), T.zeros(2)),
          raises=RuntimeError)
    check(lambda T: F(T).binary_cross_entropy(T.tensor([float("nan")]), T.zeros(1)),
          raises=RuntimeError)
    check(lambda T: F(T).binary_cross_entropy(T.tensor([0.5, 0.5]), T.zeros(3)),
          raises=ValueError)
    check(lambda T: F(T).binary_cross_entropy(T.tensor([0.5]), T.zeros(1, dtype=T.float64)),
          raises=RuntimeError)
    check(lambda T: F(T).binary_cross_entropy(T.ones(2, 3) / 2, T.zeros(2, 3),
                                              weight=T.ones(2)), raises=RuntimeError)
    check(lambda T: F(T).binary_cross_entropy(T.ones(2, dtype=T.int64), T.zeros(2, dtype=T.int64)),
          raises=RuntimeError)

    def weight_requires_grad(T):
        return F(T).binary_cross_entropy(T.ones(2, requires_grad=True) / 2, T.zeros(2),
                                         weight=T.ones(2, requires_grad=True))
    check(weight_requires_grad, raises=RuntimeError)


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("pos_weighted", [False, True])
def test_binary_cross_entropy_with_logits(reduction, weighted, pos_weighted):
    x, t = rand((3, 4), lo=-30, hi=30), np.random.default_rng(4).uniform(0, 1, (3, 4))

    def f(T, x, t):
        w = T.tensor([0.5, 1.0, 2.0, 1.5], dtype=x.dtype) if weighted else None
        pw = T.tensor([3.0, 0.5, 1.0, 2.0], dtype=x.dtype) if pos_weighted else None
        return F(T).binary_cross_entropy_with_logits(x, t, weight=w, reduction=reduction,
                                                     pos_weight=pw)
    assert_grads_match(f, [x, t])
    check(lambda T: f(T, mk(T, x, "float32"), mk(T, t, "float32")), rtol=1e-5, atol=1e-6)
    red = {"none": 0, "mean": 1, "sum": 2}[reduction]
    check(lambda T: T.binary_cross_entropy_with_logits(mk(T, x), mk(T, t), None, None, red),
          rtol=1e-5, atol=1e-6)


def test_binary_cross_entropy_with_logits_dtypes_and_errors():
    a = sample((2, 3), "float32")
    # float64 result; torch rounds some float32 intermediates, hence the tolerance
    check(lambda T: F(T).binary_cross_entropy_with_logits(mk(T, a, "float32"),
                                                          mk(T, a, "float64")), rtol=1e-6)
    check(lambda T: F(T).binary_cross_entropy_with_logits(mk(T, a, "float32"),
                                                          mk(T, a, "float32"),
                                                          pos_weight=T.ones(2, 1)), rtol=1e-6)
    check(lambda T: F(T).binary_cross_entropy_with_logits(T.ones(2), T.zeros(3)),
          raises=ValueError)
    check(lambda T: F(T).binary_cross_entropy_with_logits(T.ones(2, 3), T.zeros(2, 3),
                                                          pos_weight=T.ones(2)),
          raises=RuntimeError)

    def pos_weight_requires_grad(T):
        return F(T).binary_cross_entropy_with_logits(T.ones(2, requires_grad=True), T.zeros(2),
                                                     pos_weight=T.ones(2, requires_grad=True))
    check(pos_weight_requires_grad, raises=RuntimeError)


def test_losses_finite_differences():
    t = rand((3, 4), 1)
    assert_finite_differences(lambda T, x: F(T).mse_loss(x, T.tensor(t)), rand((3, 4)))
    assert_finite_differences(lambda T, x: F(T).smooth_l1_loss(x, T.tensor(t), beta=0.7),
                              rand((3, 4)))
    assert_finite_differences(lambda T, x: F(T).binary_cross_entropy_with_logits(
        x, T.tensor(np.abs(t) / 2), pos_weight=T.tensor([1.0, 2.0, 3.0, 0.5],
                                                        dtype=T.float64)), rand((3, 4)))
    assert_finite_differences(lambda T, x: F(T).cross_entropy(x, T.tensor([0, 3, 1]),
                                                              label_smoothing=0.2),
                              rand((3, 4)))
    assert_finite_differences(lambda T, x: F(T).nll_loss(x, T.tensor([0, 3, 1]),
                                                         ignore_index=3), rand((3, 4)))
