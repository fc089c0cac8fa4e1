"""oztorch.Tensor: the Python class over the C type ``_C._TensorBase``.

Every op, operator and attribute lives in C (`python/csrc`); this class adds only what is
naturally Python: printing, numpy's protocol, ``__format__`` and ``__deepcopy__``. Every tensor
the C code creates is an instance of this class (registered with ``_C._set_tensor_class``), so
subclasses such as ``nn.Parameter`` work as in PyTorch.
"""
from . import _C


class Tensor(_C._TensorBase):
    # numpy defers binary operators to us (`ndarray + tensor` calls Tensor.__radd__).
    __array_priority__ = 1000

    def __repr__(self, *, tensor_contents=None):
        try:
            from . import _tensor_str
        except ImportError:  # printing must never be what breaks
            return _fallback_repr(self)
        return _tensor_str._str(self)

    def __format__(self, format_spec):
        if self.dim() == 0 and type(self) is Tensor:
            return self.item().__format__(format_spec)
        return object.__format__(self, format_spec)

    def numpy(self, *, force=False):
        """A numpy.ndarray sharing this (CPU) tensor's memory."""
        if self.requires_grad and not force:
            raise RuntimeError("Can't call numpy() on Tensor that requires grad. "
                               "Use tensor.detach().numpy() instead.")
        try:
            import numpy
        except ImportError:
            raise RuntimeError("Numpy is not available") from None
        return numpy.asarray(self)

    def __array__(self, dtype=None):
        import numpy
        a = self.numpy()  # __array_interface__: shares memory
        return a if dtype is None else a.astype(dtype, copy=False)

    def __deepcopy__(self, memo):
        if id(self) in memo:
            return memo[id(self)]
        new = self.clone()
        memo[id(self)] = new
        return new

    def __reduce_ex__(self, protocol):
        # pickle / copy / multiprocessing: the values as bytes (torch.save writes its own zip
        # format and does not come through here). float16/bfloat16 travel as their bit patterns.
        data = self.detach().contiguous()
        bits = data.view(_C.int16) if data.dtype in (_C.float16, _C.bfloat16) else data
        return (_rebuild_from_bytes, (bits.numpy().tobytes(), str(self.dtype).split(".")[-1],
                                      tuple(self.shape), self.requires_grad))

    def register_hook(self, hook):
        """Runs hook(grad) on each gradient computed for this tensor; a tensor it returns
        replaces the gradient. Returns a handle whose remove() unregisters it."""
        if not self.requires_grad:
            raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
        return _GradHookHandle(self, _C._register_grad_hook(self, hook))

    def __contains__(self, element):
        if isinstance(element, (Tensor, int, float, bool)):
            return bool((element == self).any())
        raise RuntimeError(
            "Tensor.__contains__ only supports Tensor or scalar, but you passed in a %s."
            % type(element))

    __module__ = "oztorch"


class _GradHookHandle:
    """What Tensor.register_hook returns: remove() (also on leaving a `with` block)."""

    def __init__(self, tensor, hook_id):
        import weakref
        self._tensor = weakref.ref(tensor)
        self.id = hook_id

    def remove(self):
        tensor = self._tensor()
        if tensor is not None:
            _C._remove_grad_hook(tensor, self.id)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.remove()


def _rebuild_from_bytes(raw, dtype_name, shape, requires_grad):
    import numpy
    dtype = getattr(_C, dtype_name)
    half = dtype in (_C.float16, _C.bfloat16)
    array = numpy.frombuffer(raw, dtype=numpy.int16 if half else numpy.dtype(
        "bool" if dtype_name == "bool" else dtype_name)).reshape(shape).copy()
    t = _C.from_numpy(array)
    if half:
        t = t.view(dtype)
    return t.requires_grad_(requires_grad) if requires_grad else t


def _fallback_repr(t):
    suffix = "" if t.dtype in (_C.float32, _C.int64, _C.bool) else ", dtype=%r" % (t.dtype,)
    return "tensor(%r%s)" % (t.tolist(), suffix)


_C._set_tensor_class(Tensor)
