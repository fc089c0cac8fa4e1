"""float64 finite-difference gradient checks across the op families, in one table: for each op,
OzTorch's analytic gradient of sum(f(x) * w) must match central differences computed with
OzTorch itself (independent of real PyTorch). Inputs sit away from non-differentiable points."""
import numpy as np
import pytest

from conftest import oz

EPS = 1e-6


def pos(shape, seed=0):
    return np.random.default_rng(seed).uniform(0.3, 1.7, shape)


def signed(shape, seed=0):
    # |x| >= 0.2: away from the kinks of abs/relu/clamp at 0
    r = np.random.default_rng(seed)
    return r.uniform(0.2, 1.5, shape) * r.choice([-1.0, 1.0], shape)


# name: (function of T and leaves, list of (shape, sampler))
OPS = {
    # unary / activations
    "exp": (lambda T, x: T.exp(x), [((3, 4), signed)]),
    "log": (lambda T, x: T.log(x), [((3, 4), pos)]),
    "log2": (lambda T, x: T.log2(x), [((5,), pos)]),
    "log1p": (lambda T, x: T.log1p(x), [((5,), pos)]),
    "expm1": (lambda T, x: T.expm1(x), [((5,), signed)]),
    "sqrt": (lambda T, x: T.sqrt(x), [((5,), pos)]),
    "rsqrt": (lambda T, x: T.rsqrt(x), [((5,), pos)]),
    "reciprocal": (lambda T, x: T.reciprocal(x), [((5,), pos)]),
    "sin": (lambda T, x: T.sin(x), [((5,), signed)]),
    "cos": (lambda T, x: T.cos(x), [((5,), signed)]),
    "tan": (lambda T, x: T.tan(x), [((5,), lambda s, seed=0: signed(s, seed) * 0.8)]),
    "tanh": (lambda T, x: T.tanh(x), [((5,), signed)]),
    "sigmoid": (lambda T, x: T.sigmoid(x), [((5,), signed)]),
    "relu": (lambda T, x: T.relu(x), [((6,), signed)]),
    "abs": (lambda T, x: T.abs(x), [((6,), signed)]),
    "square": (lambda T, x: T.square(x), [((6,), signed)]),
    "clamp": (lambda T, x: T.clamp(x, -0.9, 0.9), [((8,), signed)]),
    "gelu": (lambda T, x: T.nn.functional.gelu(x), [((6,), signed)]),
    "gelu_tanh": (lambda T, x: T.nn.functional.gelu(x, approximate="tanh"), [((6,), signed)]),
    "silu": (lambda T, x: T.nn.functional.silu(x), [((6,), signed)]),
    "leaky_relu": (lambda T, x: T.nn.functional.leaky_relu(x, 0.1), [((6,), signed)]),
    "elu": (lambda T, x: T.nn.functional.elu(x), [((6,), signed)]),
    "softplus": (lambda T, x: T.nn.functional.softplus(x), [((6,), signed)]),
    "hardtanh": (lambda T, x: T.nn.functional.hardtanh(x, -0.9, 0.9), [((8,), signed)]),
    # binary / ternary
    "pow_tensor": (lambda T, a, b: T.pow(a, b), [((4,), pos), ((4,), signed)]),
    "pow_scalar": (lambda T, a: a ** 3, [((4,), signed)]),
    "rpow": (lambda T, a: 2 ** a, [((4,), signed)]),
    "maximum": (lambda T, a, b: T.maximum(a, b), [((5,), signed), ((5,), lambda s: signed(s, 7))]),
    "minimum": (lambda T, a, b: T.minimum(a, b), [((5,), signed), ((5,), lambda s: signed(s, 7))]),
    "where": (lambda T, a, b: T.where(a > 0, a, b), [((6,), signed), ((6,), pos)]),
    "lerp": (lambda T, a, b: T.lerp(a, b, 0.3), [((4,), signed), ((4,), pos)]),
    "atan2": (lambda T, a, b: T.atan2(a, b), [((4,), signed), ((4,), pos)]),
    "addcmul": (lambda T, a, b, c: T.addcmul(a, b, c, value=0.5), [((3,), signed)] * 3),
    # reductions
    "mean": (lambda T, x: x.mean(1), [((3, 4), signed)]),
    "prod": (lambda T, x: x.prod(0), [((3, 4), pos)]),
    "max_dim": (lambda T, x: x.max(1).values, [((3, 4), signed)]),
    "amax": (lambda T, x: x.amax((0, 1)), [((3, 4), signed)]),
    "var": (lambda T, x: x.var(1), [((3, 4), signed)]),
    "std": (lambda T, x: x.std(), [((3, 4), signed)]),
    "logsumexp": (lambda T, x: T.logsumexp(x, 1), [((3, 4), signed)]),
    "norm": (lambda T, x: x.norm(), [((3, 4), signed)]),
    "cumsum": (lambda T, x: x.cumsum(1), [((3, 4), signed)]),
    "cumprod": (lambda T, x: x.cumprod(1), [((3, 4), pos)]),
    "sort": (lambda T, x: x.sort(1).values, [((3, 4), signed)]),
    "topk": (lambda T, x: x.topk(2).values, [((3, 4), signed)]),
    # shapes and indexing
    "cat": (lambda T, a, b: T.cat([a, b], 1), [((2, 3), signed), ((2, 2), pos)]),
    "stack": (lambda T, a, b: T.stack([a, b]), [((2, 3), signed), ((2, 3), pos)]),
    "split": (lambda T, x: x.split(2, 1)[1], [((2, 5), signed)]),
    "repeat": (lambda T, x: x.repeat(2, 3), [((2, 2), signed)]),
    "flip": (lambda T, x: x.flip(0), [((3, 2), signed)]),
    "roll": (lambda T, x: x.roll(1, 1), [((3, 2), signed)]),
    "tril": (lambda T, x: x.tril(), [((3, 3), signed)]),
    "gather": (lambda T, x: x.gather(1, T.tensor([[0, 2], [1, 1]])), [((2, 3), signed)]),
    "index_select": (lambda T, x: x.index_select(0, T.tensor([2, 0, 2])), [((3, 2), signed)]),
    "masked_fill": (lambda T, x: x.masked_fill(x > 0, 0.5), [((6,), signed)]),
    "advanced_index": (lambda T, x: x[T.tensor([1, 0, 1]), 1:], [((3, 3), signed)]),
    "scatter_add": (lambda T, x, s: x.scatter_add(0, T.tensor([[0, 1], [1, 0]]), s),
                    [((2, 2), signed), ((2, 2), pos)]),
    # linear algebra
    "mm": (lambda T, a, b: T.mm(a, b), [((2, 3), signed), ((3, 2), pos)]),
    "bmm": (lambda T, a, b: T.bmm(a, b), [((2, 2, 3), signed), ((2, 3, 2), pos)]),
    "addmm": (lambda T, c, a, b: T.addmm(c, a, b, beta=0.5, alpha=2.0),
              [((2, 2), signed), ((2, 3), pos), ((3, 2), signed)]),
    "einsum": (lambda T, a, b: T.einsum("ij,jk->ik", a, b), [((2, 3), signed), ((3, 2), pos)]),
    "outer": (lambda T, a, b: T.outer(a, b), [((3,), signed), ((2,), pos)]),
    # neural-network primitives
    "softmax": (lambda T, x: T.softmax(x, 1), [((2, 4), signed)]),
    "log_softmax": (lambda T, x: T.log_softmax(x, 1), [((2, 4), signed)]),
    "cross_entropy": (lambda T, x: T.nn.functional.cross_entropy(x, T.tensor([1, 3])),
                      [((2, 4), signed)]),
    "mse_loss": (lambda T, a, b: T.nn.functional.mse_loss(a, b), [((4,), signed), ((4,), pos)]),
    "bce_logits": (lambda T, x: T.nn.functional.binary_cross_entropy_with_logits(
        x, T.tensor([0.0, 1.0, 1.0])), [((3,), signed)]),
    "conv2d": (lambda T, x, w: T.nn.functional.conv2d(x, w, padding=1, stride=2),
               [((1, 2, 5, 5), signed), ((3, 2, 3, 3), pos)]),
    "conv1d": (lambda T, x, w: T.nn.functional.conv1d(x, w), [((1, 2, 6), signed),
                                                            ((2, 2, 3), pos)]),
    "max_pool2d": (lambda T, x: T.nn.functional.max_pool2d(x, 2), [((1, 1, 4, 4), signed)]),
    "avg_pool2d": (lambda T, x: T.nn.functional.avg_pool2d(x, 2), [((1, 1, 4, 4), signed)]),
    "adaptive_avg_pool2d": (lambda T, x: T.nn.functional.adaptive_avg_pool2d(x, (2, 1)),
                            [((1, 2, 4, 3), signed)]),
    "layer_norm": (lambda T, x: T.nn.functional.layer_norm(x, (4,)), [((2, 4), signed)]),
    "batch_norm": (lambda T, x: T.nn.functional.batch_norm(x, None, None, training=True),
                   [((4, 3), signed)]),
    "embedding": (lambda T, w: T.nn.functional.embedding(T.tensor([2, 0, 2]), w),
                  [((3, 2), signed)]),
    "pad_reflect": (lambda T, x: T.nn.functional.pad(x, (1, 2), mode="reflect"),
                    [((1, 2, 4), signed)]),
}


