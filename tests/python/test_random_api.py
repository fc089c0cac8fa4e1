"""The random API against real PyTorch: signatures, shapes, dtypes, out=, requires_grad,
generator objects, autograd nodes and gradients, and the exception PyTorch raises for each bad
input. Random values differ from PyTorch's by design (OzTorch's stream is counter-based), so
values are compared only where they are determined (p = 0/1, std = 0, zero-size, ...)."""
import math

import pytest
import torch

from conftest import check, oz
from test_random_stream import ozr


def meta(t):
    """What a random result must share with torch's: shape, dtype, requires_grad."""
    return (t.shape, t.dtype, t.requires_grad)


# ------------------------------------------------------------------ factories

FACTORY_CASES = [
    lambda T: T.rand(2, 3), lambda T: T.rand((2, 3)), lambda T: T.rand([2, 3]),
    lambda T: T.rand(()), lambda T: T.rand(0), lambda T: T.rand(size=(2, 3)),
    lambda T: T.rand(2, dtype=T.float64), lambda T: T.rand(2, requires_grad=True),
    lambda T: T.rand(2, 3, device="cpu"), lambda T: T.rand(2, out=T.zeros(4)),
    lambda T: T.rand(2, names=None), lambda T: T.rand(T.Size([2, 1])),
    lambda T: T.randn(4), lambda T: T.randn(2, 1, 3, dtype=T.float64),
    lambda T: T.randn(3, requires_grad=True), lambda T: T.randn(2, out=T.zeros(2, 2)),
    lambda T: T.randint(5, (3,)), lambda T: T.randint(2, 5, (3,)),
    lambda T: T.randint(5, (3,), dtype=T.float32), lambda T: T.randint(5, (2, 2), dtype=T.int8),
    lambda T: T.randint(3, ()), lambda T: T.randint(3, size=(3,)),
    lambda T: T.randint(high=3, size=(3,)), lambda T: T.randint(size=(2,), high=3, low=1),
    lambda T: T.randint(3, T.Size([2])), lambda T: T.randint(3, [2]),
    lambda T: T.randint(T.tensor(3), (2,)), lambda T: T.randint(0, 2 ** 63 - 1, (2,)),
    lambda T: T.randint(-2 ** 63, 2 ** 63 - 1, (2,)), lambda T: T.randint(3, (2,), out=T.zeros(4)),
    lambda T: T.randint(0, 2, (3,), dtype=T.bool), lambda T: T.randint(0, 256, (3,), dtype=T.uint8),
    lambda T: T.randperm(5), lambda T: T.randperm(0), lambda T: T.randperm(5, dtype=T.float32),
    lambda T: T.randperm(128, dtype=T.int8), lambda T: T.randperm(256, dtype=T.uint8),
    lambda T: T.randperm(T.tensor(3)), lambda T: T.randperm(4, out=T.zeros(4)),
    lambda T: T.randperm(3, dtype=T.float64, requires_grad=True),
]


@pytest.mark.parametrize("i", range(len(FACTORY_CASES)))
def test_factory_meta(i):
    check(lambda T: meta(FACTORY_CASES[i](T)))


