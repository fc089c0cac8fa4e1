"""mm, bmm, mv, dot, vdot, outer/ger and inner against torch: every dtype (bool is refused as
torch refuses it), empty and 0-d operands, non-contiguous operands, out=, the function and method
forms, and torch's errors for bad shapes and dtypes."""
import numpy as np
import pytest

from conftest import DTYPES, LAYOUTS, check, dt, mk, mk_layout, sample

NUMERIC = [d for d in DTYPES if d != "bool"]


def pair(T, a_shape, b_shape, dtype, seed=0):
    return (mk(T, sample(a_shape, dtype, seed), dtype), mk(T, sample(b_shape, dtype, seed + 1), dtype))


# ------------------------------------------------------------------ mm

MM_SHAPES = [((2, 3), (3, 4)), ((1, 1), (1, 1)), ((4, 1), (1, 5)), ((2, 0), (0, 3)),
             ((0, 3), (3, 2)), ((3, 2), (2, 0))]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("a_shape,b_shape", MM_SHAPES, ids=str)
def test_mm(a_shape, b_shape, dtype):
    # torch refuses bool products, except when there is nothing to multiply
    empty = 0 in a_shape + b_shape
    raises = RuntimeError if dtype == "bool" and not empty else None
    check(lambda T: T.mm(*pair(T, a_shape, b_shape, dtype)), raises=raises)
    check(lambda T: pair(T, a_shape, b_shape, dtype)[0].mm(pair(T, a_shape, b_shape, dtype)[1]),
          raises=raises)


@pytest.mark.parametrize("b_layout", LAYOUTS)
@pytest.mark.parametrize("a_layout", LAYOUTS)
def test_mm_non_contiguous(a_layout, b_layout):
    a, b = sample((3, 4), "float64", 1), sample((4, 5), "float64", 2)
    check(lambda T: T.mm(mk_layout(T, a, "float64", a_layout), mk_layout(T, b, "float64", b_layout)))


def test_mm_values_float32():
    a = np.linspace(-1, 1, 12).reshape(3, 4)
    b = np.linspace(2, -3, 20).reshape(4, 5)
    check(lambda T: T.mm(mk(T, a, "float32"), mk(T, b, "float32")), rtol=1e-5, atol=1e-6)


def test_mm_nan_inf_propagate():
    a = [[float("nan"), 1.0], [float("inf"), 2.0]]
    check(lambda T: T.mm(T.tensor(a), T.ones(2, 3)))


@pytest.mark.parametrize("case", [
    lambda T: T.mm(T.ones(2, 3), T.ones(2, 3)),                      # K mismatch
    lambda T: T.mm(T.ones(3), T.ones(3, 2)),                         # self not a matrix
    lambda T: T.mm(T.ones(2, 3), T.ones(3)),                         # mat2 not a matrix
    lambda T: T.mm(T.ones(2, 3, 4), T.ones(4, 2)),
    lambda T: T.mm(T.ones(()), T.ones(2, 2)),
    lambda T: T.mm(T.ones(2, 3), T.ones(3, 2, dtype=T.float64)),    # no promotion
    lambda T: T.mm(T.ones(2, 3, dtype=T.int64), T.ones(3, 2)),
], ids=range(7))
def test_mm_errors(case):
    check(case, raises=RuntimeError)


@pytest.mark.parametrize("case", [
    lambda T: T.mm(T.ones(2, 2), 2),
    lambda T: T.mm([[1.0]], T.ones(1, 1)),
    lambda T: T.ones(2, 2).mm("a"),
    lambda T: T.mm(T.ones(2, 2)),
    lambda T: T.mm(T.ones(2, 2), T.ones(2, 2), T.ones(2, 2)),
    lambda T: T.mm(T.ones(2, 2), mat3=T.ones(2, 2)),
], ids=range(6))
def test_mm_argument_errors(case):
    check(case, raises=TypeError)


def test_mm_keywords():
    check(lambda T: T.mm(input=T.ones(2, 3), mat2=T.ones(3, 1)))
    check(lambda T: T.ones(2, 3).mm(mat2=T.ones(3, 1)))


def test_mm_out():
    def f(T):
        o = T.empty(2, 4)
        r = T.mm(T.ones(2, 3), T.arange(12.).reshape(3, 4), out=o)
        return o, r is o
    check(f)


