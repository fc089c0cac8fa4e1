"""Second (and some third) derivatives through the nn kernels, against torch: convolution,
pooling, batch/layer norm, the losses, embedding and the non-constant pads.

Each case builds float64 inputs (identical in both libraries) and an incoming-gradient weight w
that requires grad, takes the first gradients of sum(w * y + c * y^2 / 2) with
create_graph=True (the square makes the incoming gradient depend on the inputs, the weight
checks the path through the gradient itself), then the gradients of sum(g_i * v_i) with respect
to every input and to w, and compares all of them with torch's (rtol 1e-8): values, and which
ones are None."""
import warnings

import numpy as np
import pytest
import torch

from conftest import Raised, assert_same, oz, run

RTOL, ATOL = 1e-8, 1e-10


def normal(shape, seed):
    return np.random.default_rng(seed).standard_normal(shape)


def uniform(shape, seed, lo, hi):
    return np.random.default_rng(seed).uniform(lo, hi, shape)


def F(T):
    return T.nn.functional


def arrays_of(ts):
    """The values of each tensor (None stays None), float32 ones as float32 arrays; torch may
    hand back an unallocated all-zero tensor."""
    out = []
    for t in ts:
        dtype = np.float32 if t is not None and "float32" in str(t.dtype) else np.float64
        if t is None:
            out.append(None)
        elif hasattr(t, "_is_zerotensor") and t._is_zerotensor():
            out.append(np.zeros(tuple(t.shape), dtype=dtype))
        else:
            out.append(np.asarray(t.tolist(), dtype=dtype).reshape(tuple(t.shape)))
    return out


def derivatives(T, fn, inputs, order=2):
    """(first gradients, second-order gradients[, which of those carry a graph, third-order
    gradients]) as arrays; inputs: a list of
    (array, requires_grad[, dtype name]) (float64 by default; integer arrays, the indices and
    targets, become int64)."""
    ts = []
    for a, rg, *dtype in inputs:
        if np.asarray(a).dtype.kind in "iu":
            ts.append(T.tensor(np.asarray(a).tolist(), dtype=T.int64))
        else:
            ts.append(T.tensor(np.asarray(a).tolist(), dtype=getattr(T, (dtype or ["float64"])[0]),
                               requires_grad=rg))
    y = fn(T, *ts)
    shape = tuple(y.shape)
    w = T.tensor(normal(shape, 101).tolist(), dtype=T.float64, requires_grad=True)
    c = T.tensor(normal(shape, 102).tolist(), dtype=T.float64)
    wrt = [t for t, (a, rg, *_) in zip(ts, inputs) if t.dtype.is_floating_point and rg]
    first = T.autograd.grad((w * y + c * y * y / 2).sum(), wrt, create_graph=True)
    assert all(g.requires_grad for g in first), "a first gradient carries no graph"
    probe = sum((g * T.tensor(normal(tuple(g.shape), 200 + i).tolist(), dtype=T.float64)).sum()
                for i, g in enumerate(first))
    second = T.autograd.grad(probe, wrt + [w], allow_unused=True, create_graph=order > 2)
    out = [arrays_of(first), arrays_of(second)]
    if order > 2:
        flags = [s is not None and s.requires_grad for s in second]
        used = [s for s, f in zip(second, flags) if f]
        out.append([np.array(flags, dtype=np.float64)])
        if not used:  # every second derivative is constant
            return out
        probe2 = sum((s * T.tensor(normal(tuple(s.shape), 300 + i).tolist(),
                                   dtype=T.float64)).sum() for i, s in enumerate(used))
        out.append(arrays_of(T.autograd.grad(probe2, wrt + [w], allow_unused=True)))
    return out