FACTORY_ERRORS = [
    (lambda T: T.rand(2, dtype=T.int64), RuntimeError),
    (lambda T: T.rand(2, dtype=T.bool), RuntimeError),
    (lambda T: T.randn(2, dtype=T.int32), RuntimeError),
    (lambda T: T.rand(-1), RuntimeError),
    (lambda T: T.rand(), TypeError),
    (lambda T: T.rand(2.5), TypeError),
    (lambda T: T.rand(2, "a"), TypeError),
    (lambda T: T.rand(2, size=(2, 3)), TypeError),
    (lambda T: T.rand(2, generator=3), TypeError),
    (lambda T: T.rand(2, out=T.zeros(2, dtype=T.float64), dtype=T.float32), RuntimeError),
    (lambda T: T.randn(2, 2, out=T.zeros(4, dtype=T.int64)), RuntimeError),
    (lambda T: T.randint(5, 2, (3,)), RuntimeError),
    (lambda T: T.randint(5, 5, (3,)), RuntimeError),
    (lambda T: T.randint(5, 3), TypeError),
    (lambda T: T.randint(3, 2.0), TypeError),
    (lambda T: T.randint(5, (3,), dtype=T.bool), RuntimeError),
    (lambda T: T.randint(300, (3,), dtype=T.uint8), RuntimeError),
    (lambda T: T.randint(-3, 3, (3,), dtype=T.uint8), RuntimeError),
    (lambda T: T.randint(1.5, (3,)), TypeError),
    (lambda T: T.randint(True, (2,)), TypeError),
    (lambda T: T.randint(3), TypeError),
    (lambda T: T.randint(0, 2 ** 63, (2,)), RuntimeError),
    (lambda T: T.randint(3, (3,), requires_grad=True), RuntimeError),
    (lambda T: T.randperm(-1), RuntimeError),
    (lambda T: T.randperm(129, dtype=T.int8), RuntimeError),
    (lambda T: T.randperm(257, dtype=T.uint8), RuntimeError),
    (lambda T: T.randperm(2 ** 24 + 2, dtype=T.float32), RuntimeError),
    (lambda T: T.randperm(5, dtype=T.bool), RuntimeError),
    (lambda T: T.randperm(3.0), TypeError),
    (lambda T: T.randperm(3, requires_grad=True), RuntimeError),
]


@pytest.mark.parametrize("i", range(len(FACTORY_ERRORS)))
def test_factory_errors(i):
    fn, exc = FACTORY_ERRORS[i]
    check(fn, raises=exc)


def test_out_is_returned_and_resized():
    T = oz()
    out = T.zeros(5)
    r = T.rand(2, 3, out=out)
    assert r is out and tuple(out.shape) == (2, 3)
    out = T.zeros(2, dtype=T.int64)
    assert T.randint(0, 4, (3,), out=out) is out and tuple(out.shape) == (3,)
    assert T.randperm(3, out=out) is out and sorted(out.tolist()) == [0, 1, 2]


def test_determined_values_match_torch():
    check(lambda T: T.randint(2, 3, (4,)))
    check(lambda T: T.zeros(3, dtype=T.bool).random_(1))
    check(lambda T: T.zeros(3, dtype=T.int64).random_(0, 1))
    check(lambda T: T.randperm(1))
    check(lambda T: T.randperm(0, dtype=T.float32))


# ------------------------------------------------------------------ *_like

LIKE_CASES = [
    lambda T: T.rand_like(T.zeros(2, 3)), lambda T: T.rand_like(T.zeros(2), dtype=T.float64),
    lambda T: T.randn_like(T.zeros(2, 3, dtype=T.float64)),
    lambda T: T.randint_like(T.zeros(2), 5), lambda T: T.randint_like(T.zeros(2), 2, 5),
    lambda T: T.randint_like(T.zeros(2), low=2, high=5),
    lambda T: T.randint_like(T.zeros(2, dtype=T.int32), 5),
    lambda T: T.randint_like(T.zeros(2), 5, dtype=T.int64),
    lambda T: T.rand_like(T.zeros(2, requires_grad=True)),
    lambda T: T.rand_like(T.zeros(2), requires_grad=True),
    lambda T: T.randn_like(T.zeros(0, 3)),
]


@pytest.mark.parametrize("i", range(len(LIKE_CASES)))
def test_like_meta(i):
    check(lambda T: meta(LIKE_CASES[i](T)))


def test_like_keeps_layout():
    check(lambda T: T.rand_like(T.zeros(2, 3).t()).stride())
    check(lambda T: T.randn_like(T.zeros(4, 6)[:, ::2]).stride())


@pytest.mark.parametrize("fn,exc", [
    (lambda T: T.rand_like(T.zeros(2, dtype=T.int64)), RuntimeError),
    (lambda T: T.randn_like(T.zeros(2, dtype=T.int32)), RuntimeError),
    (lambda T: T.randn_like(T.zeros(2), generator=T.default_generator), TypeError),
    (lambda T: T.randint_like(T.zeros(2), 5, 2), RuntimeError),
    (lambda T: T.rand_like([1.0]), TypeError),
])
def test_like_errors(fn, exc):
    ozr()
    check(fn, raises=exc)


