"""Reductions to one value per result element against torch: mean, prod, max()/min(), amax/amin,
var/std (and *_mean), logsumexp, norm, all/any, count_nonzero; over dtypes, dims (int, tuple,
negative, None), keepdim, dtype=, out=, non-contiguous, 0-d and empty inputs, NaN/inf, and
torch's exceptions for bad input."""
import numpy as np
import pytest

from conftest import DTYPES, FLOAT_DTYPES, INT_DTYPES, LAYOUTS, check, mk, mk_layout, sample

NAN, INF = float("nan"), float("inf")
DIMS = [None, 0, 1, -1, (0, 2), (-1, 0, 1), [2]]


def plain(r):
    """A torch.return_types named tuple as a plain tuple (the parity helpers compare types, and
    oztorch's classes are its own); anything else as it is."""
    return tuple(r) if isinstance(r, tuple) else r


def call(T, x, name, dim, **kw):
    """x.name(dim, **kw) as a method and T.name(x, ...) as a function, both returned."""
    if dim is None:
        return plain(getattr(x, name)(**kw)), plain(getattr(T, name)(x, **kw))
    return plain(getattr(x, name)(dim, **kw)), plain(getattr(T, name)(x, dim=dim, **kw))


# ------------------------------------------------------------------ mean

@pytest.mark.parametrize("keepdim", [False, True])
@pytest.mark.parametrize("dim", DIMS, ids=str)
@pytest.mark.parametrize("dtype", FLOAT_DTYPES)
def test_mean_dims(dtype, dim, keepdim):
    a = sample((2, 3, 4), dtype, seed=1)
    kw = {} if dim is None else {"keepdim": keepdim}
    check(lambda T: call(T, mk(T, a, dtype), "mean", dim, **kw))


@pytest.mark.parametrize("dtype", INT_DTYPES + ["bool"])
def test_mean_of_integers_raises_unless_dtype_given(dtype):
    a = sample((3, 4), dtype, seed=2)
    check(lambda T: mk(T, a, dtype).mean(), raises=RuntimeError)
    check(lambda T: mk(T, a, dtype).mean(1), raises=RuntimeError)
    check(lambda T: mk(T, a, dtype).mean(dtype=T.float64))
    check(lambda T: T.mean(mk(T, a, dtype), 0, dtype=T.float32))
    check(lambda T: mk(T, a, dtype).mean(dtype=T.int64), raises=RuntimeError)


def test_mean_empty_and_0d_and_out():
    check(lambda T: T.zeros(0).mean())                  # nan
    check(lambda T: T.zeros(2, 0).mean(1))              # nans
    check(lambda T: T.zeros(0, 3).mean(0, keepdim=True))
    check(lambda T: T.tensor(2.5).mean())
    check(lambda T: T.tensor(2.5).mean(0))

    def f(T):
        o = T.empty(0)
        r = T.mean(T.arange(6.).reshape(2, 3), 1, out=o)
        return o, r is o
    check(f)


@pytest.mark.parametrize("layout", LAYOUTS)
def test_mean_non_contiguous(layout):
    a = sample((5, 6), "float64", seed=3)
    check(lambda T: mk_layout(T, a, "float64", layout).mean(0))
    check(lambda T: mk_layout(T, a, "float64", layout).mean((0, 1)))


def test_mean_argument_errors():
    check(lambda T: T.ones(2, 3).mean(keepdim=True), raises=TypeError)
    check(lambda T: T.ones(2, 3).mean(2), raises=IndexError)
    check(lambda T: T.ones(2, 3).mean((0, 0)), raises=RuntimeError)
    check(lambda T: T.ones(2, 3).mean(1.5), raises=TypeError)


# ------------------------------------------------------------------ prod

@pytest.mark.parametrize("keepdim", [False, True])
@pytest.mark.parametrize("dim", [None, 0, -1])
@pytest.mark.parametrize("dtype", DTYPES)
def test_prod_dtypes(dtype, dim, keepdim):
    a = sample((3, 4), dtype, seed=4)
    if dtype in FLOAT_DTYPES:
        a = a / 4 + 1  # keep products small and exact enough
    kw = {} if dim is None else {"keepdim": keepdim}
    check(lambda T: call(T, mk(T, a, dtype), "prod", dim, **kw))


