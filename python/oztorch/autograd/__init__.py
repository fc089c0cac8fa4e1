"""torch.autograd: gradients of tensors with respect to graph leaves (engine in C)."""
from .. import _C
from .function import Function, FunctionCtx  # noqa: F401
from .grad_mode import (enable_grad, inference_mode, is_grad_enabled,  # noqa: F401
                        is_inference_mode_enabled, no_grad, set_grad_enabled)


def _as_tuple(x):
    if x is None:
        return None
    if isinstance(x, _C._TensorBase):
        return (x,)
    return tuple(x)


def backward(tensors, grad_tensors=None, retain_graph=None, create_graph=False, inputs=None):
    """Accumulates gradients of `tensors` into the .grad of the leaves of their graph (of
    `inputs` only, when given)."""
    tensors = _as_tuple(tensors)
    grads = _as_tuple(grad_tensors) or ()
    if retain_graph is None:
        retain_graph = create_graph
    _C._autograd_backward(tensors, grads, bool(retain_graph), bool(create_graph),
                          _as_tuple(inputs))


def grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False,
         only_inputs=True, allow_unused=False, is_grads_batched=False):
    """Returns the gradients of `outputs` with respect to `inputs` (nothing accumulates)."""
    if is_grads_batched:
        raise NotImplementedError("is_grads_batched=True is not supported")
    outputs = _as_tuple(outputs)
    inputs = _as_tuple(inputs)
    grads = _as_tuple(grad_outputs) or ()
    if retain_graph is None:
        retain_graph = create_graph
    return _C._autograd_grad(outputs, inputs, grads, bool(retain_graph), bool(create_graph),
                             bool(allow_unused))
