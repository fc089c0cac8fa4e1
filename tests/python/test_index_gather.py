"""Gather/scatter-like ops against torch: index_select, gather, scatter (src, value, reduce),
scatter_add, index_add (alpha), index_fill, masked_fill, masked_select, nonzero, take, put;
functions, methods, in-place forms and out=, over dtypes, layouts, 0-d and empty tensors,
out-of-range indices and the exceptions torch raises."""
import pytest

from conftest import DTYPES, LAYOUTS, check, mk, mk_layout, oz, sample


def idx(T, data):
    return T.tensor(data, dtype=T.int64)


# ------------------------------------------------------------------ index_select

@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("dtype", DTYPES)
def test_index_select(dtype, layout):
    a = sample((3, 4), dtype, seed=1)
    check(lambda T: T.index_select(mk_layout(T, a, dtype, layout), 0, idx(T, [2, 0, 2])))
    check(lambda T: mk_layout(T, a, dtype, layout).index_select(1, idx(T, [3, 1])))
    check(lambda T: mk_layout(T, a, dtype, layout).index_select(-1, T.tensor([0, 0], dtype=T.int32)))


def test_index_select_edge_cases():
    check(lambda T: T.arange(4.0).index_select(0, idx(T, 2)))
    check(lambda T: T.tensor(5.0).index_select(0, idx(T, [0])))
    check(lambda T: T.ones(2, 3).index_select(1, idx(T, [])))
    check(lambda T: T.ones(0, 3).index_select(1, idx(T, [1, 2])))

    def out(T):
        o = T.zeros(0)
        r = T.index_select(T.arange(6.0).reshape(2, 3), 1, idx(T, [1]), out=o)
        return r is o, o
    check(out)


@pytest.mark.parametrize("case,exc", [
    (lambda T: T.ones(3).index_select(0, idx(T, [3])), IndexError),
    (lambda T: T.ones(3).index_select(0, idx(T, [-1])), IndexError),
    (lambda T: T.ones(2, 3).index_select(0, idx(T, [2])), IndexError),
    (lambda T: T.ones(2, 3).index_select(1, idx(T, [5])), RuntimeError),
    (lambda T: T.ones(2, 3).index_select(1, idx(T, [[1]])), IndexError),
    (lambda T: T.ones(2, 3).index_select(1, T.tensor([1.0])), RuntimeError),
    (lambda T: T.ones(2, 3).index_select(2, idx(T, [1])), IndexError),
    (lambda T: T.ones(2, 0).index_select(1, idx(T, [1])), RuntimeError),
    (lambda T: T.ones(2, 3).index_select(1, [1]), TypeError),
], ids=range(9))
def test_index_select_errors(case, exc):
    check(case, raises=exc)


# ------------------------------------------------------------------ gather

@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("dtype", DTYPES)
def test_gather(dtype, layout):
    a = sample((3, 4), dtype, seed=2)
    check(lambda T: T.gather(mk_layout(T, a, dtype, layout), 1, idx(T, [[3, 0], [1, 1], [0, 2]])))
    check(lambda T: mk_layout(T, a, dtype, layout).gather(0, idx(T, [[2, 0, 1, 1]])))
    check(lambda T: mk_layout(T, a, dtype, layout).gather(0, idx(T, [[2], [0], [1], [1], [0]])))


def test_gather_edge_cases():
    check(lambda T: T.tensor(5.0).gather(0, idx(T, 0)))
    check(lambda T: T.tensor(5.0).gather(0, idx(T, [0, 0])))
    check(lambda T: T.tensor([5.0]).gather(0, idx(T, 0)))
    check(lambda T: T.ones(2, 3).gather(1, T.zeros(2, 0, dtype=T.int64)))
    check(lambda T: T.ones(2, 3).gather(1, T.zeros(0, dtype=T.int32)))   # empty: no dtype check
    check(lambda T: T.arange(24.0).reshape(2, 3, 4).gather(-1, idx(T, [[[3, 2, 1]]])))
    check(lambda T: T.arange(6.0).reshape(2, 3).gather(1, idx(T, [[2, 0], [1, 1]]).t()))

    def out(T):
        o = T.zeros(0)
        r = T.gather(T.arange(6.0).reshape(2, 3), 1, idx(T, [[1, 2]]), out=o)
        return r is o, o
    check(out)


