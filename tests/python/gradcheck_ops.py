"""The gradient-check table: every op OzTorch exposes, sorted into the ones with a float64
finite-difference case (CASES) and the ones that are not differentiable (NOT_DIFFERENTIABLE, each
with its reason). test_gradcheck_sweep.py runs the cases and asserts that the two lists together
name every public function of oztorch, every Tensor method, property and operator and every
function of oztorch.nn.functional, so an op added without a gradient check fails the sweep.

A case is `fn(T, *inputs)` with T the module under test (oztorch, or torch as the oracle) and the
inputs built from `In` specs: small float64 arrays from a sampler that keeps them away from the
op's kinks, in a memory layout (contiguous, strided, permuted). fn returns a tensor or a (nested)
tuple/list of tensors; its floating outputs are what gets differentiated. fn must not modify its
inputs (in-place forms work on a clone or on a view of one).

Also here: ORACLE_ONLY (kinks, ties and conventions, where only torch's gradient can judge),
NONDIFF_PROBES (non-differentiable ops must not record a graph where torch records none) and
XFAIL (the known bugs, as strict xfails with the bug described).

Names are qualified: "torch.exp", "Tensor.exp_", "Tensor.__add__", "F.gelu".
"""
import zlib
from dataclasses import dataclass

import numpy as np

CONTIG, STRIDED, PERMUTED = "contiguous", "strided", "permuted"

# ---------------------------------------------------------------------------------- samplers
# sampler(rng, shape) -> float64 array. Each keeps its values away from where the ops that use it
# have kinks, poles or discontinuities, so that central differences are exact to ~1e-9.


def signed(rng, shape):
    """|x| in [0.2, 1.5], either sign: away from the kinks at 0 of abs, relu, clamp, sign."""
    return rng.uniform(0.2, 1.5, shape) * rng.choice([-1.0, 1.0], shape)


def pos(rng, shape):
    """[0.3, 1.7]: the domain of log, sqrt, pow's base."""
    return rng.uniform(0.3, 1.7, shape)


def prob(rng, shape):
    """(0.1, 0.9): probabilities (binary_cross_entropy, bernoulli)."""
    return rng.uniform(0.1, 0.9, shape)


def small(rng, shape):
    """|x| in [0.15, 1.1]: tan stays far from its pole."""
    return signed(rng, shape) * 0.75


def distinct(rng, shape):
    """Values at least 0.08 apart, random order: no near-ties for max, sort, maximum, pooling."""
    n = int(np.prod(shape, dtype=np.int64))
    grid = np.linspace(-1.6, 1.6, max(n, 2))[:n] + rng.uniform(-0.02, 0.02, n)
    return rng.permutation(grid).reshape(shape)


def wide(rng, shape):
    """|x| in [0.2, 6]: spans the bends of relu6, hardtanh, hardswish, softplus, huber."""
    return rng.uniform(0.2, 6.0, shape) * rng.choice([-1.0, 1.0], shape)


@dataclass(frozen=True)
class In:
    """One float64 input: its shape, sampler, memory layout and whether it requires grad."""
    shape: tuple
    sampler: object = signed
    layout: str = CONTIG
    grad: bool = True


@dataclass
class Case:
    name: str           # the qualified public name this case exercises
    variant: str        # "" or a short label telling this case from others of the same name
    fn: object          # fn(T, *inputs) -> tensor or nested tuple/list of tensors
    inputs: tuple       # of In
    oracle: str         # "full": torch must match forward and gradients; "grad": gradients only
                        # (random forward values); "none": no torch counterpart to compare with
    eps: float
    rtol: float         # analytic vs finite differences
    atol: float
    torch_rtol: float   # analytic vs torch's analytic

    @property
    def id(self):
        return self.name + ("[%s]" % self.variant if self.variant else "")

    @property
    def seed(self):
        return zlib.crc32(self.id.encode())


CASES = []


def add(name, fn, *inputs, variant="", oracle="full", eps=1e-6, rtol=1e-6, atol=1e-6,
        torch_rtol=1e-8):
    CASES.append(Case(name, variant, fn, tuple(inputs), oracle, eps, rtol, atol, torch_rtol))


def F(T):
    return T.nn.functional


def idx(T, values):
    return T.tensor(values, dtype=T.int64)


def mask(T, values):
    return T.tensor(values, dtype=T.bool)


def with_seed(fn):
    """fn run right after seeding T's generator: a random op draws the same values in every
    evaluation, so finite differences see a deterministic function."""
    def seeded_fn(T, *inputs):
        T.manual_seed(0)
        return fn(T, *inputs)
    return seeded_fn


def inplace_on_view(method, *args):
    """fn for an in-place method applied to a slice of a clone (exercises views + in-place)."""
    def fn(T, x, *rest):
        y = x.clone()
        getattr(y[:, 1:], method)(*rest, *args)
        return y
    return fn


def on_view(write):
    """fn applying write(T, view) (an in-place function) to a slice of a clone."""
    def fn(T, x):
        y = x.clone()
        write(T, y[:, 1:])
        return y
    return fn


# --------------------------------------------------------------------------- unary elementwise
# (name, sampler, forms, extra args): forms says which spellings exist: t = torch.<name>,
# _ = torch.<name>_, T = Tensor.<name>, i = Tensor.<name>_.
UNARY = [
    ("abs", signed, "t_Ti", ()), ("absolute", signed, "tTi", ()), ("neg", signed, "tTi", ()),
    ("negative", signed, "tTi", ()), ("exp", signed, "t_Ti", ()), ("exp2", signed, "t_Ti", ()),
    ("expm1", signed, "t_Ti", ()), ("log", pos, "t_Ti", ()), ("log2", pos, "t_Ti", ()),
    ("log10", pos, "t_Ti", ()), ("log1p", pos, "t_Ti", ()), ("sqrt", pos, "t_Ti", ()),
    ("rsqrt", pos, "t_Ti", ()), ("reciprocal", signed, "t_Ti", ()),
    ("square", signed, "t_Ti", ()), ("sin", signed, "t_Ti", ()), ("cos", signed, "t_Ti", ()),
    ("tan", small, "t_Ti", ()), ("tanh", signed, "t_Ti", ()), ("sigmoid", signed, "t_Ti", ()),
    ("erf", signed, "t_Ti", ()), ("relu", signed, "t_Ti", ()), ("selu", signed, "t_", ()),
    ("celu", signed, "t_", (0.7,)), ("sign", signed, "tTi", ()), ("floor", signed, "t_Ti", ()),
    ("ceil", signed, "t_Ti", ()), ("round", signed, "t_Ti", ()), ("trunc", signed, "t_Ti", ()),
    ("nan_to_num", signed, "t_Ti", ()), ("clone", signed, "tT", ()),
    ("contiguous", signed, "T", ()),
]


def _unary(name, sampler, forms, args):
    if "t" in forms:
        add("torch." + name, lambda T, x: getattr(T, name)(x, *args), In((3, 4), sampler, STRIDED))
    if "_" in forms:
        add("torch." + name + "_", lambda T, x: getattr(T, name + "_")(x.clone(), *args),
            In((2, 3), sampler))
    if "T" in forms:
        add("Tensor." + name, lambda T, x: getattr(x, name)(*args),
            In((3, 2, 2), sampler, PERMUTED))
    if "i" in forms:
        add("Tensor." + name + "_", inplace_on_view(name + "_", *args), In((3, 4), sampler))


for _spec in UNARY:
    _unary(*_spec)

# extra arguments of the unary ops
add("torch.round", lambda T, x: T.round(x * 3, decimals=1), In((5,)), variant="decimals")
add("Tensor.exp_", lambda T, x: x.clone().t().exp_(), In((3, 4)), variant="transposed")
add("torch.nan_to_num", lambda T, x: T.nan_to_num(x, nan=0.0, posinf=1.0), In((5,)),
    variant="args")

# ------------------------------------------------------------------------- binary elementwise
# (name, sampler of self, sampler of other, forms): t = torch.<name>(a, b) broadcasting
# [3, 4] with [4], T = Tensor.<name> on non-contiguous operands, i = Tensor.<name>_ with a
# broadcast other, s = torch.<name>(a, scalar).
BINARY = [
    ("add", signed, signed, "tTis"), ("sub", signed, signed, "tTis"),
    ("subtract", signed, signed, "tTis"), ("mul", signed, signed, "tTis"),
    ("multiply", signed, signed, "tTis"), ("div", signed, signed, "tTis"),
    ("divide", signed, signed, "tTis"), ("true_divide", signed, signed, "tTis"),
    ("atan2", signed, signed, "tTi"), ("arctan2", signed, signed, "tTi"),
    ("pow", pos, signed, "tTis"), ("float_power", pos, signed, "tTis"),
    ("maximum", distinct, distinct, "tT"), ("minimum", distinct, distinct, "tT"),
    ("fmax", distinct, distinct, "tT"), ("fmin", distinct, distinct, "tT"),
    ("fmod", signed, pos, "tTis"), ("remainder", signed, pos, "tTis"),
    ("rsub", signed, signed, "ts"),
]


def _binary(name, sa, sb, forms):
    if "t" in forms:
        add("torch." + name, lambda T, a, b: getattr(T, name)(a, b),
            In((3, 4), sa, STRIDED), In((4,), sb))
    if "T" in forms:
        add("Tensor." + name, lambda T, a, b: getattr(a, name)(b),
            In((2, 3), sa, PERMUTED), In((2, 3), sb, STRIDED))
    if "i" in forms:
        add("Tensor." + name + "_",
            lambda T, a, b: getattr(a.clone(), name + "_")(b), In((3, 4), sa), In((4,), sb))
        add("Tensor." + name + "_", inplace_on_view(name + "_"), In((3, 4), sa), In((3,), sb),
            variant="view")
    if "s" in forms:
        add("torch." + name, lambda T, a: getattr(T, name)(a, 0.7), In((5,), sa),
            variant="scalar")


for _spec in BINARY:
    _binary(*_spec)

add("torch.add", lambda T, a, b: T.add(a, b, alpha=-1.5), In((3,)), In((2, 1)), variant="alpha")
add("torch.mul", lambda T, a, b: T.mul(a, b), In((2, 3)), In(()), variant="0d_other")
add("torch.pow", lambda T, a, b: T.pow(a, b), In((2, 3), pos), In(()), variant="0d_exponent")
add("torch.exp", lambda T, x: T.exp(x), In(()), variant="0d")
add("Tensor.mul_", lambda T, a, b: a.clone().mul_(b), In(()), In(()), variant="0d")
add("Tensor.sub_", lambda T, a, b: a.clone().sub_(b, alpha=0.5), In((2, 3)), In((3,)),
    variant="alpha")
add("torch.rsub", lambda T, a, b: T.rsub(a, b, alpha=2.0), In((4,)), In((4,)), variant="alpha")
add("torch.div", lambda T, a, b: T.div(a, b, rounding_mode="floor"), In((4,)), In((4,), pos),
    variant="floor")
add("Tensor.div", lambda T, a, b: a.div(b, rounding_mode="trunc"), In((4,)), In((4,), pos),
    variant="trunc")
add("torch.pow", lambda T, b: T.pow(1.7, b), In((4,)), variant="scalar_base")
add("Tensor.pow", lambda T, a: a.pow(-2), In((4,)), variant="int_exponent")
add("torch.float_power", lambda T, b: T.float_power(0.8, b), In((4,)), variant="scalar_base")
add("torch.maximum", lambda T, a, b: T.maximum(a, b), In((3, 1), distinct),
    In((4,), distinct), variant="broadcast")

# lerp: start, end and a tensor or scalar weight
add("torch.lerp", lambda T, a, b, w: T.lerp(a, b, w), In((3, 4), signed, STRIDED), In((4,)),
    In((3, 1), prob))
add("torch.lerp", lambda T, a, b: T.lerp(a, b, 0.3), In((4,)), In((4,)), variant="scalar")
add("Tensor.lerp", lambda T, a, b, w: a.lerp(b, w), In((2, 3), signed, PERMUTED), In((2, 3)),
    In((2, 3), prob))
add("Tensor.lerp_", lambda T, a, b: a.clone().lerp_(b, 0.7), In((3, 2)), In((2,)))

