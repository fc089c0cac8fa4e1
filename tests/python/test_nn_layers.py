"""The nn layer modules against real torch: each module is built in both libraries with the same
arguments, torch's parameters and buffers are copied into OzTorch's, and then forward outputs,
gradients of the inputs and the parameters, buffers after a forward, repr(module) and
state_dict keys must agree; plus constructor and shape errors, default initialisation
(statistically: OzTorch's random stream is not torch's) and dropout's statistics."""
import math

import numpy as np
import pytest
import torch

from conftest import FLOAT_DTYPES, check, oz
from test_nn_support import as_array, classes, rand

TOL = {"float32": 2e-5, "float64": 1e-10}


# ------------------------------------------------------------------ the parity harness

def copy_state(ref, got):
    """Copies torch module ref's parameters and buffers into the OzTorch module got, asserting
    that both have the same state_dict keys in the same order."""
    T = oz()
    ref_sd, got_sd = ref.state_dict(keep_vars=True), got.state_dict(keep_vars=True)
    assert list(got_sd) == list(ref_sd), "state_dict keys differ"
    with T.no_grad():
        for name, r in ref_sd.items():
            g = got_sd[name]
            assert str(g.dtype) == str(r.dtype) and tuple(g.shape) == tuple(r.shape), name
            g.copy_(T.tensor(r.detach().tolist(), dtype=getattr(T, str(r.dtype)[6:])))


def make_inputs(T, arrays, dtype):
    """Leaves of T from numpy arrays: floating ones in `dtype` requiring grad, integer ones
    (targets, indices) as int64."""
    out = []
    for a in arrays:
        a = np.asarray(a)
        if a.dtype.kind in "iu":
            out.append(T.tensor(a.tolist(), dtype=T.int64))
        else:
            out.append(T.tensor(a.tolist(), dtype=getattr(T, dtype), requires_grad=True))
    return out


def run_module(T, module, arrays, dtype, clone_inputs, seed=3):
    xs = make_inputs(T, arrays, dtype)
    # in-place modules need non-leaf inputs; the gradient still reaches the leaves
    args = [x * 1 if clone_inputs and x.is_floating_point() else x for x in xs]
    out = module(*args)
    first = out[0] if isinstance(out, tuple) else out
    if first.requires_grad:
        w = np.random.default_rng(seed).uniform(-1, 1, tuple(first.shape))
        (first * T.tensor(w.tolist(), dtype=first.dtype)).sum().backward()
    return out, [x.grad for x in xs]


def assert_close(ref, got, tol, what):
    assert str(got.dtype) == str(ref.dtype), "%s: dtype %s, torch %s" % (what, got.dtype,
                                                                         ref.dtype)
    assert tuple(got.shape) == tuple(ref.shape), "%s: shape %s, torch %s" % (
        what, tuple(got.shape), tuple(ref.shape))
    np.testing.assert_allclose(as_array(got), as_array(ref), rtol=tol, atol=tol, err_msg=what)


def assert_module_parity(ctor, arrays, dtype="float32", train=True, clone_inputs=False,
                         tol=None):
    """ctor(T, dtype_object) builds the module in library T. Compares repr, state_dict keys,
    outputs, input and parameter gradients, and the buffers after the forward."""
    T = oz()
    tol = tol if tol is not None else TOL[dtype]
    torch.manual_seed(0)
    ref = ctor(torch, getattr(torch, dtype))
    got = ctor(T, getattr(T, dtype))
    assert repr(got) == repr(ref)
    copy_state(ref, got)
    ref.train(train)
    got.train(train)
    ref_out, ref_grads = run_module(torch, ref, arrays, dtype, clone_inputs)
    got_out, got_grads = run_module(T, got, arrays, dtype, clone_inputs)
    ref_outs = ref_out if isinstance(ref_out, tuple) else (ref_out,)
    got_outs = got_out if isinstance(got_out, tuple) else (got_out,)
    assert len(got_outs) == len(ref_outs)
    for i, (r, g) in enumerate(zip(ref_outs, got_outs)):
        assert_close(r, g, tol, "output %d" % i)
    for i, (r, g) in enumerate(zip(ref_grads, got_grads)):
        assert (r is None) == (g is None), "input %d: torch grad %r, oztorch %r" % (i, r, g)
        if r is not None:
            assert_close(r, g, tol, "gradient of input %d" % i)
    got_params = dict(got.named_parameters())
    for name, r in ref.named_parameters():
        g = got_params[name]
        assert (r.grad is None) == (g.grad is None), "parameter %s's grad" % name
        if r.grad is not None:
            assert_close(r.grad, g.grad, tol, "gradient of parameter " + name)
    got_bufs = dict(got.named_buffers())
    for name, r in ref.named_buffers():
        assert_close(r, got_bufs[name], tol, "buffer " + name)
    return ref, got


def perturbed(T, module):
    """module with its norm-style parameters (ones and zeros by default) made non-trivial, so
    that mixing up weight and bias would show; torch's values are what get compared."""
    with T.no_grad():
        for p in module.parameters():
            p.uniform_(0.5, 1.5)
    return module


# ------------------------------------------------------------------ linear

LINEAR = {
    "linear": (lambda T, d: T.nn.Linear(3, 4, dtype=d), [(5, 3)]),
    "linear_batched": (lambda T, d: T.nn.Linear(3, 4, dtype=d), [(2, 5, 3)]),
    "linear_vector": (lambda T, d: T.nn.Linear(3, 2, dtype=d), [(3,)]),
    "linear_no_bias": (lambda T, d: T.nn.Linear(3, 4, bias=False, dtype=d), [(5, 3)]),
    "identity": (lambda T, d: T.nn.Identity(54, unused="argument"), [(2, 3)]),
    "bilinear": (lambda T, d: T.nn.Bilinear(3, 4, 2, dtype=d), [(5, 3), (5, 4)]),
    "bilinear_batched_no_bias": (lambda T, d: T.nn.Bilinear(3, 2, 5, bias=False, dtype=d),
                                 [(2, 4, 3), (2, 4, 2)]),
}


@pytest.mark.parametrize("dtype", FLOAT_DTYPES)
@pytest.mark.parametrize("name", sorted(LINEAR))
def test_linear_modules(name, dtype):
    ctor, shapes = LINEAR[name]
    assert_module_parity(ctor, [rand(s, i) for i, s in enumerate(shapes)], dtype)


