"""oztorch.nn.functional: torch.nn.functional's functions with its exact signatures and defaults.

As in PyTorch, this module is thin Python over the C extension: argument conventions (string
reductions, implicit softmax dims, size checks that torch makes in Python) live here, the work
in ``_C`` (the ``_nn_*`` functions are what torch keeps in ``torch._C._nn``). Activations come
from the unary op family; they are looked up at call time, so these wrappers work as soon as the
C functions exist.
"""
import warnings

from .. import _C
from ..autograd import Function, no_grad

__all__ = [
    "adaptive_avg_pool1d", "adaptive_avg_pool2d", "avg_pool1d", "avg_pool2d", "batch_norm",
    "bilinear", "binary_cross_entropy", "binary_cross_entropy_with_logits", "celu", "conv1d",
    "conv2d", "cross_entropy", "dropout", "dropout1d", "dropout2d", "dropout3d", "elu", "elu_",
    "embedding", "gelu", "hardsigmoid", "hardswish", "hardtanh", "hardtanh_", "huber_loss",
    "l1_loss", "layer_norm", "leaky_relu", "leaky_relu_", "linear", "log_softmax", "logsigmoid",
    "max_pool1d", "max_pool1d_with_indices", "max_pool2d", "max_pool2d_with_indices", "mish",
    "mse_loss", "nll_loss", "normalize", "one_hot", "pad", "relu", "relu6", "relu_", "selu",
    "sigmoid", "silu", "smooth_l1_loss", "softmax", "softmin", "softplus", "softsign", "tanh",
    "tanhshrink", "threshold", "threshold_",
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


def selu(input, inplace=False):
    return _activation("selu", input, inplace)


def celu(input, alpha=1.0, inplace=False):
    return _activation("celu", input, inplace, alpha)


# torch's functional in-place spellings (torch.relu_ & co. in PyTorch)
def relu_(input):
    return relu(input, inplace=True)


def elu_(input, alpha=1.0):
    return elu(input, alpha, inplace=True)


def leaky_relu_(input, negative_slope=0.01):
    return leaky_relu(input, negative_slope, inplace=True)


def hardtanh_(input, min_val=-1.0, max_val=1.0):
    return hardtanh(input, min_val, max_val, inplace=True)


def _threshold(input, threshold, value, inplace=False):
    """input where input > threshold, else value (NaN stays NaN, as torch)."""
    below = input <= threshold
    return input.masked_fill_(below, value) if inplace else input.masked_fill(below, value)


threshold = _threshold  # the parameter shadows the name inside, as in torch


def threshold_(input, threshold, value):
    return _threshold(input, threshold, value, inplace=True)


def gelu(input, approximate="none"):
    return _c("_nn_gelu")(input, approximate=approximate)


def softplus(input, beta=1, threshold=20):
    return _c("_nn_softplus")(input, beta, threshold)


# Composite activations: the formulas of torch's documentation in tensor ops (autograd follows).


def logsigmoid(input):
    # -softplus(-x) is log(sigmoid(x)) without overflow for large |x|
    return -_c("_nn_softplus")(-input, 1, 20)


def softsign(input):
    return input / (input.abs() + 1)


def tanhshrink(input):
    return input - input.tanh()


def _composite(formula, input, inplace):
    """formula(input), or written into input: computed from a copy, since the formula's
    backward needs the values the write replaces."""
    if not inplace:
        return formula(input)
    return input.copy_(formula(input.clone()))


def hardsigmoid(input, inplace=False):
    return _composite(lambda x: relu6(x + 3) / 6, input, inplace)


def hardswish(input, inplace=False):
    # Written so its gradient has torch's values at the bends: x/3 + 1/2 on [-3, 3) (clamp's
    # gradient includes its bound: -1/2 at x = -3), 1 from x = 3 on.
    return _composite(lambda x: (x * (x + 3).clamp(min=0) / 6).where(x < 3, x), input, inplace)


def mish(input, inplace=False):
    return _composite(lambda x: x * softplus(x).tanh(), input, inplace)


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


def softmin(input, dim=None, _stacklevel=3, dtype=None):
    if dim is None:
        dim = _get_softmax_dim("softmin", input.dim(), _stacklevel)
    return (-input).softmax(dim) if dtype is None else (-input).softmax(dim, dtype=dtype)


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


def bilinear(input1, input2, weight, bias=None):
    """y[..., o] = input1[..., i] weight[o, i, j] input2[..., j] + bias[o]."""
    if input1.dim() != input2.dim():
        raise RuntimeError("bilinear(): input dimensions do not match: got {} and {}".format(
            input1.dim(), input2.dim()))
    if tuple(input1.shape[:-1]) != tuple(input2.shape[:-1]):
        raise RuntimeError("bilinear(): input batch dimensions do not match: got {} and {}"
                           .format(list(input1.shape), list(input2.shape)))
    if weight.dim() != 3:
        raise RuntimeError("bilinear(): weight must be 3-dimensional, got {}-d".format(
            weight.dim()))
    for k, x in ((1, input1), (2, input2)):
        if x.size(-1) != weight.size(k):
            raise RuntimeError("bilinear(): input{} size does not match weight size: got {} but "
                               "expected {}".format(k, x.size(-1), weight.size(k)))
    if bias is not None and (bias.dim() != 1 or bias.size(0) != weight.size(0)):
        raise RuntimeError("bilinear(): bias size does not match weight size: got {} but "
                           "expected {}".format(bias.size(-1), weight.size(0)))
    out = _C.einsum("...i,oij,...j->...o", input1, weight, input2)
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


def _one(name, arg, value):
    """A 1-d pooling argument (int or 1-sequence) as an int."""
    if isinstance(value, int):
        return value
    value = tuple(value)
    if len(value) != 1:
        raise RuntimeError("{}: {} must be an int or a tuple of one int, got {}".format(
            name, arg, value))
    return value[0]


def _as_2d_pool_input(name, input):
    """input [N, C, L] or [C, L] viewed as [N, C, 1, L]: 1-d pooling is 2-d pooling with a
    window of height one."""
    if input.dim() not in (2, 3):
        raise RuntimeError("{}: Expected 2D or 3D (batch mode) tensor for input, but got a {}D "
                           "tensor of size {}".format(name, input.dim(), list(input.shape)))
    return input.unsqueeze(-2)


def _pool1d_as_2d(name, input, kernel_size, stride, padding, dilation=1):
    """(input as [N, C, 1, L], kernel, stride, padding, dilation) for the 2-d pooling that does
    this 1-d pooling; stride None or empty means the kernel size, as torch."""
    k = _one(name, "kernel_size", kernel_size)
    s = k if stride is None or stride == () or stride == [] else _one(name, "stride", stride)
    return (_as_2d_pool_input(name, input), (1, k), (1, s), (0, _one(name, "padding", padding)),
            (1, _one(name, "dilation", dilation)))


def max_pool1d_with_indices(input, kernel_size, stride=None, padding=0, dilation=1,
                            ceil_mode=False, return_indices=False):
    args = _pool1d_as_2d("max_pool1d", input, kernel_size, stride, padding, dilation)
    out, idx = _C._nn_max_pool2d_with_indices(*args, ceil_mode)
    return out.squeeze(-2), idx.squeeze(-2)  # with a height of one, 2-d indices are 1-d ones


def _max_pool1d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
                return_indices=False):
    args = _pool1d_as_2d("max_pool1d", input, kernel_size, stride, padding, dilation)
    return _C.max_pool2d(*args, ceil_mode).squeeze(-2)


