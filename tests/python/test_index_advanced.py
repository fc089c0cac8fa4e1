"""Advanced indexing against torch: _C._index_get / _C._index_put (what Tensor.__getitem__ and
__setitem__ call for subscripts holding tensors, lists or arrays) compared with torch's x[index]
and x[index] = value, and index_put / index_put_. Integer tensors and lists broadcast together,
result dims go where numpy puts them (in front when the indexed dims are separated), bool masks,
Python bools, None, Ellipsis, slices and ints mixed in; bounds and shape errors."""
import numpy as np
import pytest
import torch

from conftest import DTYPES, LAYOUTS, check, mk, mk_layout, oz, sample


def get(T, x, index):
    return x[index] if T is torch else T._C._index_get(x, index)


def setitem(T, x, index, value):
    if T is torch:
        x[index] = value
    else:
        T._C._index_put(x, index, value)
    return x


def base(T, dtype="float32"):
    return T.arange(24).reshape(2, 3, 4).to(getattr(T, dtype))


M23 = [[True, False, True], [False, False, True]]
INDICES = {
    "list": lambda T: [1, 0],
    "nested_list_is_tuple": lambda T: [[1, 0]],
    "tuple_of_list": lambda T: ([1, 0],),
    "slice_then_list": lambda T: (slice(None), [2, 0]),
    "two_lists": lambda T: ([0, 1], [2, 0]),
    "separated_by_slice": lambda T: ([0, 1], slice(None), [1, 2]),
    "separated_by_none": lambda T: (slice(None), [0, 1], None, [1, 2]),
    "none_around": lambda T: (None, [0, 1], None, [1, 2]),
    "ellipsis_first": lambda T: (Ellipsis, [0, 1]),
    "ellipsis_between": lambda T: ([0, 1], Ellipsis, [0, 3]),
    "int_and_list": lambda T: (1, [0, 2]),
    "list_int_list": lambda T: ([0, 1], 0, [1, 2]),
    "broadcast": lambda T: ([[0], [1]], slice(None), [0, 1, 3]),
    "tensor_2d": lambda T: T.tensor([[0, 1], [1, 0]]),
    "tensor_and_slice": lambda T: (T.tensor([[0, 1], [1, 0]]), slice(1, None), T.tensor([0, 3])),
    "negative": lambda T: ([-1, -2], [-3, 2]),
    "mask_2d": lambda T: T.tensor(M23),
    "mask_3d": lambda T: base(T) > 10,
    "mask_then_list": lambda T: (T.tensor(M23), [0, 1, 1]),
    "int_then_mask": lambda T: (1, T.tensor([[True, False, True, False]] * 3)),
    "mask_1d_then_slice": lambda T: (slice(None), T.tensor([True, False, True]), slice(1, 3)),
    "bool_list": lambda T: [True, False],
    "empty_list": lambda T: [],
    "float_list": lambda T: [1.0, 0.7],
    "true": lambda T: True,
    "false_tuple": lambda T: (False,),
    "true_and_list": lambda T: (True, [0, 1]),
    "list_and_true": lambda T: ([0, 1], True),
    "bool_0d": lambda T: T.tensor(True),
    "int_0d_with_list": lambda T: (T.tensor(1), [2, 0]),
    "uint8_0d_mask": lambda T: (T.tensor(1, dtype=T.uint8), [0]),
    "numpy_array": lambda T: np.array([1, 0]),
    "numpy_int": lambda T: (np.int64(1), [0, 2]),
    "numpy_bool_mask": lambda T: np.array([True, False]),
    "empty_tensor": lambda T: (slice(None), T.zeros(0, dtype=T.int64)),
    "empty_mask": lambda T: T.zeros(2, 3, dtype=T.bool),
    "ellipsis_twice_basic": lambda T: (Ellipsis, None, Ellipsis),
    "basic_only": lambda T: (0, slice(1, 3), None),
    "list_of_basic_items_is_a_tuple": lambda T: [0, slice(None), None],
}


