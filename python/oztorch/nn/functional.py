"""oztorch.nn.functional: torch.nn.functional's functions with its exact signatures and defaults.

As in PyTorch, this module is thin Python over the C extension: argument conventions (string
reductions, implicit softmax dims, size checks that torch makes in Python) live here, the work
in ``_C`` (the ``_nn_*`` functions are what torch keeps in ``torch._C._nn``). Activations come
from the unary op family; they are looked up at call time, so these wrappers work as soon as the
C functions exist.
"""
import warnings

from .. import _C

__all__ = [
    "adaptive_avg_pool2d", "avg_pool2d", "batch_norm", "binary_cross_entropy",
    "binary_cross_entropy_with_logits", "conv1d", "conv2d", "cross_entropy", "dropout", "elu",
    "embedding", "gelu", "hardtanh", "huber_loss", "l1_loss", "layer_norm", "leaky_relu",
    "linear", "log_softmax", "max_pool2d", "max_pool2d_with_indices", "mse_loss", "nll_loss",
    "pad", "relu", "relu6", "sigmoid", "silu", "smooth_l1_loss", "softmax", "softplus", "tanh",
]

# ---------------------------------------------------------------- reductions (torch.nn._reduction)


def _reduction_enum(reduction):
    if reduction == "none":
        return 0
    if reduction == "mean":
        return 1
    if reduction == "elementwise_mean":
        warnings.warn("reduction='elementwise_mean' is deprecated, please use reduction='mean' "
                      "instead.")
        return 1
    if reduction == "sum":
        return 2
    raise ValueError("{} is not a valid value for reduction".format(reduction))


def _legacy_reduction(size_average, reduce):
    """The reduction the deprecated size_average/reduce pair means (with torch's warning)."""
    size_average = True if size_average is None else size_average
    reduce = True if reduce is None else reduce
    ret = "mean" if size_average and reduce else "sum" if reduce else "none"
    warnings.warn("size_average and reduce args will be deprecated, please use reduction='{}' "
                  "instead.".format(ret))
    return ret


def _reduction(size_average, reduce, reduction):
    if size_average is not None or reduce is not None:
        reduction = _legacy_reduction(size_average, reduce)
    return _reduction_enum(reduction)


def _warn_size_mismatch(input, target):
    if target.size() != input.size():
        warnings.warn(
            "Using a target size ({}) that is different to the input size ({}). "
            "This will likely lead to incorrect results due to broadcasting. "
            "Please ensure they have the same size.".format(target.size(), input.size()),
            stacklevel=3)


# ---------------------------------------------------------------- activations (unary family)


def _c(name):
    fn = getattr(_C, name, None)
    if fn is None:
        raise NotImplementedError(
            "oztorch: %s is not available yet (the activation kernels come with the unary op "
            "family)" % name)
    return fn


def _activation(name, input, inplace, *args):
    """_C.<name>(input, *args), or its in-place form <name>_ (a function, else a method)."""
    if not inplace:
        return _c(name)(input, *args)
    fn = getattr(_C, name + "_", None)
    if fn is not None:
        return fn(input, *args)
    method = getattr(input, name.replace("_nn_", "") + "_", None)
    if method is None:
        raise NotImplementedError("oztorch: %s_ (in place) is not available yet" % name)
    return method(*args)


def relu(input, inplace=False):
    return _activation("relu", input, inplace)


def relu6(input, inplace=False):
    return _activation("_nn_relu6", input, inplace)


def leaky_relu(input, negative_slope=0.01, inplace=False):
    return _activation("_nn_leaky_relu", input, inplace, negative_slope)


def elu(input, alpha=1.0, inplace=False):
    return _activation("_nn_elu", input, inplace, alpha)


def hardtanh(input, min_val=-1.0, max_val=1.0, inplace=False):
    return _activation("_nn_hardtanh", input, inplace, min_val, max_val)


def silu(input, inplace=False):
    return _activation("_nn_silu", input, inplace)


def gelu(input, approximate="none"):
    return _c("_nn_gelu")(input, approximate=approximate)


def softplus(input, beta=1, threshold=20):
    return _c("_nn_softplus")(input, beta, threshold)


def sigmoid(input):
    warnings.warn("nn.functional.sigmoid is deprecated. Use torch.sigmoid instead.")
    return _c("sigmoid")(input)


def tanh(input):
    warnings.warn("nn.functional.tanh is deprecated. Use torch.tanh instead.")
    return _c("tanh")(input)


# ---------------------------------------------------------------- softmax


def _get_softmax_dim(name, ndim, stacklevel):
    warnings.warn(
        "Implicit dimension choice for {} has been deprecated. "
        "Change the call to include dim=X as an argument.".format(name),
        stacklevel=stacklevel)
    return 0 if ndim in (0, 1, 3) else 1


def softmax(input, dim=None, _stacklevel=3, dtype=None):
    if dim is None:
        dim = _get_softmax_dim("softmax", input.dim(), _stacklevel)
    return input.softmax(dim) if dtype is None else input.softmax(dim, dtype=dtype)


