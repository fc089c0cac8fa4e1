"""The nn.functional forms that the layer modules added beyond the C primitives (composite
activations and in-place spellings, 1-d pooling, channel dropout, bilinear, embedding's max_norm
and scale_grad_by_freq, one_hot, normalize) against real torch: values, gradients (float64 and
float32), in-place identity, exceptions and warnings."""
import warnings

import numpy as np
import pytest
import torch
import torch.nn.functional as TF

from conftest import FLOAT_DTYPES, check, mk, oz
from test_nn_support import assert_finite_differences, assert_grads_match, classes, rand


def F(T):
    if T is torch:
        return TF
    import oztorch.nn.functional
    return oztorch.nn.functional


def spread(shape, seed=0):
    """Values over every piece of the piecewise activations, away from their kinks."""
    x = rand(shape, seed, lo=-6, hi=6)
    return np.where(np.isin(np.round(x), [-3, 0, 3]) & (np.abs(x - np.round(x)) < 1e-3),
                    x + 0.01, x)


# ------------------------------------------------------------------ activations

COMPOSITE = {
    "selu": lambda f, x: f.selu(x),
    "celu": lambda f, x: f.celu(x, alpha=0.6),
    "logsigmoid": lambda f, x: f.logsigmoid(x),
    "softsign": lambda f, x: f.softsign(x),
    "tanhshrink": lambda f, x: f.tanhshrink(x),
    "hardsigmoid": lambda f, x: f.hardsigmoid(x),
    "hardswish": lambda f, x: f.hardswish(x),
    "mish": lambda f, x: f.mish(x),
    "threshold": lambda f, x: f.threshold(x, 0.5, -3.0),
    "softmin": lambda f, x: f.softmin(x, dim=1),
    "softmin_dtype": lambda f, x: f.softmin(x, 0, dtype=x.dtype),
}


@pytest.mark.parametrize("dtype", FLOAT_DTYPES)
@pytest.mark.parametrize("name", sorted(COMPOSITE))
def test_composite_activations(name, dtype):
    fn = COMPOSITE[name]
    # torch's hardsigmoid backward multiplies by 1/6 rounded to float32, even for float64
    tol = 1e-7 if name == "hardsigmoid" and dtype == "float64" else None
    assert_grads_match(lambda T, x: fn(F(T), x), [spread((4, 6))], dtype=dtype, tol=tol,
                       name=False)


@pytest.mark.parametrize("name", ["selu", "celu", "logsigmoid", "softsign", "tanhshrink",
                                  "hardswish", "mish"])
def test_composite_activation_finite_differences(name):
    assert_finite_differences(lambda T, x: COMPOSITE[name](F(T), x), spread((2, 5), 4))


def test_composite_activations_at_extremes():
    x = [-1000.0, -100.0, -20.0, 0.0, 20.0, 100.0, 1000.0, float("inf"), float("-inf"),
         float("nan")]
    for name in ("logsigmoid", "softsign", "tanhshrink", "hardsigmoid", "hardswish",
                 "threshold", "selu", "celu"):
        check(lambda T: COMPOSITE[name](F(T), T.tensor(x, dtype=T.float64)))
    check(lambda T: F(T).mish(T.tensor(x[1:-4], dtype=T.float64)))


INPLACE = {
    "relu_": lambda f, x: f.relu_(x),
    "elu_": lambda f, x: f.elu_(x, 0.5),
    "leaky_relu_": lambda f, x: f.leaky_relu_(x, 0.3),
    "hardtanh_": lambda f, x: f.hardtanh_(x, -0.5, 2.0),
    "threshold_": lambda f, x: f.threshold_(x, 0.2, 9.0),
    "threshold_inplace": lambda f, x: f.threshold(x, 0.2, 9.0, inplace=True),
    "selu_inplace": lambda f, x: f.selu(x, inplace=True),
    "celu_inplace": lambda f, x: f.celu(x, 0.4, inplace=True),
    "hardsigmoid_inplace": lambda f, x: f.hardsigmoid(x, inplace=True),
    "hardswish_inplace": lambda f, x: f.hardswish(x, inplace=True),
    "mish_inplace": lambda f, x: f.mish(x, inplace=True),
}