def compare(fn, inputs, order=2):
    with warnings.catch_warnings():  # torch warns about broadcasting losses, 'same' padding
        warnings.simplefilter("ignore")
        ref = run(lambda T: derivatives(T, fn, inputs, order), torch)
    got = run(lambda T: derivatives(T, fn, inputs, order), oz())
    if isinstance(got, Raised) and not isinstance(ref, Raised):
        pytest.fail("oztorch raised %s: %s" % (type(got.exc).__name__, got.exc))
    if isinstance(ref, Raised) or isinstance(got, Raised):
        assert_same(ref, got, "double backward")
        return
    for k, (rs, gs) in enumerate(zip(ref, got)):
        for i, (r, g) in enumerate(zip(rs, gs)):
            where = "result %d, gradient %d" % (k, i)
            assert (r is None) == (g is None), "%s: oztorch %s, torch %s" % (
                where, "None" if g is None else "a tensor", "None" if r is None else "a tensor")
            if r is not None:
                assert g.shape == r.shape, "%s: shape %s, torch %s" % (where, g.shape, r.shape)
                assert g.dtype == r.dtype, "%s: dtype %s, torch %s" % (where, g.dtype, r.dtype)
                loose = r.dtype == np.float32  # a gradient rounded to a float32 input
                np.testing.assert_allclose(g, r, rtol=1e-6 if loose else RTOL,
                                           atol=1e-7 if loose else ATOL,
                                           err_msg="%s differs from torch" % where)


X = lambda shape, seed=0: (normal(shape, seed), True)
CONST = lambda shape, seed=0: (normal(shape, seed), False)

# ------------------------------------------------------------------ convolution

CONV_CASES = {
    "conv2d": (lambda T, x, w, b: F(T).conv2d(x, w, b), [X((2, 3, 5, 6)), X((4, 3, 3, 2), 1),
                                                        X((4,), 2)]),
    "conv2d_stride_pad_dil_groups": (
        lambda T, x, w, b: F(T).conv2d(x, w, b, stride=(2, 1), padding=(1, 2), dilation=(1, 2),
                                       groups=2),
        [X((2, 4, 7, 6)), X((6, 2, 3, 2), 1), X((6,), 2)]),
    "conv2d_same_even_kernel": (lambda T, x, w: F(T).conv2d(x, w, padding="same"),
                                [X((1, 2, 5, 5)), X((3, 2, 4, 2), 1)]),
    "conv2d_stride_remainder": (lambda T, x, w: F(T).conv2d(x, w, stride=3),
                                [X((2, 2, 8, 7)), X((2, 2, 2, 3), 1)]),
    "conv2d_unbatched": (lambda T, x, w, b: F(T).conv2d(x, w, b, padding=1),
                         [X((3, 4, 4)), X((2, 3, 3, 3), 1), X((2,), 2)]),
    "conv2d_constant_weight": (lambda T, x, w: F(T).conv2d(x, w, stride=2),
                               [X((2, 3, 5, 5)), CONST((4, 3, 3, 3), 1)]),
    "conv2d_constant_input": (lambda T, x, w: F(T).conv2d(x, w), [CONST((2, 3, 5, 5)),
                                                                   X((4, 3, 3, 3), 1)]),
    "conv1d": (lambda T, x, w, b: F(T).conv1d(x, w, b, stride=2, padding=1, dilation=2,
                                              groups=2),
               [X((2, 4, 9)), X((6, 2, 3), 1), X((6,), 2)]),
    "conv1d_same_even_kernel": (lambda T, x, w: F(T).conv1d(x, w, padding="same"),
                                [X((2, 2, 7)), X((3, 2, 4), 1)]),
    "conv1d_unbatched": (lambda T, x, w: F(T).conv1d(x, w), [X((3, 6)), X((2, 3, 2), 1)]),
}


@pytest.mark.parametrize("name", sorted(CONV_CASES))
def test_conv(name):
    compare(*CONV_CASES[name])


def test_conv_third_order():
    compare(lambda T, x, w, b: F(T).conv2d(x, w, b, stride=2, padding=1),
            [X((1, 2, 5, 5)), X((3, 2, 3, 3), 1), X((3,), 2)], order=3)
    compare(lambda T, x, w: F(T).conv1d(x, w, groups=2), [X((2, 4, 6)), X((4, 2, 2), 1)],
            order=3)


