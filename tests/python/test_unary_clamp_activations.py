"""clamp/clip/clamp_min/clamp_max (number and tensor bounds) and the activations
torch.nn.functional calls (torch._C._nn.<name> in PyTorch, oztorch._C._nn_<name> here) against
torch: dtypes, parameters, NaN/inf, broadcasting, in-place forms, out= and the errors."""
import pytest
import torch

from conftest import DTYPES, FLOAT_DTYPES, LAYOUTS, check, dt, mk, mk_layout, sample
from test_unary import SPECIAL, checked


def nn(T, name):
    """torch._C._nn.<name> for torch, _C._nn_<name> for oztorch."""
    return getattr(torch._C._nn, name) if T is torch else getattr(T._C, "_nn_" + name)


# ------------------------------------------------------------------ clamp with numbers

BOUNDS = [(0, 1), (-2.5, 2.5), (None, 3), (-1, None), (2, -2), (True, None), (0.5, True),
          (float("nan"), 1.0), (None, float("nan")), (-float("inf"), float("inf")), (5, 5)]


@pytest.mark.parametrize("lo,hi", BOUNDS, ids=str)
@pytest.mark.parametrize("dtype", DTYPES)
def test_clamp_numbers(dtype, lo, hi):
    a = sample((2, 3), dtype, seed=1)
    checked(lambda T: T.clamp(mk(T, a, dtype), lo, hi))
    checked(lambda T: T.clip(mk(T, a, dtype), min=lo, max=hi))
    checked(lambda T: mk(T, a, dtype).clamp(lo, max=hi))

    def inplace(T):
        t = mk(T, a, dtype)
        r = t.clamp_(lo, hi)
        return t, r is t
    checked(inplace)


@pytest.mark.parametrize("dtype", DTYPES)
def test_clamp_min_max_numbers(dtype):
    a = sample((2, 3), dtype, seed=2)
    for v in [0, 2.5, -3, True, float("nan")]:
        checked(lambda T: T.clamp_min(mk(T, a, dtype), v))
        checked(lambda T: mk(T, a, dtype).clamp_max(v))
        checked(lambda T: T.clamp_max_(mk(T, a, dtype), v))
        checked(lambda T: mk(T, a, dtype).clamp_min_(v))


def test_clamp_special_values():
    for dtype in FLOAT_DTYPES:
        checked(lambda T: T.clamp(T.tensor(SPECIAL, dtype=dt(T, dtype)), -2.0, 2.0))
        checked(lambda T: T.clamp(T.tensor(SPECIAL, dtype=dt(T, dtype)), 2.0, -2.0))
        checked(lambda T: T.clamp(T.tensor(SPECIAL, dtype=dt(T, dtype)), max=-0.0))


def test_clamp_number_errors():
    check(lambda T: T.clamp(T.ones(2)), raises=RuntimeError)
    check(lambda T: T.clamp(T.ones(2), None, None), raises=RuntimeError)
    check(lambda T: T.clamp(T.ones(2), "a"), raises=TypeError)
    check(lambda T: T.clamp_min(T.ones(2)), raises=TypeError)
    check(lambda T: T.clamp_min(T.ones(2), None), raises=TypeError)
    check(lambda T: T.clamp(T.ones(2, dtype=T.uint8), -1, 300), raises=RuntimeError)
    check(lambda T: T.clamp(T.ones(2, dtype=T.uint8), -255))       # negatives wrap
    check(lambda T: T.clamp(T.ones(2, dtype=T.uint8), -256), raises=RuntimeError)
    check(lambda T: T.clamp(T.ones(2, dtype=T.int32), 2 ** 40), raises=RuntimeError)
    check(lambda T: T.clamp(T.ones(2), 1e300), raises=RuntimeError)
    check(lambda T: T.clamp(T.ones(2, dtype=T.float64), 1e300))
    check(lambda T: T.clamp(T.ones(2, dtype=T.bool), True, True), raises=RuntimeError)
    check(lambda T: T.ones(2, dtype=T.int64).clamp_(0.5, 1), raises=RuntimeError)
    check(lambda T: T.clamp(T.ones(2), 0, 1, out=T.empty(2, dtype=T.float64)),
          raises=RuntimeError)
    check(lambda T: T.clamp(T.ones(3), 0, T.ones(3)), raises=TypeError)     # number and tensor
    check(lambda T: T.ones(3).clamp(T.ones(3), 2.0), raises=TypeError)


