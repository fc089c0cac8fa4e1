"""torch.utils.data in the main process against real PyTorch: datasets, random_split, samplers,
default_collate / default_convert and the DataLoader (batching, len, drop_last, options and
the errors they raise). Random orders differ from PyTorch's by design, so shuffling is checked
for being a permutation and reproducible, not for equal values. Worker processes:
test_dataloader_workers.py."""
import collections
import warnings

import numpy as np
import pytest
import torch

from conftest import Raised, assert_same, builtin_class, check, oz, run

Point = collections.namedtuple("Point", ["x", "y"])


def data(T):
    return T.utils.data


# ------------------------------------------------------------------ comparing nested results

def assert_same_nested(ref, got, where="result"):
    """assert_same, also through dicts and namedtuples (kept types compared by name)."""
    if isinstance(ref, Raised) or isinstance(got, Raised):
        assert_same(ref, got, where)
    elif isinstance(ref, collections.abc.Mapping):
        assert type(got).__name__ == type(ref).__name__, "%s: %s, torch gives %s" % (
            where, type(got).__name__, type(ref).__name__)
        assert list(got) == list(ref), "%s: keys %s, torch gives %s" % (where, list(got),
                                                                         list(ref))
        for k in ref:
            assert_same_nested(ref[k], got[k], "%s[%r]" % (where, k))
    elif isinstance(ref, (tuple, list)):
        assert type(got) is type(ref), "%s: %s, torch gives %s" % (
            where, type(got).__name__, type(ref).__name__)
        assert len(got) == len(ref), "%s: length %d, torch gives %d" % (where, len(got),
                                                                         len(ref))
        for i, (r, g) in enumerate(zip(ref, got)):
            assert_same_nested(r, g, "%s[%d]" % (where, i))
    elif isinstance(ref, bytes):
        assert got == ref and type(got) is bytes, where
    else:
        assert_same(ref, got, where)


def check_nested(fn, raises=None):
    """check(), for results holding dicts and namedtuples."""
    ref = run(fn, torch)
    if raises is not None:
        assert isinstance(ref, Raised) and issubclass(builtin_class(ref.exc), raises), ref
    elif isinstance(ref, Raised):
        pytest.fail("torch itself raised in a case expected to work: %r" % (ref,))
    got = run(fn, oz())
    assert_same_nested(ref, got)
    return got


# ------------------------------------------------------------------ datasets

def tensor_ds(T, n=5):
    return data(T).TensorDataset(T.arange(2.0 * n).reshape(n, 2), T.arange(n))


def map_ds_class(T):
    class Squares(data(T).Dataset):
        def __init__(self, n):
            self.n = n

        def __getitem__(self, i):
            if not 0 <= i < self.n:
                raise IndexError(i)
            return i * i

        def __len__(self):
            return self.n
    return Squares


def iterable_ds_class(T, with_len=None):
    class Counter(data(T).IterableDataset):
        def __init__(self, start, stop):
            self.start, self.stop = start, stop

        def __iter__(self):
            return iter(range(self.start, self.stop))

    if with_len is not None:
        Counter.__len__ = lambda self: with_len
    return Counter