@pytest.mark.parametrize("name", sorted(INPLACE))
def test_inplace_activations_write_their_input(name):
    def f(T):
        x = T.tensor([-5.0, -2.0, -0.5, 0.1, 0.5, 2.5, 7.0])
        y = INPLACE[name](F(T), x)
        return y, x, y is x
    check(f)
    # on a non-leaf the gradient flows through the in-place op
    assert_grads_match(lambda T, x: INPLACE[name](F(T), x * 1), [spread((3, 4), 2)],
                       name=False, tol=1e-7 if "hardsigmoid" in name else None)
    check(lambda T: INPLACE[name](F(T), T.ones(3, requires_grad=True)), raises=RuntimeError)


def test_softmin_implicit_dim_warns():
    for T in (torch, oz()):
        with pytest.warns(UserWarning, match="Implicit dimension choice for softmin"):
            y = F(T).softmin(T.tensor([[1.0, 2.0], [3.0, 4.0]]))
        np.testing.assert_allclose(np.asarray(y.tolist()).sum(1), [1.0, 1.0], rtol=1e-6)


# ------------------------------------------------------------------ 1-d pooling

POOL1D = {
    "max": lambda f, x: f.max_pool1d(x, 3),
    "max_stride_pad": lambda f, x: f.max_pool1d(x, 3, stride=2, padding=1),
    "max_dilation_ceil": lambda f, x: f.max_pool1d(x, 2, 2, 0, 3, ceil_mode=True),
    "max_tuples": lambda f, x: f.max_pool1d(x, (3,), (1,), (1,), (1,)),
    "max_indices": lambda f, x: f.max_pool1d(x, 4, 3, 2, return_indices=True),
    "max_with_indices": lambda f, x: f.max_pool1d_with_indices(x, 3, 2),
    "avg": lambda f, x: f.avg_pool1d(x, 3),
    "avg_stride_pad": lambda f, x: f.avg_pool1d(x, 4, 2, 2),
    "avg_ceil_exclude": lambda f, x: f.avg_pool1d(x, 3, 2, 1, ceil_mode=True,
                                                  count_include_pad=False),
    "adaptive": lambda f, x: f.adaptive_avg_pool1d(x, 4),
    "adaptive_tuple_larger": lambda f, x: f.adaptive_avg_pool1d(x, (13,)),
}


@pytest.mark.parametrize("shape", [(2, 3, 11), (3, 10)])
@pytest.mark.parametrize("name", sorted(POOL1D))
def test_pool1d(name, shape):
    fn = POOL1D[name]
    assert_grads_match(lambda T, x: fn(F(T), x), [rand(shape)], name=False)
    check(lambda T: fn(F(T), mk(T, rand(shape, 1), "float32")))


def test_pool1d_non_contiguous_and_ties():
    check(lambda T: F(T).max_pool1d(T.tensor(rand((2, 9, 3))).transpose(1, 2), 2,
                                    return_indices=True))
    check(lambda T: F(T).max_pool1d(T.tensor([[[1.0, 1.0, 2.0, 2.0, float("nan"), 0.0]]]),
                                    2, return_indices=True))
    check(lambda T: F(T).avg_pool1d(T.tensor(rand((2, 9, 3))).transpose(1, 2), 2))


def test_pool1d_errors():
    check(lambda T: F(T).max_pool1d(T.ones(4), 2), raises=RuntimeError)
    check(lambda T: F(T).max_pool1d(T.ones(1, 1, 2, 4), 2), raises=RuntimeError)
    check(lambda T: F(T).max_pool1d(T.ones(1, 2, 8), 3, padding=2), raises=RuntimeError)
    check(lambda T: F(T).max_pool1d(T.ones(1, 2, 8), (2, 2)), raises=RuntimeError)
    check(lambda T: F(T).avg_pool1d(T.ones(1, 2, 8), 0), raises=RuntimeError)
    check(lambda T: F(T).avg_pool1d(T.ones(4), 2), raises=RuntimeError)
    check(lambda T: F(T).adaptive_avg_pool1d(T.ones(4), 2), raises=RuntimeError)


