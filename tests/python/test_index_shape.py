"""Shape ops against torch: cat/concat/stack (type promotion, legacy empty inputs, out=), split,
chunk, unbind (views), unflatten, movedim, repeat, flip, roll, tril/triu (diagonals, in-place,
out=), over dtypes, layouts, 0-d and empty tensors, and the exceptions torch raises."""
import pytest
import torch

from conftest import DTYPES, LAYOUTS, check, dt, mk, mk_layout, sample


def arange(T, *shape, dtype="float32"):
    n = 1
    for s in shape:
        n *= s
    return T.arange(n).to(dt(T, dtype)).reshape(*shape)


# ------------------------------------------------------------------ cat, concat, stack

@pytest.mark.parametrize("b_dtype", DTYPES)
@pytest.mark.parametrize("a_dtype", DTYPES)
def test_cat_type_promotion(a_dtype, b_dtype):
    a, b = sample((2, 3), a_dtype, seed=1), sample((1, 3), b_dtype, seed=2)
    c = sample((2, 3), b_dtype, seed=3)
    check(lambda T: T.cat([mk(T, a, a_dtype), mk(T, b, b_dtype)]))
    check(lambda T: T.stack([mk(T, a, a_dtype), mk(T, c, b_dtype)], 1))


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("dim", [0, 1, -1, -2])
def test_cat_layouts_and_dims(layout, dim):
    a, b = sample((3, 4), "float32", seed=3), sample((3, 4), "float32", seed=4)
    check(lambda T: T.cat((mk_layout(T, a, "float32", layout), mk_layout(T, b, "float32", "contiguous"),
                           mk_layout(T, a, "float32", layout)), dim))
    check(lambda T: T.concat([mk_layout(T, a, "float32", layout)] * 3, dim=dim))
    check(lambda T: T.stack([mk_layout(T, a, "float32", layout), mk(T, b)], dim=dim))


@pytest.mark.parametrize("case", [
    lambda T: T.cat([T.ones(2, 3), T.zeros(0)]),                     # legacy empty skipped
    lambda T: T.cat([T.zeros(0), T.ones(2, 3, dtype=T.int64)], 1),   # and still promotes
    lambda T: T.cat([T.zeros(0), T.zeros(0)], 5),                    # all empty: dim unchecked
    lambda T: T.cat([T.zeros(2, 0), T.ones(2, 3)], 1),
    lambda T: T.cat([T.ones(0, 3), T.ones(0, 3)]),
    lambda T: T.cat([T.ones(3)]),
    lambda T: T.cat([T.ones(2, 2)] * 20, 1),
    lambda T: T.stack([T.tensor(1.0), T.tensor(2, dtype=T.int64)]),
    lambda T: T.stack([T.ones(2, 0)] * 3, 2),
    lambda T: T.stack((T.ones(2),)),
    lambda T: T.concatenate([T.ones(2), T.ones(1)]),
    lambda T: T.cat([T.ones(2, 1), T.zeros(2, 2)], axis=1),
    lambda T: T.stack([T.ones(2), T.zeros(2)], axis=1),
], ids=range(13))
def test_cat_stack_edge_cases(case):
    check(case)


@pytest.mark.parametrize("case,exc", [
    (lambda T: T.cat([]), RuntimeError),
    (lambda T: T.cat([T.tensor(1.0)]), RuntimeError),
    (lambda T: T.cat([T.ones(2, 3), T.ones(3)]), RuntimeError),
    (lambda T: T.cat([T.ones(2, 3), T.ones(2, 2)]), RuntimeError),
    (lambda T: T.cat([T.ones(2, 3), T.ones(2, 3)], 2), IndexError),
    (lambda T: T.cat([T.ones(2, 3), T.ones(2, 3)], -3), IndexError),
    (lambda T: T.cat(T.ones(2)), TypeError),
    (lambda T: T.cat([T.ones(2), 1]), TypeError),
    (lambda T: T.cat([T.ones(2)], out=T.zeros(2, dtype=T.int64)), RuntimeError),
    (lambda T: T.stack([]), RuntimeError),
    (lambda T: T.stack([T.ones(2, 3), T.ones(3)]), RuntimeError),
    (lambda T: T.stack([T.ones(0), T.ones(2)]), RuntimeError),
    (lambda T: T.stack([T.ones(2), T.ones(2)], 2), IndexError),
], ids=range(13))
def test_cat_stack_errors(case, exc):
    check(case, raises=exc)