DATASET_CASES = [
    lambda T: len(tensor_ds(T)),
    lambda T: tensor_ds(T)[3],
    lambda T: tensor_ds(T)[1:3],
    lambda T: tensor_ds(T)[-1],
    (lambda T: data(T).TensorDataset(T.zeros(3, 2), T.zeros(4)), AssertionError),
    lambda T: data(T).TensorDataset(T.zeros(3))[0],
    (lambda T: data(T).Dataset()[0], NotImplementedError),
    lambda T: type(tensor_ds(T) + tensor_ds(T, 3)).__name__,
    lambda T: len(tensor_ds(T) + tensor_ds(T, 3)),
    lambda T: (tensor_ds(T) + tensor_ds(T, 3))[6],
    lambda T: (tensor_ds(T) + tensor_ds(T, 3))[-1],
    lambda T: (tensor_ds(T) + tensor_ds(T, 3))[-8],
    (lambda T: (tensor_ds(T) + tensor_ds(T, 3))[-9], ValueError),
    (lambda T: (tensor_ds(T) + tensor_ds(T, 3))[8], IndexError),
    lambda T: data(T).ConcatDataset([[1, 2], [], [3, 4, 5]]).cumulative_sizes,
    lambda T: [data(T).ConcatDataset([[1, 2], [], [3, 4, 5]])[i] for i in range(5)],
    (lambda T: data(T).ConcatDataset([]), AssertionError),
    (lambda T: data(T).ConcatDataset([iterable_ds_class(T)(0, 2)]), AssertionError),
    lambda T: data(T).ConcatDataset([map_ds_class(T)(3), map_ds_class(T)(2)])[4],
    lambda T: type(iterable_ds_class(T)(0, 2) + iterable_ds_class(T)(5, 7)).__name__,
    lambda T: list(iterable_ds_class(T)(0, 2) + iterable_ds_class(T)(5, 7)),
    lambda T: len(iterable_ds_class(T, 2)(0, 2) + iterable_ds_class(T, 2)(5, 7)),
    (lambda T: len(iterable_ds_class(T)(0, 2) + iterable_ds_class(T)(5, 7)), TypeError),
    (lambda T: list(data(T).ChainDataset([iterable_ds_class(T)(0, 2), [1]])), AssertionError),
    lambda T: data(T).Subset(tensor_ds(T), [4, 0, 2])[1],
    lambda T: len(data(T).Subset(tensor_ds(T), [4, 0, 2])),
    lambda T: data(T).Subset(list(range(10, 20)), [4, 0, 2])[-1],
    lambda T: data(T).Subset(tensor_ds(T), [4, 0, 2])[[0, 2]],
    (lambda T: data(T).Subset(tensor_ds(T), [4, 0, 2])[3], IndexError),
]


@pytest.mark.parametrize("i", range(len(DATASET_CASES)))
def test_datasets_match_torch(i):
    case = DATASET_CASES[i]
    fn, exc = case if isinstance(case, tuple) else (case, None)
    check(fn, raises=exc)


def test_stack_dataset():
    # torch 1.13 has no StackDataset: checked against what PyTorch 2.x documents
    D = data(oz())
    a, b = [1, 2, 3], ["x", "y", "z"]
    assert D.StackDataset(a, b)[1] == (2, "y")
    assert D.StackDataset(n=a, s=b)[2] == {"n": 3, "s": "z"}
    assert len(D.StackDataset(a, b)) == 3
    assert D.StackDataset(a, b).__getitems__([2, 0]) == [(3, "z"), (1, "x")]
    assert D.StackDataset(n=a, s=b).__getitems__([1]) == [{"n": 2, "s": "y"}]
    for bad in [lambda: D.StackDataset(a, [1]), lambda: D.StackDataset(a, s=b),
                lambda: D.StackDataset()]:
        with pytest.raises(ValueError):
            bad()


def test_subset_getitems_batches_through_the_parent():
    D = data(oz())

    class Batched(D.Dataset):
        calls = []

        def __getitem__(self, i):
            raise AssertionError("a batched read must not read one by one")

        def __getitems__(self, indices):
            self.calls.append(list(indices))
            return [10 * i for i in indices]

        def __len__(self):
            return 6

    sub = D.Subset(Batched(), [5, 3, 1])
    assert [b.tolist() for b in D.DataLoader(sub, batch_size=2)] == [[50, 30], [10]]
    assert Batched.calls == [[5, 3], [1]]


# ------------------------------------------------------------------ random_split

@pytest.mark.parametrize("n, lengths", [
    (10, [3, 7]), (10, [0.3, 0.3, 0.4]), (11, [0.5, 0.5]), (7, [0.1] * 10), (5, [1]),
    (9, [0.25, 0.25, 0.5]), (3, [0, 3]), (0, [0, 0]), (4, [1.0, 0.0]),
])
def test_random_split_sizes_match_torch(n, lengths):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zero-length splits warn (checked below)
        check(lambda T: [len(s) for s in data(T).random_split(range(n), lengths)])


@pytest.mark.parametrize("n, lengths", [(10, [3, 8]), (10, [0.5, 0.6]), (4, [1.5, -0.5])])
def test_random_split_errors_match_torch(n, lengths):
    check(lambda T: data(T).random_split(range(n), lengths), raises=ValueError)