def max_pool1d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
               return_indices=False):
    f = max_pool1d_with_indices if return_indices else _max_pool1d
    return f(input, kernel_size, stride, padding, dilation, ceil_mode)


def avg_pool1d(input, kernel_size, stride=None, padding=0, ceil_mode=False,
               count_include_pad=True):
    args = _pool1d_as_2d("avg_pool1d", input, kernel_size, stride, padding)[:4]
    return _C._nn_avg_pool2d(*args, ceil_mode, count_include_pad, None).squeeze(-2)


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


def adaptive_avg_pool1d(input, output_size):
    name = "adaptive_avg_pool1d"
    return _C._nn_adaptive_avg_pool2d(_as_2d_pool_input(name, input),
                                      (1, _one(name, "output_size", output_size))).squeeze(-2)


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


def _check_dropout_p(p):
    if p < 0.0 or p > 1.0:
        raise ValueError("dropout probability has to be between 0 and 1, but got {}".format(p))


def dropout(input, p=0.5, training=True, inplace=False):
    _check_dropout_p(p)
    return _C.dropout_(input, p, training) if inplace else _C.dropout(input, p, training)


def _feature_dropout(input, p, training, inplace, batched):
    """Zeroes whole channels (the first dim after the batch) with probability p, scaling the
    kept ones by 1/(1-p); input is returned as is when nothing is dropped."""
    if p == 0 or not training or input.numel() == 0:
        return input
    if input.dim() < (2 if batched else 1):
        raise RuntimeError("Feature dropout requires at least 2 dimensions in the input")
    lead = 2 if batched else 1
    if p == 1:
        noise = _C.zeros((), dtype=input.dtype, device=input.device)
    else:
        noise_shape = tuple(input.shape[:lead]) + (1,) * (input.dim() - lead)
        noise = input.new_empty(noise_shape).bernoulli_(1 - p).div_(1 - p)
    return input.mul_(noise) if inplace else input * noise