# ------------------------------------------------------------------ pooling

POOL_CASES = {
    "max_pool2d": (lambda T, x: F(T).max_pool2d(x, 2), [X((2, 3, 4, 6))]),
    "max_pool2d_stride_pad_ceil": (
        lambda T, x: F(T).max_pool2d(x, 3, stride=2, padding=1, ceil_mode=True),
        [X((2, 2, 6, 7))]),
    "max_pool2d_dilation_overlap": (lambda T, x: F(T).max_pool2d(x, (2, 3), stride=1,
                                                                dilation=(2, 1)),
                                    [X((1, 2, 6, 6))]),
    "max_pool2d_unbatched": (lambda T, x: F(T).max_pool2d(x, 2, stride=1), [X((3, 4, 5))]),
    "max_pool1d": (lambda T, x: F(T).max_pool1d(x, 3, stride=2, padding=1), [X((2, 3, 9))]),
    "avg_pool2d": (lambda T, x: F(T).avg_pool2d(x, 2), [X((2, 3, 4, 6))]),
    "avg_pool2d_ceil_no_pad_count": (
        lambda T, x: F(T).avg_pool2d(x, 3, stride=2, padding=1, ceil_mode=True,
                                     count_include_pad=False),
        [X((2, 2, 6, 7))]),
    "avg_pool2d_divisor": (lambda T, x: F(T).avg_pool2d(x, (2, 3), stride=1, divisor_override=4),
                           [X((1, 2, 5, 6))]),
    "avg_pool1d": (lambda T, x: F(T).avg_pool1d(x, 3, stride=2, padding=1), [X((2, 3, 8))]),
    "adaptive_avg_pool2d": (lambda T, x: F(T).adaptive_avg_pool2d(x, (2, 3)), [X((2, 3, 5, 7))]),
    "adaptive_avg_pool2d_1x1": (lambda T, x: F(T).adaptive_avg_pool2d(x, 1), [X((2, 3, 4, 5))]),
    "adaptive_avg_pool2d_none": (lambda T, x: F(T).adaptive_avg_pool2d(x, (None, 4)),
                                 [X((3, 5, 7))]),
    "adaptive_avg_pool1d": (lambda T, x: F(T).adaptive_avg_pool1d(x, 3), [X((2, 3, 7))]),
}


@pytest.mark.parametrize("name", sorted(POOL_CASES))
def test_pool(name):
    compare(*POOL_CASES[name])


def test_pool_third_order():
    compare(lambda T, x: F(T).max_pool2d(x, 2, stride=1), [X((1, 2, 4, 4))], order=3)
    compare(lambda T, x: F(T).avg_pool2d(x, 3, stride=2, padding=1, ceil_mode=True),
            [X((1, 2, 5, 6))], order=3)
    compare(lambda T, x: F(T).adaptive_avg_pool2d(x, (3, 2)), [X((1, 2, 5, 5))], order=3)


# ------------------------------------------------------------------ normalization

def running(C, seed):
    return (np.random.default_rng(seed).standard_normal(C).tolist(),
            np.random.default_rng(seed + 1).uniform(0.5, 2.0, C).tolist())


def batch_norm(training, affine, C=3, momentum=0.1, eps=1e-5, stats=True):
    def fn(T, x, *wb):
        rm, rv = running(C, 7)
        rm = T.tensor(rm, dtype=T.float64) if stats else None
        rv = T.tensor(rv, dtype=T.float64) if stats else None
        w, b = wb if affine else (None, None)
        return F(T).batch_norm(x, rm, rv, w, b, training=training, momentum=momentum, eps=eps)
    return fn


