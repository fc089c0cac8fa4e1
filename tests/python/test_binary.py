"""Binary and ternary elementwise ops against real PyTorch: pow, float_power, remainder, fmod,
floor_divide, div's rounding modes, maximum/minimum/fmax/fmin, atan2, logical and bitwise
ops, where and lerp, as functions, methods, in-place methods, operators and with out=, over
every dtype pair, broadcasting, non-contiguous layouts, 0-d and empty tensors, NaN/inf, Python
numbers either side, and the errors PyTorch raises."""
import warnings

import numpy as np
import pytest
import torch

from conftest import (DTYPES, FLOAT_DTYPES, INT_DTYPES, LAYOUTS, assert_same, check, mk,
                      mk_layout, oz, run, sample)


def same(fn, **kw):
    """fn(torch) and fn(oztorch) agree, whether they return or raise."""
    assert_same(run(fn, torch), run(fn, oz()), **kw)


def div_rounding(T, a, b, mode, **kw):
    """torch.div(a, b, rounding_mode=mode); oztorch's binding until ops.c's div calls it."""
    if T is torch:
        return torch.div(a, b, rounding_mode=mode, **kw)
    return T._C._div_rounding(a, b, mode, **kw)


# name -> f(T, a, b); the ops with PyTorch's result_type over two tensors
BINARY = {
    "pow": lambda T, a, b: T.pow(a, b),
    "float_power": lambda T, a, b: T.float_power(a, b),
    "remainder": lambda T, a, b: T.remainder(a, b),
    "fmod": lambda T, a, b: T.fmod(a, b),
    "floor_divide": lambda T, a, b: T.floor_divide(a, b),
    "div_trunc": lambda T, a, b: div_rounding(T, a, b, "trunc"),
    "div_floor": lambda T, a, b: div_rounding(T, a, b, "floor"),
    "maximum": lambda T, a, b: T.maximum(a, b),
    "minimum": lambda T, a, b: T.minimum(a, b),
    "fmax": lambda T, a, b: T.fmax(a, b),
    "fmin": lambda T, a, b: T.fmin(a, b),
    "atan2": lambda T, a, b: T.atan2(a, b),
    "logical_and": lambda T, a, b: T.logical_and(a, b),
    "logical_or": lambda T, a, b: T.logical_or(a, b),
    "logical_xor": lambda T, a, b: T.logical_xor(a, b),
    "bitwise_and": lambda T, a, b: T.bitwise_and(a, b),
    "bitwise_or": lambda T, a, b: T.bitwise_or(a, b),
    "bitwise_xor": lambda T, a, b: T.bitwise_xor(a, b),
}
DIVIDING = {"remainder", "fmod", "floor_divide", "div_trunc", "div_floor"}


def operands(name, da, db, shape_a=(3, 4), shape_b=(4,)):
    """Sample values for a and b; divisors of the dividing ops are never zero (division by
    zero has its own tests), and pow's integral exponents stay small."""
    a, b = sample(shape_a, da, seed=1), sample(shape_b, db, seed=2)
    if name in DIVIDING or name == "pow":
        b = np.where(b == 0, np.ones_like(b), b)
    if name == "pow" and db in INT_DTYPES:
        b = b % 5 if db == "uint8" else np.clip(b, -3, 6)
    return a, b


@pytest.mark.parametrize("da", DTYPES)
@pytest.mark.parametrize("name", sorted(BINARY))
def test_every_dtype_pair_broadcast(name, da):
    fn = BINARY[name]
    for db in DTYPES:
        a, b = operands(name, da, db)
        same(lambda T: fn(T, mk(T, a, da), mk(T, b, db)))


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("name", sorted(BINARY))
def test_non_contiguous_inputs(name, layout):
    dtype = "int32" if name.startswith("bitwise") else "float64"
    a, b = operands(name, dtype, dtype, (4, 3), (4, 3))
    fn = BINARY[name]
    same(lambda T: fn(T, mk_layout(T, a, dtype, layout), mk_layout(T, b, dtype, "strided")))
    same(lambda T: fn(T, mk(T, a, dtype).t(), mk_layout(T, b.T.copy(), dtype, layout)))


