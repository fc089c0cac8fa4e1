"""Turning a list of samples into a batch (``default_collate``) and one sample's numpy parts into
tensors (``default_convert``, used when batching is off).

Collation recurses through the sample's structure: tensors are stacked along a new first
dimension, numbers become 1-d tensors (ints int64, floats float64, bools bool), numpy arrays and
scalars tensors of their dtype, strings stay a list, and mappings, namedtuples and sequences keep
their shape with each field collated. ``default_collate_fn_map`` holds the per-type rules; users
may add their own, as in PyTorch.
"""
import collections.abc
import copy
import sys

from .... import _C
from ...._tensor import Tensor


def _numpy():
    """numpy if it is imported, else None: numpy values exist only once someone imported it, so
    oztorch never imports it just to look for them (it would triple `import oztorch`'s time)."""
    return sys.modules.get("numpy")

__all__ = ["collate", "default_collate", "default_convert", "default_collate_fn_map",
           "collate_tensor_fn", "collate_numpy_array_fn", "collate_numpy_scalar_fn",
           "collate_float_fn", "collate_int_fn", "collate_str_fn"]

default_collate_err_msg_format = (
    "default_collate: batch must contain tensors, numpy arrays, numbers, dicts or lists; "
    "found {}")

_NON_NUMERIC_KINDS = "SUO"  # numpy dtype kinds (bytes, str, object) no tensor can hold


def _is_numpy_value(x):
    """A numpy array or numpy scalar other than a string scalar."""
    np = _numpy()
    return np is not None and isinstance(x, (np.ndarray, np.generic)) and \
        not isinstance(x, (np.str_, np.bytes_))


def _rebuild_mapping(mapping, values):
    """A mapping like `mapping` holding `values` (a dict): a copy of it for mutable mappings, so
    subclasses keep their type and extra state; else its type built from the dict; a plain dict
    when the type cannot be built that way."""
    try:
        if isinstance(mapping, collections.abc.MutableMapping):
            clone = copy.copy(mapping)
            clone.update(values)
            return clone
        return type(mapping)(values)
    except TypeError:
        return values


def _rebuild_sequence(sequence, items):
    """A sequence like `sequence` holding `items` (a list), by the same rule as mappings; a
    plain list when the type cannot be rebuilt (e.g. range)."""
    try:
        if isinstance(sequence, collections.abc.MutableSequence):
            clone = copy.copy(sequence)
            for i, item in enumerate(items):
                clone[i] = item
            return clone
        return type(sequence)(items)
    except TypeError:
        return items


def default_convert(data):
    """Converts numpy arrays and scalars inside `data` (at any depth of mappings, namedtuples
    and sequences) to tensors, leaving everything else as it is. Tuples become lists, as in
    PyTorch."""
    if isinstance(data, Tensor):
        return data
    if _is_numpy_value(data):
        if isinstance(data, _numpy().ndarray) and data.dtype.kind in _NON_NUMERIC_KINDS:
            return data
        return _C.as_tensor(data)
    if isinstance(data, collections.abc.Mapping):
        return _rebuild_mapping(data, {k: default_convert(data[k]) for k in data})
    if isinstance(data, tuple) and hasattr(data, "_fields"):  # namedtuple
        return type(data)(*(default_convert(d) for d in data))
    if isinstance(data, tuple):
        return [default_convert(d) for d in data]
    if isinstance(data, collections.abc.Sequence) and not isinstance(data, (str, bytes)):
        return _rebuild_sequence(data, [default_convert(d) for d in data])
    return data


def collate(batch, *, collate_fn_map=None):
    """Collates `batch` (a list of samples) by the rules in `collate_fn_map` (type -> function
    called as fn(batch, collate_fn_map=...)): the exact type of the first sample first, then the
    first key it is an instance of; then mappings, namedtuples and sequences field by field."""
    elem = batch[0]
    if collate_fn_map is default_collate_fn_map:
        _register_numpy()
    if collate_fn_map is not None:
        rule = collate_fn_map.get(type(elem))
        if rule is None:
            rule = next((fn for kind, fn in collate_fn_map.items() if isinstance(elem, kind)),
                        None)
        if rule is not None:
            return rule(batch, collate_fn_map=collate_fn_map)

    if isinstance(elem, collections.abc.Mapping):
        return _rebuild_mapping(elem, {k: collate([d[k] for d in batch],
                                                  collate_fn_map=collate_fn_map)
                                       for k in elem})
    if isinstance(elem, tuple) and hasattr(elem, "_fields"):  # namedtuple
        return type(elem)(*(collate(field, collate_fn_map=collate_fn_map)
                            for field in zip(*batch)))
    if isinstance(elem, collections.abc.Sequence):
        size = len(elem)
        if any(len(sample) != size for sample in batch):
            raise RuntimeError("each element in list of batch should be of equal size")
        # each field's samples as a tuple: strings come out as that tuple, as in PyTorch
        fields = [collate(field, collate_fn_map=collate_fn_map) for field in zip(*batch)]
        if isinstance(elem, tuple):
            return fields  # a list, as PyTorch has always returned for tuples
        return _rebuild_sequence(elem, fields)
    raise TypeError(default_collate_err_msg_format.format(type(elem)))


def collate_tensor_fn(batch, *, collate_fn_map=None):
    return _C.stack(batch, 0)


def collate_numpy_array_fn(batch, *, collate_fn_map=None):
    if batch[0].dtype.kind in _NON_NUMERIC_KINDS:
        raise TypeError(default_collate_err_msg_format.format(batch[0].dtype))
    return collate([_C.as_tensor(b) for b in batch], collate_fn_map=collate_fn_map)


def collate_numpy_scalar_fn(batch, *, collate_fn_map=None):
    return _C.as_tensor(batch)


def collate_float_fn(batch, *, collate_fn_map=None):
    return _C.tensor(batch, dtype=_C.float64)


def collate_int_fn(batch, *, collate_fn_map=None):
    return _C.tensor(batch)  # int64, or bool when the samples are bools


def collate_str_fn(batch, *, collate_fn_map=None):
    return batch


default_collate_fn_map = {Tensor: collate_tensor_fn}
default_collate_fn_map[float] = collate_float_fn
default_collate_fn_map[int] = collate_int_fn
default_collate_fn_map[(str, bytes)] = collate_str_fn
_PYTHON_KEYS = (float, int, (str, bytes))


def _register_numpy():
    """Adds the numpy rules to default_collate_fn_map once numpy is imported, ahead of the
    Python number and string rules (numpy's float64 and str_ subclass float and str)."""
    np = _numpy()
    if np is None or np.ndarray in default_collate_fn_map:
        return
    tail = [(k, default_collate_fn_map.pop(k)) for k in _PYTHON_KEYS if k in default_collate_fn_map]
    default_collate_fn_map[np.ndarray] = collate_numpy_array_fn
    default_collate_fn_map[(np.bool_, np.number, np.object_)] = collate_numpy_scalar_fn
    default_collate_fn_map.update(tail)


def default_collate(batch):
    """Stacks a list of samples into a batch (see the module's docstring for the rules):
    ``default_collate([(x0, 0), (x1, 1)]) == [torch.stack([x0, x1]), torch.tensor([0, 1])]``."""
    return collate(batch, collate_fn_map=default_collate_fn_map)