NORM_CASES = {
    "batch_norm_train_affine": (batch_norm(True, True), [X((4, 3, 5)), X((3,), 1), X((3,), 2)]),
    "batch_norm_train": (batch_norm(True, False, stats=False), [X((4, 3, 2, 3))]),
    "batch_norm_train_2d": (batch_norm(True, True, eps=1e-3), [X((6, 3)), X((3,), 1),
                                                               X((3,), 2)]),
    "batch_norm_eval_affine": (batch_norm(False, True), [X((4, 3, 5)), X((3,), 1), X((3,), 2)]),
    "batch_norm_eval": (batch_norm(False, False), [X((2, 3, 2, 2))]),
    "batch_norm_constant_weight": (batch_norm(True, True), [X((4, 3, 5)), CONST((3,), 1),
                                                            X((3,), 2)]),
    "layer_norm_affine": (lambda T, x, w, b: F(T).layer_norm(x, (5,), w, b),
                          [X((4, 3, 5)), X((5,), 1), X((5,), 2)]),
    "layer_norm_2_dims": (lambda T, x, w: F(T).layer_norm(x, (3, 4), w, eps=1e-3),
                          [X((2, 3, 4)), X((3, 4), 1)]),
    "layer_norm_plain": (lambda T, x: F(T).layer_norm(x, (6,)), [X((3, 6))]),
    "layer_norm_whole_input": (lambda T, x, w, b: F(T).layer_norm(x, (2, 5), w, b),
                               [X((2, 5)), X((2, 5), 1), X((2, 5), 2)]),
}


@pytest.mark.parametrize("name", sorted(NORM_CASES))
def test_norm(name):
    compare(*NORM_CASES[name])


def test_batch_norm_running_stats_untouched_by_double_backward():
    """The second backward recomputes the statistics; the running ones move only once."""
    stats = []
    for T in (torch, oz()):
        x = T.tensor(normal((4, 3, 2), 0).tolist(), dtype=T.float64, requires_grad=True)
        rm, rv = T.zeros(3, dtype=T.float64), T.ones(3, dtype=T.float64)
        y = F(T).batch_norm(x, rm, rv, training=True)
        g, = T.autograd.grad((y ** 3).sum(), x, create_graph=True)
        T.autograd.grad(g.sum(), x)
        stats.append([rm.tolist(), rv.tolist()])
    np.testing.assert_allclose(stats[1], stats[0], rtol=1e-12)


# ------------------------------------------------------------------ losses

TARGET = np.array([0, 2, 1, 2, 0, 1])
TARGET_2D = np.random.default_rng(5).integers(0, 4, (2, 3, 2))


def nll(reduction, weight=False, ignore_index=-100):
    def fn(T, x, t):
        w = T.tensor([0.5, 2.0, 1.5, 0.7][:x.shape[1] if x.dim() > 1 else x.shape[0]],
                     dtype=T.float64) if weight else None
        return F(T).nll_loss(x, t, w, ignore_index=ignore_index, reduction=reduction)
    return fn


def cross_entropy(reduction, weight=False, ignore_index=-100, label_smoothing=0.0):
    def fn(T, x, t):
        w = T.tensor([0.5, 2.0, 1.5, 0.7][:x.shape[1]], dtype=T.float64) if weight else None
        return F(T).cross_entropy(x, t, w, ignore_index=ignore_index, reduction=reduction,
                                  label_smoothing=label_smoothing)
    return fn


