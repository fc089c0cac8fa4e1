"""Elementwise ops against torch: add/sub (alpha), mul, div, neg and the six comparisons over
every dtype pair, broadcasting, non-contiguous inputs, 0-d and empty tensors, Python scalars on
either side, in-place forms and out=."""
import operator

import numpy as np
import pytest
import torch

from conftest import DTYPES, FLOAT_DTYPES, INT_DTYPES, LAYOUTS, check, dt, mk, mk_layout, sample

ARITH = {"add": operator.add, "sub": operator.sub, "mul": operator.mul, "div": operator.truediv}
COMPARE = {"eq": operator.eq, "ne": operator.ne, "lt": operator.lt, "le": operator.le,
           "gt": operator.gt, "ge": operator.ge}
BINARY = dict(ARITH, **COMPARE)


def binary_raises(op, a_dtype, b_dtype):
    """torch refuses subtraction involving bools (a tensor or a Python bool)."""
    return RuntimeError if op == "sub" and "bool" in (a_dtype, b_dtype) else None


def scalar_dtype(s):
    return "bool" if isinstance(s, bool) else "int64" if isinstance(s, int) else "float64"


@pytest.mark.parametrize("b_dtype", DTYPES)
@pytest.mark.parametrize("a_dtype", DTYPES)
@pytest.mark.parametrize("op", list(BINARY))
def test_binary_every_dtype_pair(op, a_dtype, b_dtype):
    a, b = sample((2, 3), a_dtype, seed=1), sample((3,), b_dtype, seed=2)
    check(lambda T: BINARY[op](mk(T, a, a_dtype), mk(T, b, b_dtype)),
          raises=binary_raises(op, a_dtype, b_dtype))


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("op", list(BINARY))
def test_binary_function_form(op, dtype):
    a, b = sample((4,), dtype, seed=3), sample((4,), dtype, seed=4)
    check(lambda T: getattr(T, op)(mk(T, a, dtype), mk(T, b, dtype)),
          raises=binary_raises(op, dtype, dtype))
    check(lambda T: getattr(mk(T, a, dtype), op)(mk(T, b, dtype)),
          raises=binary_raises(op, dtype, dtype))


@pytest.mark.parametrize("dtype", DTYPES)
def test_neg(dtype):
    a = sample((2, 3), dtype, seed=5)
    raises = RuntimeError if dtype == "bool" else None
    check(lambda T: -mk(T, a, dtype), raises=raises)
    check(lambda T: T.neg(mk(T, a, dtype)), raises=raises)
    check(lambda T: mk(T, a, dtype).neg(), raises=raises)


def test_neg_of_uint8_wraps_like_torch():
    check(lambda T: -T.tensor([0, 1, 2, 255], dtype=T.uint8))


# ------------------------------------------------------------------ alpha

@pytest.mark.parametrize("alpha", [2, -1, 0, 0.5, True], ids=repr)
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("op", ["add", "sub"])
def test_alpha(op, dtype, alpha):
    a, b = sample((2, 3), dtype, seed=6), sample((2, 3), dtype, seed=7)
    if op == "sub" and dtype == "bool":
        raises = RuntimeError
    elif isinstance(alpha, float) and dtype not in FLOAT_DTYPES:
        raises = RuntimeError  # "For integral input tensors, argument alpha must not be a floating point number."
    elif isinstance(alpha, bool) and dtype != "bool":
        raises = RuntimeError  # "Boolean alpha only supported for Boolean results."
    else:
        raises = None
    check(lambda T: getattr(T, op)(mk(T, a, dtype), mk(T, b, dtype), alpha=alpha), raises=raises)


# ------------------------------------------------------------------ special values

def test_float_special_values():
    vals = [0.0, -0.0, 1.0, float("inf"), -float("inf"), float("nan")]
    for dtype in FLOAT_DTYPES:
        for op in BINARY:
            check(lambda T: BINARY[op](T.tensor(vals, dtype=dt(T, dtype)).reshape(6, 1),
                                       T.tensor(vals, dtype=dt(T, dtype))))