def test_mm_out_resized():
    def f(T):
        o = T.empty(0)
        T.mm(T.ones(2, 3), T.ones(3, 2), out=o)
        return o
    check(f)


def test_mm_out_aliasing_an_operand_uses_the_old_values():
    # torch zeroes out= before reading the operands; OzTorch computes the product first (what
    # numpy does too), so only check OzTorch's own answer here.
    import oztorch
    a = oztorch.arange(4.).reshape(2, 2)
    oztorch.mm(a, a, out=a)
    assert a.tolist() == [[2.0, 3.0], [6.0, 11.0]]


def test_mm_out_dtype_must_match():
    check(lambda T: T.mm(T.ones(2, 3), T.ones(3, 2), out=T.empty(2, 2, dtype=T.float64)),
          raises=RuntimeError)


# ------------------------------------------------------------------ bmm

BMM_SHAPES = [((2, 3, 4), (2, 4, 5)), ((1, 1, 1), (1, 1, 1)), ((0, 2, 3), (0, 3, 4)),
              ((2, 0, 3), (2, 3, 4)), ((2, 3, 0), (2, 0, 4))]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("a_shape,b_shape", BMM_SHAPES, ids=str)
def test_bmm(a_shape, b_shape, dtype):
    empty = 0 in a_shape + b_shape
    raises = RuntimeError if dtype == "bool" and not empty else None
    check(lambda T: T.bmm(*pair(T, a_shape, b_shape, dtype)), raises=raises)


def test_bmm_non_contiguous_and_method():
    a, b = sample((3, 4, 2), "float64", 3), sample((3, 5, 4), "float64", 4)
    c = sample((3, 8, 6), "float64", 5)
    check(lambda T: mk(T, a, "float64").transpose(1, 2).bmm(mk(T, b, "float64").transpose(1, 2)))
    check(lambda T: T.bmm(mk(T, a, "float64")[::2].transpose(1, 2), mk(T, c, "float64")[::2, ::2]))


def test_bmm_expanded_operand():
    check(lambda T: T.bmm(T.arange(6.).reshape(1, 2, 3).expand(4, 2, 3), T.ones(4, 3, 2)))


@pytest.mark.parametrize("case", [
    lambda T: T.bmm(T.ones(2, 3, 4), T.ones(3, 4, 5)),
    lambda T: T.bmm(T.ones(2, 3, 4), T.ones(2, 3, 5)),
    lambda T: T.bmm(T.ones(3, 4), T.ones(3, 4, 5)),
    lambda T: T.bmm(T.ones(2, 3, 4), T.ones(2, 4)),
    lambda T: T.bmm(T.ones(2, 3, 4), T.ones(2, 4, 5, dtype=T.float64)),
    lambda T: T.bmm(T.ones(2, 3, 4), T.ones(2, 4, 5), out=T.empty(2, 3, 5, dtype=T.int64)),
], ids=range(6))
def test_bmm_errors(case):
    check(case, raises=RuntimeError)


def test_bmm_out():
    def f(T):
        o = T.zeros(0)
        r = T.bmm(T.ones(2, 3, 4), T.ones(2, 4, 5), out=o)
        return o, r is o
    check(f)


# ------------------------------------------------------------------ mv

@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("m_shape", [(2, 3), (1, 1), (0, 3), (2, 0)], ids=str)
def test_mv(m_shape, dtype):
    empty = 0 in m_shape
    raises = RuntimeError if dtype == "bool" and not empty else None
    check(lambda T: T.mv(*pair(T, m_shape, (m_shape[1],), dtype)), raises=raises)
    check(lambda T: pair(T, m_shape, (m_shape[1],), dtype)[0].mv(
        pair(T, m_shape, (m_shape[1],), dtype)[1]), raises=raises)


@pytest.mark.parametrize("layout", LAYOUTS)
def test_mv_non_contiguous(layout):
    m, v = sample((4, 3), "float32", 5), sample((6,), "float32", 6)
    check(lambda T: T.mv(mk_layout(T, m, "float32", layout), mk(T, v, "float32")[::2]))