@pytest.mark.parametrize("case,exc", [
    (lambda T: T.ones(2, 3).gather(1, idx(T, [[3]])), RuntimeError),
    (lambda T: T.ones(2, 3).gather(1, idx(T, [[-1]])), RuntimeError),
    (lambda T: T.ones(2, 3).gather(1, T.tensor([[1]], dtype=T.int32)), RuntimeError),
    (lambda T: T.ones(2, 3).gather(1, idx(T, [1])), RuntimeError),
    (lambda T: T.ones(2, 3).gather(0, idx(T, [[0, 0, 0, 0]])), RuntimeError),
    (lambda T: T.ones(2, 3).gather(2, idx(T, [[0]])), IndexError),
], ids=range(6))
def test_gather_errors(case, exc):
    check(case, raises=exc)


# ------------------------------------------------------------------ scatter, scatter_add

@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("dtype", DTYPES)
def test_scatter(dtype, layout):
    a, s = sample((3, 4), dtype, seed=3), sample((2, 4), dtype, seed=4)
    i = [[2, 0, 1, 2], [0, 1, 2, 0]]  # no duplicate target per column
    check(lambda T: mk_layout(T, a, dtype, layout).scatter(0, idx(T, i), mk(T, s, dtype)))
    check(lambda T: T.scatter(mk_layout(T, a, dtype, layout), 1, idx(T, [[3], [0]]),
                              mk(T, s, dtype)))
    value = True if dtype == "bool" else 3
    check(lambda T: mk_layout(T, a, dtype, layout).scatter(0, idx(T, i), value))

    def inplace(T):
        x = mk_layout(T, a, dtype, layout)
        r = x.scatter_(1, idx(T, [[1, 2], [3, 3]]), mk(T, s, dtype))
        return r is x, x
    check(inplace)


@pytest.mark.parametrize("reduce", ["add", "multiply"])
@pytest.mark.parametrize("dtype", ["float32", "float64", "int64", "uint8", "bool"])
def test_scatter_reduce(dtype, reduce):
    a, s = sample((3, 4), dtype, seed=5), sample((3, 4), dtype, seed=6)
    i = [[2, 0, 2, 2], [2, 2, 2, 0], [1, 1, 1, 1]]  # duplicates accumulate
    check(lambda T: mk(T, a, dtype).scatter(0, idx(T, i), mk(T, s, dtype), reduce=reduce))
    check(lambda T: mk(T, a, dtype).scatter_(0, idx(T, i), 2, reduce=reduce))


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("dtype", DTYPES)
def test_scatter_add(dtype, layout):
    a, s = sample((3, 4), dtype, seed=7), sample((3, 4), dtype, seed=8)
    i = [[2, 0, 2, 2], [2, 2, 2, 0], [1, 1, 1, 1]]
    check(lambda T: T.scatter_add(mk_layout(T, a, dtype, layout), 0, idx(T, i), mk(T, s, dtype)))
    check(lambda T: mk_layout(T, a, dtype, layout).scatter_add_(1, idx(T, [[0, 0, 0]]),
                                                                mk(T, s, dtype)))


def test_scatter_edge_cases():
    check(lambda T: T.tensor(5.0).scatter(0, idx(T, 0), 3.0))
    check(lambda T: T.tensor(5.0).scatter(0, idx(T, [0]), T.tensor([2.0])))
    check(lambda T: T.ones(2, 3).scatter(0, T.zeros(0, dtype=T.int64), T.ones(1, 4)))
    check(lambda T: T.scatter(T.zeros(2, 3), 1, idx(T, [[0, 2]]), value=1.5))
    check(lambda T: T.zeros(3, dtype=T.int8).scatter(0, idx(T, [1]), 2.7))
    check(lambda T: T.zeros(3, dtype=T.uint8).scatter(0, idx(T, [1]), -1))

    def out(T):
        o = T.zeros(0)
        r = T.scatter(T.zeros(2, 2), 0, idx(T, [[1, 0]]), T.ones(1, 2), out=o)
        return r is o, o
    check(out)