def test_integer_division_is_true_division():
    check(lambda T: T.tensor([7, -7, 1, 0, 5]) / T.tensor([2, 2, 3, 0, 0]))
    check(lambda T: T.tensor([7, -7], dtype=T.int8) / T.tensor([2, 4], dtype=T.uint8))


def test_unsigned_wraparound():
    check(lambda T: T.tensor([250, 5], dtype=T.uint8) + T.tensor([10, 3], dtype=T.uint8))
    check(lambda T: T.tensor([3, 5], dtype=T.uint8) - T.tensor([10, 3], dtype=T.uint8))
    check(lambda T: T.tensor([20, 16], dtype=T.uint8) * T.tensor([13, 16], dtype=T.uint8))


# ------------------------------------------------------------------ broadcasting and layouts

BROADCAST_PAIRS = [
    ((), ()), ((), (3,)), ((2, 3), ()), ((3,), (3,)), ((2, 3), (3,)), ((2, 1), (1, 3)),
    ((4, 1, 5), (3, 1)), ((1,), (7,)), ((5, 1, 1), (1, 4, 1)), ((0,), (1,)), ((3, 0), (3, 1)),
    ((1, 0), (5, 1)), ((2, 0, 3), (1, 3)), ((2, 1, 3), (4, 3)), ((1, 2, 3, 4), (5, 2, 1, 1)),
]
BROADCAST_ERRORS = [((3,), (4,)), ((2, 3), (4,)), ((2, 3), (3, 2)), ((0,), (2,)),
                    ((5, 4, 3), (2, 1, 3))]


@pytest.mark.parametrize("op", ["add", "mul", "lt"])
@pytest.mark.parametrize("a_shape,b_shape", BROADCAST_PAIRS, ids=str)
def test_broadcasting(a_shape, b_shape, op):
    a, b = sample(a_shape, "float32", seed=8), sample(b_shape, "float32", seed=9)
    check(lambda T: BINARY[op](mk(T, a), mk(T, b)))
    check(lambda T: BINARY[op](mk(T, b), mk(T, a)))


@pytest.mark.parametrize("a_shape,b_shape", BROADCAST_ERRORS, ids=str)
def test_broadcasting_errors(a_shape, b_shape):
    check(lambda T: T.ones(a_shape) + T.ones(b_shape), raises=RuntimeError)
    check(lambda T: T.ones(a_shape) < T.ones(b_shape), raises=RuntimeError)


@pytest.mark.parametrize("dtype", ["float32", "int64", "uint8"])
@pytest.mark.parametrize("b_layout", LAYOUTS)
@pytest.mark.parametrize("a_layout", LAYOUTS)
@pytest.mark.parametrize("op", ["add", "sub", "mul", "div", "ge"])
def test_non_contiguous_inputs(op, a_layout, b_layout, dtype):
    a, b = sample((3, 4), dtype, seed=10), sample((3, 4), dtype, seed=11)
    check(lambda T: BINARY[op](mk_layout(T, a, dtype, a_layout), mk_layout(T, b, dtype, b_layout)))


def test_expanded_input():
    check(lambda T: T.arange(3.0).reshape(3, 1).expand(3, 4) * T.arange(4.0))


@pytest.mark.parametrize("op", list(BINARY))
def test_0d_and_empty(op):
    check(lambda T: BINARY[op](T.tensor(2.5), T.tensor(4.0)))
    check(lambda T: BINARY[op](T.tensor(3), T.tensor([1, 2, 3])))
    check(lambda T: BINARY[op](T.zeros(0), T.zeros(0)))
    check(lambda T: BINARY[op](T.zeros(2, 0), T.ones(1, 0)))
    check(lambda T: BINARY[op](T.zeros(0, 3), T.tensor(1.0)))


