"""Parity with torch for the small functions written in Python over the core ops
(python/oztorch/_composites*.py, _dtype_info.py, linalg.py, backends/): values, dtypes, shapes,
gradients (float64) and exception classes."""
import warnings

import numpy as np
import pytest
import torch

from conftest import check, mk, oz, sample

INF, NAN = float("inf"), float("nan")


def grad_through(T, data, fn):
    """d(sum(fn(x) * weights))/dx for x = data as float64: distinct weights per output element,
    so a gradient routed to the wrong place shows."""
    x = T.tensor(np.asarray(data, dtype=np.float64).tolist(), dtype=T.float64,
                 requires_grad=True)
    y = fn(T, x)
    weights = T.arange(1, y.numel() + 1, dtype=T.float64).reshape(y.shape)
    (y * weights).sum().backward()
    return x.grad


# ---------------------------------------------------------------- isclose / allclose

CLOSE_PAIRS = [
    ([1.0, 2.0, INF, -INF, NAN, 0.0], [1.0 + 1e-6, 2.1, INF, INF, NAN, 1e-9]),
    ([[1e10, 1.0]], [1.00001e10, 1.0]),
]


@pytest.mark.parametrize("a,b", CLOSE_PAIRS)
@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("kw", [{}, {"equal_nan": True}, {"rtol": 0, "atol": 0},
                                {"rtol": 0.1, "atol": 0.5}])
def test_isclose_allclose_floats(a, b, dtype, kw):
    check(lambda T: T.isclose(mk(T, a, dtype), mk(T, b, dtype), **kw))
    check(lambda T: mk(T, a, dtype).isclose(mk(T, b, dtype), **kw))
    check(lambda T: T.allclose(mk(T, a, dtype), mk(T, b, dtype), **kw))
    check(lambda T: mk(T, b, dtype).allclose(mk(T, b, dtype), **kw))


@pytest.mark.parametrize("dtype", ["int64", "int32", "uint8", "bool"])
def test_isclose_integers_and_bools(dtype):
    a, b = sample((3, 4), dtype, 1), sample((3, 4), dtype, 2)
    check(lambda T: T.isclose(mk(T, a, dtype), mk(T, b, dtype), rtol=0.5, atol=1))
    check(lambda T: T.isclose(mk(T, a, dtype), mk(T, a, dtype)))
    check(lambda T: T.allclose(mk(T, a, dtype), mk(T, b, dtype), atol=30))


def test_isclose_errors():
    check(lambda T: T.isclose(T.ones(2), T.ones(2, dtype=T.float64)), raises=RuntimeError)
    check(lambda T: T.isclose(T.ones(2), T.ones(2), rtol=-1), raises=RuntimeError)
    check(lambda T: T.allclose(T.ones(2), T.ones(2), atol=-1), raises=RuntimeError)
    check(lambda T: T.isclose(T.ones(2), T.ones(3)), raises=RuntimeError)


# ---------------------------------------------------------------- finfo / iinfo

FINFO_FIELDS = ["bits", "eps", "max", "min", "tiny", "smallest_normal", "resolution", "dtype"]


@pytest.mark.parametrize("dtype", ["float16", "bfloat16", "float32", "float64", None])
def test_finfo(dtype):
    for field in FINFO_FIELDS:
        check(lambda T: getattr(T.finfo(getattr(T, dtype)) if dtype else T.finfo(), field))


@pytest.mark.parametrize("dtype", ["uint8", "int8", "int16", "int32", "int64"])
def test_iinfo(dtype):
    for field in ["bits", "max", "min", "dtype"]:
        check(lambda T: getattr(T.iinfo(getattr(T, dtype)), field))


def test_dtype_info_errors_and_equality():
    check(lambda T: T.finfo(T.int32), raises=TypeError)
    check(lambda T: T.finfo("float32"), raises=TypeError)
    check(lambda T: T.iinfo(T.float32), raises=TypeError)
    check(lambda T: T.iinfo(T.bool), raises=TypeError)
    check(lambda T: T.finfo(T.float32) == T.finfo(T.float32))
    check(lambda T: T.finfo(T.float32) == T.finfo(T.float64))


# ---------------------------------------------------------------- autograd.Variable

