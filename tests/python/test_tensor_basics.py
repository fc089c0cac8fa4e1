"""Tensor basics against torch: repr, shape/Size, dtypes and their aliases, device, ndim,
numel, size(), stride(), is_contiguous(), item(), tolist(), numpy interop, torch.tensor, basic
indexing and views."""
import numpy as np
import pytest
import torch

from conftest import DTYPES, check, dt, mk, oz, sample

REPR_CASES = [
    "T.ones(2, 3)",
    "T.arange(6).reshape(2, 3)",
    "T.tensor([1.5, 2.25, -3.0])",
    "T.tensor(3.)",
    "T.tensor(7)",
    "T.tensor(True)",
    "T.zeros(0)",
    "T.zeros(2, 0)",
    "T.tensor([], dtype=T.int64)",
    "T.arange(4, dtype=T.float64)",
    "T.arange(4, dtype=T.int32)",
    "T.tensor([True, False])",
    "T.tensor([1e10, 1.0])",
    "T.tensor([1e-5, 1.0])",
    "T.tensor([float('nan'), float('inf'), -float('inf'), 1.0])",
    "T.tensor([-1.0, 0.5])",
    "T.tensor([1.0, 2.0, 3.0])",
    "T.tensor([100000.0, 1.5])",
    "T.tensor([1.123456789])",
    "T.arange(24.).reshape(2, 3, 4)",
    "T.tensor([[1, -2], [30, 4]], dtype=T.int8)",
    "T.tensor([255, 0], dtype=T.uint8)",
    "T.zeros(3, dtype=T.int16)",
    "T.tensor(2.5, dtype=T.float64)",
    "T.tensor([0.1, 0.2], dtype=T.float64)",
    "T.ones(2, 3) @ T.arange(3.).reshape(3, 1) + 1",
    "T.arange(2000.)",
    "T.arange(1200).reshape(30, 40)",
    "T.arange(6.).reshape(2, 3).t()",
    "T.tensor([-0.0, 0.0])",
    "T.tensor([0.001, 1000.])",
    "T.tensor([12345678.0])",
    "T.arange(10.) / 3",
    "T.tensor([1, 2], dtype=T.float64) / 3",
    "T.tensor([[True, False], [False, True]])",
    "T.tensor([2**40])",
    "T.tensor([[1.5, float('nan')]])",
    "T.tensor([0.00001234, 0.5])",
    "T.tensor([1.0, -2.0]) * 1e-8",
    "T.tensor(float('inf'))",
    "T.tensor([1e100], dtype=T.float64)",
    "T.full((2, 2), -7.25)",
]


@pytest.mark.parametrize("expr", REPR_CASES)
def test_repr(expr):
    check(lambda T: repr(eval(expr)))
    check(lambda T: str(eval(expr)))


def test_print_of_the_smoke_expression(capsys):
    T = oz()
    print(T.ones(2, 3) @ T.arange(3.).reshape(3, 1) + 1)
    assert capsys.readouterr().out == "tensor([[4.],\n        [4.]])\n"


# ------------------------------------------------------------------ shape and Size

def test_shape_is_a_torch_size():
    check(lambda T: T.zeros(2, 3).shape)
    check(lambda T: T.zeros(2, 3).size())
    check(lambda T: repr(T.zeros(2, 3).shape))
    check(lambda T: repr(T.zeros(()).shape))
    check(lambda T: str(T.zeros(4).shape))
    check(lambda T: (T.zeros(2, 3).shape == (2, 3), T.zeros(2, 3).shape == T.Size([2, 3]),
                     T.zeros(2, 3).shape == [2, 3], T.zeros(2, 3).shape != (3, 2)))
    check(lambda T: (len(T.zeros(2, 3, 4).shape), T.zeros(2, 3, 4).shape[-1],
                     tuple(T.zeros(2, 3, 4).shape[1:]), isinstance(T.zeros(1).shape, tuple)))
    check(lambda T: T.Size([2, 3]).numel())


