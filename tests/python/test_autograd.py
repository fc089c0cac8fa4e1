"""Autograd parity with real PyTorch: gradients, grad_fn names, engine semantics and errors,
grad modes, torch.autograd.grad, double backward, custom Functions, and memory."""
import numpy as np
import pytest
import torch

from conftest import check, oz


def grads_of(T, fn, shapes, dtype="float64", seed=0):
    """Leaves of `shapes` (random, fixed seed), f = fn(T, *leaves); returns (f, grads of
    sum(f * w)) with a fixed random weight w so every output element matters."""
    rng = np.random.default_rng(seed)
    leaves = [T.tensor(rng.uniform(0.5, 2.0, s), dtype=getattr(T, dtype), requires_grad=True)
              for s in shapes]
    out = fn(T, *leaves)
    w = T.tensor(rng.uniform(-1, 1, tuple(out.shape)), dtype=out.dtype)
    (out * w).sum().backward()
    return out, [x.grad for x in leaves]


# grad_fn names that changed after torch 1.13 (the oracle here); OzTorch follows 2.x.
NAMES_2X = {"ReshapeAliasBackward0": "ViewBackward0"}


def assert_grads_match(fn, shapes, dtype="float64"):
    ref_out, ref = grads_of(torch, fn, shapes, dtype)
    got_out, got = grads_of(oz(), fn, shapes, dtype)
    assert str(got_out.dtype) == str(ref_out.dtype)
    assert got_out.grad_fn is not None and ref_out.grad_fn is not None
    ref_name = ref_out.grad_fn.name()
    assert got_out.grad_fn.name() == NAMES_2X.get(ref_name, ref_name)
    tol = 1e-10 if dtype == "float64" else 1e-5
    for r, g in zip(ref, got):
        assert (r is None) == (g is None)
        if r is not None:
            assert tuple(g.shape) == tuple(r.shape)
            assert str(g.dtype) == str(r.dtype)
            np.testing.assert_allclose(g.numpy(), r.numpy(), rtol=tol, atol=tol)


