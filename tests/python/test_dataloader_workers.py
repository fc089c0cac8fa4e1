"""The DataLoader with worker processes (num_workers > 0): the same batches as in the main
process and in order, worker_init_fn and get_worker_info, sharding an IterableDataset, errors
re-raised with the worker's traceback, a dead or slow worker reported, and no worker process
left running afterwards. Few and small: each test starts real processes."""
import gc
import multiprocessing
import os
import time

import numpy as np
import pytest
import torch

from conftest import assert_same, oz


@pytest.fixture
def T():
    return oz()


def alive(pid):
    """True while the process exists, or has exited but was never reaped (a zombie: nobody
    joined it, which also counts as left behind)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def assert_no_workers_left(pids=()):
    gc.collect()
    assert multiprocessing.active_children() == []
    assert not [p for p in pids if alive(p)], "worker processes still running"


def tensor_items(T, n):
    """A map-style dataset whose samples mix dtypes and structures."""
    class Mixed(T.utils.data.Dataset):
        def __getitem__(self, i):
            return {"x": T.arange(3.0) + i, "y": T.tensor(i, dtype=T.int64),
                    "flag": T.tensor(i % 2 == 0), "np": np.full(2, i, dtype=np.float64),
                    "pair": (i, "s%d" % i), "f": i / 4}

        def __len__(self):
            return n
    return Mixed()


def flatten(batch):
    """A batch of tensor_items as plain Python values, tensors with their dtypes."""
    out = {}
    for k, v in batch.items():
        if isinstance(v, list):
            v = tuple(e.tolist() if hasattr(e, "tolist") else e for e in v)
            out[k] = v
        else:
            out[k] = (str(v.dtype), tuple(v.shape), v.tolist())
    return out


def test_two_workers_give_the_batches_of_one_process(T):
    ds = tensor_items(T, 11)
    single = [flatten(b) for b in T.utils.data.DataLoader(ds, batch_size=3)]
    loader = T.utils.data.DataLoader(ds, batch_size=3, num_workers=2)
    assert len(loader) == 4
    assert [flatten(b) for b in loader] == single
    shuffled = [T.utils.data.DataLoader(ds, batch_size=4, shuffle=True, num_workers=w,
                                        generator=T.Generator().manual_seed(9))
                for w in (0, 2)]
    assert [flatten(b) for b in shuffled[1]] == [flatten(b) for b in shuffled[0]]
    # unbatched, with drop_last, and with a tensor dataset
    unbatched = T.utils.data.DataLoader(ds, batch_size=None, num_workers=2)
    assert [b["y"].item() for b in unbatched] == list(range(11))
    tds = T.utils.data.TensorDataset(T.arange(10).reshape(5, 2), T.arange(5.0))
    got = list(T.utils.data.DataLoader(tds, batch_size=2, drop_last=True, num_workers=2))
    want = list(T.utils.data.DataLoader(tds, batch_size=2, drop_last=True))
    assert len(got) == 2
    for g, w in zip(got, want):
        for a, b in zip(g, w):
            assert a.dtype == b.dtype and a.tolist() == b.tolist()
    assert_no_workers_left()


class SlowFirst:
    """Index 0 is slow, so worker 1 answers first: results must still come in order."""

    def __getitem__(self, i):
        if i == 0:
            time.sleep(0.3)
        return i

    def __len__(self):
        return 6


def test_order_is_kept_unless_in_order_is_false(T):
    loader = T.utils.data.DataLoader(SlowFirst(), batch_size=1, num_workers=2)
    assert [b.item() for b in loader] == list(range(6))
    loose = T.utils.data.DataLoader(SlowFirst(), batch_size=1, num_workers=2, in_order=False)
    got = [b.item() for b in loose]
    assert sorted(got) == list(range(6)) and got[0] != 0
    assert_no_workers_left()


class WhoAmI:
    """Each sample says which worker read it and what that worker's init function saw."""

    def __init__(self):
        self.tag = "unset"

    def __getitem__(self, i):
        info = oz().utils.data.get_worker_info()
        return (info.id, info.num_workers, info.seed, os.getpid(), self.tag,
                info.dataset is self, int(oz().randint(0, 2 ** 30, ()).item()))

    def __len__(self):
        return 8


