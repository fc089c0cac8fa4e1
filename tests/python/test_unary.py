"""Unary math ops against torch: every op as function, method, in-place method, torch.<op>_ and
out=, over every dtype (torch's result dtypes and refusals), special values, non-contiguous,
0-d and empty inputs; round(decimals=), nan_to_num, ~ and abs(). Clamp and the activations are
in test_unary_clamp_activations.py, gradients in test_unary_grad.py."""
import numpy as np
import pytest
import torch

from conftest import DTYPES, FLOAT_DTYPES, INT_DTYPES, LAYOUTS, check, dt, mk, mk_layout, sample

# Float ops: integral and bool inputs give float32, in-place on them is refused.
FLOAT_OPS = ["exp", "exp2", "log", "log2", "log10", "log1p", "expm1", "sqrt", "rsqrt",
             "reciprocal", "sin", "cos", "tan", "tanh", "sigmoid", "erf"]
# Ops keeping the input dtype (some refuse bool).
SAME_OPS = ["abs", "sign", "square", "relu", "floor", "ceil", "round", "trunc", "bitwise_not"]
BOOL_OPS = ["isnan", "isinf", "isfinite", "logical_not"]
ALL_OPS = FLOAT_OPS + SAME_OPS + BOOL_OPS + ["nan_to_num", "absolute"]
WITH_OUT = [op for op in ALL_OPS if op not in ("relu", "isnan", "isinf", "isfinite")]
WITH_INPLACE_METHOD = [op for op in ALL_OPS if op not in ("isnan", "isinf", "isfinite")]
WITH_INPLACE_FUNCTION = [op for op in WITH_INPLACE_METHOD
                         if op not in ("absolute", "sign", "logical_not", "bitwise_not")]

SPECIAL = [float("nan"), float("inf"), -float("inf"), 0.0, -0.0, 1.0, -1.0, 0.5, -0.5, 1.5,
           2.5, -2.5, 1e-30, -1e-30, 1e30, -1e30, 88.0, -88.0, 710.0, 3.0, 100.0, -100.0]


def torch_raises(fn):
    """The builtin exception class torch raises for fn(torch), or None."""
    try:
        fn(torch)
    except Exception as e:  # noqa: BLE001 - any failure is the expectation
        for cls in type(e).__mro__:
            if cls.__module__ == "builtins":
                return cls
    return None


def checked(fn, **kw):
    """check() that expects whatever torch does (a value or an exception)."""
    return check(fn, raises=torch_raises(fn), **kw)


# ------------------------------------------------------------------ every op x every dtype

@pytest.mark.parametrize("op", ALL_OPS)
def test_function_and_method(op):
    for dtype in DTYPES:
        a = sample((2, 3), dtype, seed=1)
        checked(lambda T: getattr(T, op)(mk(T, a, dtype)))
        checked(lambda T: getattr(mk(T, a, dtype), op)())


@pytest.mark.parametrize("op", WITH_INPLACE_METHOD)
def test_inplace_method_writes_self(op):
    for dtype in DTYPES:
        a = sample((2, 3), dtype, seed=2)

        def f(T):
            t = mk(T, a, dtype)
            r = getattr(t, op + "_")()
            return t, r is t
        checked(f)


@pytest.mark.parametrize("dtype", ["float32", "int64", "bool"])
@pytest.mark.parametrize("op", WITH_INPLACE_FUNCTION)
def test_inplace_function(op, dtype):
    a = sample((4,), dtype, seed=3)

    def f(T):
        t = mk(T, a, dtype)
        r = getattr(T, op + "_")(t)
        return t, r is t
    checked(f)


@pytest.mark.parametrize("op", ALL_OPS)
def test_float_special_values(op):
    for dtype in FLOAT_DTYPES:
        checked(lambda T: getattr(T, op)(T.tensor(SPECIAL, dtype=dt(T, dtype))))


def test_integral_edge_values():
    for dtype, vals in [("int8", [-128, -1, 0, 1, 127]), ("uint8", [0, 1, 128, 255]),
                        ("int64", [-2 ** 63, -5, 0, 5, 2 ** 63 - 1]),
                        ("int32", [-2 ** 31, 46341, -46341, 2 ** 31 - 1])]:
        for op in ["abs", "sign", "square", "relu", "bitwise_not", "logical_not", "floor",
                   "exp", "sqrt", "isfinite"]:
            checked(lambda T: getattr(T, op)(T.tensor(vals, dtype=dt(T, dtype))))


