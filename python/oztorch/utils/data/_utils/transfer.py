"""Sending DataLoader results from a worker process to the main one.

A worker pickles its batch with ``dumps``, which writes each tensor as a numpy array with its
dtype, device and requires_grad, and the main process rebuilds tensors from them on ``loads``.
This works whether or not tensors can be pickled in general, and touches no global pickling
state. Tensors sharing memory in the worker arrive as separate copies.
"""
import io
import pickle

from .... import _C
from ...._tensor import Tensor

# dtypes numpy has no type for travel as this one and are cast back on arrival
_NUMPY_STAND_IN = {"bfloat16": _C.float32}


def _dtype_name(dtype):
    return str(dtype).replace("torch.", "")


def _rebuild_tensor(array, dtype_name, device, requires_grad):
    tensor = _C.from_numpy(array)
    dtype = getattr(_C, dtype_name)
    if tensor.dtype != dtype:
        tensor = tensor.to(dtype)
    if device != "cpu":
        tensor = tensor.to(device)
    if requires_grad:
        tensor.requires_grad_()
    return tensor


def _reduce_tensor(tensor):
    if tensor.requires_grad and not tensor.is_leaf:
        raise RuntimeError(
            "Cowardly refusing to serialize non-leaf tensor which requires_grad, since autograd "
            "does not support crossing process boundaries. If you just want to transfer the "
            "data, call detach() on the tensor before serializing (e.g., putting it on the "
            "queue).")
    host = tensor.detach()
    if host.device.type != "cpu":
        host = host.cpu()
    name = _dtype_name(tensor.dtype)
    if name in _NUMPY_STAND_IN:
        host = host.to(_NUMPY_STAND_IN[name])
    import numpy as np  # only needed once there are workers; oztorch imports without it
    # np.asarray shares the tensor's memory; pickling the array copies it out right away
    return _rebuild_tensor, (np.asarray(host), name, str(tensor.device), tensor.requires_grad)


class _TensorPickler(pickle.Pickler):
    def reducer_override(self, obj):
        if isinstance(obj, Tensor):
            return _reduce_tensor(obj)
        return NotImplemented


def dumps(obj):
    """obj as bytes, its tensors (at any depth) written as numpy arrays."""
    buffer = io.BytesIO()
    _TensorPickler(buffer, protocol=pickle.HIGHEST_PROTOCOL).dump(obj)
    return buffer.getvalue()


def loads(data):
    return pickle.loads(data)