def test_cat_stack_out():
    def f(T):
        out = T.zeros(0, dtype=T.float64)
        r = T.cat([T.ones(2, dtype=T.int32), T.zeros(3)], out=out)
        return r is out, out
    check(f)

    def g(T):
        out = T.empty(2, 2)
        r = T.stack([T.ones(2), T.arange(2.0)], dim=1, out=out)
        return r is out, out
    check(g)


def test_cat_is_a_copy():
    def f(T):
        a = T.ones(2)
        r = T.cat([a, a])
        a.fill_(5)
        return r
    check(f)


# ------------------------------------------------------------------ split, chunk, unbind

SPLIT_CASES = [((5, 4), 2, 0), ((5, 4), 3, 1), ((5, 4), 10, 0), ((5, 4), 1, -1), ((0, 3), 2, 0),
               ((0, 3), 0, 0), ((6,), 3, 0)]


@pytest.mark.parametrize("shape,size,dim", SPLIT_CASES, ids=str)
def test_split(shape, size, dim):
    a = sample(shape, "int32", seed=5)
    check(lambda T: T.split(mk(T, a, "int32"), size, dim))
    check(lambda T: mk(T, a, "int32").split(size, dim=dim))


@pytest.mark.parametrize("sizes,dim", [([1, 4], 0), ([2, 0, 3], 0), ([4], 1), ((1, 1, 2), 1)],
                         ids=str)
def test_split_with_sizes(sizes, dim):
    a = sample((5, 4), "float64", seed=6)
    check(lambda T: T.split(mk(T, a, "float64"), sizes, dim))
    check(lambda T: mk(T, a, "float64").split(sizes, dim))
    check(lambda T: mk(T, a, "float64").split_with_sizes(sizes, dim))


@pytest.mark.parametrize("chunks", [1, 2, 3, 4, 7])
@pytest.mark.parametrize("shape,dim", [((6, 2), 0), ((5, 3), 0), ((2, 5), 1), ((0, 2), 0)], ids=str)
def test_chunk(shape, dim, chunks):
    a = sample(shape, "float32", seed=7)
    check(lambda T: T.chunk(mk(T, a), chunks, dim))
    check(lambda T: mk(T, a).chunk(chunks, dim=dim))


@pytest.mark.parametrize("shape,dim", [((3, 2), 0), ((3, 2), 1), ((3, 2), -1), ((0, 2), 0),
                                       ((2, 0), 1), ((4,), 0)], ids=str)
def test_unbind(shape, dim):
    a = sample(shape, "bool", seed=8)
    check(lambda T: T.unbind(mk(T, a, "bool"), dim))
    check(lambda T: mk(T, a, "bool").unbind(dim))


def test_split_chunk_unbind_are_views():
    def f(T):
        x = T.zeros(4, 3)
        x.split(2)[1].fill_(1)
        x.chunk(3, 1)[2].fill_(2)
        x.unbind(0)[0].fill_(3)
        T.split(x, [1, 3])[1][0, 0] = 4
        return x
    check(f)


@pytest.mark.parametrize("case,exc", [
    (lambda T: T.ones(3).split(-1), RuntimeError),
    (lambda T: T.ones(3).split(0), RuntimeError),
    (lambda T: T.tensor(1.0).split(1), RuntimeError),
    (lambda T: T.ones(3).split([1, 1]), RuntimeError),
    (lambda T: T.ones(3).split([4, -1]), RuntimeError),
    (lambda T: T.ones(3).split(1, 1), IndexError),
    (lambda T: T.ones(3).chunk(0), RuntimeError),
    (lambda T: T.tensor(1.0).chunk(1), RuntimeError),
    (lambda T: T.tensor(1.0).unbind(), IndexError),
    (lambda T: T.ones(2).unbind(1), IndexError),
    (lambda T: T.ones(2).split("a"), TypeError),
], ids=range(11))
def test_split_errors(case, exc):
    check(case, raises=exc)


