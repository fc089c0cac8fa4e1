"""In-place writes through views of tensors in the graph (torch's CopySlices) and views whose base
changed in place: the same programs on torch and OzTorch give the same values, gradients, grad_fn
names and errors."""
import numpy as np
import pytest
import torch

from conftest import oz

X = np.arange(12, dtype=np.float64).reshape(3, 4) / 7 - 0.5
W = np.linspace(-1, 1, 4)


def leaf(T, a=X):
    return T.tensor(a, dtype=T.float64, requires_grad=True)


def run(program):
    """program(T) -> (outputs, leaves): backward of sum(outputs)... done by the program itself;
    returns tensors to compare (values and the leaves' grads)."""
    results = []
    for T in (torch, oz()):
        results.append(program(T))
    (ref_vals, ref_leaves), (oz_vals, oz_leaves) = results
    for r, o in zip(ref_vals, oz_vals):
        np.testing.assert_allclose(o.detach().numpy(), r.detach().numpy(), rtol=1e-12, atol=1e-12)
    for r, o in zip(ref_leaves, oz_leaves):
        assert (r.grad is None) == (o.grad is None)
        if r.grad is not None:
            np.testing.assert_allclose(o.grad.numpy(), r.grad.numpy(), rtol=1e-12, atol=1e-12)
    return results


def p_row_mul(T):
    x = leaf(T)
    y = x * 2
    y[1].mul_(x[0] * 3)      # a row times another tensor, in place
    y.sum().backward()
    return [y], [x]


def p_slice_add_other(T):
    x, w = leaf(T), leaf(T, W)
    y = x.sin()
    y[:, 1:3] += w[1:3] * 3   # in place through a slice, the other operand needs grad too
    (y * y).sum().backward()
    return [y], [x, w]


def p_setitem_value(T):
    x, w = leaf(T), leaf(T, W)
    y = x.clone()
    y[0, 1:] = w[:3].sin()    # copy_ into a view: old values get no gradient
    (y ** 2).sum().backward()
    return [y], [x, w]


def p_view_of_view(T):
    x = leaf(T)
    y = x + 0
    v = y.t()[1:3]            # a view of a view: the root base is y
    v.clamp_(min=0.0).mul_(5)
    (y * T.tensor(X, dtype=T.float64)).sum().backward()
    return [y, v], [x]


def p_base_changed(T):
    x = leaf(T)
    y = x * 1
    v = y[:, 0]
    y.mul_(3)                 # the base changes after the view was made
    (v * v).sum().backward()  # v's history is regenerated from y's
    return [v], [x]


def p_view_use_after(T):
    x = leaf(T)
    y = x * 1.5
    v = y.view(12)
    v[3:6].zero_()
    z = (y.sum(0) * v[:4]).sum()
    z.backward()
    return [y, z], [x]


def p_base_not_requiring(T):
    w = leaf(T, W)
    y = T.zeros(3, 4, dtype=T.float64)  # no grad until the write
    y[1] = w * 2
    y.select(0, 2).add_(w)
    (y.cumsum(1) ** 2).sum().backward()
    return [y], [w]


def p_inplace_binary_both_need_grad(T):
    x, w = leaf(T), leaf(T, W)
    y = x * 2
    y.mul_(w).div_(w + 3)     # the formulas need the values from before the write
    y[2].mul_(y[1] * 1)
    (y ** 2).sum().backward()
    return [y], [x, w]


def p_unsqueeze_diag(T):
    x = leaf(T)
    y = x.sin()
    y.unsqueeze(0)[0, 2].fill_(1.5)
    y.sum().backward()
    return [y], [x]


@pytest.mark.parametrize("program", [p_row_mul, p_slice_add_other, p_setitem_value,
                                     p_view_of_view, p_base_changed, p_view_use_after,
                                     p_base_not_requiring, p_unsqueeze_diag,
                                     p_inplace_binary_both_need_grad],
                         ids=lambda p: p.__name__[2:])
def test_values_and_gradients(program):
    run(program)


def test_grad_fn_names():
    for T in (torch, oz()):
        x = leaf(T)
        y = x * 2
        v = y[0]
        v.add_(1)
        assert y.grad_fn.name() == "torch::autograd::CopySlices", T
        assert v.grad_fn.name() == "AsStridedBackward0", T
        assert repr(y.grad_fn).startswith("<CopySlices object at ")
        assert y.requires_grad and v.requires_grad and not y.is_leaf


def test_gradient_through_copy_slices_twice_with_retain_graph():
    grads = []
    for T in (torch, oz()):
        x = leaf(T)
        y = x * x
        y[2, 1:3] *= 4
        s = y.sum()
        s.backward(retain_graph=True)
        s.backward()
        grads.append(x.grad.numpy())
    np.testing.assert_allclose(grads[1], grads[0], rtol=1e-12)