def tag_worker(worker_id):
    info = oz().utils.data.get_worker_info()
    assert info.id == worker_id
    info.dataset.tag = "init %d" % worker_id
    with pytest.raises(RuntimeError, match="Cannot assign attributes"):
        info.id = 5


def test_worker_init_fn_and_worker_info(T):
    T.manual_seed(0)
    rows = [tuple(b) for b in T.utils.data.DataLoader(WhoAmI(), batch_size=None, num_workers=2,
                                                       worker_init_fn=tag_worker)]
    ids = [r[0] for r in rows]
    assert ids == [0, 1] * 4  # round-robin, one sample per task
    assert {r[1] for r in rows} == {2} and all(r[5] for r in rows)
    assert [r[4] for r in rows] == ["init %d" % i for i in ids]
    seeds = {r[0]: r[2] for r in rows}
    assert seeds[1] == seeds[0] + 1
    assert len({r[3] for r in rows}) == 2 and os.getpid() not in {r[3] for r in rows}
    T.manual_seed(0)  # the workers' seeds and random streams follow the main seed
    again = [tuple(b) for b in T.utils.data.DataLoader(WhoAmI(), batch_size=None,
                                                       num_workers=2)]
    assert [r[2] for r in again] == [r[2] for r in rows]
    assert [r[6] for r in again] == [r[6] for r in rows]
    assert T.utils.data.get_worker_info() is None
    assert_no_workers_left([r[3] for r in rows])


def make_sharded_range(T):
    class ShardedRange(T.utils.data.IterableDataset):
        def __init__(self, n):
            self.n = n

        def __iter__(self):
            info = T.utils.data.get_worker_info()
            if info is None:
                return iter(range(self.n))
            return iter(range(info.id, self.n, info.num_workers))
    return ShardedRange


def test_iterable_dataset_sharded_by_worker_info(T):
    ds = make_sharded_range(T)(11)
    got = [b.tolist() for b in T.utils.data.DataLoader(ds, batch_size=2, num_workers=2)]
    # worker 0 reads 0,2,4,...; worker 1 reads 1,3,5,...; batches alternate between them
    assert got == [[0, 2], [1, 3], [4, 6], [5, 7], [8, 10], [9]]
    dropped = [b.tolist() for b in T.utils.data.DataLoader(ds, batch_size=2, drop_last=True,
                                                           num_workers=2)]
    assert dropped == [[0, 2], [1, 3], [4, 6], [5, 7], [8, 10]]
    unbatched = list(T.utils.data.DataLoader(ds, batch_size=None, num_workers=2))
    assert unbatched == [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]  # ints stay ints unbatched
    assert_no_workers_left()


class FailsAt:
    def __init__(self, bad, exc):
        self.bad, self.exc = bad, exc

    def __getitem__(self, i):
        if i == self.bad:
            raise self.exc("sample %d is broken" % i)
        return i

    def __len__(self):
        return 6


def test_worker_errors_are_raised_with_the_workers_traceback(T):
    it = iter(T.utils.data.DataLoader(FailsAt(3, ValueError), batch_size=2, num_workers=2))
    pids = [w.pid for w in it._workers]
    assert next(it).tolist() == [0, 1]
    with pytest.raises(ValueError) as info:
        next(it)
    text = str(info.value)
    assert "Caught ValueError in DataLoader worker process 1" in text
    assert "Traceback (most recent call last)" in text and "in __getitem__" in text
    assert "sample 3 is broken" in text
    assert next(it).tolist() == [4, 5]  # the loader goes on after an error, as in PyTorch
    del it, info
    assert_no_workers_left(pids)
    with pytest.raises(KeyError, match="sample 0 is broken"):
        list(T.utils.data.DataLoader(FailsAt(0, KeyError), num_workers=1))
    with pytest.raises(ZeroDivisionError, match="worker_init_fn"):
        list(T.utils.data.DataLoader(FailsAt(9, ValueError), num_workers=1,
                                     worker_init_fn=lambda wid: 1 / 0 if wid == 0 else None,
                                     multiprocessing_context="fork"))
    gc.collect()
    assert_no_workers_left()