# ------------------------------------------------------------------ unflatten, movedim

@pytest.mark.parametrize("case", [
    lambda T: arange(T, 2, 6).unflatten(1, (2, 3)),
    lambda T: arange(T, 2, 6).unflatten(-1, (3, -1)),
    lambda T: arange(T, 2, 6).unflatten(0, [1, 2, 1]),
    lambda T: T.unflatten(arange(T, 4, 3), 0, (2, 2)),
    lambda T: arange(T, 0, 3).unflatten(0, (2, 0)),
    lambda T: arange(T, 6, 2).t().unflatten(1, (2, 3)),
], ids=range(6))
def test_unflatten(case):
    check(case)


def test_unflatten_is_a_view():
    def f(T):
        x = T.zeros(2, 6)
        x.unflatten(1, (2, 3))[1, 1, 2] = 7
        return x
    check(f)


@pytest.mark.parametrize("case,exc", [
    (lambda T: T.ones(2, 6).unflatten(1, (4, 2)), RuntimeError),
    (lambda T: T.ones(2, 6).unflatten(1, ()), RuntimeError),
    (lambda T: T.ones(2, 6).unflatten(1, (-1, -1)), RuntimeError),
    (lambda T: T.ones(2, 6).unflatten(2, (3, 2)), IndexError),
    (lambda T: T.tensor(1.0).unflatten(0, (1,)), IndexError),
], ids=range(5))
def test_unflatten_errors(case, exc):
    check(case, raises=exc)


@pytest.mark.parametrize("src,dst", [(0, 1), (0, -1), ((0, 1), (2, 0)), ((2, 0), (0, 1)),
                                     ([1], [1]), ((), ())], ids=str)
def test_movedim(src, dst):
    check(lambda T: T.movedim(arange(T, 2, 3, 4), src, dst))
    check(lambda T: arange(T, 2, 3, 4).moveaxis(src, dst))


@pytest.mark.parametrize("case,exc", [
    (lambda T: T.movedim(T.ones(2, 3), (0, 1), (1,)), RuntimeError),
    (lambda T: T.movedim(T.ones(2, 3), (0, 0), (1, 0)), RuntimeError),
    (lambda T: T.movedim(T.ones(2, 3), (0, 1), (1, 1)), RuntimeError),
    (lambda T: T.movedim(T.ones(2, 3), 2, 0), IndexError),
], ids=range(4))
def test_movedim_errors(case, exc):
    check(case, raises=exc)


def test_expand_as_is_a_view():
    def f(T):
        x = T.zeros(3, 1)
        e = x.expand_as(T.ones(2, 3, 4))
        x[1, 0] = 5
        return e
    check(f)
    check(lambda T: T.ones(3, 2).expand_as(T.ones(3, 4)), raises=RuntimeError)


def test_movedim_is_a_view():
    def f(T):
        x = T.zeros(2, 3)
        x.movedim(0, 1)[2, 1] = 5
        return x
    check(f)


# ------------------------------------------------------------------ repeat

@pytest.mark.parametrize("shape,reps", [((2, 3), (2, 2)), ((2, 3), (1, 3)), ((3,), (2, 2)),
                                        ((2, 1), (3, 1, 4)), ((), (3,)), ((), ()), ((2, 3), (0, 2)),
                                        ((0, 2), (2, 3)), ((1, 1, 1, 1, 1), (2, 1, 2, 1, 2)),
                                        ((2,) * 5, (2,) * 5)], ids=str)
def test_repeat(shape, reps):
    a = sample(shape, "int16", seed=9)
    check(lambda T: mk(T, a, "int16").repeat(*reps) if reps else mk(T, a, "int16").repeat(()))
    check(lambda T: mk(T, a, "int16").repeat(reps))