def test_clamp_out():
    def f(T):
        out = T.empty(0)
        r = T.clamp(T.tensor([-1.0, 0.5, 3.0]), 0, 1, out=out)
        return out, r is out
    check(f)

    def g(T):
        out = T.zeros(3, dtype=T.float64)
        T.clamp(T.tensor([1, 5, 9]), 2.5, out=out)  # float32 result: out= must be float32
        return out
    check(g, raises=RuntimeError)


# ------------------------------------------------------------------ clamp with tensors

SHAPES = [((2, 3), (3,), (2, 1)), ((3,), (2, 3), ()), ((), (4,), (4,)), ((2, 3), (), None),
          ((2, 3), None, (1, 3)), ((0, 3), (3,), (1,)), ((2, 1), (1, 3), (2, 3))]


@pytest.mark.parametrize("shapes", SHAPES, ids=str)
def test_clamp_tensor_bounds_broadcast(shapes):
    xs, ls, hs = shapes
    x, lo, hi = sample(xs, "float32", seed=3), None, None
    if ls is not None:
        lo = sample(ls, "float32", seed=4) - 2
    if hs is not None:
        hi = sample(hs, "float32", seed=5) + 2

    def f(T, fn="clamp"):
        a = mk(T, lo) if lo is not None else None
        b = mk(T, hi) if hi is not None else None
        return getattr(T, fn)(mk(T, x), a, b)
    checked(f)
    checked(lambda T: f(T, "clip"))


@pytest.mark.parametrize("b_dtype", ["float64", "int64", "int8", "bool"])
@pytest.mark.parametrize("a_dtype", ["float32", "int32", "uint8", "bool"])
def test_clamp_tensor_bounds_dtypes(a_dtype, b_dtype):
    a = sample((2, 3), a_dtype, seed=6)
    b, c = sample((3,), b_dtype, seed=7), sample((2, 3), b_dtype, seed=8)
    checked(lambda T: T.clamp(mk(T, a, a_dtype), mk(T, b, b_dtype), mk(T, c, b_dtype)))
    checked(lambda T: T.clamp_min(mk(T, a, a_dtype), mk(T, b, b_dtype)))
    checked(lambda T: T.clamp_max(mk(T, a, a_dtype), T.tensor(1, dtype=dt(T, b_dtype))))

    def inplace(T):
        t = mk(T, a, a_dtype)
        r = t.clamp_(mk(T, b, b_dtype))
        return t, r is t
    checked(inplace)


def test_clamp_tensor_nan_and_crossed_bounds():
    nan = float("nan")
    x = [nan, -3.0, 0.0, 3.0, 1.0, 2.0]
    lo = [0.0, nan, 0.0, 0.0, 2.0, 1.0]
    hi = [1.0, 1.0, nan, 1.0, 0.0, 5.0]
    checked(lambda T: T.clamp(T.tensor(x), T.tensor(lo), T.tensor(hi)))
    checked(lambda T: T.clamp_min(T.tensor(x), T.tensor(lo)))
    checked(lambda T: T.clamp_max(T.tensor(x), T.tensor(hi)))


