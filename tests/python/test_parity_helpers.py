"""The parity checker itself must be able to fail: each case hands assert_same a torch result and
a deliberately different oztorch result and expects an AssertionError."""
import pytest
import torch

from conftest import Raised, assert_same, check, oz

MISMATCHES = [
    ("dtype", lambda T: T.ones(2), lambda T: T.ones(2, dtype=T.float64)),
    ("shape", lambda T: T.ones(2, 1), lambda T: T.ones(1, 2)),
    ("int value", lambda T: T.tensor([1, 2]), lambda T: T.tensor([1, 3])),
    ("bool value", lambda T: T.tensor([True]), lambda T: T.tensor([False])),
    ("float beyond rtol", lambda T: T.tensor([1.0]), lambda T: T.tensor([1.00001])),
    ("nan position", lambda T: T.tensor([float("nan"), 1.0]), lambda T: T.tensor([1.0, float("nan")])),
    ("inf sign", lambda T: T.tensor([float("inf")]), lambda T: T.tensor([-float("inf")])),
    ("python int vs float", lambda T: 1, lambda T: 1.0),
    ("python bool vs int", lambda T: True, lambda T: 1),
    ("tuple vs Size", lambda T: T.ones(2, 3).shape, lambda T: (2, 3)),
    ("tuple length", lambda T: (1, 2), lambda T: (1, 2, 3)),
    ("string", lambda T: "tensor([1.])", lambda T: "tensor([1.0])"),
    ("tensor vs number", lambda T: T.tensor(1.0), lambda T: 1.0),
]


@pytest.mark.parametrize("what,ref_fn,got_fn", MISMATCHES, ids=[m[0] for m in MISMATCHES])
def test_assert_same_detects(what, ref_fn, got_fn):
    with pytest.raises(AssertionError):
        assert_same(ref_fn(torch), got_fn(oz()))


def test_exception_class_mismatch_is_detected():
    with pytest.raises(AssertionError):
        assert_same(Raised(RuntimeError("x")), Raised(ValueError("x")))
    with pytest.raises(AssertionError):
        assert_same(Raised(RuntimeError("x")), oz().ones(1))
    with pytest.raises(AssertionError):
        assert_same(torch.ones(1), Raised(RuntimeError("x")))


def test_same_values_within_tolerance_pass():
    assert_same(torch.tensor([1.0, float("nan"), float("inf")]),
                oz().tensor([1.0 + 1e-8, float("nan"), float("inf")]))
    assert_same(Raised(IndexError("a")), Raised(IndexError("b")))


def test_check_insists_on_the_expected_torch_outcome():
    with pytest.raises(AssertionError):  # torch does not raise here
        check(lambda T: T.ones(2) + 1, raises=RuntimeError)
    with pytest.raises(pytest.fail.Exception):  # torch raises where the test expects success
        check(lambda T: T.ones(2) + T.ones(3))