def _unbatched_as_batched(input, p, training, inplace, batched):
    """An unbatched input goes through as a batch of one, as torch: the result is a new view
    even when nothing is dropped (in place, the input itself)."""
    if batched or inplace:
        return _feature_dropout(input, p, training, inplace, batched)
    return _feature_dropout(input.unsqueeze(0), p, training, False, True).squeeze(0)


def dropout1d(input, p=0.5, training=True, inplace=False):
    _check_dropout_p(p)
    if input.dim() not in (2, 3):
        raise RuntimeError(
            "dropout1d: Expected 2D or 3D input, but received a {}D input. Note that dropout1d "
            "exists to provide channel-wise dropout on inputs with 1 spatial dimension, a channel "
            "dimension, and an optional batch dimension (i.e. 2D or 3D inputs).".format(
                input.dim()))
    return _unbatched_as_batched(input, p, training, inplace, batched=input.dim() == 3)


def dropout2d(input, p=0.5, training=True, inplace=False):
    _check_dropout_p(p)
    ndim = input.dim()
    if ndim not in (3, 4):
        warnings.warn(
            "dropout2d: Received a {}-D input to dropout2d, which is deprecated and will result "
            "in an error in a future release. To retain the behavior and silence this warning, "
            "please use dropout instead. Note that dropout2d exists to provide channel-wise "
            "dropout on inputs with 2 spatial dimensions, a channel dimension, and an optional "
            "batch dimension (i.e. 3D or 4D inputs).".format(ndim))
    if ndim == 3:
        # PyTorch still reads a 3-d input as batched [N, C, L] here (pytorch#77081)
        warnings.warn(
            "dropout2d: Received a 3D input to dropout2d and assuming that channel-wise 1D "
            "dropout behavior is desired - input is interpreted as shape (N, C, L), where C is "
            "the channel dim. This behavior will change in a future release to interpret the "
            "input as one without a batch dimension, i.e. shape (C, H, W). To maintain the 1D "
            "channel-wise dropout behavior, please switch to using dropout1d instead.")
    return _feature_dropout(input, p, training, inplace, batched=True)


def dropout3d(input, p=0.5, training=True, inplace=False):
    _check_dropout_p(p)
    ndim = input.dim()
    if ndim not in (4, 5):
        warnings.warn(
            "dropout3d: Received a {}-D input to dropout3d, which is deprecated and will result "
            "in an error in a future release. To retain the behavior and silence this warning, "
            "please use dropout instead. Note that dropout3d exists to provide channel-wise "
            "dropout on inputs with 3 spatial dimensions, a channel dimension, and an optional "
            "batch dimension (i.e. 4D or 5D inputs).".format(ndim))
    return _unbatched_as_batched(input, p, training, inplace, batched=ndim == 5)


# ---------------------------------------------------------------- embedding, padding, one_hot


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
        with no_grad():
            _embedding_renorm_(weight, input, max_norm, norm_type)
    if scale_grad_by_freq and weight.requires_grad and _C.is_grad_enabled():
        # the C embedding has no frequency scaling: the lookup's gradient is scaled here
        rows = _C.embedding(weight, input, padding_idx, False, sparse)
        return _ScaleGradByFreq.apply(rows, _inverse_frequencies(input, weight.size(0),
                                                                 rows.dtype))
    return _C.embedding(weight, input, padding_idx, False, sparse)


