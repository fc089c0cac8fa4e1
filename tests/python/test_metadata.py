"""Tensor metadata and casting helpers against torch: Tensor.type(), new_zeros/new_ones/new_empty/
new_full/new_tensor, torch.result_type/promote_types/can_cast, torch.numel/is_floating_point,
.to(other)/.to(device, dtype), format() of 0-d tensors, iteration, `in`, numpy's __array__."""
import numpy as np
import pytest

from conftest import DTYPES, check, dt, mk, sample

# ------------------------------------------------------------------ Tensor.type


@pytest.mark.parametrize("dtype", DTYPES)
def test_type_name(dtype):
    check(lambda T: T.ones(2, dtype=dt(T, dtype)).type())
    check(lambda T: T.tensor(3, dtype=dt(T, dtype)).type(None))


@pytest.mark.parametrize("target", ["torch.DoubleTensor", "torch.LongTensor", "torch.IntTensor",
                                    "torch.ShortTensor", "torch.CharTensor", "torch.ByteTensor",
                                    "torch.BoolTensor", "torch.FloatTensor"])
def test_type_from_a_name(target):
    # the string names torch's classes: the same string works on both
    check(lambda T: T.arange(4.).reshape(2, 2).type(target))


@pytest.mark.parametrize("dtype", DTYPES)
def test_type_from_a_dtype(dtype):
    check(lambda T: T.arange(-2., 2.).type(dt(T, dtype)))
    check(lambda T: T.arange(-2., 2.).type(dtype=dt(T, dtype), non_blocking=True))


def test_type_returns_self_when_nothing_changes():
    check(lambda T: [x.type(T.float32) is x for x in [T.ones(2)]][0])
    check(lambda T: [x.type("torch.FloatTensor") is x for x in [T.ones(2)]][0])
    check(lambda T: [x.type(T.Tensor) is x for x in [T.ones(2)]][0])  # the default type
    check(lambda T: T.ones(2, dtype=T.int64).type(T.Tensor))


@pytest.mark.parametrize("arg,exc", [("DoubleTensor", ValueError), ("torch.FooTensor", ValueError),
                                     ("torch.float32", ValueError), (5, TypeError),
                                     (float, ValueError), (int, ValueError)], ids=str)
def test_type_errors(arg, exc):
    check(lambda T: T.ones(2).type(arg), raises=exc)


def test_type_argument_errors():
    check(lambda T: T.ones(2).type(T.float32, 1), raises=TypeError)
    check(lambda T: T.ones(2).type(T.float32, foo=1), raises=TypeError)


# ------------------------------------------------------------------ new_*

@pytest.mark.parametrize("dtype", ["float32", "float64", "int64", "uint8", "bool"])
@pytest.mark.parametrize("fn", ["new_zeros", "new_ones"])
def test_new_zeros_ones(fn, dtype):
    x = lambda T: T.ones(1, dtype=dt(T, dtype))
    check(lambda T: getattr(x(T), fn)(2, 3))
    check(lambda T: getattr(x(T), fn)((2, 3)))
    check(lambda T: getattr(x(T), fn)([2, 3], dtype=T.int32))
    check(lambda T: getattr(x(T), fn)(size=(2,)))
    check(lambda T: getattr(x(T), fn)(()))
    check(lambda T: getattr(x(T), fn)(T.Size([2, 2])))
    check(lambda T: getattr(x(T), fn)(2, 3, dtype=float, device="cpu"))


def test_new_empty():
    check(lambda T: T.ones(1, dtype=T.float64).new_empty(2, 3).shape)
    check(lambda T: T.ones(1, dtype=T.float64).new_empty(2, 3).dtype)
    check(lambda T: T.ones(1).new_empty((0,), dtype=T.int8))


def test_new_full():
    check(lambda T: T.ones(1).new_full((2, 3), 5))
    check(lambda T: T.ones(1, dtype=T.int64).new_full((2, 3), 5.5))
    check(lambda T: T.ones(1).new_full([2], fill_value=True, dtype=T.int32))
    check(lambda T: T.ones(1).new_full(fill_value=1, size=(2,)))
    check(lambda T: T.ones(1).new_full((2,), T.tensor(3.)))