CASES = {
    "add": (lambda T, a, b: a + b, [(2, 3), (2, 3)]),
    "add_broadcast": (lambda T, a, b: a + b, [(2, 3), (3,)]),
    "add_alpha": (lambda T, a, b: T.add(a, b, alpha=2.5), [(4,), (2, 4)]),
    "add_scalar": (lambda T, a: a + 3, [(3,)]),
    "radd_scalar": (lambda T, a: 3 + a, [(3,)]),
    "sub": (lambda T, a, b: a - b, [(2, 1), (1, 3)]),
    "rsub_scalar": (lambda T, a: 2 - a, [(3,)]),
    "sub_alpha": (lambda T, a, b: T.sub(a, b, alpha=0.5), [(3,), (3,)]),
    "mul": (lambda T, a, b: a * b, [(2, 3), (2, 3)]),
    "mul_broadcast": (lambda T, a, b: a * b, [(4, 1, 3), (2, 1)]),
    "mul_self": (lambda T, a: a * a, [(5,)]),
    "div": (lambda T, a, b: a / b, [(2, 3), (2, 3)]),
    "rdiv": (lambda T, a: 1 / a, [(3,)]),
    "div_broadcast": (lambda T, a, b: a / b, [(3,), (2, 3)]),
    "neg": (lambda T, a: -a, [(2, 2)]),
    "matmul_mm": (lambda T, a, b: a @ b, [(2, 3), (3, 4)]),
    "matmul_mv": (lambda T, a, b: a @ b, [(2, 3), (3,)]),
    "matmul_vm": (lambda T, a, b: a @ b, [(3,), (3, 4)]),
    "matmul_dot": (lambda T, a, b: a @ b, [(3,), (3,)]),
    "matmul_batched": (lambda T, a, b: a @ b, [(2, 2, 3), (3, 4)]),
    "matmul_batched_broadcast": (lambda T, a, b: T.matmul(a, b), [(2, 1, 2, 3), (3, 3, 2)]),
    "matmul_vector_batched": (lambda T, a, b: a @ b, [(3,), (2, 3, 4)]),
    "sum_all": (lambda T, a: a.sum(), [(2, 3)]),
    "sum_dim": (lambda T, a: a.sum(1), [(2, 3, 4)]),
    "sum_dims_keepdim": (lambda T, a: a.sum((0, 2), keepdim=True), [(2, 3, 4)]),
    "sum_neg_dim": (lambda T, a: T.sum(a, -1), [(2, 3)]),
    "view": (lambda T, a: a.view(3, 2) * 2, [(2, 3)]),
    "reshape": (lambda T, a: a.reshape(-1), [(2, 3)]),
    "reshape_copy": (lambda T, a: a.t().reshape(6), [(2, 3)]),
    "transpose": (lambda T, a: a.transpose(0, 2), [(2, 3, 4)]),
    "t": (lambda T, a: a.t(), [(2, 3)]),
    "permute": (lambda T, a: a.permute(2, 0, 1), [(2, 3, 4)]),
    "expand": (lambda T, a: a.expand(4, 2, 3), [(2, 1)]),
    "unsqueeze": (lambda T, a: a.unsqueeze(1), [(2, 3)]),
    "squeeze": (lambda T, a: a.squeeze(), [(2, 1, 3)]),
    "squeeze_dim": (lambda T, a: a.squeeze(1), [(2, 1, 3)]),
    "index_int": (lambda T, a: a[1], [(3, 4)]),
    "index_slice": (lambda T, a: a[:, 1:3], [(3, 4)]),
    "index_step": (lambda T, a: a[::2], [(5, 2)]),
    "select": (lambda T, a: a.select(1, -1), [(3, 4)]),
    "narrow": (lambda T, a: a.narrow(0, 1, 2), [(4, 2)]),
    "flatten": (lambda T, a: a.flatten(), [(2, 3, 2)]),
    "clone": (lambda T, a: a.clone(), [(3,)]),
    "contiguous": (lambda T, a: a.t().contiguous(), [(2, 3)]),
    "to_float32": (lambda T, a: a.to(T.float32), [(3,)]),
    "chain": (lambda T, a, b: ((a @ b).t() * a.sum() - b.sum(0)).sum(0), [(2, 2), (2, 2)]),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_gradients_match_torch(name):
    fn, shapes = CASES[name]
    assert_grads_match(fn, shapes)


@pytest.mark.parametrize("name", ["add", "mul_broadcast", "matmul_mm", "sum_dim", "div"])
def test_gradients_float32(name):
    fn, shapes = CASES[name]
    assert_grads_match(fn, shapes, dtype="float32")


def numeric_gradient(T, fn, x, eps=1e-6):
    """Central finite differences of sum(fn(x)) with respect to every element of x."""
    base = x.detach().numpy().copy()
    grad = np.zeros_like(base)
    for idx in np.ndindex(base.shape):
        vals = []
        for sign in (1, -1):
            arr = base.copy()
            arr[idx] += sign * eps
            with T.no_grad():
                vals.append(float(fn(T, T.tensor(arr, dtype=T.float64)).sum().item()))
        grad[idx] = (vals[0] - vals[1]) / (2 * eps)
    return grad


# (finite differences need float64 all the way: to_float32 is checked against torch above)
GRADCHECK = {name: case for name, case in CASES.items()
             if len(case[1]) == 1 and name != "to_float32"}


@pytest.mark.parametrize("name", sorted(GRADCHECK))
def test_finite_difference_gradcheck(name):
    T = oz()
    fn, shapes = GRADCHECK[name]
    x = T.tensor(np.random.default_rng(1).uniform(0.5, 2.0, shapes[0]), dtype=T.float64,
                 requires_grad=True)
    fn(T, x).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), numeric_gradient(T, fn, x), rtol=1e-6, atol=1e-6)


# ------------------------------------------------------------------ engine semantics

def test_grad_accumulates_across_backward_calls():
    def f(T):
        x = T.tensor([1.0, 2.0], requires_grad=True)
        (x * 3).sum().backward()
        (x * x).sum().backward()
        return x.grad
    check(f)


def test_leaf_and_grad_fn_attributes():
    def f(T):
        x = T.ones(2, requires_grad=True)
        y = x * 2
        return (x.is_leaf, y.is_leaf, x.requires_grad, y.requires_grad, x.grad_fn is None,
                y.grad_fn.name(), y.grad_fn.next_functions[0][0].name(),
                y.grad_fn.next_functions[1][0] is None)
    check(f)


