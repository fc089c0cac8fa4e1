"""Strided copies with dtype casts: .to(dtype), copy_ across every dtype pair (float to int
truncates toward zero, anything to bool is != 0), broadcasting and non-contiguous copies."""
import numpy as np
import pytest

from conftest import DTYPES, FLOAT_DTYPES, LAYOUTS, check, dt, mk, mk_layout, sample

# Values every (source, target) pair converts the same way in torch and in C: no negatives into
# uint8 (undefined in torch), nothing out of the target's range, fractions to truncate.
SOURCE_VALUES = {
    "float32": [[0.0, 1.75, -2.5], [3.25, -0.5, 100.0]],
    "float64": [[0.0, 1.999, -2.001], [3.5, -0.25, 127.0]],
    "int64": [[0, 1, -2], [3, -100, 127]],
    "int32": [[0, 1, -2], [3, -100, 127]],
    "int16": [[0, 1, -2], [3, -100, 127]],
    "int8": [[0, 1, -2], [3, -100, 127]],
    "uint8": [[0, 1, 2], [3, 200, 255]],
    "bool": [[False, True, True], [False, False, True]],
}


def source_values(src, dst):
    vals = np.array(SOURCE_VALUES[src], dtype=object)
    if dst == "uint8" and src not in ("uint8", "bool"):
        vals = np.abs(vals.astype(float)).astype(type(SOURCE_VALUES[src][0][0]))
    if dst == "int8" and src == "uint8":
        vals = np.array([[0, 1, 2], [3, 100, 127]])
    return vals.tolist()


@pytest.mark.parametrize("dst", DTYPES)
@pytest.mark.parametrize("src", DTYPES)
def test_to_dtype_every_pair(src, dst):
    vals = source_values(src, dst)
    check(lambda T: T.tensor(vals, dtype=dt(T, src)).to(dt(T, dst)))


@pytest.mark.parametrize("dst", DTYPES)
@pytest.mark.parametrize("src", DTYPES)
def test_copy_every_pair(src, dst):
    vals = source_values(src, dst)

    def copy(T):
        d = T.zeros(2, 3, dtype=dt(T, dst))
        r = d.copy_(T.tensor(vals, dtype=dt(T, src)))
        return d, r is d
    check(copy)


@pytest.mark.parametrize("src", FLOAT_DTYPES)
@pytest.mark.parametrize("dst", ["int64", "int32", "int16", "int8"])
def test_float_to_int_truncates_toward_zero(src, dst):
    vals = [-2.9, -2.5, -1.1, -0.9, -0.0, 0.4, 0.5, 1.5, 2.9, 99.99]
    check(lambda T: T.tensor(vals, dtype=dt(T, src)).to(dt(T, dst)))


@pytest.mark.parametrize("src", DTYPES)
def test_to_bool_is_nonzero(src):
    vals = {"float32": [0.0, -0.0, 0.1, -3.0, float("nan"), float("inf")],
            "float64": [0.0, -0.0, 1e-300, -3.0, float("nan"), float("-inf")],
            "uint8": [0, 1, 2, 255, 0, 7]}.get(src, [0, 1, -1, 0, 5, 0])
    if src == "bool":
        vals = [False, True, True, False, False, True]
    check(lambda T: T.tensor(vals, dtype=dt(T, src)).to(T.bool))


@pytest.mark.parametrize("dst", ["float32", "float64"])
def test_special_floats_survive_float_copies(dst):
    vals = [float("nan"), float("inf"), -float("inf"), -0.0, 1e-45, 3.4e38]
    check(lambda T: T.tensor(vals, dtype=T.float64).to(dt(T, dst)))


def test_to_same_dtype_returns_self_unless_copy():
    def same(T):
        t = T.ones(3)
        return t.to(T.float32) is t, t.to(T.float32, copy=True) is t, t.to(T.float64) is t
    check(same)


def test_to_copy_is_independent():
    def indep(T):
        t = T.ones(3)
        c = t.to(T.float64)
        t.fill_(5)
        return c
    check(indep)


def test_type_conversion_methods():
    check(lambda T: (T.arange(4).float(), T.arange(4).double(), T.arange(4.0).long(),
                     T.arange(4.0).int(), T.arange(4).bool()))


@pytest.mark.parametrize("dst_layout", LAYOUTS)
@pytest.mark.parametrize("src_layout", LAYOUTS)
def test_copy_between_layouts(src_layout, dst_layout):
    src = sample((3, 4), "float64", seed=1)

    def copy(T):
        d = mk_layout(T, np.zeros((3, 4)), "int32", dst_layout)
        d.copy_(mk_layout(T, src, "float64", src_layout))
        return d
    check(copy)


def test_copy_into_a_view_writes_the_base():
    def view_copy(T):
        base = T.zeros(3, 4)
        base[:, 1].copy_(T.tensor([1.0, 2.0, 3.0]))
        base.t()[3].copy_(T.tensor([7, 8, 9]))
        return base
    check(view_copy)


@pytest.mark.parametrize("src_shape", [(4,), (1, 4), (3, 1), (), (1,)], ids=str)
def test_copy_broadcasts_source(src_shape):
    src = sample(src_shape, "int64", seed=2)
    check(lambda T: T.zeros(3, 4).copy_(mk(T, src, "int64")))


@pytest.mark.parametrize("src_shape", [(5,), (2, 4), (3, 4, 1), (2, 3, 4)], ids=str)
def test_copy_shape_mismatch_is_runtime_error(src_shape):
    check(lambda T: T.zeros(3, 4).copy_(T.ones(src_shape)), raises=RuntimeError)


def test_copy_empty_and_0d():
    check(lambda T: T.zeros(0, 3).copy_(T.ones(0, 3, dtype=T.int64)))
    check(lambda T: T.zeros(()).copy_(T.tensor(2.5)))


def test_clone_and_contiguous():
    def clone(T):
        t = T.arange(6.0).reshape(2, 3).t()
        c = t.clone()
        k = t.contiguous()
        t.fill_(0)
        return c, k, k.is_contiguous(), k.stride()
    check(clone)


def test_clone_preserves_strides_of_dense_tensors():
    # torch's default memory_format=torch.preserve_format keeps a transposed layout.
    check(lambda T: (T.arange(6.0).reshape(2, 3).t().clone().stride(),
                     T.arange(8.0).reshape(2, 4)[:, ::2].clone().stride()))
