"""Parity helpers: run the same code against real PyTorch (the oracle) and OzTorch in one process
and compare what comes out.

    check(lambda T: T.ones(2, 3) + 1)           # T is `torch`, then `oztorch`
    check(lambda T: T.ones(2) - True, raises=RuntimeError)

compares tensors by dtype name (str(t.dtype)), shape and values (exact for integers and bools,
rtol/atol by dtype for floats, NaN in the same places), Python scalars by type and value, and
exceptions by class: when torch raises, OzTorch must raise the same (builtin) exception class.

A failure to import oztorch does not stop collection: every test that uses it fails with the
import error, while the subprocess tests (test_env.py) still run.
"""
import math
import os
import sys

import numpy as np
import pytest
import torch

try:
    import oztorch
    OZ_IMPORT_ERROR = None
except Exception as e:  # reported by every test that needs it
    oztorch = None
    OZ_IMPORT_ERROR = e

DTYPES = ["float32", "float64", "int64", "int32", "int16", "int8", "uint8", "bool"]
FLOAT_DTYPES = ["float32", "float64"]
INT_DTYPES = ["int64", "int32", "int16", "int8", "uint8"]
# rtol, atol for comparing floating results; integers and bools compare exactly.
TOLERANCE = {"float16": (1e-3, 1e-3), "bfloat16": (1e-2, 1e-2), "float32": (1e-6, 1e-6),
             "float64": (1e-12, 1e-12)}
NP_DTYPE = {"float32": np.float32, "float64": np.float64, "int64": np.int64, "int32": np.int32,
            "int16": np.int16, "int8": np.int8, "uint8": np.uint8, "bool": np.bool_,
            "float16": np.float64, "bfloat16": np.float64}  # half types compare as doubles


def oz():
    """The oztorch module, or a failure naming why it did not import."""
    if oztorch is None:
        pytest.fail("import oztorch failed: %s: %s" % (type(OZ_IMPORT_ERROR).__name__,
                                                        OZ_IMPORT_ERROR), pytrace=False)
    return oztorch


@pytest.fixture
def T_oz():
    return oz()


# ------------------------------------------------------------------ building inputs

def dt(T, name):
    """The dtype object called `name` ("float32", ...) in module T, or None for None."""
    return None if name is None else getattr(T, name)


def sample(shape, dtype, seed=0):
    """A numpy array of `shape` with values every dtype holds exactly and every op keeps small:
    floats are multiples of 1/4 in [-8, 8] (sums and products stay exact in float32), signed
    ints in [-10, 10], uint8 in [0, 20], bools random."""
    rng = np.random.default_rng(seed)
    if dtype in FLOAT_DTYPES:
        return (rng.integers(-32, 33, size=shape) / 4.0).astype(NP_DTYPE[dtype])
    if dtype == "uint8":
        return rng.integers(0, 21, size=shape).astype(np.uint8)
    if dtype == "bool":
        return rng.integers(0, 2, size=shape).astype(np.bool_)
    return rng.integers(-10, 11, size=shape).astype(NP_DTYPE[dtype])


def mk(T, data, dtype=None):
    """T.tensor(data, dtype=...) for nested lists/scalars/numpy arrays (zero-size: T.zeros)."""
    arr = np.asarray(data)
    if arr.size == 0:
        return T.zeros(arr.shape, dtype=dt(T, dtype or "float32"))
    return T.tensor(arr.tolist(), dtype=dt(T, dtype))


LAYOUTS = ["contiguous", "transposed", "strided"]


def mk_layout(T, arr, dtype, layout):
    """A tensor with the values of the 2-d numpy array `arr` but the given memory layout:
    contiguous, transposed (a .t() view) or strided (every other column of a wider tensor)."""
    arr = np.asarray(arr)
    assert arr.ndim == 2
    if layout == "contiguous":
        return mk(T, arr, dtype)
    if layout == "transposed":
        return mk(T, np.ascontiguousarray(arr.T), dtype).t()
    if layout == "strided":
        wide = np.repeat(arr, 2, axis=1)
        wide[:, 1::2] = arr[:, ::-1] if arr.size else arr  # garbage between the used columns
        return mk(T, wide, dtype)[:, ::2]
    raise ValueError(layout)


# ------------------------------------------------------------------ comparing outputs

class Raised(object):
    """What a call raised, standing in for its result."""

    def __init__(self, exc):
        self.exc = exc

    def __repr__(self):
        return "raised %s: %s" % (type(self.exc).__name__, self.exc)


def builtin_class(exc):
    """The most specific builtin exception class of exc (torch may raise subclasses)."""
    for cls in type(exc).__mro__:
        if cls.__module__ == "builtins":
            return cls
    return type(exc)


def run(fn, T):
    try:
        return fn(T)
    except Exception as e:
        return Raised(e)


def is_oz_tensor(x):
    return oztorch is not None and isinstance(x, oztorch.Tensor)


