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