def test_random_split_is_a_partition_and_reproducible():
    T = oz()
    D = data(T)
    parts = D.random_split(range(20), [0.3, 0.3, 0.4], generator=T.Generator().manual_seed(7))
    picked = [list(p) for p in parts]
    assert sorted(sum(picked, [])) == list(range(20))
    again = D.random_split(range(20), [6, 6, 8], generator=T.Generator().manual_seed(7))
    assert [list(p) for p in again] == picked
    assert all(isinstance(p, D.Subset) for p in parts)
    T.manual_seed(3)
    first = [list(p) for p in D.random_split(range(20), [10, 10])]
    T.manual_seed(3)
    assert [list(p) for p in D.random_split(range(20), [10, 10])] == first


def test_random_split_warns_about_empty_splits():
    for T in (torch, oz()):
        with pytest.warns(UserWarning, match="Length of split at index 1 is 0"):
            data(T).random_split(range(3), [1.0, 0.0])


# ------------------------------------------------------------------ samplers

@pytest.mark.parametrize("n, batch_size, drop_last", [
    (10, 3, False), (10, 3, True), (9, 3, False), (9, 3, True), (2, 5, False), (2, 5, True),
    (0, 2, False), (7, 1, True),
])
def test_batch_sampler_matches_torch(n, batch_size, drop_last):
    check(lambda T: (list(data(T).BatchSampler(data(T).SequentialSampler(range(n)), batch_size,
                                               drop_last)),
                     len(data(T).BatchSampler(range(n), batch_size, drop_last))))


@pytest.mark.parametrize("batch_size, drop_last", [(0, False), (-1, False), (True, False),
                                                   (2.0, False), ("2", False), (2, 1),
                                                   (2, None)])
def test_batch_sampler_errors_match_torch(batch_size, drop_last):
    check(lambda T: data(T).BatchSampler(range(4), batch_size, drop_last), raises=ValueError)


def test_sequential_sampler_matches_torch():
    check(lambda T: (list(data(T).SequentialSampler(range(5))),
                     len(data(T).SequentialSampler([7, 8]))))


SAMPLER_ERRORS = [
    (lambda T: data(T).RandomSampler(range(3), replacement=1), TypeError),
    (lambda T: data(T).RandomSampler(range(3), num_samples=0), ValueError),
    (lambda T: data(T).RandomSampler(range(3), num_samples=2.0), ValueError),
    (lambda T: data(T).RandomSampler([]), ValueError),
    (lambda T: data(T).WeightedRandomSampler([1.0, 2.0], 0), ValueError),
    (lambda T: data(T).WeightedRandomSampler([1.0, 2.0], True), ValueError),
    (lambda T: data(T).WeightedRandomSampler([1.0, 2.0], 2, replacement=1), ValueError),
    (lambda T: data(T).WeightedRandomSampler([[1.0, 2.0]], 2), ValueError),
    (lambda T: len(data(T).Sampler(None)), TypeError),
    (lambda T: iter(data(T).Sampler(None)), NotImplementedError),
]


@pytest.mark.parametrize("i", range(len(SAMPLER_ERRORS)))
def test_sampler_errors_match_torch(i):
    fn, exc = SAMPLER_ERRORS[i]
    check(fn, raises=exc)


def test_sampler_lengths_match_torch():
    check(lambda T: [len(data(T).RandomSampler(range(5))),
                     len(data(T).RandomSampler(range(5), num_samples=12)),
                     len(data(T).RandomSampler(range(5), replacement=True, num_samples=40)),
                     len(data(T).SubsetRandomSampler([4, 1, 9])),
                     len(data(T).WeightedRandomSampler([0.5, 0.5], 7))])


def test_random_sampler_is_a_permutation_and_reproducible():
    T = oz()
    D = data(T)
    order = list(D.RandomSampler(range(50), generator=T.Generator().manual_seed(1)))
    assert sorted(order) == list(range(50)) and order != list(range(50))
    assert list(D.RandomSampler(range(50), generator=T.Generator().manual_seed(1))) == order
    T.manual_seed(5)
    sampler = D.RandomSampler(range(50))
    first, second = list(sampler), list(sampler)
    assert first != second  # each epoch draws a new permutation
    T.manual_seed(5)
    assert [list(sampler), list(sampler)] == [first, second]


