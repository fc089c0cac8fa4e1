"""linspace, logspace, eye, empty_strided and the legacy tensor types (torch.FloatTensor & co.)
against real PyTorch: values, dtypes, shapes, out=, requires_grad and exception types."""
import numpy as np
import pytest
import torch

from conftest import DTYPES, INT_DTYPES, NP_DTYPE, check, oz
from test_random_stream import ozr

# ------------------------------------------------------------------ linspace / logspace

LINSPACE_ARGS = [(0, 1, 5), (-3.5, 7.25, 11), (10, 0, 7), (0, 1, 0), (0, 1, 1), (2.5, 2.5, 4),
                 (0, 1, 2), (-1e3, 1e3, 1000), (1, -1, 64), (0, 10, 4), (0, 10, 7), (10, 0, 7),
                 (-5, 10, 7), (2.7, 10, 3)]


@pytest.mark.parametrize("args", LINSPACE_ARGS)
@pytest.mark.parametrize("dtype", [None, "float32", "float64"] + INT_DTYPES)
def test_linspace_values(args, dtype):
    start, end, steps = args
    kw = {} if dtype is None else {"dtype": dtype}
    try:  # ends that don't fit the dtype (int8 300, uint8 -3.5) raise in both
        torch.linspace(start, end, steps, **{k: getattr(torch, v) for k, v in kw.items()})
    except RuntimeError:
        check(lambda T: T.linspace(start, end, steps, dtype=getattr(T, dtype)),
              raises=RuntimeError)
        return
    if dtype in INT_DTYPES and steps > 16:
        # torch's AVX2 kernel truncates each vector's base before adding the step, so its
        # integer results drift by one from trunc(start + i * step) (and linspace(1, -1, 64,
        # dtype=long)[-1] is 0, not -1). OzTorch computes the documented formula exactly:
        # check that, and that torch is never more than one away.
        T = oz()
        got = np.asarray(T.linspace(start, end, steps, dtype=getattr(T, dtype)).tolist())
        s, e = (float(np.array([int(v)]).astype(NP_DTYPE[dtype])[0]) for v in (start, end))
        step = (e - s) / (steps - 1)
        i = np.arange(steps)
        want = np.trunc(np.where(i < steps // 2, s + step * i, e - step * (steps - 1 - i)))
        assert got.tolist() == want.tolist()
        ref = np.asarray(torch.linspace(start, end, steps, dtype=getattr(torch, dtype)).tolist())
        assert np.abs(ref - got).max() <= 1
        return
    # float32: torch's vectorized kernel rounds differently, by an ulp of the range
    atol = 1e-6 * max(abs(start), abs(end), 1.0) * 4
    check(lambda T: T.linspace(start, end, steps, **{k: getattr(T, v) for k, v in kw.items()}),
          rtol=2e-6, atol=atol)


@pytest.mark.parametrize("args", [(0, 2, 3), (0, 1, 5), (-2, 2, 9), (2, 0, 4), (0, 3, 1),
                                  (0.5, 1, 1), (0, 1, 0), (1, 5, 5), (-1, 1, 2)])
@pytest.mark.parametrize("base", [10.0, 2, 0.5])
@pytest.mark.parametrize("dtype", [None, "float64", "int64", "int32"])
def test_logspace_values(args, base, dtype):
    start, end, steps = args
    kw = {} if dtype is None else {"dtype": dtype}
    check(lambda T: T.logspace(start, end, steps, base=base,
                               **{k: getattr(T, v) for k, v in kw.items()}), rtol=2e-6)


FORMS = [
    lambda T: T.linspace(0, 1, steps=3), lambda T: T.linspace(start=0, end=1, steps=3),
    lambda T: T.linspace(T.tensor(0.0), 1, 3),
    lambda T: T.linspace(T.tensor(0, dtype=T.int64), 5, 3),
    lambda T: T.linspace(0, 1, 3, out=T.zeros(5)),
    lambda T: T.linspace(0, 1, 3, out=T.zeros(3, dtype=T.int64)),
    lambda T: T.linspace(0, 10, 6, out=T.zeros(2, 6)[:, 1]),
    lambda T: T.linspace(float("nan"), 10, 3), lambda T: T.linspace(0, float("inf"), 3),
    lambda T: T.linspace(0, 1, 3, device="cpu"), lambda T: T.linspace(0, 1, 3).requires_grad,
    lambda T: T.linspace(0, 1, 3, requires_grad=True).requires_grad,
    lambda T: T.logspace(0, 2, 3, 2), lambda T: T.logspace(0, 1, 3, base=-2),
    lambda T: T.logspace(0, 1, 3, base=T.tensor(2.0)),
    lambda T: T.logspace(0, 2, 3, out=T.zeros(1, dtype=T.float64)),
    lambda T: T.logspace(0, 2, 3, dtype=T.float64, requires_grad=True).requires_grad,
]


@pytest.mark.parametrize("i", range(len(FORMS)))
def test_spaced_forms(i):
    check(FORMS[i])


def test_out_identity():
    T = oz()
    out = T.zeros(7)
    assert T.linspace(0, 1, 3, out=out) is out and tuple(out.shape) == (3,)
    assert T.logspace(0, 1, 2, out=out) is out
    assert T.eye(2, out=out) is out and tuple(out.shape) == (2, 2)


@pytest.mark.parametrize("fn,exc", [
    (lambda T: T.linspace(0, 1, -1), RuntimeError),
    (lambda T: T.linspace(0, 1), TypeError),
    (lambda T: T.linspace(0, 1, 3.0), TypeError),
    (lambda T: T.linspace(0, 1, 3, dtype=T.bool), RuntimeError),
    (lambda T: T.linspace(0, 300, 3, dtype=T.int8), RuntimeError),
    (lambda T: T.linspace(T.tensor([0.0]), 1, 3), TypeError),
    (lambda T: T.linspace("a", 1, 3), TypeError),
    (lambda T: T.linspace(0, 1, 3, dtype=T.float64, out=T.zeros(3)), RuntimeError),
    (lambda T: T.linspace(0, 1, 3, dtype=T.int64, requires_grad=True), RuntimeError),
    (lambda T: T.logspace(0, 1, -2), RuntimeError),
    (lambda T: T.logspace(0, 1, 3, dtype=T.bool), RuntimeError),
    (lambda T: T.logspace(0, 1, 3, base="a"), TypeError),
])
def test_spaced_errors(fn, exc):
    check(fn, raises=exc)


# ------------------------------------------------------------------ eye

@pytest.mark.parametrize("nm", [(3,), (2, 3), (3, 2), (0,), (0, 3), (3, 0), (1, 1), (5, 5)])
@pytest.mark.parametrize("dtype", DTYPES)
def test_eye(nm, dtype):
    check(lambda T: T.eye(*nm, dtype=getattr(T, dtype)))


EYE_FORMS = [
    lambda T: T.eye(3), lambda T: T.eye(2, m=3), lambda T: T.eye(n=2, m=3, dtype=T.float64),
    lambda T: T.eye(2, 3, out=T.zeros(5)), lambda T: T.eye(2, out=T.zeros(2, 2, dtype=T.int64)),
    lambda T: T.eye(3, out=T.full((3, 3), 7.0).t()), lambda T: T.eye(T.tensor(2)),
    lambda T: T.eye(2, requires_grad=True).requires_grad, lambda T: T.eye(2, device="cpu"),
]


@pytest.mark.parametrize("i", range(len(EYE_FORMS)))
def test_eye_forms(i):
    check(EYE_FORMS[i])


@pytest.mark.parametrize("fn,exc", [
    (lambda T: T.eye(-1), RuntimeError), (lambda T: T.eye(2, -1), RuntimeError),
    (lambda T: T.eye(2.5), TypeError), (lambda T: T.eye(2, 3.0), TypeError),
    (lambda T: T.eye(2, None), TypeError), (lambda T: T.eye(), TypeError),
    (lambda T: T.eye(2, dtype=T.int64, requires_grad=True), RuntimeError),
    (lambda T: T.eye(2, dtype=T.float64, out=T.zeros(2, 2)), RuntimeError),
])
def test_eye_errors(fn, exc):
    check(fn, raises=exc)


# ------------------------------------------------------------------ empty_strided

@pytest.mark.parametrize("size,stride", [((2, 3), (1, 2)), ((2, 3), (3, 1)), ((2, 3), (0, 0)),
                                         ((0, 3), (3, 1)), ((), ()), ((4,), (2,)),
                                         ((2, 1, 3), (3, 100, 1))])
def test_empty_strided(size, stride):
    check(lambda T: (lambda t: (t.shape, t.stride(), t.dtype))(T.empty_strided(size, stride)))
    check(lambda T: T.empty_strided(size, stride, dtype=T.float64).dtype)
    T = oz()
    t = T.empty_strided(size, stride, dtype=T.int64)
    t.fill_(3)  # every element is writable
    assert np.all(np.asarray(t.tolist()) == 3)


def test_empty_strided_forms():
    check(lambda T: T.empty_strided([2, 3], [3, 1]).stride())
    check(lambda T: T.empty_strided((2, 3), (3, 1), requires_grad=True).requires_grad)
    check(lambda T: T.empty_strided(size=(2,), stride=(1,), device="cpu").shape)


@pytest.mark.parametrize("fn,exc", [
    (lambda T: T.empty_strided((2, 3), (1,)), RuntimeError),
    (lambda T: T.empty_strided((2, 3), (-1, 1)), RuntimeError),
    (lambda T: T.empty_strided((2, -3), (3, 1)), RuntimeError),
    (lambda T: T.empty_strided(2, 1), TypeError),
    (lambda T: T.empty_strided((2,)), TypeError),
    (lambda T: T.empty_strided((2,), (1.5,)), TypeError),
])
def test_empty_strided_errors(fn, exc):
    check(fn, raises=exc)


# ------------------------------------------------------------------ legacy tensor types

LEGACY = ["FloatTensor", "DoubleTensor", "LongTensor", "IntTensor", "ShortTensor", "CharTensor",
          "ByteTensor", "BoolTensor"]


@pytest.mark.parametrize("name", LEGACY)
def test_legacy_types(name):
    ozr()
    check(lambda T: getattr(T, name)([1, 0, 3]))
    check(lambda T: getattr(T, name)([[1, 2], [3, 4]]))
    check(lambda T: getattr(T, name)((2, 3)))
    check(lambda T: getattr(T, name)(np.array([1, 2])))
    check(lambda T: getattr(T, name)())
    check(lambda T: getattr(T, name)([]))
    check(lambda T: (lambda t: (t.shape, t.dtype))(getattr(T, name)(2, 3)))
    check(lambda T: (lambda t: (t.shape, t.dtype))(getattr(T, name)(T.Size([2, 1]))))
    check(lambda T: (lambda t: (t.shape, t.dtype))(getattr(T, name)(4, device="cpu")))
    check(lambda T: getattr(T, name).dtype)
    check(lambda T: getattr(T, name).__name__)
    check(lambda T: getattr(T, name).is_cuda)
    check(lambda T: isinstance(T.zeros(2, dtype=getattr(T, name).dtype), getattr(T, name)))
    other = "float64" if name != "DoubleTensor" else "float32"
    check(lambda T: isinstance(T.zeros(2, dtype=getattr(T, other)), getattr(T, name)))
    check(lambda T: isinstance([1], getattr(T, name)))


def test_legacy_values_and_sharing():
    ozr()
    check(lambda T: T.LongTensor([1.5, 2.7, -1.5]))
    check(lambda T: T.LongTensor(np.array([1.5, 2.0])))
    check(lambda T: T.FloatTensor(T.zeros(2)))
    T = oz()
    x = T.zeros(3)
    y = T.FloatTensor(x)
    y.fill_(2.0)
    assert x.tolist() == [2.0, 2.0, 2.0]  # shares x's memory, as torch does


@pytest.mark.parametrize("fn,exc", [
    (lambda T: T.FloatTensor(2.5), TypeError), (lambda T: T.FloatTensor("a"), TypeError),
    (lambda T: T.FloatTensor(2, dtype=T.float64), TypeError),
    (lambda T: T.FloatTensor([1], requires_grad=True), TypeError),
    (lambda T: T.FloatTensor(T.zeros(2, dtype=T.int64)), TypeError),
    (lambda T: T.LongTensor(T.zeros(2)), TypeError), (lambda T: T.FloatTensor(-1), RuntimeError),
    (lambda T: T.FloatTensor(np.float64(2)), TypeError),
    (lambda T: T.FloatTensor(2, "a"), TypeError),
])
def test_legacy_errors(fn, exc):
    ozr()
    check(fn, raises=exc)


# ------------------------------------------------------------------ Tensor.type / Tensor.new

def with_legacy_methods(T):
    """T's Tensor.type / Tensor.new, or oztorch._legacy's implementations of them until
    oztorch/_tensor.py attaches them (see _legacy.py)."""
    if T.__name__ == "torch":
        return lambda x: x.type, lambda x: x.new
    import oztorch._legacy as legacy
    return (lambda x: getattr(x, "type", None) or (lambda *a, **k: legacy._tensor_type(x, *a, **k)),
            lambda x: getattr(x, "new", None) or (lambda *a, **k: legacy._tensor_new(x, *a, **k)))


@pytest.mark.parametrize("dtype", DTYPES)
def test_tensor_type(dtype):
    ozr()

    def run(T, *arg):
        typ, _ = with_legacy_methods(T)
        return typ(T.zeros(2, dtype=getattr(T, dtype)))(*arg)
    check(lambda T: run(T))
    check(lambda T: run(T, T.float64))
    check(lambda T: run(T, "torch.LongTensor"))
    check(lambda T: run(T, T.IntTensor))
    check(lambda T: run(T, "torch.Foo"), raises=ValueError)
    check(lambda T: run(T, 3), raises=TypeError)
    T = oz()
    typ, _ = with_legacy_methods(T)
    x = T.zeros(2, dtype=getattr(T, dtype))
    assert typ(x)(x.dtype) is x and typ(x)(typ(x)()) is x


def test_tensor_new():
    ozr()

    def run(T, src_dtype, *args, **kw):
        _, new = with_legacy_methods(T)
        return new(T.zeros(2, dtype=getattr(T, src_dtype)))(*args, **kw)
    check(lambda T: run(T, "float32", [1, 2]))
    check(lambda T: run(T, "int64", [1.5, 2.5]))
    check(lambda T: run(T, "float64", ()))
    check(lambda T: (lambda t: (t.shape, t.dtype))(run(T, "int32", 2, 3)))
    check(lambda T: (lambda t: (t.shape, t.dtype))(run(T, "float32")))
    check(lambda T: (lambda t: (t.shape, t.dtype))(run(T, "float32", T.Size([2]))))
    check(lambda T: (lambda t: (t.shape, t.dtype))(run(T, "float32", 2, device="cpu")))
    check(lambda T: run(T, "float32", 2, dtype=T.int64), raises=TypeError)
    check(lambda T: run(T, "float32", T.zeros(2, dtype=T.int64)), raises=TypeError)