# ----------------------------------------------------------------------------------- clamping
for _n in ("clamp", "clip"):
    add("torch." + _n, lambda T, x, n=_n: getattr(T, n)(x, -0.9, 0.9), In((3, 4), signed, STRIDED))
    add("torch." + _n + "_", lambda T, x, n=_n: getattr(T, n + "_")(x.clone(), min=-0.6),
        In((6,)))
    add("Tensor." + _n, lambda T, x, lo, hi, n=_n: getattr(x, n)(lo, hi),
        In((3, 4), distinct, PERMUTED), In((4,), lambda r, s: r.uniform(-1.8, -0.9, s)),
        In((3, 1), lambda r, s: r.uniform(0.9, 1.8, s)), variant="tensor_bounds")
    add("Tensor." + _n + "_", inplace_on_view(_n + "_", None, 0.5), In((3, 4), distinct))
add("Tensor.clamp", lambda T, x: x.clamp(max=0.4), In((6,), distinct))
for _n in ("clamp_min", "clamp_max"):
    add("torch." + _n, lambda T, x, n=_n: getattr(T, n)(x, 0.3), In((3, 4), distinct, STRIDED))
    add("torch." + _n + "_", lambda T, x, n=_n: getattr(T, n + "_")(x.clone(), -0.3),
        In((6,), distinct))
    add("Tensor." + _n, lambda T, x, b, n=_n: getattr(x, n)(b), In((3, 4), distinct),
        In((4,), distinct))
    add("Tensor." + _n + "_", inplace_on_view(_n + "_", 0.1), In((3, 4), distinct))

# ---------------------------------------------------------------------------------- ternary
for _n in ("addcmul", "addcdiv"):
    add("torch." + _n, lambda T, a, b, c, n=_n: getattr(T, n)(a, b, c, value=0.5),
        In((3, 4), signed, STRIDED), In((4,)), In((3, 1)))
    add("Tensor." + _n, lambda T, a, b, c, n=_n: getattr(a, n)(b, c), In((2, 3), signed, PERMUTED),
        In((2, 3)), In((2, 3)))
    add("Tensor." + _n + "_", lambda T, a, b, c, n=_n: getattr(a.clone(), n + "_")(b, c, value=-2),
        In((2, 3)), In((3,)), In((2, 3)))

# ---------------------------------------------------------------------------------- where
add("torch.where", lambda T, a, b: T.where(a > 0, a, b), In((3, 4), signed, STRIDED), In((4,)))
add("torch.where", lambda T, a: T.where(a > 0, a, 0.5), In((6,)), variant="scalar_other")
add("torch.where", lambda T, b: T.where(b > 0, -2.0, b), In((2, 3)), variant="scalar_self")
add("Tensor.where", lambda T, a, b: a.where(b < 0, b), In((2, 3), signed, PERMUTED), In((2, 3)))

# -------------------------------------------------------------------------------- reductions
add("torch.sum", lambda T, x: T.sum(x), In((3, 4), signed, STRIDED))
add("torch.sum", lambda T, x: T.sum(x, (0, 2), keepdim=True), In((2, 3, 2), signed, PERMUTED),
    variant="dims")
add("Tensor.sum", lambda T, x: x.sum(1, dtype=T.float64), In((3, 4)))
add("torch.sum", lambda T, x: T.sum(x, 0), In((0, 3)), variant="empty")
add("Tensor.sum", lambda T, x: x.sum(), In(()), variant="0d")
add("torch.mean", lambda T, x: T.mean(x, 1), In((3, 4), signed, STRIDED))
add("Tensor.mean", lambda T, x: x.mean(), In((2, 3, 2), signed, PERMUTED))
add("torch.prod", lambda T, x: T.prod(x), In((3, 4), pos, STRIDED))
add("Tensor.prod", lambda T, x: x.prod(1, keepdim=True), In((3, 4), signed, PERMUTED))
add("torch.amax", lambda T, x: T.amax(x, (0, 1)), In((3, 4), distinct, STRIDED))
add("Tensor.amax", lambda T, x: x.amax(1), In((3, 4), distinct))
add("torch.amin", lambda T, x: T.amin(x, 0, keepdim=True), In((3, 4), distinct, PERMUTED))
add("Tensor.amin", lambda T, x: x.amin(), In((3, 4), distinct))
for _n in ("max", "min"):
    add("torch." + _n, lambda T, x, n=_n: getattr(T, n)(x), In((3, 4), distinct, STRIDED))
    add("torch." + _n, lambda T, x, n=_n: getattr(T, n)(x, 1), In((3, 4), distinct),
        variant="dim")
    add("torch." + _n, lambda T, a, b, n=_n: getattr(T, n)(a, b), In((3, 4), distinct),
        In((4,), distinct), variant="binary")
    add("Tensor." + _n, lambda T, x, n=_n: getattr(x, n)(dim=0, keepdim=True),
        In((3, 4), distinct, PERMUTED))
    add("Tensor." + _n, lambda T, a, b, n=_n: getattr(a, n)(b), In((3, 4), distinct),
        In((3, 1), distinct), variant="binary")
for _n in ("std", "var"):
    add("torch." + _n, lambda T, x, n=_n: getattr(T, n)(x, 1), In((3, 4), signed, STRIDED))
    add("torch." + _n, lambda T, x, n=_n: getattr(T, n)(x, unbiased=False), In((3, 4)),
        variant="biased")
    add("Tensor." + _n, lambda T, x, n=_n: getattr(x, n)((0, 1), keepdim=True),
        In((3, 4), signed, PERMUTED))
    add("Tensor." + _n, lambda T, x, n=_n: getattr(x, n)(0, correction=0), In((3, 4)),
        variant="correction")
    add("torch." + _n + "_mean", lambda T, x, n=_n: getattr(T, n + "_mean")(x, 1),
        In((3, 4), signed, STRIDED))
    add("torch." + _n + "_mean", lambda T, x, n=_n: getattr(T, n + "_mean")(x, (0, 1),
                                                                            correction=2),
        In((3, 4)), variant="correction")
    # Tensor.std_mean / var_mean are OzTorch extras (torch has only the functions)
    add("Tensor." + _n + "_mean", lambda T, x, n=_n: getattr(T, n + "_mean")(x, 0)
        if T.__name__ == "torch" else getattr(x, n + "_mean")(0), In((3, 4)))
add("torch.norm", lambda T, x: T.norm(x), In((3, 4), signed, STRIDED))
add("torch.norm", lambda T, x: T.norm(x, p=1, dim=1), In((3, 4)), variant="p1")
add("torch.norm", lambda T, x: T.norm(x, p="fro", dim=(0, 1)), In((3, 4)), variant="fro")
add("torch.norm", lambda T, x: T.norm(x, p=0, dim=1), In((3, 4)), variant="p0")
add("Tensor.norm", lambda T, x: x.norm(3, dim=0, keepdim=True), In((3, 4), signed, PERMUTED))
add("Tensor.norm", lambda T, x: x.norm(float("inf"), dim=1), In((3, 4), distinct),
    variant="inf")
add("torch.logsumexp", lambda T, x: T.logsumexp(x, 1), In((3, 4), signed, STRIDED))
add("torch.logsumexp", lambda T, x: T.logsumexp(x, 0, keepdim=True), In((3, 4)),
    variant="keepdim")
add("Tensor.logsumexp", lambda T, x: x.logsumexp((0, 1)), In((3, 4), signed, PERMUTED))
for _n, _s in (("cumsum", signed), ("cumprod", pos)):
    add("torch." + _n, lambda T, x, n=_n: getattr(T, n)(x, 1), In((3, 4), _s, STRIDED))
    add("Tensor." + _n, lambda T, x, n=_n: getattr(x, n)(0), In((3, 4), _s, PERMUTED))
    add("Tensor." + _n + "_", inplace_on_view(_n + "_", 1), In((3, 4), _s))
add("Tensor.cumprod", lambda T, x: x.cumprod(1), In((2, 5), signed), variant="signed")
add("torch.sort", lambda T, x: T.sort(x, 1), In((3, 4), distinct, STRIDED))
add("Tensor.sort", lambda T, x: x.sort(0, descending=True).values, In((3, 4), distinct, PERMUTED))
add("torch.sort", lambda T, x: T.sort(x, stable=True, dim=0), In((3, 4), distinct),
    variant="stable")
add("torch.topk", lambda T, x: T.topk(x, 2), In((3, 4), distinct, STRIDED))
add("Tensor.topk", lambda T, x: x.topk(2, dim=0, largest=False), In((3, 4), distinct))
add("torch.trace", lambda T, x: T.trace(x), In((3, 3), signed, STRIDED))
add("Tensor.trace", lambda T, x: x.trace(), In((3, 4), signed, PERMUTED))
add("torch.diag", lambda T, x: T.diag(x, 1), In((3, 4), signed, STRIDED))
add("torch.diag", lambda T, x: T.diag(x, -1), In((3,), signed), variant="vector")
add("Tensor.diag", lambda T, x: x.diag(), In((3, 3), signed, PERMUTED))
add("torch.diag_embed", lambda T, x: T.diag_embed(x, 1), In((2, 3), signed))
add("Tensor.diag_embed", lambda T, x: x.diag_embed(), In((2, 3), signed, PERMUTED))
add("torch.diagonal", lambda T, x: T.diagonal(x, 0, 1, 2), In((2, 3, 3), signed))
add("Tensor.diagonal", lambda T, x: x.diagonal(-1), In((3, 4), signed, STRIDED))
add("torch.meshgrid", lambda T, a, b: T.stack([g * (i + 1) for i, g in enumerate(
    T.meshgrid(a, b, indexing="ij"))]), In((3,), signed), In((2,), signed))
add("F.interpolate", lambda T, x: F(T).interpolate(x, scale_factor=2, mode="nearest"),
    In((1, 2, 2, 3), signed))
add("F.interpolate", lambda T, x: F(T).interpolate(x, size=(3, 5), mode="bilinear",
                                                   align_corners=False),
    In((1, 1, 2, 3), signed, PERMUTED), variant="bilinear")
add("F.interpolate", lambda T, x: F(T).interpolate(x, size=5, mode="linear", align_corners=True),
    In((1, 2, 3), signed), variant="linear")
add("torch.softmax", lambda T, x: T.softmax(x, 1), In((3, 4), signed, STRIDED))
add("Tensor.softmax", lambda T, x: x.softmax(0), In((3, 4), signed, PERMUTED))
add("torch.log_softmax", lambda T, x: T.log_softmax(x, -1), In((3, 4), signed, STRIDED))
add("Tensor.log_softmax", lambda T, x: x.log_softmax(0), In((3, 4), signed, PERMUTED))

# --------------------------------------------------------------------------- linear algebra
add("torch.mm", lambda T, a, b: T.mm(a, b), In((2, 3), signed, STRIDED), In((3, 2), signed,
                                                                         PERMUTED))
add("Tensor.mm", lambda T, a, b: a.mm(b), In((2, 3)), In((3, 4)))
add("torch.bmm", lambda T, a, b: T.bmm(a, b), In((2, 2, 3), signed, PERMUTED), In((2, 3, 2)))
add("Tensor.bmm", lambda T, a, b: a.bmm(b), In((2, 2, 3)), In((2, 3, 2), signed, STRIDED))
add("torch.matmul", lambda T, a, b: T.matmul(a, b), In((2, 2, 3), signed, STRIDED),
    In((3, 2)), variant="batched_2d")
add("torch.matmul", lambda T, a, b: T.matmul(a, b), In((4,)), In((4,)), variant="1d_1d")
add("torch.matmul", lambda T, a, b: T.matmul(a, b), In((3,)), In((2, 3, 2)), variant="1d_3d")
add("torch.matmul", lambda T, a, b: T.matmul(a, b), In((3,)), In((3, 2), signed, PERMUTED),
    variant="1d_2d")
add("Tensor.matmul", lambda T, a, b: a.matmul(b), In((2, 3), signed, PERMUTED), In((3,)))
add("Tensor.matmul", lambda T, a, b: a.matmul(b), In((2, 1, 2, 3)), In((3, 3, 2)),
    variant="broadcast")
add("torch.mv", lambda T, a, b: T.mv(a, b), In((3, 4), signed, PERMUTED), In((4,)))
add("Tensor.mv", lambda T, a, b: a.mv(b), In((2, 3)), In((3,), signed, STRIDED))
for _n in ("dot", "vdot", "inner", "outer", "ger"):
    add("torch." + _n, lambda T, a, b, n=_n: getattr(T, n)(a, b), In((4,), signed, STRIDED),
        In((4,)))
    add("Tensor." + _n, lambda T, a, b, n=_n: getattr(a, n)(b), In((3,)), In((3,)))
