"""conv1d/conv2d, max_pool2d, avg_pool2d and adaptive_avg_pool2d against real torch: values over a
grid of strides/paddings/dilations/groups, dtypes, unbatched and empty inputs, non-contiguous
inputs, indices, exceptions, grad_fn names and gradients."""
import warnings

import numpy as np
import pytest
import torch
import torch.nn.functional as TF

from conftest import FLOAT_DTYPES, INT_DTYPES, check, mk, oz, sample
from test_nn_support import assert_finite_differences, assert_grads_match, rand


def F(T):
    if T is torch:
        return TF
    import oztorch.nn.functional
    return oztorch.nn.functional


# ------------------------------------------------------------------ convolution

CONV2D = {
    # name: (input shape, weight shape, kwargs)
    "plain": ((2, 3, 7, 6), (4, 3, 3, 2), {}),
    "stride": ((2, 3, 9, 8), (4, 3, 3, 3), {"stride": 2}),
    "stride_pad_dil": ((2, 3, 9, 8), (4, 3, 3, 3), {"stride": (2, 1), "padding": 1,
                                                     "dilation": (2, 1)}),
    "pad_tuple": ((1, 2, 5, 5), (3, 2, 2, 3), {"padding": (2, 0)}),
    "groups": ((2, 4, 7, 8), (6, 2, 3, 3), {"groups": 2, "stride": (1, 2), "padding": (2, 0)}),
    "depthwise": ((2, 3, 6, 6), (6, 1, 3, 3), {"groups": 3, "padding": 1}),
    "one_by_one": ((2, 5, 4, 4), (3, 5, 1, 1), {}),
    "kernel_is_input": ((2, 2, 3, 3), (2, 2, 3, 3), {}),
    "same": ((2, 3, 7, 8), (2, 3, 3, 5), {"padding": "same"}),
    "same_even": ((2, 3, 7, 8), (2, 3, 4, 3), {"padding": "same", "dilation": (1, 2)}),
    "valid": ((2, 3, 7, 8), (2, 3, 4, 3), {"padding": "valid"}),
    "unbatched": ((3, 7, 8), (2, 3, 4, 3), {"padding": 1}),
}


@pytest.mark.filterwarnings("ignore:Using padding='same'")
@pytest.mark.parametrize("name", sorted(CONV2D))
@pytest.mark.parametrize("bias", [False, True])
def test_conv2d(name, bias):
    xs, ws, kw = CONV2D[name]
    arrays = [rand(xs), rand(ws, 1)] + ([rand((ws[0],), 2)] if bias else [])
    assert_grads_match(lambda T, x, w, *b: F(T).conv2d(x, w, *b, **kw), arrays)
    # float32: torch's kernels and ours sum in different orders
    check(lambda T: T.conv2d(*[mk(T, a, "float32") for a in arrays], **kw), rtol=1e-5,
          atol=1e-5)


CONV1D = {
    "plain": ((2, 3, 9), (4, 3, 3), {}),
    "stride_pad_dil": ((2, 3, 11), (4, 3, 3), {"stride": 2, "padding": 2, "dilation": 2}),
    "groups": ((2, 4, 9), (6, 2, 2), {"groups": 2}),
    "same_even": ((2, 3, 9), (4, 3, 4), {"padding": "same"}),
    "valid_tuple": ((1, 1, 5), (1, 1, 5), {"padding": "valid", "stride": (3,)}),
    "unbatched": ((3, 9), (4, 3, 4), {"padding": (1,)}),
}


@pytest.mark.filterwarnings("ignore:Using padding='same'")
@pytest.mark.parametrize("name", sorted(CONV1D))
@pytest.mark.parametrize("bias", [False, True])
def test_conv1d(name, bias):
    xs, ws, kw = CONV1D[name]
    arrays = [rand(xs), rand(ws, 1)] + ([rand((ws[0],), 2)] if bias else [])
    assert_grads_match(lambda T, x, w, *b: F(T).conv1d(x, w, *b, **kw), arrays)
    check(lambda T: T.conv1d(*[mk(T, a, "float32") for a in arrays], **kw), rtol=1e-5,
          atol=1e-5)