# ------------------------------------------------------------------ dropout1d/2d/3d

@pytest.mark.parametrize("name,shape", [("dropout1d", (2, 3, 4)), ("dropout1d", (3, 4)),
                                        ("dropout2d", (2, 3, 4, 4)),
                                        ("dropout3d", (2, 3, 2, 2, 2)),
                                        ("dropout3d", (3, 2, 2, 2))])
def test_channel_dropout_identity_cases(name, shape):
    def f(T):
        x = T.ones(shape)
        fn = getattr(F(T), name)
        return (fn(x, 0.5, training=False) is x, fn(x, 0.0) is x, fn(x, 1.0),
                fn(T.zeros((0,) + shape[1:]), 0.5))
    check(f)


def test_channel_dropout_errors():
    for name in ("dropout1d", "dropout2d", "dropout3d"):
        check(lambda T: getattr(F(T), name)(T.ones(2, 3, 4), 1.2), raises=ValueError)
        check(lambda T: getattr(F(T), name)(T.ones(2, 3, 4), -0.2), raises=ValueError)
    check(lambda T: F(T).dropout1d(T.ones(3), 0.5), raises=RuntimeError)
    check(lambda T: F(T).dropout1d(T.ones(2, 3, 4, 5), 0.5), raises=RuntimeError)

    def one_dim(T):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return F(T).dropout2d(T.ones(3), 0.5)
    check(one_dim, raises=RuntimeError)


def test_channel_dropout_scales_whole_channels_and_backpropagates_the_mask():
    T = oz()
    T.manual_seed(3)
    x = T.ones(64, 32, 3, 3, dtype=T.float64, requires_grad=True)
    y = F(T).dropout2d(x * 2, 0.25)
    y.sum().backward()
    out = np.asarray(y.tolist()).reshape(64 * 32, 9)
    assert set(np.unique(out).tolist()) == {0.0, 2 / 0.75}
    assert (out.min(axis=1) == out.max(axis=1)).all()
    np.testing.assert_allclose(np.asarray(x.grad.tolist()).reshape(64 * 32, 9), out)


# ------------------------------------------------------------------ bilinear

@pytest.mark.parametrize("dtype", FLOAT_DTYPES)
@pytest.mark.parametrize("shapes", [
    [(5, 3), (5, 4), (2, 3, 4), (2,)],
    [(5, 3), (5, 4), (2, 3, 4)],
    [(2, 6, 3), (2, 6, 1), (4, 3, 1), (4,)],
    [(3,), (2,), (5, 3, 2), (5,)],
])
def test_bilinear(shapes, dtype):
    arrays = [rand(s, i) for i, s in enumerate(shapes)]
    assert_grads_match(lambda T, *a: F(T).bilinear(*a), arrays, dtype=dtype, name=False)


def test_bilinear_errors():
    w = lambda T: T.ones(2, 3, 4)  # noqa: E731
    check(lambda T: F(T).bilinear(T.ones(5, 3), T.ones(5, 5), w(T)), raises=RuntimeError)
    check(lambda T: F(T).bilinear(T.ones(5, 2), T.ones(5, 4), w(T)), raises=RuntimeError)
    check(lambda T: F(T).bilinear(T.ones(5, 3), T.ones(4, 4), w(T)), raises=RuntimeError)
    check(lambda T: F(T).bilinear(T.ones(5, 3), T.ones(1, 5, 4), w(T)), raises=RuntimeError)
    check(lambda T: F(T).bilinear(T.ones(5, 3), T.ones(5, 4), w(T), T.ones(3)),
          raises=RuntimeError)


# ------------------------------------------------------------------ embedding options

@pytest.mark.parametrize("dtype", FLOAT_DTYPES)
@pytest.mark.parametrize("max_norm,norm_type", [(1.0, 2.0), (0.5, 1.0), (2.0, 3.0),
                                                (1.5, float("inf")), (100.0, 2.0)])