# ------------------------------------------------------------ normal / bernoulli / multinomial

NORMAL_CASES = [
    lambda T: T.normal(2.0, 3.0, size=(2,)), lambda T: T.normal(2.0, 3.0, (2,)),
    lambda T: T.normal(0, 1, (2,)), lambda T: T.normal(0.0, 1.0, (3,), dtype=T.float64),
    lambda T: T.normal(0.0, 1.0, (3,), requires_grad=True),
    lambda T: T.normal(T.zeros(3), 1.0), lambda T: T.normal(0.0, T.ones(3)),
    lambda T: T.normal(T.zeros(3), T.ones(2, 3)),
    lambda T: T.normal(T.zeros(3, dtype=T.float64), T.ones(3)),
    lambda T: T.normal(T.zeros(3), T.ones(3, dtype=T.float64)),
    lambda T: T.normal(1.0, T.ones(3, dtype=T.float64)),
    lambda T: T.normal(T.zeros(3), T.ones(3, dtype=T.int64)),
    lambda T: T.normal(T.zeros(3), T.ones(3), out=T.zeros(3, dtype=T.float64)),
    lambda T: T.normal(T.zeros(3), T.ones(3, 1), out=T.zeros(9)),
    lambda T: T.normal(T.tensor(0.0), T.tensor(1.0)),
    lambda T: T.normal(mean=T.zeros(3), std=1.0), lambda T: T.normal(mean=0.0, std=T.ones(3)),
    lambda T: T.normal(mean=T.zeros(3)), lambda T: T.normal(T.zeros(3)),
    lambda T: T.normal(T.zeros(2, 0), 1.0),
    lambda T: T.normal(T.zeros(3), 1.0, out=T.zeros(2, 3)),
    lambda T: T.normal(T.zeros(3), 1.0, out=T.zeros(3, 1)),
    lambda T: T.normal(T.zeros(3), 1.0, out=T.zeros(1)),
    lambda T: T.normal(1.0, T.ones(3), out=T.zeros(2, 3)),
    lambda T: T.normal(T.zeros(3), T.ones(3), out=T.zeros(4)),
]


@pytest.mark.parametrize("i", range(len(NORMAL_CASES)))
@pytest.mark.filterwarnings("ignore:An output with one or more elements was resized")
def test_normal_meta(i):
    check(lambda T: meta(NORMAL_CASES[i](T)))


@pytest.mark.parametrize("fn,exc", [
    (lambda T: T.normal(T.zeros(3), T.ones(4)), RuntimeError),
    (lambda T: T.normal(T.zeros(3), -1.0), RuntimeError),
    (lambda T: T.normal(T.zeros(3), float("nan")), RuntimeError),
    (lambda T: T.normal(T.zeros(3), -T.ones(3)), RuntimeError),
    (lambda T: T.normal(T.zeros(3), T.tensor([1.0, float("nan"), 1.0])), RuntimeError),
    (lambda T: T.normal(T.zeros(3, dtype=T.int64), 1.0), RuntimeError),
    (lambda T: T.normal(0.0, 1.0, (3,), dtype=T.int64), RuntimeError),
    (lambda T: T.normal(T.zeros(3), 1.0, out=T.zeros(5)), RuntimeError),
    (lambda T: T.normal(T.zeros(3), 1.0, out=T.zeros(0)), RuntimeError),
    (lambda T: T.normal(2.0, 3.0), TypeError),
    (lambda T: T.normal(T.zeros(3), "a"), TypeError),
])
def test_normal_errors(fn, exc):
    check(fn, raises=exc)


def test_normal_determined_values():
    check(lambda T: T.normal(T.tensor([1.0, -2.0]), 0.0))
    check(lambda T: T.normal(T.tensor([[1.0], [2.0]]), T.zeros(3)))
    check(lambda T: T.normal(3.0, T.zeros(2)))
    check(lambda T: T.normal(float("nan"), T.ones(2)))