def test_conv_gradients_of_some_inputs_only():
    x, w, b = rand((2, 3, 6, 5)), rand((4, 3, 3, 3), 1), rand((4,), 2)
    for requires in ([True, False, False], [False, True, False], [False, False, True],
                     [False, True, True]):
        assert_grads_match(lambda T, x, w, b: F(T).conv2d(x, w, b, padding=1), [x, w, b],
                           requires=requires)
    assert_finite_differences(lambda T, x: F(T).conv2d(
        x, T.tensor(rand((2, 2, 2, 2), 3), dtype=T.float64), stride=2, padding=1),
        rand((1, 2, 4, 3)))


@pytest.mark.parametrize("dtype", INT_DTYPES)
def test_conv_integer_dtypes_wrap_like_torch(dtype):
    x, w = sample((2, 2, 5, 5), dtype), sample((3, 2, 3, 3), dtype, seed=1)
    b = sample((3,), dtype, seed=2)
    check(lambda T: T.conv2d(mk(T, x, dtype), mk(T, w, dtype), mk(T, b, dtype), padding=1))
    check(lambda T: T.conv2d(T.full((1, 1, 3, 3), 100, dtype=getattr(T, dtype)),
                             T.full((1, 1, 2, 2), 100, dtype=getattr(T, dtype))))
    check(lambda T: T.conv1d(mk(T, x[:, :, 0], dtype), mk(T, w[:, :, 0], dtype)))


def test_conv_non_contiguous_empty_and_special_values():
    x, w = rand((2, 3, 6, 7)), rand((4, 3, 2, 2), 1)
    check(lambda T: T.conv2d(mk(T, x, "float64").transpose(2, 3), mk(T, w, "float64")))
    check(lambda T: T.conv2d(mk(T, x, "float64")[:, ::2], mk(T, w, "float64")[:, :2]))
    check(lambda T: T.conv2d(mk(T, x, "float64"), mk(T, w, "float64").transpose(2, 3)))
    assert_grads_match(lambda T, x, w: F(T).conv2d(x.transpose(2, 3), w), [x, w])
    check(lambda T: T.conv2d(T.zeros(0, 3, 5, 5), T.zeros(2, 3, 3, 3)))
    check(lambda T: T.conv2d(T.zeros(0, 3, 5, 5), T.zeros(2, 3, 3, 3), T.zeros(2)).sum())
    x[0, 0, 1, 1], x[1, 2, 3, 3] = float("nan"), float("inf")
    check(lambda T: T.conv2d(mk(T, x, "float64"), mk(T, w, "float64")))


def test_conv_errors():
    z = lambda T, *s, **k: T.zeros(*s, **k)
    cases = [
        lambda T: T.conv2d(z(T, 3, 3), z(T, 1, 1, 2, 2)),
        lambda T: T.conv2d(z(T, 1, 1, 1, 3, 3), z(T, 1, 1, 2, 2)),
        lambda T: T.conv2d(z(T, 1, 1, 3, 3), z(T, 1, 2, 2)),
        lambda T: T.conv2d(z(T, 1, 2, 3, 3), z(T, 1, 1, 2, 2)),
        lambda T: T.conv2d(z(T, 1, 2, 3, 3), z(T, 3, 1, 2, 2), groups=2),
        lambda T: T.conv2d(z(T, 1, 2, 3, 3), z(T, 2, 1, 2, 2), groups=0),
        lambda T: T.conv2d(z(T, 1, 1, 3, 3), z(T, 1, 1, 2, 2), stride=0),
        lambda T: T.conv2d(z(T, 1, 1, 3, 3), z(T, 1, 1, 2, 2), padding=-1),
        lambda T: T.conv2d(z(T, 1, 1, 3, 3), z(T, 1, 1, 2, 2), dilation=0),
        lambda T: T.conv2d(z(T, 1, 1, 3, 3), z(T, 1, 1, 4, 4)),
        lambda T: T.conv2d(z(T, 1, 1, 3, 3), z(T, 1, 1, 2, 2), z(T, 2)),
        lambda T: T.conv2d(z(T, 1, 1, 3, 3), z(T, 1, 1, 2, 2), stride=(1, 1, 1)),
        lambda T: T.conv2d(z(T, 1, 1, 3, 3), z(T, 1, 1, 2, 2), stride=2, padding="same"),
        lambda T: T.conv2d(z(T, 1, 1, 3, 3), z(T, 1, 1, 2, 2), padding="full"),
        lambda T: T.conv2d(z(T, 1, 1, 3, 3), z(T, 1, 1, 2, 2, dtype=T.float64)),
        lambda T: T.conv2d(z(T, 1, 1, 3, 3), z(T, 1, 1, 2, 2), z(T, 1, dtype=T.float64)),
        lambda T: T.conv2d(z(T, 1, 1, 3, 3, dtype=T.bool), z(T, 1, 1, 2, 2, dtype=T.bool)),
        lambda T: T.conv1d(z(T, 1, 1, 3, 3), z(T, 1, 1, 2)),
        lambda T: T.conv1d(z(T, 1, 1, 3), z(T, 1, 1, 4)),
    ]
    for case in cases:
        check(case, raises=RuntimeError)
    check(lambda T: T.conv2d(z(T, 1, 1, 3, 3), z(T, 1, 1, 2, 2), stride=1.5), raises=TypeError)
    check(lambda T: T.conv2d(z(T, 1, 1, 3, 3), 3), raises=TypeError)
    check(lambda T: T.conv2d(z(T, 1, 1, 3, 3)), raises=TypeError)