add("torch.inner", lambda T, a, b: T.inner(a, b), In((2, 3), signed, PERMUTED), In((2, 2, 3)),
    variant="nd")
add("torch.tensordot", lambda T, a, b: T.tensordot(a, b, dims=1), In((2, 3)), In((3, 2)))
add("torch.tensordot", lambda T, a, b: T.tensordot(a, b, dims=([0, 2], [2, 0])),
    In((2, 3, 2), signed, PERMUTED), In((2, 2, 2)), variant="lists")
add("torch.einsum", lambda T, a, b: T.einsum("ij,jk->ik", a, b), In((2, 3)), In((3, 2)))
add("torch.einsum", lambda T, a, b: T.einsum("bij,bj->bi", a, b),
    In((2, 2, 3), signed, PERMUTED), In((2, 3)), variant="batched")
add("torch.einsum", lambda T, a: T.einsum("ii->", a), In((3, 3), signed, STRIDED),
    variant="trace")
add("torch.einsum", lambda T, a, b, c: T.einsum("i,ij,j->", a, b, c), In((2,)), In((2, 3)),
    In((3,)), variant="three")
add("torch.einsum", lambda T, a, b: T.einsum("...ij,...jk", a, b), In((2, 2, 3)),
    In((3, 2), signed, STRIDED), variant="ellipsis")
add("torch.addmm", lambda T, c, a, b: T.addmm(c, a, b, beta=0.5, alpha=2.0), In((2, 2)),
    In((2, 3), signed, STRIDED), In((3, 2)))
add("torch.addmm", lambda T, c, a, b: T.addmm(c, a, b), In((2,)), In((2, 3)), In((3, 2)),
    variant="broadcast")
add("Tensor.addmm", lambda T, c, a, b: c.addmm(a, b), In((2, 2), signed, PERMUTED),
    In((2, 3)), In((3, 2)))
add("Tensor.addmm_", lambda T, c, a, b: c.clone().addmm_(a, b, alpha=-1), In((2, 2)),
    In((2, 3)), In((3, 2)))
add("torch.addmv", lambda T, c, a, b: T.addmv(c, a, b, beta=2.0), In((2,)), In((2, 3),
                                                                             signed, PERMUTED),
    In((3,)))
add("Tensor.addmv", lambda T, c, a, b: c.addmv(a, b), In((2,)), In((2, 3)), In((3,)))
add("Tensor.addmv_", lambda T, c, a, b: c.clone().addmv_(a, b, alpha=0.5), In((2,)), In((2, 3)),
    In((3,)))
add("torch.addbmm", lambda T, c, a, b: T.addbmm(c, a, b, beta=0.5), In((2, 2)),
    In((2, 2, 3), signed, STRIDED), In((2, 3, 2)))
add("Tensor.addbmm", lambda T, c, a, b: c.addbmm(a, b), In((2, 2)), In((2, 2, 3)),
    In((2, 3, 2)))
add("Tensor.addbmm_", lambda T, c, a, b: c.clone().addbmm_(a, b, alpha=3), In((2, 2)),
    In((2, 2, 3)), In((2, 3, 2)))
add("torch.baddbmm", lambda T, c, a, b: T.baddbmm(c, a, b, alpha=0.5), In((2, 2, 2)),
    In((2, 2, 3), signed, PERMUTED), In((2, 3, 2)))
add("Tensor.baddbmm", lambda T, c, a, b: c.baddbmm(a, b), In((2, 1)), In((2, 2, 3)),
    In((2, 3, 2)))
add("Tensor.baddbmm_", lambda T, c, a, b: c.clone().baddbmm_(a, b, beta=-1), In((2, 2, 2)),
    In((2, 2, 3)), In((2, 3, 2)))

# ------------------------------------------------------------------------ views and shapes
add("torch.reshape", lambda T, x: T.reshape(x, (4, 3)), In((3, 4), signed, STRIDED))
add("Tensor.reshape", lambda T, x: x.reshape(-1), In((3, 4), signed, PERMUTED))
add("Tensor.reshape_as", lambda T, x, y: x.reshape_as(y), In((2, 6)), In((3, 4)))
add("Tensor.view", lambda T, x: x.view(2, 2, 3), In((3, 4)))
add("Tensor.view_as", lambda T, x, y: x.view_as(y), In((12,)), In((3, 4)))
add("Tensor.expand", lambda T, x: x.expand(2, 3, -1), In((3, 1), signed, STRIDED))
add("Tensor.expand_as", lambda T, x, y: x.expand_as(y), In((4,)), In((3, 4)))
add("torch.permute", lambda T, x: T.permute(x, (2, 0, 1)), In((2, 3, 2), signed, STRIDED))
add("Tensor.permute", lambda T, x: x.permute(1, 0), In((3, 4), signed, PERMUTED))
add("torch.t", lambda T, x: T.t(x), In((3, 4), signed, STRIDED))
add("Tensor.t", lambda T, x: x.t(), In((5,)), variant="1d")
add("Tensor.t", lambda T, x: x.t(), In((3, 4), signed, PERMUTED))
add("Tensor.T", lambda T, x: x.T, In((3, 4), signed, STRIDED))
for _n in ("transpose", "swapaxes", "moveaxis", "movedim"):
    add("torch." + _n, lambda T, x, n=_n: getattr(T, n)(x, 0, 2), In((2, 3, 2), signed, STRIDED))
    add("Tensor." + _n, lambda T, x, n=_n: getattr(x, n)(-1, 0), In((3, 4), signed, PERMUTED))
add("torch.movedim", lambda T, x: T.movedim(x, (0, 1), (2, 0)), In((2, 3, 2)), variant="tuple")
add("torch.squeeze", lambda T, x: T.squeeze(x, 1), In((3, 1, 4)))
add("Tensor.squeeze", lambda T, x: x.squeeze(), In((1, 3, 1, 4), signed, STRIDED))
add("torch.unsqueeze", lambda T, x: T.unsqueeze(x, -1), In((3, 4), signed, STRIDED))
add("Tensor.unsqueeze", lambda T, x: x.unsqueeze(1), In((3, 4), signed, PERMUTED))
add("torch.flatten", lambda T, x: T.flatten(x), In((2, 3, 2), signed, PERMUTED))
add("Tensor.flatten", lambda T, x: x.flatten(1), In((2, 3, 2), signed, STRIDED))
add("torch.unflatten", lambda T, x: T.unflatten(x, 1, (2, 2)), In((3, 4), signed, STRIDED))
add("Tensor.unflatten", lambda T, x: x.unflatten(0, (2, -1)), In((4, 3), signed, PERMUTED))
add("torch.select", lambda T, x: T.select(x, 1, -1), In((3, 4), signed, STRIDED))
add("Tensor.select", lambda T, x: x.select(0, 1), In((3, 4), signed, PERMUTED))
add("torch.narrow", lambda T, x: T.narrow(x, 1, 1, 2), In((3, 4), signed, STRIDED))
add("Tensor.narrow", lambda T, x: x.narrow(0, 1, 2), In((3, 4), signed, PERMUTED))
add("torch.chunk", lambda T, x: T.chunk(x, 3, 1), In((3, 4), signed, STRIDED))
add("Tensor.chunk", lambda T, x: x.chunk(2), In((3, 4), signed, PERMUTED))
add("torch.split", lambda T, x: T.split(x, 3, 1), In((2, 5), signed, STRIDED))
add("Tensor.split", lambda T, x: x.split([1, 3], 1), In((3, 4), signed, PERMUTED))
add("torch.split_with_sizes", lambda T, x: T.split_with_sizes(x, [2, 1], 0), In((3, 4)))
add("Tensor.split_with_sizes", lambda T, x: x.split_with_sizes([1, 1, 2], 1)[1:],
    In((3, 4), signed, STRIDED))
add("torch.unbind", lambda T, x: T.unbind(x, 1), In((3, 4), signed, STRIDED))
add("Tensor.unbind", lambda T, x: x.unbind(), In((3, 4), signed, PERMUTED))
add("torch.flip", lambda T, x: T.flip(x, (0, 1)), In((3, 4), signed, STRIDED))
add("Tensor.flip", lambda T, x: x.flip(-1), In((3, 4), signed, PERMUTED))
for _n in ("fliplr", "flipud"):
    add("torch." + _n, lambda T, x, n=_n: getattr(T, n)(x), In((3, 4), signed, STRIDED))
    add("Tensor." + _n, lambda T, x, n=_n: getattr(x, n)(), In((3, 4), signed, PERMUTED))
add("torch.roll", lambda T, x: T.roll(x, (1, -2), (0, 1)), In((3, 4), signed, STRIDED))
add("torch.roll", lambda T, x: T.roll(x, 5), In((3, 4)), variant="flat")
add("Tensor.roll", lambda T, x: x.roll(1, 1), In((3, 4), signed, PERMUTED))
add("Tensor.repeat", lambda T, x: x.repeat(2, 3), In((2, 2), signed, STRIDED))
add("Tensor.repeat", lambda T, x: x.repeat(2, 1, 2), In((3,)), variant="new_dims")
add("torch.repeat_interleave", lambda T, x: T.repeat_interleave(x, 2, dim=1),
    In((3, 4), signed, STRIDED))
add("torch.repeat_interleave", lambda T, x: T.repeat_interleave(x, idx(T, [1, 0, 3]), 0),
    In((3, 2), signed, PERMUTED), variant="tensor_repeats")
add("Tensor.repeat_interleave", lambda T, x: x.repeat_interleave(2), In((2, 3)))
add("torch.tile", lambda T, x: T.tile(x, (2,)), In((2, 3), signed, PERMUTED))
add("Tensor.tile", lambda T, x: x.tile((2, 1, 1)), In((2, 3)))
for _n in ("tril", "triu"):
    add("torch." + _n, lambda T, x, n=_n: getattr(T, n)(x), In((3, 4), signed, STRIDED))
    add("Tensor." + _n, lambda T, x, n=_n: getattr(x, n)(-1), In((4, 3), signed, PERMUTED))
    add("Tensor." + _n + "_", lambda T, x, n=_n: getattr(x.clone(), n + "_")(1), In((3, 3)))
for _n in ("cat", "concat", "concatenate"):
    add("torch." + _n, lambda T, a, b, n=_n: getattr(T, n)([a, b], 1), In((2, 3), signed, STRIDED),
        In((2, 2), signed, PERMUTED))
add("torch.cat", lambda T, a, b: T.cat((a, b)), In((2, 3)), In((1, 3)), variant="dim0")
add("torch.cat", lambda T, a, b: T.cat((a, b)), In((0, 3)), In((2, 3)), variant="empty")
add("torch.stack", lambda T, a, b: T.stack([a, b], 1), In((2, 3), signed, STRIDED), In((2, 3)))
for _n in ("hstack", "vstack", "dstack", "column_stack", "row_stack"):
    add("torch." + _n, lambda T, a, b, n=_n: getattr(T, n)([a, b]), In((2, 3), signed, STRIDED),
        In((2, 3)))
    add("torch." + _n, lambda T, a, b, n=_n: getattr(T, n)((a, b)), In((3,)), In((3,)),
        variant="1d")
for _n in ("atleast_1d", "atleast_2d", "atleast_3d"):
    add("torch." + _n, lambda T, a, b, n=_n: getattr(T, n)(a, b), In(()), In((3,)))
    add("torch." + _n, lambda T, a, n=_n: getattr(T, n)(a), In((2, 3), signed, PERMUTED),
        variant="2d")

# -------------------------------------------------------------------- copies and conversions
HALF_TOL = dict(eps=0.25, rtol=1e-2, atol=1e-2)     # linear maps: a large step is exact but for
FLOAT_TOL = dict(eps=1e-2, rtol=1e-4, atol=1e-4)    # the rounding of the low-precision result
add("Tensor.to", lambda T, x: x.to(T.float32), In((3, 4), signed, STRIDED), **FLOAT_TOL)
add("Tensor.to", lambda T, x: x.to("cpu", T.float64, copy=True), In((3, 4)), variant="copy")
add("Tensor.to", lambda T, x, y: x.to(y), In((4,)), In((2,), grad=False), variant="other")
add("Tensor.double", lambda T, x: x.double(), In((3, 4), signed, PERMUTED))
add("Tensor.double", lambda T, x: x.float().double(), In((3, 4)), variant="from_float",
    **FLOAT_TOL)
