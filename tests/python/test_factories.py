"""Factories against torch: full/zeros/ones/empty and their *_like forms, arange, torch.tensor
inference and errors."""
import numpy as np
import pytest

from conftest import DTYPES, check, dt, mk, oz, sample

SHAPES = [(), (0,), (3,), (2, 3), (2, 0, 4), (1, 1, 1)]


@pytest.mark.parametrize("shape", SHAPES, ids=str)
@pytest.mark.parametrize("factory", ["zeros", "ones"])
def test_zeros_ones_default_dtype(factory, shape):
    check(lambda T: getattr(T, factory)(shape))


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("factory", ["zeros", "ones"])
def test_zeros_ones_dtype(factory, dtype):
    check(lambda T: getattr(T, factory)(2, 3, dtype=dt(T, dtype)))


@pytest.mark.parametrize("size_form", ["varargs", "tuple", "list", "Size"])
def test_size_argument_forms(size_form):
    def make(T):
        if size_form == "varargs":
            return T.zeros(2, 3)
        if size_form == "tuple":
            return T.zeros((2, 3))
        if size_form == "list":
            return T.zeros([2, 3])
        return T.zeros(T.Size([2, 3]))
    check(make)


@pytest.mark.parametrize("value,dtype", [
    (7, None), (7.5, None), (True, None), (-2, "int8"), (2.75, "float64"), (3, "float32"),
    (0, "bool"), (1, "uint8"), (-1.5, "int32"),  # float to int truncates toward zero
], ids=str)
def test_full(value, dtype):
    check(lambda T: T.full((2, 3), value, dtype=dt(T, dtype)))


def test_full_0d_and_empty():
    check(lambda T: T.full((), 4.5))
    check(lambda T: T.full((0, 2), 4.5))


@pytest.mark.parametrize("src_dtype", ["float32", "int32", "bool"])
@pytest.mark.parametrize("like", ["zeros_like", "ones_like", "full_like", "empty_like"])
@pytest.mark.parametrize("dtype", [None, "float64", "int64"])
def test_like_factories(like, src_dtype, dtype):
    def make(T):
        src = mk(T, sample((2, 3), src_dtype), src_dtype).t()
        fn = getattr(T, like)
        out = fn(src, 3, dtype=dt(T, dtype)) if like == "full_like" else fn(src, dtype=dt(T, dtype))
        if like == "empty_like":  # values are garbage: compare the metadata only
            return out.dtype, out.shape
        return out
    check(make)


@pytest.mark.parametrize("dtype", DTYPES + [None])
def test_empty_metadata(dtype):
    check(lambda T: (T.empty(4, 5, dtype=dt(T, dtype)).shape, T.empty(4, 5, dtype=dt(T, dtype)).dtype,
                     T.empty(4, 5, dtype=dt(T, dtype)).is_contiguous()))


@pytest.mark.parametrize("factory", ["zeros", "ones", "empty"])
def test_negative_size_is_runtime_error(factory):
    check(lambda T: getattr(T, factory)(2, -1), raises=RuntimeError)


def test_fill_():
    def fill(T):
        t = T.zeros(2, 3, dtype=T.int32)
        r = t.fill_(7)
        return t, r is t
    check(fill)
    check(lambda T: T.zeros(3).t().fill_(2.5))
    check(lambda T: T.zeros(4)[::2].fill_(-1))


# ------------------------------------------------------------------ arange

ARANGE_CASES = [
    ((5,), {}),
    ((5.0,), {}),
    ((0,), {}),
    ((2, 7), {}),
    ((0, 5, 2), {}),
    ((5, 0, -2), {}),
    ((5, 0, -1), {}),
    ((-3, 3), {}),
    ((0, 1, 0.25), {}),
    ((0, 1, 0.1), {}),        # 10 elements: the end is excluded despite rounding
    ((1, 2.5), {}),
    ((1.5, 4), {}),
    ((1, 2, 0.3), {}),
    ((3, 3), {}),             # empty
    ((10,), {"dtype": "float64"}),
    ((0, 5, 2), {"dtype": "int32"}),
    ((0, 5), {"dtype": "int8"}),
    ((0, 5), {"dtype": "uint8"}),
    ((0, 5), {"dtype": "int16"}),
    ((0.5, 3), {"dtype": "int64"}),
    ((0, 2, 0.5), {"dtype": "float32"}),
    ((-1, 1, 0.2), {}),
    ((10, -10, -2.5), {}),
    ((0, 10, 3), {"dtype": "float64"}),
]