def test_accumulate_grad_variable_is_the_leaf():
    T = oz()
    x = T.ones(2, requires_grad=True)
    acc = (x * 2).grad_fn.next_functions[0][0]
    assert acc.name() == "torch::autograd::AccumulateGrad"  # torch's own spelling
    assert acc.variable.data_ptr() == x.data_ptr()


def test_backward_twice_without_retain_graph_raises():
    def f(T):
        x = T.ones(3, requires_grad=True)
        y = (x * x).sum()
        y.backward()
        y.backward()
    check(f, raises=RuntimeError)


def test_retain_graph_allows_second_backward():
    def f(T):
        x = T.ones(3, requires_grad=True)
        y = (x * x).sum()
        y.backward(retain_graph=True)
        y.backward()
        return x.grad
    check(f)


@pytest.mark.parametrize("case", [
    lambda T: T.ones(3, requires_grad=True).add_(1),                          # leaf in-place
    lambda T: (lambda x: (x.mul_(2), (x * x).sum().backward()))(T.ones(2, requires_grad=True)),
    lambda T: T.ones(2, 3).sum().backward(),                                  # no grad at all
    lambda T: (T.ones(3, requires_grad=True) * 2).backward(),                 # non-scalar output
    lambda T: T.ones(2, dtype=T.int64, requires_grad=True),                   # integer leaf
    lambda T: T.add(T.ones(2, requires_grad=True), 1, out=T.empty(2)),        # out= with grad
])
def test_autograd_errors_match_torch(case):
    check(case, raises=RuntimeError)


def test_saved_tensor_modified_in_place_raises():
    def f(T):
        x = T.ones(3, requires_grad=True)
        y = x * 1
        z = y * y          # saves y
        y.add_(1)          # then modifies it
        z.sum().backward()
    check(f, raises=RuntimeError)


def test_in_place_op_on_non_leaf_is_recorded():
    def f(T):
        x = T.tensor([1.0, 2.0, 3.0], requires_grad=True)
        y = x * 2
        y.add_(x)
        y.mul_(3)
        y.sum().backward()
        return x.grad, y.grad_fn.name()
    check(f)


def test_backward_with_explicit_gradient():
    def f(T):
        x = T.tensor([1.0, 2.0], requires_grad=True)
        y = x * x
        y.backward(T.tensor([1.0, 10.0]))
        return x.grad
    check(f)


def test_backward_gradient_shape_mismatch_raises():
    def f(T):
        x = T.ones(2, requires_grad=True)
        (x * 2).backward(T.ones(3))
    check(f, raises=RuntimeError)


def test_detach_and_data_have_no_history():
    def f(T):
        x = T.ones(2, requires_grad=True)
        y = x * 2
        d = y.detach()
        return d.requires_grad, d.grad_fn is None, y.data.requires_grad, d.is_leaf
    check(f)


def test_retain_grad_keeps_intermediate_gradient():
    def f(T):
        x = T.tensor([1.0, 2.0], requires_grad=True)
        y = x * 3
        y.retain_grad()
        (y * y).sum().backward()
        return y.grad, x.grad, y.retains_grad
    check(f)


def test_grad_setter_and_zeroing():
    def f(T):
        x = T.ones(2, requires_grad=True)
        (x * 2).sum().backward()
        x.grad.zero_()
        (x * 5).sum().backward()
        g = x.grad.clone()
        x.grad = None
        return g, x.grad is None
    check(f)


def test_requires_grad_toggles():
    def f(T):
        x = T.ones(2)
        x.requires_grad_()
        a = x.requires_grad
        x.requires_grad = False
        return a, x.requires_grad
    check(f)


def test_non_leaf_requires_grad_false_raises():
    def f(T):
        y = T.ones(2, requires_grad=True) * 2
        y.requires_grad = False
    check(f, raises=RuntimeError)


# ------------------------------------------------------------------ grad modes

def test_no_grad_context_and_decorator():
    def f(T):
        x = T.ones(2, requires_grad=True)
        with T.no_grad():
            a = x * 2

        @T.no_grad()
        def g(v):
            return v * 3

        b = g(x)
        c = x * 4
        return a.requires_grad, b.requires_grad, c.requires_grad, T.is_grad_enabled()
    check(f)


