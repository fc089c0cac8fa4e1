"""einsum and tensordot against torch: the common patterns (matrix, batched and attention
products, outer products, traces, diagonals, transposes, sums), ellipsis, implicit outputs,
broadcasting size-1 dims, three operands, dtypes, the list and sublist call forms, and torch's
errors."""
import pytest

from conftest import DTYPES, check, mk, sample


def ops_for(T, shapes, dtype="float64", seed=0):
    return [mk(T, sample(s, dtype, seed + i), dtype) for i, s in enumerate(shapes)]


EINSUM_CASES = [
    ("ij,jk->ik", [(2, 3), (3, 4)]),
    ("ij,jk", [(2, 3), (3, 4)]),
    ("ik,kj->ji", [(2, 3), (3, 4)]),
    ("bij,bjk->bik", [(2, 3, 4), (2, 4, 5)]),
    ("bhqd,bhkd->bhqk", [(2, 2, 3, 4), (2, 2, 5, 4)]),   # attention scores
    ("bhqk,bhkd->bhqd", [(2, 2, 3, 5), (2, 2, 5, 4)]),
    ("i,i->", [(5,), (5,)]),
    ("i,i", [(5,), (5,)]),
    ("i,j->ij", [(3,), (4,)]),
    ("i,j", [(3,), (4,)]),
    ("ij,ij->ij", [(2, 3), (2, 3)]),
    ("ij,ij->", [(2, 3), (2, 3)]),
    ("ij,ij->i", [(2, 3), (2, 3)]),
    ("ij,j->i", [(2, 3), (3,)]),
    ("i,ij->j", [(2,), (2, 3)]),
    ("ij,kj->ik", [(2, 3), (4, 3)]),
    ("ij->ji", [(2, 3)]),
    ("ij->", [(2, 3)]),
    ("ij->j", [(2, 3)]),
    ("ij", [(2, 3)]),
    ("ji", [(2, 3)]),
    ("ii->i", [(3, 3)]),
    ("ii", [(3, 3)]),
    ("iij->j", [(3, 3, 2)]),
    ("ijj->ij", [(2, 3, 3)]),
    ("iji->j", [(3, 2, 3)]),
    ("...ij->...ji", [(5, 2, 3)]),
    ("...ij,...jk", [(5, 2, 3), (5, 3, 4)]),
    ("...ij,...jk->...ik", [(5, 2, 3), (3, 4)]),          # ellipsis broadcasts
    ("...ij,...jk->...ik", [(2, 1, 2, 3), (4, 3, 4)]),
    ("b...ij,b...jk->b...ik", [(5, 2, 3), (5, 3, 4)]),
    ("i...->...", [(2, 3, 4)]),
    ("...,...->...", [(2, 3), (3,)]),
    ("ij...,j...->i", [(2, 3, 4), (3, 4)]),
    ("Ab,ab->Aa", [(5, 2), (3, 2)]),                     # upper case labels sort first
    ("ba,ab", [(5, 2), (2, 5)]),
    ("ij,ij->ij", [(3, 4), (1, 4)]),                     # size-1 dims broadcast
    ("ij,ij->i", [(3, 4), (3, 1)]),
    ("ij,jk->ik", [(1, 3), (3, 1)]),
    ("ij,jk,kl->il", [(2, 3), (3, 4), (4, 5)]),
    ("i,j,k->ijk", [(2,), (3,), (4,)]),
    ("ab,bc,ca->", [(2, 3), (3, 4), (4, 2)]),
    ("", [()]),
    ("->", [()]),
    (",->", [(), ()]),
    ("i,->i", [(3,), ()]),
    (" i j , j k -> i k ", [(2, 3), (3, 4)]),
    ("ij,jk->ik", [(2, 0), (0, 3)]),
    ("ij,jk->ik", [(0, 3), (3, 2)]),
    ("i,i->i", [(0,), (1,)]),
    ("ij->", [(0, 3)]),
]


@pytest.mark.parametrize("eq,shapes", EINSUM_CASES, ids=[c[0] + str(c[1]) for c in EINSUM_CASES])
def test_einsum(eq, shapes):
    check(lambda T: T.einsum(eq, *ops_for(T, shapes)))


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("eq,shapes", [("ij,jk->ik", [(2, 3), (3, 4)]), ("i,j->ij", [(3,), (4,)]),
                                       ("ij->ji", [(2, 3)]), ("ij->", [(2, 3)]),
                                       ("ii->i", [(3, 3)]), ("ii", [(3, 3)])], ids=str)
