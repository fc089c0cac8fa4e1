"""What ``iter(DataLoader)`` returns when ``num_workers > 0``: the epoch's bookkeeping over a
pool of worker processes (``_worker_pool.py``; the worker side and the message protocol are in
``_utils/worker.py``).

Each batch is a numbered task sent to one worker, round-robin, keeping
``prefetch_factor * num_workers`` tasks in flight; answers come back on one shared queue in
whatever order the workers finish and wait in ``_ready`` until their turn (or are returned as
they come with ``in_order=False``). A worker's error is raised again here, with its traceback,
when its batch's turn comes. The workers exit when the epoch ends (unless persistent), when the
iterator is garbage, or when one of them dies; none is left behind.
"""
import itertools
import multiprocessing
import queue
import weakref

from ._base_iter import _BaseDataLoaderIter
from ._utils import STATUS_CHECK_INTERVAL, transfer
from ._utils.exception import ExceptionWrapper
from ._utils.worker import ResumeEpoch, WorkerExhausted
from ._worker_pool import WorkerPool


class _MultiProcessingDataLoaderIter(_BaseDataLoaderIter):
    def __init__(self, loader):
        super().__init__(loader)
        context = loader.multiprocessing_context or multiprocessing.get_context()
        self._in_order = loader.in_order

        def worker_args(worker_id, index_queue, result_queue, done_event):
            return (self._dataset_kind, self._dataset, index_queue, result_queue, done_event,
                    self._auto_collation, self._collate_fn, self._drop_last, self._base_seed,
                    loader.worker_init_fn, worker_id, self._num_workers)

        self._pool = WorkerPool(context, self._num_workers, worker_args)
        # stops the workers once this iterator is garbage (see _worker_pool.py for why not
        # __del__), and at interpreter exit
        self._finalizer = weakref.finalize(self, self._pool.shutdown)
        try:
            self._start_epoch(first=True)
        except BaseException:
            self._shutdown_workers()
            raise

    @property
    def _workers(self):
        return self._pool.workers

    @property
    def _shutdown(self):
        return self._pool.closed

    def _shutdown_workers(self):
        self._finalizer()

    # ---- the epoch's bookkeeping

    def _start_epoch(self, first):
        self._next_task = 0  # id of the next task to send
        self._next_yield = 0  # with in_order: id of the next task to return
        self._pending = {}  # task id -> worker id, for tasks sent and not answered yet
        self._ready = {}  # task id -> answer (batch or ExceptionWrapper), not returned yet
        self._active = [True] * self._num_workers  # False: its stream ended this epoch
        self._turns = itertools.cycle(range(self._num_workers))
        if not first:
            for worker_id in range(self._num_workers):
                self._pool.send(worker_id, ResumeEpoch())
            acknowledged = 0
            while acknowledged < self._num_workers:
                task_id, _ = self._receive()  # answers to last epoch's tasks are dropped
                acknowledged += task_id is None
        for _ in range(self._prefetch_factor * self._num_workers):
            self._send_task()

    def _reset(self, loader):
        """A new epoch on the same (persistent) workers."""
        super()._reset(loader)
        self._start_epoch(first=False)

    def _send_task(self):
        """Sends the sampler's next batch of indices to the next worker still reading."""
        try:
            indices = next(self._sampler_iter)
        except StopIteration:
            return
        for _ in range(self._num_workers):
            worker_id = next(self._turns)
            if self._active[worker_id]:
                break
        else:
            return  # every worker's stream has ended
        self._pool.send(worker_id, (self._next_task, indices))
        self._pending[self._next_task] = worker_id
        self._next_task += 1

    def _retire(self, worker_id):
        """The worker's stream ended: it answers none of its remaining tasks this epoch."""
        self._active[worker_id] = False
        for task_id in [t for t, w in self._pending.items() if w == worker_id]:
            del self._pending[task_id]
        if not self._persistent_workers:
            self._pool.send(worker_id, None)  # nothing more for it to do: let it exit

    # ---- receiving

    def _receive(self):
        """The next (task id, blob) from any worker; RuntimeError when a worker died or
        `timeout` passed first."""
        wait = self._timeout if self._timeout > 0 else STATUS_CHECK_INTERVAL
        while True:
            try:
                return self._pool.receive(wait)
            except Exception as error:
                dead = self._pool.dead([i for i, a in enumerate(self._active) if a])
                if dead:
                    self._shutdown_workers()
                    raise RuntimeError("DataLoader worker (pid(s) %s) exited unexpectedly" %
                                       ", ".join(str(w.pid) for w in dead)) from error
                if not isinstance(error, queue.Empty):
                    raise
                if self._timeout > 0:
                    raise RuntimeError("DataLoader timed out after %s seconds"
                                       % (self._timeout,)) from None

    def _next_data(self):
        while True:
            if self._in_order:
                # skip the tasks of workers whose stream ended before answering them
                while self._next_yield < self._next_task and \
                        self._next_yield not in self._pending and \
                        self._next_yield not in self._ready:
                    self._next_yield += 1
                if self._next_yield in self._ready:
                    return self._deliver(self._next_yield)
            elif self._ready:
                return self._deliver(next(iter(self._ready)))
            if not self._pending:
                if not self._persistent_workers:
                    self._shutdown_workers()
                raise StopIteration
            task_id, blob = self._receive()
            if task_id is None or self._pending.pop(task_id, None) is None:
                continue  # not a task of this epoch
            answer = transfer.loads(blob)
            if isinstance(answer, WorkerExhausted):
                self._retire(answer.worker_id)
                self._send_task()
                continue
            self._ready[task_id] = answer

    def _deliver(self, task_id):
        answer = self._ready.pop(task_id)
        self._next_yield = task_id + 1
        self._send_task()  # keep the pipeline full
        if isinstance(answer, ExceptionWrapper):
            answer.reraise()
        return answer