def _inverse_frequencies(indices, num_embeddings, dtype):
    """1 / (how often each lookup's index occurs in indices), shaped [*indices.shape, 1]."""
    flat = indices.reshape(-1).long()  # in range: the lookup has already checked
    counts = _C.zeros(num_embeddings, dtype=dtype, device=indices.device)
    counts.scatter_add_(0, flat, _C.ones(flat.shape, dtype=dtype, device=indices.device))
    return (1.0 / counts.index_select(0, flat)).reshape(tuple(indices.shape) + (1,))


class _ScaleGradByFreq(Function):
    """Identity forward; backward scales each lookup's gradient by the inverse frequency of
    its index, so each weight row receives its gradient sum divided by its count (torch's
    scale_grad_by_freq)."""

    @staticmethod
    def forward(ctx, rows, scale):
        ctx.save_for_backward(scale)
        return rows.clone()

    @staticmethod
    def backward(ctx, grad):
        scale, = ctx.saved_tensors
        # scaled in value only: torch's embedding double backward differentiates this gradient
        # as if unscaled (its EmbeddingDenseBackwardBackward0 applies no frequency scale)
        return grad + (grad * (scale - 1)).detach(), None


def _embedding_renorm_(weight, indices, max_norm, norm_type):
    """Rescales, in place, the rows of weight that indices looks up and whose norm_type-norm
    exceeds max_norm, to norm max_norm (torch.embedding_renorm_)."""
    if weight.dim() != 2:
        raise RuntimeError("embedding_renorm_(): expected weight to be 2-D, but got {}-D".format(
            weight.dim()))
    if indices.dtype not in (_C.int64, _C.int32):
        raise RuntimeError("Expected tensor for argument #1 'indices' to have one of the "
                           "following scalar types: Long, Int; but got {} instead".format(
                               indices.dtype))
    rows = indices.reshape(-1).unique()
    if rows.numel() == 0:
        return weight
    picked = weight.index_select(0, rows)
    norms = picked.norm(p=norm_type, dim=1, keepdim=True)
    # the 1e-7 keeps the row's norm strictly below max_norm, as torch's kernel
    scale = _C.where(norms > max_norm, max_norm / (norms + 1e-7), _C.ones_like(norms))
    weight[rows] = picked * scale
    return weight


def pad(input, pad, mode="constant", value=None):
    return _C._nn_pad(input, pad, mode, value)


def one_hot(tensor, num_classes=-1):
    """int64 [*shape, num_classes] with a one at each index of tensor."""
    if tensor.dtype != _C.int64:
        raise RuntimeError("one_hot is only applicable to index tensor of type LongTensor.")
    if tensor.numel() == 0:
        if num_classes <= 0:
            raise RuntimeError("Can not infer total number of classes from empty tensor.")
    else:
        if tensor.min().item() < 0:
            raise RuntimeError("Class values must be non-negative.")
        if num_classes == -1:
            num_classes = tensor.max().item() + 1
        elif tensor.max().item() >= num_classes:
            raise RuntimeError("Class values must be smaller than num_classes.")
    out = _C.zeros(tuple(tensor.shape) + (num_classes,), dtype=_C.int64, device=tensor.device)
    return out.scatter_(-1, tensor.unsqueeze(-1), 1)


def normalize(input, p=2.0, dim=1, eps=1e-12, out=None):
    """input / max(||input||_p along dim, eps)."""
    denom = input.norm(p, dim, keepdim=True).clamp_min(eps).expand_as(input)
    if out is None:
        return input / denom
    return _C.div(input, denom, out=out)


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
    loss = _C.binary_cross_entropy_with_logits(input, target, weight, pos_weight, reduction)
    # torch's formula works in place on (1 - target), so the loss has the target's dtype
    if target.is_floating_point() and loss.dtype != target.dtype:
        loss = loss.to(target.dtype)
    return loss


# ---------------------------------------------------------------- interpolate (composites)

