"""matmul (1-d and 2-d operands) and sum (all, dims, negative and tuple dims, keepdim, dtype=)
against torch, over dtypes, layouts, empty and 0-d inputs, with torch's errors."""
import numpy as np
import pytest

from conftest import DTYPES, LAYOUTS, check, dt, mk, mk_layout, sample

MATMUL_SHAPES = [
    ((2, 3), (3, 4)),
    ((1, 5), (5, 1)),
    ((3,), (3, 2)),     # 1-d @ 2-d
    ((2, 3), (3,)),     # 2-d @ 1-d
    ((4,), (4,)),       # 1-d @ 1-d: 0-d result
    ((2, 0), (0, 3)),   # K = 0: zeros
    ((0, 3), (3, 2)),
    ((3, 2), (2, 0)),
    ((0,), (0,)),
]


# torch has no bool matmul ("addmm_impl_cpu_" not implemented for 'Bool'); its answer for bool
# operands with a zero-size dim depends on an early return, so those cases are left out.
MATMUL_CASES = [(a, b, d) for a, b in MATMUL_SHAPES for d in DTYPES
                if not (d == "bool" and 0 in a + b)]


@pytest.mark.parametrize("a_shape,b_shape,dtype", MATMUL_CASES, ids=str)
def test_matmul_shapes_and_dtypes(a_shape, b_shape, dtype):
    a, b = sample(a_shape, dtype, seed=1), sample(b_shape, dtype, seed=2)
    check(lambda T: mk(T, a, dtype) @ mk(T, b, dtype),
          raises=RuntimeError if dtype == "bool" else None)


@pytest.mark.parametrize("b_layout", LAYOUTS)
@pytest.mark.parametrize("a_layout", LAYOUTS)
def test_matmul_non_contiguous(a_layout, b_layout):
    a, b = sample((3, 4), "float64", seed=3), sample((4, 5), "float64", seed=4)
    check(lambda T: T.matmul(mk_layout(T, a, "float64", a_layout), mk_layout(T, b, "float64", b_layout)))


def test_matmul_forms():
    a, b = sample((2, 3), "float32", seed=5), sample((3, 2), "float32", seed=6)
    check(lambda T: T.matmul(mk(T, a), mk(T, b)))
    check(lambda T: mk(T, a).matmul(mk(T, b)))
    check(lambda T: mk(T, a) @ mk(T, b).t().t())


def test_matmul_out():
    def f(T):
        o = T.empty(2, 2)
        r = T.matmul(T.ones(2, 3), T.ones(3, 2), out=o)
        return o, r is o
    check(f)


def test_matmul_out_must_have_the_result_dtype():
    # Unlike elementwise ops, matmul does not cast into out=: "Expected out tensor to have dtype
    # float, but got double instead".
    check(lambda T: T.matmul(T.ones(2, 3), T.ones(3, 2), out=T.empty(2, 2, dtype=T.float64)),
          raises=RuntimeError)


@pytest.mark.parametrize("a_shape,b_shape", [
    ((2, 3), (2, 2)), ((3,), (4,)), ((3,), (2, 2)), ((2, 3), (2,)), ((), (3,)), ((3,), ()),
], ids=str)
def test_matmul_shape_errors(a_shape, b_shape):
    check(lambda T: T.ones(a_shape) @ T.ones(b_shape), raises=RuntimeError)


@pytest.mark.parametrize("a_dtype,b_dtype", [("float32", "float64"), ("int64", "float32"),
                                             ("int32", "int64")])
def test_matmul_does_not_promote(a_dtype, b_dtype):
    check(lambda T: T.ones(2, 3, dtype=dt(T, a_dtype)) @ T.ones(3, 2, dtype=dt(T, b_dtype)),
          raises=RuntimeError)


