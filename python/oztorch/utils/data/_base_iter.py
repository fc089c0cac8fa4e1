"""What ``iter(DataLoader)`` returns when it reads in the main process
(``_SingleProcessDataLoaderIter``), and the state every DataLoader iterator shares
(``_BaseDataLoaderIter``; the worker-process one is in ``_multiprocessing_iter.py``)."""
import warnings

from ... import _C
from ._utils.fetch import ITERABLE, create_fetcher


def _cuda_available():
    try:
        from ... import cuda
    except ImportError:
        return False
    return bool(cuda.is_available())


class _BaseDataLoaderIter:
    """Subclasses define ``_next_data()``: the next batch, or StopIteration."""

    def __init__(self, loader):
        self._dataset = loader.dataset
        self._dataset_kind = loader._dataset_kind
        self._IterableDataset_len_called = loader._IterableDataset_len_called
        self._auto_collation = loader._auto_collation
        self._drop_last = loader.drop_last
        self._index_sampler = loader._index_sampler
        self._num_workers = loader.num_workers
        self._prefetch_factor = loader.prefetch_factor
        self._timeout = loader.timeout
        self._collate_fn = loader.collate_fn
        self._persistent_workers = loader.persistent_workers
        if loader.pin_memory and not _cuda_available():
            warnings.warn("'pin_memory' argument is set as true but no accelerator is found, "
                          "then device pinned memory won't be used.")
        # OzTorch has no page-locked host memory: batches stay where collate_fn put them.
        self._pin_memory = False
        self._sampler_iter = iter(self._index_sampler)
        # One draw per iterator, also without workers, so the global stream advances the same
        # way whatever num_workers is; the workers' seeds derive from it.
        self._base_seed = int(_C.empty((), dtype=_C.int64).random_(
            generator=loader.generator).item())
        self._num_yielded = 0

    def __iter__(self):
        return self

    def _reset(self, loader):
        self._sampler_iter = iter(self._index_sampler)
        self._num_yielded = 0
        self._IterableDataset_len_called = loader._IterableDataset_len_called

    def __next__(self):
        data = self._next_data()
        self._num_yielded += 1
        reported = self._IterableDataset_len_called
        if self._dataset_kind == ITERABLE and reported is not None and \
                self._num_yielded > reported:
            msg = ("Length of IterableDataset %s was reported to be %d (when accessing "
                   "len(dataloader)), but %d samples have been fetched. "
                   % (self._dataset, reported, self._num_yielded))
            if self._num_workers > 0:
                msg += ("For multiprocessing data-loading, this could be caused by not properly "
                        "configuring the IterableDataset replica at each worker. Please see "
                        "https://pytorch.org/docs/stable/data.html#torch.utils.data."
                        "IterableDataset for examples.")
            warnings.warn(msg)
        return data

    def __len__(self):
        return len(self._index_sampler)


class _SingleProcessDataLoaderIter(_BaseDataLoaderIter):
    def __init__(self, loader):
        super().__init__(loader)
        if self._timeout != 0:
            # PyTorch asserts the same: a timeout only bounds the wait for worker processes
            raise AssertionError("timeout=%s needs num_workers > 0" % (self._timeout,))
        self._dataset_fetcher = create_fetcher(self._dataset_kind, self._dataset,
                                               self._auto_collation, self._collate_fn,
                                               self._drop_last)

    def _next_data(self):
        index = next(self._sampler_iter)  # StopIteration ends the epoch
        return self._dataset_fetcher.fetch(index)  # so does the end of an iterable dataset