def test_linear_attributes_and_errors():
    lin = oz().nn.Linear(3, 4)
    assert (lin.in_features, lin.out_features) == (3, 4)
    assert type(lin.weight).__name__ == "Parameter" and lin.weight.requires_grad
    assert oz().nn.Linear(2, 2, bias=False).bias is None
    check(lambda T: T.nn.Linear(3, 4)(T.ones(2, 5)), raises=RuntimeError)
    check(lambda T: T.nn.Bilinear(3, 4, 2)(T.ones(2, 3), T.ones(2, 5)), raises=RuntimeError)
    check(lambda T: T.nn.Bilinear(3, 4, 2)(T.ones(2, 3), T.ones(3, 4)), raises=RuntimeError)


# ------------------------------------------------------------------ convolution

CONV = {
    "conv1d": (lambda T, d: T.nn.Conv1d(3, 4, 3, dtype=d), (2, 3, 9)),
    "conv1d_stride_pad_dil": (lambda T, d: T.nn.Conv1d(2, 4, 3, stride=2, padding=2,
                                                       dilation=2, dtype=d), (2, 2, 11)),
    "conv1d_groups_no_bias": (lambda T, d: T.nn.Conv1d(4, 6, 2, groups=2, bias=False,
                                                       dtype=d), (2, 4, 7)),
    "conv1d_same": (lambda T, d: T.nn.Conv1d(3, 2, 4, padding="same", dtype=d), (2, 3, 9)),
    "conv1d_unbatched": (lambda T, d: T.nn.Conv1d(3, 2, 3, padding=1, dtype=d), (3, 8)),
    "conv1d_reflect": (lambda T, d: T.nn.Conv1d(2, 3, 3, padding=2, padding_mode="reflect",
                                                dtype=d), (2, 2, 7)),
    "conv1d_circular_same": (lambda T, d: T.nn.Conv1d(2, 3, 4, padding="same",
                                                      padding_mode="circular", dtype=d),
                             (2, 2, 7)),
    "conv2d": (lambda T, d: T.nn.Conv2d(1, 5, 3, dtype=d), (2, 1, 6, 7)),
    "conv2d_full": (lambda T, d: T.nn.Conv2d(4, 6, (3, 2), stride=(2, 1), padding=(1, 2),
                                             dilation=(1, 2), groups=2, dtype=d),
                    (2, 4, 7, 8)),
    "conv2d_depthwise_no_bias": (lambda T, d: T.nn.Conv2d(3, 6, 3, padding=1, groups=3,
                                                          bias=False, dtype=d), (2, 3, 5, 5)),
    "conv2d_same_dilated": (lambda T, d: T.nn.Conv2d(2, 3, (2, 3), padding="same",
                                                     dilation=(2, 1), dtype=d), (2, 2, 6, 7)),
    "conv2d_valid": (lambda T, d: T.nn.Conv2d(2, 3, 3, padding="valid", dtype=d),
                     (2, 2, 5, 6)),
    "conv2d_unbatched": (lambda T, d: T.nn.Conv2d(2, 3, 3, stride=2, dtype=d), (2, 7, 7)),
    "conv2d_reflect": (lambda T, d: T.nn.Conv2d(2, 3, 3, padding=(1, 2),
                                                padding_mode="reflect", dtype=d),
                       (2, 2, 5, 6)),
    "conv2d_replicate": (lambda T, d: T.nn.Conv2d(2, 3, 3, padding=1, stride=2,
                                                  padding_mode="replicate", dtype=d),
                         (1, 2, 6, 6)),
    "conv2d_circular": (lambda T, d: T.nn.Conv2d(2, 2, 3, padding=1, padding_mode="circular",
                                                 bias=False, dtype=d), (2, 2, 4, 5)),
}


@pytest.mark.filterwarnings("ignore:Using padding='same'")
@pytest.mark.parametrize("dtype", FLOAT_DTYPES)
@pytest.mark.parametrize("name", sorted(CONV))
def test_conv_modules(name, dtype):
    ctor, shape = CONV[name]
    assert_module_parity(ctor, [rand(shape)], dtype)


def test_conv_reprs_and_attributes():
    for T in (torch, oz()):
        c = T.nn.Conv2d(1, 32, 3)
        assert repr(c) == "Conv2d(1, 32, kernel_size=(3, 3), stride=(1, 1))"
        assert (c.kernel_size, c.stride, c.padding, c.dilation, c.groups) == \
            ((3, 3), (1, 1), (0, 0), (1, 1), 1)
        assert (c.in_channels, c.out_channels, c.padding_mode) == (1, 32, "zeros")
        assert tuple(c.weight.shape) == (32, 1, 3, 3) and tuple(c.bias.shape) == (32,)
    for args, kw in [((4, 8, (3, 5)), dict(stride=2, padding=1, dilation=(2, 1), groups=2,
                                          bias=False, padding_mode="reflect")),
                     ((2, 4, 4), dict(padding="same", padding_mode="circular")),
                     ((2, 4, 3), dict(padding="valid"))]:
        for cls in ("Conv1d", "Conv2d"):
            assert repr(getattr(oz().nn, cls)(*args, **kw)) == \
                repr(getattr(torch.nn, cls)(*args, **kw))
    c = oz().nn.Conv2d(2, 4, (2, 3), padding="same", dilation=(1, 2))
    assert c._reversed_padding_repeated_twice == \
        torch.nn.Conv2d(2, 4, (2, 3), padding="same", dilation=(1, 2)) \
        ._reversed_padding_repeated_twice


@pytest.mark.parametrize("kwargs", [
    dict(groups=0), dict(groups=-1), dict(groups=4),  # 6 in_channels % 4
    dict(padding="full"), dict(padding="same", stride=2), dict(padding_mode="mirror"),
])
def test_conv_constructor_errors(kwargs):
    for cls in ("Conv1d", "Conv2d"):
        check(lambda T: getattr(T.nn, cls)(6, 8, 3, **kwargs), raises=ValueError)
    check(lambda T: T.nn.Conv2d(4, 6, 3, groups=4), raises=ValueError)  # out % groups


def test_conv_forward_errors():
    check(lambda T: T.nn.Conv2d(3, 4, 3)(T.ones(2, 2, 5, 5)), raises=RuntimeError)
    check(lambda T: T.nn.Conv2d(3, 4, 3)(T.ones(2, 3, 2, 2)), raises=RuntimeError)
    check(lambda T: T.nn.Conv1d(3, 4, 3)(T.ones(2, 3, 4, 4)), raises=RuntimeError)
    check(lambda T: T.nn.Conv2d(2, 4, 3, padding=4, padding_mode="reflect")(
        T.ones(1, 2, 3, 3)), raises=RuntimeError)