def test_degenerate_sizes():
    """Zero-sized kernels and channels, and windows too large for torch's int parameters."""
    o = lambda T, *s: T.ones(*s)
    for case in [lambda T: F(T).conv2d(o(T, 1, 1, 3, 3), o(T, 1, 1, 0, 2)),
                 lambda T: F(T).conv2d(o(T, 1, 1, 3, 3), o(T, 0, 1, 2, 2)),
                 lambda T: F(T).conv2d(o(T, 1, 1, 0, 3), o(T, 1, 1, 1, 1)),
                 lambda T: F(T).conv2d(o(T, 1, 2, 3, 3), o(T, 4, 1, 2, 2), groups=4),
                 lambda T: F(T).max_pool2d(o(T, 1, 1, 3, 3), 2 ** 40),
                 lambda T: F(T).max_pool2d(o(T, 1, 1, 3, 3), 2, 2 ** 40),
                 lambda T: F(T).avg_pool2d(o(T, 1, 1, 3, 3), 2, 2 ** 33)]:
        check(case, raises=RuntimeError)
    check(lambda T: F(T).avg_pool2d(o(T, 1, 1, 3, 3), 2, divisor_override=2 ** 40))
    check(lambda T: F(T).adaptive_avg_pool2d(o(T, 1, 1, 3, 3), 5))
    F(oz()).conv2d(o(oz(), 1, 0, 3, 3), o(oz(), 2, 0, 2, 2))  # no channels: no crash


def test_conv_same_padding_warns_for_an_uneven_total():
    # (torch warns once per process, so only oztorch's side can be checked repeatably)
    for T in (oz(),):
        with pytest.warns(UserWarning, match="padding='same'"):
            T.conv2d(T.zeros(1, 1, 4, 4), T.zeros(1, 1, 2, 2), padding="same")
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            T.conv2d(T.zeros(1, 1, 4, 4), T.zeros(1, 1, 3, 3), padding="same")


# ------------------------------------------------------------------ max pooling

MAX_POOL = {
    "k2": (2, {}),
    "k3_s2_p1": (3, {"stride": 2, "padding": 1}),
    "ceil": (3, {"stride": 2, "padding": 1, "ceil_mode": True}),
    "ceil_no_pad": (2, {"stride": 2, "ceil_mode": True}),
    "rect": ((3, 2), {"stride": (1, 2), "padding": (1, 0)}),
    "dilation": ((3, 2), {"stride": (1, 2), "padding": (1, 0), "dilation": 2}),
    "dilation_ceil": (2, {"stride": 3, "dilation": (2, 1), "ceil_mode": True}),
    "empty_stride": (2, {"stride": ()}),
}


@pytest.mark.parametrize("name", sorted(MAX_POOL))
@pytest.mark.parametrize("shape", [(2, 3, 9, 7), (3, 8, 5)])
def test_max_pool2d(name, shape):
    k, kw = MAX_POOL[name]
    assert_grads_match(lambda T, x: F(T).max_pool2d(x, k, **kw), [rand(shape)])
    for dtype in FLOAT_DTYPES:
        check(lambda T: F(T).max_pool2d(mk(T, rand(shape), dtype), k, return_indices=True,
                                        **kw))
        check(lambda T: T.max_pool2d(mk(T, rand(shape), dtype), k, **kw))