@pytest.mark.parametrize("name", sorted(BINARY))
def test_zero_dim_and_empty(name):
    fn = BINARY[name]
    dtype = "int64" if name.startswith("bitwise") else "float32"
    same(lambda T: fn(T, T.tensor(5, dtype=getattr(T, dtype)),
                      T.tensor(3, dtype=getattr(T, dtype))))
    # a 0-d tensor does not widen a dimensioned one of its category
    same(lambda T: fn(T, T.ones(3, dtype=T.int8), T.tensor(2, dtype=T.int64)))
    same(lambda T: fn(T, T.ones(0, 3, dtype=getattr(T, dtype)), T.ones(3, dtype=getattr(T, dtype))))
    same(lambda T: fn(T, T.ones(2, 0, dtype=getattr(T, dtype)), T.ones(1, dtype=getattr(T, dtype))))
    same(lambda T: fn(T, T.ones(2, 3), T.ones(4)))  # shapes that do not broadcast


SPECIAL = [0.0, -0.0, 1.0, -1.0, 2.5, -2.5, 7.0, -7.0, 0.1, float("inf"), float("-inf"),
           float("nan")]


@pytest.mark.parametrize("dtype", FLOAT_DTYPES)
@pytest.mark.parametrize("name", sorted(set(BINARY) - {"bitwise_and", "bitwise_or",
                                                        "bitwise_xor"}))
def test_nan_inf_and_signed_zeros(name, dtype):
    a = [x for x in SPECIAL for _ in SPECIAL]
    b = [y for _ in SPECIAL for y in SPECIAL]
    fn = BINARY[name]
    ref = fn(torch, torch.tensor(a, dtype=getattr(torch, dtype)),
             torch.tensor(b, dtype=getattr(torch, dtype)))
    got = fn(oz(), oz().tensor(a, dtype=getattr(oz(), dtype)),
             oz().tensor(b, dtype=getattr(oz(), dtype)))
    assert_same(ref, got)
    # The sign of zeros and infinities too, except for the extrema: which zero max(0.0, -0.0)
    # gives depends on whether PyTorch took its vectorized path (MAXPS returns the second).
    if ref.dtype.is_floating_point and name not in ("maximum", "minimum", "fmax", "fmin"):
        r, g = np.asarray(ref.tolist()), np.asarray(got.tolist())
        fin = np.isfinite(r) | np.isinf(r)
        assert np.array_equal(np.signbit(r[fin]), np.signbit(g[fin])), (a, b, r, g)


def test_large_float_floor_division_matches():
    rng = np.random.default_rng(5)
    a = rng.uniform(-1e6, 1e6, 200)
    b = rng.uniform(-3, 3, 200)
    for name in ["floor_divide", "remainder", "fmod", "div_floor", "div_trunc"]:
        for dtype in FLOAT_DTYPES:
            same(lambda T: BINARY[name](T, mk(T, a, dtype), mk(T, b, dtype)))


@pytest.mark.parametrize("dtype", INT_DTYPES)
def test_integer_division_wraps_and_rounds_like_torch(dtype):
    lo, hi = (0, 255) if dtype == "uint8" else (-128, 127)
    a = np.arange(lo, hi + 1)
    b = np.array([x for x in (-7, -3, -2, -1, 1, 2, 3, 5, 100) if lo <= x <= hi])
    A, B = np.repeat(a, len(b)), np.tile(b, len(a))
    for name in DIVIDING | {"pow"}:
        exponent_or_divisor = B % 4 if name == "pow" else B
        same(lambda T: BINARY[name](T, mk(T, A, dtype), mk(T, exponent_or_divisor, dtype)))


# ------------------------------------------------------------------ integer division by zero

@pytest.mark.parametrize("name", sorted(DIVIDING))
@pytest.mark.parametrize("dtype", INT_DTYPES)
def test_integer_division_by_zero_raises(name, dtype):
    fn = BINARY[name]
    check(lambda T: fn(T, T.tensor([4, 5], dtype=getattr(T, dtype)),
                       T.tensor([1, 0], dtype=getattr(T, dtype))), raises=RuntimeError)
    check(lambda T: fn(T, T.tensor([4, 5], dtype=getattr(T, dtype)), 0), raises=RuntimeError)
    with pytest.raises(RuntimeError, match="ZeroDivisionError"):
        T = oz()
        fn(T, T.tensor([4], dtype=getattr(T, dtype)), T.tensor(0, dtype=getattr(T, dtype)))


def test_failed_integer_division_writes_nothing():
    T = oz()
    x = T.tensor([7, 8, 9])
    for f in (lambda: x.floor_divide_(T.tensor([2, 0, 1])), lambda: x.remainder_(0),
              lambda: x.fmod_(T.tensor([[1, 1, 1], [1, 1, 0]])[1])):
        with pytest.raises(RuntimeError, match="ZeroDivisionError"):
            f()
        assert x.tolist() == [7, 8, 9]


