"""PyTorch's legacy tensor types (``torch.FloatTensor`` & co.), ``torch.Generator`` and
``torch.default_generator``, and the legacy Tensor methods built on them (``Tensor.type``,
``Tensor.new``).

``torch.FloatTensor(2, 3)`` is an uninitialised float32 tensor of that shape,
``torch.FloatTensor([1, 2])`` one holding that data, ``torch.FloatTensor()`` an empty one, as in
PyTorch; ``isinstance(x, torch.FloatTensor)`` checks the dtype and that x is on the CPU. The
package imports everything in ``__all__`` (``from ._legacy import *``); importing this module also
makes ``oztorch.random`` available.
"""
import operator as _operator

from . import _C
from . import random  # noqa: F401 - torch.random, as an attribute of the package
from ._size import Size as _Size
from ._tensor import Tensor as _Tensor

_C._random_init()
Generator = _C.Generator
default_generator = _C.default_generator


def _as_size(x):
    """x as a dimension size, or None when it is not an int (bools are not sizes)."""
    if isinstance(x, bool):
        return None
    try:
        return _operator.index(x)
    except TypeError:
        return None


def _construct(type_name, dtype, device, args, kwargs):
    """What torch's legacy constructors do: (), (*sizes), (torch.Size), (data) or (tensor)."""
    if kwargs:
        raise TypeError("new() received an invalid combination of arguments - got an "
                        "unexpected keyword argument %r; expected (*sizes, *, device=None) or "
                        "(data, *, device=None)" % sorted(kwargs)[0])
    if not args:
        return _C.empty(0, dtype=dtype, device=device)
    if len(args) == 1:
        data = args[0]
        if isinstance(data, _Tensor):
            if data.dtype != dtype or (device is not None and data.device != _C.device(device)):
                raise TypeError("expected %s (got %s)" % (type_name, _type_name(data)))
            return _Tensor(data)  # shares data's storage, as torch does
        if isinstance(data, _Size):
            return _C.empty(tuple(data), dtype=dtype, device=device)
        if isinstance(data, (str, bytes)):
            raise TypeError("new(): invalid data type '%s'" % type(data).__name__)
        if _as_size(data) is None:
            # numpy scalars have __array_interface__ but are not sequences (ndim 0)
            if not (hasattr(data, "__len__") or hasattr(data, "__array_interface__")) or \
                    getattr(data, "ndim", 1) == 0:
                raise TypeError("new(): data must be a sequence (got %s)" % type(data).__name__)
            return _C.tensor(data, dtype=dtype, device=device)
    sizes = [_as_size(a) for a in args]
    if any(s is None for s in sizes):
        raise TypeError("new() received an invalid combination of arguments - got (%s), but "
                        "expected (*sizes) or (data)" % ", ".join(type(a).__name__ for a in args))
    return _C.empty(sizes, dtype=dtype, device=device)


class tensortype(type):
    """The class of torch.FloatTensor & co.: calling one builds a CPU tensor of its dtype."""

    __module__ = "oztorch"

    def __instancecheck__(cls, obj):
        return isinstance(obj, _Tensor) and obj.dtype == cls.dtype and obj.device.type == "cpu"

    def __call__(cls, *args, device=None, **kwargs):
        if device is not None and _C.device(device).type != "cpu":
            raise RuntimeError("legacy constructor expects device type: cpu but device type: %s "
                               "was passed" % _C.device(device).type)
        return _construct(cls.__name__, cls.dtype, None, args, kwargs)


def _legacy_type(name, dtype):
    return tensortype(name, (), {"dtype": dtype, "is_cuda": False, "is_sparse": False,
                                 "__module__": "oztorch",
                                 "__doc__": "Legacy constructor of %s tensors." % dtype})


FloatTensor = _legacy_type("FloatTensor", _C.float32)
DoubleTensor = _legacy_type("DoubleTensor", _C.float64)
HalfTensor = _legacy_type("HalfTensor", _C.float16)
BFloat16Tensor = _legacy_type("BFloat16Tensor", _C.bfloat16)
LongTensor = _legacy_type("LongTensor", _C.int64)
IntTensor = _legacy_type("IntTensor", _C.int32)
ShortTensor = _legacy_type("ShortTensor", _C.int16)
CharTensor = _legacy_type("CharTensor", _C.int8)
ByteTensor = _legacy_type("ByteTensor", _C.uint8)
BoolTensor = _legacy_type("BoolTensor", _C.bool)

_BY_DTYPE = {cls.dtype: cls for cls in (FloatTensor, DoubleTensor, HalfTensor, BFloat16Tensor,
                                         LongTensor, IntTensor, ShortTensor, CharTensor,
                                         ByteTensor, BoolTensor)}
_BY_NAME = {"torch." + cls.__name__: cls for cls in _BY_DTYPE.values()}


def _type_name(t):
    """'torch.FloatTensor', or 'torch.cuda.FloatTensor' for a CUDA tensor."""
    prefix = "torch.cuda." if t.device.type == "cuda" else "torch."
    return prefix + _BY_DTYPE[t.dtype].__name__


# ---- legacy Tensor methods (attach as Tensor.type and Tensor.new) ----

def _tensor_type(self, dtype=None, non_blocking=False, **kwargs):
    """Tensor.type(): the type's name, or self converted to a dtype, a legacy type or a legacy
    type's name ('torch.LongTensor'); self itself when nothing changes."""
    device = None
    if dtype is None:
        return _type_name(self)
    if isinstance(dtype, str):
        name = dtype.replace("torch.cuda.", "torch.", 1)
        if name not in _BY_NAME:
            raise ValueError("invalid type: %r" % dtype)
        device = "cuda" if dtype.startswith("torch.cuda.") else "cpu"
        dtype = _BY_NAME[name].dtype
    elif isinstance(dtype, tensortype):
        device, dtype = "cpu", dtype.dtype
    elif not isinstance(dtype, _C.dtype):
        raise TypeError("dtype must be a type, str, or dtype object")
    if dtype == self.dtype and (device is None or self.device.type == device):
        return self
    return self.to(dtype) if device is None else self.to(device=device, dtype=dtype)


def _tensor_new(self, *args, **kwargs):
    """Tensor.new(...): the legacy constructor for self's dtype and device."""
    device = kwargs.pop("device", None)
    return _construct(_type_name(self).rsplit(".", 1)[-1], self.dtype,
                      self.device if device is None else device, args, kwargs)


__all__ = ["Generator", "default_generator", "FloatTensor", "DoubleTensor", "HalfTensor",
           "BFloat16Tensor", "LongTensor", "IntTensor", "ShortTensor", "CharTensor", "ByteTensor",
           "BoolTensor"]