@pytest.mark.parametrize("shape", [(), (0,), (5,), (2, 3), (2, 0, 4), (1, 2, 1, 3)], ids=str)
def test_metadata(shape):
    check(lambda T: (T.zeros(shape).ndim, T.zeros(shape).dim(), T.zeros(shape).numel(),
                     T.zeros(shape).stride(), T.zeros(shape).is_contiguous(),
                     T.numel(T.zeros(shape))))


def test_size_and_stride_of_a_dim():
    check(lambda T: (T.zeros(2, 3).size(0), T.zeros(2, 3).size(-1), T.zeros(2, 3).stride(0),
                     T.zeros(2, 3).stride(-1), T.zeros(2, 3).t().stride()))
    check(lambda T: T.zeros(2, 3).size(2), raises=IndexError)
    check(lambda T: T.zeros(2, 3).size(-3), raises=IndexError)
    check(lambda T: T.zeros(()).size(1), raises=IndexError)
    check(lambda T: T.zeros(2, 3).stride(5), raises=IndexError)


def test_len():
    check(lambda T: len(T.zeros(4, 2)))
    check(lambda T: len(T.tensor(1.0)), raises=TypeError)


# ------------------------------------------------------------------ dtypes and device

ALIASES = [("float", "float32"), ("double", "float64"), ("long", "int64"), ("int", "int32"),
           ("short", "int16"), ("half", "float16"), ("bool", "bool"), ("uint8", "uint8"),
           ("int8", "int8")]


@pytest.mark.parametrize("alias,name", ALIASES)
def test_dtype_aliases_are_the_same_object(alias, name):
    T = oz()
    assert getattr(T, alias) is getattr(T, name)
    check(lambda T: (str(getattr(T, alias)), repr(getattr(T, alias))))


@pytest.mark.parametrize("name", DTYPES)
def test_dtype_objects(name):
    check(lambda T: (str(dt(T, name)), repr(dt(T, name)), dt(T, name).is_floating_point,
                     T.zeros(1, dtype=dt(T, name)).dtype == dt(T, name),
                     T.zeros(1, dtype=dt(T, name)).dtype != T.int16 or name == "int16",
                     T.zeros(1, dtype=dt(T, name)).is_floating_point()))
    T = oz()
    assert isinstance(dt(T, name), T.dtype)
    assert T.zeros(2, dtype=dt(T, name)).dtype is dt(T, name)
    assert hash(dt(T, name)) == hash(dt(T, name))


def test_default_dtype():
    check(lambda T: (T.get_default_dtype(), T.zeros(1).dtype, T.tensor(1.0).dtype))


def test_device():
    check(lambda T: (str(T.zeros(1).device), repr(T.zeros(1).device), T.zeros(1).device.type,
                     T.zeros(1).device == T.device("cpu"), T.zeros(1).is_cuda))
    check(lambda T: str(T.device("cpu")))
    check(lambda T: T.zeros(2, device="cpu"))
    check(lambda T: T.zeros(2, device=T.device("cpu")))


# ------------------------------------------------------------------ item and tolist

@pytest.mark.parametrize("dtype", DTYPES)
def test_item(dtype):
    a = sample((), dtype, seed=3)
    check(lambda T: mk(T, a, dtype).item())
    check(lambda T: mk(T, a.reshape(1, 1), dtype).item())
    check(lambda T: T.ones(2, dtype=dt(T, dtype)).item(), raises=ValueError)


def test_item_precision():
    check(lambda T: T.tensor(0.1).item())  # float32 rounding shows up as 0.10000000149011612
    check(lambda T: T.tensor(0.1, dtype=T.float64).item())
    check(lambda T: T.tensor(2 ** 53 + 1).item())
    check(lambda T: T.tensor(float("nan")).item())


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", [(), (0,), (3,), (2, 3), (2, 0), (2, 1, 2)], ids=str)
def test_tolist(shape, dtype):
    a = sample(shape, dtype, seed=4)
    check(lambda T: mk(T, a, dtype).tolist())