def test_max_pool2d_ties_nan_inf_and_layouts():
    x = np.zeros((1, 1, 4, 4))
    x[0, 0, 0, 1] = x[0, 0, 2, 2] = 1.0  # ties: the first wins
    check(lambda T: F(T).max_pool2d(mk(T, x, "float64"), 2, 1, return_indices=True))
    y = rand((1, 2, 5, 5))
    y[0, 0, 1, 1] = y[0, 0, 1, 3] = float("nan")
    y[0, 1, :, :2] = float("-inf")
    y[0, 1, 4, 4] = float("inf")
    check(lambda T: F(T).max_pool2d(mk(T, y, "float64"), 3, 1, 1, return_indices=True))
    check(lambda T: F(T).max_pool2d(T.full((1, 1, 3, 3), float("-inf")), 2, 1, 1,
                                    return_indices=True))
    z = rand((2, 3, 6, 5))
    check(lambda T: F(T).max_pool2d(mk(T, z, "float64").transpose(2, 3), 2,
                                    return_indices=True))
    assert_grads_match(lambda T, x: F(T).max_pool2d(x.transpose(1, 3), 2), [z])
    # overlapping windows route the gradient to each window's maximum
    assert_grads_match(lambda T, x: F(T).max_pool2d(x, 3, 1), [rand((1, 1, 5, 5))])
    check(lambda T: F(T).max_pool2d(T.zeros(0, 2, 4, 4), 2))
    assert_finite_differences(lambda T, x: F(T).max_pool2d(x, 2, padding=1) * T.tensor(
        [1.0, -2.0, 3.0], dtype=T.float64), rand((1, 1, 4, 4)))


def test_max_pool2d_errors():
    z = lambda T, *s, **k: T.zeros(*s, **k)
    cases = [
        lambda T: F(T).max_pool2d(z(T, 1, 1, 4, 4, dtype=T.int64), 2),
        lambda T: F(T).max_pool2d(z(T, 4, 4), 2),
        lambda T: F(T).max_pool2d(z(T, 1, 1, 1, 4, 4), 2),
        lambda T: F(T).max_pool2d(z(T, 1, 1, 4, 4), 0),
        lambda T: F(T).max_pool2d(z(T, 1, 1, 4, 4), 2, 0),
        lambda T: F(T).max_pool2d(z(T, 1, 1, 4, 4), 2, padding=2),
        lambda T: F(T).max_pool2d(z(T, 1, 1, 1, 1), 2),
        lambda T: F(T).max_pool2d(z(T, 1, 0, 4, 4), 2),
        lambda T: F(T).max_pool2d(z(T, 1, 1, 4, 4), (2, 2, 2)),
        lambda T: F(T).max_pool2d(z(T, 1, 1, 4, 4), 2, dilation=0),
    ]
    for case in cases:
        check(case, raises=RuntimeError)
    check(lambda T: F(T).max_pool2d(z(T, 1, 1, 4, 4), 2.0), raises=TypeError)


# ------------------------------------------------------------------ average pooling

AVG_POOL = {
    "k2": (2, {}),
    "k3_s2_p1": (3, {"stride": 2, "padding": 1}),
    "ceil": (3, {"stride": 2, "padding": 1, "ceil_mode": True}),
    "no_count_pad": (3, {"stride": 2, "padding": 1, "ceil_mode": True,
                         "count_include_pad": False}),
    "divisor": ((3, 2), {"padding": 1, "divisor_override": 3}),
    "rect_stride": ((2, 3), {"stride": (2, 1), "padding": (1, 1)}),
}


@pytest.mark.parametrize("name", sorted(AVG_POOL))
@pytest.mark.parametrize("shape", [(2, 3, 9, 7), (3, 8, 5)])
def test_avg_pool2d(name, shape):
    k, kw = AVG_POOL[name]
    assert_grads_match(lambda T, x: F(T).avg_pool2d(x, k, **kw), [rand(shape)])
    check(lambda T: F(T).avg_pool2d(mk(T, rand(shape), "float32"), k, **kw), rtol=1e-6,
          atol=1e-6)


