"""torch.backends.cuda: the TF32 / reduced-precision switches for CUDA matmuls. OzTorch's CUDA
kernels compute in full precision, so the flags are stored and read back only."""


class _MatmulFlags:
    def __init__(self):
        self.allow_tf32 = False
        self.allow_fp16_reduced_precision_reduction = True
        self.allow_bf16_reduced_precision_reduction = True


matmul = _MatmulFlags()


def is_built():
    """Whether OzTorch's CUDA backend plugin was built and loads."""
    from .. import cuda
    return cuda.is_available()