def test_variable():
    check(lambda T: T.autograd.Variable(T.ones(2, 3)))
    check(lambda T: T.autograd.Variable(T.ones(2), requires_grad=True).requires_grad)
    check(lambda T: T.autograd.Variable(T.ones(2)).requires_grad)
    check(lambda T: T.autograd.Variable(T.ones(2), requires_grad=True).is_leaf)
    check(lambda T: isinstance(T.zeros(1), T.autograd.Variable))
    check(lambda T: T.autograd.Variable(3), raises=TypeError)

    def shares_data(T):
        t = T.zeros(3)
        v = T.autograd.Variable(t, requires_grad=True)
        with T.no_grad():
            v[0] = 5
        return t
    check(shares_data)

    def grads_flow(T):
        v = T.autograd.Variable(T.tensor([1.0, 2.0]), requires_grad=True)
        (v * v).sum().backward()
        return v.grad
    check(grads_flow)


# ---------------------------------------------------------------- meshgrid / triangle indices

@pytest.mark.parametrize("indexing", ["ij", "xy"])
@pytest.mark.parametrize("sizes", [(2, 3), (2, 3, 4), (4,), (0, 2)])
def test_meshgrid(indexing, sizes):
    check(lambda T: T.meshgrid(*[T.arange(n) for n in sizes], indexing=indexing))
    check(lambda T: T.meshgrid([T.arange(n) * 1.5 for n in sizes], indexing=indexing))
    check(lambda T: grad_through(T, [1.0, 2.0, 3.0], lambda T, x: T.stack(
        T.meshgrid(x, x * 2, indexing=indexing))))


def test_meshgrid_0d_and_errors():
    check(lambda T: T.meshgrid(T.tensor(3), T.arange(2), indexing="ij"))
    check(lambda T: T.meshgrid(T.arange(2), T.arange(2.0), indexing="ij"), raises=RuntimeError)
    check(lambda T: T.meshgrid(T.zeros(2, 2), indexing="ij"), raises=RuntimeError)
    check(lambda T: T.meshgrid(indexing="ij"), raises=RuntimeError)
    check(lambda T: T.meshgrid(T.arange(2), indexing="ab"), raises=RuntimeError)


def test_meshgrid_warns_without_indexing():
    for T in (__import__("torch"), oz()):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            grids = T.meshgrid(T.arange(2), T.arange(3))
        assert [w.category for w in caught] == [UserWarning], T.__name__
        assert "indexing" in str(caught[0].message)
        assert tuple(grids[0].shape) == (2, 3)


@pytest.mark.parametrize("fn", ["triu_indices", "tril_indices"])
@pytest.mark.parametrize("row,col,offset", [(3, 3, 0), (4, 2, 1), (2, 5, -1), (3, 4, 10),
                                            (3, 4, -10), (0, 3, 0), (5, 5, -2)])
def test_triangle_indices(fn, row, col, offset):
    check(lambda T: getattr(T, fn)(row, col, offset))
    check(lambda T: getattr(T, fn)(row, col, offset, dtype=T.int32))


@pytest.mark.parametrize("fn", ["triu_indices", "tril_indices"])
def test_triangle_indices_errors(fn):
    check(lambda T: getattr(T, fn)(-1, 2), raises=RuntimeError)
    check(lambda T: getattr(T, fn)(2, -1), raises=RuntimeError)
    check(lambda T: getattr(T, fn)(2, 2, dtype=T.float32), raises=RuntimeError)


# ---------------------------------------------------------------- diagonals

@pytest.mark.parametrize("offset", [0, 1, -1, 2, -3, 3])
@pytest.mark.parametrize("dtype", ["float32", "int64", "bool"])
def test_diag(offset, dtype):
    vec, mat = sample((3,), dtype, 3), sample((3, 4), dtype, 4)
    check(lambda T: T.diag(mk(T, vec, dtype), offset))
    check(lambda T: T.diag(mk(T, mat, dtype), offset))
    check(lambda T: mk(T, mat, dtype).diag(diagonal=offset))


@pytest.mark.parametrize("offset", [0, 1, -2])
def test_diag_gradients_and_infinities(offset):
    check(lambda T: grad_through(T, [1.0, -2.0, 3.0], lambda T, x: T.diag(x, offset)))
    check(lambda T: grad_through(T, sample((3, 4), "float64"), lambda T, x: T.diag(x, offset)))
    check(lambda T: T.diag(T.tensor([INF, NAN, 1.0]), offset))


def test_diag_errors():
    check(lambda T: T.diag(T.zeros(2, 2, 2)), raises=RuntimeError)
    check(lambda T: T.diag(T.tensor(1.0)), raises=RuntimeError)