# ------------------------------------------------------------------ pooling

POOL = {
    "max2d": (lambda T, d: T.nn.MaxPool2d(2), (2, 3, 6, 7)),
    "max2d_full": (lambda T, d: T.nn.MaxPool2d((3, 2), stride=(2, 1), padding=1,
                                               dilation=(1, 2), ceil_mode=True), (2, 2, 7, 8)),
    "max2d_indices": (lambda T, d: T.nn.MaxPool2d(3, 2, 1, return_indices=True),
                      (2, 3, 7, 6)),
    "max2d_unbatched": (lambda T, d: T.nn.MaxPool2d(2, 1), (3, 4, 5)),
    "max1d": (lambda T, d: T.nn.MaxPool1d(3), (2, 3, 10)),
    "max1d_full": (lambda T, d: T.nn.MaxPool1d(3, stride=2, padding=1, dilation=2,
                                               ceil_mode=True, return_indices=True),
                   (2, 3, 12)),
    "max1d_unbatched": (lambda T, d: T.nn.MaxPool1d(2, 1), (3, 7)),
    "avg2d": (lambda T, d: T.nn.AvgPool2d(2), (2, 3, 6, 7)),
    "avg2d_full": (lambda T, d: T.nn.AvgPool2d((3, 2), stride=(2, 1), padding=1,
                                               ceil_mode=True, count_include_pad=False),
                   (2, 2, 7, 8)),
    "avg2d_divisor": (lambda T, d: T.nn.AvgPool2d(3, 1, 1, divisor_override=4), (1, 2, 5, 5)),
    "avg1d": (lambda T, d: T.nn.AvgPool1d(3, 2, 1), (2, 3, 10)),
    "avg1d_exclude_pad": (lambda T, d: T.nn.AvgPool1d(4, 3, 2, ceil_mode=True,
                                                      count_include_pad=False), (3, 11)),
    "adaptive2d": (lambda T, d: T.nn.AdaptiveAvgPool2d((3, 2)), (2, 3, 7, 5)),
    "adaptive2d_int_none": (lambda T, d: T.nn.AdaptiveAvgPool2d((None, 3)), (2, 3, 4, 7)),
    "adaptive2d_one": (lambda T, d: T.nn.AdaptiveAvgPool2d(1), (2, 3, 4, 7)),
    "adaptive1d": (lambda T, d: T.nn.AdaptiveAvgPool1d(4), (2, 3, 9)),
    "adaptive1d_unbatched": (lambda T, d: T.nn.AdaptiveAvgPool1d(3), (3, 5)),
}


@pytest.mark.parametrize("dtype", FLOAT_DTYPES)
@pytest.mark.parametrize("name", sorted(POOL))
def test_pooling_modules(name, dtype):
    ctor, shape = POOL[name]
    assert_module_parity(ctor, [rand(shape)], dtype)


def test_pooling_reprs():
    for ctor in [lambda T: T.nn.MaxPool2d(2), lambda T: T.nn.MaxPool2d((2, 3), 1, 1, 2, True,
                                                                       True),
                 lambda T: T.nn.MaxPool1d(3, padding=1), lambda T: T.nn.AvgPool1d(3),
                 lambda T: T.nn.AvgPool2d(3, padding=1), lambda T: T.nn.AvgPool2d((2, 1), 1),
                 lambda T: T.nn.AdaptiveAvgPool2d((None, 3)),
                 lambda T: T.nn.AdaptiveAvgPool1d(5)]:
        assert repr(ctor(oz())) == repr(ctor(torch))


def test_pooling_errors():
    check(lambda T: T.nn.MaxPool2d(2)(T.ones(2)), raises=RuntimeError)
    check(lambda T: T.nn.MaxPool2d(3, padding=2)(T.ones(1, 1, 5, 5)), raises=RuntimeError)
    check(lambda T: T.nn.MaxPool1d(2)(T.ones(1, 2, 3, 4)), raises=RuntimeError)
    check(lambda T: T.nn.MaxPool1d(2, stride=0)(T.ones(1, 2, 3)), raises=RuntimeError)
    check(lambda T: T.nn.AvgPool1d(2)(T.ones(4)), raises=RuntimeError)
    check(lambda T: T.nn.AdaptiveAvgPool1d(2)(T.ones(1, 1, 2, 2)), raises=RuntimeError)
    check(lambda T: T.nn.AvgPool2d(2)(T.ones(1, 1, 1, 1)), raises=RuntimeError)


# ------------------------------------------------------------------ flatten

@pytest.mark.parametrize("dtype", FLOAT_DTYPES)
@pytest.mark.parametrize("ctor,shape", [
    (lambda T, d: T.nn.Flatten(), (2, 3, 4, 5)),
    (lambda T, d: T.nn.Flatten(0, 2), (2, 3, 4, 5)),
    (lambda T, d: T.nn.Flatten(-2), (2, 3, 4)),
    (lambda T, d: T.nn.Unflatten(1, (2, 3)), (4, 6, 5)),
    (lambda T, d: T.nn.Unflatten(-1, [2, -1, 2]), (3, 12)),
])
def test_flatten_modules(ctor, shape, dtype):
    assert_module_parity(ctor, [rand(shape)], dtype)


def test_flatten_errors():
    check(lambda T: T.nn.Unflatten(1, 6), raises=TypeError)
    check(lambda T: T.nn.Unflatten(1, (2, 3.0)), raises=TypeError)
    check(lambda T: T.nn.Unflatten(1.5, (2, 3)), raises=TypeError)
    check(lambda T: T.nn.Unflatten(1, (4, 2))(T.ones(2, 6)), raises=RuntimeError)
    check(lambda T: T.nn.Flatten(3)(T.ones(2, 3)), raises=IndexError)


# ------------------------------------------------------------------ activations