def test_enable_grad_inside_no_grad_and_set_grad_enabled():
    def f(T):
        x = T.ones(2, requires_grad=True)
        with T.no_grad():
            with T.enable_grad():
                a = x * 2
            b = x * 2
        with T.set_grad_enabled(False):
            c = x * 2
        T.set_grad_enabled(False)
        d = x * 2
        T.set_grad_enabled(True)
        e = x * 2
        return a.requires_grad, b.requires_grad, c.requires_grad, d.requires_grad, e.requires_grad
    check(f)


def test_inference_mode():
    def f(T):
        x = T.ones(2, requires_grad=True)
        with T.inference_mode():
            a = x * 2
            inside = T.is_inference_mode_enabled()
        return a.requires_grad, inside, T.is_inference_mode_enabled()
    check(f)


# ------------------------------------------------------------------ torch.autograd.grad

def test_autograd_grad_returns_gradients_without_accumulating():
    def f(T):
        x = T.tensor([1.0, 2.0, 3.0], requires_grad=True)
        w = T.tensor([0.5, -1.0, 2.0], requires_grad=True)
        y = (x * w).sum()
        gx, gw = T.autograd.grad(y, [x, w])
        return gx, gw, x.grad is None
    check(f)


def test_autograd_grad_unused_input():
    def f(T, allow):
        x = T.ones(2, requires_grad=True)
        z = T.ones(2, requires_grad=True)
        return T.autograd.grad((x * 2).sum(), [x, z], allow_unused=allow)
    check(lambda T: f(T, True))
    check(lambda T: f(T, False), raises=RuntimeError)


def test_double_backward_with_create_graph():
    def f(T):
        x = T.tensor([1.5, -2.0], requires_grad=True)
        y = (x * x * x).sum()
        (g,) = T.autograd.grad(y, x, create_graph=True)   # 3x^2
        (h,) = T.autograd.grad(g.sum(), x)                 # 6x
        return g.detach(), h
    check(f)


def test_autograd_grad_of_non_leaf():
    def f(T):
        x = T.tensor([1.0, 2.0], requires_grad=True)
        y = x * 3
        z = (y * y).sum()
        return T.autograd.grad(z, y)
    check(f)


# ------------------------------------------------------------------ autograd.Function

def legendre_p3(T):
    class LegendrePolynomial3(T.autograd.Function):
        @staticmethod
        def forward(ctx, input):
            ctx.save_for_backward(input)
            return 0.5 * (5 * input * input * input - 3 * input)

        @staticmethod
        def backward(ctx, grad_output):
            input, = ctx.saved_tensors
            return grad_output * 1.5 * (5 * input * input - 1)

    return LegendrePolynomial3


def test_custom_function_forward_backward_and_name():
    def f(T):
        P3 = legendre_p3(T)
        x = T.tensor([0.1, 0.5, -0.7], dtype=T.float64, requires_grad=True)
        y = P3.apply(x)
        y.sum().backward()
        return y.detach(), x.grad, y.grad_fn.name()
    check(f)


def test_custom_function_needs_input_grad_and_non_tensor_args():
    def f(T):
        class Scale(T.autograd.Function):
            @staticmethod
            def forward(ctx, x, k, y):
                ctx.k = k
                ctx.flags = ctx.needs_input_grad
                return x * k + y

            @staticmethod
            def backward(ctx, g):
                return g * ctx.k, None, g

        x = T.ones(2, requires_grad=True)
        y = T.ones(2)
        out = Scale.apply(x, 3.0, y)
        out.sum().backward()
        return x.grad, out.grad_fn is not None
    check(f)


def test_custom_function_wrong_number_of_gradients_raises():
    def f(T):
        class Bad(T.autograd.Function):
            @staticmethod
            def forward(ctx, x, y):
                return x + y

            @staticmethod
            def backward(ctx, g):
                return g

        Bad.apply(T.ones(2, requires_grad=True), T.ones(2)).sum().backward()
    check(f, raises=RuntimeError)


# ------------------------------------------------------------------ memory

def test_graphs_created_and_dropped_leave_memory_flat():
    T = oz()
    x = T.ones(4, requires_grad=True)
    w = T.ones(4, 4, requires_grad=True)

    def step():
        y = ((x @ w) * 2 - x).sum()
        y.backward()

    for _ in range(200):
        step()
    tensors, host = T._C._live_tensors(), T._C._host_bytes_in_use()
    for _ in range(100_000 // 5):  # 5 recorded ops per graph: 100k nodes in all
        step()
    assert T._C._live_tensors() == tensors
    assert T._C._host_bytes_in_use() == host