def test_random_sampler_num_samples_and_replacement():
    T = oz()
    D = data(T)
    longer = list(D.RandomSampler(range(5), num_samples=12))
    assert len(longer) == 12
    assert sorted(longer[:10]) == sorted(list(range(5)) * 2)  # whole permutations first
    assert len(set(longer[10:])) == 2
    drawn = list(D.RandomSampler(range(4), replacement=True, num_samples=70))
    assert len(drawn) == 70 and set(drawn) == {0, 1, 2, 3}
    assert all(type(i) is int for i in drawn)


def test_subset_and_weighted_samplers():
    T = oz()
    D = data(T)
    g = T.Generator().manual_seed(3)
    assert sorted(D.SubsetRandomSampler([9, 4, 7], generator=g)) == [4, 7, 9]
    weighted = list(D.WeightedRandomSampler([0.0, 1.0, 0.0, 3.0], 200))
    assert set(weighted) == {1, 3} and weighted.count(3) > weighted.count(1)
    unique = list(D.WeightedRandomSampler([1.0, 2.0, 3.0, 4.0], 4, replacement=False))
    assert sorted(unique) == [0, 1, 2, 3]


# ------------------------------------------------------------------ collation

COLLATE_CASES = [
    lambda T: [0, 1, 2, 3],
    lambda T: [0.5, 1.25],
    lambda T: [True, False],
    lambda T: [1, 2.5],
    lambda T: [T.tensor([1.0, 2.0]), T.tensor([3.0, 4.0])],
    lambda T: [T.tensor(1, dtype=T.int8), T.tensor(2, dtype=T.int8)],
    lambda T: [T.zeros(2, 0), T.zeros(2, 0)],
    lambda T: [T.arange(6).reshape(2, 3).t(), T.arange(6, 12).reshape(2, 3).t()],
    lambda T: [np.array([1.5, 2.0], dtype=np.float32), np.array([3.0, 4.0], dtype=np.float32)],
    lambda T: [np.array([[1, 2]], dtype=np.int16), np.array([[3, 4]], dtype=np.int16)],
    lambda T: [np.array([True]), np.array([False])],
    lambda T: [np.float32(1.5), np.float32(2.5)],
    lambda T: [np.int64(3), np.int64(4)],
    lambda T: [np.float64(0.25), np.float64(0.5)],
    lambda T: [np.uint8(3), np.uint8(200)],
    lambda T: ["a", "b"],
    lambda T: [b"a", b"b"],
    lambda T: [(0, "x"), (1, "y")],
    lambda T: [[0, 1.5], [2, 3.5]],
    lambda T: [(T.ones(2), 1), (T.zeros(2), 0)],
    lambda T: [{"a": 1, "b": T.ones(1)}, {"a": 2, "b": T.zeros(1)}],
    lambda T: [collections.OrderedDict(z=1, a=2.0), collections.OrderedDict(z=3, a=4.0)],
    lambda T: [Point(1, T.ones(2)), Point(2, T.zeros(2))],
    lambda T: [{"p": Point(1.0, [1, 2]), "s": ("u", 3)}, {"p": Point(2.0, [3, 4]), "s": ("v", 4)}],
    lambda T: [[T.tensor(1), (np.float32(2.0), {"k": [5]})],
               [T.tensor(3), (np.float32(4.0), {"k": [6]})]],
]


@pytest.mark.parametrize("i", range(len(COLLATE_CASES)))
def test_default_collate_matches_torch(i):
    check_nested(lambda T: data(T).default_collate(COLLATE_CASES[i](T)))


COLLATE_ERRORS = [
    (lambda T: [[1, 2], [3]], RuntimeError),
    (lambda T: [T.ones(2), T.ones(3)], RuntimeError),
    (lambda T: [object(), object()], TypeError),
    (lambda T: [None, None], TypeError),
    (lambda T: [np.array(["a"]), np.array(["b"])], TypeError),
    (lambda T: [np.array([{}], dtype=object), np.array([{}], dtype=object)], TypeError),
    (lambda T: [], IndexError),
]


