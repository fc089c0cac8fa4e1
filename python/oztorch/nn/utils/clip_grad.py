"""Gradient clipping, as torch.nn.utils.clip_grad: scale gradients so their joint norm is at
most max_norm (clip_grad_norm_), or clamp every element (clip_grad_value_)."""
import types
import warnings

from ... import _C

__all__ = ["clip_grad_norm_", "clip_grad_norm", "clip_grad_value_", "get_total_norm",
           "clip_grads_with_norm_"]

# Devices with PyTorch's fused "foreach" kernels; foreach=True elsewhere is an error there.
_FOREACH_DEVICES = ("cuda",)


def _as_list(tensors):
    if isinstance(tensors, _C._TensorBase):
        return [tensors]
    is_generator = isinstance(tensors, types.GeneratorType)
    tensors = list(tensors)
    if is_generator and not tensors:
        warnings.warn("`parameters` is an empty generator, no gradient clipping will occur.")
    return tensors


def _check_foreach(tensors, foreach):
    """foreach=None picks the fastest path (here always a loop); foreach=True is PyTorch's
    error on devices without foreach kernels."""
    if foreach:
        for t in tensors:
            if t.device.type not in _FOREACH_DEVICES:
                raise RuntimeError("foreach=True was passed, but can't use the foreach API on "
                                   f"{t.device.type} tensors")


def get_total_norm(tensors, norm_type=2.0, error_if_nonfinite=False, foreach=None):
    """The norm of the norms of `tensors` (as if they were concatenated into one vector)."""
    tensors = _as_list(tensors)
    norm_type = float(norm_type)
    if not tensors:
        return _C.tensor(0.0)
    _check_foreach(tensors, foreach)
    first_device = tensors[0].device
    norms = [t.detach().norm(norm_type).to(first_device) for t in tensors]
    total_norm = _C.stack(norms).norm(norm_type)
    if error_if_nonfinite and bool(total_norm.isnan() | total_norm.isinf()):
        raise RuntimeError(
            f"The total norm of order {norm_type} for gradients from `parameters` is "
            "non-finite, so it cannot be clipped. To disable this error and scale the gradients "
            "by the non-finite norm anyway, set `error_if_nonfinite=False`")
    return total_norm


def clip_grads_with_norm_(parameters, max_norm, total_norm, foreach=None):
    """Scales the gradients by max_norm / (total_norm + 1e-6) when that is below 1."""
    grads = [p.grad for p in _as_list(parameters) if p.grad is not None]
    max_norm = float(max_norm)
    if not grads:
        return
    _check_foreach(grads, foreach)
    clip_coef = _C.clamp(max_norm / (total_norm + 1e-6), max=1.0)
    for g in grads:
        g.mul_(clip_coef.to(g.device))


def clip_grad_norm_(parameters, max_norm, norm_type=2.0, error_if_nonfinite=False,
                    foreach=None):
    """Scales the gradients of `parameters` in place so that their joint norm_type-norm is
    at most max_norm; returns the joint norm before clipping (a 0-d tensor)."""
    parameters = _as_list(parameters)
    grads = [p.grad for p in parameters if p.grad is not None]
    total_norm = get_total_norm(grads, norm_type, error_if_nonfinite, foreach)
    clip_grads_with_norm_(parameters, max_norm, total_norm, foreach)
    return total_norm


def clip_grad_norm(parameters, max_norm, norm_type=2.0, error_if_nonfinite=False,
                   foreach=None):
    """Deprecated spelling of clip_grad_norm_."""
    warnings.warn("`torch.nn.utils.clip_grad_norm` is now deprecated in favor of "
                  "`torch.nn.utils.clip_grad_norm_`.", FutureWarning, stacklevel=2)
    return clip_grad_norm_(parameters, max_norm, norm_type, error_if_nonfinite, foreach)


def clip_grad_value_(parameters, clip_value, foreach=None):
    """Clamps every gradient element of `parameters` to [-clip_value, clip_value] in place."""
    clip_value = float(clip_value)
    grads = [p.grad for p in _as_list(parameters) if p.grad is not None]
    _check_foreach(grads, foreach)
    for g in grads:
        g.clamp_(min=-clip_value, max=clip_value)