@pytest.mark.parametrize("case,exc", [
    (lambda T: T.ones(2, 3).scatter(1, idx(T, [[3]]), 1.0), RuntimeError),
    (lambda T: T.ones(2, 3).scatter(1, idx(T, [[-1]]), 1.0), RuntimeError),
    (lambda T: T.ones(2, 3).scatter(0, idx(T, [[1]]), T.ones(1, 1, dtype=T.float64)), RuntimeError),
    (lambda T: T.ones(2, 3).scatter(0, T.tensor([[1]], dtype=T.int32), T.ones(1, 1)), RuntimeError),
    (lambda T: T.ones(2, 3).scatter(0, idx(T, [[1, 0, 1]]), T.ones(1, 2)), RuntimeError),
    (lambda T: T.ones(2, 3).scatter(0, idx(T, [1, 0]), T.ones(1, 2)), RuntimeError),
    (lambda T: T.ones(2, 3).scatter(0, idx(T, [[0, 0, 0, 0]]), T.ones(1, 4)), RuntimeError),
    (lambda T: T.ones(2, 3).scatter(0, idx(T, [[1]]), 1.0, reduce="mean"), RuntimeError),
    (lambda T: T.ones(2, 3).scatter(2, idx(T, [[1]]), 1.0), IndexError),
    (lambda T: T.zeros(3, dtype=T.int8).scatter(0, idx(T, [1]), 1000), RuntimeError),
    (lambda T: T.ones(2, 3).scatter_add(1, idx(T, [[3]]), T.ones(1, 1)), RuntimeError),
    (lambda T: T.ones(2, 3).scatter_add(1, idx(T, [[0]]), T.ones(1, 1, dtype=T.int64)),
     RuntimeError),
    (lambda T: (lambda x: x.scatter_(1, idx(T, [[0]]), x))(T.ones(2, 3)), RuntimeError),
], ids=range(13))
def test_scatter_errors(case, exc):
    check(case, raises=exc)


# ------------------------------------------------------------------ index_add, index_fill

@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("dtype", ["float32", "float64", "int64", "int32", "int16", "int8", "uint8"])
def test_index_add(dtype, layout):
    a, s = sample((3, 4), dtype, seed=9), sample((3, 3), dtype, seed=10)
    s0 = sample((2, 4), dtype, seed=11)
    check(lambda T: T.index_add(mk_layout(T, a, dtype, layout), 1, idx(T, [3, 0, 3]),
                                mk(T, s, dtype)))
    check(lambda T: mk_layout(T, a, dtype, layout).index_add(0, idx(T, [2, 2]), mk(T, s0, dtype),
                                                             alpha=2))
    check(lambda T: mk_layout(T, a, dtype, layout).index_add_(
        0, T.tensor([1, 0], dtype=T.int32), mk(T, s0, dtype)))


def test_index_add_edge_cases():
    check(lambda T: T.zeros(3).index_add(0, idx(T, [0, 0]), T.ones(2), alpha=-1.5))
    check(lambda T: T.zeros(3).index_add(0, idx(T, 1), T.tensor(2.0)))
    check(lambda T: T.tensor(1.0).index_add(0, idx(T, 0), T.tensor(2.0)))
    check(lambda T: T.zeros(2, 3).index_add(1, idx(T, []), T.ones(2, 0)))
    check(lambda T: T.zeros(3, dtype=T.bool).index_add(0, idx(T, [1]), T.ones(1, dtype=T.bool)))
    check(lambda T: T.zeros(3, dtype=T.int64).index_add(0, idx(T, [1]), T.ones(1, dtype=T.int64),
                                                        alpha=0.5))


