"""OzTorch: PyTorch's Python API over a small C core with pluggable backends.

``import oztorch as torch`` runs PyTorch code unchanged for the parts implemented. The C
extension ``oztorch._C`` owns the tensor type and every op binding; this package adds the
Python-level pieces (Tensor's printing, torch.Size) and loads the backends at import.
"""
import sys as _sys

from . import _C
from ._size import Size  # noqa: F401
from ._tensor import Tensor  # noqa: F401

__version__ = "0.1.0"

# ---- dtypes and devices ----
dtype = _C.dtype
device = _C.device
float32 = _C.float32
float64 = _C.float64
float16 = _C.float16
bfloat16 = _C.bfloat16
int64 = _C.int64
int32 = _C.int32
int16 = _C.int16
int8 = _C.int8
uint8 = _C.uint8
bool = _C.bool  # noqa: A001 - PyTorch's name; builtins are not used below this point

double = float64
half = float16
long = int64
int = int32  # noqa: A001
short = int16
float = float32  # noqa: A001

get_default_dtype = _C.get_default_dtype
set_default_dtype = _C.set_default_dtype

# ---- functions (all in C) ----
from ._C import (  # noqa: E402, F401
    add, sub, subtract, rsub, mul, multiply, div, divide, true_divide, neg, negative,
    eq, ne, not_equal, lt, less, le, less_equal, gt, greater, ge, greater_equal,
    matmul, sum, clone,
    reshape, permute, t, transpose, swapaxes, squeeze, unsqueeze, flatten, select, narrow,
    tensor, as_tensor, zeros, ones, empty, full, zeros_like, ones_like, empty_like, full_like,
    arange, from_numpy, is_tensor, numel, is_floating_point,
)

# Every public function of _C is a torch function (the op families add theirs in C).
globals().update({_n: getattr(_C, _n) for _n in dir(_C)
                  if not _n.startswith("_") and _n not in globals()})

from ._tensor_str import get_printoptions, printoptions, set_printoptions  # noqa: E402,F401
from ._legacy import *  # noqa: E402,F401,F403 - Generator, default_generator, FloatTensor & co.
from . import _legacy as _lg  # noqa: E402
Tensor.new = _lg._tensor_new
from . import autograd  # noqa: E402
from . import return_types  # noqa: E402,F401
from . import nn  # noqa: E402,F401
from . import optim  # noqa: E402,F401
from . import utils  # noqa: E402,F401
from .serialization import load, save  # noqa: E402,F401
from . import cuda  # noqa: E402,F401
from ._threads import get_num_threads, set_num_threads  # noqa: E402,F401
# Ops written in Python over the C ones (python/oztorch/_composites*.py)
from ._composites import (allclose, isclose, meshgrid, repeat_interleave,  # noqa: E402,F401
                          tril_indices, triu_indices)
from ._composites import Variable as _Variable  # noqa: E402
from ._composites_diag import diag, diag_embed, diagonal  # noqa: E402,F401
from ._composites_hist import bincount, histc  # noqa: E402,F401
from ._dtype_info import finfo, iinfo  # noqa: E402,F401
from . import backends, linalg  # noqa: E402,F401
autograd.Variable = _Variable
Tensor.repeat_interleave = repeat_interleave
Tensor.allclose, Tensor.isclose = allclose, isclose
Tensor.diag, Tensor.diag_embed, Tensor.diagonal = diag, diag_embed, diagonal
Tensor.bincount, Tensor.histc = bincount, histc
from .storage import (BFloat16Storage, BoolStorage, ByteStorage, CharStorage,  # noqa: E402,F401
                      DoubleStorage, FloatStorage, HalfStorage, IntStorage, LongStorage,
                      ShortStorage, TypedStorage, UntypedStorage)
from .autograd.grad_mode import (enable_grad, inference_mode, is_grad_enabled,  # noqa: E402,F401
                                 is_inference_mode_enabled, no_grad, set_grad_enabled)

# ---- the dispatcher: load the backends ----
_init_error = None
try:
    _C._init_dispatch()
except RuntimeError as _e:
    # `python -m oztorch.doctor` must start even when the backends do not, to say why.
    # (the bench too: it lists the backends that do not load, with the reason)
    if {"oztorch.doctor", "oztorch.bench"} & set(getattr(_sys, "orig_argv", ())):
        _init_error = _e
        _C._init_error = _e
    else:
        raise