LOSS_CASES = {}
for red in ("mean", "sum", "none"):
    LOSS_CASES["nll_" + red] = (nll(red), [X((6, 3)), (TARGET, False)])
    LOSS_CASES["nll_weight_ignore_" + red] = (nll(red, True, 2), [X((6, 3)), (TARGET, False)])
    LOSS_CASES["nll_2d_weight_" + red] = (nll(red, True, 1), [X((2, 4, 3, 2)),
                                                              (TARGET_2D, False)])
    LOSS_CASES["nll_3d_input_" + red] = (nll(red), [X((2, 4, 3)), (TARGET_2D[:, :, 0], False)])
    LOSS_CASES["cross_entropy_" + red] = (cross_entropy(red, True), [X((6, 3)), (TARGET, False)])
    LOSS_CASES["cross_entropy_smoothing_" + red] = (
        cross_entropy(red, True, 1, label_smoothing=0.2), [X((6, 3)), (TARGET, False)])
    LOSS_CASES["cross_entropy_2d_smoothing_" + red] = (
        cross_entropy(red, False, label_smoothing=0.1), [X((2, 4, 3, 2)), (TARGET_2D, False)])
    LOSS_CASES["cross_entropy_probs_" + red] = (
        cross_entropy(red, True, label_smoothing=0.3), [X((4, 3)), (uniform((4, 3), 3, 0, 1),
                                                                   True)])
    LOSS_CASES["mse_" + red] = (lambda T, x, t, r=red: F(T).mse_loss(x, t, reduction=r),
                                [X((4, 3)), X((4, 3), 1)])
    LOSS_CASES["l1_" + red] = (lambda T, x, t, r=red: F(T).l1_loss(x, t, reduction=r),
                               [X((4, 3)), X((4, 3), 1)])
    LOSS_CASES["smooth_l1_" + red] = (
        lambda T, x, t, r=red: F(T).smooth_l1_loss(x, t, reduction=r, beta=0.8),
        [X((4, 3)), X((4, 3), 1)])
    LOSS_CASES["huber_" + red] = (
        lambda T, x, t, r=red: F(T).huber_loss(x, t, reduction=r, delta=0.7),
        [X((4, 3)), X((4, 3), 1)])
    LOSS_CASES["bce_weight_" + red] = (
        lambda T, x, t, r=red: F(T).binary_cross_entropy(
            x, t, T.tensor([0.5, 1.0, 2.0], dtype=T.float64), reduction=r),
        [(uniform((4, 3), 0, 0.05, 0.95), True), (uniform((4, 3), 1, 0, 1), True)])
    LOSS_CASES["bce_logits_" + red] = (
        lambda T, x, t, r=red: F(T).binary_cross_entropy_with_logits(x, t, reduction=r),
        [X((4, 3)), (uniform((4, 3), 1, 0, 1), True)])
    LOSS_CASES["bce_logits_weights_" + red] = (
        lambda T, x, t, r=red: F(T).binary_cross_entropy_with_logits(
            x, t, T.tensor([[0.5], [1.0], [2.0], [1.5]], dtype=T.float64),
            pos_weight=T.tensor([0.3, 1.0, 2.5], dtype=T.float64), reduction=r),
        [(3 * normal((4, 3), 0), True), (uniform((4, 3), 1, 0, 1), True)])
LOSS_CASES.update({
    "nll_unbatched": (nll("mean", True), [X((4,)), (np.array(2), False)]),
    "smooth_l1_beta_0": (lambda T, x, t: F(T).smooth_l1_loss(x, t, beta=0.0),
                         [X((4, 3)), X((4, 3), 1)]),
    "mse_broadcast_target": (lambda T, x, t: F(T).mse_loss(x, t), [X((4, 3)), X((3,), 1)]),
    "huber_broadcast": (lambda T, x, t: F(T).huber_loss(x, t, reduction="sum"),
                        [X((2, 1)), X((1, 3), 1)]),
    "bce_logits_broadcast": (lambda T, x, t: F(T).binary_cross_entropy_with_logits(x, t),
                             [X((4, 3)), (uniform((3,), 1, 0, 1), True)]),
    "bce_constant_target": (lambda T, x, t: F(T).binary_cross_entropy(x, t),
                            [(uniform((5,), 0, 0.05, 0.95), True), (uniform((5,), 1, 0, 1),
                                                                     False)]),
    "l1_float32_target": (lambda T, x, t: F(T).l1_loss(x, t), [X((3, 2)), X((3, 2), 1) +
                                                                ("float32",)]),
})


@pytest.mark.parametrize("name", sorted(LOSS_CASES))
def test_loss(name):
    compare(*LOSS_CASES[name])


