"""Ops along one dim against torch: max/min(dim) with indices and the binary max/min,
argmax/argmin, cumsum/cumprod (and the in-place forms), sort/argsort, topk, unique; and the
torch.return_types named tuples. Values without ties where torch's order of equal elements is
unspecified (its default sort is not stable)."""
import pickle

import numpy as np
import pytest

from conftest import DTYPES, FLOAT_DTYPES, LAYOUTS, check, dt, mk, mk_layout, oz, sample

NAN, INF = float("nan"), float("inf")


def plain(r):
    """A torch.return_types named tuple as a plain tuple (oztorch's classes are its own)."""
    return tuple(r) if isinstance(r, tuple) else r


def distinct(shape, dtype, seed):
    """Values without ties along any dim: a permutation (small enough for int8), as dtype."""
    n = int(np.prod(shape))
    rng = np.random.default_rng(seed)
    if dtype == "bool":
        return sample(shape, "bool", seed)
    vals = rng.permutation(n) - (0 if dtype == "uint8" else n // 2)
    return vals.reshape(shape).astype(np.float64 if dtype in FLOAT_DTYPES else np.int64)


# ------------------------------------------------------------------ max/min along a dim

@pytest.mark.parametrize("keepdim", [False, True])
@pytest.mark.parametrize("dim", [0, 1, -1])
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", ["max", "min"])
def test_max_min_dim(name, dtype, dim, keepdim):
    a = distinct((3, 4, 2), dtype, seed=1)
    check(lambda T: plain(getattr(mk(T, a, dtype), name)(dim, keepdim)))
    check(lambda T: plain(getattr(T, name)(mk(T, a, dtype), dim=dim, keepdim=keepdim)))


@pytest.mark.parametrize("name", ["max", "min"])
def test_max_min_dim_ties_nan_and_0d(name):
    # ties: the first index, as torch's CPU kernel; NaN wins with its first index
    check(lambda T: plain(getattr(T.tensor([[1, 3, 3, 1], [2, 2, 0, 0]]), name)(1)))
    check(lambda T: plain(getattr(T.tensor([[1., NAN, 3., NAN], [INF, -INF, 2., 2.]]), name)(1)))
    check(lambda T: plain(getattr(T.tensor(3.), name)(0)))
    check(lambda T: plain(getattr(T.tensor(3.), name)(-1, True)))


@pytest.mark.parametrize("layout", LAYOUTS)
def test_max_dim_non_contiguous(layout):
    a = distinct((5, 6), "float32", seed=2)
    check(lambda T: plain(mk_layout(T, a, "float32", layout).max(0)))
    check(lambda T: plain(mk_layout(T, a, "float32", layout).min(1, keepdim=True)))


def test_max_dim_named_tuple_and_out():
    T = oz()
    r = T.tensor([[1., 5.], [7., 2.]]).max(1)
    assert isinstance(r, tuple) and type(r).__name__ == "max"
    assert r.values.tolist() == [5., 7.] and r.indices.tolist() == [1, 0]
    v, i = r
    assert v is r[0] and i is r[1]

    def f(T):
        v, i = T.empty(0), T.empty(0, dtype=T.int64)
        r = T.max(T.tensor([[1., 5.], [7., 2.]]), 1, out=(v, i))
        return type(r).__name__, tuple(r), r[0] is v, r[1] is i
    check(f)
    check(lambda T: T.max(T.ones(2, 2), 1, out=T.empty(2)), raises=TypeError)


def test_max_dim_errors():
    check(lambda T: T.ones(2, 3).max(2), raises=IndexError)
    check(lambda T: T.ones(2, 3).max((0, 1)), raises=TypeError)
    check(lambda T: T.ones(2, 3).max(keepdim=True), raises=TypeError)
    check(lambda T: T.ones(2, 3).max(1.5), raises=TypeError)
    check(lambda T: T.zeros(2, 0).max(1), raises=IndexError)


@pytest.mark.parametrize("name", ["max", "min"])
def test_binary_max_min_is_maximum_minimum(name):
    if not hasattr(oz(), "maximum"):
        pytest.skip("torch.maximum is not in this build")
    a, b = sample((2, 3), "float32", seed=3), sample((3,), "float32", seed=4)
    check(lambda T: getattr(T, name)(mk(T, a), mk(T, b)))
    check(lambda T: getattr(mk(T, a), name)(mk(T, b)))
    check(lambda T: getattr(T, name)(mk(T, a), other=mk(T, b)))
    check(lambda T: getattr(T.tensor([1., NAN]), name)(T.tensor([NAN, 2.])))


# ------------------------------------------------------------------ argmax/argmin

@pytest.mark.parametrize("keepdim", [False, True])
@pytest.mark.parametrize("dim", [None, 0, 1, -1])
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", ["argmax", "argmin"])
def test_argmax_argmin(name, dtype, dim, keepdim):
    a = distinct((3, 4), dtype, seed=5)
    raises = RuntimeError if dtype == "bool" else None  # "argmax_cpu" not implemented for 'Bool'
    check(lambda T: getattr(mk(T, a, dtype), name)(dim, keepdim), raises=raises)
    check(lambda T: getattr(T, name)(mk(T, a, dtype).t(), dim=dim, keepdim=keepdim), raises=raises)


@pytest.mark.parametrize("name", ["argmax", "argmin"])
def test_argmax_special(name):
    check(lambda T: getattr(T.tensor([[1., NAN, 3.], [2., 2., 1.]]), name)(1))
    check(lambda T: getattr(T.tensor([4, 9, 9, 4]), name)())
    check(lambda T: getattr(T.tensor(3.), name)())
    check(lambda T: getattr(T.zeros(0, 3), name)(1))
    check(lambda T: getattr(T.zeros(0), name)(), raises=IndexError)
    check(lambda T: getattr(T.zeros(0, 3), name)(0), raises=IndexError)
    check(lambda T: getattr(T.ones(2, 3), name)(2), raises=IndexError)

    def f(T):
        o = T.empty(3, dtype=T.int64)
        r = getattr(T, name)(T.ones(2, 3), 0, out=o)
        return o, r is o
    check(f)


# ------------------------------------------------------------------ cumsum, cumprod

@pytest.mark.parametrize("dim", [0, 1, -1])
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", ["cumsum", "cumprod"])
def test_cumsum_cumprod(name, dtype, dim):
    a = sample((3, 4), dtype, seed=6)
    if name == "cumprod" and dtype in FLOAT_DTYPES:
        a = a / 8 + 1
    check(lambda T: getattr(mk(T, a, dtype), name)(dim))
    check(lambda T: getattr(T, name)(mk(T, a, dtype).t(), dim=dim))
    check(lambda T: getattr(T, name)(mk(T, a, dtype), dim, dtype=T.float64))


@pytest.mark.parametrize("name", ["cumsum", "cumprod"])
def test_cumulative_special(name):
    check(lambda T: getattr(T.tensor([1., NAN, 2., INF]), name)(0))
    check(lambda T: getattr(T.tensor([100, 100, 100], dtype=T.int8), name)(0, dtype=T.int8))
    check(lambda T: getattr(T.tensor([1e8, 1., -1e8]), name)(0))  # float32 runs in double
    check(lambda T: getattr(T.tensor(2.), name)(0))
    check(lambda T: getattr(T.zeros(2, 0), name)(1))
    check(lambda T: getattr(T.zeros(2, 0), name)(0))
    check(lambda T: getattr(T.ones(2, 3), name)(2), raises=IndexError)
    check(lambda T: getattr(T.ones(2, 3), name)(), raises=TypeError)

    def f(T):
        o = T.empty(0)
        r = getattr(T, name)(T.arange(1., 7.).reshape(2, 3), 1, out=o)
        return o, r is o
    check(f)


@pytest.mark.parametrize("dtype", ["float32", "int32", "int64"])
@pytest.mark.parametrize("name", ["cumsum_", "cumprod_"])
def test_cumulative_in_place(name, dtype):
    def f(T):
        x = T.tensor([[1, 2, 3], [4, 5, 6]], dtype=dt(T, dtype))
        y = x.t()  # in place through a transposed view
        r = getattr(y, name)(1)
        return x, r is y

    check(f)
    check(lambda T: getattr(T.tensor([1., 2.]), name)(0, dtype=T.float32))
    check(lambda T: getattr(T.tensor([1., 2.]), name)(0, dtype=T.float64), raises=RuntimeError)
    check(lambda T: getattr(T.tensor([1, 2]), name)(0, dtype=T.int32), raises=RuntimeError)


# ------------------------------------------------------------------ sort, argsort

@pytest.mark.parametrize("descending", [False, True])
@pytest.mark.parametrize("dim", [0, 1, -1])
@pytest.mark.parametrize("dtype", DTYPES)
def test_sort(dtype, dim, descending):
    a = distinct((3, 4, 2), dtype, seed=7)
    if dtype == "bool":  # ties are unavoidable: ask for the stable order
        check(lambda T: plain(mk(T, a, dtype).sort(dim=dim, descending=descending, stable=True)))
        return
    check(lambda T: plain(mk(T, a, dtype).sort(dim, descending)))
    check(lambda T: plain(T.sort(mk(T, a, dtype), dim=dim, descending=descending)))
    check(lambda T: mk(T, a, dtype).argsort(dim, descending))
    check(lambda T: T.argsort(mk(T, a, dtype), dim=dim, descending=descending))


def test_sort_stable_ties_nan_inf():
    ties = np.random.default_rng(8).integers(0, 3, size=50)
    check(lambda T: plain(T.tensor(ties).sort(stable=True)))
    check(lambda T: plain(T.tensor(ties).sort(descending=True, stable=True)))
    long = np.random.default_rng(14).choice([1.5, -2.0, NAN, INF, 0.0], size=(3, 100))
    check(lambda T: plain(T.tensor(long).sort(dim=1, stable=True)))
    check(lambda T: plain(T.tensor(long).t().sort(dim=0, descending=True, stable=True)))
    check(lambda T: plain(T.tensor([3., NAN, -INF, 1., INF, NAN]).sort()))
    check(lambda T: plain(T.tensor([3., NAN, -INF, 1., INF]).sort(descending=True)))
    check(lambda T: plain(T.tensor(3.).sort()))
    check(lambda T: plain(T.zeros(2, 0).sort(1)))
    check(lambda T: plain(T.zeros(2, 0).sort(0)))
    check(lambda T: T.ones(2, 3).sort(2), raises=IndexError)
    check(lambda T: T.sort(T.ones(3), 0, True, True), raises=TypeError)


@pytest.mark.parametrize("layout", LAYOUTS)
def test_sort_non_contiguous(layout):
    a = distinct((5, 6), "float64", seed=9)
    check(lambda T: plain(mk_layout(T, a, "float64", layout).sort(0)))
    check(lambda T: mk_layout(T, a, "float64", layout).argsort(1, descending=True))


def test_sort_out():
    def f(T):
        v, i = T.empty(0), T.empty(0, dtype=T.int64)
        r = T.sort(T.tensor([3., 1., 2.]), out=(v, i))
        return type(r).__name__, v, i, r[0] is v
    check(f)


# ------------------------------------------------------------------ topk

@pytest.mark.parametrize("largest", [True, False])
@pytest.mark.parametrize("k,dim", [(1, -1), (3, 1), (0, 0), (2, 0), (4, 1)])
@pytest.mark.parametrize("dtype", ["float32", "float64", "int64", "int32", "uint8", "int8"])
def test_topk(dtype, k, dim, largest):
    a = distinct((3, 4), dtype, seed=10)
    check(lambda T: plain(mk(T, a, dtype).topk(k, dim, largest)))
    check(lambda T: plain(T.topk(mk(T, a, dtype).t().t(), k, dim=dim, largest=largest,
                                 sorted=True)))


def test_topk_unsorted_nan_and_errors():
    a = distinct((4, 6), "float32", seed=11)

    def unsorted(T):  # the order is unspecified when sorted=False: compare as sets
        v, i = T.topk(mk(T, a), 3, 1, sorted=False)
        return v.sort(1)[0], i.sort(1)[0]
    check(unsorted)
    check(lambda T: plain(T.tensor([1., NAN, 3., 2.]).topk(2)))
    check(lambda T: plain(T.tensor([1., NAN, 3., 2.]).topk(2, largest=False)))
    check(lambda T: plain(T.tensor(3.).topk(1)))
    check(lambda T: T.tensor([1, 2, 3]).topk(4), raises=RuntimeError)
    check(lambda T: T.tensor([1, 2, 3]).topk(-1), raises=RuntimeError)
    check(lambda T: T.ones(2, 3).topk(1, 2), raises=IndexError)

    def out(T):
        v, i = T.empty(0), T.empty(0, dtype=T.int64)
        r = T.topk(T.tensor([3., 1., 2.]), 2, out=(v, i))
        return type(r).__name__, v, i, r[1] is i
    check(out)


# ------------------------------------------------------------------ unique

@pytest.mark.parametrize("dtype", DTYPES)
def test_unique(dtype):
    a = sample((4, 5), dtype, seed=12)
    check(lambda T: T.unique(mk(T, a, dtype)))
    check(lambda T: mk(T, a, dtype).unique(return_inverse=True))
    check(lambda T: T.unique(mk(T, a, dtype).t(), return_counts=True))
    check(lambda T: T.unique(mk(T, a, dtype), True, True, True))


def test_unique_special():
    check(lambda T: T.unique(T.zeros(0), return_inverse=True, return_counts=True))
    check(lambda T: T.unique(T.tensor(3.), return_inverse=True, return_counts=True))
    check(lambda T: T.unique(T.tensor([-0.0, 0.0, INF, -INF, 1.5, INF]), return_counts=True))
    a = sample((30,), "int64", seed=13)
    check(lambda T: T.unique(mk(T, a, "int64"), sorted=False).sort()[0])


@pytest.mark.parametrize("dim", [0, 1, -1, 2])
@pytest.mark.parametrize("dtype", ["float32", "int64", "uint8", "bool"])
def test_unique_dim(dtype, dim):
    base = sample((3, 2, 4), dtype, seed=15)
    a = np.concatenate([base, base[:, :, ::-1], base], axis=dim)  # repeated slices along dim
    a = np.concatenate([a, np.flip(a, axis=dim)], axis=dim)
    check(lambda T: T.unique(mk(T, a, dtype), dim=dim))
    check(lambda T: mk(T, a, dtype).permute(2, 0, 1).unique(True, True, True, dim))


def test_unique_dim_special():
    x = [[1, 2, 1], [0, 3, 0], [1, 2, 1]]
    check(lambda T: T.unique(T.tensor(x), dim=0, return_inverse=True, return_counts=True))
    check(lambda T: T.unique(T.tensor(x), dim=1, return_inverse=True, return_counts=True))
    check(lambda T: T.unique(T.tensor([3, 1, 3]), dim=0, return_inverse=True))
    check(lambda T: T.unique(T.zeros(0, 3), dim=0, return_inverse=True, return_counts=True))
    check(lambda T: T.unique(T.zeros(2, 0), dim=1, return_inverse=True, return_counts=True))
    check(lambda T: T.unique(T.zeros(2, 0), dim=0), raises=RuntimeError)
    check(lambda T: T.unique(T.tensor(3.), dim=0), raises=IndexError)
    check(lambda T: T.unique(T.ones(2, 3), dim=2), raises=IndexError)


# ------------------------------------------------------------------ torch.return_types

def test_return_types_behave_like_torch():
    import torch
    T = oz()
    import oztorch.return_types as rt
    for name in ("max", "min", "sort", "topk", "max_out"):
        cls = getattr(rt, name)
        ref = getattr(torch.return_types, name)
        assert cls.n_fields == ref.n_fields == 2
        assert cls.n_sequence_fields == ref.n_sequence_fields
    assert repr(rt.max((1, 2))) == repr(torch.return_types.max((1, 2)))
    with pytest.raises(TypeError):
        rt.max((1, 2, 3))
    r = T.tensor([[1., 5.], [7., 2.]]).sort(1)
    ref = torch.tensor([[1., 5.], [7., 2.]]).sort(1)
    assert repr(r) == repr(ref) and str(r) == str(ref)
    assert r == (r[0], r[1]) and r[:1] == (r[0],) and len(r) == 2
    with pytest.raises(AttributeError):
        r.values = None
    back = pickle.loads(pickle.dumps(rt.topk((1, 2))))
    assert type(back) is rt.topk and back.indices == 2
    assert T.return_types.max is rt.max