ACTIVATIONS = {
    "relu": lambda T, d: T.nn.ReLU(),
    "relu_inplace": lambda T, d: T.nn.ReLU(inplace=True),
    "relu6": lambda T, d: T.nn.ReLU6(),
    "relu6_inplace": lambda T, d: T.nn.ReLU6(True),
    "leaky_relu": lambda T, d: T.nn.LeakyReLU(0.2),
    "leaky_relu_inplace": lambda T, d: T.nn.LeakyReLU(0.1, inplace=True),
    "elu": lambda T, d: T.nn.ELU(alpha=0.7),
    "elu_inplace": lambda T, d: T.nn.ELU(inplace=True),
    "celu": lambda T, d: T.nn.CELU(0.5),
    "selu": lambda T, d: T.nn.SELU(),
    "gelu": lambda T, d: T.nn.GELU(),
    "gelu_tanh": lambda T, d: T.nn.GELU(approximate="tanh"),
    "silu": lambda T, d: T.nn.SiLU(),
    "silu_inplace": lambda T, d: T.nn.SiLU(inplace=True),
    "mish": lambda T, d: T.nn.Mish(),
    "sigmoid": lambda T, d: T.nn.Sigmoid(),
    "tanh": lambda T, d: T.nn.Tanh(),
    "hardtanh": lambda T, d: T.nn.Hardtanh(-0.5, 1.5),
    "hardtanh_inplace": lambda T, d: T.nn.Hardtanh(inplace=True),
    "hardsigmoid": lambda T, d: T.nn.Hardsigmoid(),
    "hardswish": lambda T, d: T.nn.Hardswish(),
    "softplus": lambda T, d: T.nn.Softplus(1.0, 20.0),  # 2.x's defaults (1.13: ints)
    "softplus_beta": lambda T, d: T.nn.Softplus(beta=2, threshold=3),
    "softsign": lambda T, d: T.nn.Softsign(),
    "tanhshrink": lambda T, d: T.nn.Tanhshrink(),
    "logsigmoid": lambda T, d: T.nn.LogSigmoid(),
    "threshold": lambda T, d: T.nn.Threshold(0.3, -2.0),
    "softmax": lambda T, d: T.nn.Softmax(dim=1),
    "softmax_last": lambda T, d: T.nn.Softmax(-1),
    "softmin": lambda T, d: T.nn.Softmin(0),
    "log_softmax": lambda T, d: T.nn.LogSoftmax(dim=1),
}


@pytest.mark.parametrize("dtype", FLOAT_DTYPES)
@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_activation_modules(name, dtype):
    # values spread over every piece of the piecewise ones, away from their kinks
    x = rand((3, 4, 5), lo=-7, hi=7)
    # torch's hardsigmoid backward multiplies by 1/6 rounded to float32, even for float64
    tol = 1e-7 if name == "hardsigmoid" and dtype == "float64" else None
    assert_module_parity(ACTIVATIONS[name], [x], dtype, clone_inputs="inplace" in name,
                         tol=tol)


@pytest.mark.parametrize("name", [n for n in sorted(ACTIVATIONS) if "inplace" in n])
def test_activation_inplace_returns_its_input(name):
    def f(T):
        x = T.tensor([-3.0, -0.5, 0.0, 0.5, 7.0])
        y = ACTIVATIONS[name](T, None)(x)
        return y, x, y is x
    check(f)


def test_activation_reprs():
    for ctor in list(ACTIVATIONS.values()) + [
            lambda T, d: T.nn.Softmax(), lambda T, d: T.nn.Hardtanh(-2, 3.5, True),
            lambda T, d: T.nn.Threshold(0.1, 20, True), lambda T, d: T.nn.SELU(True),
            lambda T, d: T.nn.CELU(inplace=True), lambda T, d: T.nn.Mish(True),
            lambda T, d: T.nn.Softplus(2.0, 10.0)]:
        assert repr(ctor(oz(), None)) == repr(ctor(torch, None))
    # PyTorch 2.x's float defaults (1.13 printed beta=1, threshold=20)
    assert repr(oz().nn.Softplus()) == "Softplus(beta=1.0, threshold=20.0)"


def test_softmax_module_implicit_dim_warns_like_torch():
    for T in (torch, oz()):
        with pytest.warns(UserWarning, match="Implicit dimension choice for softmax"):
            y = T.nn.Softmax()(T.ones(2, 3))
        assert abs(y.sum().item() - 2.0) < 1e-6  # dim 1 for a 2-d input
        with pytest.warns(UserWarning, match="Implicit dimension choice for log_softmax"):
            T.nn.LogSoftmax()(T.ones(2, 3))


def test_activation_errors_and_deprecations():
    check(lambda T: T.nn.Hardtanh(1.0, -1.0), raises=AssertionError)
    check(lambda T: T.nn.GELU("fast")(T.ones(2)), raises=RuntimeError)
    check(lambda T: T.nn.ReLU(inplace=True)(T.ones(2, requires_grad=True)), raises=RuntimeError)
    for T in (torch, oz()):
        with pytest.warns(UserWarning, match="min_value is deprecated"):
            h = T.nn.Hardtanh(min_value=-2.0)
        assert h.min_val == -2.0


# ------------------------------------------------------------------ normalization

BATCHNORM = {
    "bn1d": (lambda T, d: T.nn.BatchNorm1d(3, dtype=d), (6, 3)),
    "bn1d_perturbed": (lambda T, d: perturbed(T, T.nn.BatchNorm1d(3, dtype=d)), (6, 3, 2)),
    "bn1d_seq": (lambda T, d: T.nn.BatchNorm1d(3, momentum=0.3, eps=1e-3, dtype=d), (4, 3, 5)),
    "bn1d_no_affine": (lambda T, d: T.nn.BatchNorm1d(4, affine=False, dtype=d), (5, 4)),
    "bn2d": (lambda T, d: T.nn.BatchNorm2d(3, dtype=d), (2, 3, 4, 5)),
    "bn2d_perturbed": (lambda T, d: perturbed(T, T.nn.BatchNorm2d(3, dtype=d)), (2, 3, 4, 5)),
    "bn2d_cumulative": (lambda T, d: T.nn.BatchNorm2d(2, momentum=None, dtype=d),
                        (3, 2, 3, 3)),
    "bn2d_untracked": (lambda T, d: T.nn.BatchNorm2d(3, track_running_stats=False, dtype=d),
                       (2, 3, 3, 2)),
    "bn3d": (lambda T, d: T.nn.BatchNorm3d(2, dtype=d), (2, 2, 3, 2, 2)),
}