def test_new_tensor():
    check(lambda T: T.ones(1).new_tensor([1, 2]))
    check(lambda T: T.ones(1, dtype=T.int64).new_tensor([1.5, 2]))
    check(lambda T: T.ones(1).new_tensor([True, False]))
    check(lambda T: T.ones(1).new_tensor(np.array([1, 2], dtype=np.int16)))
    check(lambda T: T.ones(1).new_tensor(5, dtype=T.bool))
    check(lambda T: T.ones(1).new_tensor(data=[[1, 2], [3, 4]], device="cpu"))


def test_new_tensor_from_a_tensor_copies_and_warns():
    def f(T):
        src = T.arange(3.)
        with pytest.warns(UserWarning):
            c = T.ones(1, dtype=T.int64).new_tensor(src)
        src.add_(10)  # a copy: unaffected
        return c
    check(f)


def test_new_requires_grad():
    check(lambda T: T.ones(1).new_zeros(2, requires_grad=True).requires_grad)
    check(lambda T: T.ones(1).new_tensor([1.], requires_grad=True).is_leaf)
    check(lambda T: T.ones(1).new_full((2,), 1., requires_grad=True).requires_grad)
    check(lambda T: T.ones(1, dtype=T.int64).new_zeros(2, requires_grad=True),
          raises=RuntimeError)


@pytest.mark.parametrize("case,exc", [
    (lambda T: T.ones(1).new_zeros(), TypeError),
    (lambda T: T.ones(1).new_zeros((2, 3), 4), TypeError),
    (lambda T: T.ones(1).new_ones(2, "a"), TypeError),
    (lambda T: T.ones(1).new_ones(-1), RuntimeError),
    (lambda T: T.ones(1).new_full(2, 5), TypeError),
    (lambda T: T.ones(1).new_full((2,)), TypeError),
    (lambda T: T.ones(1).new_full((2,), "a"), TypeError),
    (lambda T: T.ones(1).new_full((2,), T.ones(1)), TypeError),
    (lambda T: T.ones(1).new_tensor(), TypeError),
    (lambda T: T.ones(1).new_tensor([1], T.int64), TypeError),
    (lambda T: T.ones(1).new_tensor([[1, 2], [3]]), ValueError),
    (lambda T: T.ones(1).new_zeros(2, dtype="float"), TypeError),
], ids=range(12))
def test_new_errors(case, exc):
    check(case, raises=exc)


# ------------------------------------------------------------------ dtype functions

SCALARS = [1, 2.5, True, -1]


@pytest.mark.parametrize("a_dtype", DTYPES)
@pytest.mark.parametrize("b_dtype", DTYPES)
def test_result_type_tensors(a_dtype, b_dtype):
    check(lambda T: T.result_type(T.ones(2, dtype=dt(T, a_dtype)), T.ones(2, dtype=dt(T, b_dtype))))
    check(lambda T: T.result_type(T.ones(2, dtype=dt(T, a_dtype)), T.tensor(1, dtype=dt(T, b_dtype))))


@pytest.mark.parametrize("s", SCALARS)
@pytest.mark.parametrize("dtype", DTYPES)
def test_result_type_scalars(dtype, s):
    check(lambda T: T.result_type(T.ones(2, dtype=dt(T, dtype)), s))
    check(lambda T: T.result_type(s, T.ones(2, dtype=dt(T, dtype))))
    check(lambda T: T.result_type(s, 2.5))
    check(lambda T: T.result_type(s, True))


def test_result_type_keywords_and_errors():
    check(lambda T: T.result_type(tensor=T.ones(2), other=2))
    check(lambda T: T.result_type(T.ones(2, dtype=T.int32), other=1.5))
    check(lambda T: T.result_type(scalar=1, tensor=T.ones(2, dtype=T.uint8)))
    check(lambda T: T.result_type(1, tensor=T.ones(2, dtype=T.uint8)))
    check(lambda T: T.result_type(scalar1=1, scalar2=2.5))
    for case in [lambda T: T.result_type(T.ones(2), "a"), lambda T: T.result_type(T.ones(2)),
                 lambda T: T.result_type(T.ones(2), T.ones(2), T.ones(2)),
                 lambda T: T.result_type(T.ones(2), None),
                 lambda T: T.result_type(scalar1=1, scalar2=T.ones(2))]:
        check(case, raises=TypeError)