BERNOULLI_CASES = [
    lambda T: T.bernoulli(T.full((3,), 0.5)), lambda T: T.bernoulli(T.full((3,), 0.5), 0.3),
    lambda T: T.bernoulli(T.full((3,), 0.5), p=0.3),
    lambda T: T.bernoulli(T.zeros(3, dtype=T.float64)),
    lambda T: T.bernoulli(T.zeros(3), out=T.zeros(3, dtype=T.int64)),
    lambda T: T.bernoulli(T.zeros(3), out=T.zeros(4)),
    lambda T: T.bernoulli(T.zeros(3, dtype=T.int64), 0.5),
    lambda T: T.zeros(3).bernoulli(0.5), lambda T: T.zeros(3).bernoulli(p=0.5),
    lambda T: T.zeros(3).bernoulli(), lambda T: T.zeros(2, 3).t().bernoulli(),
]


@pytest.mark.parametrize("i", range(len(BERNOULLI_CASES)))
def test_bernoulli_meta(i):
    check(lambda T: meta(BERNOULLI_CASES[i](T)))


def test_bernoulli_determined_values():
    check(lambda T: T.bernoulli(T.tensor([0.0, 1.0, 1.0, 0.0])))
    check(lambda T: T.bernoulli(T.tensor([[0.0, 1.0]], dtype=T.float64).t()))
    check(lambda T: T.zeros(3, dtype=T.int64).bernoulli_(T.ones(3)))
    check(lambda T: T.zeros(2, 3).bernoulli_(T.tensor([1.0, 0.0, 1.0])))
    check(lambda T: T.zeros(3, dtype=T.bool).bernoulli_(T.ones(3)))
    check(lambda T: T.ones(3).bernoulli_(0.0))
    check(lambda T: T.zeros(3, dtype=T.uint8).bernoulli_(1.0))


@pytest.mark.parametrize("fn,exc", [
    (lambda T: T.bernoulli(T.full((3,), 1.5)), RuntimeError),
    (lambda T: T.bernoulli(T.tensor([0.5, float("nan")])), RuntimeError),
    (lambda T: T.bernoulli(T.ones(3, dtype=T.int64)), RuntimeError),
    (lambda T: T.zeros(3).bernoulli_(1.5), RuntimeError),
    (lambda T: T.zeros(3).bernoulli_(float("nan")), RuntimeError),
    (lambda T: T.zeros(3).bernoulli_(T.tensor([0.5, 2.0, 0.0])), RuntimeError),
    (lambda T: T.zeros(3).bernoulli_(T.tensor([1, 1, 0])), RuntimeError),
    (lambda T: T.zeros(3).bernoulli_(T.tensor([True, False, True])), RuntimeError),
    (lambda T: T.zeros(3).bernoulli_(T.ones(2)), RuntimeError),
    (lambda T: T.zeros(3).bernoulli_(T.ones(2, 3)), RuntimeError),
    (lambda T: T.zeros(3).bernoulli(T.ones(3)), TypeError),
    (lambda T: T.bernoulli([0.5]), TypeError),
])
def test_bernoulli_errors(fn, exc):
    check(fn, raises=exc)


MULTINOMIAL_CASES = [
    lambda T: T.multinomial(T.tensor([1.0, 2.0]), 3, True),
    lambda T: T.multinomial(T.tensor([[1.0, 0.0, 0.0]]), 1),
    lambda T: T.multinomial(T.tensor([0.2, 0.8], dtype=T.float64), 2),
    lambda T: T.multinomial(T.zeros(0, 3), 1),
    lambda T: T.multinomial(T.tensor([1.0, 2.0, 3.0]).t(), 3),
    lambda T: T.multinomial(T.ones(4, 5).t(), 2, replacement=True),
    lambda T: T.tensor([0.2, 0.8]).multinomial(2),
    lambda T: T.tensor([0.2, 0.8]).multinomial(num_samples=2, replacement=True),
    lambda T: T.multinomial(T.tensor([0.2, 0.8]), 2, out=T.zeros(5, dtype=T.int64)),
]


@pytest.mark.parametrize("i", range(len(MULTINOMIAL_CASES)))
def test_multinomial_meta(i):
    check(lambda T: meta(MULTINOMIAL_CASES[i](T)))


