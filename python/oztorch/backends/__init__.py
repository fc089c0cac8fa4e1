"""torch.backends: switches for vendor libraries. OzTorch uses none of them (its kernels come from
its own plugins, which share this folder as .so files), so the flags are accepted and kept for code
that sets or reads them, and the is_available() answers say what is really there."""
from . import cuda, cudnn, mkldnn, mps  # noqa: F401