def test_einsum_dtypes(eq, shapes, dtype):
    # products through bmm refuse bool as torch does; sums promote integers to int64
    raises = RuntimeError if dtype == "bool" and eq == "ij,jk->ik" else None
    check(lambda T: T.einsum(eq, *ops_for(T, shapes, dtype)), raises=raises)


def test_einsum_mixed_dtypes():
    # a plain product promotes; a contraction (bmm) does not
    check(lambda T: T.einsum("i,j->ij", T.ones(2), T.ones(3, dtype=T.float64)))
    check(lambda T: T.einsum("ij,jk->ik", T.ones(2, 3), T.ones(3, 4, dtype=T.float64)),
          raises=RuntimeError)
    check(lambda T: T.einsum("i,i->", T.ones(2), T.ones(2, dtype=T.int64)), raises=RuntimeError)


def test_einsum_non_contiguous_operands():
    a, b = sample((4, 3), "float64", 1), sample((4, 10), "float64", 2)
    check(lambda T: T.einsum("ji,jk->ik", mk(T, a, "float64"), mk(T, b, "float64")[:, ::2]))
    check(lambda T: T.einsum("bij,bkj->bik", T.arange(24.).reshape(2, 3, 4).transpose(1, 2),
                             T.arange(12.).reshape(1, 3, 4).expand(2, 3, 4).transpose(1, 2)))


def test_einsum_call_forms():
    check(lambda T: T.einsum("ij,jk->ik", [T.ones(2, 3), T.arange(12.).reshape(3, 4)]))
    check(lambda T: T.einsum("ij,jk->ik", (T.ones(2, 3), T.arange(12.).reshape(3, 4))))
    check(lambda T: T.einsum(T.ones(2, 3), [0, 1], T.arange(12.).reshape(3, 4), [1, 2], [0, 2]))
    check(lambda T: T.einsum(T.ones(2, 3), [0, 1], T.arange(12.).reshape(3, 4), [1, 2]))
    check(lambda T: T.einsum(T.arange(24.).reshape(2, 3, 4), [Ellipsis, 30, 40],
                             [40, Ellipsis, 30]))
    check(lambda T: T.einsum(T.ones(3), [52]), raises=ValueError)


@pytest.mark.parametrize("eq,shapes", [
    ("ij,jk->ik", [(2, 3)]),                     # fewer operands than the equation
    ("ij,jk->ik", [(2, 3), (3, 3), (3, 3)]),     # more
    ("ij,jk->ik", [(2, 3), (2, 3)]),             # sizes don't match
    ("ij,jk->iz", [(2, 3), (3, 3)]),             # output label unused
    ("ij,jk->ii", [(2, 3), (3, 3)]),             # output label twice
    ("ij,j1->i", [(2, 3), (3, 3)]),              # not a letter
    ("ij->i1", [(2, 3)]),
    ("ij->i", [(2, 3, 4)]),                      # subscripts vs dims
    ("ijk...->i", [(2, 3)]),
    ("..ij", [(5, 2, 3)]),                       # broken ellipsis
    ("i...j...", [(5, 2, 3)]),
    ("ij->...i...", [(2, 3)]),
    ("ii", [(3, 4)]),                            # diagonal of unequal dims
    ("ij,ij->ij", [(3, 4), (2, 4)]),
    ("...i,...i->...", [(2, 3), (4, 3)]),        # ellipsis dims don't broadcast
], ids=range(15))
def test_einsum_errors(eq, shapes):
    check(lambda T: T.einsum(eq, *ops_for(T, shapes)), raises=RuntimeError)


def test_einsum_argument_errors():
    check(lambda T: T.einsum("ij,jk->ik"), raises=ValueError)
    check(lambda T: T.einsum(), raises=ValueError)
    check(lambda T: T.einsum(5, T.ones(2)), raises=TypeError)
    check(lambda T: T.einsum("ij,jk->ik", T.ones(2, 3), 5), raises=TypeError)
    check(lambda T: T.einsum("ij,jk->ik", [T.ones(2, 3), "a"]), raises=TypeError)


def test_einsum_too_many_dims_is_an_error_not_a_crash():
    import oztorch
    with pytest.raises(RuntimeError):
        oztorch.einsum("abcde,efghi->a", oztorch.ones(1, 1, 1, 1, 1), oztorch.ones(1, 1, 1, 1, 1))


