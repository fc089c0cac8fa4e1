"""The DataLoader worker process: its loop, the per-worker seeds and ``get_worker_info()``.

Protocol between the main process and worker ``k``:
- main -> worker (the worker's own index queue): ``(task_id, indices)`` to fetch one batch;
  ``ResumeEpoch()`` to start a new epoch (persistent workers); ``None`` to exit.
- worker -> main (one result queue shared by all workers): ``(task_id, blob)``, where blob is
  ``transfer.dumps`` of the batch, of an ``ExceptionWrapper`` when fetching raised, or of
  ``WorkerExhausted(k)`` when an iterable dataset's stream ended in this worker;
  ``(None, None)`` acknowledges ``ResumeEpoch``.
After its stream ended, or once the main process set ``done_event``, a worker ignores tasks
and only waits for ``None``. It also exits on its own when its parent process is gone.
"""
import os
import queue
import random
import sys

from .... import _C
from . import STATUS_CHECK_INTERVAL, transfer
from .exception import ExceptionWrapper
from .fetch import ITERABLE, create_fetcher


_worker_info = None


class WorkerInfo:
    """What a worker knows about itself: ``id``, ``num_workers``, ``seed`` and ``dataset`` (this
    process's copy). Read-only."""

    def __init__(self, **fields):
        for key, value in fields.items():
            object.__setattr__(self, key, value)
        object.__setattr__(self, "_keys", tuple(fields))

    def __setattr__(self, key, value):
        raise RuntimeError("Cannot assign attributes to %s objects" % type(self).__name__)

    def __repr__(self):
        return "%s(%s)" % (type(self).__name__,
                           ", ".join("%s=%s" % (k, getattr(self, k)) for k in self._keys))


def get_worker_info():
    """This worker's WorkerInfo inside a DataLoader worker process; None in the main process."""
    return _worker_info


class WorkerExhausted:
    """Sent by a worker whose iterable dataset has no more samples this epoch."""

    def __init__(self, worker_id):
        self.worker_id = worker_id


class ResumeEpoch:
    """Asks a persistent worker to start over (a fresh iterator over an iterable dataset)."""


def seed_worker(base_seed, worker_id):
    """Seeds Python's, OzTorch's and numpy's global generators for this worker: each worker of
    each DataLoader iterator gets different streams, reproducible from the main process's
    seed. Returns the seed, as ``WorkerInfo.seed`` reports it."""
    seed = base_seed + worker_id
    random.seed(seed)
    _C.manual_seed(seed)
    np = sys.modules.get("numpy")  # seeded when the program uses it; never imported for this
    if np is not None:
        # numpy takes 32-bit seeds: spread the 64-bit one and the worker id over four words
        words = np.random.SeedSequence([worker_id, base_seed]).generate_state(4)
        np.random.seed(words)
    return seed


def _encode(task_id, payload, worker_id):
    """transfer.dumps(payload); an error that cannot be pickled (a class defined in a function,
    say) travels as a RuntimeError with the same text, and a batch that cannot be pickled as
    the error saying why."""
    try:
        return transfer.dumps(payload)
    except Exception:
        if isinstance(payload, ExceptionWrapper):
            payload.exc_type = RuntimeError
            return transfer.dumps(payload)
        return transfer.dumps(ExceptionWrapper(where="in DataLoader worker process %d, "
                                               "sending the batch of task %d to the main "
                                               "process" % (worker_id, task_id)))


def worker_loop(dataset_kind, dataset, index_queue, result_queue, done_event, auto_collation,
                collate_fn, drop_last, base_seed, init_fn, worker_id, num_workers):
    """The body of a worker process (see the module's docstring for the protocol)."""
    global _worker_info
    where = "in DataLoader worker process %d" % worker_id
    try:
        seed = seed_worker(base_seed, worker_id)
        _worker_info = WorkerInfo(id=worker_id, num_workers=num_workers, seed=seed,
                                  dataset=dataset)

        def start_epoch(run_init_fn):
            """(fetcher, None), or (None, the error) to report as each task's result."""
            try:
                if run_init_fn and init_fn is not None:
                    init_fn(worker_id)
                return create_fetcher(dataset_kind, dataset, auto_collation, collate_fn,
                                      drop_last), None
            except Exception:
                return None, ExceptionWrapper(where=where)

        fetcher, setup_error = start_epoch(run_init_fn=True)
        init_failed = fetcher is None  # then every epoch reports worker_init_fn's error

        stream_ended = False
        parent = os.getppid()
        while os.getppid() == parent:
            try:
                task = index_queue.get(timeout=STATUS_CHECK_INTERVAL)
            except queue.Empty:
                continue
            if task is None:
                break
            if isinstance(task, ResumeEpoch):
                stream_ended = False
                if not init_failed:
                    fetcher, setup_error = start_epoch(run_init_fn=False)
                result_queue.put((None, None))
                continue
            if done_event.is_set() or stream_ended:
                continue
            task_id, indices = task
            if fetcher is None:
                payload = setup_error
            else:
                try:
                    payload = fetcher.fetch(indices)
                except StopIteration:
                    if dataset_kind != ITERABLE:
                        payload = ExceptionWrapper(where=where)
                    else:
                        payload = WorkerExhausted(worker_id)
                        stream_ended = True
                except Exception:
                    payload = ExceptionWrapper(where=where)
            result_queue.put((task_id, _encode(task_id, payload, worker_id)))
            del payload, task  # free the batch before blocking on the next task
    except KeyboardInterrupt:
        pass  # Ctrl-C reaches the whole process group; the main process reports it
    if done_event.is_set():
        # The main process may no longer read: exit without waiting to flush what is queued.
        result_queue.cancel_join_thread()
        result_queue.close()