def test_multinomial_determined_values():
    check(lambda T: T.multinomial(T.tensor([1.0, 0.0, 0.0]), 2))
    check(lambda T: T.multinomial(T.tensor([1.0, 0.0, 0.0]), 3))
    check(lambda T: T.multinomial(T.tensor([[0.0, 5.0], [3.0, 0.0]]), 4, True))


@pytest.mark.parametrize("fn,exc", [
    (lambda T: T.multinomial(T.tensor([1.0, 2.0]), 3), RuntimeError),
    (lambda T: T.multinomial(T.tensor([1.0, 2.0]), 0, True), RuntimeError),
    (lambda T: T.multinomial(T.tensor([1.0, -2.0]), 1, True), RuntimeError),
    (lambda T: T.multinomial(T.tensor([0.0, 0.0]), 1, True), RuntimeError),
    (lambda T: T.multinomial(T.tensor([0.0, 0.0, 0.0]), 3), RuntimeError),
    (lambda T: T.multinomial(T.tensor([[[1.0, 0.0]]]), 1), RuntimeError),
    (lambda T: T.multinomial(T.tensor(1.0), 1), RuntimeError),
    (lambda T: T.multinomial(T.tensor([1, 2]), 1), RuntimeError),
    (lambda T: T.multinomial(T.tensor([1.0, float("nan")]), 1), RuntimeError),
    (lambda T: T.multinomial(T.tensor([1.0, float("inf")]), 1), RuntimeError),
    (lambda T: T.multinomial(T.zeros(2, 0), 1), RuntimeError),
    (lambda T: T.multinomial(T.zeros(2, 0), 1, True), RuntimeError),
    (lambda T: T.multinomial(T.tensor([[1.0, 0.0], [0.0, 0.0]]), 1, True), RuntimeError),
    (lambda T: T.multinomial(T.tensor([0.2, 0.8]), 2, out=T.zeros(2, dtype=T.int32)),
     RuntimeError),
    (lambda T: T.multinomial(T.tensor([0.2, 0.8]), 2.0), TypeError),
])
def test_multinomial_errors(fn, exc):
    check(fn, raises=exc)


# ------------------------------------------------------------------ in-place samplers

INPLACE_CASES = ["uniform_()", "uniform_(-1, 1)", "uniform_(1, to=2)", "normal_()",
                 "normal_(2, 3)", "normal_(mean=1, std=0.5)", "random_()", "random_(5)",
                 "random_(1, 3)", "random_(to=3)", "random_(1, to=3)", "random_(5, None)",
                 "bernoulli_()", "bernoulli_(0.3)", "bernoulli_(p=0.3)", "exponential_()",
                 "exponential_(lambd=2)", "geometric_(0.5)", "cauchy_()", "cauchy_(1, 2)",
                 "log_normal_()", "log_normal_(0, 0.5)"]


@pytest.mark.parametrize("call", INPLACE_CASES)
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_inplace_returns_self(call, dtype):
    T = oz()
    x = T.zeros(2, 3, dtype=getattr(T, dtype))
    assert eval("x." + call) is x
    check(lambda T: meta(eval("T.zeros(2, 3, dtype=T.%s).%s" % (dtype, call), {"T": T})))


@pytest.mark.parametrize("call,dtype", [("random_()", d) for d in
                                        ["int64", "int32", "int16", "int8", "uint8", "bool"]] +
                         [("random_(0, 2)", "bool"), ("bernoulli_(0.5)", "int64"),
                          ("bernoulli_(0.5)", "bool"), ("geometric_(0.5)", "int64"),
                          ("geometric_(0.5)", "uint8"), ("random_(-5, 5)", "int8")])
def test_inplace_integral_dtypes(call, dtype):
    check(lambda T: meta(eval("T.zeros(4, dtype=T.%s).%s" % (dtype, call), {"T": T})))


def test_inplace_determined_values():
    check(lambda T: T.zeros(3).uniform_(1, 1))
    check(lambda T: T.zeros(3).normal_(mean=1, std=0))
    check(lambda T: T.zeros(3).normal_(float("nan"), 1))
    check(lambda T: T.zeros(3).exponential_(0))
    check(lambda T: T.zeros(0).uniform_())


