"""Gradients of the unary ops and activations: float64 analytic gradients of sum(f(x) * w)
against torch's on inputs away from the non-differentiable points, a central finite-difference
check of oztorch against itself, grad_fn names, in-place forms (which keep the input or the
result), clamp's tensor bounds, double backward and the autograd errors."""
import numpy as np
import pytest
import torch

from conftest import check, oz

RNG = np.random.default_rng(1234)


def away_from(values, points, margin=0.05):
    """values nudged so none is within `margin` of a kink in `points`."""
    v = np.array(values, dtype=np.float64)
    for p in points:
        close = np.abs(v - p) < margin
        v[close] = p + np.where(v[close] >= p, margin, -margin) * 2
    return v


def inputs(domain, shape=(2, 3)):
    lo, hi, kinks = domain[:3]
    return away_from(RNG.uniform(lo, hi, size=shape), kinks, *domain[3:])


ANY, POS, KINK0 = (-3, 3, []), (0.1, 4, []), (-3, 3, [0.0])
NN = lambda T, name: getattr(torch._C._nn, name) if T is torch else getattr(T._C, "_nn_" + name)

# name: (f(T, x), input domain)
OPS = {
    "abs": (lambda T, x: T.abs(x), KINK0),
    "sign": (lambda T, x: T.sign(x), KINK0),
    "exp": (lambda T, x: T.exp(x), ANY),
    "exp2": (lambda T, x: T.exp2(x), ANY),
    "log": (lambda T, x: T.log(x), POS),
    "log2": (lambda T, x: T.log2(x), POS),
    "log10": (lambda T, x: T.log10(x), POS),
    "log1p": (lambda T, x: T.log1p(x), (-0.9, 3, [])),
    "expm1": (lambda T, x: T.expm1(x), ANY),
    "sqrt": (lambda T, x: T.sqrt(x), POS),
    "rsqrt": (lambda T, x: T.rsqrt(x), POS),
    "square": (lambda T, x: T.square(x), ANY),
    "reciprocal": (lambda T, x: T.reciprocal(x), (-3, 3, [0.0])),
    "sin": (lambda T, x: T.sin(x), ANY),
    "cos": (lambda T, x: T.cos(x), ANY),
    "tan": (lambda T, x: T.tan(x), (-1.2, 1.2, [])),
    "tanh": (lambda T, x: T.tanh(x), ANY),
    "sigmoid": (lambda T, x: T.sigmoid(x), ANY),
    "relu": (lambda T, x: T.relu(x), KINK0),
    "floor": (lambda T, x: T.floor(x), (-3, 3, [-2, -1, 0, 1, 2])),
    "ceil": (lambda T, x: T.ceil(x), (-3, 3, [-2, -1, 0, 1, 2])),
    "round": (lambda T, x: T.round(x), (-3, 3, [-2.5, -1.5, -0.5, 0.5, 1.5, 2.5])),
    "round_decimals": (lambda T, x: T.round(x, decimals=1),
                       (-1, 1, list(np.arange(-1, 1, .1) + .05), 0.01)),
    "trunc": (lambda T, x: T.trunc(x), (-3, 3, [-2, -1, 0, 1, 2])),
    "nan_to_num": (lambda T, x: T.nan_to_num(T.log(x)), (-3, 3, [0.0])),
    "clamp": (lambda T, x: T.clamp(x, -1, 1.5), (-3, 3, [-1, 1.5])),
    "clamp_min_only": (lambda T, x: T.clamp(x, min=0.5), (-3, 3, [0.5])),
    "clamp_max_only": (lambda T, x: x.clamp(max=-0.5), (-3, 3, [-0.5])),
    "clip": (lambda T, x: T.clip(x, 1, -1), (-3, 3, [-1, 1])),
    "clamp_min": (lambda T, x: T.clamp_min(x, 0.25), (-3, 3, [0.25])),
    "clamp_max": (lambda T, x: T.clamp_max(x, 0.25), (-3, 3, [0.25])),
    "gelu": (lambda T, x: NN(T, "gelu")(x), ANY),
    "gelu_tanh": (lambda T, x: NN(T, "gelu")(x, approximate="tanh"), ANY),
    "silu": (lambda T, x: NN(T, "silu")(x), ANY),
    "leaky_relu": (lambda T, x: NN(T, "leaky_relu")(x), KINK0),
    "leaky_relu_neg": (lambda T, x: NN(T, "leaky_relu")(x, -0.3), KINK0),
    "elu": (lambda T, x: NN(T, "elu")(x), KINK0),
    "elu_params": (lambda T, x: NN(T, "elu")(x, 0.7, 1.3, 0.6), KINK0),
    "softplus": (lambda T, x: NN(T, "softplus")(x), ANY),
    "softplus_threshold": (lambda T, x: NN(T, "softplus")(x, 2, 1.5), (-3, 3, [0.75])),
    "hardtanh": (lambda T, x: NN(T, "hardtanh")(x), (-3, 3, [-1, 1])),
    "hardtanh_params": (lambda T, x: NN(T, "hardtanh")(x, -0.5, 2), (-3, 3, [-0.5, 2])),
    "relu6": (lambda T, x: NN(T, "relu6")(x * 4), (-3, 3, [0, 1.5])),
    "erf": (lambda T, x: T.erf(x), ANY),
    "selu": (lambda T, x: T.selu(x), KINK0),
    "celu": (lambda T, x: T.celu(x, 0.7), KINK0),
}


