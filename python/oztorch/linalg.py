"""torch.linalg: norms (over the core's differentiable norm op), matmul and vecdot. Spectral
norms (ord=2, -2, 'nuc') need singular values, which the core does not compute yet; they raise
NotImplementedError rather than return something approximate."""
import math

from . import _C

matmul = _C.matmul

_SCALAR_NAMES = {_C.int64: "Long", _C.int32: "Int", _C.int16: "Short", _C.int8: "Char",
                 _C.uint8: "Byte", _C.bool: "Bool"}


def _check_floating(x, fn):
    if not x.is_floating_point():
        raise RuntimeError("%s: Expected a floating point or complex tensor as input. Got %s"
                           % (fn, _SCALAR_NAMES.get(x.dtype, x.dtype)))


def _dims(dim, ndim):
    dims = (dim,) if isinstance(dim, int) else tuple(dim)
    wrapped = []
    for d in dims:
        if not -max(ndim, 1) <= d < max(ndim, 1):
            raise IndexError("Dimension out of range (expected to be in range of [%d, %d], but "
                             "got %d)" % (-max(ndim, 1), max(ndim, 1) - 1, d))
        wrapped.append(d % max(ndim, 1))
    return tuple(wrapped)


def vector_norm(x, ord=2, dim=None, keepdim=False, *, dtype=None, out=None):
    """(sum |x|^ord)^(1/ord) over `dim` (all elements when None); ord=inf/-inf: max/min |x|;
    ord=0: the number of non-zeros."""
    _check_floating(x, "linalg.vector_norm")
    if isinstance(ord, str):
        raise TypeError("linalg_vector_norm(): argument 'ord' must be Number, not str")
    if dtype is not None:
        x = x.to(dtype)
    if dim is None:
        dims = tuple(range(x.dim()))
    else:
        dims = _dims(dim, x.dim())
    if (ord < 0 or ord == math.inf) and x.numel() == 0:
        raise RuntimeError("linalg.vector_norm cannot compute the %g norm on an empty tensor "
                           "because the operation does not have an identity" % ord)
    if x.dim() == 0:  # the core's norm wants a dimension; a 0-d norm is just |x| (ord != 0)
        result = (x != 0).to(x.dtype) if ord == 0 else x.abs()
    else:
        result = _C.norm(x, float(ord), dims, keepdim)
    if out is not None:
        out.copy_(result)
        return out
    return result


def matrix_norm(A, ord="fro", dim=(-2, -1), keepdim=False, *, dtype=None, out=None):
    """'fro': sqrt of the sum of squares; 1/-1: max/min column sum of |A|; inf/-inf: max/min row
    sum of |A|, over the two dims `dim`."""
    _check_floating(A, "linalg.matrix_norm")
    if A.dim() < 2:
        raise RuntimeError("linalg.matrix_norm: The input tensor A must have at least 2 "
                           "dimensions.")
    if dtype is not None:
        A = A.to(dtype)
    dims = _dims(dim, A.dim())
    if len(dims) != 2 or dims[0] == dims[1]:
        raise RuntimeError("linalg.matrix_norm: dims must be different. Got (%s)"
                           % ", ".join(str(d) for d in dims))
    row_dim, col_dim = dims
    if ord == "fro":
        result = _C.norm(A, 2.0, dims, keepdim)
    elif ord in (2, -2, "nuc"):
        raise NotImplementedError("linalg.matrix_norm: ord=%r needs singular values, which "
                                  "OzTorch does not compute yet" % (ord,))
    elif ord in (1, -1, math.inf, -math.inf):
        # 1: sum over rows (down each column), then the extreme over columns; inf: the transpose
        summed, reduced = (row_dim, col_dim) if abs(ord) == 1 else (col_dim, row_dim)
        sums = A.abs().sum(summed, keepdim=True)
        result = sums.amax(reduced, keepdim=True) if ord > 0 else sums.amin(reduced,
                                                                           keepdim=True)
        if not keepdim:
            result = result.squeeze(max(dims)).squeeze(min(dims))
    else:
        raise RuntimeError("linalg.matrix_norm: Order %s not supported." % (ord,))
    if out is not None:
        out.copy_(result)
        return out
    return result


def norm(A, ord=None, dim=None, keepdim=False, *, dtype=None, out=None):
    """vector_norm or matrix_norm, picked from ord and dim as torch.linalg.norm does."""
    if dim is not None:
        dims = (dim,) if isinstance(dim, int) else tuple(dim)
        if len(dims) not in (1, 2):
            raise RuntimeError("linalg.norm: If dim is specified, it must be of length 1 or 2. "
                               "Got %s" % (list(dims),))
    elif ord is not None:
        if A.dim() not in (1, 2):
            raise RuntimeError("linalg.norm: If dim is not specified but ord is, the input must "
                               "be 1D or 2D. Got %dD." % A.dim())
        dims = tuple(range(A.dim()))
    else:
        dims = None
    if dims is not None and len(dims) == 2:
        return matrix_norm(A, "fro" if ord is None else ord, dims, keepdim, dtype=dtype, out=out)
    if isinstance(ord, str):
        raise RuntimeError("linalg.matrix_norm: dim must be a 2-tuple. Got %d" % len(dims or ()))
    return vector_norm(A, 2 if ord is None else ord, dims, keepdim, dtype=dtype, out=out)


def vecdot(x, y, *, dim=-1, out=None):
    """The dot product of x and y along `dim` (broadcasting the others)."""
    result = (x * y).sum(dim)
    if out is not None:
        out.copy_(result)
        return out
    return result