@pytest.mark.parametrize("i", range(len(COLLATE_ERRORS)))
def test_default_collate_errors_match_torch(i):
    fn, exc = COLLATE_ERRORS[i]
    check(lambda T: data(T).default_collate(fn(T)), raises=exc)


CONVERT_CASES = [
    lambda T: 3,
    lambda T: "s",
    lambda T: np.array([1, 2], dtype=np.int32),
    lambda T: np.float32(2.5),
    lambda T: np.array(["a", "b"]),
    lambda T: (np.array([1.0]), 2),
    lambda T: [np.array([1.0]), "x"],
    lambda T: {"a": np.array([1, 2]), "b": [np.int64(3)]},
    lambda T: Point(np.array([1]), 2),
    lambda T: T.ones(2),
]


@pytest.mark.parametrize("i", range(len(CONVERT_CASES)))
def test_default_convert_matches_torch(i):
    got = check_nested(lambda T: data(T).default_convert(CONVERT_CASES[i](T)))
    if i == 4:
        assert isinstance(got, np.ndarray)  # string arrays stay numpy


def test_collate_fn_map_is_extensible():
    D = data(oz())
    from oztorch.utils.data._utils.collate import collate, default_collate_fn_map

    class Box:
        def __init__(self, v):
            self.v = v

    rules = dict(default_collate_fn_map)
    rules[Box] = lambda batch, *, collate_fn_map: sum(b.v for b in batch)
    assert collate([(Box(1), 2), (Box(3), 4)], collate_fn_map=rules)[0] == 4
    with pytest.raises(TypeError, match="default_collate: batch must contain"):
        D.default_collate([Box(1)])


# ------------------------------------------------------------------ DataLoader

def batches(loader):
    return list(loader)


LOADER_CASES = [
    lambda T: batches(data(T).DataLoader(tensor_ds(T))),
    lambda T: batches(data(T).DataLoader(tensor_ds(T), batch_size=2)),
    lambda T: batches(data(T).DataLoader(tensor_ds(T), batch_size=2, drop_last=True)),
    lambda T: batches(data(T).DataLoader(tensor_ds(T), batch_size=5, drop_last=True)),
    lambda T: batches(data(T).DataLoader(tensor_ds(T), batch_size=6, drop_last=True)),
    lambda T: batches(data(T).DataLoader(tensor_ds(T), batch_size=None)),
    lambda T: batches(data(T).DataLoader(list(range(7)), batch_size=3)),
    lambda T: batches(data(T).DataLoader([np.float32(i) for i in range(3)], batch_size=None)),
    lambda T: batches(data(T).DataLoader([(i, str(i)) for i in range(3)], batch_size=None)),
    lambda T: batches(data(T).DataLoader(map_ds_class(T)(5), batch_size=2, shuffle=False)),
    lambda T: batches(data(T).DataLoader(tensor_ds(T), sampler=[4, 2, 0], batch_size=2)),
    lambda T: batches(data(T).DataLoader(tensor_ds(T), batch_sampler=[[4, 2], [1], [0, 3]])),
    lambda T: batches(data(T).DataLoader(tensor_ds(T), sampler=[3, 1], batch_size=None)),
    lambda T: batches(data(T).DataLoader(list(range(5)), batch_size=2,
                                         collate_fn=lambda b: sum(b))),
    lambda T: batches(data(T).DataLoader(iterable_ds_class(T)(0, 7), batch_size=3)),
    lambda T: batches(data(T).DataLoader(iterable_ds_class(T)(0, 7), batch_size=3,
                                         drop_last=True)),
    lambda T: batches(data(T).DataLoader(iterable_ds_class(T)(0, 3), batch_size=None)),
    lambda T: batches(data(T).DataLoader(iterable_ds_class(T)(0, 0), batch_size=2)),
    lambda T: batches(data(T).DataLoader([], batch_size=2)),
    lambda T: batches(data(T).DataLoader(list(range(4)), batch_size=2, shuffle=False,
                                         pin_memory=False, timeout=0)),
    lambda T: len(data(T).DataLoader(tensor_ds(T), batch_size=2)),
    lambda T: len(data(T).DataLoader(tensor_ds(T), batch_size=2, drop_last=True)),
    lambda T: len(data(T).DataLoader(tensor_ds(T), batch_size=None)),
    lambda T: len(data(T).DataLoader(tensor_ds(T), batch_sampler=[[0], [1, 2]])),
    lambda T: len(data(T).DataLoader(tensor_ds(T), sampler=[0, 1, 2], batch_size=2)),
    lambda T: len(data(T).DataLoader(iterable_ds_class(T, 7)(0, 7), batch_size=3)),
    lambda T: len(data(T).DataLoader(iterable_ds_class(T, 7)(0, 7), batch_size=3,
                                     drop_last=True)),
    lambda T: len(data(T).DataLoader(iterable_ds_class(T, 7)(0, 7), batch_size=None)),
    lambda T: len(iter(data(T).DataLoader(tensor_ds(T), batch_size=2))),
    lambda T: data(T).DataLoader(tensor_ds(T), batch_size=4).batch_size,
    lambda T: data(T).DataLoader(tensor_ds(T), batch_sampler=[[0]]).batch_size,
    lambda T: data(T).DataLoader(tensor_ds(T), batch_sampler=[[0]]).drop_last,
    lambda T: type(data(T).DataLoader(tensor_ds(T)).sampler).__name__,
    lambda T: type(data(T).DataLoader(tensor_ds(T), shuffle=True).sampler).__name__,
    lambda T: type(data(T).DataLoader(tensor_ds(T)).batch_sampler).__name__,
    lambda T: data(T).DataLoader(tensor_ds(T), batch_size=None).batch_sampler,
    lambda T: data(T).DataLoader(tensor_ds(T)).collate_fn.__name__,
    lambda T: data(T).DataLoader(tensor_ds(T), batch_size=None).collate_fn.__name__,
    lambda T: data(T).get_worker_info(),
]


