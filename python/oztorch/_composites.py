"""Ops written in Python over the C ones, where a kernel of their own would add nothing: they are
differentiable through the ops they call."""
from . import _C


def repeat_interleave(input, repeats=None, dim=None, *, output_size=None):
    """Repeats each element (or slice along dim) of input `repeats` times, in place order."""
    if repeats is None:  # torch.repeat_interleave(repeats): the indices, each repeated
        counts = input
        if counts.dim() > 1 or counts.is_floating_point():
            raise RuntimeError("repeat_interleave only accept 1D vector as repeat")
        return _C.arange(counts.numel()).repeat_interleave(counts)
    if dim is None:
        input, dim = input.flatten(), 0
    size = input.shape[dim]
    if isinstance(repeats, _C._TensorBase) and repeats.numel() != 1:
        if repeats.dim() != 1:
            raise RuntimeError("repeats must be 0-dim or 1-dim tensor")
        if repeats.shape[0] != size:
            raise RuntimeError("repeats must have the same size as input along dim, but got "
                               "repeats.size(0) = %d and input.size(%d) = %d"
                               % (repeats.shape[0], dim, size))
        counts = repeats.tolist()
        if any(c < 0 for c in counts):
            raise RuntimeError("repeats can not be negative")
        index = _C.tensor([i for i, c in enumerate(counts) for _ in range(c)], dtype=_C.int64)
    else:
        r = int(repeats)
        if r < 0:
            raise RuntimeError("repeats can not be negative")
        index = _C.arange(size * r) // r
    if output_size is not None and index.numel() != output_size:
        raise RuntimeError("allocated size does not match required size")
    return input.index_select(dim, index)


# ---------------------------------------------------------------- comparison

def isclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    """Elementwise |input - other| <= atol + rtol * |other| (equal values, infinities included,
    are always close; NaNs only with equal_nan)."""
    if input.dtype != other.dtype:
        raise RuntimeError("%s did not match %s" % (input.dtype, other.dtype))
    if rtol < 0:
        raise RuntimeError("rtol must be greater than or equal to zero, but got %s" % rtol)
    if atol < 0:
        raise RuntimeError("atol must be greater than or equal to zero, but got %s" % atol)
    close = input == other
    if equal_nan and input.is_floating_point():
        close = close | (input.isnan() & other.isnan())
    if rtol == 0 and atol == 0:
        return close
    if not input.is_floating_point():  # integers compare as numbers: no uint8 wrap-around
        input, other = input.to(_C.float64), other.to(_C.float64)
    allowed = atol + (rtol * other).abs()
    actual = (input - other).abs()
    return close | (actual.isfinite() & (actual <= allowed))


def allclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    """True when every element pair is close (see isclose)."""
    return bool(isclose(input, other, rtol, atol, equal_nan).all().item())


# ---------------------------------------------------------------- autograd.Variable

class _VariableMeta(type):
    def __instancecheck__(cls, other):  # every tensor is a Variable, as in torch
        return isinstance(other, _C._TensorBase)


class Variable(metaclass=_VariableMeta):
    """Deprecated: Variable(t) is a new leaf tensor sharing t's data."""

    def __new__(cls, data=None, requires_grad=False, volatile=False):
        if data is None:
            data = _C.empty(0)
        if not isinstance(data, _C._TensorBase):
            raise TypeError("Variable data has to be a tensor, but got %s"
                            % type(data).__name__)
        return data.detach().requires_grad_(requires_grad)


# ---------------------------------------------------------------- grids and index sets

def meshgrid(*tensors, indexing=None):
    """Coordinate grids from 1-D tensors; 'ij' indexing follows the inputs' order, 'xy' swaps
    the first two output dimensions (as numpy)."""
    import warnings
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tuple(tensors[0])
    if indexing is None:
        warnings.warn("torch.meshgrid: in an upcoming release, it will be required to pass the "
                      "indexing argument.", UserWarning, stacklevel=2)
        indexing = "ij"
    if not tensors:
        raise RuntimeError("meshgrid expects a non-empty TensorList")
    if indexing not in ("ij", "xy"):
        raise RuntimeError('torch.meshgrid: indexing must be one of "xy" or "ij", but received: %s'
                           % indexing)
    for t in tensors:
        if t.dim() > 1:
            raise RuntimeError("torch.meshgrid: Expected 0D or 1D tensor in the tensor list but "
                               "got: %s" % (t,))
        if t.dtype != tensors[0].dtype:
            raise RuntimeError("meshgrid expects all tensors to have the same dtype")
        if t.device != tensors[0].device:
            raise RuntimeError("meshgrid expects all tensors to have the same device")
    swap = indexing == "xy" and len(tensors) >= 2
    if swap:
        tensors = (tensors[1], tensors[0]) + tuple(tensors[2:])
    shape = [t.numel() for t in tensors]
    grids = []
    for i, t in enumerate(tensors):
        view = [1] * len(shape)
        view[i] = -1
        grids.append(t.reshape(view).expand(shape))
    if swap:  # the grids were built for (y, x, ...): hand them back in the inputs' order
        grids[0], grids[1] = grids[1], grids[0]
    return tuple(grids)


_SCALAR_TYPE_NAME = {_C.float32: "Float", _C.float64: "Double", _C.float16: "Half",
                     _C.bfloat16: "BFloat16", _C.int64: "Long", _C.int32: "Int", _C.int16: "Short",
                     _C.int8: "Char", _C.uint8: "Byte", _C.bool: "Bool"}


def _triangle_indices(row, col, offset, dtype, device, upper, name):
    if row < 0:
        raise RuntimeError("row must be non-negative, got%d" % row)
    if col < 0:
        raise RuntimeError("col must be non-negative, got%d" % col)
    if dtype not in (_C.int64, _C.int32):
        raise RuntimeError('"%s" not implemented for \'%s\''
                           % (name, _SCALAR_TYPE_NAME.get(dtype, dtype)))
    distance = _C.arange(col).unsqueeze(0) - _C.arange(row).unsqueeze(1)
    keep = distance >= offset if upper else distance <= offset
    return keep.nonzero().t().to(dtype=dtype, device=device).contiguous()


def triu_indices(row, col, offset=0, *, dtype=None, device=None, layout=None):
    """The (row, column) indices of the upper triangle of a row x col matrix, as 2 x N."""
    return _triangle_indices(row, col, offset, dtype or _C.int64, device or "cpu", True,
                             "triu_indices")


def tril_indices(row, col, offset=0, *, dtype=None, device=None, layout=None):
    """The (row, column) indices of the lower triangle of a row x col matrix, as 2 x N."""
    return _triangle_indices(row, col, offset, dtype or _C.int64, device or "cpu", False,
                             "tril_indices")