def log_softmax(input, dim=None, _stacklevel=3, dtype=None):
    if dim is None:
        dim = _get_softmax_dim("log_softmax", input.dim(), _stacklevel)
    return input.log_softmax(dim) if dtype is None else input.log_softmax(dim, dtype=dtype)


# ---------------------------------------------------------------- linear, convolution, pooling


def linear(input, weight, bias=None):
    """input @ weight.T + bias (torch.addmm for a 2-d input with a bias, as torch)."""
    addmm = getattr(_C, "addmm", None)
    if bias is not None and input.dim() == 2 and addmm is not None:
        return addmm(bias, input, weight.t())
    out = input.matmul(weight.t())
    return out if bias is None else out + bias


conv1d = _C.conv1d
conv2d = _C.conv2d


def max_pool2d_with_indices(input, kernel_size, stride=None, padding=0, dilation=1,
                            ceil_mode=False, return_indices=False):
    if stride is None:
        stride = []
    return _C._nn_max_pool2d_with_indices(input, kernel_size, stride, padding, dilation,
                                          ceil_mode)


def _max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
                return_indices=False):
    if stride is None:
        stride = []
    return _C.max_pool2d(input, kernel_size, stride, padding, dilation, ceil_mode)


def max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
               return_indices=False):
    """torch's boolean_dispatch on return_indices: (values, indices) when it is True."""
    f = max_pool2d_with_indices if return_indices else _max_pool2d
    return f(input, kernel_size, stride, padding, dilation, ceil_mode)


def avg_pool2d(input, kernel_size, stride=None, padding=0, ceil_mode=False,
               count_include_pad=True, divisor_override=None):
    return _C._nn_avg_pool2d(input, kernel_size, stride, padding, ceil_mode, count_include_pad,
                             divisor_override)


def _list_with_default(out_size, defaults):
    if isinstance(out_size, int):
        return out_size
    if len(defaults) <= len(out_size):
        raise ValueError("Input dimension should be at least {}".format(len(out_size) + 1))
    return [v if v is not None else d for v, d in zip(out_size, defaults[-len(out_size):])]


def adaptive_avg_pool2d(input, output_size):
    return _C._nn_adaptive_avg_pool2d(input, _list_with_default(output_size, input.size()))


# ---------------------------------------------------------------- normalization, dropout


def _verify_batch_size(size):
    size_prods = size[0]
    for i in range(len(size) - 2):
        size_prods *= size[i + 2]
    if size_prods == 1:
        raise ValueError("Expected more than 1 value per channel when training, got input size "
                         "{}".format(size))


def batch_norm(input, running_mean, running_var, weight=None, bias=None, training=False,
               momentum=0.1, eps=1e-5):
    if training:
        _verify_batch_size(input.size())
    return _C.batch_norm(input, weight, bias, running_mean, running_var, training, momentum, eps,
                         False)


def layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-5):
    return _C.layer_norm(input, normalized_shape, weight, bias, eps, False)


def dropout(input, p=0.5, training=True, inplace=False):
    if p < 0.0 or p > 1.0:
        raise ValueError("dropout probability has to be between 0 and 1, but got {}".format(p))
    return _C.dropout_(input, p, training) if inplace else _C.dropout(input, p, training)


# ---------------------------------------------------------------- embedding, padding


def embedding(input, weight, padding_idx=None, max_norm=None, norm_type=2.0,
              scale_grad_by_freq=False, sparse=False):
    if padding_idx is not None:
        if padding_idx > 0:
            assert padding_idx < weight.size(0), "Padding_idx must be within num_embeddings"
        elif padding_idx < 0:
            assert padding_idx >= -weight.size(0), "Padding_idx must be within num_embeddings"
            padding_idx = weight.size(0) + padding_idx
    else:
        padding_idx = -1
    if max_norm is not None:
        raise NotImplementedError("oztorch: embedding(max_norm=...) is not supported yet")
    return _C.embedding(weight, input, padding_idx, scale_grad_by_freq, sparse)


def pad(input, pad, mode="constant", value=None):
    return _C._nn_pad(input, pad, mode, value)


# ---------------------------------------------------------------- losses


def nll_loss(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None,
             reduction="mean"):
    return _C._nn_nll_loss(input, target, weight, _reduction(size_average, reduce, reduction),
                           ignore_index)


def _class_weight_view(weight, input):
    """weight [C] shaped to broadcast along input's class dim (1)."""
    if input.dim() <= 1:
        return weight
    shape = [1] * input.dim()
    shape[1] = weight.size(0)
    return weight.view(shape)


def _zero_where(t, mask):
    """t with zeros where mask is True (masked_fill, as torch; a product if that is missing)."""
    masked_fill = getattr(t, "masked_fill", None)
    if masked_fill is not None:
        return masked_fill(mask, 0.0)
    return t * (mask == False)  # noqa: E712