def test_loss_third_order():
    compare(nll("mean", True, 1), [X((6, 3)), (TARGET, False)], order=3)
    compare(lambda T, x, t: F(T).binary_cross_entropy_with_logits(x, t),
            [X((4, 3)), (uniform((4, 3), 1, 0, 1), True)], order=3)


# ------------------------------------------------------------------ embedding and padding

IDX = np.array([[0, 2, 1], [2, 3, 2]])
OTHER_CASES = {
    "embedding": (lambda T, w, i: F(T).embedding(i, w), [X((5, 3)), (IDX, False)]),
    "embedding_padding_idx": (lambda T, w, i: F(T).embedding(i, w, padding_idx=2),
                              [X((5, 3)), (IDX, False)]),
    "embedding_scale_grad_by_freq": (
        lambda T, w, i: F(T).embedding(i, w, padding_idx=0, scale_grad_by_freq=True),
        [X((4, 2)), (IDX, False)]),
}
for mode in ("reflect", "replicate", "circular"):
    OTHER_CASES["pad1d_" + mode] = (lambda T, x, m=mode: F(T).pad(x, (2, 1), mode=m),
                                    [X((2, 3, 5))])
    OTHER_CASES["pad2d_" + mode] = (lambda T, x, m=mode: F(T).pad(x, (1, 2, 2, 1), mode=m),
                                    [X((1, 2, 4, 5))])
    OTHER_CASES["pad3d_" + mode] = (lambda T, x, m=mode: F(T).pad(x, (1, 1, 0, 2, 1, 0), mode=m),
                                    [X((1, 2, 3, 3, 4))])


@pytest.mark.parametrize("name", sorted(OTHER_CASES))
def test_embedding_and_pad(name):
    compare(*OTHER_CASES[name])


def test_embedding_and_pad_third_order():
    compare(lambda T, w, i: F(T).embedding(i, w, padding_idx=3), [X((5, 3)), (IDX, False)],
            order=3)
    compare(lambda T, x: F(T).pad(x, (2, 1, 1, 1), mode="reflect"), [X((1, 2, 4, 4))], order=3)


# ------------------------------------------------------------------ linear gradients of leaves

SQUARE = (2, 2, 4, 4)
LINEAR = {
    "max_pool2d": (lambda T, x: F(T).max_pool2d(x, 2), SQUARE),
    "avg_pool2d": (lambda T, x: F(T).avg_pool2d(x, 2), SQUARE),
    "adaptive_avg_pool2d": (lambda T, x: F(T).adaptive_avg_pool2d(x, 2), SQUARE),
    "adaptive_avg_pool2d_1x1": (lambda T, x: F(T).adaptive_avg_pool2d(x, 1), SQUARE),
    "nll_loss": (lambda T, x: F(T).nll_loss(x, T.tensor([0, 3])), (2, 4)),
    "reflect": (lambda T, x: F(T).pad(x, (1, 1, 1, 1), mode="reflect"), SQUARE),
    "replicate": (lambda T, x: F(T).pad(x, (1, 2), mode="replicate"), (2, 3, 4)),
    "circular": (lambda T, x: F(T).pad(x, (1, 1, 1, 1), mode="circular"), SQUARE),
    "conv2d": (lambda T, x: F(T).conv2d(x, T.ones(1, 2, 2, 2, dtype=T.float64)), SQUARE),
    "batch_norm_train": (lambda T, x: F(T).batch_norm(x, None, None, training=True), SQUARE),
    "layer_norm": (lambda T, x: F(T).layer_norm(x, (4,)), SQUARE),
    "mse": (lambda T, x: F(T).mse_loss(x, T.zeros(4, dtype=T.float64)), (3, 4)),
    "l1": (lambda T, x: F(T).l1_loss(x, T.zeros(4, dtype=T.float64)), (3, 4)),
}