_INTERPOLATE_DIMS = {"nearest": None, "linear": 1, "bilinear": 2}


def _source_positions(out_size, in_size, scale, align_corners, mode):
    """Where output index j reads from along one dimension (a float tensor of positions)."""
    j = _C.arange(out_size, dtype=_C.float64)
    if mode != "nearest" and align_corners:
        step = (in_size - 1) / (out_size - 1) if out_size > 1 else 0.0
        return j * step
    ratio = 1.0 / scale if scale is not None else in_size / out_size
    if mode == "nearest":
        return j * ratio
    return ((j + 0.5) * ratio - 0.5).clamp(min=0)


def interpolate(input, size=None, scale_factor=None, mode="nearest", align_corners=None,
                recompute_scale_factor=None, antialias=False):
    """Resizes the spatial dims of a 3-D (N, C, W) or 4-D (N, C, H, W) input with 'nearest' or
    (bi)linear sampling, by index_select and arithmetic so that gradients flow to the input."""
    if mode not in _INTERPOLATE_DIMS:
        raise NotImplementedError("Input Error: Only 3D and 4D input Tensors supported (got %dD) "
                                  "for the modes: nearest | linear | bilinear (got %s)"
                                  % (input.dim(), mode))
    if mode == "nearest" and align_corners is not None:
        raise ValueError("align_corners option can only be set with the interpolating modes: "
                         "linear | bilinear | bicubic | trilinear")
    if antialias:
        raise NotImplementedError("interpolate: antialias=True is not supported")
    spatial = input.dim() - 2
    if spatial not in (1, 2) or (_INTERPOLATE_DIMS[mode] not in (None, spatial)):
        raise NotImplementedError("Got %dD input, but %s mode needs %s input"
                                  % (input.dim(), mode,
                                     "%dD" % (_INTERPOLATE_DIMS[mode] + 2)
                                     if _INTERPOLATE_DIMS[mode] else "3D or 4D"))
    if (size is None) == (scale_factor is None):
        raise ValueError("only one of size or scale_factor should be defined" if size is not None
                         else "either size or scale_factor should be defined")
    in_sizes = list(input.shape[2:])
    scales = [None] * spatial
    if size is not None:
        sizes = list(size) if isinstance(size, (list, tuple)) else [size] * spatial
        if len(sizes) != spatial:
            raise ValueError("Input and output must have the same number of spatial dimensions, "
                             "but got input with spatial dimensions of %s and output size of %s. "
                             "Please provide input tensor in (N, C, d1, d2, ...,dK) format and "
                             "output size in (o1, o2, ...,oK) format." % (in_sizes, sizes))
    else:
        factors = (list(scale_factor) if isinstance(scale_factor, (list, tuple))
                   else [scale_factor] * spatial)
        if len(factors) != spatial:
            raise ValueError("Input and scale_factor must have the same number of spatial "
                             "dimensions, but got input with spatial dimensions of %s and "
                             "scale_factor of shape %s. Please provide input tensor in (N, C, "
                             "d1, d2, ...,dK) format and scale_factor in (s1, s2, ...,sK) format."
                             % (in_sizes, factors))
        sizes = [int(n * f) for n, f in zip(in_sizes, factors)]  # floor: both positive
        if not recompute_scale_factor:
            scales = [float(f) for f in factors]
    if any(s <= 0 for s in sizes):
        raise RuntimeError("Input and output sizes should be greater than 0, but got input (%s) "
                           "and output (%s)" % (", ".join(map(str, in_sizes)),
                                                ", ".join(map(str, sizes))))
    out = input
    for axis, (n_out, n_in, scale) in enumerate(zip(sizes, in_sizes, scales)):
        dim = axis + 2
        src = _source_positions(n_out, n_in, scale, align_corners, mode)
        low = src.floor().to(_C.int64).clamp(max=n_in - 1)
        if mode == "nearest":
            out = out.index_select(dim, low)
            continue
        high = (low + 1).clamp(max=n_in - 1)
        shape = [1] * input.dim()
        shape[dim] = n_out
        weight = (src - low.to(_C.float64)).to(input.dtype).reshape(shape)
        out = out.index_select(dim, low) * (1 - weight) + out.index_select(dim, high) * weight
    return out