@pytest.mark.parametrize("fn,exc", [
    (lambda T: T.zeros(3).uniform_(2, 1), RuntimeError),
    (lambda T: T.zeros(0).uniform_(2, 1), RuntimeError),
    (lambda T: T.zeros(3, dtype=T.int64).uniform_(), RuntimeError),
    (lambda T: T.zeros(3).uniform_(float("-inf"), 1), RuntimeError),
    (lambda T: T.zeros(3).uniform_(0, float("inf")), RuntimeError),
    (lambda T: T.zeros(3).uniform_(float("nan"), 1), RuntimeError),
    (lambda T: T.zeros(3).uniform_(-3.4e38, 3.4e38), RuntimeError),
    (lambda T: T.zeros(3).uniform_(from_=1, to=1), TypeError),
    (lambda T: T.zeros(3, dtype=T.int64).normal_(), RuntimeError),
    (lambda T: T.zeros(3).normal_(0, -1), RuntimeError),
    (lambda T: T.zeros(0).normal_(0, -1), RuntimeError),
    (lambda T: T.zeros(3).normal_(0, float("nan")), RuntimeError),
    (lambda T: T.zeros(3).exponential_(-1), RuntimeError),
    (lambda T: T.zeros(3).exponential_(float("nan")), RuntimeError),
    (lambda T: T.zeros(3, dtype=T.int64).exponential_(), RuntimeError),
    (lambda T: T.zeros(3).geometric_(0), RuntimeError),
    (lambda T: T.zeros(3).geometric_(1), RuntimeError),
    (lambda T: T.zeros(3).geometric_(1.5), RuntimeError),
    (lambda T: T.zeros(3).geometric_(), TypeError),
    (lambda T: T.zeros(3, dtype=T.bool).geometric_(0.5), RuntimeError),
    (lambda T: T.zeros(3, dtype=T.int64).cauchy_(), RuntimeError),
    (lambda T: T.zeros(3).log_normal_(0, 0), RuntimeError),
    (lambda T: T.zeros(3).log_normal_(0, -1), RuntimeError),
    (lambda T: T.zeros(3, dtype=T.int64).log_normal_(), RuntimeError),
    (lambda T: T.zeros(3, dtype=T.uint8).random_(2, 1), RuntimeError),
    (lambda T: T.zeros(3, dtype=T.uint8).random_(300), RuntimeError),
    (lambda T: T.zeros(3, dtype=T.uint8).random_(-3, 300), RuntimeError),
    (lambda T: T.zeros(3, dtype=T.bool).random_(5), RuntimeError),
    (lambda T: T.zeros(3, dtype=T.float64).random_(-2 ** 62), RuntimeError),
    (lambda T: T.zeros(3, dtype=T.int64).random_(None), TypeError),
    (lambda T: T.zeros(3).random_(2.5), TypeError),
    (lambda T: T.zeros(3).uniform_("a"), TypeError),
    (lambda T: T.zeros(3, 1).expand(3, 3).uniform_(), RuntimeError),
    (lambda T: T.zeros(3, 1).expand(3, 3).normal_(), RuntimeError),
    (lambda T: T.zeros(3, 1).expand(3, 3).random_(), RuntimeError),
    (lambda T: T.zeros(3, 1).expand(3, 3).bernoulli_(0.5), RuntimeError),
])
def test_inplace_errors(fn, exc):
    check(fn, raises=exc)


def test_inplace_bumps_version():
    check(lambda T: T.zeros(3).uniform_()._version)
    check(lambda T: T.zeros(3).bernoulli_(T.ones(3))._version)


# ------------------------------------------------------------------ generators and seeds

def test_generator_api_matches_torch():
    ozr()
    check(lambda T: T.Generator().initial_seed())
    check(lambda T: T.Generator().manual_seed(5).initial_seed())
    check(lambda T: T.Generator().manual_seed(-1).initial_seed())
    check(lambda T: T.Generator(device="cpu").device)
    check(lambda T: T.Generator("cpu").device)
    check(lambda T: type(T.Generator().seed()).__name__)
    check(lambda T: (T.manual_seed(-1), T.initial_seed())[1])
    check(lambda T: (T.manual_seed(1.5), T.initial_seed())[1])
    check(lambda T: (T.manual_seed(2 ** 64 - 1), T.initial_seed())[1])
    check(lambda T: T.manual_seed(3).initial_seed())
    check(lambda T: type(T.seed()).__name__)
    check(lambda T: T.get_rng_state().dtype)
    check(lambda T: T.default_generator.device)
    check(lambda T: T.set_rng_state(T.get_rng_state()))
    check(lambda T: type(T.random.initial_seed()).__name__)
    T = oz()
    assert T.manual_seed(1) is T.default_generator
    g = T.Generator()
    assert g.manual_seed(2) is g and g.set_state(g.get_state()) is g
    assert isinstance(g, T.Generator)