def test_prod_dtype_argument_wraparound_and_empty():
    check(lambda T: T.tensor([100, 100, 3], dtype=T.int8).prod())          # int64 result
    check(lambda T: T.tensor([100, 100, 3], dtype=T.int8).prod(dtype=T.int8))  # wraps
    check(lambda T: T.tensor([2 ** 40, 2 ** 40]).prod())                   # int64 wraps
    check(lambda T: T.tensor([True, False]).prod(dtype=T.bool))
    check(lambda T: T.tensor([[1, 2], [3, 4]]).prod(1, dtype=T.float64))
    check(lambda T: T.zeros(0).prod())
    check(lambda T: T.zeros(2, 0).prod(1))
    check(lambda T: T.tensor([1.5, NAN, 2.]).prod())
    check(lambda T: T.tensor(3.).prod(0))


def test_prod_argument_errors():
    check(lambda T: T.ones(2, 3).prod((0, 1)), raises=TypeError)
    check(lambda T: T.ones(2, 3).prod(keepdim=True), raises=TypeError)
    check(lambda T: T.ones(2, 3).prod(3), raises=IndexError)


# ------------------------------------------------------------------ max(), min(), amax, amin

@pytest.mark.parametrize("name", ["max", "min"])
@pytest.mark.parametrize("dtype", DTYPES)
def test_max_min_whole_tensor(name, dtype):
    a = sample((4, 5), dtype, seed=5)
    check(lambda T: getattr(mk(T, a, dtype), name)())
    check(lambda T: getattr(T, name)(mk(T, a, dtype).t()))


@pytest.mark.parametrize("name", ["max", "min", "amax", "amin"])
def test_extrema_propagate_nan(name):
    check(lambda T: getattr(T.tensor([1., NAN, 3., -INF]), name)())
    check(lambda T: plain(getattr(T, name)(T.tensor([[1., NAN], [INF, 2.]]), 1)))


@pytest.mark.parametrize("name", ["max", "min", "amax", "amin"])
def test_extrema_of_empty_raise(name):
    check(lambda T: getattr(T.zeros(0), name)(), raises=RuntimeError)
    check(lambda T: getattr(T.zeros(2, 0), name)(1), raises=IndexError)
    check(lambda T: getattr(T.zeros(0, 0), name)(1), raises=IndexError)
    check(lambda T: plain(getattr(T.zeros(0, 3), name)(1)))  # nothing to reduce into: empty


@pytest.mark.parametrize("keepdim", [False, True])
@pytest.mark.parametrize("dim", [None, 0, -1, (0, 2), (1, 0, 2), ()], ids=str)
@pytest.mark.parametrize("dtype", DTYPES)
def test_amax_amin(dtype, dim, keepdim):
    a = sample((2, 3, 4), dtype, seed=6)
    for name in ("amax", "amin"):
        if dim is None:
            check(lambda T: getattr(mk(T, a, dtype), name)(keepdim=keepdim))
        elif dim == () and keepdim:
            continue  # torch 1.13 fails on amax(dim=(), keepdim=True) with a shape error
        else:
            check(lambda T: call(T, mk(T, a, dtype), name, dim, keepdim=keepdim))


@pytest.mark.parametrize("layout", LAYOUTS)
def test_amax_and_max_non_contiguous(layout):
    a = sample((5, 6), "float32", seed=7)
    check(lambda T: mk_layout(T, a, "float32", layout).amax(1))
    check(lambda T: mk_layout(T, a, "float32", layout).amin(0, keepdim=True))
    check(lambda T: mk_layout(T, a, "float32", layout).max())


def test_amax_out():
    def f(T):
        o = T.empty(3)
        r = T.amax(T.arange(6.).reshape(2, 3), 0, out=o)
        return o, r is o
    check(f)


# ------------------------------------------------------------------ var, std, *_mean

@pytest.mark.parametrize("name", ["var", "std"])
@pytest.mark.parametrize("dtype", FLOAT_DTYPES)
@pytest.mark.parametrize("args,kw", [
    ((), {}), ((True,), {}), ((False,), {}), ((), {"unbiased": False}),
    ((0,), {}), ((1, False), {}), ((-1, True, True), {}), (((0, 1),), {"keepdim": True}),
    ((None,), {"correction": 0}), ((1,), {"correction": 2}),
    ((0,), {"correction": 0, "keepdim": True}),
], ids=str)
def test_var_std_forms(name, dtype, args, kw):
    a = sample((3, 4), dtype, seed=8)
    check(lambda T: getattr(mk(T, a, dtype), name)(*args, **kw))
    check(lambda T: getattr(T, name)(mk(T, a, dtype), *args, **kw))