# ------------------------------------------------------------------ tensordot

TENSORDOT_CASES = [
    ((2, 3, 4), (3, 4, 5), None),
    ((2, 3, 4), (3, 4, 5), 2),
    ((2, 3, 4), (4, 5), 1),
    ((2, 3), (4, 5), 0),
    ((), (4, 3), 0),
    ((2, 3, 4), (4, 3, 5), ([1, 2], [1, 0])),
    ((2, 3, 4), (4, 3, 5), [[1, 2], [1, 0]]),
    ((2, 3, 4), (4, 3, 5), ([1], [1])),
    ((2, 3, 4), (4, 3, 5), ((-1,), (0,))),
    ((2, 3, 4), (1, 3, 5), 1),      # a size-1 contracted dim broadcasts
    ((2, 3, 1), (4, 3, 5), 1),
    ((2, 3, 4), (4, 3, 5), ([], [])),
    ((0, 3), (3, 2), 1),
    ((2, 0), (0, 2), 1),
]


@pytest.mark.parametrize("a,b,dims", TENSORDOT_CASES, ids=str)
def test_tensordot(a, b, dims):
    if dims is None:
        check(lambda T: T.tensordot(*ops_for(T, [a, b])))
    else:
        check(lambda T: T.tensordot(*ops_for(T, [a, b]), dims=dims))


def test_tensordot_dims_as_tensor_dtypes_keywords_out():
    check(lambda T: T.tensordot(*ops_for(T, [(2, 3, 4), (4, 3, 5)]), dims=T.tensor(1)))
    check(lambda T: T.tensordot(*ops_for(T, [(2, 3, 4), (4, 3, 5)]), dims=T.tensor([[2], [0]])))
    check(lambda T: T.tensordot(*ops_for(T, [(2, 3, 4), (4, 3, 5)], "int64"), 1))
    check(lambda T: T.tensordot(a=T.ones(2, 3), b=T.ones(3, 2), dims=1))

    def f(T):
        o = T.empty(0)
        r = T.tensordot(T.ones(2, 3), T.ones(3, 2), 1, out=o)
        return o, r is o
    check(f)


@pytest.mark.parametrize("dims,exc", [
    (1, RuntimeError),                      # contracted sizes differ (4 vs 3)
    (-1, RuntimeError),
    (4, IndexError),
    (([1, 2], [1]), RuntimeError),
    (([5], [1]), IndexError),
    (([1, 1], [1, 0]), RuntimeError),      # a dim twice
    (1.5, RuntimeError),
    ("a", RuntimeError),
    ((1, 1), TypeError),
    (([1], [1], [1]), ValueError),
], ids=range(10))
def test_tensordot_errors(dims, exc):
    check(lambda T: T.tensordot(*ops_for(T, [(2, 3, 4), (3, 3, 5)]), dims=dims), raises=exc)


def test_tensordot_dtype_errors():
    check(lambda T: T.tensordot(T.ones(2, 3), T.ones(3, 2, dtype=T.float64), 1),
          raises=RuntimeError)
    check(lambda T: T.tensordot(T.ones(2, 3, dtype=T.bool), T.ones(3, 2, dtype=T.bool), 1),
          raises=RuntimeError)
    check(lambda T: T.tensordot(T.ones(2, 3), T.ones(3, 2), 1, out=T.empty(0, dtype=T.float64)),
          raises=RuntimeError)
    check(lambda T: T.tensordot(2, T.ones(3, 2), 1), raises=TypeError)


# ------------------------------------------------------------------ trace

@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", [(3, 3), (2, 3), (3, 2), (0, 3), (1, 1)], ids=str)
def test_trace(shape, dtype):
    check(lambda T: T.trace(*ops_for(T, [shape], dtype)),
          raises=RuntimeError if dtype == "bool" else None)
    check(lambda T: ops_for(T, [shape], dtype)[0].trace(),
          raises=RuntimeError if dtype == "bool" else None)


def test_trace_strided_and_errors():
    check(lambda T: T.trace(T.arange(20.).reshape(4, 5)[:, ::2].t()))
    check(lambda T: T.trace(input=T.ones(3, 3)))
    check(lambda T: T.trace(T.ones(3)), raises=RuntimeError)
    check(lambda T: T.trace(T.ones(())), raises=RuntimeError)
    check(lambda T: T.trace(T.ones(3, 3), out=T.ones(())), raises=TypeError)