def test_division_by_zero_operators_raise():
    check(lambda T: T.tensor([3, 4]) // 0, raises=RuntimeError)
    check(lambda T: T.tensor([3, 4]) % 0, raises=RuntimeError)
    check(lambda T: 3 // T.tensor([1, 0]), raises=RuntimeError)
    check(lambda T: T.tensor([3.0, -3.0, 0.0]) // 0, )  # floats: inf, -inf, nan
    check(lambda T: T.tensor([3.0, -3.0, 0.0]) % 0)


def test_most_negative_integer_divided_by_minus_one_does_not_trap():
    # PyTorch itself dies of SIGFPE here; the quotient wraps (as every other overflow does)
    # and the remainder is 0.
    T = oz()
    for dtype, lo in [("int64", -2 ** 63), ("int32", -2 ** 31), ("int16", -2 ** 15),
                      ("int8", -128)]:
        x = T.tensor([lo, lo, 7], dtype=getattr(T, dtype))
        m1 = T.tensor([-1, -1, -1], dtype=getattr(T, dtype))
        assert T.floor_divide(x, m1).tolist() == [lo, lo, -7]
        assert T._C._div_rounding(x, m1, "trunc").tolist() == [lo, lo, -7]
        assert T._C._div_rounding(x, m1, "floor").tolist() == [lo, lo, -7]
        assert T.remainder(x, m1).tolist() == [0, 0, 0]
        assert T.fmod(x, m1).tolist() == [0, 0, 0]
        assert (x // -1).tolist() == [lo, lo, -7]


# ------------------------------------------------------------------ Python numbers

NUMBERS = [2, -3, 0, 2.5, -0.5, True, False]


@pytest.mark.parametrize("dtype", ["float32", "float64", "int64", "int8", "uint8", "bool"])
@pytest.mark.parametrize("name", ["pow", "float_power", "remainder", "fmod", "floor_divide",
                                  "bitwise_and", "bitwise_or", "bitwise_xor"])
def test_python_number_operands(name, dtype):
    fn = getattr(torch, name)
    x = sample((5,), dtype, seed=3)
    if name != "pow":
        x = np.where(x == 0, np.ones_like(x), x)
    for n in NUMBERS:
        same(lambda T: getattr(T, name)(mk(T, x, dtype), n))  # tensor op number
        same(lambda T: getattr(T, name)(n, mk(T, x, dtype)))  # number op tensor
        same(lambda T: getattr(mk(T, x, dtype), name)(n))  # method
    assert fn is not None


def test_two_numbers():
    check(lambda T: T.floor_divide(7, 2))
    check(lambda T: T.floor_divide(7.5, 2))
    check(lambda T: T.floor_divide(-7, 2.0))
    for name in ["pow", "remainder", "fmod", "bitwise_and", "maximum", "atan2", "logical_and"]:
        check(lambda T: getattr(T, name)(7, 2), raises=TypeError)


@pytest.mark.parametrize("name", ["maximum", "minimum", "fmax", "fmin", "atan2", "logical_and",
                                  "logical_or", "logical_xor"])
def test_tensor_only_ops_refuse_numbers(name):
    check(lambda T: getattr(T, name)(T.ones(2), 2), raises=TypeError)
    check(lambda T: getattr(T, name)(2, T.ones(2)), raises=TypeError)
    check(lambda T: getattr(T.ones(2), name)(2.5), raises=TypeError)
    check(lambda T: getattr(T, name)(T.ones(2), "x"), raises=TypeError)
    check(lambda T: getattr(T, name)(T.ones(2)), raises=TypeError)


def test_fmod_refuses_a_number_first():
    check(lambda T: T.fmod(2, T.ones(2)), raises=TypeError)


def test_integer_pow_exponent_checks():
    check(lambda T: T.pow(T.tensor([1, 2]), -1), raises=RuntimeError)
    check(lambda T: T.tensor([1, 2]) ** -2, raises=RuntimeError)
    check(lambda T: T.pow(T.tensor([1, 2], dtype=T.int8), 300), raises=RuntimeError)
    check(lambda T: T.pow(T.tensor([1, 2], dtype=T.uint8), 256), raises=RuntimeError)
    check(lambda T: T.pow(T.tensor([1, 2], dtype=T.int16), 2 ** 15), raises=RuntimeError)
    check(lambda T: T.pow(T.tensor([2, 3]), 2 ** 62))  # fits int64: wraps
    check(lambda T: T.pow(T.tensor([-1, 1, 2]), T.tensor(-3)))  # a tensor exponent is fine
    check(lambda T: T.pow(T.tensor([1, 2]), -1.0))  # a float exponent is fine
    check(lambda T: T.pow(T.tensor([True, False]), True), raises=RuntimeError)  # no bool pow
    check(lambda T: T.tensor([True, False]) ** 2)  # bool ** int is int64


# ------------------------------------------------------------------ operators

OPERATORS = {
    "pow": lambda a, b: a ** b,
    "mod": lambda a, b: a % b,
    "floordiv": lambda a, b: a // b,
    "and": lambda a, b: a & b,
    "or": lambda a, b: a | b,
    "xor": lambda a, b: a ^ b,
}


def _ipow(a, b):
    a **= b
    return a


def _imod(a, b):
    a %= b
    return a


def _ifloordiv(a, b):
    a //= b
    return a


def _iand(a, b):
    a &= b
    return a


def _ior(a, b):
    a |= b
    return a


def _ixor(a, b):
    a ^= b
    return a


INPLACE_OPERATORS = {"pow": _ipow, "mod": _imod, "floordiv": _ifloordiv, "and": _iand,
                     "or": _ior, "xor": _ixor}


@pytest.mark.parametrize("dtype", ["float32", "int64", "int16", "uint8", "bool"])
@pytest.mark.parametrize("op", sorted(OPERATORS))
def test_operators(op, dtype):
    f, fi = OPERATORS[op], INPLACE_OPERATORS[op]
    x = sample((2, 3), dtype, seed=4)
    y = np.where(sample((3,), dtype, seed=5) == 0, 1, sample((3,), dtype, seed=5)).astype(x.dtype)
    if op == "pow" and dtype != "bool":
        y = np.abs(y) % 4
    same(lambda T: f(mk(T, x, dtype), mk(T, y, dtype)))
    for n in [3, -2, 1.5, True]:
        same(lambda T: f(mk(T, x, dtype), n))
        same(lambda T: f(n, mk(T, y, dtype)))  # reflected
        same(lambda T: fi(mk(T, x, dtype), n))
    same(lambda T: fi(mk(T, x, dtype), mk(T, y, dtype)))


def test_inplace_operators_keep_the_object():
    T = oz()
    for op, fi in INPLACE_OPERATORS.items():
        x = T.tensor([3, 4, 5])
        y = fi(x, 2)
        assert y is x, op


def test_operators_with_other_types_are_type_errors():
    for op, f in OPERATORS.items():
        check(lambda T: f(T.ones(2, dtype=T.int64), "x"), raises=TypeError)
        check(lambda T: f(object(), T.ones(2, dtype=T.int64)), raises=TypeError)
        check(lambda T: f(T.ones(2, dtype=T.int64), [1, 2]), raises=TypeError)
    check(lambda T: pow(T.ones(2), 2, 3), raises=TypeError)
    check(lambda T: T.ones(2).__pow__(2, 3) is NotImplemented)


def test_rpow_promotes_like_torch():
    check(lambda T: 2 ** T.tensor([1, 2, 3], dtype=T.int8))
    check(lambda T: 2.5 ** T.tensor([1, 2, 3], dtype=T.int8))
    check(lambda T: 2 ** T.tensor([1.0, 2.0], dtype=T.float64))
    check(lambda T: 2 ** T.tensor([True, False]))
    check(lambda T: 2 ** T.tensor(3))


def test_bitwise_of_floats_raises():
    check(lambda T: T.ones(2) & T.ones(2), raises=RuntimeError)
    check(lambda T: T.tensor([1, 2]) & 2.5, raises=RuntimeError)
    check(lambda T: T.bitwise_xor(T.ones(2, dtype=T.float64), 1), raises=RuntimeError)
    check(lambda T: T.ones(2, dtype=T.int32).bitwise_or_(1.5), raises=RuntimeError)


# ------------------------------------------------------------------ methods, in-place, out=

INPLACE = ["pow", "float_power", "remainder", "fmod", "floor_divide", "atan2", "arctan2",
           "logical_and", "logical_or", "logical_xor", "bitwise_and", "bitwise_or",
           "bitwise_xor"]


@pytest.mark.parametrize("name", INPLACE)
@pytest.mark.parametrize("dtype", ["float64", "float32", "int32", "bool"])
def test_inplace_methods(name, dtype):
    x = sample((2, 3), dtype, seed=6)
    y = sample((3,), dtype, seed=7)
    if dtype != "bool":
        y = np.where(y == 0, np.ones_like(y), y)
        if name == "pow" and dtype == "int32":
            y = np.abs(y) % 3

    def f(T):
        t = mk(T, x, dtype)
        r = getattr(t, name + "_")(mk(T, y, dtype))
        assert r is t
        return t
    same(f)
    same(lambda T: getattr(mk(T, x, dtype), name)(mk(T, y, dtype)))
    same(lambda T: getattr(mk(T, x, dtype), name + "_")(T.ones(2, 3, dtype=getattr(T, dtype))
                                                       .expand(4, 2, 3)))  # cannot grow self


def test_inplace_dtype_rules():
    check(lambda T: T.tensor([1, 2]).pow_(2.5), raises=RuntimeError)
    check(lambda T: T.tensor([1, 2]).remainder_(2.5), raises=RuntimeError)
    check(lambda T: T.tensor([1, 2]).atan2_(T.tensor([1, 2])), raises=RuntimeError)
    check(lambda T: T.tensor([True]).bitwise_and_(T.tensor([3])), raises=RuntimeError)
    check(lambda T: T.tensor([3, 4], dtype=T.int32).pow_(T.tensor([2, 3])))  # int64 fits back
    check(lambda T: T.tensor([1.5, 2.0]).float_power_(2), raises=RuntimeError)
    check(lambda T: T.tensor([1.5, 2.0], dtype=T.float64).float_power_(2))
    check(lambda T: T.tensor([1.5, 2.0]).logical_and_(T.tensor([0, 3])))  # any dtype


@pytest.mark.filterwarnings("ignore:An output with one or more elements was resized")
@pytest.mark.parametrize("name", sorted(BINARY))
def test_out(name):
    fn = BINARY[name]
    dtype = "int64" if name.startswith("bitwise") else "float64"
    x, y = operands(name, dtype, dtype, (2, 3), (3,))

    def with_out(T, out_dtype, shape=(2, 3)):
        out = T.zeros(shape, dtype=getattr(T, out_dtype))
        if name in ("div_trunc", "div_floor"):
            r = div_rounding(T, mk(T, x, dtype), mk(T, y, dtype), name[4:], out=out)
        else:
            r = getattr(T, name)(mk(T, x, dtype), mk(T, y, dtype), out=out)
        assert r is out
        return out
    for out_dtype in ["float64", "float32", "int64", "bool"]:
        same(lambda T: with_out(T, out_dtype))
    same(lambda T: with_out(T, dtype, (0,)))  # resized
    same(lambda T: with_out(T, dtype, (6,)))  # wrong shape: resized (torch warns)


def test_out_overlapping_input_is_refused():
    check(lambda T: T.remainder(T.arange(6.0)[1:], 2.0, out=T.arange(6.0)[:5]))

    def partial(T):
        base = T.arange(1.0, 7.0)
        return T.maximum(base[1:], base[:5], out=base[:5])
    check(partial, raises=RuntimeError)


def test_float_power():
    for da in DTYPES:
        check(lambda T: T.float_power(mk(T, sample((3,), da), da), 2))
        check(lambda T: T.float_power(mk(T, sample((3,), da), da), -1))
        check(lambda T: T.float_power(2.5, mk(T, sample((3,), da), da)))
    check(lambda T: T.float_power(T.ones(2), 2, out=T.ones(2)), raises=RuntimeError)
    check(lambda T: T.float_power(T.ones(2), 2, out=T.ones(2, dtype=T.float64)))


# ------------------------------------------------------------------ div rounding modes

@pytest.mark.parametrize("mode", ["trunc", "floor", None])
def test_div_rounding_modes(mode):
    for da in DTYPES:
        for db in ["float32", "int64", "int8"]:
            a = sample((4,), da, seed=8)
            b = np.where(sample((4,), db, seed=9) == 0, 3, sample((4,), db, seed=9)).astype(
                sample((1,), db).dtype)
            same(lambda T: div_rounding(T, mk(T, a, da), mk(T, b, db), mode))
    same(lambda T: div_rounding(T, T.tensor([7, -7]), 2, mode))
    same(lambda T: div_rounding(T, 7, T.tensor([2, -2]), mode))
    same(lambda T: div_rounding(T, T.tensor([7.5, -7.5]), 2.0, mode))


def test_div_bad_rounding_mode():
    check(lambda T: div_rounding(T, T.ones(2), 2, "round"), raises=RuntimeError)


def test_div_rounding_out():
    def f(T):
        out = T.empty(2)
        r = div_rounding(T, T.tensor([7, -7]), 2, "floor", out=out)
        assert r is out
        return out
    check(f)


# ------------------------------------------------------------------ where

@pytest.mark.parametrize("dx", DTYPES)
def test_where_dtypes_and_broadcast(dx):
    cond = sample((2, 1, 4), "bool", seed=10)
    for dy in DTYPES:
        x, y = sample((3, 1), dx, seed=11), sample((4,), dy, seed=12)
        same(lambda T: T.where(mk(T, cond, "bool"), mk(T, x, dx), mk(T, y, dy)))


def test_where_numbers():
    c = [True, False, True]
    for x in [1, 2.5, True, -3]:
        for y in [0, 0.5, False]:
            same(lambda T: T.where(T.tensor(c), x, y))
            same(lambda T: T.where(T.tensor(c), T.tensor([1, 2, 3], dtype=T.int8), y))
            same(lambda T: T.where(T.tensor(c), x, T.tensor([1.0, 2.0, 3.0])))
    check(lambda T: T.where(T.tensor(True), 1, 2))
    check(lambda T: T.where(T.tensor(c), 1.0, 0.0, out=T.empty(3)), raises=TypeError)
    check(lambda T: T.where(T.tensor(c), T.ones(3), "x"), raises=TypeError)


def test_where_layouts_0d_and_empty():
    for layout in LAYOUTS:
        c = sample((3, 4), "bool", seed=13)
        x, y = sample((3, 4), "float32", seed=14), sample((3, 4), "float32", seed=15)
        same(lambda T: T.where(mk_layout(T, c, "bool", layout), mk_layout(T, x, "float32", layout),
                               mk(T, y, "float32").t().t()))
    check(lambda T: T.where(T.tensor(False), T.tensor(1.0), T.tensor(2.0)))
    check(lambda T: T.where(T.zeros(0, 3, dtype=T.bool), T.ones(3), T.zeros(1)))
    check(lambda T: T.where(T.ones(2, dtype=T.bool), T.ones(3), T.zeros(3)), raises=RuntimeError)


def test_where_condition_dtype():
    check(lambda T: T.where(T.tensor([1, 0]), T.ones(2), T.zeros(2)), raises=RuntimeError)
    check(lambda T: T.where(T.tensor([1.0, 0.0]), T.ones(2), T.zeros(2)), raises=RuntimeError)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        check(lambda T: T.where(T.tensor([1, 0], dtype=T.uint8), T.ones(2), T.zeros(2)))
    with pytest.warns(UserWarning, match="uint8 condition"):
        oz().where(oz().tensor([1, 0], dtype=oz().uint8), oz().ones(2), oz().zeros(2))


def test_where_method_and_out():
    check(lambda T: T.tensor([1.0, 2.0, 3.0]).where(T.tensor([True, False, True]),
                                                    T.tensor([9.0, 8.0, 7.0])))
    check(lambda T: T.ones(2).where(T.tensor([True, False]), 2.0), raises=TypeError)

    def with_out(T, dtype):
        out = T.empty(3, dtype=getattr(T, dtype))
        r = T.where(T.tensor([True, False, True]), T.tensor([1, 2, 3]), T.tensor([4, 5, 6]),
                    out=out)
        assert r is out
        return out
    check(lambda T: with_out(T, "int64"))
    # PyTorch 1.13's where cannot cast into out: any other dtype is a RuntimeError
    check(lambda T: with_out(T, "float32"), raises=RuntimeError)
    check(lambda T: with_out(T, "bool"), raises=RuntimeError)


def test_where_condition_only():
    if not hasattr(oz(), "nonzero"):
        pytest.skip("torch.nonzero is not there yet (index family)")
    check(lambda T: T.where(T.tensor([[True, False], [False, True]])))


# ------------------------------------------------------------------ lerp

@pytest.mark.parametrize("dtype", FLOAT_DTYPES)
def test_lerp(dtype):
    a, e = sample((2, 3), dtype, seed=16), sample((3,), dtype, seed=17)
    w = np.array([0.0, 0.25, 0.5, 0.75, 1.0, -1.5, 2.0, 0.3])
    for weight in [0.3, 0.7, 0, 1, True, -2.5]:
        same(lambda T: T.lerp(mk(T, a, dtype), mk(T, e, dtype), weight))
        same(lambda T: mk(T, a, dtype).lerp(mk(T, e, dtype), weight))
    same(lambda T: T.lerp(mk(T, w, dtype), mk(T, w[::-1].copy(), dtype), mk(T, w, dtype)))
    same(lambda T: T.lerp(mk(T, a, dtype), mk(T, e, dtype), T.tensor(0.4, dtype=getattr(T, dtype))))
    same(lambda T: T.lerp(T.tensor(1.0, dtype=getattr(T, dtype)),
                          T.ones(2, 3, dtype=getattr(T, dtype)),
                          T.full((4, 1, 1), 0.5, dtype=getattr(T, dtype))))
    same(lambda T: T.lerp(mk(T, a, dtype).t(), mk(T, a, dtype).t() * 2, mk(T, a, dtype).t()))
    same(lambda T: T.lerp(T.tensor([float("inf"), 1.0, float("nan")], dtype=getattr(T, dtype)),
                          T.tensor([1.0, float("-inf"), 2.0], dtype=getattr(T, dtype)), 0.5))


def test_lerp_inplace_and_out():
    def inplace(T):
        t = T.tensor([1.0, 2.0, 3.0])
        r = t.lerp_(T.tensor([3.0, 2.0, 1.0]), 0.25)
        assert r is t
        return t
    check(inplace)
    check(lambda T: T.ones(3).lerp_(T.ones(2, 3), 0.5), raises=RuntimeError)

    def with_out(T, dtype):
        out = T.empty(3, dtype=getattr(T, dtype))
        r = T.lerp(T.tensor([1.0, 2.0, 3.0]), T.tensor([3.0, 2.0, 1.0]), 0.5, out=out)
        assert r is out
        return out
    check(lambda T: with_out(T, "float32"))
    check(lambda T: with_out(T, "float64"))
    check(lambda T: with_out(T, "int64"), raises=RuntimeError)


def test_lerp_errors():
    check(lambda T: T.lerp(T.ones(2, dtype=T.int64), T.ones(2, dtype=T.int64), 0.5),
          raises=RuntimeError)
    check(lambda T: T.lerp(T.ones(2, dtype=T.int64), T.ones(2, dtype=T.int64),
                           T.ones(2, dtype=T.int64)), raises=RuntimeError)
    check(lambda T: T.lerp(T.ones(2), T.ones(2, dtype=T.float64), 0.5), raises=RuntimeError)
    check(lambda T: T.lerp(T.ones(2), T.ones(2), T.ones(2, dtype=T.float64)), raises=RuntimeError)
    check(lambda T: T.lerp(T.ones(2), T.ones(2), T.ones(2, dtype=T.int64)), raises=RuntimeError)
    check(lambda T: T.lerp(T.ones(2), 2.0, 0.5), raises=TypeError)
    check(lambda T: T.lerp(T.ones(2), T.ones(2), "x"), raises=TypeError)
    check(lambda T: T.lerp(T.ones(3), T.ones(3), T.ones(2)), raises=RuntimeError)


# ------------------------------------------------------------------ addcmul, addcdiv

@pytest.mark.parametrize("name", ["addcmul", "addcdiv"])
@pytest.mark.parametrize("da", DTYPES)
def test_addcmul_addcdiv_dtypes(name, da):
    for d1 in ["float32", "float64", "int64", "int8", "uint8", "bool"]:
        a, t1 = sample((2, 3), da, seed=18), sample((3,), d1, seed=19)
        t2 = np.where(sample((2, 1), d1, seed=20) == 0, 1, sample((2, 1), d1, seed=20)).astype(
            t1.dtype)
        for value in [2, -0.5]:  # (-0.5 does not fit uint8: an error there)
            same(lambda T: getattr(T, name)(mk(T, a, da), mk(T, t1, d1), mk(T, t2, d1),
                                            value=value))
        same(lambda T: getattr(T, name)(mk(T, a, da), mk(T, t1, d1), mk(T, t2, "float64")))


@pytest.mark.parametrize("name", ["addcmul", "addcdiv"])
def test_addcmul_addcdiv_forms(name):
    a, t1, t2 = (sample((3, 4), "float32", seed=s) for s in (21, 22, 23))
    t2 = np.where(t2 == 0, 1, t2).astype(np.float32)
    for layout in LAYOUTS:
        same(lambda T: getattr(T, name)(mk_layout(T, a, "float32", layout),
                                        mk_layout(T, t1, "float32", layout), mk(T, t2, "float32"),
                                        value=0.25))
    same(lambda T: getattr(mk(T, a, "float32"), name)(mk(T, t1, "float32"), mk(T, t2, "float32"),
                                                      value=3))

    def inplace(T):
        t = mk(T, a, "float32")
        r = getattr(t, name + "_")(mk(T, t1, "float32"), mk(T, t2, "float32"), value=-2)
        assert r is t
        return t
    same(inplace)

    def with_out(T, dtype):
        out = T.empty(0, dtype=getattr(T, dtype))
        r = getattr(T, name)(mk(T, a, "float32"), mk(T, t1, "float32"), mk(T, t2, "float32"),
                             out=out)
        assert r is out
        return out
    same(lambda T: with_out(T, "float32"))
    same(lambda T: with_out(T, "float64"))  # PyTorch 1.13 cannot cast into out here
    same(lambda T: with_out(T, "int64"))
    same(lambda T: getattr(T, name)(T.tensor(1.0), T.ones(2, 1), T.ones(3)))
    same(lambda T: getattr(T, name)(T.ones(0, 3), T.ones(3), T.ones(1)))
    same(lambda T: getattr(T, name)(T.ones(3), T.ones(3), T.ones(3), value=T.tensor(2.0)))
    same(lambda T: getattr(T, name)(T.ones(3), T.ones(3), 2.0))
    same(lambda T: getattr(T, name)(T.ones(3), T.ones(3), T.ones(3), 2))
    same(lambda T: getattr(T, name)(T.ones(3), T.ones(2), T.ones(3)))
    same(lambda T: getattr(T.ones(3, dtype=T.int64), name + "_")(T.ones(3), T.ones(3)))
    same(lambda T: getattr(T, name)(T.ones(3), T.tensor([1.0, 0.0, -1.0]), T.zeros(3)))


# ------------------------------------------------------------------ memory

def test_binary_ops_do_not_leak():
    import gc
    T = oz()
    a, b = T.tensor([1.5, -2.0, 3.0]), T.tensor([2.0, 0.5, -1.0])
    i = T.tensor([3, 4, 5])

    def ops():
        T.pow(a, b), a ** 2, 2 ** a, T.remainder(a, b), 7 % i, T.fmod(a, 2), i // 2
        T.maximum(a, b), T.fmin(a, b), T.atan2(a, b), T.logical_xor(a, b), i & 6, 3 | i
        T.where(a > 0, a, 0.0), T.lerp(a, b, 0.5), T.lerp(a, b, b), T.float_power(a, 2)
        T._C._div_rounding(i, 2, "floor"), i.clone().pow_(2), T.empty(3).copy_(a).fmod_(b)
        T.addcmul(a, a, b, value=0.5), T.addcdiv(a, a, b), T.empty(3).copy_(a).addcmul_(a, i)
        for bad in (lambda: i // 0, lambda: i & 2.5, lambda: T.where(i, a, b),
                    lambda: T.lerp(i, i, 0.5), lambda: i ** -1, lambda: a % "x",
                    lambda: T.addcdiv(a, i, i), lambda: T.addcmul(a, a, 2)):
            try:
                bad()
            except (RuntimeError, TypeError):
                pass
    ops()
    gc.collect()
    before = T._C._live_tensors()
    for _ in range(200):
        ops()
    gc.collect()
    assert T._C._live_tensors() == before


# ------------------------------------------------------------------ torch.div's binding

def test_div_binding_rounding_mode():
    """torch.div/divide, Tensor.div/div_ with rounding_mode= (ops.c calls oz_div_rounding)."""
    try:
        oz().div(oz().ones(1), 1, rounding_mode="floor")
    except NotImplementedError:
        pytest.skip("python/csrc/ops.c does not pass rounding_mode to oz_div_rounding yet")
    for mode in ["trunc", "floor", None]:
        check(lambda T: T.div(T.tensor([7, -7, 8]), T.tensor([2, 2, -3]), rounding_mode=mode))
        check(lambda T: T.divide(T.tensor([7.5, -7.5]), 2, rounding_mode=mode))
        check(lambda T: T.tensor([7.5, -7.5]).div(2.0, rounding_mode=mode))
        check(lambda T: T.div(7, 2, rounding_mode=mode))

        def inplace(T):
            t = T.tensor([7.5, -7.5])
            r = t.div_(2, rounding_mode=mode)
            assert r is t
            return t
        check(inplace)
    check(lambda T: T.tensor([7, 8]).div_(2, rounding_mode="floor"))
    check(lambda T: T.tensor([7, 8]).div_(2), raises=RuntimeError)  # true division is float
    check(lambda T: T.div(T.tensor([7]), 0, rounding_mode="floor"), raises=RuntimeError)
    check(lambda T: T.div(T.ones(2), 2, rounding_mode="nearest"), raises=RuntimeError)
    check(lambda T: T.div(T.ones(2), 2, rounding_mode=1), raises=TypeError)

    def out(T):
        o = T.empty(2, dtype=T.int64)
        r = T.div(T.tensor([7, -7]), 2, rounding_mode="trunc", out=o)
        assert r is o
        return o
    check(out)

    def grad(T):
        x = T.tensor([1.5, 2.5], requires_grad=True)
        y = x.div(2, rounding_mode="floor")
        y.sum().backward()
        return y.grad_fn.name(), x.grad
    check(grad)