@pytest.mark.parametrize("case,exc", [
    (lambda T: T.zeros(2, 3).index_add(1, idx(T, [0, 1]), T.ones(2, 3)), RuntimeError),
    (lambda T: T.zeros(2, 3).index_add(1, idx(T, [0, 1]), T.ones(3, 2)), RuntimeError),
    (lambda T: T.zeros(2, 3).index_add(1, idx(T, [0, 1]), T.ones(2, 2, dtype=T.float64)),
     RuntimeError),
    (lambda T: T.zeros(2, 3).index_add(1, T.tensor([0.0, 1.0]), T.ones(2, 2)), RuntimeError),
    (lambda T: T.zeros(2, 3).index_add(1, idx(T, [[0, 1]]), T.ones(2, 2)), IndexError),
    (lambda T: T.zeros(2, 3).index_add(1, idx(T, [0, 5]), T.ones(2, 2)), IndexError),
    (lambda T: T.zeros(3).index_add(0, idx(T, [-1]), T.ones(1)), IndexError),
    (lambda T: T.zeros(2, 3).index_add(1, idx(T, [0, 1]), T.ones(2)), RuntimeError),
], ids=range(8))
def test_index_add_errors(case, exc):
    check(case, raises=exc)


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("dtype", DTYPES)
def test_index_fill(dtype, layout):
    a = sample((3, 4), dtype, seed=12)
    value = False if dtype == "bool" else 2
    check(lambda T: T.index_fill(mk_layout(T, a, dtype, layout), 1, idx(T, [3, 0, -1]), value))
    check(lambda T: mk_layout(T, a, dtype, layout).index_fill(0, idx(T, 1), T.tensor(value)))

    def inplace(T):
        x = mk_layout(T, a, dtype, layout)
        r = x.index_fill_(0, idx(T, [0, 2]), value)
        return r is x, x
    check(inplace)


@pytest.mark.parametrize("case,exc", [
    (lambda T: T.zeros(2, 3).index_fill(1, idx(T, [3]), 1), IndexError),
    (lambda T: T.zeros(2, 3).index_fill(1, idx(T, [-4]), 1), IndexError),
    (lambda T: T.zeros(2, 3).index_fill(1, T.tensor([0], dtype=T.int32), 1), IndexError),
    (lambda T: T.zeros(2, 3).index_fill(1, idx(T, [[0]]), 1), RuntimeError),
    (lambda T: T.zeros(2, 3).index_fill(1, idx(T, [0]), T.ones(1)), RuntimeError),
    (lambda T: T.zeros(2, 3, dtype=T.int8).index_fill(1, idx(T, [0]), 300), RuntimeError),
], ids=range(6))
def test_index_fill_errors(case, exc):
    check(case, raises=exc)


# ------------------------------------------------------------------ masked_fill, masked_select

@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("dtype", DTYPES)
def test_masked_fill(dtype, layout):
    a, m = sample((3, 4), dtype, seed=13), sample((3, 4), "bool", seed=14)
    value = True if dtype == "bool" else -3
    check(lambda T: T.masked_fill(mk_layout(T, a, dtype, layout), mk(T, m, "bool"), value))
    check(lambda T: mk_layout(T, a, dtype, layout).masked_fill(mk(T, m[0], "bool"), T.tensor(value)))

    def inplace(T):
        x = mk_layout(T, a, dtype, layout)
        r = x.masked_fill_(mk(T, m[:, :1], "bool"), value)
        return r is x, x
    check(inplace)


@pytest.mark.parametrize("case", [
    lambda T: T.zeros(3).masked_fill(T.ones(2, 3, dtype=T.bool), 1),      # broadcasts self
    lambda T: T.zeros(3).masked_fill(T.tensor([True, False, True]), T.tensor(2.5, dtype=T.float64)),
    lambda T: T.zeros(3, dtype=T.int8).masked_fill(T.ones(3, dtype=T.bool), 2.7),
    lambda T: T.zeros(3, dtype=T.uint8).masked_fill(T.ones(3, dtype=T.bool), -1),
    lambda T: T.zeros(3).masked_fill(T.ones(3, dtype=T.bool), float("inf")),
    lambda T: T.zeros(3).masked_fill(T.ones(3, dtype=T.bool), float("nan")),
    lambda T: T.zeros(3, dtype=T.bool).masked_fill(T.ones(3, dtype=T.bool), 2.5),
    lambda T: T.tensor(1.0).masked_fill(T.tensor(True), 0),
    lambda T: T.zeros(0, 3).masked_fill(T.ones(3, dtype=T.bool), 1),
], ids=range(9))
def test_masked_fill_edge_cases(case):
    check(case)