def test_0d_tensor_does_not_promote_a_dim_tensor_of_the_same_category():
    check(lambda T: T.ones(3, dtype=T.int8) + T.tensor(1000))
    check(lambda T: T.ones(3, dtype=T.uint8) * T.tensor(2))
    check(lambda T: T.ones(3, dtype=T.float32) + T.tensor(1.0, dtype=T.float64))
    check(lambda T: T.ones(3, dtype=T.int32) + T.tensor(1.5, dtype=T.float64))


# ------------------------------------------------------------------ Python scalars

SCALARS = [3, 2.5, True, -2, 0.0]


@pytest.mark.parametrize("scalar", SCALARS, ids=repr)
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("op", list(BINARY))
def test_scalar_on_either_side(op, dtype, scalar):
    a = sample((2, 3), dtype, seed=12)
    raises = binary_raises(op, dtype, scalar_dtype(scalar))
    check(lambda T: BINARY[op](mk(T, a, dtype), scalar), raises=raises)
    check(lambda T: BINARY[op](scalar, mk(T, a, dtype)), raises=raises)


@pytest.mark.parametrize("expr", [
    lambda T: T.tensor([1, 2, 3]) + 2.5,               # int tensor + float -> float32
    lambda T: T.tensor([1, 2, 3], dtype=T.int32) + 1,   # stays int32
    lambda T: T.tensor([True, False]) + 1,             # bool + int -> int64
    lambda T: T.tensor([True, False]) * True,          # stays bool
    lambda T: 2 - T.tensor([1.5, 4.0]),
    lambda T: 2 / T.tensor([1, 4]),
    lambda T: 2 ** 40 + T.tensor([1]),
    lambda T: T.tensor([1.0], dtype=T.float64) * 1e300,
    lambda T: T.tensor([100], dtype=T.int8) + 1.0,
    lambda T: 1.5 < T.tensor([1, 2]),
    lambda T: T.tensor([1, 2]) == 2.0,
    lambda T: T.tensor(3) + 0.5,
    lambda T: T.tensor([1, 250], dtype=T.uint8) + 300,   # the scalar wraps to the tensor's dtype
    lambda T: T.ones(2, dtype=T.int8) * 1000,
    lambda T: T.tensor([1.5], dtype=T.float64) + T.tensor(2, dtype=T.int8),
], ids=lambda f: "expr")
def test_scalar_promotion(expr):
    check(expr)


def test_scalar_too_big_for_int64():
    check(lambda T: T.tensor([1]) + 2 ** 63, raises=RuntimeError)


@pytest.mark.parametrize("op", ["add", "mul", "div", "lt"])
def test_three_d_views_with_mixed_dtypes_and_broadcasting(op):
    a, b = sample((4, 2, 3), "int16", seed=20), sample((1, 5), "float32", seed=21)

    def f(T):
        x = mk(T, a, "int16").permute(2, 0, 1)[:, ::2]      # (3, 2, 2), permuted and strided
        y = mk(T, b, "float32").expand(2, 5)[:, 1:3]         # (2, 2), stride 0 in dim 0
        return BINARY[op](x, y), BINARY[op](y.t(), x.sum(0))
    check(f)


# ------------------------------------------------------------------ in-place

def inplace_raises(op, dtype, other_dtype):
    if op == "sub" and "bool" in (dtype, other_dtype):
        return RuntimeError
    result = torch.promote_types(getattr(torch, dtype), getattr(torch, other_dtype))
    if op == "div" and not result.is_floating_point:
        result = torch.get_default_dtype()
    return None if torch.can_cast(result, getattr(torch, dtype)) else RuntimeError