def grads(T, f, xs, w, dtype="float64"):
    """(f's value, its grad_fn name, d sum(f * w) / d x for each x)."""
    leaves = [T.tensor(x.tolist(), dtype=getattr(T, dtype), requires_grad=True) for x in xs]
    y = f(T, *leaves)
    name = y.grad_fn.name()
    (y * T.tensor(w.tolist(), dtype=getattr(T, dtype))).sum().backward()
    return (y.detach(), name) + tuple(leaf.grad for leaf in leaves)


@pytest.mark.parametrize("name", list(OPS))
def test_gradient_matches_torch(name):
    f, domain = OPS[name]
    x, w = inputs(domain), RNG.uniform(-1, 1, size=(2, 3))
    check(lambda T: grads(T, f, [x], w))


@pytest.mark.parametrize("name", ["exp", "sigmoid", "gelu", "clamp", "relu", "softplus"])
def test_gradient_float32(name):
    f, domain = OPS[name]
    x, w = inputs(domain), RNG.uniform(-1, 1, size=(2, 3))
    check(lambda T: grads(T, f, [x], w, "float32"), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("name", list(OPS))
def test_finite_differences(name):
    """oztorch's analytic gradient against central differences of its own forward."""
    T = oz()
    f, domain = OPS[name]
    x, w = inputs(domain, (5,)), RNG.uniform(-1, 1, size=(5,))
    _, _, g = grads(T, f, [x], w)
    eps = 1e-6
    fd = np.zeros(5)
    for i in range(5):
        hi, lo = x.copy(), x.copy()
        hi[i] += eps
        lo[i] -= eps
        f_hi = np.array(f(T, T.tensor(hi.tolist(), dtype=T.float64)).tolist())
        f_lo = np.array(f(T, T.tensor(lo.tolist(), dtype=T.float64)).tolist())
        fd[i] = ((f_hi - f_lo) * w).sum() / (2 * eps)
    np.testing.assert_allclose(np.array(g.tolist()), fd, rtol=1e-5, atol=1e-6)


# ------------------------------------------------------------------ in-place and non-contiguous

INPLACE = {
    "exp_": (lambda T, x: (x * 1).exp_(), ANY),
    "sin_": (lambda T, x: (x * 1).sin_(), ANY),                 # keeps a copy of its input
    "log_": (lambda T, x: T.log_(x * 1), POS),
    "abs_": (lambda T, x: (x * 1).abs_(), KINK0),
    "square_": (lambda T, x: (x * 1).square_(), ANY),
    "sigmoid_": (lambda T, x: (x * 1).sigmoid_(), ANY),
    "tanh_": (lambda T, x: (x * 1).tanh_(), ANY),
    "relu_": (lambda T, x: T.relu_(x * 1), KINK0),
    "clamp_": (lambda T, x: (x * 1).clamp_(-1, 1), (-3, 3, [-1, 1])),
    "clamp_min_": (lambda T, x: (x * 1).clamp_min_(0.5), (-3, 3, [0.5])),
    "round_": (lambda T, x: (x * 1).round_(), (-3, 3, [-2.5, -1.5, -.5, .5, 1.5, 2.5])),
    "nan_to_num_": (lambda T, x: (x * 1).nan_to_num_(), ANY),
    "elu_": (lambda T, x: NN(T, "elu_")(x * 1, 0.5), KINK0),    # EluBackward1: keeps the result
    "leaky_relu_": (lambda T, x: NN(T, "leaky_relu_")(x * 1, 0.2), KINK0),
    "hardtanh_": (lambda T, x: NN(T, "hardtanh_")(x * 1), (-3, 3, [-1, 1])),
    "relu6_": (lambda T, x: NN(T, "relu6_")(x * 4), (-3, 3, [0, 1.5])),
    "silu_": (lambda T, x: NN(T, "silu_")(x * 1), ANY),
    "gelu_": (lambda T, x: NN(T, "gelu_")(x * 1), ANY),
    "erf_": (lambda T, x: (x * 1).erf_(), ANY),
    "selu_": (lambda T, x: T.selu_(x * 1), KINK0),
    "celu_": (lambda T, x: T.celu_(x * 1, 1.5), KINK0),
}


@pytest.mark.parametrize("name", list(INPLACE))
def test_inplace_gradient(name):
    f, domain = INPLACE[name]
    x, w = inputs(domain), RNG.uniform(-1, 1, size=(2, 3))
    check(lambda T: grads(T, f, [x], w))


def test_inplace_leaky_relu_with_negative_slope_refuses_backward():
    x, w = inputs(KINK0), RNG.uniform(-1, 1, size=(2, 3))
    check(lambda T: grads(T, lambda T, x: NN(T, "leaky_relu_")(x * 1, -0.2), [x], w),
          raises=RuntimeError)


@pytest.mark.parametrize("name", ["exp", "abs", "sigmoid", "gelu", "clamp", "hardtanh"])
def test_gradient_through_views(name):
    f, domain = OPS[name]
    x, w = inputs(domain, (4, 6)), RNG.uniform(-1, 1, size=(3, 4))
    check(lambda T: grads(T, lambda T, x: f(T, x.t()[::2]), [x], w))


# ------------------------------------------------------------------ clamp with tensor bounds

# name: (f, which of x/lo/hi it takes)
CLAMP_TENSORS = {
    "both": (lambda T, x, lo, hi: T.clamp(x, lo, hi), "x lo hi"),
    "min": (lambda T, x, lo: T.clamp(x, lo), "x lo"),
    "max": (lambda T, x, hi: x.clamp(max=hi), "x hi"),
    "clamp_min": (lambda T, x, lo: T.clamp_min(x, lo), "x lo"),
    "clamp_max": (lambda T, x, hi: T.clamp_max(x, hi), "x hi"),
    "inplace": (lambda T, x, lo, hi: (x * 1).clamp_(lo, hi), "x lo hi"),
}


@pytest.mark.parametrize("crossed", [False, True])
@pytest.mark.parametrize("name", list(CLAMP_TENSORS))
def test_clamp_tensor_bounds_gradient(name, crossed):
    lo = RNG.uniform(-1.5, 0, size=(3,))
    hi = RNG.uniform(0, 1.5, size=(2, 1))
    if crossed:  # min > max in places: min loses its gradient there, max keeps it
        lo, hi = lo + 1.2, hi - 1.2
    values = {"x": away_from(RNG.uniform(-3, 3, size=(2, 3)), list(lo) + list(hi.ravel())),
              "lo": lo, "hi": hi}
    w = RNG.uniform(-1, 1, size=(2, 3))
    f, args = CLAMP_TENSORS[name]
    check(lambda T: grads(T, f, [values[a] for a in args.split()], w))


# ------------------------------------------------------------------ double backward

DOUBLE = ["exp", "log", "sqrt", "tanh", "sigmoid", "sin", "square", "reciprocal", "rsqrt", "abs",
          "relu", "clamp", "hardtanh", "leaky_relu", "clamp_min", "expm1", "tan", "erf", "gelu",
          "gelu_tanh", "silu", "elu", "elu_params", "softplus", "softplus_threshold", "selu",
          "celu", "nan_to_num", "exp2", "log1p", "cos"]


@pytest.mark.parametrize("name", DOUBLE + ["elu_", "celu_", "leaky_relu_", "sigmoid_"])
def test_double_backward(name):
    f, domain = OPS[name] if name in OPS else INPLACE[name]
    x, w = inputs(domain), RNG.uniform(-1, 1, size=(2, 3))

    def second(T):
        leaf = T.tensor(x.tolist(), dtype=T.float64, requires_grad=True)
        v = T.tensor(w.tolist(), dtype=T.float64)
        g, = T.autograd.grad((f(T, leaf) * v).sum(), leaf, create_graph=True)
        if not g.requires_grad:  # piecewise-linear ops: the second derivative is zero
            return g, None
        g2, = T.autograd.grad((g * g).sum(), leaf, allow_unused=True)
        return g, g2 + 0  # torch may answer a storage-less "zero tensor": materialise it
    check(second)


# ------------------------------------------------------------------ autograd rules

def test_grad_fn_names_and_what_does_not_require_grad():
    def f(T):
        x = T.tensor([0.5, -1.0], requires_grad=True)
        return (T.isnan(x).requires_grad, T.isfinite(x).grad_fn is None,
                T.logical_not(x).requires_grad, T.sign(x).grad_fn.name(),
                T.square(x).grad_fn.name(), T.clamp(x, T.zeros(2)).grad_fn.name(),
                T.clamp_max(x, T.zeros(2)).grad_fn.name(), NN(T, "relu6")(x).grad_fn.name(),
                T.round(x, decimals=0).grad_fn.name())
    check(f)


def test_autograd_errors():
    def leaf_inplace(T):
        x = T.ones(2, requires_grad=True)
        x.exp_()

    def out_with_grad(T):
        x = T.ones(2, requires_grad=True)
        T.exp(x, out=T.empty(2))

    def clamp_out_with_grad(T):
        x = T.ones(2, requires_grad=True)
        T.clamp(x, 0, 1, out=T.empty(2))

    def saved_output_modified(T):
        x = T.ones(2, requires_grad=True)
        y = T.exp(x)
        y.add_(1)
        y.sum().backward()

    def saved_input_modified(T):
        x = T.ones(2, requires_grad=True)
        h = x * 1
        y = T.sin(h)
        h.mul_(2)
        y.sum().backward()

    for fn in [leaf_inplace, out_with_grad, clamp_out_with_grad, saved_output_modified,
               saved_input_modified]:
        check(fn, raises=RuntimeError)

    def no_grad_is_fine(T):
        x = T.ones(2, requires_grad=True)
        with T.no_grad():
            y = T.exp(x)
            x.sigmoid_()
        return y.requires_grad, x
    check(no_grad_is_fine)


def test_no_leaks_through_backward():
    T = oz()
    import gc

    def run_all():
        for name, (f, domain) in list(OPS.items()) + list(INPLACE.items()):
            x = T.tensor(inputs(domain).tolist(), dtype=T.float64, requires_grad=True)
            g, = T.autograd.grad(f(T, x).sum(), x, create_graph=name in DOUBLE)
            if g.requires_grad:
                T.autograd.grad((g * g).sum(), x, allow_unused=True)
        lo = T.zeros(3, dtype=T.float64, requires_grad=True)
        x = T.ones(2, 3, dtype=T.float64, requires_grad=True)
        T.clamp(x, lo, lo + 1).sum().backward()
        try:
            T.ones(2, requires_grad=True).exp_()
        except RuntimeError:
            pass
    run_all()  # first use creates lasting objects (interned names, caches)
    gc.collect()
    before = T._C._live_tensors()
    run_all()
    gc.collect()
    assert T._C._live_tensors() == before
