"""Pickling for torch.save: tensors as PyTorch pickles them, globals under PyTorch's names.

Each tensor becomes the call torch._utils._rebuild_tensor_v2(storage, offset, size, stride,
requires_grad, OrderedDict()) and each distinct storage the persistent id
('storage', torch.FloatStorage, key, location, numel); the storages met are collected so that
serialization.py can write their bytes once each.
"""
import collections
import io
import pickle
import sys
import types

from . import _C
from . import storage as _storage
from ._rebuild import (_rebuild_from_type_v2, _rebuild_parameter,
                       _rebuild_parameter_with_state, _rebuild_tensor_v2, parameter_class,
                       torch_names)
from ._tensor import Tensor


class _SavedStorage:
    """One storage met while pickling: its archive key, a tensor over it (which also keeps it
    alive, so its address stays unique), and the dtype its tensors read it as."""
    __slots__ = ("key", "anchor", "dtype")

    def __init__(self, key, anchor, dtype):
        self.key, self.anchor, self.dtype = key, anchor, dtype

    def numel(self):
        return _C._storage_nbytes(self.anchor) // self.dtype.itemsize

    def persistent_id(self):
        device = self.anchor.device
        location = "cpu" if device.type == "cpu" else f"{device.type}:{device.index or 0}"
        storage_type = _storage.STORAGE_TYPE_OF_DTYPE[self.dtype]
        return ("storage", storage_type, self.key, location, self.numel())

    def raw_bytes(self):
        tensor = self.anchor
        if tensor.device.type != "cpu":  # copy the whole storage to host memory
            tensor = _C._storage_uint8_view(tensor).cpu()
        data = _C._storage_to_bytes(tensor)
        used = self.numel() * self.dtype.itemsize
        return data if len(data) == used else data[:used]


class SavedStorages:
    """The distinct storages a save meets, keyed '0', '1', ... in order of first use."""

    def __init__(self):
        self._by_address = {}
        self.in_order = []

    def add(self, anchor, dtype):
        address = _C._storage_key(anchor)
        saved = self._by_address.get(address)
        if saved is None:
            saved = _SavedStorage(str(len(self.in_order)), anchor, dtype)
            self._by_address[address] = saved
            self.in_order.append(saved)
        elif saved.dtype != dtype:
            raise RuntimeError("Cannot save multiple tensors or storages that view the same "
                               "data as different types")
        return saved


def _python_state(tensor):
    state = getattr(tensor, "__dict__", None)
    return dict(state) if state else None