@pytest.mark.parametrize("name", ["var_mean", "std_mean"])
@pytest.mark.parametrize("args,kw", [((), {}), ((1,), {}), ((0, False, True), {}),
                                     ((), {"unbiased": False}), ((1,), {"correction": 0})],
                         ids=str)
def test_var_mean_std_mean(name, args, kw):
    a = sample((3, 4), "float64", seed=9)
    check(lambda T: getattr(T, name)(mk(T, a, "float64"), *args, **kw))


@pytest.mark.parametrize("name", ["var", "std"])
def test_var_std_small_and_special(name):
    check(lambda T: getattr(T.tensor([1.5]), name)())                 # N - 1 = 0: nan
    check(lambda T: getattr(T.tensor([1., 2.]), name)(0, correction=2))  # inf
    check(lambda T: getattr(T.tensor([1., 2.]), name)(0, correction=5))  # clamp to 0: inf
    check(lambda T: getattr(T.zeros(0), name)())
    check(lambda T: getattr(T.tensor([1., NAN]), name)())
    check(lambda T: getattr(T.tensor(3.), name)(unbiased=False))
    check(lambda T: getattr(T.tensor([[1e8, 1e8 + 1, 1e8 + 2]], dtype=T.float64), name)(1))


@pytest.mark.parametrize("name", ["var", "std", "var_mean", "std_mean"])
def test_var_std_errors(name):
    check(lambda T: getattr(T, name)(T.tensor([1, 2, 3])), raises=RuntimeError)
    check(lambda T: getattr(T, name)(T.ones(2, 3), correction=1), raises=TypeError)
    check(lambda T: getattr(T, name)(T.ones(2, 3), 0, correction=0.5), raises=TypeError)
    check(lambda T: getattr(T, name)(T.ones(2, 3), False, 0), raises=TypeError)
    check(lambda T: getattr(T, name)(T.ones(2, 3), 0, unbiased=False, correction=1),
          raises=TypeError)
    check(lambda T: getattr(T, name)(T.ones(2, 3), 2), raises=IndexError)


def test_var_out():
    def f(T):
        o = T.empty(2)
        r = T.var(T.arange(6.).reshape(2, 3), 1, out=o)
        return o, r is o
    check(f)


# ------------------------------------------------------------------ logsumexp

@pytest.mark.parametrize("keepdim", [False, True])
@pytest.mark.parametrize("dim", [0, -1, (0, 1), [1, 2]], ids=str)
@pytest.mark.parametrize("dtype", DTYPES)
def test_logsumexp(dtype, dim, keepdim):
    a = sample((2, 3, 4), dtype, seed=10)
    check(lambda T: call(T, mk(T, a, dtype), "logsumexp", dim, keepdim=keepdim), rtol=2e-6)


def test_logsumexp_special_values():
    check(lambda T: T.tensor([[-INF, -INF], [INF, 1.], [NAN, 1.], [1000., 1000.]]).logsumexp(1))
    check(lambda T: T.zeros(2, 0).logsumexp(1))
    check(lambda T: T.tensor(2.).logsumexp(0))
    check(lambda T: T.ones(2, 3).logsumexp(), raises=TypeError)

    def f(T):
        o = T.empty(2)
        r = T.logsumexp(T.ones(2, 3), 1, out=o)
        return o, r is o
    check(f)


# ------------------------------------------------------------------ norm

@pytest.mark.parametrize("p", [None, "fro", 2, 1, 3, 0.5, 0, INF, -INF, -1.5], ids=str)
@pytest.mark.parametrize("dim,keepdim", [(None, False), (1, False), (0, True), ((0, 1), False),
                                         ([-1], True)], ids=str)
def test_norm(p, dim, keepdim):
    a = sample((3, 4), "float64", seed=11)
    a[0, 0] = 0.0
    if p == "fro" and dim is not None and len(np.atleast_1d(dim)) > 2:
        return
    check(lambda T: mk(T, a, "float64").norm(p, dim, keepdim))
    check(lambda T: T.norm(mk(T, a, "float64"), p=p, dim=dim, keepdim=keepdim))
    check(lambda T: mk(T, a, "float32").t().norm(p, dim, keepdim))