add("Tensor.float", lambda T, x: x.float(), In((3, 4), signed, STRIDED), **FLOAT_TOL)
add("Tensor.half", lambda T, x: x.half(), In((3, 4)), **HALF_TOL)
add("Tensor.bfloat16", lambda T, x: x.bfloat16(), In((3, 4)), eps=0.5, rtol=5e-2, atol=5e-2)
add("Tensor.type", lambda T, x: x.type(T.float32), In((3, 4)), **FLOAT_TOL)
add("Tensor.type", lambda T, x: x.type("torch.DoubleTensor"), In((3, 4)), variant="string")
add("Tensor.type_as", lambda T, x, y: x.type_as(y), In((4,)), In((2,), grad=False))
add("Tensor.cpu", lambda T, x: x.cpu(), In((3, 4), signed, PERMUTED))
add("Tensor.copy_", lambda T, x, s: x.clone().copy_(s), In((3, 4)), In((4,), signed, STRIDED))
add("Tensor.copy_", inplace_on_view("copy_"), In((3, 4)), In((3, 3)), variant="view")
add("torch.as_tensor", lambda T, x: T.as_tensor(x), In((3, 4)))
add("torch.as_tensor", lambda T, x: T.as_tensor(x, dtype=T.float32), In((3, 4)),
    variant="dtype", **FLOAT_TOL)
# In-place writes that replace every value: the gradient of what they overwrite is zero.
add("Tensor.fill_", lambda T, x: x.clone().fill_(2.0), In((3, 4)))
add("Tensor.fill_", lambda T, x, v: x.clone().fill_(v), In((3, 4)), In(()), variant="tensor")
add("Tensor.zero_", inplace_on_view("zero_"), In((3, 4)))

# ------------------------------------------------------------------------------- indexing
add("torch.gather", lambda T, x: T.gather(x, 1, idx(T, [[0, 2], [1, 1], [3, 0]])),
    In((3, 4), signed, STRIDED))
add("torch.gather", lambda T, x: T.gather(x, -2, idx(T, [[0, 2, 1, 1]])), In((3, 4)),
    variant="negative_dim")
add("Tensor.gather", lambda T, x: x.gather(0, idx(T, [[2, 0, 1, 1]])), In((3, 4), signed,
                                                                            PERMUTED))
add("torch.take_along_dim", lambda T, x: T.take_along_dim(x, idx(T, [[0], [2], [1]]), 1),
    In((3, 4), signed, STRIDED))
add("Tensor.take_along_dim", lambda T, x: x.take_along_dim(idx(T, [5, 0, 5])), In((2, 3)))
add("torch.take", lambda T, x: T.take(x, idx(T, [[0, 11], [5, 5]])), In((3, 4), signed, PERMUTED))
add("Tensor.take", lambda T, x: x.take(idx(T, [-1, 3])), In((3, 4), signed, STRIDED))
add("torch.index_select", lambda T, x: T.index_select(x, 1, idx(T, [3, 0, 3])),
    In((3, 4), signed, STRIDED))
add("Tensor.index_select", lambda T, x: x.index_select(0, idx(T, [2, 0])), In((3, 4), signed,
                                                                                PERMUTED))
add("torch.masked_select", lambda T, x: T.masked_select(x, x > 0), In((3, 4), signed, STRIDED))
# torch 1.13's gradient is wrong for a broadcast mask over a non-contiguous input (it scatters
# in memory order); the finite differences are the judge there.
add("Tensor.masked_select", lambda T, x: x.masked_select(mask(T, [True, False, True, False])),
    In((3, 4), signed, PERMUTED), oracle="none")
add("Tensor.masked_select", lambda T, x: x.masked_select(mask(T, [[True], [False], [True]])),
    In((3, 4)), variant="broadcast_mask")
add("torch.masked_fill", lambda T, x: T.masked_fill(x, x > 0, 0.5), In((3, 4), signed, STRIDED))
add("Tensor.masked_fill", lambda T, x, v: x.masked_fill(mask(T, [True, False, True]), v),
    In((4, 3), signed, PERMUTED), In(()), variant="tensor_value")
add("Tensor.masked_fill_", lambda T, x: x.clone().masked_fill_(x < 0, -2.0), In((3, 4)))
add("torch.index_fill", lambda T, x: T.index_fill(x, 1, idx(T, [0, 2]), -1.0),
    In((3, 4), signed, STRIDED))
add("Tensor.index_fill", lambda T, x: x.index_fill(0, idx(T, [1]), 2.0), In((3, 4), signed,
                                                                           PERMUTED))
add("Tensor.index_fill_", lambda T, x: x.clone().index_fill_(1, idx(T, [3]), 0.0), In((3, 4)))
add("torch.index_add", lambda T, x, s: T.index_add(x, 0, idx(T, [2, 0, 2]), s, alpha=2.0),
    In((3, 4), signed, STRIDED), In((3, 4)))
add("Tensor.index_add", lambda T, x, s: x.index_add(1, idx(T, [1, 1]), s),
    In((3, 4), signed, PERMUTED), In((3, 2), signed, STRIDED))
add("Tensor.index_add_", lambda T, x, s: x.clone().index_add_(0, idx(T, [1]), s), In((3, 4)),
    In((1, 4)))
add("torch.scatter", lambda T, x, s: T.scatter(x, 1, idx(T, [[0, 2], [3, 1]]), s),
    In((2, 4), signed, STRIDED), In((2, 2)))
add("torch.scatter", lambda T, x: T.scatter(x, 0, idx(T, [[1, 0, 1]]), 0.25), In((2, 3)),
    variant="scalar_value")
add("Tensor.scatter", lambda T, x, s: x.scatter(0, idx(T, [[2, 0], [0, 1]]), s),
    In((3, 2), signed, PERMUTED), In((2, 2)))
add("Tensor.scatter_", lambda T, x, s: x.clone().scatter_(1, idx(T, [[1], [0]]), s), In((2, 3)),
    In((2, 1)))
add("torch.scatter_add", lambda T, x, s: T.scatter_add(x, 0, idx(T, [[0, 1], [1, 0], [0, 0]]), s),
    In((2, 2), signed, STRIDED), In((3, 2)))
add("Tensor.scatter_add", lambda T, x, s: x.scatter_add(1, idx(T, [[2, 2, 0]]), s),
    In((2, 3), signed, PERMUTED), In((1, 3)))
add("Tensor.scatter_add_", lambda T, x, s: x.clone().scatter_add_(0, idx(T, [[1, 1]]), s),
    In((2, 2)), In((1, 2)))
add("torch.index_put", lambda T, x, v: T.index_put(x, (idx(T, [0, 2]), idx(T, [1, 3])), v),
    In((3, 4), signed, STRIDED), In((2,)))
add("Tensor.index_put", lambda T, x, v: x.index_put((idx(T, [1, 1]),), v, accumulate=True),
    In((3, 4), signed, PERMUTED), In((4,)), variant="accumulate")
add("Tensor.index_put", lambda T, x, v: x.index_put((mask(T, [True, False, True]),), v),
    In((3, 2)), In((2,)), variant="mask")
add("Tensor.index_put_", lambda T, x, v: x.clone().index_put_((idx(T, [2, 0]),), v), In((3, 2)),
    In((2, 2)))
add("torch.put", lambda T, x, s: T.put(x, idx(T, [0, 5, 11]), s), In((3, 4), signed, STRIDED),
    In((3,)))
add("Tensor.put", lambda T, x, s: x.put(idx(T, [1, 1, 4]), s, accumulate=True),
    In((3, 4), signed, PERMUTED), In((3,)))
add("Tensor.put_", lambda T, x, s: x.clone().put_(idx(T, [-1]), s), In((2, 3)), In((1,)))

# ----------------------------------------------------------------------- Python operators
# (binary dunders on two tensors; the reflected forms receive the tensor on the right)


def _iop(op):
    def fn(T, a, b):
        y = a.clone()
        return op(y, b)
    return fn


def _iadd(y, b):
    y += b
    return y


def _isub(y, b):
    y -= b
    return y


def _imul(y, b):
    y *= b
    return y


def _idiv(y, b):
    y /= b
    return y


def _imod(y, b):
    y %= b
    return y


def _ipow(y, b):
    y **= b
    return y


add("Tensor.__add__", lambda T, a, b: a + b, In((3, 4), signed, STRIDED), In((4,)))
add("Tensor.__radd__", lambda T, a: 1.5 + a, In((3, 4), signed, PERMUTED))
add("Tensor.__iadd__", _iop(_iadd), In((3, 4)), In((4,)))
add("Tensor.__sub__", lambda T, a, b: a - b, In((3, 4), signed, STRIDED), In((3, 1)))
add("Tensor.__rsub__", lambda T, a: 1.5 - a, In((3, 4), signed, PERMUTED))
add("Tensor.__isub__", _iop(_isub), In((3, 4)), In((4,)))
add("Tensor.__mul__", lambda T, a, b: a * b, In((3, 4), signed, STRIDED), In((4,)))
add("Tensor.__rmul__", lambda T, a: -2.0 * a, In((3, 4), signed, PERMUTED))
add("Tensor.__imul__", _iop(_imul), In((3, 4)), In((4,)))
add("Tensor.__truediv__", lambda T, a, b: a / b, In((3, 4), signed, STRIDED), In((4,)))
add("Tensor.__rtruediv__", lambda T, a: 2.0 / a, In((3, 4), signed, PERMUTED))
add("Tensor.__itruediv__", _iop(_idiv), In((3, 4)), In((4,)))
add("Tensor.__mod__", lambda T, a, b: a % b, In((3, 4), signed, STRIDED), In((4,), pos))
add("Tensor.__imod__", _iop(_imod), In((3, 4)), In((4,), pos))
add("Tensor.__pow__", lambda T, a, b: a ** b, In((3, 4), pos, STRIDED), In((4,)))
add("Tensor.__pow__", lambda T, a: a ** 3, In((4,)), variant="int")
add("Tensor.__rpow__", lambda T, a: 2 ** a, In((3, 4), signed, PERMUTED))
add("Tensor.__ipow__", _iop(_ipow), In((3, 4), pos), In((4,)))
add("Tensor.__matmul__", lambda T, a, b: a @ b, In((2, 3), signed, STRIDED), In((3, 2)))
add("Tensor.__rmatmul__", lambda T, a, b: a.__rmatmul__(b), In((3, 2), signed, PERMUTED),
    In((2, 3)))
add("Tensor.__neg__", lambda T, a: -a, In((3, 4), signed, STRIDED))
add("Tensor.__pos__", lambda T, a: +a, In((3, 4), signed, PERMUTED))
add("Tensor.__abs__", lambda T, a: abs(a), In((3, 4), signed, STRIDED))
add("Tensor.__iter__", lambda T, a: list(a), In((3, 4), signed, PERMUTED))
add("Tensor.__getitem__", lambda T, a: a[1:, ::2], In((3, 4), signed, STRIDED))
add("Tensor.__getitem__", lambda T, a: a[-1, None, ..., 1], In((2, 3, 2), signed, PERMUTED),
    variant="int_none_ellipsis")
add("Tensor.__getitem__", lambda T, a: a[idx(T, [1, 0, 1]), 1:], In((3, 3)), variant="tensor")
add("Tensor.__getitem__", lambda T, a: a[[0, 2], [1, 1]], In((3, 3)), variant="lists")
add("Tensor.__getitem__", lambda T, a: a[a > 0], In((3, 4), signed, PERMUTED), variant="mask")
add("Tensor.__getitem__", lambda T, a: a[:, idx(T, [[0, 2], [1, 1]])], In((2, 3)),
    variant="2d_index")


def _setitem_slice(T, x, v):
    y = x.clone()
    y[1:, ::2] = v
    return y


def _setitem_scalar(T, x):
    y = x.clone()
    y[0] = 0.5
    return y


def _setitem_index(T, x, v):
    y = x.clone()
    y[idx(T, [2, 0])] = v
    return y


def _setitem_mask(T, x, v):
    y = x.clone()
    y[x > 0] = v
    return y