@pytest.mark.parametrize("layout", LAYOUTS)
def test_clamp_non_contiguous(layout):
    a, b = sample((3, 4), "float64", seed=9), sample((3, 4), "float64", seed=10)
    checked(lambda T: T.clamp(mk_layout(T, a, "float64", layout), -1.0, 2.0))
    checked(lambda T: T.clamp(mk_layout(T, a, "float64", layout),
                              mk_layout(T, b, "float64", layout)))

    def inplace(T):
        t = mk_layout(T, a, "float64", layout)
        t.clamp_(max=mk_layout(T, b, "float64", layout))
        return t
    checked(inplace)


def test_clamp_tensor_errors():
    check(lambda T: T.clamp(T.ones(2), T.zeros(3)), raises=RuntimeError)
    check(lambda T: T.ones(3).clamp_(T.zeros(2, 3)), raises=RuntimeError)
    check(lambda T: T.ones(3).clamp_min_(T.zeros(2, 3)), raises=RuntimeError)
    check(lambda T: T.ones(3, dtype=T.int64).clamp_(T.zeros(3)), raises=RuntimeError)
    check(lambda T: T.clamp(T.ones(3), None, None), raises=RuntimeError)

    def out_cast(T):
        out = T.zeros(2, dtype=T.float64)
        T.clamp(T.ones(2), T.zeros(2), out=out)
        return out
    check(out_cast)


# ------------------------------------------------------------------ activations

ACTIVATIONS = [
    ("gelu", (), {}), ("gelu", (), {"approximate": "tanh"}), ("gelu", (), {"approximate": "none"}),
    ("silu", (), {}), ("leaky_relu", (), {}), ("leaky_relu", (0.2,), {}),
    ("leaky_relu", (), {"negative_slope": -0.5}), ("elu", (), {}), ("elu", (0.5,), {}),
    ("elu", (2.0, 1.5, 0.5), {}), ("elu", (), {"alpha": 1.6732632423543772,
                                             "scale": 1.0507009873554805}),
    ("softplus", (), {}), ("softplus", (2, 3), {}), ("softplus", (), {"beta": 0.5}),
    ("softplus", (), {"threshold": 1}), ("hardtanh", (), {}), ("hardtanh", (-2, 3.5), {}),
    ("hardtanh", (), {"min_val": 0.5, "max_val": 0.25}), ("relu6", (), {}),
]
IDS = ["%s%s%s" % (n, a, sorted(k.items())) for n, a, k in ACTIVATIONS]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name,args,kwargs", ACTIVATIONS, ids=IDS)
def test_activation(name, args, kwargs, dtype):
    a = sample((3, 4), dtype, seed=11)
    checked(lambda T: nn(T, name)(mk(T, a, dtype), *args, **kwargs))


@pytest.mark.parametrize("name,args,kwargs", ACTIVATIONS, ids=IDS)
def test_activation_special_values_and_layouts(name, args, kwargs):
    for dtype in FLOAT_DTYPES:
        checked(lambda T: nn(T, name)(T.tensor(SPECIAL, dtype=dt(T, dtype)), *args, **kwargs))
    a = sample((3, 4), "float64", seed=12)
    checked(lambda T: nn(T, name)(mk_layout(T, a, "float64", "transposed"), *args, **kwargs))
    checked(lambda T: nn(T, name)(mk_layout(T, a, "float64", "strided"), *args, **kwargs))
    checked(lambda T: nn(T, name)(T.tensor(-0.75), *args, **kwargs))
    checked(lambda T: nn(T, name)(T.zeros(0, 2), *args, **kwargs))


@pytest.mark.parametrize("name,args,kwargs", ACTIVATIONS, ids=IDS)
def test_activation_inplace_and_out(name, args, kwargs):
    a = sample((2, 5), "float32", seed=13)
    if hasattr(torch._C._nn, name + "_"):
        def inplace(T):
            t = mk(T, a, "float32")
            r = nn(T, name + "_")(t, *args, **kwargs)
            return t, r is t
        checked(inplace)

    def out(T):
        o = T.empty(0)
        r = nn(T, name)(mk(T, a, "float32"), *args, out=o, **kwargs)
        return o, r is o
    checked(out)
    checked(lambda T: nn(T, name)(mk(T, a, "float32"), *args, out=T.empty(0, dtype=T.float64),
                                  **kwargs))


