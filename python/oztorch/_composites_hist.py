"""Counting ops: torch.bincount and torch.histc (not differentiable, as in torch)."""
from . import _C
from ._composites import _SCALAR_TYPE_NAME


def bincount(input, weights=None, minlength=0):
    """Counts (or sums of weights) of each non-negative integer in the 1-D input."""
    if input.is_floating_point() or input.dtype == _C.bool:
        raise RuntimeError('"bincount_cpu" not implemented for \'%s\''
                           % _SCALAR_TYPE_NAME.get(input.dtype, input.dtype))
    if minlength < 0:
        raise RuntimeError("minlength should be >= 0")
    if input.dim() != 1 or (input.numel() and input.min().item() < 0):
        raise RuntimeError("bincount only supports 1-d non-negative integral inputs.")
    if weights is not None and (weights.dim() != 1 or weights.shape[0] != input.shape[0]):
        raise RuntimeError("weights should be 1-d and have the same length as input")
    size = max(minlength, input.max().item() + 1 if input.numel() else 0)
    index = input.to(_C.int64)
    if weights is None:
        counts = _C.zeros(size, dtype=_C.int64, device=input.device)
        return counts.index_add_(0, index, _C.ones_like(index))
    dtype = _C.float32 if weights.dtype == _C.float32 else _C.float64
    sums = _C.zeros(size, dtype=dtype, device=input.device)
    return sums.index_add_(0, index, weights.detach().to(dtype))


def histc(input, bins=100, min=0, max=0):
    """Histogram of input over `bins` equal bins spanning [min, max] (the data's range when
    min == max); values outside the range are not counted."""
    if not input.is_floating_point():
        raise RuntimeError('"histogram_cpu" not implemented for \'%s\''
                           % _SCALAR_TYPE_NAME.get(input.dtype, input.dtype))
    if bins <= 0:
        raise RuntimeError("torch.histc(): bins must be > 0, but got %s for dimension 0" % bins)
    values = input.detach().flatten()
    low, high = float(min), float(max)
    if low == high and values.numel():
        low, high = values.min().item(), values.max().item()
    if low == high:
        low, high = low - 1, high + 1
    if low > high:
        raise RuntimeError("torch.histc: max must be larger than min")
    if low != low or high != high or abs(low) == float("inf") or abs(high) == float("inf"):
        raise RuntimeError("torch.histc: range of [%s, %s] is not finite" % (low, high))
    inside = values[(values >= low) & (values <= high)]
    # the bin arithmetic runs in the input's dtype, so edge cases land where torch's do
    low_t = _C.tensor(low, dtype=input.dtype)
    high_t = _C.tensor(high, dtype=input.dtype)
    position = ((inside - low_t) * bins / (high_t - low_t)).to(_C.int64).clamp(0, bins - 1)
    counts = _C.zeros(bins, dtype=input.dtype, device=input.device)
    return counts.index_add_(0, position, _C.ones_like(inside))