@pytest.mark.parametrize("args,kwargs", ARANGE_CASES, ids=str)
def test_arange(args, kwargs):
    check(lambda T: T.arange(*args, **{k: dt(T, v) for k, v in kwargs.items()}))


@pytest.mark.parametrize("args", [(0, 5, 0), (0, 5, -1), (5, 0, 1), (-3,), (0.0, 1.0, 0.0)],
                         ids=str)
def test_arange_errors(args):
    check(lambda T: T.arange(*args), raises=RuntimeError)


def test_arange_bool_is_not_implemented_in_torch():
    check(lambda T: T.arange(5, dtype=T.bool), raises=RuntimeError)


# ------------------------------------------------------------------ torch.tensor

TENSOR_DATA = [
    [1, 2, 3],
    [1.0, 2, 3],
    [True, False],
    [1, 2.5],
    [True, 2],
    [True, 2.5],
    [[1, 2], [3, 4]],
    [[1.5], [2.5], [3.5]],
    ((1, 2), (3, 4)),
    [(1, 2), [3, 4]],
    3,
    3.5,
    True,
    -0.0,
    [],
    [[], []],
    [[[1]], [[2]]],
    [2 ** 40, -2 ** 40],
    [1e-30, 1e30],
]


@pytest.mark.parametrize("data", TENSOR_DATA, ids=repr)
def test_tensor_infers_dtype_and_shape(data):
    check(lambda T: T.tensor(data))


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("data", [[0, 1, 2], [[1.0, 0.0]], 5], ids=repr)
def test_tensor_with_dtype(data, dtype):
    check(lambda T: T.tensor(data, dtype=dt(T, dtype)))


@pytest.mark.parametrize("data,exc", [
    ([[1, 2], [3]], ValueError),
    ([[1, 2], 3], TypeError),
    ([1, [2, 3]], TypeError),
    ([1, None], RuntimeError),
    ("abc", TypeError),
    ([2 ** 63], RuntimeError),  # "Overflow when unpacking long"
], ids=repr)
def test_tensor_errors(data, exc):
    check(lambda T: T.tensor(data), raises=exc)


def test_tensor_copies_its_input():
    def make(T):
        data = [1.0, 2.0]
        t = T.tensor(data)
        data[0] = 100.0
        return t
    check(make)


def test_tensor_from_numpy_array_infers_dtype():
    for arr in [np.arange(3, dtype=np.int32), np.ones((2, 2)), np.array([True, False])]:
        check(lambda T: T.tensor(arr))


@pytest.mark.parametrize("pytype", [float, int, bool], ids=lambda t: t.__name__)
def test_python_types_as_dtype(pytype):
    # torch maps float -> float64, int -> int64, bool -> bool wherever a dtype is accepted.
    check(lambda T: T.zeros(2, dtype=pytype))
    check(lambda T: T.tensor([1, 0], dtype=pytype))
    check(lambda T: T.full((2,), 1, dtype=pytype))
    check(lambda T: T.arange(3, dtype=pytype) if pytype is not bool else T.arange(3))
    check(lambda T: T.ones(2).to(pytype))


@pytest.mark.parametrize("case, raises", [
    (lambda T: T.zeros(2, 3, out=T.empty(0, dtype=T.int64)), None),
    (lambda T: T.ones((4,), out=T.empty(7)), None),
    (lambda T: T.empty(2, 2, out=T.ones(5)).shape, None),
    (lambda T: T.ones(2, out=T.empty(0), dtype=T.int64), RuntimeError),
    (lambda T: T.zeros(2, out=T.ones(2, requires_grad=True)), RuntimeError),
])
def test_sized_factories_out(case, raises):
    check(case, raises=raises)


def test_sized_factories_out_returns_out_itself():
    T = oz()
    o = T.empty(0, dtype=T.int64)
    assert T.zeros(2, 3, out=o) is o and o.shape == (2, 3) and o.sum().item() == 0