def test_float32_math_stays_float32():
    # float32 inputs are computed in float32: float64 math rounded would differ in places.
    x = np.linspace(-20, 20, 401).astype(np.float32)
    for op in ["exp", "expm1", "tanh", "sigmoid", "sin", "log1p", "rsqrt"]:
        check(lambda T: getattr(T, op)(T.tensor(x.tolist())), rtol=2e-7, atol=1e-30)


# ------------------------------------------------------------------ layouts, 0-d, empty

@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("op", ["exp", "abs", "sigmoid", "floor", "isnan", "logical_not",
                                "square", "relu", "bitwise_not"])
def test_non_contiguous(op, layout):
    dtype = "int32" if op == "bitwise_not" else "float64"
    a = sample((3, 4), dtype, seed=4)
    checked(lambda T: getattr(T, op)(mk_layout(T, a, dtype, layout)))

    def inplace(T):
        t = mk_layout(T, a, dtype, layout)
        if op in ("isnan",):
            return t
        getattr(t, op + "_")()
        return t
    checked(inplace)


def test_expanded_and_permuted_inputs():
    checked(lambda T: T.exp(T.arange(3.0).reshape(3, 1).expand(3, 4)))
    checked(lambda T: T.sin(T.arange(24.0).reshape(2, 3, 4).permute(2, 0, 1)[:, ::2]))
    # the result keeps the input's memory layout, as torch's does
    checked(lambda T: T.exp(T.ones(3, 4).t()).stride())
    # in place on an expanded tensor is refused (several elements share memory)
    checked(lambda T: T.ones(3, 1).expand(3, 4).exp_())


@pytest.mark.parametrize("op", ALL_OPS)
def test_0d_and_empty(op):
    checked(lambda T: getattr(T, op)(T.tensor(2.5)))
    checked(lambda T: getattr(T, op)(T.tensor(-3)))
    checked(lambda T: getattr(T, op)(T.zeros(0)))
    checked(lambda T: getattr(T, op)(T.zeros(2, 0, dtype=T.int64)))


# ------------------------------------------------------------------ out=

@pytest.mark.parametrize("in_dtype", ["float32", "int64", "bool"])
@pytest.mark.parametrize("op", WITH_OUT)
def test_out_dtype_rules(op, in_dtype):
    # float ops: any out dtype the result casts to; others: exactly the result dtype.
    a = sample((2, 3), in_dtype, seed=5)
    for out_dtype in ["float32", "float64", "int64", "int8", "bool"]:
        def f(T):
            out = T.zeros(2, 3, dtype=dt(T, out_dtype))
            r = getattr(T, op)(mk(T, a, in_dtype), out=out)
            return out, r is out
        # computed in float32 and then cast: float32's rounding, not float64's
        checked(f, rtol=1e-6 if in_dtype != "float64" else None)


@pytest.mark.parametrize("op", ["exp", "abs", "logical_not", "round"])
def test_out_resized_and_aliasing(op):
    def resized(T):
        out = T.zeros(0)
        getattr(T, op)(T.tensor([[0.5, -1.5], [2.5, 3.0]]), out=out)
        return out

    def same_as_input(T):
        t = T.tensor([0.5, -1.5, 2.5])
        getattr(T, op)(t, out=t)
        return t
    checked(resized)
    checked(same_as_input)


def test_out_partial_overlap_is_refused():
    def f(T):
        t = T.arange(6.0)
        return T.exp(t[:4], out=t[2:])
    check(f, raises=RuntimeError)


# ------------------------------------------------------------------ round, nan_to_num

@pytest.mark.parametrize("decimals", [0, 1, 2, 3, -1, -2, 40, -40, 400])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_round_decimals(decimals, dtype):
    vals = [1.25, 2.675, -1.35, 1234.5678, 1250.0, -1350.0, 0.5, 1.5, 2.5, -0.5, float("nan"),
            float("inf"), 1e-5, 123456.789]
    checked(lambda T: T.round(T.tensor(vals, dtype=dt(T, dtype)), decimals=decimals))
    checked(lambda T: T.tensor(vals, dtype=dt(T, dtype)).round(decimals=decimals))

    def inplace(T):
        t = T.tensor(vals, dtype=dt(T, dtype))
        t.round_(decimals=decimals)
        return t
    checked(inplace)


