"""torch.backends.cudnn: OzTorch's CUDA backend does not use cuDNN; the flags are kept so that
programs that set them (benchmark, deterministic) run unchanged."""
import contextlib

enabled = True
benchmark = False
deterministic = False
allow_tf32 = True


def is_available():
    """True when OzTorch's CUDA backend can run (it stands in for cuDNN's convolutions)."""
    from .. import cuda
    return cuda.is_available()


def version():
    """The cuDNN version: None, as no cuDNN is loaded."""
    return None


@contextlib.contextmanager
def flags(enabled=False, benchmark=False, deterministic=False, allow_tf32=True):
    """Sets the flags for the duration of a with-block, restoring the old ones after."""
    global_vars = globals()
    names = ("enabled", "benchmark", "deterministic", "allow_tf32")
    old = {n: global_vars[n] for n in names}
    global_vars.update(enabled=enabled, benchmark=benchmark, deterministic=deterministic,
                       allow_tf32=allow_tf32)
    try:
        yield
    finally:
        global_vars.update(old)