add("Tensor.__setitem__", _setitem_slice, In((3, 4), signed, STRIDED), In((2,)))
add("Tensor.__setitem__", _setitem_scalar, In((3, 4)), variant="scalar")
add("Tensor.__setitem__", _setitem_index, In((3, 2)), In((2, 2)), variant="tensor_index")
add("Tensor.__setitem__", _setitem_mask, In((3, 4)), In(()), variant="mask")

# ---------------------------------------------------------- random ops (seeded before each call)
add("torch.dropout", with_seed(lambda T, x: T.dropout(x, 0.4, True)), In((3, 4)),
    oracle="none")
add("torch.dropout_", with_seed(lambda T, x: T.dropout_(x.clone(), 0.4, True)), In((3, 4)),
    oracle="none")
add("F.dropout", with_seed(lambda T, x: F(T).dropout(x, 0.3)), In((3, 4), signed, STRIDED),
    oracle="none")
add("F.dropout", lambda T, x: F(T).dropout(x, 0.3, training=False), In((3, 4)), variant="eval")
add("F.dropout1d", with_seed(lambda T, x: F(T).dropout1d(x, 0.5)), In((2, 3, 2)),
    oracle="none")
add("F.dropout2d", with_seed(lambda T, x: F(T).dropout2d(x, 0.5)), In((2, 3, 2, 2)),
    oracle="none")
add("F.dropout3d", with_seed(lambda T, x: F(T).dropout3d(x, 0.5)), In((2, 3, 1, 2, 2)),
    oracle="none")
# Sampling does not differentiate through the draw: torch defines these gradients as zero.
add("torch.bernoulli", with_seed(lambda T, p: T.bernoulli(p)), In((3, 4), prob),
    oracle="grad")
add("Tensor.bernoulli", with_seed(lambda T, p: p.bernoulli()), In((3, 4), prob),
    oracle="grad")
add("Tensor.bernoulli_", with_seed(lambda T, x, p: x.clone().bernoulli_(p)), In((3, 4)),
    In((3, 4), prob), oracle="grad")
for _n, _args in (("normal_", ()), ("uniform_", ()), ("cauchy_", ()), ("exponential_", ()),
                  ("geometric_", (0.5,)), ("log_normal_", ()), ("random_", (0, 5))):
    add("Tensor." + _n, with_seed(lambda T, x, n=_n, a=_args: getattr(x.clone(), n)(*a)),
        In((3, 4)), oracle="grad")

# ------------------------------------------------------------------------ activations (F and torch)
add("F.relu", lambda T, x: F(T).relu(x), In((3, 4), signed, STRIDED))
add("F.relu_", lambda T, x: F(T).relu_(x.clone()), In((3, 4)))
add("F.relu", lambda T, x: F(T).relu(x.clone(), inplace=True), In((3, 4)), variant="inplace")
add("F.relu6", lambda T, x: F(T).relu6(x), In((3, 4), wide, PERMUTED))
add("F.leaky_relu", lambda T, x: F(T).leaky_relu(x, 0.1), In((3, 4), signed, STRIDED))
add("F.leaky_relu_", lambda T, x: F(T).leaky_relu_(x.clone(), 0.2), In((3, 4)))
add("F.elu", lambda T, x: F(T).elu(x, 0.7), In((3, 4), signed, STRIDED))
add("F.elu_", lambda T, x: F(T).elu_(x.clone()), In((3, 4)))
add("F.hardtanh", lambda T, x: F(T).hardtanh(x, -0.9, 0.9), In((3, 4), signed, STRIDED))
add("F.hardtanh_", lambda T, x: F(T).hardtanh_(x.clone()), In((3, 4), wide))
add("F.silu", lambda T, x: F(T).silu(x), In((3, 4), signed, PERMUTED))
add("F.selu", lambda T, x: F(T).selu(x), In((3, 4), signed, STRIDED))
add("F.celu", lambda T, x: F(T).celu(x, 1.3), In((3, 4), signed, STRIDED))
add("F.celu", lambda T, x: F(T).celu(x.clone(), inplace=True), In((3, 4)), variant="inplace")
add("F.gelu", lambda T, x: F(T).gelu(x), In((3, 4), wide, STRIDED))
add("F.gelu", lambda T, x: F(T).gelu(x, approximate="tanh"), In((3, 4), wide),
    variant="tanh")
add("F.softplus", lambda T, x: F(T).softplus(x), In((3, 4), wide, STRIDED))
add("F.softplus", lambda T, x: F(T).softplus(x, beta=2, threshold=3), In((3, 4), wide),
    variant="beta_threshold")
add("F.threshold", lambda T, x: F(T).threshold(x, 0.1, -2.0), In((3, 4), signed, STRIDED))
add("F.threshold_", lambda T, x: F(T).threshold_(x.clone(), 0.1, -2.0), In((3, 4)))
# in-place activations on a view of a non-leaf
add("F.relu_", on_view(lambda T, v: F(T).relu_(v)), In((3, 4)), variant="view")
add("F.elu_", on_view(lambda T, v: F(T).elu_(v)), In((3, 4)), variant="view")
add("F.leaky_relu_", on_view(lambda T, v: F(T).leaky_relu_(v, 0.3)), In((3, 4)), variant="view")
add("F.hardtanh_", on_view(lambda T, v: F(T).hardtanh_(v)), In((3, 4), wide), variant="view")
add("F.threshold_", on_view(lambda T, v: F(T).threshold_(v, 0.1, 2.0)), In((3, 4)),
    variant="view")
add("torch.selu_", on_view(lambda T, v: T.selu_(v)), In((3, 4)), variant="view")
add("torch.celu_", on_view(lambda T, v: T.celu_(v)), In((3, 4)), variant="view")
add("torch.sigmoid_", on_view(lambda T, v: T.sigmoid_(v)), In((3, 4)), variant="view")
add("F.logsigmoid", lambda T, x: F(T).logsigmoid(x), In((3, 4), wide, STRIDED))
add("F.softsign", lambda T, x: F(T).softsign(x), In((3, 4), signed, PERMUTED))
add("F.tanhshrink", lambda T, x: F(T).tanhshrink(x), In((3, 4), signed, STRIDED))
# (torch's hardsigmoid backward multiplies by 1/6 rounded to float32: 3e-8 relative)
add("F.hardsigmoid", lambda T, x: F(T).hardsigmoid(x), In((3, 4), wide, STRIDED),
    torch_rtol=1e-7)
add("F.hardsigmoid", lambda T, x: F(T).hardsigmoid(x.clone(), inplace=True), In((3, 4), wide),
    variant="inplace", torch_rtol=1e-7)
add("F.hardswish", lambda T, x: F(T).hardswish(x), In((3, 4), wide, PERMUTED))
add("F.mish", lambda T, x: F(T).mish(x), In((3, 4), wide, STRIDED))
add("F.sigmoid", lambda T, x: F(T).sigmoid(x), In((3, 4), signed, STRIDED))
add("F.tanh", lambda T, x: F(T).tanh(x), In((3, 4), signed, PERMUTED))
add("F.softmax", lambda T, x: F(T).softmax(x, dim=0), In((3, 4), signed, STRIDED))
add("F.softmax", lambda T, x: F(T).softmax(x, 1, dtype=T.float64), In((3, 4)), variant="dtype")
add("F.softmin", lambda T, x: F(T).softmin(x, 1), In((3, 4), signed, PERMUTED))
add("F.log_softmax", lambda T, x: F(T).log_softmax(x, 1), In((3, 4), signed, STRIDED))
add("F.normalize", lambda T, x: F(T).normalize(x), In((3, 4), signed, STRIDED))
add("F.normalize", lambda T, x: F(T).normalize(x, p=1.0, dim=0), In((3, 4)), variant="p1")

# ------------------------------------------------------------------------- linear, conv, pooling
add("F.linear", lambda T, x, w, b: F(T).linear(x, w, b), In((2, 3), signed, STRIDED),
    In((4, 3)), In((4,)))
add("F.linear", lambda T, x, w: F(T).linear(x, w), In((2, 2, 3)), In((2, 3), signed, PERMUTED),
    variant="3d_nobias")
add("F.linear", lambda T, x, w, b: F(T).linear(x, w, b), In((3,)), In((2, 3)), In((2,)),
    variant="1d")
add("F.bilinear", lambda T, a, b, w, c: F(T).bilinear(a, b, w, c), In((2, 2)), In((2, 3)),
    In((2, 2, 3)), In((2,)))
add("F.bilinear", lambda T, a, b, w: F(T).bilinear(a, b, w), In((2, 2), signed, STRIDED),
    In((2, 3), signed, PERMUTED), In((2, 2, 3)), variant="nobias")
add("torch.conv1d", lambda T, x, w, b: T.conv1d(x, w, b), In((1, 2, 6), signed, STRIDED),
    In((2, 2, 3)), In((2,)))
add("F.conv1d", lambda T, x, w: F(T).conv1d(x, w, stride=2, padding=1, dilation=2),
    In((2, 2, 5)), In((2, 2, 2), signed, PERMUTED))
add("F.conv1d", lambda T, x, w, b: F(T).conv1d(x, w, b, groups=2, padding="same"),
    In((1, 4, 4)), In((2, 2, 3)), In((2,)), variant="groups_same")
add("torch.conv2d", lambda T, x, w, b: T.conv2d(x, w, b, 1, 1), In((1, 2, 3, 3), signed, STRIDED),
    In((2, 2, 2, 2)), In((2,)))
add("F.conv2d", lambda T, x, w: F(T).conv2d(x, w, padding=1, stride=2),
    In((1, 2, 4, 3), signed, PERMUTED), In((2, 2, 3, 2)))
add("F.conv2d", lambda T, x, w, b: F(T).conv2d(x, w, b, stride=(1, 2), dilation=(2, 1), groups=2),
    In((1, 2, 3, 4)), In((2, 1, 2, 2)), In((2,)), variant="groups_dilation")
add("F.conv2d", lambda T, x, w: F(T).conv2d(x, w), In((2, 3, 3)), In((1, 2, 2, 2)),
    variant="unbatched")
add("F.conv2d", lambda T, x, w: F(T).conv2d(x, w, padding="same"), In((1, 1, 3, 4)),
    In((2, 1, 2, 3), signed, STRIDED), variant="same_even_kernel")
add("F.conv2d", lambda T, x, w, b: F(T).conv2d(x, w, b, padding="valid"), In((1, 2, 3, 3)),
    In((1, 2, 2, 2)), In((1,)), variant="valid")
add("torch.max_pool2d", lambda T, x: T.max_pool2d(x, 2), In((1, 1, 4, 4), distinct, STRIDED))
add("F.max_pool2d", lambda T, x: F(T).max_pool2d(x, 2, 1, 1), In((1, 2, 3, 3), distinct,
                                                                  PERMUTED))
add("F.max_pool2d", lambda T, x: F(T).max_pool2d(x, 2, ceil_mode=True, return_indices=True),
    In((1, 5, 3), distinct), variant="ceil_indices")
add("F.max_pool2d_with_indices", lambda T, x: F(T).max_pool2d_with_indices(x, (2, 1),
                                                                           dilation=(1, 2)),
    In((1, 2, 3, 4), distinct))
add("F.max_pool1d", lambda T, x: F(T).max_pool1d(x, 2), In((2, 2, 5), distinct, STRIDED))
add("F.max_pool1d", lambda T, x: F(T).max_pool1d(x, 3, 2, 1, return_indices=True),
    In((2, 6), distinct), variant="indices")
add("F.max_pool1d_with_indices", lambda T, x: F(T).max_pool1d_with_indices(x, 2, 1),
    In((1, 2, 5), distinct, PERMUTED))
add("F.avg_pool2d", lambda T, x: F(T).avg_pool2d(x, 2), In((1, 1, 4, 4), signed, STRIDED))
add("F.avg_pool2d", lambda T, x: F(T).avg_pool2d(x, 3, 2, 1, ceil_mode=True,
                                                 count_include_pad=False),
    In((1, 2, 4, 3), signed, PERMUTED), variant="padded")
add("F.avg_pool2d", lambda T, x: F(T).avg_pool2d(x, 2, divisor_override=3), In((2, 4, 2)),
    variant="divisor")
add("F.avg_pool1d", lambda T, x: F(T).avg_pool1d(x, 2, 1, 1), In((2, 2, 5), signed, STRIDED))
add("F.adaptive_avg_pool2d", lambda T, x: F(T).adaptive_avg_pool2d(x, (2, 3)),
    In((1, 2, 3, 4), signed, STRIDED))