def test_round_argument_errors():
    check(lambda T: T.round(T.ones(2), 1), raises=TypeError)            # keyword-only
    check(lambda T: T.round(T.ones(2), decimals=1.5), raises=TypeError)
    check(lambda T: T.round(T.ones(2, dtype=T.int64), decimals=1), raises=RuntimeError)
    check(lambda T: T.round(T.ones(2, dtype=T.int64), decimals=0), raises=RuntimeError)
    check(lambda T: T.round(T.ones(2, dtype=T.int64)))
    check(lambda T: T.round(T.ones(2), decimals=2, out=T.empty(2, dtype=T.float64)),
          raises=RuntimeError)


@pytest.mark.parametrize("dtype", DTYPES)
def test_nan_to_num(dtype):
    vals = [float("nan"), float("inf"), -float("inf"), 1.5, -2.0, 0.0]
    if dtype not in FLOAT_DTYPES:
        vals = sample((6,), dtype, seed=6).tolist()
    checked(lambda T: T.nan_to_num(T.tensor(vals, dtype=dt(T, dtype))))
    checked(lambda T: T.nan_to_num(T.tensor(vals, dtype=dt(T, dtype)), 1.5, 2.5, -2.5))
    checked(lambda T: T.tensor(vals, dtype=dt(T, dtype)).nan_to_num(posinf=1e300, neginf=-7))
    checked(lambda T: T.nan_to_num(T.tensor(vals, dtype=dt(T, dtype)), nan=3, posinf=True))

    def inplace(T):
        t = T.tensor(vals, dtype=dt(T, dtype))
        r = t.nan_to_num_(nan=-1.0)
        return t, r is t
    checked(inplace)


def test_nan_to_num_argument_errors():
    check(lambda T: T.nan_to_num(T.ones(2), "a"), raises=TypeError)
    check(lambda T: T.nan_to_num(T.ones(2), out=T.empty(2, dtype=T.float64)), raises=RuntimeError)
    check(lambda T: T.nan_to_num(T.ones(2), 1.0, 2.0, 3.0, 4.0), raises=TypeError)


# ------------------------------------------------------------------ operators

@pytest.mark.parametrize("dtype", DTYPES)
def test_invert_and_abs_operators(dtype):
    a = sample((2, 3), dtype, seed=7)
    checked(lambda T: ~mk(T, a, dtype))
    checked(lambda T: mk(T, a, dtype).__invert__())
    checked(lambda T: abs(mk(T, a, dtype)))


def test_bitwise_not_values():
    check(lambda T: T.bitwise_not(T.tensor([0, 1, -1, 127, -128], dtype=T.int8)))
    check(lambda T: T.bitwise_not(T.tensor([0, 1, 255], dtype=T.uint8)))
    check(lambda T: ~T.tensor([True, False]))


# ------------------------------------------------------------------ bad arguments

@pytest.mark.parametrize("op", ["exp", "abs", "isnan", "relu", "sigmoid", "logical_not"])
def test_bad_arguments(op):
    check(lambda T: getattr(T, op)("a"), raises=TypeError)
    check(lambda T: getattr(T, op)(1.5), raises=TypeError)
    check(lambda T: getattr(T, op)([1.0, 2.0]), raises=TypeError)
    check(lambda T: getattr(T, op)(T.ones(2), T.ones(2)), raises=TypeError)
    check(lambda T: getattr(T, op)(), raises=TypeError)
    check(lambda T: getattr(T, op)(T.ones(2), bogus=1), raises=TypeError)
    check(lambda T: getattr(T.ones(2), op)(1), raises=TypeError)
    if op in WITH_OUT:
        check(lambda T: getattr(T, op)(T.ones(2), out="x"), raises=TypeError)


def test_relu_and_predicates_take_no_out():
    for op in ["relu", "isnan", "isinf", "isfinite"]:
        check(lambda T: getattr(T, op)(T.ones(2), out=T.empty(2)), raises=TypeError)


def test_no_leaks():
    oz = pytest.importorskip("oztorch")
    if not hasattr(oz._C, "_live_tensors"):
        pytest.skip("no live-tensor counter")
    x = oz.tensor([1.0, -2.0, float("nan")])
    before = oz._C._live_tensors()
    for op in ALL_OPS:
        try:
            getattr(oz, op)(x)  # bitwise_not refuses floats
        except RuntimeError:
            pass
        try:
            getattr(oz, op)("bad")
        except TypeError:
            pass
    x.clone().exp_()
    oz.exp(x, out=oz.empty(0))
    try:
        oz.exp(x, out=oz.empty(3, dtype=oz.int64))
    except RuntimeError:
        pass
    assert oz._C._live_tensors() == before
