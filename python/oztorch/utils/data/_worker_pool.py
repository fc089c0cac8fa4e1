"""The worker processes of one DataLoader iterator and the queues between them and the main
process: starting them, talking to them, noticing dead ones, and stopping them all.

It holds no reference to the iterator, so the iterator can stop it from a ``weakref.finalize``:
that runs even when the iterator dies in a reference cycle (an exception's traceback holding
it, say), where a ``__del__`` would run after the garbage collector had already finalized the
queues and a goodbye put on them would never reach the workers.
"""
import time

from ._utils.worker import worker_loop

_SHUTDOWN_GRACE_S = 5.0  # how long exiting workers may take to finish their current batch
_KILL_WAIT_S = 1.0


class WorkerPool:
    def __init__(self, context, num_workers, worker_args):
        """Starts `num_workers` processes running worker_loop(*worker_args(worker_id,
        index_queue, result_queue, done_event))."""
        self.closed = False
        self.workers = []
        self.index_queues = []
        self.result_queue = context.Queue()
        self.done_event = context.Event()
        try:
            for worker_id in range(num_workers):
                index_queue = context.Queue()
                # never wait to flush tasks to a worker that may be dead
                index_queue.cancel_join_thread()
                worker = context.Process(
                    target=worker_loop, daemon=True,
                    args=worker_args(worker_id, index_queue, self.result_queue,
                                     self.done_event))
                worker.start()
                self.index_queues.append(index_queue)
                self.workers.append(worker)
        except BaseException:
            self.shutdown()
            raise

    def send(self, worker_id, message):
        self.index_queues[worker_id].put(message)

    def receive(self, timeout):
        """The next message from any worker; queue.Empty after `timeout` seconds."""
        return self.result_queue.get(timeout=timeout)

    def dead(self, worker_ids):
        """The processes among `worker_ids` that are no longer running."""
        return [self.workers[i] for i in worker_ids if not self.workers[i].is_alive()]

    def shutdown(self):
        """Asks every worker to exit, waits a little, then terminates those still running.
        Safe to call more than once."""
        if self.closed:
            return
        self.closed = True
        try:
            self.done_event.set()  # workers skip the tasks still queued for them
            for index_queue in self.index_queues:
                index_queue.put(None)
            deadline = time.monotonic() + _SHUTDOWN_GRACE_S
            for worker in self.workers:
                worker.join(timeout=max(0.0, deadline - time.monotonic()))
        finally:
            for worker in self.workers:
                if worker.is_alive():
                    worker.terminate()
                    worker.join(timeout=_KILL_WAIT_S)
                if worker.is_alive():
                    worker.kill()
                    worker.join()
            for q in self.index_queues + [self.result_queue]:
                q.cancel_join_thread()
                q.close()
