"""Diagonals: torch.diagonal, diag_embed and diag, written with gather-style indexing and padding
so that gradients flow through the ops they call. (torch.diagonal returns a view; here it is a
copy, since the core has no as_strided.)"""
from . import _C


def _wrap_dim(dim, ndim, name):
    if not -ndim <= dim < ndim:
        raise IndexError("Dimension out of range (expected to be in range of [%d, %d], but got %d)"
                         % (-ndim, ndim - 1, dim))
    return dim % ndim


def diagonal(input, offset=0, dim1=0, dim2=1):
    """The elements input[..., i, i + offset] over dims (dim1, dim2), as a new last dimension."""
    ndim = input.dim()
    d1, d2 = _wrap_dim(dim1, ndim, "diagonal"), _wrap_dim(dim2, ndim, "diagonal")
    if d1 == d2:
        raise RuntimeError("diagonal dimensions cannot be identical %d, %d" % (dim1, dim2))
    moved = input.movedim((d1, d2), (-2, -1))
    rows, cols = moved.shape[-2], moved.shape[-1]
    first_row, first_col = max(-offset, 0), max(offset, 0)
    length = max(min(rows - first_row, cols - first_col), 0)
    steps = _C.arange(length)
    flat_index = (steps + first_row) * cols + (steps + first_col)
    return moved.flatten(-2).index_select(-1, flat_index)


def diag_embed(input, offset=0, dim1=-2, dim2=-1):
    """A tensor whose (dim1, dim2) diagonals at `offset` hold input's last dimension; zeros
    elsewhere."""
    ndim = input.dim() + 1
    d1, d2 = _wrap_dim(dim1, ndim, "diag_embed"), _wrap_dim(dim2, ndim, "diag_embed")
    if d1 == d2:
        raise RuntimeError("diagonal dimensions cannot be identical %d, %d" % (dim1, dim2))
    n = input.shape[-1] if input.dim() else 1
    if input.dim() == 0:
        input = input.reshape(1)
    on_diagonal = _C.eye(n, dtype=_C.bool, device=input.device)
    square = input.unsqueeze(-2).expand(*input.shape[:-1], n, n)
    # where, not multiplication by an identity matrix: inf * 0 would put NaNs off the diagonal
    square = _C.where(on_diagonal, square, _C.zeros((), dtype=input.dtype, device=input.device))
    k = abs(offset)
    if k:
        # the n x n block sits k columns right (offset > 0) or k rows down (offset < 0)
        pad = (k, 0, 0, k) if offset > 0 else (0, k, k, 0)
        square = _C.constant_pad_nd(square, pad, 0)
    return square.movedim((-2, -1), (d1, d2))


def diag(input, diagonal=0):
    """1-D input: the square matrix with input on its `diagonal`; 2-D input: that diagonal."""
    if input.dim() == 1:
        return diag_embed(input, diagonal)
    if input.dim() == 2:
        return globals()["diagonal"](input, diagonal)
    raise RuntimeError("diag(): Supports 1D or 2D tensors. Got %dD" % input.dim())