@pytest.mark.parametrize("args", [(0, 0, 1), (1, 0, 2), (-1, 2, 0), (0, -1, -3), (2, 1, 2),
                                  (7, 0, 1)])
def test_diagonal(args):
    data = sample((3, 4, 5), "float64")
    check(lambda T: T.diagonal(mk(T, data, "float64"), *args))
    check(lambda T: mk(T, data, "float64").diagonal(*args))
    check(lambda T: grad_through(T, data, lambda T, x: x.diagonal(*args)))


def test_diagonal_errors():
    check(lambda T: T.diagonal(T.zeros(2, 2), 0, 1, 1), raises=RuntimeError)
    check(lambda T: T.diagonal(T.zeros(2, 2), 0, 0, 2), raises=IndexError)


@pytest.mark.parametrize("args", [(), (1,), (-2,), (0, 0, 2), (1, -1, -2), (-1, 2, 0)])
def test_diag_embed(args):
    data = sample((2, 3), "float64")
    check(lambda T: T.diag_embed(mk(T, data, "float64"), *args))
    check(lambda T: mk(T, data, "int64").diag_embed(*args))
    check(lambda T: grad_through(T, data, lambda T, x: T.diag_embed(x, *args)))
    check(lambda T: T.diag_embed(T.zeros(2), 0, 1, 1), raises=RuntimeError)


def test_trace():
    check(lambda T: T.trace(mk(T, sample((3, 4), "float64"), "float64")))
    check(lambda T: grad_through(T, sample((3, 3), "float64"), lambda T, x: T.trace(x)))


# ---------------------------------------------------------------- bincount / histc

@pytest.mark.parametrize("dtype", ["int64", "int32", "uint8"])
@pytest.mark.parametrize("minlength", [0, 3, 20])
def test_bincount(dtype, minlength):
    data = [0, 3, 3, 1, 7, 3]
    check(lambda T: T.bincount(mk(T, data, dtype), minlength=minlength))
    check(lambda T: mk(T, data, dtype).bincount(mk(T, [0.5, 1, 2, 3, 4, 5], "float32")))
    check(lambda T: T.bincount(mk(T, data, dtype), mk(T, [1, 1, 2, 3, 4, 5], "int64"),
                               minlength))
    check(lambda T: T.bincount(mk(T, data, dtype), mk(T, [0.5, 1, 2, 3, 4, 5], "float64")))
    check(lambda T: T.bincount(T.zeros(0, dtype=getattr(T, dtype)), minlength=minlength))


def test_bincount_errors():
    check(lambda T: T.bincount(T.tensor([1.0, 2.0])), raises=RuntimeError)
    check(lambda T: T.bincount(T.tensor([-1, 2])), raises=RuntimeError)
    check(lambda T: T.bincount(T.tensor([[1, 2]])), raises=RuntimeError)
    check(lambda T: T.bincount(T.tensor([1, 2]), minlength=-1), raises=RuntimeError)
    check(lambda T: T.bincount(T.tensor([1, 2]), T.tensor([1.0, 2, 3])), raises=RuntimeError)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("kw", [{}, {"bins": 4}, {"bins": 7, "min": -2, "max": 3},
                                {"bins": 3, "min": 0.5, "max": 0.5}, {"bins": 1}])
def test_histc(dtype, kw):
    data = sample((5, 6), dtype, 7)
    check(lambda T: T.histc(mk(T, data, dtype), **kw))
    check(lambda T: mk(T, data, dtype).histc(**kw))
    check(lambda T: T.histc(T.full((4,), 2.0, dtype=getattr(T, dtype)), **kw))
    check(lambda T: T.histc(T.zeros(0, dtype=getattr(T, dtype)), **kw))


def test_histc_errors():
    check(lambda T: T.histc(T.tensor([1, 2])), raises=RuntimeError)
    check(lambda T: T.histc(T.tensor([1.0, 2.0]), bins=0), raises=RuntimeError)
    check(lambda T: T.histc(T.tensor([1.0, 2.0]), min=3, max=1), raises=RuntimeError)
    check(lambda T: T.histc(T.tensor([1.0, INF])), raises=RuntimeError)


# ---------------------------------------------------------------- linalg

VECTOR_ORDS = [2, 1, 3, 0.5, 0, INF, -INF, -1]


