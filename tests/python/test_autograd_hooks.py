"""Tensor.register_hook and exceptions raised inside autograd callbacks, beside torch."""
import numpy as np
import pytest
import torch

from conftest import oz


def both(program):
    """program(T) -> list of values (lists/floats/strings); equal for torch and OzTorch."""
    ref, got = program(torch), program(oz())
    assert got == ref


def leaf(T, n=3):
    return T.tensor(np.linspace(0.5, 1.5, n), dtype=T.float64, requires_grad=True)


def test_leaf_hook_replaces_the_gradient_before_accumulation():
    def program(T):
        x = leaf(T)
        x.register_hook(lambda g: g * 3)
        (x * x).sum().backward()
        (x * 2).sum().backward()
        return x.grad.tolist()
    both(program)


def test_non_leaf_hooks_see_the_summed_gradient_in_order():
    def program(T):
        x = leaf(T)
        y = x.exp()
        seen = []
        y.register_hook(lambda g: seen.append(("first", g.tolist())))
        y.register_hook(lambda g: g + 1)
        y.register_hook(lambda g: seen.append(("third", g.tolist())))
        (y * 2 + y.sin()).sum().backward()
        return [seen, x.grad.tolist()]
    both(program)


def test_remove_and_context_manager():
    def program(T):
        x = leaf(T)
        h = x.register_hook(lambda g: g * 0)
        h.remove()
        h.remove()  # twice is fine
        with x.register_hook(lambda g: g * 10):
            (x * 1).sum().backward()
        (x * 1).sum().backward()
        return x.grad.tolist()
    both(program)


def test_hooks_run_for_autograd_grad_and_retain_grad_sees_the_hooked_value():
    def program(T):
        x = leaf(T)
        y = x * x
        y.retain_grad()
        y.register_hook(lambda g: g * 2)
        g, = T.autograd.grad(y.sum(), x, retain_graph=True)
        y.sum().backward()
        return [g.tolist(), y.grad.tolist(), x.grad.tolist()]
    both(program)


def test_hook_on_a_tensor_without_grad_and_bad_return():
    for T in (torch, oz()):
        with pytest.raises(RuntimeError, match="doesn't require gradient"):
            T.ones(2).register_hook(lambda g: g)
    x = leaf(oz())
    x.register_hook(lambda g: "not a tensor")
    with pytest.raises((TypeError, RuntimeError)):
        (x * 1).sum().backward()


class Boom(Exception):
    pass


def test_exceptions_in_callbacks_keep_their_type():
    for T in (torch, oz()):
        x = leaf(T)
        x.register_hook(lambda g: (_ for _ in ()).throw(Boom("hook")))
        with pytest.raises(Boom, match="hook"):
            (x * 2).sum().backward()

        class Fn(T.autograd.Function):
            @staticmethod
            def forward(ctx, a):
                return a * 2

            @staticmethod
            def backward(ctx, g):
                raise KeyError("backward")

        with pytest.raises(KeyError):
            Fn.apply(leaf(T)).sum().backward()
        # and the next error is the core's own again
        with pytest.raises(RuntimeError):
            T.ones(2, 3) @ T.ones(2, 3)


def test_hooks_die_with_their_tensor():
    """A hook (and what its closure holds) is freed with its tensor or its grad_fn. (A closure
    that refers back to its own tensor is a cycle OzTorch's C tensors cannot show the garbage
    collector: see docs/python-api.md.)"""
    import gc
    import weakref
    T = oz()
    gc.collect()
    before = T._C._live_tensors()

    class Marker:
        pass

    markers = []
    for _ in range(200):
        m = Marker()
        markers.append(weakref.ref(m))
        x = leaf(T)
        x.register_hook(lambda g, m=m: g)
        y = x * 2
        y.register_hook(lambda g, m=m: g)
        y.sum().backward()
        del m, x, y
    gc.collect()
    assert T._C._live_tensors() - before < 5
    assert all(r() is None for r in markers)