@pytest.mark.parametrize("i", range(len(LOADER_CASES)))
def test_dataloader_matches_torch(i):
    check_nested(LOADER_CASES[i])


LOADER_ERRORS = [
    lambda T: data(T).DataLoader(tensor_ds(T), sampler=[0, 1], shuffle=True),
    lambda T: data(T).DataLoader(tensor_ds(T), batch_sampler=[[0]], batch_size=2),
    lambda T: data(T).DataLoader(tensor_ds(T), batch_sampler=[[0]], shuffle=True),
    lambda T: data(T).DataLoader(tensor_ds(T), batch_sampler=[[0]], sampler=[0]),
    lambda T: data(T).DataLoader(tensor_ds(T), batch_sampler=[[0]], drop_last=True),
    lambda T: data(T).DataLoader(tensor_ds(T), batch_size=None, drop_last=True),
    lambda T: data(T).DataLoader(tensor_ds(T), batch_size=0),
    lambda T: data(T).DataLoader(tensor_ds(T), drop_last="yes"),
    lambda T: data(T).DataLoader(iterable_ds_class(T)(0, 3), shuffle=True),
    lambda T: data(T).DataLoader(iterable_ds_class(T)(0, 3), sampler=[0]),
    lambda T: data(T).DataLoader(iterable_ds_class(T)(0, 3), batch_sampler=[[0]]),
    lambda T: data(T).DataLoader(tensor_ds(T), num_workers=-1),
    lambda T: data(T).DataLoader(tensor_ds(T), timeout=-1),
    lambda T: data(T).DataLoader(tensor_ds(T), prefetch_factor=3),
    lambda T: data(T).DataLoader(tensor_ds(T), persistent_workers=True),
    lambda T: data(T).DataLoader(tensor_ds(T), multiprocessing_context="fork"),
    lambda T: data(T).DataLoader(tensor_ds(T), num_workers=1, multiprocessing_context="nope"),
    lambda T: data(T).DataLoader([], shuffle=True),
    lambda T: setattr(data(T).DataLoader(tensor_ds(T)), "batch_size", 3),
    lambda T: setattr(data(T).DataLoader(tensor_ds(T)), "dataset", []),
]


@pytest.mark.parametrize("i", range(len(LOADER_ERRORS)))
def test_dataloader_errors_match_torch(i):
    check(LOADER_ERRORS[i], raises=ValueError)


