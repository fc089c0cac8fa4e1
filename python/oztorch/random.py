"""torch.random: the default CPU generator's seed and state, and fork_rng.

OzTorch's generators are counter-based (Philox-4x32-10 addressed by seed and offset), so a
state is 16 bytes: ``get_rng_state()`` returns them as a uint8 tensor that
``set_rng_state()`` takes back.
"""
import contextlib

from . import _C

manual_seed = _C.manual_seed
seed = _C.seed
initial_seed = _C.initial_seed
get_rng_state = _C.get_rng_state
set_rng_state = _C.set_rng_state

_C._random_init()
default_generator = _C.default_generator


@contextlib.contextmanager
def fork_rng(devices=None, enabled=True, _caller="fork_rng", _devices_kw="devices"):
    """Restores the CPU generator's state on exit, so random draws inside the block do not
    change the stream seen after it. (CUDA generators are not saved yet: `devices` is
    accepted and ignored.)"""
    if not enabled:
        yield
        return
    state = get_rng_state()
    try:
        yield
    finally:
        set_rng_state(state)


__all__ = ["manual_seed", "seed", "initial_seed", "get_rng_state", "set_rng_state", "fork_rng",
           "default_generator"]
