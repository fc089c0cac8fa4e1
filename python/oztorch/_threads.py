"""torch.get_num_threads / set_num_threads. The backends read nothing from it yet (cpu_naive is
single-threaded), but programs that set it must run, and get returns what was set."""
import os

_num_threads = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (
    os.cpu_count() or 1)


def get_num_threads():
    return _num_threads


def set_num_threads(n):
    global _num_threads
    if isinstance(n, bool) or not isinstance(n, int):
        raise RuntimeError("set_num_threads expects an int, but got %s" % type(n).__name__)
    if n <= 0:
        raise RuntimeError("set_num_threads expects a positive integer")
    _num_threads = n