def test_uint8_masks_work_with_torchs_deprecation_warning():
    for fn in (lambda T: T.zeros(3).masked_fill(T.tensor([1, 0, 1], dtype=T.uint8), 1),
               lambda T: T.arange(3.0).masked_select(T.tensor([1, 0, 1], dtype=T.uint8))):
        with pytest.warns(UserWarning, match="uint8"):
            fn(oz())  # oztorch itself warns
        with pytest.warns(UserWarning, match="uint8"):
            check(fn)


@pytest.mark.parametrize("case,exc", [
    (lambda T: T.zeros(3).masked_fill_(T.ones(2, 3, dtype=T.bool), 1), RuntimeError),
    (lambda T: T.zeros(3).masked_fill(T.ones(4, dtype=T.bool), 1), RuntimeError),
    (lambda T: T.zeros(3).masked_fill(T.ones(3, dtype=T.bool), T.ones(1)), RuntimeError),
    (lambda T: T.zeros(3, dtype=T.int8).masked_fill(T.ones(3, dtype=T.bool), 1000), RuntimeError),
    (lambda T: T.zeros(3, dtype=T.int32).masked_fill(T.ones(3, dtype=T.bool), float("nan")),
     RuntimeError),
    (lambda T: T.zeros(3).masked_fill(T.ones(3, dtype=T.bool), 1e300), RuntimeError),
    (lambda T: T.zeros(3).masked_fill(T.ones(3, dtype=T.bool), "a"), TypeError),
], ids=range(7))
def test_masked_fill_errors(case, exc):
    check(case, raises=exc)


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("dtype", DTYPES)
def test_masked_select(dtype, layout):
    a, m = sample((3, 4), dtype, seed=15), sample((3, 4), "bool", seed=16)
    check(lambda T: T.masked_select(mk_layout(T, a, dtype, layout), mk(T, m, "bool")))
    check(lambda T: mk_layout(T, a, dtype, layout).masked_select(mk(T, m[1], "bool")))


def test_masked_select_edge_cases():
    check(lambda T: T.arange(3.0).masked_select(T.tensor([[True], [False]])))  # both broadcast
    check(lambda T: T.tensor(2.0).masked_select(T.tensor(True)))
    check(lambda T: T.tensor(2.0).masked_select(T.tensor(False)))
    check(lambda T: T.zeros(0, 2).masked_select(T.ones(2, dtype=T.bool)))
    check(lambda T: T.ones(3).masked_select(T.ones(3)), raises=RuntimeError)
    check(lambda T: T.ones(3).masked_select(T.ones(2, dtype=T.bool)), raises=RuntimeError)

    def out(T):
        o = T.zeros(0)
        r = T.masked_select(T.arange(4.0), T.tensor([True, False, True, True]), out=o)
        return r is o, o
    check(out)


# ------------------------------------------------------------------ nonzero

@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("dtype", DTYPES)
def test_nonzero(dtype, layout):
    a = sample((3, 4), dtype, seed=17)
    check(lambda T: T.nonzero(mk_layout(T, a, dtype, layout)))
    check(lambda T: mk_layout(T, a, dtype, layout).nonzero(as_tuple=True))
    check(lambda T: T.argwhere(mk_layout(T, a, dtype, layout)))


def test_nonzero_edge_cases():
    vals = [0.0, -0.0, float("nan"), float("inf"), 1e-40]
    check(lambda T: T.tensor(vals).nonzero())
    check(lambda T: T.tensor(vals, dtype=T.float64).nonzero(as_tuple=True))
    check(lambda T: T.tensor(3.0).nonzero())
    check(lambda T: T.tensor(0.0).nonzero())
    check(lambda T: T.tensor(3.0).nonzero(as_tuple=True))
    check(lambda T: T.tensor(0).nonzero(as_tuple=True))
    check(lambda T: T.zeros(2, 0).nonzero())
    check(lambda T: T.zeros(2, 3).nonzero(as_tuple=True))
    check(lambda T: T.arange(24).reshape(2, 3, 4).remainder(5).eq(0).nonzero()
          if hasattr(T.Tensor, "remainder") else T.arange(24).reshape(2, 3, 4).nonzero())

    def out(T):
        o = T.zeros(0, dtype=T.int64)
        r = T.nonzero(T.tensor([1, 0, 2]), out=o)
        return r is o, o
    check(out)