@pytest.mark.parametrize("dtype", FLOAT_DTYPES)
@pytest.mark.parametrize("name", sorted(BATCHNORM))
def test_batchnorm_modules_over_training_and_eval(name, dtype):
    """Three training steps (running stats and num_batches_tracked after each), then eval
    forwards that use the running statistics."""
    ctor, shape = BATCHNORM[name]
    tol = 1e-4 if dtype == "float32" else 1e-10
    ref, got = assert_module_parity(ctor, [rand(shape, 0)], dtype, tol=tol)
    T = oz()
    for step in (1, 2):
        x = rand(shape, step, lo=-step, hi=3)
        ref(*make_inputs(torch, [x], dtype))
        got(*make_inputs(T, [x], dtype))
        got_bufs = dict(got.named_buffers())
        for bname, r in ref.named_buffers():
            assert_close(r, got_bufs[bname], tol, "buffer %s after step %d" % (bname, step))
    ref.eval()
    got.eval()
    x = rand(shape, 9)
    ref_out, ref_grads = run_module(torch, ref, [x], dtype, False)
    got_out, got_grads = run_module(T, got, [x], dtype, False)
    assert_close(ref_out, got_out, tol, "eval output")
    assert_close(ref_grads[0], got_grads[0], tol, "eval input gradient")
    got_bufs = dict(got.named_buffers())
    for bname, r in ref.named_buffers():  # eval leaves the buffers alone
        assert_close(r, got_bufs[bname], tol, "buffer %s after eval" % bname)


def test_batchnorm_buffers_state_dict_and_repr():
    for T in (torch, oz()):
        bn = T.nn.BatchNorm2d(3, momentum=None)
        assert repr(bn) == ("BatchNorm2d(3, eps=1e-05, momentum=None, affine=True, "
                            "track_running_stats=True)")
        assert list(bn.state_dict()) == ["weight", "bias", "running_mean", "running_var",
                                         "num_batches_tracked"]
        assert str(bn.num_batches_tracked.dtype) == "torch.int64"
        assert bn.num_batches_tracked.dim() == 0
        assert bn.weight.tolist() == [1.0] * 3 and bn.bias.tolist() == [0.0] * 3
        assert bn.running_mean.tolist() == [0.0] * 3 and bn.running_var.tolist() == [1.0] * 3
        bare = T.nn.BatchNorm1d(4, affine=False, track_running_stats=False)
        assert list(bare.state_dict()) == []
        assert bare.running_mean is None and bare.weight is None
        assert repr(bare) == ("BatchNorm1d(4, eps=1e-05, momentum=0.1, affine=False, "
                              "track_running_stats=False)")
        bn(T.ones(2, 3, 2, 2) * T.arange(3.0).view(1, 3, 1, 1))
        bn.reset_running_stats()
        assert bn.num_batches_tracked.item() == 0 and bn.running_var.tolist() == [1.0] * 3


def test_batchnorm_loads_a_state_dict_without_num_batches_tracked():
    """Checkpoints older than BatchNorm's version 2 lack num_batches_tracked."""
    T = oz()
    src = T.nn.BatchNorm1d(2)
    with T.no_grad():
        src.running_mean.fill_(0.5)
    sd = src.state_dict()
    del sd["num_batches_tracked"]
    sd._metadata[""]["version"] = 1
    dst = T.nn.BatchNorm1d(2)
    dst.num_batches_tracked.fill_(5)
    dst.load_state_dict(sd)
    assert dst.running_mean.tolist() == [0.5, 0.5]
    # PyTorch 2.x keeps the module's own count (1.13 reset it to 0)
    assert dst.num_batches_tracked.item() == 5
    # a current checkpoint must have it
    sd = T.nn.BatchNorm1d(2).state_dict()
    del sd["num_batches_tracked"]
    with pytest.raises(RuntimeError, match="num_batches_tracked"):
        T.nn.BatchNorm1d(2).load_state_dict(sd)


def test_batchnorm_errors():
    check(lambda T: T.nn.BatchNorm2d(3)(T.ones(2, 3, 4)), raises=ValueError)
    check(lambda T: T.nn.BatchNorm1d(3)(T.ones(2, 3, 4, 5)), raises=ValueError)
    check(lambda T: T.nn.BatchNorm1d(3)(T.ones(1, 3)), raises=ValueError)  # one value
    check(lambda T: T.nn.BatchNorm2d(3)(T.ones(2, 4, 2, 2)), raises=RuntimeError)

    def one_value_in_eval(T):
        bn = T.nn.BatchNorm1d(3)
        bn.eval()
        return bn(T.ones(1, 3))
    check(one_value_in_eval)


LAYERNORM = {
    "last": (lambda T, d: T.nn.LayerNorm(5, dtype=d), (2, 3, 5)),
    "last_perturbed": (lambda T, d: perturbed(T, T.nn.LayerNorm(5, dtype=d)), (2, 3, 5)),
    "two_dims": (lambda T, d: T.nn.LayerNorm([3, 5], eps=1e-3, dtype=d), (2, 3, 5)),
    "no_affine": (lambda T, d: T.nn.LayerNorm((4,), elementwise_affine=False, dtype=d),
                  (3, 4)),
}


@pytest.mark.parametrize("dtype", FLOAT_DTYPES)
@pytest.mark.parametrize("name", sorted(LAYERNORM))
def test_layernorm_modules(name, dtype):
    ctor, shape = LAYERNORM[name]
    assert_module_parity(ctor, [rand(shape)], dtype, tol=1e-5 if dtype == "float32" else None)


@pytest.mark.parametrize("dtype", FLOAT_DTYPES)
def test_layernorm_without_bias(dtype):
    """bias=False (PyTorch 2.1+): only a weight; the same as torch's LayerNorm with a bias
    held at zero."""
    T = oz()
    got = T.nn.LayerNorm(4, bias=False, dtype=getattr(T, dtype))
    assert got.bias is None and list(got.state_dict()) == ["weight"]
    assert repr(got) == "LayerNorm((4,), eps=1e-05, elementwise_affine=True)"
    ref = torch.nn.LayerNorm(4, dtype=getattr(torch, dtype))
    with torch.no_grad():
        ref.weight.uniform_(0.5, 2)
    with T.no_grad():
        got.weight.copy_(T.tensor(ref.weight.tolist()))
    x = rand((3, 4))
    ref_out, ref_grads = run_module(torch, ref, [x], dtype, False)
    got_out, got_grads = run_module(T, got, [x], dtype, False)
    assert_close(ref_out, got_out, 1e-5, "output")
    assert_close(ref_grads[0], got_grads[0], 1e-5, "input gradient")
    assert_close(ref.weight.grad, got.weight.grad, 1e-5, "weight gradient")