@pytest.mark.parametrize("layout", LAYOUTS)
def test_repeat_layouts(layout):
    a = sample((3, 4), "float64", seed=10)
    check(lambda T: mk_layout(T, a, "float64", layout).repeat(2, 1, 3))


def test_repeat_of_expanded_and_copy():
    def f(T):
        a = T.arange(3.0).reshape(3, 1).expand(3, 2)
        r = a.repeat(2, 2)
        a = None
        return r
    check(f)


@pytest.mark.parametrize("case,exc", [
    (lambda T: T.ones(2, 3).repeat(2), RuntimeError),
    (lambda T: T.ones(2, 3).repeat(2, -1), RuntimeError),
    (lambda T: T.ones(2, 3).repeat(), TypeError),
], ids=range(3))
def test_repeat_errors(case, exc):
    check(case, raises=exc)


# ------------------------------------------------------------------ flip, roll

@pytest.mark.parametrize("dims", [(0,), (1,), (0, 1), (-1,), ()], ids=str)
@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("dtype", ["float32", "int8", "bool"])
def test_flip(dtype, layout, dims):
    a = sample((3, 4), dtype, seed=11)
    check(lambda T: T.flip(mk_layout(T, a, dtype, layout), dims))
    check(lambda T: mk_layout(T, a, dtype, layout).flip(*dims) if dims else
          mk_layout(T, a, dtype, layout).flip(dims))


def test_flip_edge_cases():
    check(lambda T: T.flip(T.tensor(3.0), [0]))
    check(lambda T: T.flip(T.zeros(0, 3), [0, 1]))
    check(lambda T: arange(T, 2, 3, 4).flip(0, 2))
    check(lambda T: T.flip(T.ones(3), 0), raises=TypeError)
    check(lambda T: T.ones(3).flip(0, 0), raises=RuntimeError)
    check(lambda T: T.ones(3).flip(1), raises=IndexError)

    def copy(T):
        a = T.arange(3.0)
        r = a.flip(0)
        a.fill_(0)
        return r
    check(copy)


@pytest.mark.parametrize("shifts,dims", [(1, None), (-2, None), (7, None), (1, 0), (-1, 1),
                                         ((1, 2), (0, 1)), ((3, -4), (1, 0)), (0, 0), (5, -1)],
                         ids=str)
@pytest.mark.parametrize("layout", LAYOUTS)
def test_roll(shifts, dims, layout):
    a = sample((3, 4), "int64", seed=12)
    check(lambda T: T.roll(mk_layout(T, a, "int64", layout), shifts, dims))
    check(lambda T: mk_layout(T, a, "int64", layout).roll(shifts, dims))


def test_roll_edge_cases():
    check(lambda T: T.roll(T.tensor(2.0), 1))
    check(lambda T: T.roll(T.zeros(0, 3), 1, 0))
    check(lambda T: T.roll(T.zeros(2, 0), 1))
    check(lambda T: T.roll(T.ones(2, 3), (1, 1), 0), raises=RuntimeError)
    check(lambda T: T.roll(T.ones(2, 3), (), ()), raises=RuntimeError)
    check(lambda T: T.roll(T.ones(2, 3), 1, 2), raises=IndexError)
    check(lambda T: T.roll(T.tensor(2.0), 1, 0), raises=IndexError)


# ------------------------------------------------------------------ tril, triu

@pytest.mark.parametrize("diagonal", [0, 1, -1, 3, -5])
@pytest.mark.parametrize("op", ["tril", "triu"])
@pytest.mark.parametrize("shape", [(4, 4), (3, 5), (5, 2), (2, 3, 4), (0, 3), (2, 0, 2)], ids=str)
def test_tril_triu(shape, op, diagonal):
    a = sample(shape, "float32", seed=13)
    check(lambda T: getattr(T, op)(mk(T, a), diagonal))
    check(lambda T: getattr(mk(T, a), op)(diagonal=diagonal))

    def inplace(T):
        x = mk(T, a)
        r = getattr(x, op + "_")(diagonal)
        return r is x, x
    check(inplace)


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("dtype", DTYPES)
def test_tril_dtypes_layouts(dtype, layout):
    a = sample((4, 3), dtype, seed=14)
    check(lambda T: T.tril(mk_layout(T, a, dtype, layout), -1))
    check(lambda T: T.triu(mk_layout(T, a, dtype, layout), 1))