@pytest.mark.parametrize("name", list(INDICES))
def test_getitem(name):
    check(lambda T: get(T, base(T), INDICES[name](T)))


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("dtype", DTYPES)
def test_getitem_dtypes_and_layouts(dtype, layout):
    a = sample((4, 5), dtype, seed=1)
    for index in (lambda T: ([3, 0, 3],), lambda T: (slice(None), [4, 1]),
                  lambda T: ([[0], [2]], [1, 3, 4]), lambda T: mk(T, a, dtype) != 0
                  if dtype != "bool" else mk(T, a, dtype)):
        check(lambda T: get(T, mk_layout(T, a, dtype, layout), index(T)))


def test_getitem_on_expanded_and_0d():
    check(lambda T: get(T, T.arange(3.0).expand(4, 3), ([0, 3], [2, 2])))
    check(lambda T: get(T, T.tensor(5.0), T.tensor(True)))
    check(lambda T: get(T, T.tensor(5.0), (None, T.tensor([0, 0]))), raises=IndexError)
    check(lambda T: get(T, T.tensor(5.0), [True]), raises=IndexError)
    check(lambda T: get(T, T.zeros(0, 3), [[]]))
    check(lambda T: get(T, T.zeros(3, 0), [0, 2]))


def test_advanced_result_is_a_copy_and_basic_a_view():
    def f(T):
        x = T.zeros(3, 2)
        a = get(T, x, ([0, 2],))
        b = get(T, x, (slice(1, None), None))
        a.fill_(1)
        b.fill_(2)
        return x
    check(f)


@pytest.mark.parametrize("index,exc", [
    (lambda T: [5], IndexError),
    (lambda T: (slice(None), [-4]), IndexError),
    (lambda T: (slice(None), slice(None), T.tensor([4])), IndexError),
    (lambda T: ([0, 1], [0, 1, 2]), IndexError),
    (lambda T: T.tensor([True, False, True]), IndexError),
    (lambda T: (T.tensor(M23), slice(1, 3)), IndexError),
    (lambda T: T.tensor([1.0]), IndexError),
    (lambda T: (slice(None), T.tensor([1], dtype=T.int32)), IndexError),
    (lambda T: ([0], [1], [2], [3]), IndexError),
    (lambda T: (0, 0, 0, [0]), IndexError),
    (lambda T: (Ellipsis, Ellipsis, [0]), IndexError),
    (lambda T: ([0, 1], 1.5), IndexError),
    (lambda T: ([0, 1], "a"), TypeError),
    (lambda T: ([0, 1], {1: 2}), IndexError),
    (lambda T: (slice(None, None, -1), [0]), ValueError),
    (lambda T: (slice(None, None, 0), [0]), ValueError),
    (lambda T: ([0], 5), IndexError),
], ids=range(17))
def test_getitem_errors(index, exc):
    check(lambda T: get(T, base(T), index(T)), raises=exc)


def test_index_into_empty_dim_raises():
    check(lambda T: get(T, T.zeros(0, 3), [0]), raises=IndexError)


# ------------------------------------------------------------------ setitem

SET_CASES = {
    "list_number": (lambda T: [1, 0], lambda T: 7),
    "two_lists_tensor": (lambda T: ([0, 1], [2, 0]), lambda T: T.tensor([[-1.0], [-2.0]])),
    "separated_broadcast_value": (lambda T: ([0, 1], slice(None), [1, 2]), lambda T: T.tensor([5.0, 6.0, 7.0])),
    "mask_number": (lambda T: base(T) > 10, lambda T: 0),
    "mask_0d_tensor_other_dtype": (lambda T: base(T) > 10, lambda T: T.tensor(2.5, dtype=T.float64)),
    "mask_1elem_value": (lambda T: T.tensor(M23), lambda T: T.tensor([9.0])),
    "mask_rows": (lambda T: T.tensor(M23), lambda T: T.arange(4.0)),
    "leading_ones_dropped": (lambda T: [1, 0], lambda T: T.ones(1, 1, 3, 4)),
    "duplicates_last_wins": (lambda T: ([0, 0], [1, 1], [2, 2]), lambda T: T.tensor([3.0, 3.0])),
    "int_then_list": (lambda T: (1, [0, 2]), lambda T: -5.5),
    "true_and_list": (lambda T: (True, [0, 1]), lambda T: 1),
    "ellipsis_list": (lambda T: (Ellipsis, [3]), lambda T: T.zeros(2, 3, 1)),
    "basic_only": (lambda T: (0, slice(1, 3)), lambda T: T.ones(4)),
    "empty_index": (lambda T: [], lambda T: 1.0),
}