def test_layernorm_repr_and_errors():
    for ctor in [lambda T: T.nn.LayerNorm(5), lambda T: T.nn.LayerNorm([3, 5], eps=1e-3),
                 lambda T: T.nn.LayerNorm((4,), elementwise_affine=False)]:
        assert repr(ctor(oz())) == repr(ctor(torch))
    assert list(oz().nn.LayerNorm(3).state_dict()) == ["weight", "bias"]
    check(lambda T: T.nn.LayerNorm(4)(T.ones(2, 3)), raises=RuntimeError)


# ------------------------------------------------------------------ embedding

EMBEDDING = {
    "plain": lambda T, d: T.nn.Embedding(10, 3, dtype=d),
    "padding_idx": lambda T, d: T.nn.Embedding(10, 3, padding_idx=2, dtype=d),
    "negative_padding_idx": lambda T, d: T.nn.Embedding(10, 3, padding_idx=-1, dtype=d),
    "max_norm": lambda T, d: T.nn.Embedding(10, 4, max_norm=1.5, dtype=d),
    "max_norm_l1": lambda T, d: T.nn.Embedding(10, 4, max_norm=2.0, norm_type=1.0, dtype=d),
    "scale_grad_by_freq": lambda T, d: T.nn.Embedding(10, 3, scale_grad_by_freq=True, dtype=d),
}


@pytest.mark.parametrize("dtype", FLOAT_DTYPES)
@pytest.mark.parametrize("name", sorted(EMBEDDING))
def test_embedding_modules(name, dtype):
    idx = classes((4, 5), 10)
    idx[0, :3] = [2, 9, 2]
    ref, got = assert_module_parity(EMBEDDING[name], [idx], dtype)
    if "max_norm" in name:  # the looked-up rows were renormalised in place
        assert_close(ref.weight.detach(), got.weight.detach(), TOL[dtype], "renormed weight")


def test_embedding_padding_row_starts_at_zero_and_reprs():
    T = oz()
    e = T.nn.Embedding(6, 3, padding_idx=-2)
    assert e.padding_idx == 4 and e.weight[4].tolist() == [0.0, 0.0, 0.0]
    assert e.weight.requires_grad
    for ctor in EMBEDDING.values():
        assert repr(ctor(T, None)) == repr(ctor(torch, None))
    assert repr(T.nn.Embedding(3, 2, sparse=True)) == repr(torch.nn.Embedding(3, 2, sparse=True))


def test_embedding_from_pretrained():
    T = oz()
    for lib in (torch, T):
        w = lib.tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
        e = lib.nn.Embedding.from_pretrained(w)
        assert not e.weight.requires_grad
        assert e(lib.tensor([2, 0])).tolist() == [[5.0, 6.0], [1.0, 2.0]]
        assert repr(e) == "Embedding(3, 2)"
        trainable = lib.nn.Embedding.from_pretrained(w, freeze=False, padding_idx=1)
        assert trainable.weight.requires_grad and trainable.padding_idx == 1
        trainable(lib.tensor([1, 1, 2])).sum().backward()
        assert trainable.weight.grad.tolist() == [[0.0, 0.0], [0.0, 0.0], [1.0, 1.0]]
    check(lambda T: T.nn.Embedding.from_pretrained(T.ones(3)), raises=AssertionError)


def test_embedding_errors():
    check(lambda T: T.nn.Embedding(5, 2, padding_idx=5), raises=AssertionError)
    check(lambda T: T.nn.Embedding(5, 2, padding_idx=-6), raises=AssertionError)
    check(lambda T: T.nn.Embedding(5, 2, _weight=T.ones(4, 2)), raises=AssertionError)
    check(lambda T: T.nn.Embedding(5, 2)(T.tensor([5])), raises=IndexError)
    check(lambda T: T.nn.Embedding(5, 2)(T.tensor([1.0])), raises=RuntimeError)
    check(lambda T: T.nn.Embedding(5, 2, max_norm=1.0)(T.tensor([1.0])), raises=RuntimeError)


# ------------------------------------------------------------------ losses

def loss_inputs(kind, shape=(4, 5)):
    x, t = rand(shape, 0), rand(shape, 1)
    if kind == "prob":
        return [np.random.default_rng(0).uniform(0.05, 0.95, shape),
                np.random.default_rng(1).uniform(0, 1, shape)]
    if kind == "logits":
        return [x, np.random.default_rng(1).uniform(0, 1, shape)]
    if kind == "classes":
        c = classes((shape[0],) + shape[2:], shape[1], 2)
        c[0] = 1
        return [x, c]
    return [x, t]


LOSSES = {
    "l1": (lambda T, r: T.nn.L1Loss(reduction=r), "reg"),
    "mse": (lambda T, r: T.nn.MSELoss(reduction=r), "reg"),
    "smooth_l1": (lambda T, r: T.nn.SmoothL1Loss(reduction=r, beta=0.5), "reg"),
    "huber": (lambda T, r: T.nn.HuberLoss(reduction=r, delta=0.7), "reg"),
    "nll": (lambda T, r: T.nn.NLLLoss(reduction=r), "classes"),
    "nll_weight_ignore": (lambda T, r: T.nn.NLLLoss(
        weight=T.tensor([1.0, 2.0, 0.5, 1.5, 0.2]), ignore_index=1, reduction=r), "classes"),
    "cross_entropy": (lambda T, r: T.nn.CrossEntropyLoss(reduction=r), "classes"),
    "cross_entropy_all": (lambda T, r: T.nn.CrossEntropyLoss(
        weight=T.tensor([1.0, 2.0, 0.5, 1.5, 0.2]), ignore_index=1, reduction=r,
        label_smoothing=0.2), "classes"),
    "cross_entropy_probs": (lambda T, r: T.nn.CrossEntropyLoss(reduction=r,
                                                               label_smoothing=0.1), "prob"),
    "bce": (lambda T, r: T.nn.BCELoss(reduction=r), "prob"),
    "bce_weight": (lambda T, r: T.nn.BCELoss(weight=T.tensor([1.0, 2.0, 0.5, 1.5, 0.2]),
                                             reduction=r), "prob"),
    "bce_logits": (lambda T, r: T.nn.BCEWithLogitsLoss(reduction=r), "logits"),
    "bce_logits_weights": (lambda T, r: T.nn.BCEWithLogitsLoss(
        weight=T.tensor([1.0, 2.0, 0.5, 1.5, 0.2]),
        pos_weight=T.tensor([3.0, 1.0, 0.5, 2.0, 1.0]), reduction=r), "logits"),
}


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("name", sorted(LOSSES))
def test_loss_modules(name, reduction):
    ctor, kind = LOSSES[name]
    # the weight buffers are float32 when built; .double() follows them to float64
    assert_module_parity(lambda T, d: ctor(T, reduction).to(d), loss_inputs(kind), "float64")
    assert_module_parity(lambda T, d: ctor(T, reduction), loss_inputs(kind), "float32")


