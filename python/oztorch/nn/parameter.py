"""nn.Parameter (a tensor a Module registers as learnable) and nn.Buffer (a tensor it registers
as state), as in torch.nn.parameter."""
from .._tensor import Tensor
from .. import _C

__all__ = ["Parameter", "Buffer"]


def _rebuild_parameter(data, requires_grad, backward_hooks=None):
    # The signature of torch._utils._rebuild_parameter, so pickles of either kind map onto it.
    return Parameter(data, requires_grad)


class Parameter(Tensor):
    """A Tensor that, assigned as a Module attribute, joins the module's parameters().

    It shares memory with `data`; requires_grad defaults to True."""

    def __new__(cls, data=None, requires_grad=True):
        if data is None:
            data = _C.empty(0)
        if not isinstance(data, _C._TensorBase):
            # PyTorch fails here on data.detach(); say the same, more plainly.
            raise AttributeError("'%s' object has no attribute 'detach': nn.Parameter needs "
                                 "a Tensor" % type(data).__name__)
        return Tensor._make_subclass(cls, data, requires_grad)

    def __deepcopy__(self, memo):
        if id(self) in memo:
            return memo[id(self)]
        result = type(self)(self.data.clone(), self.requires_grad)
        memo[id(self)] = result
        return result

    def __repr__(self):
        return "Parameter containing:\n" + super().__repr__()

    def __reduce_ex__(self, protocol):
        # The data pickles as a plain tensor; the wrapper is rebuilt around it.
        return (_rebuild_parameter, (self.data, self.requires_grad))

    __module__ = "oztorch.nn.parameter"


class _BufferMeta(type):
    # nn.Buffer(t) returns a plain tensor marked as a buffer, so isinstance() asks the mark.
    def __instancecheck__(cls, instance):
        if cls is Buffer:
            return isinstance(instance, _C._TensorBase) and getattr(instance, "_is_buffer", False)
        return super().__instancecheck__(instance)


class Buffer(Tensor, metaclass=_BufferMeta):
    """Marks a tensor so that assigning it to a Module attribute registers it as a buffer
    (persistent=False keeps it out of state_dict). Returns a plain, detached Tensor."""

    def __new__(cls, data=None, *, persistent=True):
        if data is None:
            data = _C.empty(0)
        if not isinstance(data, _C._TensorBase):
            raise TypeError("Buffer(): argument 'data' must be Tensor, not %s"
                            % type(data).__name__)
        t = data.detach().requires_grad_(data.requires_grad)
        t.persistent = persistent
        t._is_buffer = True
        return t

    __module__ = "oztorch.nn.parameter"