@pytest.mark.parametrize("fn,exc", [
    (lambda T: T.manual_seed(2 ** 64), RuntimeError),
    (lambda T: T.manual_seed(-2 ** 63 - 1), RuntimeError),
    (lambda T: T.Generator().manual_seed(1.5), RuntimeError),
    (lambda T: T.Generator().set_state(T.zeros(3, dtype=T.uint8)), RuntimeError),
    (lambda T: T.Generator().set_state(T.zeros(16)), TypeError),
    (lambda T: T.Generator().set_state([1, 2]), TypeError),
    (lambda T: T.set_rng_state(T.zeros(16)), TypeError),
    (lambda T: T.Generator("xyz"), RuntimeError),
    (lambda T: T.rand(2, generator="g"), TypeError),
])
def test_generator_errors(fn, exc):
    ozr()
    check(fn, raises=exc)


# ------------------------------------------------------------------ autograd

def grad_fn_name(t):
    return None if t.grad_fn is None else t.grad_fn.name()


def test_grad_fn_names():
    check(lambda T: grad_fn_name(T.normal(T.zeros(3, requires_grad=True), 1.0)))
    check(lambda T: grad_fn_name(T.normal(1.0, T.ones(3, requires_grad=True))))
    check(lambda T: grad_fn_name(T.normal(T.zeros(3, requires_grad=True), T.ones(3))))
    check(lambda T: grad_fn_name(T.bernoulli(T.full((3,), 0.5, requires_grad=True))))
    check(lambda T: grad_fn_name(T.bernoulli(T.full((3,), 0.5, requires_grad=True), 0.3)))
    check(lambda T: T.bernoulli(T.full((3,), 0.5, requires_grad=True), 0.3).requires_grad)
    check(lambda T: T.rand_like(T.zeros(3, requires_grad=True)).requires_grad)
    for call in ["uniform_()", "normal_()", "random_()", "random_(5)", "random_(1, 5)",
                 "bernoulli_(0.5)", "exponential_()", "geometric_(0.5)", "cauchy_()",
                 "log_normal_()"]:
        check(lambda T: grad_fn_name(eval("(T.zeros(3, requires_grad=True) * 1).%s" % call,
                                          {"T": T})))
    check(lambda T: grad_fn_name((T.zeros(3, requires_grad=True) * 1).bernoulli_(
        T.full((3,), 0.5, requires_grad=True))))


def test_gradients_are_zero_like_torch():
    def normal_grads(T):
        m = T.tensor([0.5, -1.0, 2.0], dtype=T.float64, requires_grad=True)
        s = T.tensor([[1.0], [2.0]], dtype=T.float64, requires_grad=True)
        y = T.normal(m, s)
        return T.autograd.grad((y * y).sum(), [m, s])
    check(normal_grads)

    def inplace_grads(T):
        m = T.tensor([0.5, -1.0, 2.0], dtype=T.float64, requires_grad=True)
        p = T.tensor([0.2, 0.4, 0.6], dtype=T.float64, requires_grad=True)
        y = (m * 3).uniform_()
        z = (m * 2).bernoulli_(p)
        return T.autograd.grad((y * y).sum() + (z * 3).sum(), [m, p])
    check(inplace_grads)

    def bernoulli_grads(T):
        p = T.tensor([0.2, 0.4], requires_grad=True)
        return T.autograd.grad(T.bernoulli(p).sum(), [p])
    check(bernoulli_grads)