add("F.adaptive_avg_pool2d", lambda T, x: F(T).adaptive_avg_pool2d(x, (None, 1)),
    In((2, 3, 3)), variant="none")
add("F.adaptive_avg_pool1d", lambda T, x: F(T).adaptive_avg_pool1d(x, 3),
    In((2, 2, 5), signed, PERMUTED))

# ------------------------------------------------------------------ normalization, embedding, pad
add("torch.batch_norm", lambda T, x, w, b: T.batch_norm(x, w, b, None, None, True, 0.1, 1e-5,
                                                        False),
    In((4, 3), signed, STRIDED), In((3,)), In((3,)))
add("F.batch_norm", lambda T, x, w, b: F(T).batch_norm(x, None, None, w, b, training=True),
    In((2, 2, 3), signed, PERMUTED), In((2,)), In((2,)))
add("F.batch_norm", lambda T, x, w, b, m, v: F(T).batch_norm(x, m, v, w, b), In((3, 2)),
    In((2,)), In((2,)), In((2,), grad=False), In((2,), pos, grad=False), variant="eval")
add("F.batch_norm", lambda T, x, b: F(T).batch_norm(x, T.zeros(2, dtype=T.float64),
                                                    T.ones(2, dtype=T.float64), None, b, True),
    In((3, 2, 2)), In((2,)), variant="running_stats")
add("torch.layer_norm", lambda T, x, w, b: T.layer_norm(x, (4,), w, b, 1e-5, False),
    In((3, 4), signed, STRIDED), In((4,)), In((4,)))
add("F.layer_norm", lambda T, x, w, b: F(T).layer_norm(x, (2, 3), w, b),
    In((2, 2, 3), signed, PERMUTED), In((2, 3)), In((2, 3)))
add("F.layer_norm", lambda T, x: F(T).layer_norm(x, (3,), eps=0.1), In((4, 3)),
    variant="noaffine")
add("F.layer_norm", lambda T, x, w: F(T).layer_norm(x, (3,), w), In((2, 3), signed, STRIDED),
    In((3,)), variant="weight_only")
add("torch.embedding", lambda T, w: T.embedding(w, idx(T, [[2, 0], [2, 1]])),
    In((3, 4), signed, STRIDED))
add("F.embedding", lambda T, w: F(T).embedding(idx(T, [2, 0, 2]), w), In((3, 2), signed, PERMUTED))
add("torch.constant_pad_nd", lambda T, x: T.constant_pad_nd(x, (1, 2, 0, 1), 0.5),
    In((2, 3), signed, STRIDED))
add("F.pad", lambda T, x: F(T).pad(x, (1, 2), value=-1.0), In((2, 3), signed, PERMUTED))
add("F.pad", lambda T, x: F(T).pad(x, (-1, 1, 1, 0)), In((2, 4)), variant="negative")
for _mode in ("reflect", "replicate", "circular"):
    add("F.pad", lambda T, x, m=_mode: F(T).pad(x, (1, 2), mode=m), In((1, 2, 4), signed, STRIDED),
        variant=_mode)
    add("F.pad", lambda T, x, m=_mode: F(T).pad(x, (1, 1, 2, 0), mode=m), In((1, 1, 3, 3)),
        variant=_mode + "_2d")

# ----------------------------------------------------------------------------------- losses


def _targets(T, values):
    return T.tensor(values, dtype=T.float64)


add("F.mse_loss", lambda T, a, b: F(T).mse_loss(a, b), In((3, 4), signed, STRIDED), In((3, 4)))
add("F.mse_loss", lambda T, a, b: F(T).mse_loss(a, b, reduction="none"), In((4,)), In((4,)),
    variant="none")
add("F.l1_loss", lambda T, a, b: F(T).l1_loss(a, b, reduction="sum"), In((3, 4), distinct,
                                                                         PERMUTED),
    In((3, 4), lambda r, s: distinct(r, s) + 0.04))
add("F.smooth_l1_loss", lambda T, a, b: F(T).smooth_l1_loss(a, b, beta=0.5), In((3, 4), wide),
    In((3, 4), signed, STRIDED))
add("F.huber_loss", lambda T, a, b: F(T).huber_loss(a, b, delta=0.7, reduction="none"),
    In((3, 4), wide, STRIDED), In((3, 4)))
add("F.binary_cross_entropy", lambda T, p, t: F(T).binary_cross_entropy(p, t), In((3, 4), prob,
                                                                               STRIDED),
    In((3, 4), prob))
add("F.binary_cross_entropy", lambda T, p, t, w: F(T).binary_cross_entropy(p, t, w,
                                                                           reduction="sum"),
    In((2, 3), prob), In((2, 3), prob), In((3,), pos, grad=False), variant="weight")
add("torch.binary_cross_entropy_with_logits",
    lambda T, x, t: T.binary_cross_entropy_with_logits(x, t, None, None, 1),
    In((3, 4), signed, STRIDED), In((3, 4), prob))
add("F.binary_cross_entropy_with_logits",
    lambda T, x, t, w, pw: F(T).binary_cross_entropy_with_logits(x, t, w, pos_weight=pw),
    In((2, 3), signed, PERMUTED), In((2, 3), prob), In((2, 1), pos, grad=False),
    In((3,), pos, grad=False))
add("F.nll_loss", lambda T, x: F(T).nll_loss(x, idx(T, [1, 3, 0])), In((3, 4), signed, STRIDED))
add("F.nll_loss", lambda T, x, w: F(T).nll_loss(x, idx(T, [1, -100, 0]), w), In((3, 4)),
    In((4,), pos, grad=False), variant="weight_ignore")
add("F.nll_loss", lambda T, x: F(T).nll_loss(x, idx(T, [[1, 0], [2, 2]]), reduction="none"),
    In((2, 3, 2), signed, PERMUTED), variant="spatial")
add("F.cross_entropy", lambda T, x: F(T).cross_entropy(x, idx(T, [1, 3, 0])),
    In((3, 4), signed, STRIDED))
add("F.cross_entropy", lambda T, x, w: F(T).cross_entropy(x, idx(T, [1, 3, 0]), w,
                                                          label_smoothing=0.2),
    In((3, 4)), In((4,), pos, grad=False), variant="smoothing_weight")
add("F.cross_entropy", lambda T, x, t: F(T).cross_entropy(x, t.softmax(1), reduction="sum"),
    In((2, 3), signed, PERMUTED), In((2, 3)), variant="probabilities")
add("F.cross_entropy", lambda T, x: F(T).cross_entropy(x, idx(T, [[0, 2]]), ignore_index=2),
    In((1, 3, 2)), variant="spatial_ignore")
add("F.cross_entropy", lambda T, x: F(T).cross_entropy(x, idx(T, 2)), In((4,)),
    variant="unbatched")
add("F.cross_entropy", lambda T, x, t: F(T).cross_entropy(x, t.softmax(0), label_smoothing=0.1),
    In((3,)), In((3,)), variant="unbatched_probabilities")
add("F.nll_loss", lambda T, x: F(T).nll_loss(x, idx(T, 1), reduction="sum"), In((3,)),
    variant="unbatched")

# ------------------------------------------------- the original 76-op sweep, kept as it was
# key: (qualified name, fn, inputs); each runs as the variant "legacy_<key>", against finite
# differences only, as before (the cases above compare the same ops with torch).
LEGACY = {
    # unary / activations
    "exp": ("torch.exp", lambda T, x: T.exp(x), [In((3, 4), signed)]),
    "log": ("torch.log", lambda T, x: T.log(x), [In((3, 4), pos)]),
    "log2": ("torch.log2", lambda T, x: T.log2(x), [In((5,), pos)]),
    "log1p": ("torch.log1p", lambda T, x: T.log1p(x), [In((5,), pos)]),
    "expm1": ("torch.expm1", lambda T, x: T.expm1(x), [In((5,), signed)]),
    "sqrt": ("torch.sqrt", lambda T, x: T.sqrt(x), [In((5,), pos)]),
    "rsqrt": ("torch.rsqrt", lambda T, x: T.rsqrt(x), [In((5,), pos)]),
    "reciprocal": ("torch.reciprocal", lambda T, x: T.reciprocal(x), [In((5,), pos)]),
    "sin": ("torch.sin", lambda T, x: T.sin(x), [In((5,), signed)]),
    "cos": ("torch.cos", lambda T, x: T.cos(x), [In((5,), signed)]),
    "tan": ("torch.tan", lambda T, x: T.tan(x), [In((5,), small)]),
    "tanh": ("torch.tanh", lambda T, x: T.tanh(x), [In((5,), signed)]),
    "sigmoid": ("torch.sigmoid", lambda T, x: T.sigmoid(x), [In((5,), signed)]),
    "relu": ("torch.relu", lambda T, x: T.relu(x), [In((6,), signed)]),
    "abs": ("torch.abs", lambda T, x: T.abs(x), [In((6,), signed)]),
    "square": ("torch.square", lambda T, x: T.square(x), [In((6,), signed)]),
    "clamp": ("torch.clamp", lambda T, x: T.clamp(x, -0.9, 0.9), [In((8,), signed)]),
    "gelu": ("F.gelu", lambda T, x: F(T).gelu(x), [In((6,), signed)]),
    "gelu_tanh": ("F.gelu", lambda T, x: F(T).gelu(x, approximate="tanh"), [In((6,), signed)]),
    "silu": ("F.silu", lambda T, x: F(T).silu(x), [In((6,), signed)]),
    "leaky_relu": ("F.leaky_relu", lambda T, x: F(T).leaky_relu(x, 0.1), [In((6,), signed)]),
    "elu": ("F.elu", lambda T, x: F(T).elu(x), [In((6,), signed)]),
    "softplus": ("F.softplus", lambda T, x: F(T).softplus(x), [In((6,), signed)]),
    "hardtanh": ("F.hardtanh", lambda T, x: F(T).hardtanh(x, -0.9, 0.9), [In((8,), signed)]),
    # binary / ternary
    "pow_tensor": ("torch.pow", lambda T, a, b: T.pow(a, b), [In((4,), pos), In((4,), signed)]),
    "pow_scalar": ("Tensor.__pow__", lambda T, a: a ** 3, [In((4,), signed)]),
    "rpow": ("Tensor.__rpow__", lambda T, a: 2 ** a, [In((4,), signed)]),
    "maximum": ("torch.maximum", lambda T, a, b: T.maximum(a, b), [In((5,)), In((5,))]),
    "minimum": ("torch.minimum", lambda T, a, b: T.minimum(a, b), [In((5,)), In((5,))]),
    "where": ("torch.where", lambda T, a, b: T.where(a > 0, a, b), [In((6,)), In((6,), pos)]),
    "lerp": ("torch.lerp", lambda T, a, b: T.lerp(a, b, 0.3), [In((4,), signed), In((4,), pos)]),
    "atan2": ("torch.atan2", lambda T, a, b: T.atan2(a, b), [In((4,), signed), In((4,), pos)]),
    "addcmul": ("torch.addcmul", lambda T, a, b, c: T.addcmul(a, b, c, value=0.5),
                [In((3,), signed)] * 3),
    # reductions
    "mean": ("Tensor.mean", lambda T, x: x.mean(1), [In((3, 4), signed)]),
    "prod": ("Tensor.prod", lambda T, x: x.prod(0), [In((3, 4), pos)]),
    "max_dim": ("Tensor.max", lambda T, x: x.max(1).values, [In((3, 4), signed)]),
    "amax": ("Tensor.amax", lambda T, x: x.amax((0, 1)), [In((3, 4), signed)]),
    "var": ("Tensor.var", lambda T, x: x.var(1), [In((3, 4), signed)]),
    "std": ("Tensor.std", lambda T, x: x.std(), [In((3, 4), signed)]),
    "logsumexp": ("torch.logsumexp", lambda T, x: T.logsumexp(x, 1), [In((3, 4), signed)]),
    "norm": ("Tensor.norm", lambda T, x: x.norm(), [In((3, 4), signed)]),
    "cumsum": ("Tensor.cumsum", lambda T, x: x.cumsum(1), [In((3, 4), signed)]),
    "cumprod": ("Tensor.cumprod", lambda T, x: x.cumprod(1), [In((3, 4), pos)]),
    "sort": ("Tensor.sort", lambda T, x: x.sort(1).values, [In((3, 4), signed)]),
    "topk": ("Tensor.topk", lambda T, x: x.topk(2).values, [In((3, 4), signed)]),
    # shapes and indexing
    "cat": ("torch.cat", lambda T, a, b: T.cat([a, b], 1), [In((2, 3), signed), In((2, 2), pos)]),
    "stack": ("torch.stack", lambda T, a, b: T.stack([a, b]), [In((2, 3)), In((2, 3), pos)]),
    "split": ("Tensor.split", lambda T, x: x.split(2, 1)[1], [In((2, 5), signed)]),
    "repeat": ("Tensor.repeat", lambda T, x: x.repeat(2, 3), [In((2, 2), signed)]),
    "flip": ("Tensor.flip", lambda T, x: x.flip(0), [In((3, 2), signed)]),
    "roll": ("Tensor.roll", lambda T, x: x.roll(1, 1), [In((3, 2), signed)]),
    "tril": ("Tensor.tril", lambda T, x: x.tril(), [In((3, 3), signed)]),
    "gather": ("Tensor.gather", lambda T, x: x.gather(1, T.tensor([[0, 2], [1, 1]])),
               [In((2, 3), signed)]),
    "index_select": ("Tensor.index_select", lambda T, x: x.index_select(0, T.tensor([2, 0, 2])),
                     [In((3, 2), signed)]),
    "masked_fill": ("Tensor.masked_fill", lambda T, x: x.masked_fill(x > 0, 0.5),
                    [In((6,), signed)]),
    "advanced_index": ("Tensor.__getitem__", lambda T, x: x[T.tensor([1, 0, 1]), 1:],
                       [In((3, 3), signed)]),
    "scatter_add": ("Tensor.scatter_add",
                    lambda T, x, s: x.scatter_add(0, T.tensor([[0, 1], [1, 0]]), s),
                    [In((2, 2), signed), In((2, 2), pos)]),
    # linear algebra
    "mm": ("torch.mm", lambda T, a, b: T.mm(a, b), [In((2, 3), signed), In((3, 2), pos)]),
    "bmm": ("torch.bmm", lambda T, a, b: T.bmm(a, b), [In((2, 2, 3)), In((2, 3, 2), pos)]),
    "addmm": ("torch.addmm", lambda T, c, a, b: T.addmm(c, a, b, beta=0.5, alpha=2.0),
              [In((2, 2), signed), In((2, 3), pos), In((3, 2), signed)]),
    "einsum": ("torch.einsum", lambda T, a, b: T.einsum("ij,jk->ik", a, b),
               [In((2, 3), signed), In((3, 2), pos)]),
    "outer": ("torch.outer", lambda T, a, b: T.outer(a, b), [In((3,), signed), In((2,), pos)]),
    # neural-network primitives
    "softmax": ("torch.softmax", lambda T, x: T.softmax(x, 1), [In((2, 4), signed)]),
    "log_softmax": ("torch.log_softmax", lambda T, x: T.log_softmax(x, 1), [In((2, 4), signed)]),
    "cross_entropy": ("F.cross_entropy", lambda T, x: F(T).cross_entropy(x, T.tensor([1, 3])),
                      [In((2, 4), signed)]),
    "mse_loss": ("F.mse_loss", lambda T, a, b: F(T).mse_loss(a, b), [In((4,)), In((4,), pos)]),
    "bce_logits": ("F.binary_cross_entropy_with_logits",
                   lambda T, x: F(T).binary_cross_entropy_with_logits(
                       x, T.tensor([0.0, 1.0, 1.0], dtype=T.float64)), [In((3,), signed)]),
    "conv2d": ("F.conv2d", lambda T, x, w: F(T).conv2d(x, w, padding=1, stride=2),
               [In((1, 2, 5, 5), signed), In((3, 2, 3, 3), pos)]),
    "conv1d": ("F.conv1d", lambda T, x, w: F(T).conv1d(x, w),
               [In((1, 2, 6), signed), In((2, 2, 3), pos)]),
    "max_pool2d": ("F.max_pool2d", lambda T, x: F(T).max_pool2d(x, 2), [In((1, 1, 4, 4))]),
    "avg_pool2d": ("F.avg_pool2d", lambda T, x: F(T).avg_pool2d(x, 2), [In((1, 1, 4, 4))]),
    "adaptive_avg_pool2d": ("F.adaptive_avg_pool2d",
                            lambda T, x: F(T).adaptive_avg_pool2d(x, (2, 1)),
                            [In((1, 2, 4, 3), signed)]),
    "layer_norm": ("F.layer_norm", lambda T, x: F(T).layer_norm(x, (4,)), [In((2, 4), signed)]),
    "batch_norm": ("F.batch_norm",
                   lambda T, x: F(T).batch_norm(x, None, None, training=True), [In((4, 3))]),
    "embedding": ("F.embedding", lambda T, w: F(T).embedding(T.tensor([2, 0, 2]), w),
                  [In((3, 2), signed)]),
    "pad_reflect": ("F.pad", lambda T, x: F(T).pad(x, (1, 2), mode="reflect"),
                    [In((1, 2, 4), signed)]),
}
for _key, (_name, _fn, _ins) in LEGACY.items():
    add(_name, _fn, *_ins, variant="legacy_" + _key, oracle="none")