class _TorchPicklerMixin:
    """Pickles tensors the way PyTorch does and writes oztorch's globals under PyTorch's names.

    Mixed into a pure-Python pickler (pickle._Pickler): the C pickler offers no hook to write
    a global under another module's name."""

    def __init__(self, file, protocol, storages):
        super().__init__(file, protocol)
        self._storages = storages
        self._parameter = parameter_class()
        self._torch_name_of = {}
        for key, obj in torch_names().items():
            self._torch_name_of.setdefault(id(obj), key)

    def persistent_id(self, obj):
        if type(obj) is _SavedStorage:
            return obj.persistent_id()
        if type(obj) is _storage.TypedStorage:
            return self._storages.add(obj._data, obj.dtype).persistent_id()
        return None

    def reducer_override(self, obj):
        if isinstance(obj, Tensor):
            return self._reduce_tensor(obj)
        return NotImplemented

    def _reduce_tensor(self, tensor):
        hooks = collections.OrderedDict()  # PyTorch writes an empty dict of backward hooks
        state = _python_state(tensor)
        if self._parameter is not None and isinstance(tensor, self._parameter):
            if state:
                return (_rebuild_parameter_with_state,
                        (tensor.data, tensor.requires_grad, hooks, state))
            return (_rebuild_parameter, (tensor.data, tensor.requires_grad, hooks))
        args = (self._storages.add(tensor, tensor.dtype), tensor.storage_offset(),
                tuple(tensor.size()), tensor.stride(), tensor.requires_grad, hooks)
        if type(tensor) is Tensor and not state:
            return (_rebuild_tensor_v2, args)
        return (_rebuild_from_type_v2, (_rebuild_tensor_v2, type(tensor), args, state))

    def save_global(self, obj, name=None):
        target = self._torch_name(obj, name)
        if target is None or (self.proto < 4 and "." in target[1]):
            # Not ours, or a nested name that protocols < 4 spell as getattr(parent, name):
            # the parent goes through save_global (this method) again.
            return super().save_global(obj, name)
        module, qualname = target
        if self.proto >= 4:
            self.save(module)
            self.save(qualname)
            self.write(pickle.STACK_GLOBAL)
        else:
            self.write(pickle.GLOBAL + module.encode("utf-8") + b"\n"
                       + qualname.encode("utf-8") + b"\n")
        self.memoize(obj)

    def _torch_name(self, obj, name):
        """PyTorch's (module, qualname) for an oztorch global, or None for anything else."""
        known = self._torch_name_of.get(id(obj))
        if known is not None:
            return known
        module = getattr(obj, "__module__", None)
        if not isinstance(module, str) or not (module == "oztorch"
                                               or module.startswith("oztorch.")):
            return None
        qualname = name or getattr(obj, "__qualname__", None) or obj.__name__
        return "torch" + _public_module(obj, module, qualname)[len("oztorch"):], qualname


def _lookup(module, qualname):
    found = sys.modules.get(module)
    for part in qualname.split("."):
        found = getattr(found, part, None)
    return found


def _public_module(obj, module, qualname):
    """The shortest public package that exports obj (oztorch.nn for a layer defined in
    oztorch.nn.modules.normalization): oztorch lays out its private modules differently from
    PyTorch, but the public names are the same, so PyTorch finds torch.nn.BatchNorm1d."""
    parts = module.split(".")
    for n in range(1, len(parts)):
        if parts[n - 1].startswith("_"):
            break
        if _lookup(".".join(parts[:n]), qualname) is obj:
            return ".".join(parts[:n])
    _check_reachable(obj, module, qualname)
    return module


def _check_reachable(obj, module, qualname):
    """What pickle checks before naming a global: the name leads back to this very object."""
    try:
        __import__(module)
        found = sys.modules[module]
        for part in qualname.split("."):
            found = getattr(found, part)
    except (ImportError, KeyError, AttributeError):
        raise pickle.PicklingError(
            f"Can't pickle {obj!r}: it's not found as {module}.{qualname}") from None
    if found is not obj:
        raise pickle.PicklingError(
            f"Can't pickle {obj!r}: it's not the same object as {module}.{qualname}")


def pickler_class(pickle_module):
    base = pickle._Pickler if pickle_module is None or pickle_module is pickle else getattr(
        pickle_module, "Pickler", None)
    if not (isinstance(base, type) and issubclass(base, pickle._Pickler)):
        raise TypeError("torch.save: pickle_module must be the pickle module or one whose "
                        "Pickler derives from pickle._Pickler (like dill)")
    # The pure pickler saves functions through its dispatch table, which calls the base
    # class's save_global directly; route oztorch's functions through our override.
    save_function = base.dispatch.get(types.FunctionType, base.save_global)

    def save_function_by_torch_name(pickler, obj):
        if pickler._torch_name(obj, None) is not None:
            pickler.save_global(obj)
        else:
            save_function(pickler, obj)

    dispatch = dict(base.dispatch)
    dispatch[types.FunctionType] = save_function_by_torch_name
    return type("TorchPickler", (_TorchPicklerMixin, base), {"dispatch": dispatch})


def pickle_with_torch_names(obj, storages, pickle_module, protocol):
    buffer = io.BytesIO()
    pickler_class(pickle_module)(buffer, protocol, storages).dump(obj)
    return buffer.getvalue()
