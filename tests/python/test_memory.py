"""Leaks: the core counts live tensor structs (oztorch._C._live_tensors()); many small ops,
including failing ones, must leave that count where it started."""
import gc

import numpy as np

from conftest import oz


def live():
    gc.collect()
    return oz()._C._live_tensors()


def test_live_tensor_counter_counts():
    T = oz()
    before = live()
    held = [T.ones(3) for _ in range(10)]
    assert live() >= before + 10
    del held
    assert live() == before


def small_ops(T, a, b, x):
    """Ten small ops, two of them failing."""
    c = a + b
    d = c * 2.5
    e = (a < b).sum()
    f = a[1] - 1
    g = a.t() @ b
    x.add_(1)
    h = T.tensor([1, 2, 3]) / 2
    c.item() if c.numel() == 1 else c.tolist()
    try:
        a + T.ones(3)
    except RuntimeError:
        pass
    try:
        x += 1.5  # in-place float into int: RuntimeError
    except RuntimeError:
        pass
    return d, e, f, g, h


def test_100k_small_ops_do_not_leak():
    T = oz()
    a, b = T.ones(2, 2), T.arange(4.0).reshape(2, 2)
    x = T.zeros(3, dtype=T.int64)
    small_ops(T, a, b, x)  # warm up any caches
    before = live()
    for _ in range(10000):
        small_ops(T, a, b, x)
    assert live() == before, "leaked %d tensors over 100k ops" % (live() - before)
    assert x.tolist() == [10001, 10001, 10001]


def test_numpy_round_trips_do_not_leak():
    T = oz()
    arr = np.ones((4, 4), dtype=np.float32)
    before = live()
    for _ in range(2000):
        t = T.from_numpy(arr)
        n = (t + 1).numpy()
        del t, n
    assert live() == before