# ------------------------------------------------------------------------ what must be covered
# Tensor's Python-class machinery, not operations on values.
PYTHON_MACHINERY = {
    "__dict__", "__doc__", "__module__", "__weakref__", "__new__", "__init__", "__init_subclass__",
    "__subclasshook__", "__repr__", "__str__", "__format__", "__hash__", "__reduce__",
    "__reduce_ex__", "__getstate__", "__setstate__", "__sizeof__", "__dir__", "__class__",
    "__getattribute__", "__setattr__", "__delattr__", "__array_priority__",
}


def public_names(T):
    """The qualified names every op of which needs a case or a reason: public functions of
    oztorch and oztorch.nn.functional (not classes or modules), Tensor's public attributes and
    its operators."""
    def functions(module, prefix):
        return {prefix + n for n in dir(module) if not n.startswith("_")
                and callable(getattr(module, n)) and not isinstance(getattr(module, n), type)}
    names = functions(T, "torch.") | functions(T.nn.functional, "F.")
    for n in dir(T.Tensor):
        if n.startswith("__"):
            if n in PYTHON_MACHINERY or getattr(T.Tensor, n) is getattr(object, n, None):
                continue
        elif n.startswith("_"):
            continue
        names.add("Tensor." + n)
    return names


# ---------------------------------------------------------------------- not differentiable
# qualified name -> why it has no finite-difference case.
NOT_DIFFERENTIABLE = {}


def _not_differentiable(reason, names):
    for name in names.split():
        assert name not in NOT_DIFFERENTIABLE, name
        NOT_DIFFERENTIABLE[name] = reason


_COMPARISONS = "eq ne not_equal lt less le less_equal gt greater ge greater_equal"
_LOGICAL = "logical_and logical_or logical_xor logical_not"
_BITWISE = "bitwise_and bitwise_or bitwise_xor bitwise_not"
_not_differentiable("comparison: bool output", " ".join(
    "torch.%s Tensor.%s" % (n, n) for n in _COMPARISONS.split()) +
    " Tensor.__eq__ Tensor.__ne__ Tensor.__lt__ Tensor.__le__ Tensor.__gt__ Tensor.__ge__")
_not_differentiable("in-place comparison: writes 0/1, no gradient flows to the compared values",
                    " ".join("Tensor.%s_" % n for n in _COMPARISONS.split()))
_not_differentiable("logical op: bool output", " ".join(
    "torch.%s Tensor.%s" % (n, n) for n in _LOGICAL.split()))
_not_differentiable("in-place logical op: writes 0/1", " ".join(
    "Tensor.%s_" % n for n in _LOGICAL.split()))
_not_differentiable("bitwise op: integer and bool dtypes only", " ".join(
    "torch.%s Tensor.%s Tensor.%s_" % (n, n, n) for n in _BITWISE.split()) +
    " Tensor.__and__ Tensor.__or__ Tensor.__xor__ Tensor.__rand__ Tensor.__ror__"
    " Tensor.__rxor__ Tensor.__iand__ Tensor.__ior__ Tensor.__ixor__ Tensor.__invert__")
_not_differentiable("float tests: bool output",
                    "torch.isfinite torch.isinf torch.isnan Tensor.isfinite Tensor.isinf "
                    "Tensor.isnan torch.all torch.any Tensor.all Tensor.any")
_not_differentiable("integer output (indices or counts)",
                    "torch.argmax torch.argmin torch.argsort torch.argwhere torch.nonzero "
                    "torch.count_nonzero Tensor.argmax Tensor.argmin Tensor.argsort "
                    "Tensor.argwhere Tensor.nonzero Tensor.count_nonzero F.one_hot")
_not_differentiable("integer samples", "torch.multinomial Tensor.multinomial")
_not_differentiable("floor division: torch defines no derivative (backward raises)",
                    "torch.floor_divide Tensor.floor_divide Tensor.floor_divide_ "
                    "Tensor.__floordiv__ Tensor.__rfloordiv__ Tensor.__ifloordiv__")
_not_differentiable("Scalar % Tensor: torch defines no derivative (backward raises)",
                    "Tensor.__rmod__")
_not_differentiable("sampling: torch defines the gradient of the draw as zero, not the "
                    "reparameterised one finite differences see; ORACLE_ONLY compares it with "
                    "torch's", "torch.normal")
_not_differentiable("unique: torch has no derivative for it (backward raises)",
                    "torch.unique Tensor.unique")
_not_differentiable("cast to an integer or bool dtype",
                    "Tensor.bool Tensor.byte Tensor.char Tensor.short Tensor.int Tensor.long")
_not_differentiable("factory: makes a new tensor from shapes, values or a generator",
                    "torch.arange torch.empty torch.empty_strided torch.eye torch.full "
                    "torch.linspace torch.logspace torch.ones torch.zeros torch.rand torch.randn "
                    "torch.randint torch.randperm torch.from_numpy Tensor.new Tensor.new_empty "
                    "Tensor.new_full Tensor.new_ones Tensor.new_tensor Tensor.new_zeros")
_not_differentiable("*_like factory: uses only the shape, dtype and device of its input",
                    "torch.empty_like torch.full_like torch.ones_like torch.zeros_like "
                    "torch.rand_like torch.randn_like torch.randint_like")
_not_differentiable("torch.tensor copies data into a new leaf (torch detaches a tensor argument)",
                    "torch.tensor")
_not_differentiable("leaves autograd: returns Python or numpy values",
                    "Tensor.item Tensor.tolist Tensor.numpy Tensor.__array__ Tensor.__float__ "
                    "Tensor.__int__ Tensor.__index__ Tensor.__bool__ Tensor.__contains__")
_not_differentiable("returns a tensor outside the graph (detached)",
                    "Tensor.detach Tensor.detach_ Tensor.data Tensor.__deepcopy__")
_not_differentiable("moves to a GPU; the copy's gradient is the one Tensor.to and Tensor.cpu "
                    "check (no GPU in the test environment)", "Tensor.cuda")
_not_differentiable("metadata, not a value",
                    "Tensor.data_ptr Tensor.device Tensor.dim Tensor.dtype Tensor.element_size "
                    "Tensor.is_contiguous Tensor.is_cpu Tensor.is_cuda Tensor.is_floating_point "
                    "Tensor.is_leaf Tensor.itemsize Tensor.nbytes Tensor.ndim Tensor.ndimension "
                    "Tensor.nelement Tensor.numel Tensor.shape Tensor.size Tensor.storage_offset "
                    "Tensor.stride Tensor.__len__ Tensor.__array_interface__ torch.numel "
                    "torch.is_tensor torch.is_floating_point")
_not_differentiable("autograd state, not an op",
                    "Tensor.backward Tensor.grad Tensor.grad_fn Tensor.requires_grad "
                    "Tensor.requires_grad_ Tensor.retain_grad Tensor.retains_grad Tensor.register_hook "
                    "torch.is_grad_enabled torch.is_inference_mode_enabled")
_not_differentiable("deleting elements: an error, as in torch", "Tensor.__delitem__")
_not_differentiable("bool results", "torch.allclose Tensor.allclose torch.isclose Tensor.isclose")
_not_differentiable("integer counts or indices (histc: torch defines no derivative)",
                    "torch.bincount Tensor.bincount torch.histc Tensor.histc torch.tril_indices "
                    "torch.triu_indices")