# ------------------------------------------------------------------ take, put

@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("dtype", DTYPES)
def test_take(dtype, layout):
    a = sample((3, 4), dtype, seed=18)
    check(lambda T: T.take(mk_layout(T, a, dtype, layout), idx(T, [[0, 11], [-1, 5]])))
    check(lambda T: mk_layout(T, a, dtype, layout).take(idx(T, 7)))


@pytest.mark.parametrize("accumulate", [False, True])
@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("dtype", ["float32", "float64", "int64", "int8", "uint8", "bool"])
def test_put(dtype, layout, accumulate):
    a, s = sample((3, 4), dtype, seed=19), sample((2, 2), dtype, seed=20)
    i = [[1, 6], [-1, 6]] if accumulate else [[1, 6], [-1, 3]]
    check(lambda T: mk_layout(T, a, dtype, layout).put(idx(T, i), mk(T, s, dtype), accumulate))

    def inplace(T):
        x = mk_layout(T, a, dtype, layout)
        r = x.put_(idx(T, i), mk(T, s, dtype).reshape(-1), accumulate=accumulate)
        return r is x, x
    check(inplace)


@pytest.mark.parametrize("case,exc", [
    (lambda T: T.ones(2, 3).take(idx(T, [6])), IndexError),
    (lambda T: T.ones(2, 3).take(idx(T, [-7])), IndexError),
    (lambda T: T.ones(2, 3).take(T.tensor([1], dtype=T.int32)), RuntimeError),
    (lambda T: T.ones(0).take(idx(T, [0])), IndexError),
    (lambda T: T.ones(3).put_(idx(T, [1, 1]), T.ones(3)), IndexError),
    (lambda T: T.ones(3).put_(idx(T, [5]), T.ones(1)), IndexError),
    (lambda T: T.ones(3).put_(idx(T, [1]), T.ones(1, dtype=T.float64)), RuntimeError),
], ids=range(7))
def test_take_put_errors(case, exc):
    check(case, raises=exc)


def test_take_put_empty():
    check(lambda T: T.ones(2, 3).take(T.zeros(0, 2, dtype=T.int64)))
    check(lambda T: T.ones(3).put(T.zeros(0, dtype=T.int64), T.ones(0)))


# ------------------------------------------------------------------ take_along_dim

@pytest.mark.parametrize("case", [
    lambda T: T.take_along_dim(T.arange(12.0).reshape(3, 4), idx(T, [[0, 3], [1, 1], [2, 0]]), 1),
    lambda T: T.arange(12.0).reshape(3, 4).take_along_dim(idx(T, [[2, 0, 1, 1]]), dim=0),
    lambda T: T.take_along_dim(T.arange(12.0).reshape(3, 4), idx(T, [[1], [0], [3]]), -1),
    lambda T: T.take_along_dim(T.arange(4.0).reshape(4, 1), idx(T, [[0, 0, 0]]), 0),  # broadcast
    lambda T: T.take_along_dim(T.arange(12.0).reshape(3, 4), idx(T, [11, 0, 5])),
], ids=range(5))
def test_take_along_dim(case):
    check(case)


@pytest.mark.parametrize("case,exc", [
    (lambda T: T.take_along_dim(T.ones(3, 4), idx(T, [0]), 1), RuntimeError),
    (lambda T: T.take_along_dim(T.ones(3, 4), T.tensor([[0]], dtype=T.int32), 1), RuntimeError),
    (lambda T: T.take_along_dim(T.ones(3, 4), idx(T, [[5]]), 1), RuntimeError),
    (lambda T: T.take_along_dim(T.ones(3, 4), idx(T, [[0]]), 2), IndexError),
], ids=range(4))
def test_take_along_dim_errors(case, exc):
    check(case, raises=exc)