@pytest.mark.parametrize("ord", VECTOR_ORDS)
@pytest.mark.parametrize("dim,keepdim", [(None, False), (1, False), ((0, 2), True), (-1, True)])
def test_vector_norm(ord, dim, keepdim):
    data = sample((2, 3, 4), "float64", 5)
    check(lambda T: T.linalg.vector_norm(mk(T, data, "float32"), ord, dim, keepdim))
    check(lambda T: T.linalg.vector_norm(mk(T, data, "float32"), ord, dim, keepdim,
                                         dtype=T.float64))
    if ord != 0:
        check(lambda T: grad_through(T, data, lambda T, x: T.linalg.vector_norm(
            x, ord, dim, keepdim)))


def test_vector_norm_special_cases():
    check(lambda T: T.linalg.vector_norm(T.tensor(-3.0), 3))
    check(lambda T: T.linalg.vector_norm(T.tensor(-3.0), 0))
    check(lambda T: T.linalg.vector_norm(T.zeros(0)))
    check(lambda T: grad_through(T, [0.0, 0.0], lambda T, x: T.linalg.vector_norm(x)))
    check(lambda T: T.linalg.vector_norm(T.zeros(0), -1), raises=RuntimeError)
    check(lambda T: T.linalg.vector_norm(T.zeros(0), INF), raises=RuntimeError)
    check(lambda T: T.linalg.vector_norm(T.ones(2, dtype=T.int64)), raises=RuntimeError)
    check(lambda T: T.linalg.vector_norm(T.ones(2), "fro"), raises=TypeError)


@pytest.mark.parametrize("ord", ["fro", 1, -1, INF, -INF])
@pytest.mark.parametrize("dim,keepdim", [((-2, -1), False), ((0, 2), True), ((2, 0), False)])
def test_matrix_norm(ord, dim, keepdim):
    data = sample((2, 3, 4), "float64", 6)
    check(lambda T: T.linalg.matrix_norm(mk(T, data, "float32"), ord, dim, keepdim))
    check(lambda T: T.linalg.norm(mk(T, data, "float32"), ord, dim, keepdim))
    check(lambda T: grad_through(T, data, lambda T, x: T.linalg.matrix_norm(
        x, ord, dim, keepdim)))


def test_matrix_norm_errors():
    check(lambda T: T.linalg.matrix_norm(T.ones(2)), raises=RuntimeError)
    check(lambda T: T.linalg.matrix_norm(T.ones(2, 2), dim=(0, 0)), raises=RuntimeError)
    check(lambda T: T.linalg.matrix_norm(T.ones(2, 2), ord=3), raises=RuntimeError)
    check(lambda T: T.linalg.matrix_norm(T.ones(2, 2, dtype=T.int64)), raises=RuntimeError)
    with pytest.raises(NotImplementedError, match="singular values"):
        oz().linalg.matrix_norm(oz().ones(2, 2), ord="nuc")


@pytest.mark.parametrize("ord", [None, 2, 1, INF, "fro", -1])
def test_linalg_norm_picks_vector_or_matrix(ord):
    vec, mat = sample((5,), "float32", 8), sample((3, 4), "float32", 9)
    if ord != "fro":
        check(lambda T: T.linalg.norm(mk(T, vec, "float32"), ord))
    if ord not in (2,):
        check(lambda T: T.linalg.norm(mk(T, mat, "float32"), ord))
    if ord != "fro":
        check(lambda T: T.linalg.norm(mk(T, mat, "float32"), ord, dim=1))
    check(lambda T: T.linalg.norm(mk(T, mat, "float32"), dtype=T.float64))


def test_linalg_norm_errors():
    check(lambda T: T.linalg.norm(T.ones(2, 2, 2), ord=2), raises=RuntimeError)
    check(lambda T: T.linalg.norm(T.ones(2, 2, 2), dim=(0, 1, 2)), raises=RuntimeError)
    check(lambda T: T.linalg.norm(T.ones(2, 2, 2), ord="fro", dim=1), raises=RuntimeError)


def test_linalg_matmul_vecdot():
    a, b = sample((2, 3, 4), "float64", 1), sample((4,), "float64", 2)
    check(lambda T: T.linalg.matmul(mk(T, a, "float64"), mk(T, b, "float64")))
    check(lambda T: T.linalg.vecdot(mk(T, a, "float64"), mk(T, b, "float64")))
    check(lambda T: T.linalg.vecdot(mk(T, a, "float64"), mk(T, a, "float64"), dim=1))
    check(lambda T: grad_through(T, a, lambda T, x: T.linalg.vecdot(x, x * 2, dim=0)))


# ---------------------------------------------------------------- backends