def test_tensors_cross_with_requires_grad_and_non_leaf_is_refused(T):
    class Grads(T.utils.data.Dataset):
        def __getitem__(self, i):
            leaf = T.ones(2, requires_grad=True)
            return leaf if i == 0 else leaf * 2

        def __len__(self):
            return 2

    it = iter(T.utils.data.DataLoader(Grads(), batch_size=None, num_workers=1))
    first = next(it)
    assert first.requires_grad and first.is_leaf and first.tolist() == [1.0, 1.0]
    with pytest.raises(RuntimeError, match="non-leaf tensor which requires_grad"):
        next(it)
    del it
    assert_no_workers_left()


def test_unpicklable_batch_is_an_error_not_a_hang(T):
    loader = T.utils.data.DataLoader([0, 1], batch_size=None, num_workers=1,
                                     collate_fn=lambda x: (lambda: x))
    with pytest.raises(Exception, match="sending the batch"):
        list(loader)
    gc.collect()
    assert_no_workers_left()


class DiesAt:
    def __getitem__(self, i):
        if i == 2:
            os._exit(3)
        return i

    def __len__(self):
        return 4


class Sleeps:
    def __getitem__(self, i):
        time.sleep(1.5)
        return i

    def __len__(self):
        return 2


def test_dead_or_slow_worker_is_reported(T):
    with pytest.raises(RuntimeError, match=r"DataLoader worker \(pid\(s\) \d+\) exited "
                                           "unexpectedly"):
        list(T.utils.data.DataLoader(DiesAt(), num_workers=1))
    assert_no_workers_left()
    start = time.monotonic()
    with pytest.raises(RuntimeError, match="DataLoader timed out after 0.3 seconds"):
        list(T.utils.data.DataLoader(Sleeps(), num_workers=1, timeout=0.3))
    gc.collect()
    assert_no_workers_left()
    assert time.monotonic() - start < 8


def test_workers_exit_when_iterator_is_dropped_or_exhausted(T):
    ds = list(range(100))
    it = iter(T.utils.data.DataLoader(ds, batch_size=2, num_workers=2))
    next(it)
    pids = [w.pid for w in it._workers]
    assert all(alive(p) for p in pids)
    del it
    assert_no_workers_left(pids)
    it = iter(T.utils.data.DataLoader(ds, batch_size=50, num_workers=2))
    pids = [w.pid for w in it._workers]
    assert [len(b) for b in it] == [50, 50]
    assert not [p for p in pids if alive(p)]  # gone at the end of the epoch, before del


def test_persistent_workers_serve_several_epochs(T):
    loader = T.utils.data.DataLoader(list(range(7)), batch_size=3, num_workers=2,
                                     persistent_workers=True, prefetch_factor=1)
    epochs = [[b.tolist() for b in loader] for _ in range(2)]
    assert epochs == [[[0, 1, 2], [3, 4, 5], [6]]] * 2
    pids = [w.pid for w in loader._iterator._workers]
    it = iter(loader)
    next(it)  # an unfinished epoch: the next one starts over
    assert [b.tolist() for b in loader] == [[0, 1, 2], [3, 4, 5], [6]]
    assert [w.pid for w in loader._iterator._workers] == pids and all(alive(p) for p in pids)
    sharded = T.utils.data.DataLoader(make_sharded_range(T)(5), batch_size=None, num_workers=2,
                                      persistent_workers=True)
    assert [list(sharded) for _ in range(2)] == [[0, 1, 2, 3, 4]] * 2
    del loader, it, sharded
    assert_no_workers_left(pids)


def test_results_match_torch_with_workers(T):
    samples = [(i, i / 2, T.tensor([i, -i], dtype=T.int8)) for i in range(5)]
    ref = list(torch.utils.data.DataLoader(
        [(i, f, torch.tensor(t.tolist(), dtype=torch.int8)) for i, f, t in samples],
        batch_size=2))
    got = list(T.utils.data.DataLoader(samples, batch_size=2, num_workers=2))
    assert_same(ref, got)
    assert_no_workers_left()
