"""float64 finite-difference gradient checks for every differentiable op (the table and the list
of non-differentiable ops are in gradcheck_ops.py).

For each case, OzTorch's analytic gradient of sum(f(x) * w) (w random, through
autograd.grad's grad_outputs) must match central differences computed with OzTorch itself, for
every floating input that requires grad; then the same call on real PyTorch must give the same
forward values and the same analytic gradients. Then: gradients compared with torch's only, at
points where finite differences do not apply (kinks, ties, conventions); non-differentiable ops
recording no graph where torch records none; and the coverage check that every public op has a
case or a reason. Known bugs run as strict xfails (gradcheck_ops.XFAIL).
"""
import numpy as np
import pytest
import torch

import gradcheck_ops as ops
from conftest import oz

# ------------------------------------------------------------------------------ the helper


class StoredInput:
    """One input's values in numpy memory with the case's layout. tensor(T) views that memory,
    so perturbing `values` (a numpy view of the same memory) perturbs the tensor."""

    def __init__(self, values, layout):
        self.layout = layout if values.ndim >= (2 if layout == ops.PERMUTED else 1) else \
            ops.CONTIG
        if self.layout == ops.STRIDED:
            shape = values.shape[:-1] + (2 * values.shape[-1],)
            self.buf = np.full(shape, 1e3)          # values every other column, junk between
            self.values = self.buf[..., ::2]
        elif self.layout == ops.PERMUTED:
            self.perm = tuple(reversed(range(values.ndim)))
            self.buf = np.zeros(values.shape[::-1])
            self.values = self.buf.transpose(self.perm)
        else:
            self.buf = np.zeros(values.shape)
            self.values = self.buf
        self.values[...] = values

    def tensor(self, T, buf=None):
        t = T.from_numpy(self.buf if buf is None else buf)
        if self.layout == ops.STRIDED:
            return t[..., ::2]
        if self.layout == ops.PERMUTED:
            return t.permute(*self.perm)
        return t

    def leaf(self, T, requires_grad):
        """A fresh leaf with the same values and strides (its own memory)."""
        return self.tensor(T, self.buf.copy()).detach().requires_grad_(requires_grad)


def float_outputs(T, out):
    """The floating tensors in fn's result (a tensor or a nested tuple/list of them)."""
    if isinstance(out, T.Tensor):
        return [out] if out.is_floating_point() else []
    assert isinstance(out, (tuple, list)), "unexpected result %r" % (out,)
    return [t for o in out for t in float_outputs(T, o)]


def as_array(T, t):
    t = t.detach()
    return np.asarray(t if t.dtype == T.float64 else t.double())


def make_case_inputs(case):
    rng = np.random.default_rng(case.seed)
    return [StoredInput(spec.sampler(rng, spec.shape), spec.layout) for spec in case.inputs]


def analytic(T, case, stored, weights=None):
    """(float outputs, weights, gradients of sum(out * w) for the inputs that require grad)."""
    leaves = [s.leaf(T, spec.grad) for s, spec in zip(stored, case.inputs)]
    outs = float_outputs(T, case.fn(T, *leaves))
    assert outs, "%s: no floating output" % case.id
    if weights is None:
        rng = np.random.default_rng(case.seed + 1)
        weights = [rng.uniform(-1, 1, tuple(o.shape)) for o in outs]
    diff = [i for i, o in enumerate(outs) if o.requires_grad]
    assert diff, "%s: no output requires grad" % case.id
    wanted = [leaf for leaf, spec in zip(leaves, case.inputs) if spec.grad]
    grads = T.autograd.grad([outs[i] for i in diff], wanted,
                            [T.from_numpy(weights[i]).to(outs[i].dtype) for i in diff],
                            allow_unused=True)
    return outs, weights, [None if g is None else as_array(T, g) for g in grads]


def objective(T, case, tensors, weights):
    outs = float_outputs(T, case.fn(T, *tensors))
    return sum(float(np.vdot(as_array(T, o), w)) for o, w in zip(outs, weights))


def numeric(T, case, stored, weights):
    """Central differences of sum(f * w) for each input that requires grad, one element at a
    time; the input tensors view the numpy memory that is perturbed."""
    grads = []
    with T.no_grad():
        tensors = [s.tensor(T) for s in stored]
        for s, spec in zip(stored, case.inputs):
            if not spec.grad:
                continue
            g = np.zeros(s.values.shape)
            for i in np.ndindex(s.values.shape):
                orig = s.values[i]
                s.values[i] = orig + case.eps
                up = objective(T, case, tensors, weights)
                s.values[i] = orig - case.eps
                down = objective(T, case, tensors, weights)
                s.values[i] = orig
                g[i] = (up - down) / (2 * case.eps)
            grads.append(g)
    return grads


def assert_unchanged(case, stored, arrays):
    for k, (s, a) in enumerate(zip(stored, arrays)):
        assert np.array_equal(s.values, a), "%s modified its input %d" % (case.id, k)


