"""Statistical soundness of every sampler: moments, ranges and chi-square-like goodness of fit,
on fixed seeds so that each test is deterministic. Tolerances are several standard errors wide:
a correct sampler passes for any seed, a biased one (wrong scale, shift, bin, off-by-one) fails.
"""
import math

import numpy as np
import pytest

from conftest import FLOAT_DTYPES, oz


def arr(t):
    return np.asarray(t.tolist(), dtype=np.float64)


def chi_square(counts, expected):
    counts, expected = np.asarray(counts, float), np.asarray(expected, float)
    return float(((counts - expected) ** 2 / expected).sum())


# Upper 99.9% points of chi-square: df -> value (a correct sampler exceeds them 1 time in 1000).
CHI2_999 = {1: 10.83, 2: 13.82, 3: 16.27, 4: 18.47, 9: 27.88, 19: 43.82, 63: 103.4}

N = 20000


@pytest.mark.parametrize("dtype", FLOAT_DTYPES)
def test_rand_uniform_moments_and_bins(dtype):
    T = oz()
    T.manual_seed(101)
    x = arr(T.rand(N, dtype=getattr(T, dtype)))
    assert x.min() >= 0.0 and x.max() < 1.0
    assert abs(x.mean() - 0.5) < 0.01 and abs(x.var() - 1 / 12) < 0.004
    counts, _ = np.histogram(x, bins=20, range=(0, 1))
    assert chi_square(counts, [N / 20] * 20) < CHI2_999[19]
    assert abs(np.corrcoef(x[:-1], x[1:])[0, 1]) < 0.03  # consecutive values independent


@pytest.mark.parametrize("dtype", FLOAT_DTYPES)
def test_randn_moments_and_tails(dtype):
    T = oz()
    T.manual_seed(202)
    x = arr(T.randn(N, dtype=getattr(T, dtype)))
    assert abs(x.mean()) < 0.03 and abs(x.std() - 1.0) < 0.02
    assert abs(((x - x.mean()) ** 3).mean()) < 0.06  # skew
    assert abs(((x - x.mean()) ** 4).mean() / x.var() ** 2 - 3.0) < 0.15  # kurtosis
    assert abs((np.abs(x) < 1).mean() - 0.6827) < 0.012
    assert abs((np.abs(x) < 2).mean() - 0.9545) < 0.006
    assert np.isfinite(x).all()


def test_uniform_and_normal_parameters():
    T = oz()
    T.manual_seed(303)
    u = arr(T.empty(N).uniform_(-3.0, 5.0))
    assert u.min() >= -3.0 and u.max() < 5.0 and abs(u.mean() - 1.0) < 0.08
    z = arr(T.empty(N, dtype=T.float64).normal_(10.0, 0.5))
    assert abs(z.mean() - 10.0) < 0.015 and abs(z.std() - 0.5) < 0.01
    assert arr(T.empty(5).uniform_(2.0, 2.0)).tolist() == [2.0] * 5
    assert arr(T.empty(5).normal_(3.0, 0.0)).tolist() == [3.0] * 5


def test_normal_tensor_mean_and_std_broadcast():
    T = oz()
    T.manual_seed(404)
    mean = T.tensor([[-5.0], [0.0], [5.0]])
    std = T.tensor([0.5, 1.0, 2.0, 4.0])
    x = arr(T.normal(mean.expand(3, 4).contiguous().unsqueeze(0).expand(2000, 3, 4).contiguous(),
                     std))
    assert x.shape == (2000, 3, 4)
    np.testing.assert_allclose(x.mean(0), [[-5.0] * 4, [0.0] * 4, [5.0] * 4], atol=0.3)
    np.testing.assert_allclose(x.std(0), [[0.5, 1.0, 2.0, 4.0]] * 3, rtol=0.08)


def test_exponential_geometric():
    T = oz()
    T.manual_seed(505)
    e = arr(T.empty(N, dtype=T.float64).exponential_(2.0))
    assert e.min() > 0 and abs(e.mean() - 0.5) < 0.015 and abs(e.std() - 0.5) < 0.02
    assert abs(np.median(e) - math.log(2) / 2) < 0.015
    g = arr(T.empty(N, dtype=T.int64).geometric_(0.25))
    assert g.min() >= 1 and (g == np.round(g)).all()
    assert abs(g.mean() - 4.0) < 0.1
    counts = [np.sum(g == k) for k in (1, 2, 3, 4)]
    assert chi_square(counts, [N * 0.25 * 0.75 ** (k - 1) for k in (1, 2, 3, 4)]) < CHI2_999[4]