def test_backends_flags():
    T = oz()
    cudnn = T.backends.cudnn
    assert (cudnn.enabled, cudnn.benchmark, cudnn.deterministic, cudnn.allow_tf32) == \
        (True, False, False, True)  # torch's defaults
    cudnn.benchmark, cudnn.deterministic = True, True
    assert T.backends.cudnn.benchmark and T.backends.cudnn.deterministic
    cudnn.benchmark, cudnn.deterministic = False, False
    with cudnn.flags(enabled=False, deterministic=True):
        assert not cudnn.enabled and cudnn.deterministic
    assert cudnn.enabled and not cudnn.deterministic
    assert cudnn.is_available() == T.cuda.is_available()
    assert T.backends.mps.is_available() is False
    assert T.backends.cuda.matmul.allow_tf32 is False
    T.backends.cuda.matmul.allow_tf32 = True
    assert T.backends.cuda.matmul.allow_tf32 is True
    T.backends.cuda.matmul.allow_tf32 = False


# ---------------------------------------------------------------- interpolate

INTERP_CASES = [
    ((1, 2, 5), "nearest", None, {"size": 8}), ((1, 2, 5), "nearest", None, {"size": 3}),
    ((1, 2, 5), "nearest", None, {"scale_factor": 2}),
    ((1, 2, 5), "nearest", None, {"scale_factor": 1.7}),
    ((2, 1, 3, 4), "nearest", None, {"size": (5, 7)}),
    ((2, 1, 3, 4), "nearest", None, {"scale_factor": (2, 0.5)}),
    ((1, 2, 5), "linear", False, {"size": 8}), ((1, 2, 5), "linear", True, {"size": 8}),
    ((1, 2, 5), "linear", None, {"scale_factor": 0.6}),
    ((1, 2, 5), "linear", True, {"size": 1}),
    ((2, 1, 3, 4), "bilinear", False, {"size": (5, 7)}),
    ((2, 1, 3, 4), "bilinear", True, {"size": (5, 7)}),
    ((2, 1, 4, 4), "bilinear", False, {"scale_factor": 1.5}),
    ((2, 1, 4, 4), "bilinear", None, {"size": (2, 3)}),
]


@pytest.mark.parametrize("shape,mode,align,kw", INTERP_CASES)
def test_interpolate(shape, mode, align, kw):
    data = sample(shape, "float64", 11)
    F = lambda T: T.nn.functional  # noqa: E731
    # float32 weights are rounded in a different order than torch's kernel: a few ulps apart
    check(lambda T: F(T).interpolate(mk(T, data, "float32"), mode=mode, align_corners=align,
                                     **kw), rtol=1e-5, atol=1e-5)
    check(lambda T: grad_through(T, data, lambda T, x: F(T).interpolate(
        x, mode=mode, align_corners=align, **kw)))


def test_interpolate_errors():
    F = lambda T: T.nn.functional  # noqa: E731
    x3 = lambda T: T.ones(1, 1, 4)  # noqa: E731
    check(lambda T: F(T).interpolate(x3(T)), raises=ValueError)
    check(lambda T: F(T).interpolate(x3(T), size=2, scale_factor=2), raises=ValueError)
    check(lambda T: F(T).interpolate(x3(T), size=2, align_corners=True), raises=ValueError)
    check(lambda T: F(T).interpolate(x3(T), size=(2, 2)), raises=ValueError)
    check(lambda T: F(T).interpolate(x3(T), size=2, mode="bilinear"), raises=NotImplementedError)
    check(lambda T: F(T).interpolate(T.ones(1, 1, 2, 2), size=2, mode="linear"),
          raises=NotImplementedError)


@pytest.mark.parametrize("make", [
    lambda nn: nn.Upsample(scale_factor=2),
    lambda nn: nn.Upsample(size=(3, 5), mode="bilinear", align_corners=True),
    lambda nn: nn.Upsample(scale_factor=(2, 1.5), mode="bilinear"),
    lambda nn: nn.UpsamplingNearest2d(scale_factor=2),
    lambda nn: nn.UpsamplingBilinear2d(size=4),
])
def test_upsample_modules(make):
    x = np.linspace(-1, 1, 12).reshape(1, 2, 2, 3)
    ref_m, got_m = make(torch.nn), make(oz().nn)
    assert repr(got_m) == repr(ref_m)
    ref = ref_m(torch.tensor(x))
    got = got_m(oz().tensor(x))
    np.testing.assert_allclose(got.numpy(), ref.numpy(), rtol=1e-12, atol=1e-12)
