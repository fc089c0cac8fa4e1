"""Storages as torch.save / torch.load see them.

A tensor's storage is a block of bytes that all its views share. oztorch keeps storages inside
the C core; this module gives them the two Python faces PyTorch's file format needs:
- the storage types (``torch.FloatStorage``, ``torch.LongStorage``, ...): names that tell a
  saved file which dtype a storage's bytes hold. Here they only carry that dtype.
- ``TypedStorage``: a storage read back by ``torch.load`` (bytes plus the dtype tensors read
  them as); it is what a ``map_location`` callable receives and returns.
"""
from . import _C


class _StorageType:
    """Base of the storage types; a class attribute ``dtype`` says what the bytes hold."""
    dtype = None

    def __new__(cls, *args, **kwargs):
        raise TypeError(
            f"oztorch.{cls.__name__} only names a dtype in saved files; oztorch creates "
            "storages through tensors (torch.empty, torch.tensor, ...), not directly")


def _storage_type(name, dtype):
    return type(name, (_StorageType,), {"dtype": dtype, "__module__": __name__,
                                        "__doc__": f"Storage type of {dtype} tensors."})


# PyTorch's names for the storage of each dtype oztorch has (torch/__init__.py in PyTorch).
STORAGE_TYPES = {cls.__name__: cls for cls in (
    _storage_type("FloatStorage", _C.float32),
    _storage_type("DoubleStorage", _C.float64),
    _storage_type("HalfStorage", _C.float16),
    _storage_type("BFloat16Storage", _C.bfloat16),
    _storage_type("LongStorage", _C.int64),
    _storage_type("IntStorage", _C.int32),
    _storage_type("ShortStorage", _C.int16),
    _storage_type("CharStorage", _C.int8),
    _storage_type("ByteStorage", _C.uint8),
    _storage_type("BoolStorage", _C.bool),
    # Raw bytes: how PyTorch 2 names a storage that tensors of several dtypes may view.
    _storage_type("UntypedStorage", _C.uint8),
)}
globals().update(STORAGE_TYPES)
STORAGE_TYPE_OF_DTYPE = {cls.dtype: cls for name, cls in STORAGE_TYPES.items()
                         if name != "UntypedStorage"}


class TypedStorage:
    """Bytes (a 1-D uint8 tensor over the whole storage) and the dtype its tensors read."""

    def __init__(self, data, dtype):
        if not isinstance(data, _C._TensorBase) or data.dtype != _C.uint8 or data.dim() != 1:
            raise TypeError("TypedStorage(data, dtype): data must be a 1-D uint8 tensor")
        if not isinstance(dtype, _C.dtype):
            raise TypeError(f"TypedStorage(data, dtype): dtype must be a dtype, not "
                            f"{type(dtype).__name__}")
        self._data = data
        self.dtype = dtype

    @property
    def device(self):
        return self._data.device

    @property
    def is_cuda(self):
        return self._data.is_cuda

    def nbytes(self):
        return self._data.numel()

    def element_size(self):
        return self.dtype.itemsize

    def size(self):
        """Number of elements of ``dtype`` the storage holds."""
        return self.nbytes() // self.element_size()

    __len__ = size

    def _with_data(self, data):
        return self if data is self._data else TypedStorage(data, self.dtype)

    def to(self, device, non_blocking=False):
        return self._with_data(self._data.to(device, non_blocking=non_blocking))

    def cpu(self):
        return self._with_data(self._data.cpu())

    def cuda(self, device=None, non_blocking=False):
        if device is None:
            target = "cuda"
        elif isinstance(device, int):
            target = f"cuda:{device}"
        else:
            target = _C.device(device)
            if target.type != "cuda":
                raise RuntimeError(f"Invalid device, must be cuda device, got {target}")
        return self.to(target, non_blocking=non_blocking)

    def tolist(self):
        n = self.size()
        return _C._tensor_over_storage(self._data, self.dtype, 0, (n,), (1,)).tolist()

    def __repr__(self):
        lines = [f" {v}" for v in self.tolist()]
        lines.append(f"[torch.storage.TypedStorage(dtype={self.dtype}, device={self.device}) "
                     f"of size {self.size()}]")
        return "\n".join(lines)