def test_activation_argument_errors():
    x = [1.0, -1.0]
    check(lambda T: nn(T, "gelu")(T.tensor(x), approximate="foo"), raises=RuntimeError)
    check(lambda T: nn(T, "gelu")(T.tensor(x), approximate=None), raises=TypeError)
    check(lambda T: nn(T, "gelu")(T.tensor(x), "tanh"), raises=TypeError)
    check(lambda T: nn(T, "leaky_relu")(T.tensor(x), "a"), raises=TypeError)
    check(lambda T: nn(T, "leaky_relu")(T.tensor(x), 1e300), raises=RuntimeError)
    check(lambda T: nn(T, "elu")(T.tensor(x), 1e300), raises=RuntimeError)
    check(lambda T: nn(T, "softplus")(T.tensor(x), 1e300), raises=RuntimeError)
    check(lambda T: nn(T, "softplus")(T.tensor(x, dtype=T.float64), 1e300))
    check(lambda T: nn(T, "silu")("x"), raises=TypeError)
    check(lambda T: nn(T, "relu6")(T.tensor(x), out=T.empty(2)), raises=TypeError)
    check(lambda T: nn(T, "hardtanh")(T.tensor([1, -3, 5], dtype=T.uint8)), raises=RuntimeError)
    check(lambda T: nn(T, "hardtanh")(T.tensor([1, -3, 5], dtype=T.uint8), -0.5, 2.5))
    check(lambda T: nn(T, "hardtanh")(T.tensor([1, -3, 5]), -0.5, 2.5))
    check(lambda T: nn(T, "hardtanh")(T.tensor([1, -3, 5], dtype=T.int8), -1, 300),
          raises=RuntimeError)
    check(lambda T: nn(T, "hardtanh")(T.tensor([1, 3]), 1e300), raises=RuntimeError)
    check(lambda T: nn(T, "hardtanh_")(T.tensor([1, -3, 5]), -0.5, 2.5))
    check(lambda T: nn(T, "relu6")(T.tensor([1, 3, 9], dtype=T.uint8)))
    check(lambda T: nn(T, "relu6")(T.tensor([True])), raises=RuntimeError)


def test_relu_is_clamp_min_zero():
    # -0.0 and NaN pass through; integral dtypes are supported, bool is refused
    checked(lambda T: T.relu(T.tensor(SPECIAL)))
    for dtype in DTYPES:
        a = sample((5,), dtype, seed=14)
        checked(lambda T: T.relu_(mk(T, a, dtype)))


@pytest.mark.parametrize("dtype", DTYPES)
def test_selu_and_celu(dtype):
    a = sample((3, 4), dtype, seed=15)
    checked(lambda T: T.selu(mk(T, a, dtype)))
    checked(lambda T: T.celu(mk(T, a, dtype)))
    checked(lambda T: T.celu(mk(T, a, dtype), 0.5))
    checked(lambda T: T.celu(mk(T, a, dtype), alpha=-2))

    def inplace(T):
        t, u = mk(T, a, dtype), mk(T, a, dtype)
        r, q = T.selu_(t), T.celu_(u, 1.5)
        return t, u, r is t, q is u
    checked(inplace)


def test_selu_celu_special_values_and_errors():
    for dtype in FLOAT_DTYPES:
        checked(lambda T: T.selu(T.tensor(SPECIAL, dtype=dt(T, dtype))))
        checked(lambda T: T.celu(T.tensor(SPECIAL, dtype=dt(T, dtype)), 0.25))
    check(lambda T: T.celu(T.ones(2), 0.0), raises=RuntimeError)
    check(lambda T: T.celu(T.ones(2), "a"), raises=TypeError)
    check(lambda T: T.selu(T.ones(2), 1.0), raises=TypeError)
