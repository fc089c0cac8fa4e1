"""torch.cuda: whether the CUDA backend plugin is loaded and how many devices it sees.

OzTorch's CUDA support is a plugin (backends/cuda); without it every query answers "none"."""
from . import _C


def device_count():
    """Devices the loaded CUDA backend reports; 0 when no CUDA backend is loaded."""
    try:
        return int(_C._device_count("cuda"))
    except RuntimeError:
        return 0


def is_available():
    return device_count() > 0


def current_device():
    if not is_available():
        raise RuntimeError("no backend for device type cuda is loaded")
    return 0


def manual_seed(seed):
    """Seeds the generator CUDA ops draw from: OzTorch's generator is shared by all devices
    (counter-based, so every backend draws the same stream)."""
    from . import manual_seed as _manual_seed
    _manual_seed(seed)


manual_seed_all = manual_seed


def synchronize(device=None):
    """Kernels of OzTorch's backends complete before their op returns: nothing to wait for."""
