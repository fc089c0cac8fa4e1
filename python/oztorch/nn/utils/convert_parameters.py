"""Flattening parameters into one vector and back, as torch.nn.utils.convert_parameters."""
from ... import _C
from ..modules.module import _typename

__all__ = ["parameters_to_vector", "vector_to_parameters"]


def _check_same_device(param, old_device):
    """The device index (-1 for CPU) shared by every parameter so far, or TypeError."""
    device = param.device.index if param.is_cuda else -1
    if old_device is not None and device != old_device:
        raise TypeError("Found two parameters on different devices, this is currently not "
                        "supported.")
    return device


def parameters_to_vector(parameters):
    """One 1-d tensor holding every parameter's values, in order."""
    device = None
    flat = []
    for param in parameters:
        device = _check_same_device(param, device)
        flat.append(param.view(-1))
    return _C.cat(flat)


def vector_to_parameters(vec, parameters):
    """Makes each parameter's data the next slice of `vec` (viewed in the parameter's shape)."""
    if not isinstance(vec, _C._TensorBase):
        raise TypeError(f"expected torch.Tensor, but got: {_typename(vec)}")
    device = None
    pointer = 0
    for param in parameters:
        device = _check_same_device(param, device)
        n = param.numel()
        param.data = vec[pointer:pointer + n].view_as(param).data
        pointer += n