@pytest.mark.parametrize("name", sorted(OPS))
def test_finite_difference(name):
    T = oz()
    fn, specs = OPS[name]
    arrays = [sampler(shape) for shape, sampler in specs]
    leaves = [T.tensor(a, dtype=T.float64, requires_grad=True) for a in arrays]
    out = fn(T, *leaves)
    w = T.tensor(np.random.default_rng(3).uniform(-1, 1, tuple(out.shape)), dtype=T.float64)
    (out * w).sum().backward()
    for i, leaf in enumerate(leaves):
        numeric = np.zeros_like(arrays[i])
        for idx in np.ndindex(arrays[i].shape):
            vals = []
            for sign in (1, -1):
                shifted = [a.copy() for a in arrays]
                shifted[i][idx] += sign * EPS
                with T.no_grad():
                    ins = [T.tensor(a, dtype=T.float64) for a in shifted]
                    vals.append(float((fn(T, *ins) * w).sum().item()))
            numeric[idx] = (vals[0] - vals[1]) / (2 * EPS)
        assert leaf.grad is not None, "%s: no gradient for input %d" % (name, i)
        np.testing.assert_allclose(leaf.grad.numpy(), numeric, rtol=1e-5, atol=1e-6,
                                   err_msg="%s, input %d" % (name, i))