def test_cauchy_and_log_normal():
    T = oz()
    T.manual_seed(606)
    c = arr(T.empty(N, dtype=T.float64).cauchy_(2.0, 3.0))
    q1, med, q3 = np.percentile(c, [25, 50, 75])
    assert abs(med - 2.0) < 0.15 and abs((q3 - q1) - 6.0) < 0.4  # IQR = 2 sigma
    ln = arr(T.empty(N, dtype=T.float64).log_normal_(0.5, 0.25))
    assert ln.min() > 0
    assert abs(np.log(ln).mean() - 0.5) < 0.01 and abs(np.log(ln).std() - 0.25) < 0.01


def test_bernoulli_frequencies():
    T = oz()
    T.manual_seed(707)
    p = T.tensor([0.0, 0.1, 0.5, 0.9, 1.0])
    x = arr(T.bernoulli(p.unsqueeze(0).expand(N // 5, 5).contiguous()))
    assert set(np.unique(x)) <= {0.0, 1.0}
    freq = x.mean(0)
    assert freq[0] == 0.0 and freq[4] == 1.0
    np.testing.assert_allclose(freq[1:4], [0.1, 0.5, 0.9], atol=0.025)
    b = arr(T.empty(N, dtype=T.bool).bernoulli_(0.3))
    assert abs(b.mean() - 0.3) < 0.012


@pytest.mark.parametrize("dtype", ["int64", "int32", "int16", "int8", "uint8", "float32",
                                   "float64"])
def test_randint_uniform_over_range(dtype):
    T = oz()
    T.manual_seed(808)
    x = arr(T.randint(3, 13, (N,), dtype=getattr(T, dtype)))
    assert x.min() == 3 and x.max() == 12
    counts = [np.sum(x == k) for k in range(3, 13)]
    assert chi_square(counts, [N / 10] * 10) < CHI2_999[9]


@pytest.mark.parametrize("dtype,lo,hi", [("bool", 0, 1), ("uint8", 0, 255), ("int8", 0, 127),
                                         ("int16", 0, 32767), ("float32", 0, 2 ** 24)])
def test_random_default_range_per_dtype(dtype, lo, hi):
    T = oz()
    T.manual_seed(909)
    x = arr(T.empty(N, dtype=getattr(T, dtype)).random_())
    assert x.min() >= lo and x.max() <= hi
    assert x.max() - x.min() > 0.9 * (hi - lo)  # the whole range is used
    assert (x == np.round(x)).all()


def test_random_full_int64_range():
    T = oz()
    T.manual_seed(1)
    x = T.empty(2000, dtype=T.int64).random_(-2 ** 63, None).tolist()
    assert min(x) < -2 ** 62 and max(x) > 2 ** 62
    y = T.empty(2000, dtype=T.int64).random_().tolist()  # [0, 2^63 - 1]
    assert min(y) >= 0 and max(y) > 2 ** 62


def test_randperm_is_uniform_permutation():
    T = oz()
    T.manual_seed(111)
    for n in (0, 1, 2, 1000):
        assert sorted(T.randperm(n).tolist()) == list(range(n))
    firsts = [T.randperm(10)[0].item() for _ in range(3000)]
    counts = [firsts.count(k) for k in range(10)]
    assert chi_square(counts, [300] * 10) < CHI2_999[9]


def test_multinomial_with_replacement_frequencies():
    T = oz()
    T.manual_seed(222)
    w = [1.0, 0.0, 2.0, 3.0, 4.0]
    x = T.multinomial(T.tensor(w), N, True).tolist()
    counts = [x.count(k) for k in range(5)]
    assert counts[1] == 0  # zero weight: never
    assert chi_square([counts[k] for k in (0, 2, 3, 4)], [N * w[k] / 10 for k in (0, 2, 3, 4)]) \
        < CHI2_999[3]


def test_multinomial_without_replacement_is_sequential_draw():
    T = oz()
    T.manual_seed(333)
    w = T.tensor([1.0, 2.0, 3.0, 4.0])
    rows = T.multinomial(w.unsqueeze(0).expand(8000, 4).contiguous(), 4).tolist()
    assert all(sorted(r) == [0, 1, 2, 3] for r in rows)  # all distinct
    first = [r[0] for r in rows]
    assert chi_square([first.count(k) for k in range(4)], [800, 1600, 2400, 3200]) < CHI2_999[3]
    # second draw given the first was category 3: the others renormalised (1, 2, 3) / 6
    second = [r[1] for r in rows if r[0] == 3]
    exp = [len(second) * p for p in (1 / 6, 2 / 6, 3 / 6)]
    assert chi_square([second.count(k) for k in range(3)], exp) < CHI2_999[2]


def test_different_seeds_and_generators_are_uncorrelated():
    T = oz()
    T.manual_seed(0)
    a = arr(T.randn(N))
    T.manual_seed(1)
    b = arr(T.randn(N))
    assert abs(np.corrcoef(a, b)[0, 1]) < 0.03