def test_cross_entropy_module_spatial_targets():
    assert_module_parity(lambda T, d: T.nn.CrossEntropyLoss(ignore_index=0),
                         loss_inputs("classes", (2, 3, 4, 2)), "float64")


def test_loss_buffers_and_attributes():
    for T in (torch, oz()):
        w, pw = T.tensor([1.0, 2.0]), T.tensor([3.0, 4.0])
        ce = T.nn.CrossEntropyLoss(weight=w, ignore_index=3, label_smoothing=0.1)
        assert list(ce.state_dict()) == ["weight"] and ce.weight is w
        assert (ce.ignore_index, ce.label_smoothing, ce.reduction) == (3, 0.1, "mean")
        assert list(dict(ce.named_buffers())) == ["weight"]
        assert list(T.nn.CrossEntropyLoss().state_dict()) == []
        bce = T.nn.BCEWithLogitsLoss(weight=w, pos_weight=pw)
        assert list(bce.state_dict()) == ["weight", "pos_weight"]
        assert list(T.nn.BCEWithLogitsLoss(pos_weight=pw).state_dict()) == ["pos_weight"]
        assert T.nn.NLLLoss().weight is None and T.nn.BCELoss().weight is None
        assert (T.nn.SmoothL1Loss(beta=0.5).beta, T.nn.HuberLoss(delta=2.0).delta) == (0.5, 2.0)
        for cls in ("L1Loss", "MSELoss", "CrossEntropyLoss", "BCEWithLogitsLoss", "HuberLoss"):
            assert repr(getattr(T.nn, cls)()) == cls + "()"


def test_loss_legacy_reduction_arguments_warn_like_torch():
    for T in (torch, oz()):
        with pytest.warns(UserWarning, match="size_average and reduce args will be deprecated"):
            assert T.nn.MSELoss(size_average=False).reduction == "sum"
        with pytest.warns(UserWarning):
            assert T.nn.NLLLoss(reduce=False).reduction == "none"
        with pytest.warns(UserWarning):
            assert T.nn.CrossEntropyLoss(size_average=True, reduce=True).reduction == "mean"


@pytest.mark.filterwarnings("ignore:Using a target size")
def test_loss_errors():
    check(lambda T: T.nn.MSELoss(reduction="avg")(T.ones(2), T.ones(2)), raises=ValueError)
    check(lambda T: T.nn.CrossEntropyLoss()(T.ones(2, 3), T.tensor([0, 3])),
          raises=IndexError)
    check(lambda T: T.nn.CrossEntropyLoss()(T.ones(2, 3), T.tensor([0, 1, 2])),
          raises=ValueError)
    check(lambda T: T.nn.NLLLoss(weight=T.ones(2))(T.ones(2, 3), T.tensor([0, 1])),
          raises=RuntimeError)
    check(lambda T: T.nn.BCELoss()(T.ones(2, 3) / 2, T.ones(3, 2)), raises=ValueError)
    check(lambda T: T.nn.BCEWithLogitsLoss()(T.ones(2, 3), T.ones(2)), raises=ValueError)
    check(lambda T: T.nn.L1Loss()(T.ones(2, 3), T.ones(4, 3)), raises=RuntimeError)


# ------------------------------------------------------------------ dropout

def test_dropout_reprs_and_errors():
    for ctor in [lambda T: T.nn.Dropout(), lambda T: T.nn.Dropout(0.2, inplace=True),
                 lambda T: T.nn.Dropout1d(0.1), lambda T: T.nn.Dropout2d(),
                 lambda T: T.nn.Dropout3d(0.7)]:
        assert repr(ctor(oz())) == repr(ctor(torch))
    assert repr(oz().nn.Dropout()) == "Dropout(p=0.5, inplace=False)"
    for cls in ("Dropout", "Dropout1d", "Dropout2d", "Dropout3d"):
        check(lambda T: getattr(T.nn, cls)(1.5), raises=ValueError)
        check(lambda T: getattr(T.nn, cls)(-0.1), raises=ValueError)
    check(lambda T: T.nn.Dropout1d()(T.ones(2, 3, 4, 5)), raises=RuntimeError)
    check(lambda T: T.nn.Dropout2d(inplace=True)(T.ones(2, 3, 4, 4, requires_grad=True)),
          raises=RuntimeError)


@pytest.mark.parametrize("cls", ["Dropout", "Dropout1d", "Dropout2d", "Dropout3d"])
def test_dropout_eval_and_p0_return_the_input(cls):
    shape = {"Dropout": (4, 5), "Dropout1d": (2, 3, 4), "Dropout2d": (2, 3, 4, 4),
             "Dropout3d": (2, 3, 2, 2, 2)}[cls]

    def f(T):
        x = T.ones(shape)
        m = getattr(T.nn, cls)(0.5)
        m.eval()
        y = m(x)
        m.train()
        return y, y is x, getattr(T.nn, cls)(0.0)(x) is x, getattr(T.nn, cls)(1.0)(x)
    check(f)


@pytest.mark.parametrize("cls,shape,channel_dims", [
    ("Dropout", (200, 500), 2),
    ("Dropout1d", (100, 200, 5), 2),
    ("Dropout1d", (2000, 5), 1),  # unbatched [C, L]
    ("Dropout2d", (50, 400, 3, 3), 2),
    ("Dropout3d", (40, 500, 2, 2, 2), 2),
    ("Dropout3d", (2000, 2, 2, 2), 1),  # unbatched [C, D, H, W]
])
@pytest.mark.parametrize("p", [0.2, 0.6])
def test_dropout_statistics_and_gradient(cls, shape, channel_dims, p):
    """About p of the units (whole channels for the Nd forms) are zero, the others are scaled
    by 1/(1-p), and the gradient is the same mask."""
    T = oz()
    T.manual_seed(1)
    x = T.ones(shape, dtype=T.float64, requires_grad=True)
    y = getattr(T.nn, cls)(p)(x)
    y.sum().backward()
    out = np.asarray(y.tolist())
    assert set(np.unique(out).tolist()) <= {0.0, 1 / (1 - p)}
    units = out.reshape(int(np.prod(shape[:channel_dims])), -1)
    assert (units.min(axis=1) == units.max(axis=1)).all(), "a channel was only partly dropped"
    dropped = (units[:, 0] == 0).mean()
    assert abs(dropped - p) < 0.05, (dropped, p)
    np.testing.assert_array_equal(np.asarray(x.grad.tolist()), out)