@pytest.mark.parametrize("fn,exc", [
    (lambda T: T.zeros(3, requires_grad=True).uniform_(), RuntimeError),
    (lambda T: T.zeros(3, requires_grad=True).normal_(), RuntimeError),
    (lambda T: T.zeros(3, requires_grad=True).bernoulli_(0.5), RuntimeError),
    (lambda T: T.normal(T.zeros(3, requires_grad=True), 1.0, out=T.zeros(3)), RuntimeError),
    (lambda T: T.bernoulli(T.full((3,), 0.5, requires_grad=True), out=T.zeros(3)),
     RuntimeError),
])
def test_autograd_errors(fn, exc):
    check(fn, raises=exc)


def test_init_under_no_grad():
    """nn.init's pattern: a leaf parameter overwritten in place under no_grad."""
    def init(T):
        w = T.zeros(4, 3, requires_grad=True)
        with T.no_grad():
            w.uniform_(-0.5, 0.5)
            w.normal_(0, 0.01)
        return (w.requires_grad, w.is_leaf, w.grad_fn is None, w.shape, w._version)
    check(init)


def test_requires_grad_factories_are_leaves():
    check(lambda T: (lambda t: (t.is_leaf, t.requires_grad, t.grad_fn is None))(
        T.randn(2, 2, requires_grad=True)))
    check(lambda T: (lambda t: (t.is_leaf, t.requires_grad))(
        T.normal(0.0, 1.0, (2,), requires_grad=True)))


def test_nan_std_message_mentions_nan():
    T = oz()
    with pytest.raises(RuntimeError, match="nan"):
        T.zeros(2).normal_(0, math.nan)
    assert torch.__version__  # the oracle is loaded alongside


# ------------------------------------------------------------------ leaks

def every_random_op(T, G):
    """One call of every binding of this family, successful and failing, with autograd."""
    g = G().manual_seed(1)
    m = T.zeros(3, requires_grad=True)
    p = T.full((3,), 0.5)
    T.rand(2, 3, generator=g), T.randn(4, out=T.empty(2)), T.randint(0, 5, (3,))
    T.randperm(5), T.rand_like(p), T.randn_like(p), T.randint_like(p, 3)
    T.normal(m, 1.0).sum().backward()
    T.normal(0.0, T.ones(2)), T.normal(m, T.ones(2, 1)), T.normal(0.0, 1.0, (2,))
    T.bernoulli(p), T.bernoulli(p, 0.2), p.bernoulli(), T.multinomial(p, 2)
    T.multinomial(p.expand(2, 3), 4, True), p.multinomial(1)
    y = m * 2
    y.uniform_().normal_().random_(0, 4).bernoulli_(p).exponential_().geometric_(0.3)
    y.cauchy_().log_normal_().bernoulli_(0.5)
    y.sum().backward()
    T.linspace(0, 1, 4), T.logspace(0, 1, 3), T.eye(3, 2), T.empty_strided((2, 2), (1, 2))
    T.get_rng_state(), T.set_rng_state(g.get_state())
    for bad in (lambda: T.rand(2, dtype=T.int64), lambda: T.normal(m, -1.0),
                lambda: T.normal(T.zeros(3), -T.ones(3)), lambda: T.bernoulli(p * 3),
                lambda: T.multinomial(-p, 1), lambda: T.multinomial(p, 5),
                lambda: m.uniform_(), lambda: T.randint(5, 2, (2,)),
                lambda: T.zeros(2).bernoulli_(T.ones(3)), lambda: T.linspace(0, 1, -1),
                lambda: T.eye(-1), lambda: T.empty_strided((2,), (-1,)),
                lambda: T.normal(T.zeros(3), 1.0, out=T.zeros(4)),
                lambda: T.randperm(300, dtype=T.uint8), lambda: T.rand(2, generator=1)):
        try:
            bad()
        except (RuntimeError, TypeError):
            pass


def test_random_ops_do_not_leak():
    import gc
    T = ozr()
    every_random_op(T, T.Generator)  # warm up
    gc.collect()
    before, bytes_before = T._C._live_tensors(), T._C._host_bytes_in_use()
    for _ in range(200):
        every_random_op(T, T.Generator)
    gc.collect()
    assert T._C._live_tensors() == before
    assert T._C._host_bytes_in_use() == bytes_before