@pytest.mark.parametrize("name", list(SET_CASES))
def test_setitem(name):
    index, value = SET_CASES[name]
    check(lambda T: setitem(T, base(T), index(T), value(T)))


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("dtype", DTYPES)
def test_setitem_dtypes_and_layouts(dtype, layout):
    a, v = sample((4, 5), dtype, seed=2), sample((2,), dtype, seed=3)
    check(lambda T: setitem(T, mk_layout(T, a, dtype, layout), ([3, 0], [1, 4]), mk(T, v, dtype)))
    value = True if dtype == "bool" else 3
    check(lambda T: setitem(T, mk_layout(T, a, dtype, layout), (slice(None), [4, 1]), value))


@pytest.mark.parametrize("index,value,exc", [
    (lambda T: [5], lambda T: 1.0, IndexError),
    (lambda T: [0, 1], lambda T: T.ones(3), RuntimeError),
    (lambda T: [0, 1], lambda T: T.ones(2, 3, 4, dtype=T.float64), RuntimeError),
    (lambda T: T.tensor(M23), lambda T: T.ones(2), RuntimeError),
    (lambda T: [0], lambda T: [1, 2], TypeError),
    (lambda T: [0], lambda T: 1e300, RuntimeError),
], ids=range(6))
def test_setitem_errors(index, value, exc):
    check(lambda T: setitem(T, base(T), index(T), value(T)), raises=exc)


def test_setitem_int8_overflow_and_self_overlap():
    check(lambda T: setitem(T, T.zeros(3, dtype=T.int8), [0], 1000), raises=RuntimeError)
    check(lambda T: (lambda x: setitem(T, x, [0, 1], get(T, x, [1, 0])))(T.arange(3.0)))
    check(lambda T: (lambda x: setitem(T, x, T.tensor([1, 0]), x[:2]))(T.arange(3.0)),
          raises=RuntimeError)


# ------------------------------------------------------------------ index_put, index_put_

@pytest.mark.parametrize("accumulate", [False, True])
@pytest.mark.parametrize("dtype", ["float32", "float64", "int64", "int16", "uint8", "bool"])
def test_index_put(dtype, accumulate):
    a, v = sample((3, 4), dtype, seed=4), sample((3,), dtype, seed=5)
    i0, i1 = [0, 2, 0], [1, 3, 1]  # a duplicate: accumulates, or one of the writes wins

    def f(T):
        x = mk(T, a, dtype)
        vals = mk(T, v, dtype)
        if not accumulate:
            vals = get(T, vals, [0, 1, 0])  # equal values for the duplicate: no race to compare
        ix = (T.tensor(i0), T.tensor(i1))
        r = T.index_put(x, ix, vals, accumulate)
        r2 = x.index_put(ix, vals, accumulate=accumulate)
        r3 = x.index_put_(ix, vals, accumulate)
        return r, r2, r3 is x, x
    check(f)


def test_index_put_with_masks_none_and_broadcast():
    check(lambda T: T.zeros(2, 3).index_put_((T.tensor([True, False]),), T.tensor(1.0)))
    check(lambda T: T.zeros(2, 3).index_put_((None, T.tensor([2, 0])), T.ones(2)),
          raises=TypeError)
    check(lambda T: T.zeros(2, 3).index_put_([T.tensor([1, 1])], T.ones(3), accumulate=True))
    check(lambda T: T.zeros(2, 3).index_put_((T.tensor([1]),), T.ones(3, dtype=T.float64)),
          raises=RuntimeError)
    check(lambda T: T.zeros(2, 3).index_put_(T.tensor([1]), T.ones(3)), raises=TypeError)
    check(lambda T: T.zeros(2, 3).index_put_((T.tensor([1]),) * 3, T.ones(3)), raises=IndexError)


def test_uint8_index_warns_like_torch():
    def f(T):
        return get(T, T.arange(3.0), T.tensor([1, 0, 1], dtype=T.uint8))
    with pytest.warns(UserWarning, match="uint8"):
        f(oz())
    with pytest.warns(UserWarning):
        check(f)