def test_embedding_max_norm_renormalises_the_looked_up_rows(max_norm, norm_type, dtype):
    w = rand((8, 4), 1, -3, 3)
    idx = classes((3, 4), 6)  # rows 6 and 7 are never looked up and keep their norm

    def f(T):
        weight = mk(T, w, dtype)
        out = F(T).embedding(mk(T, idx), weight, max_norm=max_norm, norm_type=norm_type)
        return out, weight
    check(f, rtol=1e-6, atol=1e-6)

    def grads(T, weight, i):
        return F(T).embedding(i, weight * 1, max_norm=max_norm, norm_type=norm_type)
    assert_grads_match(grads, [w, idx], dtype=dtype, name=False)


@pytest.mark.parametrize("padding_idx", [None, 1, -2])
def test_embedding_scale_grad_by_freq(padding_idx):
    idx = np.array([[1, 2, 2, 5], [2, 1, 0, 0]])
    assert_grads_match(lambda T, w, i: F(T).embedding(i, w, padding_idx=padding_idx,
                                                      scale_grad_by_freq=True),
                       [rand((7, 3)), idx], name=False)
    # without autograd it is a plain lookup
    check(lambda T: F(T).embedding(mk(T, idx), mk(T, rand((7, 3)), "float32"),
                                   scale_grad_by_freq=True))


def test_embedding_option_errors():
    check(lambda T: F(T).embedding(T.tensor([1]), T.ones(3, 2), max_norm=1.0, norm_type=2.0)
          + F(T).embedding(T.tensor([3]), T.ones(3, 2), max_norm=1.0), raises=IndexError)
    check(lambda T: F(T).embedding(T.tensor([1.0]), T.ones(3, 2), max_norm=1.0),
          raises=RuntimeError)
    check(lambda T: F(T).embedding(T.tensor([4]), T.ones(3, 2, requires_grad=True),
                                   scale_grad_by_freq=True), raises=IndexError)


# ------------------------------------------------------------------ one_hot, normalize

@pytest.mark.parametrize("case", [
    lambda T: F(T).one_hot(T.tensor([0, 2, 1, 2])),
    lambda T: F(T).one_hot(T.tensor([[0, 2], [1, 4]]), 6),
    lambda T: F(T).one_hot(T.tensor(3), 4),
    lambda T: F(T).one_hot(T.tensor([], dtype=T.int64), 3),
    lambda T: F(T).one_hot(T.arange(6).view(2, 3).t(), num_classes=-1),
])
def test_one_hot(case):
    check(case)


def test_one_hot_errors():
    check(lambda T: F(T).one_hot(T.tensor([0.0, 1.0])), raises=RuntimeError)
    check(lambda T: F(T).one_hot(T.tensor([0, 1], dtype=T.int32)), raises=RuntimeError)
    check(lambda T: F(T).one_hot(T.tensor([0, 3]), 3), raises=RuntimeError)
    check(lambda T: F(T).one_hot(T.tensor([0, -1])), raises=RuntimeError)
    check(lambda T: F(T).one_hot(T.tensor([], dtype=T.int64)), raises=RuntimeError)


@pytest.mark.parametrize("kwargs", [{}, {"p": 1.0}, {"dim": 0}, {"p": 3, "dim": -1},
                                    {"p": float("inf"), "dim": 1}, {"eps": 0.5}])
def test_normalize(kwargs):
    x = rand((4, 5))
    x[1] = 0.0  # a zero row: eps keeps it finite
    assert_grads_match(lambda T, x: F(T).normalize(x, **kwargs), [x], name=False)


def test_normalize_out_and_shapes():
    def f(T):
        out = T.empty(3, 2)
        r = F(T).normalize(mk(T, rand((3, 2)), "float32"), out=out)
        return r, out, r is out
    check(f)
    check(lambda T: F(T).normalize(mk(T, rand((2, 3, 4)), "float64"), dim=2))
    check(lambda T: F(T).normalize(T.ones(3), dim=0))
    check(lambda T: F(T).normalize(T.ones(3), dim=1), raises=IndexError)