def test_dropout_inplace_and_dropout2d_warnings():
    T = oz()
    x = T.ones(10, 4, 3, 3)
    assert T.nn.Dropout2d(0.5, inplace=True)(x) is x
    assert set(np.unique(np.asarray(x.tolist())).tolist()) <= {0.0, 2.0}
    for lib in (torch, T):
        with pytest.warns(UserWarning, match="Received a 3D input to dropout2d"):
            lib.nn.Dropout2d()(lib.ones(2, 3, 4))
        with pytest.warns(UserWarning, match="Received a 2-D input to dropout2d"):
            lib.nn.Dropout2d()(lib.ones(2, 3))
        with pytest.warns(UserWarning, match="Received a 3-D input to dropout3d"):
            lib.nn.Dropout3d()(lib.ones(2, 3, 4))


# ------------------------------------------------------------------ default initialisation

def stats(t):
    a = np.asarray(t.detach().tolist(), dtype=np.float64).ravel()
    return a.min(), a.max(), a.mean(), a.std()


@pytest.mark.parametrize("ctor,fan_in", [
    (lambda T: T.nn.Linear(400, 300), 400),
    (lambda T: T.nn.Conv2d(16, 500, 3), 16 * 9),
    (lambda T: T.nn.Conv1d(8, 1000, 5, groups=2), 4 * 5),
    (lambda T: T.nn.Bilinear(50, 20, 100), 50),
])
def test_default_init_is_uniform_over_one_over_sqrt_fan_in(ctor, fan_in):
    """Linear/Conv: kaiming_uniform_(a=sqrt(5)) for the weight, which is U(-1/sqrt(fan_in),
    1/sqrt(fan_in)), and the bias U(-1/sqrt(fan_in), 1/sqrt(fan_in)); Bilinear uses
    weight.size(1) as fan_in. torch's draw passes the same checks."""
    bound = 1 / math.sqrt(fan_in)
    for T in (torch, oz()):
        T.manual_seed(0)
        m = ctor(T)
        for t in (m.weight, m.bias):
            lo, hi, mean, std = stats(t)
            assert -bound <= lo and hi <= bound
            n = t.numel()
            if n >= 10000:
                assert lo < -0.98 * bound and hi > 0.98 * bound
                assert abs(mean) < 0.02 * bound
                assert abs(std - bound / math.sqrt(3)) < 0.02 * bound


def test_default_init_of_embedding_and_norms():
    T = oz()
    T.manual_seed(0)
    e = T.nn.Embedding(1000, 100)
    _, _, mean, std = stats(e.weight)
    assert abs(mean) < 0.02 and abs(std - 1) < 0.02
    ln = T.nn.LayerNorm((2, 3))
    assert ln.weight.tolist() == [[1.0] * 3] * 2 and ln.bias.tolist() == [[0.0] * 3] * 2
    bn = T.nn.BatchNorm1d(4)
    assert bn.weight.tolist() == [1.0] * 4 and bn.bias.tolist() == [0.0] * 4
    # the draws come from OzTorch's generator: seeded, they repeat
    T.manual_seed(5)
    a = T.nn.Linear(3, 4).weight.tolist()
    T.manual_seed(5)
    assert T.nn.Linear(3, 4).weight.tolist() == a


@pytest.mark.parametrize("dtype", FLOAT_DTYPES)
def test_factory_kwargs_give_every_parameter_and_buffer_the_dtype(dtype):
    T = oz()
    d = getattr(T, dtype)
    for m in [T.nn.Linear(2, 3, dtype=d), T.nn.Bilinear(2, 2, 3, dtype=d),
              T.nn.Conv1d(2, 3, 2, dtype=d), T.nn.Conv2d(2, 3, 2, dtype=d),
              T.nn.BatchNorm2d(3, dtype=d), T.nn.LayerNorm(3, dtype=d),
              T.nn.Embedding(4, 3, dtype=d)]:
        for name, t in m.state_dict().items():
            want = "torch.int64" if name == "num_batches_tracked" else "torch." + dtype
            assert str(t.dtype) == want, (m, name)
            assert str(t.device) == "cpu"
    m = T.nn.Linear(2, 3, device="cpu")
    assert str(m.weight.device) == "cpu"


def test_reset_parameters_redraws():
    T = oz()
    for m in [T.nn.Linear(20, 30), T.nn.Conv2d(3, 8, 3), T.nn.Embedding(10, 4, padding_idx=0)]:
        before = m.weight.tolist()
        m.reset_parameters()
        assert m.weight.tolist() != before
    e = T.nn.Embedding(10, 4, padding_idx=0)
    e.reset_parameters()
    assert e.weight[0].tolist() == [0.0] * 4


# ------------------------------------------------------------------ a whole model

def test_small_cnn_model_matches_torch():
    """A LeNet-like model built from these modules: repr, state_dict keys, forward, loss and
    every parameter gradient agree with torch after copying its weights."""
    T = oz()

    def build(lib, d):
        nn = lib.nn
        return nn.Sequential(
            nn.Conv2d(1, 4, 3, padding=1), nn.BatchNorm2d(4), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(4, 6, 3), nn.GELU(), nn.AvgPool2d(2, ceil_mode=True), nn.Dropout(0.0),
            nn.Flatten(), nn.Linear(6 * 2 * 2, 10), nn.LogSoftmax(dim=1)).to(d)

    x = rand((3, 1, 10, 10))
    target = classes((3,), 10)
    torch.manual_seed(0)
    ref, got = assert_module_parity(build, [x], "float64")
    for lib, m in ((torch, ref), (T, got)):
        m.zero_grad()
        xs = make_inputs(lib, [x, target], "float64")
        lib.nn.NLLLoss()(m(xs[0]), xs[1]).backward()
    got_params = dict(got.named_parameters())
    for name, r in ref.named_parameters():
        assert_close(r.grad, got_params[name].grad, 1e-10, name)
