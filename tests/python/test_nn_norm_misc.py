"""batch_norm, layer_norm, embedding, pad, dropout, linear and the activations through
oztorch.nn.functional against real torch (values, running statistics, exceptions, gradients), and
the nn family's ops leaking nothing."""
import gc

import numpy as np
import pytest
import torch
import torch.nn.functional as TF

from conftest import DTYPES, FLOAT_DTYPES, check, mk, oz, sample
from test_nn_support import assert_finite_differences, assert_grads_match, rand


def F(T):
    if T is torch:
        return TF
    import oztorch.nn.functional
    return oztorch.nn.functional


# ------------------------------------------------------------------ batch norm

BN_SHAPES = [(4, 3), (4, 3, 5), (2, 3, 4, 2), (2, 3, 2, 2, 2)]


@pytest.mark.parametrize("shape", BN_SHAPES)
@pytest.mark.parametrize("training", [True, False])
@pytest.mark.parametrize("affine", [True, False])
def test_batch_norm(shape, training, affine):
    arrays = [rand(shape)] + ([rand((3,), 1), rand((3,), 2)] if affine else [])
    mean, var = [0.1, -0.2, 0.3], [1.0, 2.0, 0.5]

    def f(T, x, *wb):
        rm, rv = T.tensor(mean, dtype=x.dtype), T.tensor(var, dtype=x.dtype)
        return F(T).batch_norm(x, rm, rv, *wb, training=training, momentum=0.3, eps=1e-3)
    assert_grads_match(f, arrays)
    check(lambda T: f(T, *[mk(T, a, "float32") for a in arrays]), rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("dtype", FLOAT_DTYPES)
@pytest.mark.parametrize("momentum", [0.1, 0.5, 0.0, 1.0])
def test_batch_norm_updates_running_stats_in_place(dtype, momentum):
    x = sample((4, 3, 5), dtype)

    def f(T):
        rm, rv = T.zeros(3, dtype=getattr(T, dtype)), T.ones(3, dtype=getattr(T, dtype))
        ids = id(rm), id(rv)
        y = F(T).batch_norm(mk(T, x, dtype), rm, rv, training=True, momentum=momentum)
        assert (id(rm), id(rv)) == ids
        return y, rm, rv, rm._version  # torch's kernel updates them without a version bump
    check(f, rtol=1e-5, atol=1e-6)
    # no running stats while training: nothing to update; eval mode never updates
    check(lambda T: F(T).batch_norm(mk(T, x, dtype), None, None, training=True), rtol=1e-5,
          atol=1e-6)

    def eval_keeps(T):
        rm, rv = T.zeros(3, dtype=getattr(T, dtype)), T.ones(3, dtype=getattr(T, dtype))
        F(T).batch_norm(mk(T, x, dtype), rm, rv, training=False)
        return rm, rv
    check(eval_keeps)


def test_batch_norm_errors():
    z = lambda T, *s, **k: T.zeros(*s, **k)
    check(lambda T: F(T).batch_norm(z(T, 2, 3, dtype=T.int64), None, None, training=True),
          raises=RuntimeError)
    check(lambda T: F(T).batch_norm(z(T, 2, 3), None, None), raises=RuntimeError)
    check(lambda T: F(T).batch_norm(z(T, 1, 3), None, None, training=True), raises=ValueError)
    check(lambda T: F(T).batch_norm(z(T, 2, 3), z(T, 4), z(T, 4)), raises=RuntimeError)
    check(lambda T: F(T).batch_norm(z(T, 2, 3), z(T, 3), z(T, 3), weight=z(T, 2)),
          raises=RuntimeError)
    check(lambda T: F(T).batch_norm(z(T, 2, 3, dtype=T.float64), z(T, 3), z(T, 3)),
          raises=RuntimeError)
    check(lambda T: F(T).batch_norm(z(T, 3), None, None, training=True), raises=IndexError)
    check(lambda T: F(T).batch_norm(z(T, 0, 3), z(T, 3), T.ones(3)))
    check(lambda T: T.batch_norm(z(T, 2, 3), None, None, z(T, 3), T.ones(3), False, 0.1, 1e-5,
                                 False))


# ------------------------------------------------------------------ layer norm

@pytest.mark.parametrize("shape,normalized", [((4, 5), (5,)), ((2, 3, 5), (5,)),
                                              ((2, 3, 5), (3, 5)), ((6,), [6])])
@pytest.mark.parametrize("affine", [True, False])
def test_layer_norm(shape, normalized, affine):
    arrays = [rand(shape)] + ([rand(tuple(normalized), 1), rand(tuple(normalized), 2)]
                              if affine else [])
    f = lambda T, x, *wb: F(T).layer_norm(x, normalized, *wb, eps=1e-4)
    assert_grads_match(f, arrays)
    assert_grads_match(lambda T, x, *wb: T.layer_norm(x, normalized, *wb), arrays)
    check(lambda T: f(T, *[mk(T, a, "float32") for a in arrays]), rtol=1e-5, atol=1e-5)


def test_layer_norm_layouts_and_errors():
    x = rand((4, 3))
    assert_grads_match(lambda T, x: F(T).layer_norm(x.t(), (4,)), [x])
    assert_finite_differences(lambda T, x: F(T).layer_norm(x, (3,)) * T.tensor(
        [1.0, -2.0, 0.5], dtype=T.float64), x)
    z = lambda T, *s, **k: T.zeros(*s, **k)
    for case in [lambda T: F(T).layer_norm(z(T, 2, 3), (4,)),
                 lambda T: F(T).layer_norm(z(T, 2, 3), ()),
                 lambda T: F(T).layer_norm(z(T, 2, 3), (3,), weight=z(T, 2)),
                 lambda T: F(T).layer_norm(z(T, 2, 3), (3,), bias=z(T, 1, 3)),
                 lambda T: F(T).layer_norm(z(T, 2, 3, dtype=T.int64), (3,)),
                 lambda T: F(T).layer_norm(z(T, 3), (2, 3))]:
        check(case, raises=RuntimeError)
    check(lambda T: F(T).layer_norm(z(T, 2, 3), 3), raises=TypeError)
    check(lambda T: F(T).layer_norm(z(T, 0, 3), (3,)))


# ------------------------------------------------------------------ embedding

@pytest.mark.parametrize("padding_idx", [None, 0, 2, -1, -5])
def test_embedding(padding_idx):
    idx = [[1, 2, 4], [4, 3, 1]]
    assert_grads_match(lambda T, w: F(T).embedding(T.tensor(idx), w, padding_idx=padding_idx),
                       [rand((5, 3))])
    assert_grads_match(lambda T, w: T.embedding(w, T.tensor([0, 0, 4, 0])), [rand((5, 3))])


@pytest.mark.parametrize("dtype", DTYPES)
def test_embedding_dtypes_and_shapes(dtype):
    w = sample((5, 3), dtype)
    check(lambda T: F(T).embedding(T.tensor([[0, 4], [2, 2]]), mk(T, w, dtype)))
    check(lambda T: F(T).embedding(T.tensor([0, 3], dtype=T.int32), mk(T, w, dtype)))
    check(lambda T: F(T).embedding(T.tensor(3), mk(T, w, dtype)))
    check(lambda T: F(T).embedding(T.zeros(0, 2, dtype=T.int64), mk(T, w, dtype)))
    check(lambda T: F(T).embedding(T.tensor([[0, 4, 1]]).t(), mk(T, w, dtype).t().t()))


def test_embedding_errors():
    w = lambda T: T.zeros(3, 2)
    check(lambda T: F(T).embedding(T.tensor([0.0]), w(T)), raises=RuntimeError)
    check(lambda T: F(T).embedding(T.tensor([3]), w(T)), raises=IndexError)
    check(lambda T: F(T).embedding(T.tensor([-1]), w(T)), raises=IndexError)
    check(lambda T: F(T).embedding(T.tensor([0]), T.zeros(3)), raises=RuntimeError)
    check(lambda T: F(T).embedding(T.tensor([0]), w(T), padding_idx=3), raises=AssertionError)
    check(lambda T: F(T).embedding(T.tensor([0]), w(T), padding_idx=-4), raises=AssertionError)
    check(lambda T: F(T).embedding([0], w(T)), raises=TypeError)


# ------------------------------------------------------------------ padding

PADS = [(1, 2), (0, 1, 2, 0), (-1, 2), (2, -1, 1, 1), (1, 1, 0, 1, 2, 0)]


@pytest.mark.parametrize("pad", PADS)
@pytest.mark.parametrize("value", [None, 2.5])
def test_constant_pad(pad, value):
    assert_grads_match(lambda T, x: F(T).pad(x, pad, value=value), [rand((2, 3, 4))])
    assert_grads_match(lambda T, x: T.constant_pad_nd(x, pad, 1.5), [rand((2, 3, 4))])
    for dtype in DTYPES:
        check(lambda T: F(T).pad(mk(T, sample((2, 3, 4), dtype), dtype), pad,
                                 value=value or 0))
    check(lambda T: F(T).pad(T.zeros(2, 3, 4, dtype=T.int64), pad, value=2.7))


MODE_CASES = [  # (input shape, pad)
    ((2, 5), (1, 2)), ((2, 3, 5), (2, 1)), ((2, 3, 5), (-1, 3)), ((3, 4, 5), (1, 2, 2, 0)),
    ((2, 3, 4, 5), (2, 1, -1, 3)), ((1, 2, 3, 4, 5), (1, 2, 0, 1, 2, 2)),
    ((2, 3, 4, 5), (1, 1, 1, 1, 1, 1)),
]


@pytest.mark.parametrize("mode", ["reflect", "replicate", "circular"])
@pytest.mark.parametrize("case", range(len(MODE_CASES)))
def test_pad_modes(mode, case):
    shape, pad = MODE_CASES[case]
    f = lambda T, x: F(T).pad(x, pad, mode=mode)
    ref = None
    try:
        ref = f(torch, torch.zeros(shape))
    except (RuntimeError, NotImplementedError) as e:
        check(lambda T: f(T, T.zeros(shape)), raises=type(e))
    if ref is not None:
        assert_grads_match(f, [rand(shape)])
        check(lambda T: f(T, mk(T, sample(shape, "float32"), "float32")))


def test_pad_mode_dtypes_and_errors():
    check(lambda T: F(T).pad(T.zeros(1, 2, 3, dtype=T.int64), (1, 1), mode="circular"))
    check(lambda T: F(T).pad(mk(T, sample((1, 2, 3), "bool"), "bool"), (2, 3),
                             mode="circular"))
    check(lambda T: F(T).pad(mk(T, rand((2, 3, 4)), "float64").transpose(1, 2), (1, 2),
                             mode="reflect"))
    z = lambda T, *s, **k: T.zeros(*s, **k)
    for case in [lambda T: F(T).pad(z(T, 2, 3), (1,)),
                 lambda T: F(T).pad(z(T, 2, 3), (1, 1, 1, 1, 1, 1)),
                 lambda T: F(T).pad(z(T, 2, 3), (-2, -2)),
                 lambda T: F(T).pad(z(T, 1, 2, 3, dtype=T.int64), (1, 1), mode="reflect"),
                 lambda T: F(T).pad(z(T, 1, 2, 3), (1, 1), mode="reflect", value=1.0),
                 lambda T: F(T).pad(z(T, 1, 2, 3), (3, 1), mode="reflect"),
                 lambda T: F(T).pad(z(T, 1, 0, 3), (1, 1), mode="replicate"),
                 lambda T: F(T).pad(z(T, 1, 2, 3), (-2, -1), mode="replicate"),
                 lambda T: F(T).pad(z(T, 2, 3), (1, 1), mode="circular"),
                 lambda T: F(T).pad(z(T, 1, 2, 3), (4, 1), mode="circular")]:
        check(case, raises=RuntimeError)
    for case in [lambda T: F(T).pad(z(T, 2, 3), (1, 1), mode="wrap"),
                 lambda T: F(T).pad(z(T, 3), (1, 1), mode="reflect"),
                 lambda T: F(T).pad(z(T, 1, 1, 2, 3), (1, 1), mode="reflect")]:
        check(case, raises=NotImplementedError)
    check(lambda T: F(T).pad(z(T, 0, 2, 3), (1, 1), mode="replicate"))
    assert_finite_differences(lambda T, x: F(T).pad(x, (2, 1), mode="reflect") * T.tensor(
        [1.0, 2.0, -1.0, 0.5, 3.0, 1.5], dtype=T.float64), rand((1, 2, 3)))


# ------------------------------------------------------------------ dropout

def test_dropout_statistics_scaling_and_gradient():
    T = oz()
    T.manual_seed(0)
    x = T.ones(20000, dtype=T.float64, requires_grad=True)
    y = F(T).dropout(x, 0.3)
    assert y.grad_fn.name() == "MulBackward0"  # torch's composite: input * noise
    vals = np.asarray(y.tolist())
    kept = vals != 0
    assert abs(1 - kept.mean() - 0.3) < 0.02
    np.testing.assert_allclose(vals[kept], 1 / 0.7)
    y.sum().backward()
    np.testing.assert_allclose(np.asarray(x.grad.tolist()), vals)  # the same mask
    T.manual_seed(0)
    again = F(T).dropout(T.ones(20000, dtype=T.float64), 0.3)
    assert np.array_equal(np.asarray(again.tolist()), vals), "torch.manual_seed governs dropout"
    check(lambda T: F(T).dropout(T.ones(5), 0.3, training=False))
    check(lambda T: F(T).dropout(T.ones(2, 3), 1.0))
    check(lambda T: T.dropout(T.ones(2, 3), 1.0, True))
    check(lambda T: F(T).dropout(T.zeros(0, 3), 0.5))


def test_dropout_identity_inplace_and_errors():
    T = oz()
    x = T.ones(4)
    assert F(T).dropout(x, 0.0) is x and F(T).dropout(x, 0.5, training=False) is x
    assert T.dropout(x, 0.5, False) is x
    y = T.ones(1000)
    v = y._version
    assert F(T).dropout(y, 0.5, inplace=True) is y and y._version > v
    assert 0.4 < float((y == 0).sum().item()) / 1000 < 0.6
    check(lambda T: F(T).dropout(T.ones(3), 1.5), raises=ValueError)
    check(lambda T: F(T).dropout(T.ones(3), -0.1), raises=ValueError)
    check(lambda T: T.dropout(T.ones(3), 1.5, True), raises=RuntimeError)
    check(lambda T: F(T).dropout(T.ones(3, dtype=T.int64), 0.5), raises=RuntimeError)
    check(lambda T: F(T).dropout(T.ones(3, requires_grad=True), 0.5, inplace=True),
          raises=RuntimeError)


# ------------------------------------------------------------------ linear, activations

def test_linear():
    x, w, b = rand((4, 3)), rand((5, 3), 1), rand((5,), 2)
    assert_grads_match(lambda T, x, w, b: F(T).linear(x, w, b), [x, w, b], name=False)
    assert_grads_match(lambda T, x, w: F(T).linear(x, w), [x, w], name=False)
    assert_grads_match(lambda T, x, w, b: F(T).linear(x, w, b), [rand((2, 4, 3)), w, b],
                       name=False)


ACTIVATIONS = {
    "relu": ("relu", lambda f, x: f.relu(x)),
    "relu6": ("_nn_relu6", lambda f, x: f.relu6(x)),
    "leaky_relu": ("_nn_leaky_relu", lambda f, x: f.leaky_relu(x, 0.2)),
    "elu": ("_nn_elu", lambda f, x: f.elu(x, alpha=0.7)),
    "hardtanh": ("_nn_hardtanh", lambda f, x: f.hardtanh(x, -0.5, 1.5)),
    "silu": ("_nn_silu", lambda f, x: f.silu(x)),
    "gelu": ("_nn_gelu", lambda f, x: f.gelu(x)),
    "gelu_tanh": ("_nn_gelu", lambda f, x: f.gelu(x, approximate="tanh")),
    "softplus": ("_nn_softplus", lambda f, x: f.softplus(x, beta=2, threshold=3)),
    "sigmoid": ("sigmoid", lambda f, x: f.sigmoid(x)),
    "tanh": ("tanh", lambda f, x: f.tanh(x)),
}


@pytest.mark.filterwarnings("ignore:nn.functional.(sigmoid|tanh) is deprecated")
@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_activations_through_functional(name):
    c_name, fn = ACTIVATIONS[name]
    if not hasattr(oz()._C, c_name):
        pytest.skip("_C.%s comes with the unary family" % c_name)
    x = rand((3, 4), lo=-4, hi=4)
    x[0, :3] = [0.5, -0.5, 1.5]
    assert_grads_match(lambda T, x: fn(F(T), x), [x], name=False)


def test_functional_sigmoid_and_tanh_are_deprecated():
    for T in (torch, oz()):
        for name in ("sigmoid", "tanh"):
            with pytest.warns(UserWarning, match="nn.functional.%s is deprecated" % name):
                getattr(F(T), name)(T.zeros(2))


@pytest.mark.parametrize("name", ["relu", "relu6", "leaky_relu", "elu", "hardtanh", "silu"])
def test_activations_inplace(name):
    c_name = ACTIVATIONS[name][0]
    if not hasattr(oz()._C, c_name):
        pytest.skip("_C.%s comes with the unary family" % c_name)

    def f(T):
        x = T.tensor([-2.0, -0.5, 0.0, 0.5, 7.0])
        y = getattr(F(T), name)(x, inplace=True)
        return y, x, y is x
    check(f)


def test_functional_signatures_are_torchs():
    """Every function of oztorch.nn.functional takes torch's parameters, with torch's defaults
    (where torch's function has a Python signature to compare with)."""
    import inspect
    ozf = F(oz())
    compared = 0
    for name in ozf.__all__:
        try:
            want = inspect.signature(getattr(TF, name))
        except (TypeError, ValueError):  # a C builtin: nothing to compare
            continue
        if list(want.parameters) == ["args", "kwargs"]:  # torch's boolean_dispatch wrapper
            continue
        got = inspect.signature(getattr(ozf, name))
        assert [(p.name, p.default, p.kind) for p in got.parameters.values()] == \
            [(p.name, p.default, p.kind) for p in want.parameters.values()], name
        compared += 1
    assert compared >= 24


# ------------------------------------------------------------------ memory


def test_nn_ops_do_not_leak():
    """Forward and backward of every op, and failing calls, leave the live tensor count as it
    was."""
    T = oz()
    f = F(T)

    def workload():
        x = T.tensor(rand((2, 3, 6, 6)), dtype=T.float32, requires_grad=True)
        w = T.tensor(rand((4, 3, 3, 3)), dtype=T.float32, requires_grad=True)
        h = f.conv2d(x, w, padding=1)
        h = f.max_pool2d(h, 2) + f.avg_pool2d(h, 2) + f.adaptive_avg_pool2d(h, 3)
        h = f.batch_norm(h, None, None, training=True) + f.layer_norm(h, (3,))
        h = f.pad(h, (1, 1, 1, 1), mode="reflect") + f.pad(h, (1, 1, 1, 1))
        e = f.embedding(T.tensor([1, 2]), T.ones(4, 3, requires_grad=True))
        loss = f.cross_entropy(h.reshape(2, -1), T.tensor([0, 5]), label_smoothing=0.1) + \
            f.mse_loss(h, h.detach() * 2) + f.binary_cross_entropy_with_logits(h, h.detach()) + \
            f.log_softmax(h, 1).sum() + e.sum() + f.dropout(h, 0.5).sum()
        loss.backward()
        for bad in (lambda: f.conv2d(x, w[:, :2]),
                    lambda: f.nll_loss(x[:, :, 0, 0], T.tensor([7, 0])),
                    lambda: f.max_pool2d(x, 9), lambda: f.pad(x, (9, 9), mode="reflect"),
                    lambda: f.binary_cross_entropy(x, x)):
            try:
                bad()
            except (RuntimeError, IndexError):
                pass
        return float(loss.item())

    workload()
    gc.collect()
    before = T._C._live_tensors()
    for _ in range(20):
        workload()
    gc.collect()
    assert T._C._live_tensors() == before