@pytest.mark.parametrize("a", DTYPES)
@pytest.mark.parametrize("b", DTYPES)
def test_promote_types_and_can_cast(a, b):
    check(lambda T: T.promote_types(dt(T, a), dt(T, b)))
    check(lambda T: T.can_cast(dt(T, a), dt(T, b)))


def test_dtype_functions_take_python_types_and_refuse_others():
    check(lambda T: T.promote_types(T.int32, float))
    check(lambda T: T.promote_types(int, bool))
    check(lambda T: T.can_cast(float, T.float32))
    check(lambda T: T.promote_types(type1=T.int32, type2=T.int64))
    for case in [lambda T: T.promote_types(T.int32, 5), lambda T: T.promote_types(T.int32),
                 lambda T: T.can_cast(T.int32, 3), lambda T: T.can_cast(T.float32),
                 lambda T: T.can_cast(T.float32, T.int32, T.int32),
                 lambda T: T.can_cast(from_=T.float64, to=T.float32)]:
        check(case, raises=TypeError)


def test_numel_and_is_floating_point():
    for dtype in DTYPES:
        check(lambda T: T.numel(T.ones(2, 3, dtype=dt(T, dtype))))
        check(lambda T: T.is_floating_point(T.ones(2, dtype=dt(T, dtype))))
    check(lambda T: T.numel(T.ones(())))
    check(lambda T: T.numel(5), raises=TypeError)
    check(lambda T: T.is_floating_point(5), raises=TypeError)


# ------------------------------------------------------------------ casting and protocols

def test_to_other_and_device_dtype():
    check(lambda T: T.ones(2).to(T.ones(1, dtype=T.int64)))
    check(lambda T: T.ones(2).to("cpu", T.float64))
    check(lambda T: T.ones(2).to(device="cpu", dtype=T.int32))
    check(lambda T: T.ones(2).to(T.device("cpu"), T.uint8, copy=True))
    check(lambda T: [x.to(T.ones(3)) is x for x in [T.ones(2)]][0])


@pytest.mark.parametrize("spec", [".2f", "", "8.3f", "e", ">10"])
def test_format_0d_float(spec):
    check(lambda T: format(T.tensor(3.14159), spec))
    check(lambda T: format(T.tensor(2.25, dtype=T.float64), spec))


@pytest.mark.parametrize("spec", ["", "d", "5d", "x", ">4"])
def test_format_0d_int(spec):
    check(lambda T: format(T.tensor(3), spec))
    check(lambda T: ("{:" + spec + "}").format(T.tensor(-7, dtype=T.int8)))


def test_format_of_a_tensor_with_dims():
    check(lambda T: format(T.ones(2), ""))
    check(lambda T: format(T.ones(2), ".2f"), raises=TypeError)


def test_iteration_over_dim_0():
    check(lambda T: list(T.arange(6).reshape(3, 2)))
    check(lambda T: [x for x in T.arange(3.)])
    check(lambda T: list(T.ones(0, 2)))
    check(lambda T: list(T.tensor(1.)), raises=TypeError)


def test_contains():
    check(lambda T: 2 in T.arange(3))
    check(lambda T: 5 in T.arange(3))
    check(lambda T: 1.5 in T.tensor([0.5, 1.5]))
    check(lambda T: T.tensor(2) in T.arange(3))
    check(lambda T: "a" in T.arange(3), raises=RuntimeError)


def test_numpy_array_protocol():
    def f(T):
        x = mk(T, sample((2, 3), "float32"), "float32")
        return np.asarray(x), np.array(x, dtype=np.float64), np.asarray(x.t())
    check(f)
    check(lambda T: T.ones(2).__array_priority__ > 0)
