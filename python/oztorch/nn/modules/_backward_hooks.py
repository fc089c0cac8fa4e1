"""Module full backward hooks: register_full_backward_hook / register_full_backward_pre_hook.

As PyTorch does it: the module's tensor inputs and outputs pass through an identity
autograd.Function. The outputs' one sees the gradients of the outputs (grad_output; the pre-hooks
may replace them), the inputs' one those of the inputs (grad_input), and there the hooks run
as hook(module, grad_input, grad_output); one returning a tuple replaces grad_input."""
from ... import _C
from ...autograd.function import Function


class _Identity(Function):
    """Passes its tensors through unchanged; backward hands their gradients to `on_grads`."""

    @staticmethod
    def forward(ctx, on_grads, *tensors):
        ctx.on_grads = on_grads
        return tuple(t.view_as(t) for t in tensors)

    @staticmethod
    def backward(ctx, *grads):
        return (None,) + tuple(ctx.on_grads(grads))


def _tensor_positions(values):
    return [i for i, v in enumerate(values) if isinstance(v, _C._TensorBase) and v.requires_grad]


class BackwardHookCall:
    """One call of a module with full backward hooks."""

    def __init__(self, module, pre_hooks, hooks):
        self.module, self.pre_hooks, self.hooks = module, pre_hooks, hooks
        self.n_args = 0
        self.input_positions = []
        self.grad_output = None

    def wrap_inputs(self, args):
        self.n_args = len(args)
        self.input_positions = _tensor_positions(args)
        if not self.input_positions or not _C.is_grad_enabled():
            return args
        wrapped = _Identity.apply(self._on_input_grads,
                                  *(args[i] for i in self.input_positions))
        args = list(args)
        for i, t in zip(self.input_positions, wrapped):
            args[i] = t
        return tuple(args)

    def wrap_outputs(self, result):
        single = isinstance(result, _C._TensorBase)
        outputs = (result,) if single else result
        if not isinstance(outputs, tuple) or not _C.is_grad_enabled():
            return result
        positions = _tensor_positions(outputs)
        if not positions:
            return result
        wrapped = _Identity.apply(self._on_output_grads, *(outputs[i] for i in positions))
        outputs = list(outputs)
        for i, t in zip(positions, wrapped):
            outputs[i] = t
        return outputs[0] if single else tuple(outputs)

    def _on_output_grads(self, grads):
        grads = tuple(grads)
        for hook in self.pre_hooks():
            new = hook(self.module, grads)
            if new is not None:
                grads = self._checked(new, len(grads), "backward pre hook")
        self.grad_output = grads
        if not self.input_positions:  # no input needs a gradient: the hooks run from here
            self._run_hooks((None,) * self.n_args)
        return grads

    def _on_input_grads(self, grads):
        grad_input = [None] * self.n_args
        for i, g in zip(self.input_positions, grads):
            grad_input[i] = g
        grad_input = self._run_hooks(tuple(grad_input))
        return tuple(grad_input[i] for i in self.input_positions)

    def _run_hooks(self, grad_input):
        for hook in self.hooks():
            new = hook(self.module, grad_input, self.grad_output)
            if new is not None:
                grad_input = self._checked(new, len(grad_input), "backward hook")
        return grad_input

    @staticmethod
    def _checked(new, n, what):
        new = tuple(new) if isinstance(new, (tuple, list)) else (new,)
        if len(new) != n:
            raise RuntimeError("%s returned an invalid number of grad_input, got %d, but "
                               "expected %d" % (what, len(new), n))
        return new