def _cross_entropy_probs(input, target, weight, reduction, label_smoothing):
    """cross entropy with class probabilities (target shaped like input), torch 1.13's formula."""
    class_dim = 0 if input.dim() == 1 else 1
    n_classes = input.size(class_dim)
    if weight is not None and (weight.dim() != 1 or weight.numel() != n_classes):
        raise RuntimeError("cross_entropy: weight tensor should be defined either for all {} "
                           "classes or no classes but got weight tensor of shape: {}"
                           .format(n_classes, list(weight.shape)))
    logp = input.log_softmax(class_dim, dtype=input.dtype)
    if label_smoothing > 0.0:
        target = target * (1 - label_smoothing) + (label_smoothing / n_classes)
    prod = logp * target
    if weight is not None:
        prod = prod * _class_weight_view(weight, logp)
    if reduction == 0:
        return -prod.sum(class_dim)
    if reduction == 2:
        return -prod.sum()
    if input.numel() == 0:
        return -prod.sum() * float("nan")
    return -prod.sum() / (input.numel() / n_classes)


def _cross_entropy_smoothed(input, target, weight, reduction, ignore_index, label_smoothing):
    """class indices with label smoothing, torch 1.13's cross_entropy_loss_label_smoothing."""
    class_dim = 0 if input.dim() == 1 else 1
    n_classes = input.size(class_dim)
    logp = input.log_softmax(class_dim, dtype=input.dtype)
    nll = _C._nn_nll_loss(logp, target, weight, reduction, ignore_index)
    ignore_mask = target == ignore_index
    if weight is not None:
        smooth = -(logp * _class_weight_view(weight, logp)).sum(class_dim)
    else:
        smooth = -logp.sum(class_dim)
    smooth = _zero_where(smooth, ignore_mask)
    if reduction == 1:
        # normalised by the weights of the counted targets, as nll_loss: that sum is the nll
        # loss of an input of -1 everywhere
        from ..autograd import no_grad
        with no_grad():
            total = _C._nn_nll_loss(-_C.ones_like(logp), target, weight, 2, ignore_index)
        ret = smooth.sum() / total
    elif reduction == 2:
        ret = smooth.sum()
    else:
        ret = smooth
    return (1 - label_smoothing) * nll + ret * (label_smoothing / n_classes)


def cross_entropy(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None,
                  reduction="mean", label_smoothing=0.0):
    reduction = _reduction(size_average, reduce, reduction)
    if input.size() == target.size():
        if not target.is_floating_point():
            raise RuntimeError("Expected floating point type for target with class "
                               "probabilities, got {}".format(
                                   str(target.dtype).replace("torch.", "").capitalize()))
        if ignore_index >= 0:
            raise RuntimeError("ignore_index is not supported for floating point target")
        if label_smoothing > 1.0:
            raise RuntimeError("label_smoothing must be between 0.0 and 1.0. Got: {}"
                               .format(label_smoothing))
        return _cross_entropy_probs(input, target, weight, reduction, label_smoothing)
    if label_smoothing > 0.0:
        if label_smoothing > 1.0:
            raise RuntimeError("label_smoothing must be between 0.0 and 1.0. Got: {}"
                               .format(label_smoothing))
        return _cross_entropy_smoothed(input, target, weight, reduction, ignore_index,
                                       label_smoothing)
    class_dim = 0 if input.dim() == 1 else 1
    return _C._nn_nll_loss(input.log_softmax(class_dim, dtype=input.dtype), target, weight,
                           reduction, ignore_index)


def mse_loss(input, target, size_average=None, reduce=None, reduction="mean"):
    _warn_size_mismatch(input, target)
    return _C._nn_mse_loss(input, target, _reduction(size_average, reduce, reduction))


def l1_loss(input, target, size_average=None, reduce=None, reduction="mean"):
    _warn_size_mismatch(input, target)
    return _C._nn_l1_loss(input, target, _reduction(size_average, reduce, reduction))


def smooth_l1_loss(input, target, size_average=None, reduce=None, reduction="mean", beta=1.0):
    _warn_size_mismatch(input, target)
    return _C._nn_smooth_l1_loss(input, target, _reduction(size_average, reduce, reduction), beta)


def huber_loss(input, target, reduction="mean", delta=1.0):
    _warn_size_mismatch(input, target)
    return _C._nn_huber_loss(input, target, _reduction_enum(reduction), delta)


def binary_cross_entropy(input, target, weight=None, size_average=None, reduce=None,
                         reduction="mean"):
    reduction = _reduction(size_average, reduce, reduction)
    if target.size() != input.size():
        raise ValueError(
            "Using a target size ({}) that is different to the input size ({}) is deprecated. "
            "Please ensure they have the same size.".format(target.size(), input.size()))
    if weight is not None:
        weight = weight.expand(target.size())
    return _C._nn_binary_cross_entropy(input, target, weight, reduction)


def binary_cross_entropy_with_logits(input, target, weight=None, size_average=None, reduce=None,
                                     reduction="mean", pos_weight=None):
    reduction = _reduction(size_average, reduce, reduction)
    if target.size() != input.size():
        raise ValueError("Target size ({}) must be the same as input size ({})".format(
            target.size(), input.size()))
    return _C.binary_cross_entropy_with_logits(input, target, weight, pos_weight, reduction)
