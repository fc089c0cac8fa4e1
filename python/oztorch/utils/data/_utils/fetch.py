"""Reading one batch (or one sample, when batching is off) from a dataset: the part of data
loading shared by the main process and the workers.

A map-style fetcher receives a list of indices and reads those samples; an iterable-style one
receives a list of placeholders (only its length, the batch size, matters) and takes that many
samples from the dataset's iterator. Both hand the samples to ``collate_fn``. StopIteration
from an iterable fetcher means the dataset's stream has ended.
"""
from ..dataset import _fetch_many

MAP = 0
ITERABLE = 1


class MapDatasetFetcher:
    def __init__(self, dataset, auto_collation, collate_fn, drop_last):
        self.dataset = dataset
        self.auto_collation = auto_collation
        self.collate_fn = collate_fn
        self.drop_last = drop_last

    def fetch(self, possibly_batched_index):
        if self.auto_collation:
            return self.collate_fn(_fetch_many(self.dataset, possibly_batched_index))
        return self.collate_fn(self.dataset[possibly_batched_index])


class IterableDatasetFetcher:
    def __init__(self, dataset, auto_collation, collate_fn, drop_last):
        self.dataset = dataset
        self.auto_collation = auto_collation
        self.collate_fn = collate_fn
        self.drop_last = drop_last
        self.dataset_iter = iter(dataset)
        self.ended = False

    def fetch(self, possibly_batched_index):
        if self.ended:
            raise StopIteration
        if not self.auto_collation:
            return self.collate_fn(next(self.dataset_iter))
        samples = []
        for _ in possibly_batched_index:
            try:
                samples.append(next(self.dataset_iter))
            except StopIteration:
                self.ended = True
                break
        short = len(samples) < len(possibly_batched_index)
        if not samples or (short and self.drop_last):
            raise StopIteration
        return self.collate_fn(samples)


def create_fetcher(kind, dataset, auto_collation, collate_fn, drop_last):
    fetcher_class = MapDatasetFetcher if kind == MAP else IterableDatasetFetcher
    return fetcher_class(dataset, auto_collation, collate_fn, drop_last)