def check_case(case):
    T = oz()
    stored = make_case_inputs(case)
    originals = [s.values.copy() for s in stored]
    outs, weights, got = analytic(T, case, stored)
    want = numeric(T, case, stored, weights)
    assert_unchanged(case, stored, originals)
    graded = [k for k, spec in enumerate(case.inputs) if spec.grad]
    for k, g, n in zip(graded, got, want):
        if g is None:  # fine only where the function does not depend on the input at all
            assert not np.any(n), "%s: no gradient for input %d" % (case.id, k)
            continue
        np.testing.assert_allclose(g, n, rtol=case.rtol, atol=case.atol,
                                   err_msg="%s: analytic vs finite differences, input %d"
                                   % (case.id, k))
    if case.oracle != "none":
        compare_with_torch(case, outs, weights, got, graded)


def compare_with_torch(case, outs, weights, got, graded):
    ref_outs, _, ref = analytic(torch, case, make_case_inputs(case), weights)
    if case.oracle == "full":
        assert len(outs) == len(ref_outs), "%s: %d floating outputs, torch gives %d" % (
            case.id, len(outs), len(ref_outs))
        for k, (o, r) in enumerate(zip(outs, ref_outs)):
            assert str(o.dtype) == str(r.dtype) and tuple(o.shape) == tuple(r.shape), \
                "%s output %d: %s%s, torch gives %s%s" % (case.id, k, o.dtype, tuple(o.shape),
                                                          r.dtype, tuple(r.shape))
            np.testing.assert_allclose(as_array(oz(), o), as_array(torch, r), rtol=1e-9,
                                       atol=1e-12, err_msg="%s: output %d" % (case.id, k))
            assert o.requires_grad == r.requires_grad, "%s output %d: requires_grad %s" % (
                case.id, k, o.requires_grad)
    for k, g, r in zip(graded, got, ref):
        # torch may leave a zero gradient undefined (None); a missing one here is a bug (user
        # code that reads .grad or calls autograd.grad without allow_unused breaks)
        assert g is not None or r is None, "%s input %d: no gradient, torch's is defined" % (
            case.id, k)
        if r is None and g is not None:
            assert not np.any(g), "%s input %d: torch's gradient is None (zero)" % (case.id, k)
        elif g is not None:
            np.testing.assert_allclose(g, r, rtol=case.torch_rtol, atol=1e-10,
                                       err_msg="%s: gradient vs torch's, input %d" % (case.id, k))


def params(cases, xfails):
    out = []
    for case in cases:
        marks = ()
        if case.id in xfails:
            marks = (pytest.mark.xfail(strict=True, reason=xfails[case.id]),)
        out.append(pytest.param(case, id=case.id, marks=marks))
    return out


# ------------------------------------------------------------------------------- the tests


@pytest.mark.parametrize("case", params(ops.CASES, ops.XFAIL))
def test_finite_difference(case):
    check_case(case)


@pytest.mark.parametrize("case", params(ops.ORACLE_ONLY, ops.XFAIL))
def test_gradient_matches_torch_where_fd_does_not_apply(case):
    """At kinks and ties the gradient is a convention: torch's."""
    T = oz()
    outs, weights, got = analytic(T, case, make_case_inputs(case))
    compare_with_torch(case, outs, weights, got,
                       [k for k, spec in enumerate(case.inputs) if spec.grad])


@pytest.mark.parametrize("name", [
    pytest.param(n, id=n, marks=[pytest.mark.xfail(strict=True, reason=ops.XFAIL[n])]
                 if n in ops.XFAIL else []) for n in sorted(ops.NONDIFF_PROBES)])
def test_non_differentiable_output_requires_grad_as_torch(name):
    """A non-differentiable op given a float input that requires grad: the output requires grad
    exactly when torch's does (no graph where torch records none)."""
    fn = ops.NONDIFF_PROBES[name]
    results = []
    for T in (torch, oz()):
        x = T.tensor([[0.5, -1.5, 2.0], [1.0, 0.25, -0.75]], dtype=T.float64,
                     requires_grad=True)
        out = fn(T, x)
        results.append([o.requires_grad for o in (out if isinstance(out, (tuple, list))
                                                  else [out]) if isinstance(o, T.Tensor)])
    assert results[1] == results[0], "%s: requires_grad %s, torch %s" % (name, results[1],
                                                                          results[0])


def test_every_public_op_is_classified():
    """Each public function of oztorch, Tensor method/operator and nn.functional function has a
    finite-difference case or a reason for having none; the tables name nothing that is gone."""
    public = ops.public_names(oz())
    checked = {case.name for case in ops.CASES}
    listed = set(ops.NOT_DIFFERENTIABLE)
    assert not checked & listed, "both checked and listed non-differentiable: %s" % sorted(
        checked & listed)
    missing = sorted(public - checked - listed)
    assert not missing, "ops without a finite-difference case or a reason in gradcheck_ops.py: " \
        "%s" % missing
    stale = sorted((checked | listed) - public)
    assert not stale, "gradcheck_ops.py names what oztorch does not have: %s" % stale


def test_case_ids_are_unique():
    ids = [case.id for case in ops.CASES + ops.ORACLE_ONLY]
    assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})
    assert set(ops.XFAIL) <= set(ids) | set(ops.NONDIFF_PROBES), sorted(
        set(ops.XFAIL) - set(ids) - set(ops.NONDIFF_PROBES))


def test_inputs_are_small():
    """The sweep stays fast: finite differences cost two calls per input element."""
    big = [case.id for case in ops.CASES if not case.variant.startswith("legacy_") and
           any(int(np.prod(spec.shape)) > 24 for spec in case.inputs)]
    assert not big, big