def test_tril_out_and_errors():
    def f(T):
        out = T.empty(0)
        r = T.triu(T.ones(3, 3), out=out)
        return r is out, out
    check(f)
    check(lambda T: T.tril(T.ones(3)), raises=IndexError)
    check(lambda T: T.tril(T.tensor(1.0)), raises=IndexError)
    check(lambda T: T.tril(T.ones(2, 2), out=T.zeros(2, 2, dtype=T.float64)), raises=RuntimeError)
    check(lambda T: T.ones(2, 2).expand(3, 2, 2).tril_())


# ------------------------------------------------------------------ numpy-style joins, tile

SHAPES_FOR_JOINS = [[(), ()], [(3,), (3,)], [(3, 1), (3, 2)], [(2, 3), (2, 3)],
                    [(2, 2, 1), (2, 2, 3)], [(1, 3), (2, 3)]]


@pytest.mark.parametrize("shapes", SHAPES_FOR_JOINS, ids=str)
@pytest.mark.parametrize("op", ["hstack", "vstack", "row_stack", "dstack", "column_stack"])
def test_numpy_style_joins(op, shapes):
    arrays = [sample(s, "float32", seed=20 + i) for i, s in enumerate(shapes)]
    torch_raises = None
    try:  # some shape pairs do not join: then oztorch must raise what torch raises
        getattr(torch, op)([torch.tensor(a) for a in arrays])
    except RuntimeError:
        torch_raises = RuntimeError
    check(lambda T: getattr(T, op)([mk(T, a) for a in arrays]), raises=torch_raises)


def test_numpy_style_joins_edge_cases():
    check(lambda T: T.hstack([]), raises=RuntimeError)
    check(lambda T: T.column_stack(()), raises=RuntimeError)
    check(lambda T: T.vstack((T.ones(2, dtype=T.int32), T.zeros(2))))

    def out(T):
        o = T.zeros(0)
        r = T.hstack([T.ones(2), T.zeros(1)], out=o)
        return r is o, o
    check(out)


@pytest.mark.parametrize("n", [1, 2, 3])
def test_atleast_nd(n):
    f = "atleast_%dd" % n
    for shape in [(), (3,), (2, 3), (2, 3, 4)]:
        a = sample(shape, "int64", seed=30)
        check(lambda T: getattr(T, f)(mk(T, a, "int64")))
    check(lambda T: getattr(T, f)(T.tensor(1.0), T.ones(2)))
    check(lambda T: getattr(T, f)([T.tensor(1.0), T.ones(2, 2)]))
    check(lambda T: (lambda x: getattr(T, f)(x) is x)(T.ones(2, 2, 2)))
    check(lambda T: getattr(T, f)())


@pytest.mark.parametrize("dims", [(2,), (2, 2), (1, 3, 1), (3,), ()], ids=str)
def test_tile(dims):
    a = sample((2, 3), "int8", seed=31)
    check(lambda T: T.tile(mk(T, a, "int8"), dims))
    check(lambda T: mk(T, a, "int8").tile(dims))
    check(lambda T: T.tile(T.tensor(5.0), dims))


def test_fliplr_flipud_and_errors():
    a = sample((2, 3, 2), "float32", seed=32)
    check(lambda T: T.fliplr(mk(T, a)))
    check(lambda T: mk(T, a).flipud())
    check(lambda T: T.fliplr(T.ones(3)), raises=RuntimeError)
    check(lambda T: T.flipud(T.tensor(1.0)), raises=RuntimeError)
    check(lambda T: T.tile(T.ones(3), 2), raises=TypeError)