def linear_gradient(T, fn, shape):
    """For y = fn(x) with x a leaf: whether d sum(y) / dx requires grad (torch's formulas that
    take x record it even when they do not depend on it), and the gradient of its square."""
    x = T.tensor(normal(shape, 9).tolist(), dtype=T.float64, requires_grad=True)
    g, = T.autograd.grad(fn(T, x).sum(), x, create_graph=True)
    if not g.requires_grad:
        return False, None
    h, = T.autograd.grad((g * g).sum(), x, allow_unused=True)
    return True, None if h is None else arrays_of([h])[0]


@pytest.mark.parametrize("name", sorted(LINEAR))
def test_gradient_of_a_linear_use_of_a_leaf(name):
    ref, got = linear_gradient(torch, *LINEAR[name]), linear_gradient(oz(), *LINEAR[name])
    assert got[0] == ref[0], "requires_grad %s, torch %s" % (got[0], ref[0])
    assert (got[1] is None) == (ref[1] is None), "oztorch %s, torch %s" % (got[1], ref[1])
    if ref[1] is not None:
        np.testing.assert_allclose(got[1], ref[1], rtol=RTOL, atol=ATOL)


NAMED = {
    "conv2d": (lambda T, x: F(T).conv2d(x, T.ones(1, 2, 2, 2, dtype=T.float64)), SQUARE),
    "max_pool2d": LINEAR["max_pool2d"],
    "avg_pool2d": LINEAR["avg_pool2d"],
    "adaptive_avg_pool2d": LINEAR["adaptive_avg_pool2d"],
    "nll_loss": LINEAR["nll_loss"],
    "reflect": LINEAR["reflect"],
    "replicate": LINEAR["replicate"],
}


@pytest.mark.parametrize("name", sorted(NAMED))
def test_first_gradient_grad_fn_names(name):
    """The recorded backward ops carry torch's node names (the norms and the elementwise losses
    record their formulas in core ops instead, so their first gradients end in MulBackward0 and
    the like)."""
    fn, shape = NAMED[name]
    names = []
    for T in (torch, oz()):
        x = T.tensor(normal(shape, 9).tolist(), dtype=T.float64, requires_grad=True)
        g, = T.autograd.grad(fn(T, x).sum(), x, create_graph=True)
        names.append(g.grad_fn.name())
    assert names[1] == names[0]


def test_second_backward_without_retain_graph_is_refused():
    """create_graph keeps the first graph; a third backward through a freed graph raises."""
    for T in (torch, oz()):
        x = T.tensor(normal((1, 1, 4, 4), 0).tolist(), dtype=T.float64, requires_grad=True)
        w = T.tensor(normal((1, 1, 2, 2), 1).tolist(), dtype=T.float64, requires_grad=True)
        g, = T.autograd.grad((F(T).conv2d(x, w) ** 2).sum(), x, create_graph=True)
        s = (g * g).sum()
        s.backward()
        with pytest.raises(RuntimeError):
            s.backward()


def test_double_backward_leaves_no_tensors_alive():
    """Every case's graphs of every order are freed once their tensors go (no leaked
    references in the recorded backward formulas)."""
    import gc
    T = oz()

    def live():
        gc.collect()
        return T._C._live_tensors()

    cases = [CONV_CASES["conv1d"], CONV_CASES["conv2d_stride_pad_dil_groups"],
             POOL_CASES["max_pool2d"], POOL_CASES["avg_pool2d_ceil_no_pad_count"],
             POOL_CASES["adaptive_avg_pool2d"], NORM_CASES["batch_norm_train_affine"],
             NORM_CASES["batch_norm_eval_affine"], NORM_CASES["layer_norm_affine"],
             LOSS_CASES["nll_2d_weight_mean"], LOSS_CASES["bce_weight_sum"],
             LOSS_CASES["bce_logits_weights_mean"], LOSS_CASES["smooth_l1_none"],
             OTHER_CASES["embedding_padding_idx"], OTHER_CASES["pad2d_reflect"]]
    derivatives(T, *cases[0], order=3)  # warm caches (dtype objects, modules)
    before = live()
    for fn, inputs in cases:
        derivatives(T, fn, inputs, order=3)
    assert live() == before