def error_of(T, program):
    try:
        program(T)
    except Exception as e:  # noqa: BLE001 - the class is what is compared
        return type(e), str(e)
    return None, None


def e_view_of_leaf(T):
    x = leaf(T)
    x[0].add_(1)


def e_multi_view(T):
    x = leaf(T)
    a, b = (x * 1).unbind(0)[:2]
    a.mul_(2)


def e_split(T):
    y = leaf(T) * 1
    y.split(2, 1)[1].zero_()


def e_no_grad_view(T):
    y = leaf(T) * 1
    with T.no_grad():
        v = y[0]
    v.add_(1)


def e_saved_base_modified(T):
    x = leaf(T)
    y = x * 1
    z = (y * y).sum()
    y[0].zero_()
    z.backward()


@pytest.mark.parametrize("program", [e_view_of_leaf, e_multi_view, e_split, e_no_grad_view,
                                     e_saved_base_modified], ids=lambda p: p.__name__[2:])
def test_errors(program):
    ref_type, ref_msg = error_of(torch, program)
    oz_type, oz_msg = error_of(oz(), program)
    assert ref_type is not None
    assert oz_type is ref_type, (oz_type, oz_msg, ref_msg)
    assert oz_msg.split(".")[0] == ref_msg.split(".")[0], (oz_msg, ref_msg)


def test_no_grad_writes_through_views_are_allowed():
    T = oz()
    x = leaf(T)
    with T.no_grad():
        x[0].zero_()
        x[:, 1] += 1
    (x * 2).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), np.full((3, 4), 2.0))
    assert x.is_leaf and x.grad_fn is None


# ---------------------------------------------------------------- backward(inputs=...)
def p_backward_inputs_leaf(T):
    x, w = leaf(T), leaf(T, W)
    y = (x * w).tanh()
    y.sum().backward(inputs=[w])          # only w accumulates
    return [y], [x, w]


def p_backward_inputs_nonleaf(T):
    x, w = leaf(T), leaf(T, W)
    h = x * 3
    y = (h * w).sin().sum()
    T.autograd.backward([y], inputs=[h, x])  # a non-leaf input gets a .grad too
    return [h.grad, x.grad], [w]


def p_backward_inputs_accumulates(T):
    x, w = leaf(T), leaf(T, W)
    for _ in range(2):
        (x.exp() * w).sum().backward(inputs=(x, w))
    return [], [x, w]


@pytest.mark.parametrize("program", [p_backward_inputs_leaf, p_backward_inputs_nonleaf,
                                     p_backward_inputs_accumulates], ids=lambda p: p.__name__[2:])
def test_backward_inputs(program):
    run(program)


def e_backward_inputs_empty(T):
    leaf(T).sum().backward(inputs=[])


def e_backward_inputs_no_grad(T):
    x = leaf(T)
    x.sum().backward(inputs=[T.ones(2)])


@pytest.mark.parametrize("program", [e_backward_inputs_empty, e_backward_inputs_no_grad],
                         ids=lambda p: p.__name__[2:])
def test_backward_inputs_errors(program):
    # (torch 1.13 words the second one after an internal retain_grad; the class is the contract)
    assert error_of(oz(), program)[0] is error_of(torch, program)[0] is RuntimeError


# ---------------------------------------------------------------- double backward through views
def second_order(T, f, shape=(2, 3), with_v=False):
    x = T.arange(float(shape[0] * shape[1]), dtype=T.float64).reshape(shape).div(5).requires_grad_()
    out = f(T, x)
    v = T.linspace(0.5, 1.5, out.numel(), dtype=T.float64).reshape(out.shape).requires_grad_() \
        if with_v else None
    g, = T.autograd.grad(out if with_v else out.sum(), x, v, create_graph=True)
    (g * g).sum().backward()
    return [g], [x] + ([v] if with_v else [])


@pytest.mark.parametrize("f", [
    lambda T, x: x[:, 1:] ** 3,
    lambda T, x: x.select(1, 2).exp(),
    lambda T, x: x.t().reshape(6).sin() * x.view(6),
    lambda T, x: x.permute(1, 0).unsqueeze(0).expand(2, 3, 2) ** 2,
    lambda T, x: (x ** 2).sum(1),
    lambda T, x: (x.unsqueeze(0) * T.ones(3, 1, 1, dtype=T.float64)).pow(3),
    lambda T, x: x.float().double() ** 3,
    lambda T, x: T.cat([x[0] ** 2, x[1] ** 3]),
], ids=["slice", "select", "reshape_t", "permute_expand", "sum_dim", "broadcast", "cast", "cat"])
@pytest.mark.parametrize("with_v", [False, True], ids=["ones", "v_requires_grad"])
def test_double_backward_through_views(f, with_v):
    run(lambda T: second_order(T, f, with_v=with_v))