def test_python_number_conversions():
    check(lambda T: (float(T.tensor([2.5])), int(T.tensor(3.7)), int(T.tensor(-3.7)),
                     bool(T.tensor(0)), bool(T.tensor([1.0])), float(T.tensor(7)),
                     [10, 20, 30][T.tensor(1)], bool(T.zeros(1, 1))))
    check(lambda T: bool(T.ones(2)), raises=RuntimeError)
    check(lambda T: float(T.ones(2)), raises=ValueError)
    check(lambda T: [1, 2][T.tensor(1.0)], raises=TypeError)


def test_tensor_type_checks():
    check(lambda T: (T.is_tensor(T.ones(1)), T.is_tensor([1]), isinstance(T.ones(1), T.Tensor),
                     type(T.ones(1)).__name__))
    check(lambda T: (lambda t: (t.contiguous() is t, t.T.shape, t.T.stride()))(T.ones(2, 3)))


def test_tolist_of_views():
    check(lambda T: T.arange(6).reshape(2, 3).t().tolist())
    check(lambda T: T.arange(10)[1::3].tolist())
    check(lambda T: T.arange(3.0).reshape(3, 1).expand(3, 2).tolist())


# ------------------------------------------------------------------ numpy

NUMPY_DTYPES = [np.float32, np.float64, np.int64, np.int32, np.int16, np.int8, np.uint8, np.bool_]


@pytest.mark.parametrize("np_dtype", NUMPY_DTYPES, ids=lambda d: d.__name__)
def test_from_numpy_dtypes_and_values(np_dtype):
    arr = sample((2, 3), "int8", seed=5).astype(np_dtype)
    check(lambda T: T.from_numpy(arr))


@pytest.mark.parametrize("dtype", DTYPES)
def test_numpy_dtypes_and_values(dtype):
    a = sample((2, 3), dtype, seed=6)
    check(lambda T: mk(T, a, dtype).numpy())


def test_from_numpy_shares_memory_both_ways():
    T = oz()
    arr = np.arange(6, dtype=np.float32).reshape(2, 3)
    t = T.from_numpy(arr)
    arr[0, 1] = 100.0
    assert t[0, 1].item() == 100.0, "a write through numpy must show in the tensor"
    t[1, 2] = -5.0
    assert arr[1, 2] == -5.0, "a write through the tensor must show in the numpy array"
    t.add_(1)
    assert arr.tolist() == [[1.0, 101.0, 3.0], [4.0, 5.0, -4.0]]


def test_numpy_shares_memory_both_ways():
    T = oz()
    t = T.zeros(2, 3, dtype=T.int32)
    arr = t.numpy()
    assert arr.dtype == np.int32 and arr.shape == (2, 3)
    arr[1, 1] = 7
    assert t[1, 1].item() == 7
    t[0].fill_(3)
    assert arr.tolist() == [[3, 3, 3], [0, 7, 0]]


def test_numpy_array_outlives_the_tensor():
    T = oz()
    arr = T.arange(5.0).numpy()  # the tensor is gone right away
    big = [T.ones(1000) for _ in range(10)]  # reuse freed memory if it was freed
    assert arr.tolist() == [0.0, 1.0, 2.0, 3.0, 4.0]
    del big


def test_tensor_outlives_the_numpy_array():
    T = oz()
    t = T.from_numpy(np.arange(4, dtype=np.int64) * 3)
    assert t.tolist() == [0, 3, 6, 9]


def test_numpy_of_views_keeps_strides():
    check(lambda T: T.arange(6).reshape(2, 3).t().numpy())
    check(lambda T: T.arange(10.0)[::3].numpy())
    check(lambda T: T.from_numpy(np.arange(12.0).reshape(3, 4)[:, ::2]).stride())


def test_from_numpy_rejects_negative_strides():
    check(lambda T: T.from_numpy(np.arange(6.0)[::-1]), raises=ValueError)