def assert_same_tensor(ref, got, where, rtol=None, atol=None):
    assert torch.is_tensor(ref)
    assert is_oz_tensor(got), "%s: expected an oztorch.Tensor, got %s %r" % (
        where, type(got).__name__, got)
    ref_dtype, got_dtype = str(ref.dtype), str(got.dtype)
    assert got_dtype == ref_dtype, "%s: dtype %s, torch gives %s" % (where, got_dtype, ref_dtype)
    assert tuple(got.shape) == tuple(ref.shape), "%s: shape %s, torch gives %s" % (
        where, tuple(got.shape), tuple(ref.shape))
    name = ref_dtype.replace("torch.", "")
    want = np.asarray(ref.tolist(), dtype=NP_DTYPE[name]).reshape(tuple(ref.shape))
    have = np.asarray(got.tolist(), dtype=NP_DTYPE[name]).reshape(tuple(ref.shape))
    if name in TOLERANCE:
        r, a = TOLERANCE[name]
        np.testing.assert_allclose(have, want, rtol=rtol if rtol is not None else r,
                                   atol=atol if atol is not None else a, equal_nan=True,
                                   err_msg="%s: values differ from torch" % where)
    else:
        assert np.array_equal(have, want), "%s: values\n%s\ntorch gives\n%s" % (where, have, want)


def assert_same(ref, got, where="result", rtol=None, atol=None):
    """Asserts that `got` (from oztorch) matches `ref` (from torch)."""
    if isinstance(ref, Raised) or isinstance(got, Raised):
        assert isinstance(ref, Raised), "%s: oztorch %r, torch returns %r" % (where, got, ref)
        assert isinstance(got, Raised), "%s: torch %r, oztorch returns %r" % (where, ref, got)
        rc, gc = builtin_class(ref.exc), builtin_class(got.exc)
        assert gc is rc, "%s: oztorch raised %s (%s), torch raises %s (%s)" % (
            where, gc.__name__, got.exc, rc.__name__, ref.exc)
        return
    if torch.is_tensor(ref):
        assert_same_tensor(ref, got, where, rtol, atol)
    elif isinstance(ref, torch.Size):
        assert type(got).__name__ == "Size", "%s: %r is not a Size" % (where, got)
        assert isinstance(got, tuple), "%s: torch.Size is a tuple; %r is not" % (where, got)
        assert tuple(got) == tuple(ref), "%s: %r, torch gives %r" % (where, got, ref)
    elif isinstance(ref, (tuple, list)):
        assert type(got) is type(ref), "%s: %s, torch gives %s" % (
            where, type(got).__name__, type(ref).__name__)
        assert len(got) == len(ref), "%s: length %d, torch gives %d" % (where, len(got), len(ref))
        for i, (r, g) in enumerate(zip(ref, got)):
            assert_same(r, g, "%s[%d]" % (where, i), rtol, atol)
    elif isinstance(ref, (torch.dtype, torch.device)):
        assert str(got) == str(ref), "%s: %s, torch gives %s" % (where, got, ref)
    elif isinstance(ref, np.ndarray):
        assert isinstance(got, np.ndarray), "%s: %r is not a numpy array" % (where, got)
        assert got.dtype == ref.dtype and got.shape == ref.shape, "%s: %s%s, torch gives %s%s" % (
            where, got.dtype, got.shape, ref.dtype, ref.shape)
        assert np.array_equal(got, ref, equal_nan=ref.dtype.kind == "f"), where
    elif isinstance(ref, float):
        assert type(got) is float, "%s: %r (%s), torch gives float %r" % (
            where, got, type(got).__name__, ref)
        if math.isnan(ref):
            assert math.isnan(got), "%s: %r, torch gives nan" % (where, got)
        else:
            assert got == pytest.approx(ref, rel=rtol or 1e-12, abs=atol or 1e-12), where
    elif isinstance(ref, (bool, int, str, type(None))):
        assert type(got) is type(ref) and got == ref, "%s: %r (%s), torch gives %r (%s)" % (
            where, got, type(got).__name__, ref, type(ref).__name__)
    else:
        raise TypeError("%s: don't know how to compare %r" % (where, ref))


def check(fn, raises=None, rtol=None, atol=None):
    """Runs fn(torch) and fn(oztorch) and asserts the same outcome. raises=ExceptionClass also
    asserts that torch raises it (so the test knows what it is testing). Returns oztorch's
    result."""
    ref = run(fn, torch)
    if raises is not None:
        assert isinstance(ref, Raised) and issubclass(builtin_class(ref.exc), raises), \
            "the test expects torch to raise %s, but torch gives %r" % (raises.__name__, ref)
    elif isinstance(ref, Raised):
        # Not expected: most likely a broken test, so say so with torch's own message.
        pytest.fail("torch itself raised in a case expected to work: %r" % (ref,))
    got = run(fn, oz())
    assert_same(ref, got, rtol=rtol, atol=atol)
    return got
