"""torch.autograd.Function: user-defined forward/backward pairs recorded as one graph node."""
from .. import _C
from .grad_mode import no_grad


class FunctionCtx:
    """The `ctx` handed to forward and backward."""

    def __init__(self):
        self._saved = ()
        self._non_differentiable = set()
        self.needs_input_grad = ()
        self.materialize_grads = True

    def save_for_backward(self, *tensors):
        self._saved = tuple(tensors)

    @property
    def saved_tensors(self):
        return self._saved

    def mark_non_differentiable(self, *tensors):
        self._non_differentiable.update(id(t) for t in tensors)

    def mark_dirty(self, *tensors):
        pass  # in-place outputs are rebased onto the new node like any output

    def set_materialize_grads(self, value):
        self.materialize_grads = bool(value)


class FunctionMeta(type):
    pass


class Function(metaclass=FunctionMeta):
    """Subclass with static forward(ctx, *args) and backward(ctx, *grads); call .apply(*args)."""

    @staticmethod
    def forward(ctx, *args, **kwargs):
        raise NotImplementedError("You must implement the forward function for custom "
                                  "autograd.Function.")

    @staticmethod
    def backward(ctx, *grad_outputs):
        raise NotImplementedError("You must implement either the backward or vjp method for your "
                                  "custom autograd.Function to use it with backward mode AD.")

    @classmethod
    def apply(cls, *args):
        Tensor = _C._TensorBase
        ctx = FunctionCtx()
        ctx.needs_input_grad = tuple(isinstance(a, Tensor) and a.requires_grad for a in args)
        with no_grad():
            result = cls.forward(ctx, *args)
        is_tuple = isinstance(result, tuple)
        outputs = result if is_tuple else (result,)
        if _C.is_grad_enabled() and any(ctx.needs_input_grad):
            differentiable = tuple(
                o if isinstance(o, Tensor) and id(o) not in ctx._non_differentiable else None
                for o in outputs)
            shapes = [(o.shape, o.dtype) if isinstance(o, Tensor) else None for o in outputs]
            n_args = len(args)

            def backward(grads):
                if ctx.materialize_grads:
                    import oztorch
                    grads = tuple(
                        g if g is not None or s is None else oztorch.zeros(s[0], dtype=s[1])
                        for g, s in zip(grads, shapes))
                got = cls.backward(ctx, *grads)
                got = got if isinstance(got, tuple) else (got,)
                if len(got) != n_args:
                    raise RuntimeError(
                        "function %sBackward returned an incorrect number of gradients "
                        "(expected %d, got %d)" % (cls.__name__, n_args, len(got)))
                return got

            _C._function_record(cls.__name__ + "Backward", backward,
                                tuple(a if isinstance(a, Tensor) else None for a in args),
                                differentiable)
        return result
