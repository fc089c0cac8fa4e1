"""The DataLoader's internals, at PyTorch's import paths (``torch.utils.data._utils.collate``
and ``.worker`` are imported by some user code): collation, fetching a batch, the worker process
loop, carrying exceptions and tensors across processes."""

# How often (seconds) a blocked main process checks that its workers live, and a blocked worker
# that its parent does. Shorter than PyTorch's 5 s: a dead worker is reported sooner, and each
# check is only a few syscalls.
STATUS_CHECK_INTERVAL = 1.0

from . import collate, exception, fetch, transfer, worker  # noqa: E402,F401