def test_norm_dtype_and_errors():
    check(lambda T: T.tensor([1., 2.]).norm(2, dtype=T.float64))
    check(lambda T: T.tensor([1, 2]).norm(2, dtype=T.float64))
    check(lambda T: T.tensor([1., 2.], dtype=T.float64).norm(3, 0, dtype=T.float32))
    check(lambda T: T.tensor([1, 2]).norm(), raises=RuntimeError)
    check(lambda T: T.tensor([1., 2.]).norm(2, dtype=T.int64), raises=RuntimeError)
    check(lambda T: T.tensor([1., 2.]).norm(dtype=T.float64), raises=ValueError)
    check(lambda T: T.tensor([1., 2.]).norm("abc"), raises=RuntimeError)
    check(lambda T: T.ones(2, 2, 2).norm("fro", dim=(0, 1, 2)), raises=RuntimeError)
    check(lambda T: T.ones(2, 3).norm("fro", dim=(0, 0)), raises=RuntimeError)
    check(lambda T: T.ones(2, 3).norm(2, dim=(0, 0)), raises=RuntimeError)
    check(lambda T: T.ones(2, 3).norm(True), raises=RuntimeError)
    check(lambda T: T.ones(2, 3).norm(2, 5), raises=IndexError)


def test_norm_empty_0d_nan():
    for p in [2, 1, INF, -INF, 0, 3]:
        check(lambda T: T.zeros(0).norm(p))
        check(lambda T: T.zeros(2, 0).norm(p, dim=1))
    check(lambda T: T.tensor(-3.).norm())
    check(lambda T: T.tensor([1., NAN, -2.]).norm(INF))
    check(lambda T: T.tensor([1., NAN, -2.]).norm(0))
    check(lambda T: T.tensor([1e200, 1e200], dtype=T.float64).norm(1))


# ------------------------------------------------------------------ all, any, count_nonzero

@pytest.mark.parametrize("name", ["all", "any"])
@pytest.mark.parametrize("dim", [None, 0, 1, -1])
@pytest.mark.parametrize("dtype", DTYPES)
def test_all_any(name, dtype, dim):
    a = sample((3, 4), dtype, seed=12)
    b = np.ones((3, 4), dtype=a.dtype)
    b[1, 2] = 0
    for arr in (a, b):
        if dim is None:
            check(lambda T: getattr(mk(T, arr, dtype), name)())
        else:
            check(lambda T: call(T, mk(T, arr, dtype), name, dim, keepdim=True))
            check(lambda T: getattr(mk(T, arr, dtype), name)(dim))


@pytest.mark.parametrize("name", ["all", "any"])
def test_all_any_special(name):
    check(lambda T: getattr(T.tensor([NAN, 1.]), name)())
    check(lambda T: getattr(T.zeros(0), name)())
    check(lambda T: getattr(T.zeros(2, 0), name)(1))
    check(lambda T: getattr(T.tensor(0.), name)(0))
    check(lambda T: getattr(T.ones(2, 3), name)((0, 1)), raises=TypeError)
    check(lambda T: getattr(T.ones(2, 3), name)(keepdim=True), raises=TypeError)

    def f(T):
        o = T.empty(2, dtype=T.bool)
        r = getattr(T, name)(T.ones(2, 3), 1, out=o)
        return o, r is o
    check(f)


@pytest.mark.parametrize("dim", [None, 0, (0, 1), [1], -1, ()], ids=str)
@pytest.mark.parametrize("dtype", ["float32", "int64", "bool", "uint8"])
def test_count_nonzero(dtype, dim):
    a = sample((3, 4), dtype, seed=13)
    check(lambda T: mk(T, a, dtype).count_nonzero(dim))
    check(lambda T: T.count_nonzero(mk(T, a, dtype), dim=dim))


def test_count_nonzero_errors():
    check(lambda T: T.ones(2, 3).count_nonzero((0, 0)), raises=RuntimeError)
    check(lambda T: T.ones(2, 3).count_nonzero(4), raises=IndexError)


# ------------------------------------------------------------------ bad inputs in general

@pytest.mark.parametrize("name", ["mean", "prod", "amax", "logsumexp", "all", "any", "var",
                                  "count_nonzero"])
def test_reductions_reject_bad_dims(name):
    check(lambda T: getattr(T.ones(2, 3), name)(3), raises=IndexError)
    check(lambda T: getattr(T.ones(2, 3), name)(-3), raises=IndexError)
    check(lambda T: getattr(T.tensor(1.), name)(1), raises=IndexError)
    check(lambda T: getattr(T.ones(2, 3), name)(1.5), raises=TypeError)
    check(lambda T: getattr(T, name)([1., 2.]), raises=TypeError)