OTHER_LOADER_ERRORS = [
    (lambda T: data(T).DataLoader(tensor_ds(T), num_workers=1, multiprocessing_context=3),
     TypeError),
    (lambda T: next(iter(data(T).DataLoader(tensor_ds(T), timeout=2))), AssertionError),
    (lambda T: next(iter(data(T).DataLoader(map_ds_class(T)(3), sampler=[5]))), IndexError),
    (lambda T: next(iter(data(T).DataLoader([object()]))), TypeError),
    (lambda T: len(iter(data(T).DataLoader(iterable_ds_class(T)(0, 3)))), TypeError),
    (lambda T: len(data(T).DataLoader(iterable_ds_class(T)(0, 7))), TypeError),
]


@pytest.mark.parametrize("i", range(len(OTHER_LOADER_ERRORS)))
def test_dataloader_other_errors_match_torch(i):
    fn, exc = OTHER_LOADER_ERRORS[i]
    check(fn, raises=exc)


def test_loader_options_may_change_except_the_frozen_ones():
    loader = data(oz()).DataLoader(list(range(4)), batch_size=2)
    loader.collate_fn = lambda b: b  # allowed, as in PyTorch
    assert list(loader) == [[0, 1], [2, 3]]


def test_shuffle_is_a_reproducible_permutation():
    T = oz()
    D = data(T)
    ds = list(range(40))
    T.manual_seed(11)
    loader = D.DataLoader(ds, batch_size=8, shuffle=True)
    epoch1 = [x for b in loader for x in b.tolist()]
    epoch2 = [x for b in loader for x in b.tolist()]
    assert sorted(epoch1) == ds and sorted(epoch2) == ds
    assert epoch1 != ds and epoch1 != epoch2  # shuffled, and anew each epoch
    T.manual_seed(11)
    assert [x for b in loader for x in b.tolist()] == epoch1
    by_gen = [D.DataLoader(ds, batch_size=8, shuffle=True,
                           generator=T.Generator().manual_seed(4)) for _ in range(2)]
    T.manual_seed(0)
    first = [b.tolist() for b in by_gen[0]]
    T.manual_seed(1)  # the global seed does not matter when a generator is given
    assert [b.tolist() for b in by_gen[1]] == first
    assert sorted(sum(first, [])) == ds


def test_shuffle_advances_the_global_stream_reproducibly():
    T = oz()
    D = data(T)
    T.manual_seed(2)
    list(D.DataLoader(range(5), batch_size=2, shuffle=True))
    after_shuffled = T.rand(1).item()
    T.manual_seed(2)
    list(D.DataLoader(range(5), batch_size=2, shuffle=True))
    assert T.rand(1).item() == after_shuffled


def test_iterable_dataset_longer_than_its_len_warns():
    for T in (torch, oz()):
        loader = data(T).DataLoader(iterable_ds_class(T, 2)(0, 3), batch_size=None)
        assert len(loader) == 2
        with pytest.warns(UserWarning, match="was reported to be 2"):
            assert len(list(loader)) == 3


def test_pin_memory_is_accepted():
    T = oz()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "no accelerator": pinning does nothing on the CPU
        got = [b.tolist() for b in data(T).DataLoader(list(range(5)), batch_size=2,
                                                        pin_memory=True)]
    assert got == [[0, 1], [2, 3], [4]]


def test_public_names_match_torch():
    D, R = data(oz()), data(torch)
    wanted = ["BatchSampler", "ChainDataset", "ConcatDataset", "DataLoader", "Dataset",
              "IterableDataset", "RandomSampler", "Sampler", "SequentialSampler", "Subset",
              "SubsetRandomSampler", "TensorDataset", "WeightedRandomSampler", "default_collate",
              "default_convert", "get_worker_info", "random_split", "_DatasetKind"]
    for name in wanted:
        assert hasattr(R, name) and hasattr(D, name), name
    assert D.dataloader.default_collate is D.default_collate
    from oztorch.utils.data._utils.collate import default_collate
    assert default_collate is D.default_collate
    assert D.Dataset[int] is not None and D.DataLoader[int] is not None  # as in type hints