def test_avg_pool2d_int64_layouts_and_errors():
    check(lambda T: F(T).avg_pool2d(mk(T, sample((1, 2, 5, 5), "int64"), "int64"), 2))
    check(lambda T: F(T).avg_pool2d(mk(T, sample((1, 2, 5, 5), "int64"), "int64"), 3, 2, 1))
    x = rand((2, 3, 6, 5))
    check(lambda T: F(T).avg_pool2d(mk(T, x, "float64").transpose(2, 3), 2))
    assert_grads_match(lambda T, x: F(T).avg_pool2d(x.transpose(1, 3), 2, 1), [x])
    z = lambda T, *s, **k: T.zeros(*s, **k)
    for case in [lambda T: F(T).avg_pool2d(z(T, 1, 1, 4, 4, dtype=T.int32), 2),
                 lambda T: F(T).avg_pool2d(z(T, 1, 1, 4, 4), 2, padding=2),
                 lambda T: F(T).avg_pool2d(z(T, 1, 1, 4, 4), 2, divisor_override=0),
                 lambda T: F(T).avg_pool2d(z(T, 1, 1, 1, 4, 4), 2),
                 lambda T: F(T).avg_pool2d(z(T, 1, 1, 1, 1), 2)]:
        check(case, raises=RuntimeError)
    check(lambda T: F(T).avg_pool2d(z(T, 4, 4), 2), raises=IndexError)


# ------------------------------------------------------------------ adaptive average pooling

@pytest.mark.parametrize("size", [(3, 4), 1, (1, 1), 2, (None, 4), (7, None), (5, 9)])
@pytest.mark.parametrize("shape", [(2, 3, 7, 6), (3, 7, 6)])
def test_adaptive_avg_pool2d(size, shape):
    assert_grads_match(lambda T, x: F(T).adaptive_avg_pool2d(x, size), [rand(shape)])
    check(lambda T: F(T).adaptive_avg_pool2d(mk(T, rand(shape), "float32"), size), rtol=1e-6,
          atol=1e-6)


def test_adaptive_avg_pool2d_edges_and_errors():
    check(lambda T: F(T).adaptive_avg_pool2d(T.zeros(1, 4, 4), 0))
    check(lambda T: F(T).adaptive_avg_pool2d(T.zeros(0, 2, 4, 4), 2))
    check(lambda T: F(T).adaptive_avg_pool2d(mk(T, rand((2, 5, 6)), "float64").transpose(1, 2),
                                             (2, 3)))
    z = lambda T, *s, **k: T.zeros(*s, **k)
    for case in [lambda T: F(T).adaptive_avg_pool2d(z(T, 4, 4), 2),
                 lambda T: F(T).adaptive_avg_pool2d(z(T, 1, 4, 4), -2),
                 lambda T: F(T).adaptive_avg_pool2d(z(T, 1, 4, 4, dtype=T.int64), 2),
                 lambda T: F(T).adaptive_avg_pool2d(z(T, 1, 0, 4), 2)]:
        check(case, raises=RuntimeError)
    check(lambda T: F(T).adaptive_avg_pool2d(z(T, 1, 4, 4), (1, 2, 3)), raises=ValueError)


# ------------------------------------------------------------------ a small CNN step


def test_small_cnn_forward_backward_matches_torch():
    """conv -> relu-free max pool -> conv -> avg pool -> linear -> cross entropy: the path the
    Fashion-MNIST example takes, end to end, with every parameter's gradient compared."""
    rng = np.random.default_rng(0)
    arrays = [rng.standard_normal((4, 1, 12, 12)), rng.standard_normal((6, 1, 3, 3)) * 0.3,
              rng.standard_normal(6) * 0.1, rng.standard_normal((8, 6, 3, 3)) * 0.2,
              rng.standard_normal(8) * 0.1, rng.standard_normal((10, 8)) * 0.3]

    def net(T, x, w1, b1, w2, b2, w3):
        f = F(T)
        h = f.max_pool2d(f.conv2d(x, w1, b1, padding=1), 2)
        h = f.avg_pool2d(f.conv2d(h, w2, b2), 4)
        logits = h.reshape(4, 8) @ w3.t()
        return f.cross_entropy(logits, T.tensor([1, 7, 3, 0]))
    assert_grads_match(net, arrays, requires=[False] + [True] * 5)
    assert_grads_match(net, arrays, requires=[False] + [True] * 5, dtype="float32", tol=1e-4)