_not_differentiable("dtype rules, not an op",
                    "torch.can_cast torch.promote_types torch.result_type "
                    "torch.get_default_dtype torch.set_default_dtype")
_not_differentiable("random generator state, not an op",
                    "torch.manual_seed torch.seed torch.initial_seed torch.get_rng_state "
                    "torch.set_rng_state")
_not_differentiable("thread settings, not an op", "torch.get_num_threads torch.set_num_threads")
_not_differentiable("printing options, not an op",
                    "torch.get_printoptions torch.set_printoptions torch.printoptions")
_not_differentiable("serialization, not an op", "torch.save torch.load")

# ----------------------------------------------------------- where finite differences do not apply
# At kinks, ties, poles and by convention (sampling, padding_idx) the gradient is whatever torch
# defines: these cases compare OzTorch's analytic gradient with torch's only.
ORACLE_ONLY = []


def const(*values):
    """A sampler giving fixed values (the input's shape must match)."""
    return lambda rng, shape: np.array(values, dtype=np.float64).reshape(shape)


def at(name, fn, *inputs, variant="", oracle="full", torch_rtol=1e-8):
    ORACLE_ONLY.append(Case(name, variant, fn, tuple(inputs), oracle, 0.0, 0.0, 0.0, torch_rtol))


# A float32 target makes the loss float32 (torch works in place on 1 - target): too coarse for
# finite differences, so only compared with torch.
at("F.binary_cross_entropy_with_logits",
   lambda T, x: F(T).binary_cross_entropy_with_logits(x, T.tensor([0.0, 1.0, 1.0])), In((3,)),
   variant="float32_target")

_KINKS = const(0.0, -1.0, 1.0, 6.0, -3.0, 3.0, 0.5, -0.5)
_k = In((8,), _KINKS)
at("torch.abs", lambda T, x: T.abs(x), _k, variant="kinks")
at("torch.sign", lambda T, x: T.sign(x), _k, variant="kinks")
at("torch.relu", lambda T, x: T.relu(x), _k, variant="kinks")
at("F.relu6", lambda T, x: F(T).relu6(x), _k, variant="kinks")
at("F.hardtanh", lambda T, x: F(T).hardtanh(x), _k, variant="kinks")
at("F.hardtanh", lambda T, x: F(T).hardtanh(x, -0.5, 0.5), _k, variant="kinks_bounds")
at("F.leaky_relu", lambda T, x: F(T).leaky_relu(x, 0.2), _k, variant="kinks")
at("F.elu", lambda T, x: F(T).elu(x, 0.5), _k, variant="kinks")
at("F.celu", lambda T, x: F(T).celu(x, 0.5), _k, variant="kinks")
at("F.selu", lambda T, x: F(T).selu(x), _k, variant="kinks")
at("F.hardsigmoid", lambda T, x: F(T).hardsigmoid(x), _k, variant="kinks", torch_rtol=1e-7)
# (at x = 3 torch itself differs: 1 from its vectorised kernel, 1.5 from its scalar one; the
# 8 values here take the vectorised path)
at("F.hardswish", lambda T, x: F(T).hardswish(x), _k, variant="kinks")
at("F.threshold", lambda T, x: F(T).threshold(x, 0.5, 2.0), _k, variant="kinks")
at("F.softplus", lambda T, x: F(T).softplus(x, 2.0, 12.0), _k, variant="kinks")
at("torch.clamp", lambda T, x: T.clamp(x, -1.0, 1.0), _k, variant="kinks")
at("torch.clamp", lambda T, x: T.clamp(x, 1.0, -1.0), _k, variant="min_above_max")
at("torch.clamp_min", lambda T, x: T.clamp_min(x, 0.5), _k, variant="kinks")
at("torch.clamp_max", lambda T, x: T.clamp_max(x, 3.0), _k, variant="kinks")
at("Tensor.clamp", lambda T, x, lo: x.clamp(min=lo), _k, In((8,), _KINKS), variant="tensor_tie")
at("F.l1_loss", lambda T, a, b: F(T).l1_loss(a, b), _k, In((8,), const(0, -1, 2, 6, 0, 3, 0, 0)),
   variant="ties")
at("F.smooth_l1_loss", lambda T, a, b: F(T).smooth_l1_loss(a, b, reduction="sum"), _k,
   In((8,), const(0, 0, 0, 5, -2, 3, 1.5, 0)), variant="at_beta")
at("F.huber_loss", lambda T, a, b: F(T).huber_loss(a, b, reduction="sum"), _k,
   In((8,), const(0, 0, 0, 5, -2, 3, 1.5, 0)), variant="at_delta")

_TIES = In((2, 4), const(1.0, 3.0, 3.0, 0.0, 2.0, 2.0, 2.0, -1.0))
_TIES2 = In((2, 4), const(1.0, 3.0, 0.0, 0.0, 2.0, 1.0, 2.0, -1.0))
for _n in ("max", "min", "amax", "amin"):
    at("torch." + _n, lambda T, x, n=_n: getattr(T, n)(x), _TIES, variant="ties")
at("Tensor.max", lambda T, x: x.max(1), _TIES, variant="ties_dim")
at("Tensor.min", lambda T, x: x.min(0), _TIES, variant="ties_dim")
at("Tensor.amax", lambda T, x: x.amax(1), _TIES, variant="ties_dim")
for _n in ("maximum", "minimum", "fmax", "fmin", "max", "min"):
    at("torch." + _n, lambda T, a, b, n=_n: getattr(T, n)(a, b), _TIES, _TIES2,
       variant="ties_binary")
at("Tensor.norm", lambda T, x: x.norm(float("inf"), 1), _TIES, variant="inf_ties")
at("F.max_pool2d", lambda T, x: F(T).max_pool2d(x, 2, 1), In((1, 2, 4), const(
    1, 3, 3, 0, 3, 2, 3, -1)), variant="ties")
at("torch.sqrt", lambda T, x: T.sqrt(x), In((3,), const(0.0, 1.0, 4.0)), variant="zero")
at("torch.log", lambda T, x: T.log(x), In((3,), const(0.0, 1.0, 4.0)), variant="zero")
at("torch.pow", lambda T, x: T.pow(x, 2.0), In((3,), const(0.0, 1.0, -2.0)), variant="zero")
at("torch.pow", lambda T, x: T.pow(x, 0.0), In((3,), const(0.0, 1.0, -2.0)), variant="zero_exp")
at("torch.pow", lambda T, x, e: T.pow(x, e), In((4,), const(0.0, 0.0, 1.0, 2.0)),
   In((4,), const(2.0, 0.0, 0.5, -1.0)), variant="zero_base")
at("torch.div", lambda T, a, b: T.div(a, b), In((3,), const(1.0, 0.0, -1.0)),
   In((3,), const(0.0, 0.0, 2.0)), variant="by_zero")
at("torch.atan2", lambda T, a, b: T.atan2(a, b), In((2,), const(0.0, 1.0)),
   In((2,), const(0.0, 0.0)), variant="origin")
at("torch.norm", lambda T, x: T.norm(x), In((2, 2), const(0, 0, 0, 0)), variant="zero")
at("torch.norm", lambda T, x: T.norm(x, 1), In((3,), const(0, 1, -2)), variant="p1_zero")
at("F.normalize", lambda T, x: F(T).normalize(x), In((2, 2), const(0, 1, 0, -1)),
   variant="zero")
at("torch.prod", lambda T, x: T.prod(x, 1), In((3, 3), const(1, 0, 2, 0, 0, 3, 1, 2, 3)),
   variant="zeros")
at("torch.prod", lambda T, x: T.prod(x), In((4,), const(1.5, 0, 2, -1)), variant="one_zero")
at("Tensor.cumprod", lambda T, x: x.cumprod(0), In((5,), const(2, 0, 3, 0, -1)),
   variant="zeros")
at("torch.nan_to_num", lambda T, x: T.nan_to_num(x), In((4,), const(np.nan, np.inf, -np.inf, 1.0)),
   variant="non_finite")
at("torch.logsumexp", lambda T, x: T.logsumexp(x, 0), In((3,), const(-np.inf, 0.0, 1.0)),
   variant="minus_inf")
at("torch.log_softmax", lambda T, x: T.log_softmax(x, 0), In((3,), const(-np.inf, 0.0, 1.0)),
   variant="minus_inf")
at("F.binary_cross_entropy", lambda T, p, t: F(T).binary_cross_entropy(p, t), In((3,), const(
    0.0, 1.0, 0.5)), In((3,), const(0.0, 1.0, 1.0)), variant="saturated")
at("F.embedding", lambda T, w: F(T).embedding(idx(T, [2, 0, 2, 1]), w, padding_idx=2),
   In((3, 2)), variant="padding_idx")
at("F.embedding", lambda T, w: F(T).embedding(idx(T, [2, 0, 2, 2]), w, scale_grad_by_freq=True),
   In((3, 2)), variant="scale_grad_by_freq")
at("F.embedding", lambda T, w: F(T).embedding(idx(T, [2, 0]), w * 1, max_norm=0.5),
   In((3, 2)), variant="max_norm")
at("torch.normal", with_seed(lambda T, m, s: T.normal(m, s)), In((3, 4)), In((3, 4), pos),
   oracle="grad")
at("torch.normal", with_seed(lambda T, m: T.normal(m, 0.5)), In((3, 4)), variant="scalar_std",
   oracle="grad")

# ----------------------------------------------------- non-differentiable outputs and autograd
# fn(T, x) with x a float64 leaf that requires grad: the output must require grad exactly when
# torch's does.
NONDIFF_PROBES = {
    "torch.tensor": lambda T, x: T.tensor(x),
    "Tensor.view[dtype]": lambda T, x: x.view(T.float64),
    "Tensor.detach": lambda T, x: x.detach(),
    "Tensor.data": lambda T, x: x.data,
    "torch.eq": lambda T, x: T.eq(x, 0.5),
    "Tensor.eq_": lambda T, x: x.clone().eq_(0.5),
    "torch.isnan": lambda T, x: T.isnan(x),
    "torch.logical_not": lambda T, x: T.logical_not(x),
    "torch.argmax": lambda T, x: T.argmax(x),
    "torch.argsort": lambda T, x: T.argsort(x, 1),
    "torch.nonzero": lambda T, x: T.nonzero(x),
    "torch.count_nonzero": lambda T, x: T.count_nonzero(x),
    "torch.all": lambda T, x: T.all(x),
    "torch.sort[indices]": lambda T, x: T.sort(x, 1),
    "torch.max[indices]": lambda T, x: T.max(x, 0),
    "torch.multinomial": lambda T, x: T.multinomial(x.abs(), 2),
    "torch.floor_divide": lambda T, x: T.floor_divide(x, 0.3),
    "Tensor.long": lambda T, x: x.long(),
    "Tensor.bool": lambda T, x: x.bool(),
    "torch.zeros_like": lambda T, x: T.zeros_like(x),
    "torch.full_like": lambda T, x: T.full_like(x, 2.0),
    "torch.rand_like": lambda T, x: T.rand_like(x),
    "Tensor.new_zeros": lambda T, x: x.new_zeros(2),
    "Tensor.new_tensor": lambda T, x: x.new_tensor(x),
    "Tensor.__deepcopy__": lambda T, x: x.__deepcopy__({}),
}

# ------------------------------------------------------------------------------ known bugs
# case id (or probe name) -> the bug; run as strict xfails, so a fix makes the sweep fail until
# the entry is removed.
_INPLACE_VIEW = ("in-place op on a view of a non-leaf, when its backward uses its result, fails "
                 "in backward: '{0}Backward0: no saved tensor 0' (y = x.clone(); "
                 "y[:, 1:].{1}_(); y.sum().backward())")
_INPLACE_VIEW_F = ("in-place {0} on a view of a non-leaf fails in backward: '{1}: no saved "
                   "tensor 0' (same bug as Tensor.exp_)")
_CUT = ("an in-place write that overwrites the whole tensor cuts the graph: autograd.grad says "
        "the input was 'not used in the graph' (backward leaves .grad None) where torch gives "
        "zeros: x.clone().{0}.sum() has gradient zeros with respect to x in torch")
_NEW_LEAF = ("{0} of a tensor that requires grad returns a tensor that requires grad (grad_fn "
             "ToCopyBackward0); torch copies into a new leaf with requires_grad False")
XFAIL = {
}