@pytest.mark.parametrize("case", [
    lambda T: T.mv(T.ones(2, 3), T.ones(4)),
    lambda T: T.mv(T.ones(3), T.ones(3)),
    lambda T: T.mv(T.ones(2, 3), T.ones(3, 1)),
    lambda T: T.mv(T.ones(2, 3), T.ones(())),
    lambda T: T.mv(T.ones(2, 3), T.ones(3, dtype=T.float64)),
    lambda T: T.mv(T.ones(2, 3), T.ones(3), out=T.empty(2, dtype=T.float64)),
], ids=range(6))
def test_mv_errors(case):
    check(case, raises=RuntimeError)


def test_mv_out_and_keywords():
    def f(T):
        o = T.empty(2)
        r = T.mv(input=T.arange(6.).reshape(2, 3), vec=T.ones(3), out=o)
        return o, r is o
    check(f)


# ------------------------------------------------------------------ dot, vdot

@pytest.mark.parametrize("fn", ["dot", "vdot"])
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("n", [0, 1, 5])
def test_dot(fn, dtype, n):
    raises = RuntimeError if dtype == "bool" else None
    check(lambda T: getattr(T, fn)(*pair(T, (n,), (n,), dtype)), raises=raises)
    check(lambda T: getattr(pair(T, (n,), (n,), dtype)[0], fn)(pair(T, (n,), (n,), dtype)[1]),
          raises=raises)


def test_dot_strided_and_wrapping():
    a, b = sample((8,), "float64", 7), sample((8,), "float64", 8)
    check(lambda T: T.dot(mk(T, a, "float64")[::2], mk(T, b, "float64")[1::2]))
    check(lambda T: T.dot(mk(T, a, "float64")[2:5], mk(T, b, "float64")[5:]))
    check(lambda T: T.dot(mk(T, a, "float64").reshape(2, 4)[:, 1], mk(T, b, "float64")[:2]))
    # integer dot wraps around like torch's
    check(lambda T: T.dot(T.full((4,), 100, dtype=T.int8), T.full((4,), 3, dtype=T.int8)))
    check(lambda T: T.dot(T.full((3,), 2 ** 40, dtype=T.int64), T.full((3,), 2 ** 30,
                                                                          dtype=T.int64)))


@pytest.mark.parametrize("fn", ["dot", "vdot"])
@pytest.mark.parametrize("case", [
    lambda T, f: f(T.ones(3), T.ones(4)),
    lambda T, f: f(T.ones(3), T.ones(3, dtype=T.float64)),
    lambda T, f: f(T.ones(3, 1), T.ones(3)),
    lambda T, f: f(T.ones(3), T.ones(3, 1)),
    lambda T, f: f(T.ones(()), T.ones(())),
    lambda T, f: f(T.ones(3), T.ones(3), out=T.empty((), dtype=T.float64)),
], ids=range(6))
def test_dot_errors(fn, case):
    check(lambda T: case(T, getattr(T, fn)), raises=RuntimeError)


def test_dot_keywords_and_out():
    def f(T):
        o = T.empty(0)  # resized to 0-d
        r = T.dot(input=T.arange(3.), tensor=T.ones(3), out=o)
        return o, r is o
    check(f)
    check(lambda T: T.dot(T.ones(3), other=T.ones(3)), raises=TypeError)
    check(lambda T: T.vdot(input=T.ones(3), other=T.ones(3)))


# ------------------------------------------------------------------ outer, ger

@pytest.mark.parametrize("fn", ["outer", "ger"])
@pytest.mark.parametrize("a_dtype,b_dtype", [(d, d) for d in DTYPES] + [
    ("int64", "float32"), ("bool", "int8"), ("uint8", "int8"), ("float32", "float64")])
def test_outer(fn, a_dtype, b_dtype):
    a, b = sample((3,), a_dtype, 9), sample((4,), b_dtype, 10)
    check(lambda T: getattr(T, fn)(mk(T, a, a_dtype), mk(T, b, b_dtype)))
    check(lambda T: getattr(mk(T, a, a_dtype), fn)(mk(T, b, b_dtype)))


