"""The globals that PyTorch's files name, and oztorch's objects behind them.

A file written by torch.save calls torch._utils._rebuild_tensor_v2 and friends to rebuild its
tensors and names dtypes, storage types, Size and device as torch.<name>. This module holds
oztorch's versions of those functions and the table between PyTorch's names and oztorch's
objects: loading reads it one way, saving (_torch_pickler.py) the other.
"""
import importlib
import pickle

from . import _C
from . import storage as _storage
from ._size import Size
from ._tensor import Tensor

_DTYPE_ALIASES = {"float": "float32", "double": "float64", "half": "float16", "long": "int64",
                  "int": "int32", "short": "int16"}


def parameter_class():
    """oztorch.nn.Parameter (looked up late: nn may define it after this module loads)."""
    from .nn import parameter
    return getattr(parameter, "Parameter", None)


# ---- the functions a saved pickle calls (PyTorch's torch._utils.<name>) ----

def _check_storage(storage):
    if not isinstance(storage, _storage.TypedStorage):
        raise TypeError(f"expected a storage, got {type(storage).__name__}")


def _tensor_over(storage, dtype, storage_offset, size, stride, requires_grad=False):
    tensor = _C._tensor_over_storage(storage._data, dtype, storage_offset, size, stride)
    if type(requires_grad) is not bool:
        raise TypeError(f"requires_grad must be a bool, not {type(requires_grad).__name__}")
    if requires_grad:
        tensor.requires_grad_(True)
    return tensor


def _rebuild_tensor(storage, storage_offset, size, stride):
    _check_storage(storage)
    return _tensor_over(storage, storage.dtype, storage_offset, size, stride)


def _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks,
                       metadata=None):
    # backward_hooks is always empty in saved files (PyTorch does not save hooks); metadata
    # carries flags (conj, neg bits) oztorch tensors never have.
    _check_storage(storage)
    return _tensor_over(storage, storage.dtype, storage_offset, size, stride, requires_grad)


def _rebuild_tensor_v3(storage, storage_offset, size, stride, requires_grad, backward_hooks,
                       dtype, metadata=None):
    # PyTorch 2 writes this for dtypes without a typed storage: the dtype comes separately.
    _check_storage(storage)
    if not isinstance(dtype, _C.dtype):
        raise TypeError(f"expected a dtype, got {type(dtype).__name__}")
    return _tensor_over(storage, dtype, storage_offset, size, stride, requires_grad)


def _set_python_state(obj, state):
    """Restores attributes set from Python (PyTorch's _set_obj_state)."""
    if isinstance(state, tuple) and len(state) == 2:
        dict_state, slots_state = state
    else:
        dict_state, slots_state = state, None
    for attrs in (dict_state, slots_state):
        if not attrs:
            continue
        if not isinstance(attrs, dict):
            raise TypeError(f"object state must be a dict, not {type(attrs).__name__}")
        for key, value in attrs.items():
            if type(key) is not str:
                raise TypeError("object state keys must be str")
            setattr(obj, key, value)
    return obj


def _rebuild_parameter(data, requires_grad, backward_hooks):
    parameter = parameter_class()
    if parameter is None:
        raise RuntimeError("this file holds an nn.Parameter, but oztorch.nn.Parameter is "
                           "not available")
    if not isinstance(data, Tensor):
        raise TypeError(f"expected a Tensor, got {type(data).__name__}")
    return parameter(data, requires_grad)


def _rebuild_parameter_with_state(data, requires_grad, backward_hooks, state):
    return _set_python_state(_rebuild_parameter(data, requires_grad, backward_hooks), state)


def _rebuild_from_type_v2(func, new_type, args, state):
    """A tensor subclass (or a tensor with Python attributes): rebuild, retype, restore."""
    if not any(func is f for f in _TENSOR_REBUILDERS):  # no other callable may be called
        raise TypeError(f"_rebuild_from_type_v2: {func!r} is not a tensor rebuild function")
    if not isinstance(args, tuple):
        raise TypeError("_rebuild_from_type_v2: args must be a tuple")
    result = func(*args)
    if type(result) is not new_type:
        if not (isinstance(new_type, type) and issubclass(new_type, Tensor)
                and isinstance(result, Tensor)):
            raise TypeError(f"cannot rebuild a {new_type!r} from a {type(result).__name__}")
        result = Tensor._make_subclass(new_type, result, result.requires_grad)
    return _set_python_state(result, state) if state else result


_TENSOR_REBUILDERS = (_rebuild_tensor, _rebuild_tensor_v2, _rebuild_tensor_v3, _rebuild_parameter,
                      _rebuild_parameter_with_state)


# ---- PyTorch's names for oztorch's objects ----

def torch_names():
    """{(module, name) as PyTorch spells it: oztorch's object}; canonical names come first,
    so inverting the table gives the name to write."""
    names = {
        ("torch._utils", "_rebuild_tensor"): _rebuild_tensor,
        ("torch._utils", "_rebuild_tensor_v2"): _rebuild_tensor_v2,
        ("torch._utils", "_rebuild_tensor_v3"): _rebuild_tensor_v3,
        ("torch._utils", "_rebuild_parameter"): _rebuild_parameter,
        ("torch._utils", "_rebuild_parameter_with_state"): _rebuild_parameter_with_state,
        ("torch._tensor", "_rebuild_from_type_v2"): _rebuild_from_type_v2,
        ("torch", "Tensor"): Tensor,
        ("torch", "Size"): Size,
        ("torch", "device"): _C.device,
        ("torch", "dtype"): _C.dtype,
    }
    for name, cls in _storage.STORAGE_TYPES.items():
        names[("torch", name)] = cls
    names[("torch.storage", "UntypedStorage")] = _storage.UntypedStorage
    for dtype in _storage.STORAGE_TYPE_OF_DTYPE:
        names[("torch", dtype.__reduce__())] = dtype
    for alias, name in _DTYPE_ALIASES.items():
        names[("torch", alias)] = getattr(_C, name)
    parameter = parameter_class()
    if parameter is not None:
        names[("torch.nn.parameter", "Parameter")] = parameter
    return names


def resolve_torch_global(module, name, names):
    """oztorch's object for a torch.* global (`names`: torch_names()); None when `module` is
    not PyTorch's.

    torch.<path>.<name> maps to oztorch.<path>.<name>, or else to the same name in the nearest
    package above (oztorch's private module layout differs from PyTorch's: a file naming
    torch.nn.modules.batchnorm.BatchNorm1d gets oztorch.nn.BatchNorm1d)."""
    obj = names.get((module, name))
    if obj is not None:
        return obj
    if module == "torch.tensor":  # PyTorch < 1.9 kept Tensor's helpers there
        module = "torch._tensor"
    if module != "torch" and not module.startswith("torch."):
        return None
    parts = ("oztorch" + module[len("torch"):]).split(".")
    for n in range(len(parts), 0, -1):
        try:
            found = importlib.import_module(".".join(parts[:n]))
            for part in name.split("."):
                found = getattr(found, part)
            return found
        except (ImportError, AttributeError):
            continue
    raise pickle.UnpicklingError(f"this file needs {module}.{name}, which oztorch does not have")