def test_from_numpy_0d_and_empty():
    check(lambda T: T.from_numpy(np.array(3.5)))
    check(lambda T: T.from_numpy(np.zeros((0, 3), dtype=np.int16)))


# ------------------------------------------------------------------ indexing and views

INDEX_CASES = [
    "t[0]", "t[-1]", "t[1, 2]", "t[-1, -1]", "t[0:2]", "t[1:]", "t[:, 1]", "t[:, ::2]",
    "t[::2, 1:3]", "t[:, -2:]", "t[5:]", "t[2:1]", "t[..., 0]", "t[None]", "t[:, None, 1]",
    "t[1][2]", "t[0, ...]", "t[-100:100]",
]


@pytest.mark.parametrize("expr", INDEX_CASES)
def test_basic_indexing(expr):
    def index(T):
        t = T.arange(12).reshape(3, 4)
        r = eval(expr)
        return r, r.stride(), r.is_contiguous()
    check(index)


@pytest.mark.parametrize("expr,exc", [
    ("t[3]", IndexError), ("t[-4]", IndexError), ("t[0, 4]", IndexError),
    ("t[0, 0, 0]", IndexError), ("t[::0]", ValueError), ("t[::-1]", ValueError),
], ids=str)
def test_indexing_errors(expr, exc):
    def index(T):
        t = T.arange(12).reshape(3, 4)
        return eval(expr)
    check(index, raises=exc)


def test_indexing_returns_views():
    def f(T):
        t = T.zeros(3, 4)
        row = t[1]
        row += 1
        col = t[:, 2]
        col.fill_(5)
        t[0, 0] = 9
        t[2] = T.tensor([1.0, 2.0, 3.0, 4.0])
        t[:, 3] = 7
        return t
    check(f)


def test_setitem_casts_and_broadcasts():
    def f(T):
        t = T.zeros(2, 3, dtype=T.int32)
        t[0] = 2.7
        t[1] = T.tensor([1.9, -1.9, 0.5])
        return t
    check(f)


VIEW_CASES = [
    "t.view(6, 4)", "t.view(-1)", "t.reshape(4, 6)", "t.reshape(-1, 2)", "t.transpose(0, 2)",
    "t.transpose(-1, -2)", "t.permute(2, 0, 1)", "t.transpose(0, 2).reshape(-1)",
    "t.unsqueeze(0)", "t.unsqueeze(-1)", "t[0:1].squeeze()", "t[0:1].squeeze(0)",
    "t[:, 0:1].squeeze(1)", "t.transpose(0, 1).reshape(6, 4)", "t.transpose(0, 1).contiguous()",
    "t[:, :, 0:1].expand(2, 3, 5)", "t.select(1, 2)", "t.narrow(2, 1, 2)",
]


@pytest.mark.parametrize("expr", VIEW_CASES)
def test_views(expr):
    def view(T):
        t = T.arange(24).reshape(2, 3, 4)
        v = eval(expr)
        return v, v.stride(), v.is_contiguous()
    check(view)


def test_view_errors():
    check(lambda T: T.arange(6).reshape(2, 3).t().view(6), raises=RuntimeError)
    check(lambda T: T.arange(6).view(4, -1), raises=RuntimeError)
    check(lambda T: T.arange(6).view(-1, -1), raises=RuntimeError)
    check(lambda T: T.arange(6).reshape(2, 3).expand(3, 3), raises=RuntimeError)
    check(lambda T: T.arange(6).reshape(2, 3).permute(1, 1), raises=RuntimeError)
    check(lambda T: T.arange(6).reshape(2, 3).transpose(0, 2), raises=IndexError)


def test_views_share_storage():
    def f(T):
        t = T.zeros(2, 3)
        t.view(6)[4] = 1
        t.t()[0, 1] = 2
        t.reshape(3, 2)[2, 1] = 3
        t.unsqueeze(0)[0, 0, 0] = 4
        return t
    check(f)