def test_matmul_float_values_and_the_readme_expression():
    a = np.linspace(-1, 1, 12).reshape(3, 4)
    b = np.linspace(2, -3, 20).reshape(4, 5)
    check(lambda T: mk(T, a, "float64") @ mk(T, b, "float64"))
    check(lambda T: mk(T, a, "float32") @ mk(T, b, "float32"), rtol=1e-5)
    check(lambda T: T.ones(2, 3) @ T.arange(3.).reshape(3, 1) + 1)


# ------------------------------------------------------------------ sum

SUM_DIMS = [None, 0, 1, 2, -1, -3, (0, 2), (-1, 0), (0, 1, 2), [1]]


@pytest.mark.parametrize("keepdim", [False, True])
@pytest.mark.parametrize("dim", SUM_DIMS, ids=str)
@pytest.mark.parametrize("dtype", DTYPES)
def test_sum_dims(dtype, dim, keepdim):
    a = sample((2, 3, 4), dtype, seed=7)
    if dim is None:
        check(lambda T: mk(T, a, dtype).sum())
        check(lambda T: T.sum(mk(T, a, dtype)))
    else:
        check(lambda T: mk(T, a, dtype).sum(dim, keepdim=keepdim))
        check(lambda T: T.sum(mk(T, a, dtype), dim=dim, keepdim=keepdim))


@pytest.mark.parametrize("out_dtype", ["float32", "float64", "int64", "int32"])
@pytest.mark.parametrize("dtype", DTYPES)
def test_sum_dtype_argument(dtype, out_dtype):
    a = sample((3, 4), dtype, seed=8)
    check(lambda T: mk(T, a, dtype).sum(dtype=dt(T, out_dtype)))
    check(lambda T: mk(T, a, dtype).sum(1, dtype=dt(T, out_dtype)))


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("dim", [None, 0, 1, (0, 1)], ids=str)
def test_sum_non_contiguous(layout, dim):
    a = sample((5, 6), "float32", seed=9)
    check(lambda T: mk_layout(T, a, "float32", layout).sum() if dim is None
          else mk_layout(T, a, "float32", layout).sum(dim))


@pytest.mark.parametrize("shape,dim", [
    ((), None), ((), 0), ((), -1), ((0,), None), ((0,), 0), ((2, 0), 1), ((2, 0), 0),
    ((0, 3), (0, 1)), ((1,), 0),
], ids=str)
def test_sum_0d_and_empty(shape, dim):
    a = sample(shape, "int32", seed=10)
    check(lambda T: mk(T, a, "int32").sum() if dim is None else mk(T, a, "int32").sum(dim))
    check(lambda T: T.ones(shape).sum() if dim is None else T.ones(shape).sum(dim, keepdim=True))


def test_sum_of_larger_float_input():
    a = np.linspace(-3, 7, 1000).reshape(10, 100)
    check(lambda T: mk(T, a, "float64").sum(1))
    check(lambda T: mk(T, a, "float32").sum(), rtol=1e-5, atol=1e-4)


def test_sum_of_permuted_and_expanded_views():
    a = sample((3, 4, 5), "float64", seed=22)
    check(lambda T: mk(T, a, "float64").permute(1, 2, 0)[:, ::2].sum((0, 2), keepdim=True))
    check(lambda T: mk(T, a, "float64")[0:1].expand(6, 4, 5).sum(0))
    check(lambda T: mk(T, a, "float64").transpose(0, 2).sum(-1))




def test_sum_out():
    def f(T):
        o = T.empty(3)
        r = T.sum(T.ones(2, 3), 0, out=o)
        return o, r is o
    check(f)


@pytest.mark.parametrize("shape,dim,exc", [
    ((2, 3), 2, IndexError),
    ((2, 3), -3, IndexError),
    ((), 1, IndexError),
    ((2, 3), (0, 0), RuntimeError),
    ((2, 3), (1, -1), RuntimeError),
], ids=str)
def test_sum_errors(shape, dim, exc):
    check(lambda T: T.ones(shape).sum(dim), raises=exc)