def test_outer_empty_strided_out():
    check(lambda T: T.outer(T.ones(0), T.ones(3)))
    check(lambda T: T.outer(T.arange(6.)[::2], T.arange(8.).reshape(2, 4)[:, 1]))

    def f(T):
        o = T.empty(3, 3, dtype=T.float64)  # outer casts into out=, like mul
        r = T.outer(T.arange(3), T.arange(3), out=o)
        return o, r is o
    check(f)


@pytest.mark.parametrize("case", [
    lambda T: T.outer(T.ones(3, 1), T.ones(4)),
    lambda T: T.outer(T.ones(3), T.ones(4, 1)),
    lambda T: T.outer(T.ones(()), T.ones(4)),
    lambda T: T.outer(T.ones(3), T.ones(3), out=T.empty(3, 3, dtype=T.int64)),
], ids=range(4))
def test_outer_errors(case):
    check(case, raises=RuntimeError)


# ------------------------------------------------------------------ inner

@pytest.mark.parametrize("a_shape,b_shape", [((3,), (3,)), ((2, 3), (4, 3)), ((2, 3), (3,)),
                                             ((2, 1, 3), (2, 3)), ((), (2, 3)), ((2, 3), ()),
                                             ((0, 3), (2, 3))], ids=str)
def test_inner(a_shape, b_shape):
    check(lambda T: T.inner(*pair(T, a_shape, b_shape, "float64")))
    check(lambda T: pair(T, a_shape, b_shape, "float64")[0].inner(pair(T, a_shape, b_shape,
                                                                       "float64")[1]))


def test_inner_dtypes():
    check(lambda T: T.inner(T.ones(2, 3, dtype=T.int32), T.ones(3, dtype=T.int32)))
    check(lambda T: T.inner(T.ones((), dtype=T.int64), T.ones(3)))  # 0-d: a product, promoting
    check(lambda T: T.inner(T.ones(3), T.ones(4, 3, dtype=T.int64)), raises=RuntimeError)
    check(lambda T: T.inner(T.ones(2), T.ones(4, 3)), raises=RuntimeError)
    check(lambda T: T.inner(T.ones(2, 3), T.ones(3), out=T.ones(2, dtype=T.float64)),
          raises=RuntimeError)


# ------------------------------------------------------------------ leaks

def linalg_round(T, a, b, v, batch):
    """Every op of the family once, successful and failing, forward and backward."""
    out = [T.mm(a, b), T.bmm(batch, batch.transpose(1, 2)), T.mv(a, v), T.dot(v, v),
           T.outer(v, v), T.inner(a, a), T.addmm(v, a, a.t(), beta=2), T.addmv(v, a, v),
           T.addbmm(a, batch, batch.transpose(1, 2)), T.baddbmm(batch, batch, batch, alpha=0.5),
           T.einsum("ij,jk->ik", a, b), T.einsum("bij->", batch), T.einsum("ii->i", b),
           T.tensordot(batch, b, 1), a.new_zeros(2), a.type(T.int32), a.type()]
    for bad in [lambda: T.mm(a, v), lambda: T.bmm(a, a), lambda: T.dot(v, a),
                lambda: T.addmm(b, a, b), lambda: T.einsum("ij,jk->iz", a, b),
                lambda: T.einsum("ii", a), lambda: T.einsum("ij,j1", a, v),
                lambda: T.tensordot(a, b, ([0, 0], [1, 1])), lambda: T.addmv(v[:2], a, v),
                lambda: T.baddbmm(a, batch, batch), lambda: T.mm(a, b, out=T.empty(0, dtype=T.int64))]:
        try:
            bad()
        except (RuntimeError, IndexError, TypeError):
            pass
    w = a.detach().requires_grad_(True)
    T.einsum("ij,kj->", T.addmm(v, w, b), w).backward()
    return out


def test_no_leaks():
    import gc
    import oztorch as T
    a, b, v = T.ones(3, 3), T.arange(9.).reshape(3, 3), T.ones(3)
    batch = T.ones(2, 3, 3)
    linalg_round(T, a, b, v, batch)
    gc.collect()
    tensors, nbytes = T._C._live_tensors(), T._C._host_bytes_in_use()
    for _ in range(200):
        linalg_round(T, a, b, v, batch)
    gc.collect()
    assert T._C._live_tensors() == tensors
    assert T._C._host_bytes_in_use() == nbytes