@pytest.mark.parametrize("other_dtype", DTYPES)
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("op", list(ARITH))
def test_inplace_methods(op, dtype, other_dtype):
    a, b = sample((2, 3), dtype, seed=13), sample((3,), other_dtype, seed=14)

    def inplace(T):
        t = mk(T, a, dtype)
        r = getattr(t, op + "_")(mk(T, b, other_dtype))
        return t, r is t
    check(inplace, raises=inplace_raises(op, dtype, other_dtype))


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("stmt", ["+=", "-=", "*=", "/="])
def test_augmented_assignment_keeps_identity(stmt, dtype):
    a = sample((2, 3), dtype, seed=15)
    op = {"+=": "add", "-=": "sub", "*=": "mul", "/=": "div"}[stmt]

    def aug(T):
        t = mk(T, a, dtype)
        before = t
        ns = {"t": t}
        exec("t %s 1" % stmt, ns)
        return ns["t"], ns["t"] is before
    # `t op= 1`: the result type must be castable back to t's dtype (bool += 1 is not).
    check(aug, raises=inplace_raises(op, dtype, "int64"))


def test_int_tensor_plus_equals_float_is_runtime_error():
    def f(T):
        t = T.tensor([1, 2, 3])
        t += 1.5
    check(f, raises=RuntimeError)


def test_failed_inplace_leaves_the_tensor_alone():
    def f(T):
        t = T.tensor([1, 2, 3])
        try:
            t += T.tensor([0.5, 0.5, 0.5])
        except RuntimeError:
            pass
        return t
    check(f)


def test_inplace_broadcast_shape_must_fit():
    check(lambda T: T.ones(2).add_(T.ones(3, 2)), raises=RuntimeError)
    check(lambda T: T.ones(3, 2).add_(T.ones(2)))


def test_inplace_on_views_writes_the_base():
    def f(T):
        base = T.zeros(3, 4)
        base[1] += 5
        base[:, 2].mul_(0).add_(T.tensor([1.0, 2.0, 3.0]))
        v = base.t()
        v += 1
        return base
    check(f)


@pytest.mark.parametrize("stmt", ["t.add_(1)", "t.mul_(2)", "t.copy_(T.ones(3, 4))", "t += 1"])
def test_writing_into_an_expanded_tensor_is_refused(stmt):
    # "unsupported operation: more than one element of the written-to tensor refers to a single
    # memory location. Please clone() the tensor before performing the operation."
    def f(T):
        t = T.zeros(3, 1).expand(3, 4)
        exec(stmt, {"t": t, "T": T})
    check(f, raises=RuntimeError)


def test_fill_of_an_expanded_tensor_is_allowed():
    check(lambda T: T.zeros(3, 1).expand(3, 4).fill_(2))


def test_partially_overlapping_in_place_is_refused():
    def f(T):
        x = T.arange(6.0)
        x[1:].add_(x[:-1])
    check(f, raises=RuntimeError)


def test_inplace_with_itself_and_overlap_free_alias():
    def f(T):
        t = T.arange(6.0).reshape(2, 3)
        t.add_(t)
        t.mul_(t.t().t())
        return t
    check(f)


# ------------------------------------------------------------------ out=

@pytest.mark.parametrize("op", ["add", "sub", "mul", "div"])
def test_out_argument(op):
    def f(T):
        o = T.empty(2, 3)
        r = getattr(T, op)(T.ones(2, 3), T.full((3,), 2.0), out=o)
        return o, r is o
    check(f)


def test_out_with_no_elements_is_resized():
    def f(T):
        o = T.empty(0)
        T.add(T.ones(2, 3), 1, out=o)
        return o
    check(f)


def test_out_dtype_rules():
    def wider(T):  # float32 result into a float64 out is fine
        o = T.zeros(3, dtype=T.float64)
        T.mul(T.ones(3), 3, out=o)
        return o
    check(wider)
    check(lambda T: T.add(T.ones(3), T.ones(3), out=T.empty(3, dtype=T.int64)),
          raises=RuntimeError)
    check(lambda T: T.add(T.ones(3, dtype=T.int64), 1, out=T.empty(3)))


def test_comparison_out_must_be_bool_or_castable():
    def f(T):
        o = T.empty(3, dtype=T.bool)
        T.lt(T.tensor([1, 2, 3]), 2, out=o)
        return o
    check(f)
    def g(T):
        o = T.zeros(3)
        T.eq(T.tensor([1, 2, 3]), 2, out=o)
        return o
    check(g)
