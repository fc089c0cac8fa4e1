"""The random stream itself: OzTorch's generators are counter-based (Philox-4x32-10 addressed by
seed and offset, dispatch/ops/random.def), so every value is checked here bit for bit against a
plain-Python reference of that definition, which is in turn checked against Random123's
known-answer vectors. This is what lets another backend (CUDA) reproduce the CPU's numbers.

Also: reproducibility (manual_seed, Generator objects, get/set state, fork_rng), offsets
(consecutive draws continue the stream), and independence from the output's memory layout.
"""
import math

import numpy as np
import pytest

from conftest import oz

MASK32 = 0xFFFFFFFF
M0, M1, W0, W1 = 0xD2511F53, 0xCD9E8D57, 0x9E3779B9, 0xBB67AE85


def philox(ctr, key):
    """Philox-4x32-10 (Salmon et al. SC'11), straight from the paper."""
    c0, c1, c2, c3 = ctr
    k0, k1 = key
    for r in range(10):
        if r:
            k0, k1 = (k0 + W0) & MASK32, (k1 + W1) & MASK32
        p0, p1 = M0 * c0, M1 * c2
        c0, c1, c2, c3 = ((p1 >> 32) ^ c1 ^ k0) & MASK32, p1 & MASK32, \
            ((p0 >> 32) ^ c3 ^ k1) & MASK32, p0 & MASK32
    return c0, c1, c2, c3


def block(seed, index):
    """The block for stream position `index` of generator `seed`."""
    return philox((index & MASK32, index >> 32 & MASK32, 0, 0), (seed & MASK32, seed >> 32))


def r64(w):
    return w[0] << 32 | w[1]


def u24(w):
    return (w[0] >> 8) * 2.0 ** -24


def u53(w):
    return (r64(w) >> 11) * 2.0 ** -53


def v53(w):
    return ((r64(w) >> 11) + 0.5) * 2.0 ** -53


def gauss(w):
    b53 = ((w[2] << 32 | w[3]) >> 11) * 2.0 ** -53
    return math.sqrt(-2.0 * math.log(v53(w))) * math.cos(2.0 * math.pi * b53)


def stream(seed, offset, n, f):
    return [f(block(seed, offset + k)) for k in range(n)]


def ozr():
    """oztorch with the names oztorch/_legacy.py adds (torch.Generator, default_generator,
    FloatTensor & co.). oztorch/__init__.py is to import them with `from ._legacy import *`;
    until it does, this puts them on the module the same way."""
    T = oz()
    import oztorch._legacy as legacy
    for name in legacy.__all__:
        if not hasattr(T, name):
            setattr(T, name, getattr(legacy, name))
    return T


def flat(t):
    return np.asarray(t.tolist()).reshape(-1)


SEEDS = [0, 1, 12345, 2 ** 64 - 1]


# ------------------------------------------------------------------ the generator itself

@pytest.mark.parametrize("ctr,key,expected", [
    ((0, 0, 0, 0), (0, 0), (0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8)),
    ((MASK32,) * 4, (MASK32, MASK32), (0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd)),
    ((0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344), (0xa4093822, 0x299f31d0),
     (0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1)),
])
def test_reference_philox_matches_random123(ctr, key, expected):
    assert philox(ctr, key) == expected


@pytest.mark.parametrize("seed", SEEDS)
def test_raw_bits(seed):
    # random_(-2**63, None) on int64 is from + r64 (mod 2^64): the raw 64 bits of each block
    T = oz()
    T.manual_seed(seed)
    got = flat(T.empty(7, dtype=T.int64).random_(-2 ** 63, None))
    want = [(x - 2 ** 63) for x in stream(seed, 0, 7, r64)]
    assert got.tolist() == want


@pytest.mark.parametrize("seed", SEEDS)
def test_rand_float32_is_u24(seed):
    T = oz()
    T.manual_seed(seed)
    assert flat(T.rand(2, 5)).tolist() == stream(seed, 0, 10, u24)


@pytest.mark.parametrize("seed", SEEDS)
def test_rand_float64_is_u53(seed):
    T = oz()
    T.manual_seed(seed)
    assert flat(T.rand(9, dtype=T.float64)).tolist() == stream(seed, 0, 9, u53)


@pytest.mark.parametrize("seed", SEEDS)
def test_randn_is_box_muller(seed):
    T = oz()
    T.manual_seed(seed)
    got = flat(T.randn(11, dtype=T.float64))
    np.testing.assert_allclose(got, stream(seed, 0, 11, gauss), rtol=1e-13, atol=1e-13)


def test_uniform_from_to_and_normal_mean_std():
    T = oz()
    T.manual_seed(5)
    got = flat(T.empty(6, dtype=T.float64).uniform_(-2.0, 3.0))
    np.testing.assert_allclose(got, [-2.0 + 5.0 * u for u in stream(5, 0, 6, u53)], rtol=1e-15)
    got = flat(T.empty(6, dtype=T.float64).normal_(1.5, 2.0))  # continues at offset 6
    np.testing.assert_allclose(got, [1.5 + 2.0 * z for z in stream(5, 6, 6, gauss)], rtol=1e-13)


def test_bernoulli_is_u53_below_p():
    T = oz()
    p = [0.1, 0.5, 0.9, 0.0, 1.0, 0.3] * 3
    T.manual_seed(77)
    got = flat(T.bernoulli(T.tensor(p, dtype=T.float64)))
    want = [1.0 if u53(w) < q else 0.0 for w, q in zip(stream(77, 0, len(p), lambda w: w), p)]
    assert got.tolist() == want


def test_random_range_is_r64_mod_range():
    T = oz()
    T.manual_seed(3)
    got = flat(T.randint(-5, 1000, (20,)))
    assert got.tolist() == [-5 + x % 1005 for x in stream(3, 0, 20, r64)]


def test_exponential_geometric_cauchy_lognormal_formulas():
    T = oz()
    T.manual_seed(9)
    e = flat(T.empty(5, dtype=T.float64).exponential_(2.0))
    g = flat(T.empty(5, dtype=T.float64).geometric_(0.25))
    c = flat(T.empty(5, dtype=T.float64).cauchy_(1.0, 3.0))
    ln = flat(T.empty(5, dtype=T.float64).log_normal_(0.5, 0.25))
    blocks = stream(9, 0, 20, lambda w: w)
    np.testing.assert_allclose(e, [-math.log(v53(w)) / 2.0 for w in blocks[0:5]], rtol=1e-14)
    assert g.tolist() == [math.ceil(math.log(v53(w)) / math.log1p(-0.25)) for w in blocks[5:10]]
    np.testing.assert_allclose(c, [1.0 + 3.0 * math.tan(math.pi * (u53(w) - 0.5))
                                   for w in blocks[10:15]], rtol=1e-12)
    np.testing.assert_allclose(ln, [math.exp(0.5 + 0.25 * gauss(w)) for w in blocks[15:20]],
                               rtol=1e-13)


def test_randperm_is_argsort_of_keys():
    T = oz()
    T.manual_seed(42)
    keys = stream(42, 0, 50, r64)
    want = sorted(range(50), key=lambda k: (keys[k], k))
    assert flat(T.randperm(50)).tolist() == want


def test_multinomial_with_replacement_is_inverse_cdf():
    T = oz()
    w = [0.5, 0.0, 2.0, 1.5]
    T.manual_seed(8)
    got = flat(T.multinomial(T.tensor(w, dtype=T.float64), 12, True))
    cdf = np.cumsum(w)
    want = [int(np.searchsorted(cdf, u53(b) * cdf[-1], side="right"))
            for b in stream(8, 0, 12, lambda b: b)]
    assert got.tolist() == want


def test_multinomial_without_replacement_is_exponential_race():
    T = oz()
    w = [[0.5, 0.0, 2.0, 1.5, 1.0], [1.0, 1.0, 1.0, 0.0, 0.0]]
    T.manual_seed(8)
    got = T.multinomial(T.tensor(w, dtype=T.float64), 4).tolist()
    blocks = stream(8, 0, 10, lambda b: b)
    for d, row in enumerate(w):
        keys = [(-math.log(v53(blocks[d * 5 + c])) / x if x > 0 else math.inf, c)
                for c, x in enumerate(row)]
        assert got[d] == [c for _, c in sorted(keys)[:4]]


# ------------------------------------------------------------------ reproducibility and state

def test_manual_seed_reproduces_and_offsets_continue():
    T = oz()
    T.manual_seed(1234)
    a = flat(T.rand(6))
    T.manual_seed(1234)
    b1, b2 = flat(T.rand(2)), flat(T.rand(4))
    assert a.tolist() == b1.tolist() + b2.tolist()
    T.manual_seed(1235)
    assert flat(T.rand(6)).tolist() != a.tolist()


def test_initial_seed_and_seed():
    T = oz()
    T.manual_seed(-1)  # torch: negative seeds wrap to uint64
    assert T.initial_seed() == 2 ** 64 - 1
    T.manual_seed("17")  # torch.manual_seed does int(seed)
    assert T.initial_seed() == 17
    s = T.seed()
    assert isinstance(s, int) and 0 <= s < 2 ** 64 and T.initial_seed() == s
    with pytest.raises(RuntimeError):
        T.manual_seed(2 ** 64)


def test_rng_state_round_trip():
    T = oz()
    T.manual_seed(99)
    T.rand(5)
    state = T.get_rng_state()
    assert str(state.dtype) == "torch.uint8" and tuple(state.shape) == (16,)
    a = flat(T.randn(4))
    T.set_rng_state(state)
    assert flat(T.randn(4)).tolist() == a.tolist()
    with pytest.raises(TypeError):
        T.set_rng_state(T.zeros(16))
    with pytest.raises(TypeError):
        T.set_rng_state([0] * 16)
    with pytest.raises(RuntimeError):
        T.set_rng_state(T.zeros(5, dtype=T.uint8))


def test_generator_objects_are_independent():
    T = ozr()
    G = T.Generator
    g1, g2 = G().manual_seed(7), G()
    assert g2.initial_seed() == 67280421310721  # PyTorch's default seed
    assert str(g1.device) == "cpu"
    T.manual_seed(7)
    x = flat(T.rand(4, generator=g1))
    y = flat(T.rand(4))  # the default generator, seeded alike, is not advanced by g1
    assert x.tolist() == y.tolist()
    st = g1.get_state()
    z = flat(T.rand(3, generator=g1))
    assert flat(T.rand(3, generator=g2.set_state(st))).tolist() == z.tolist()
    with pytest.raises(RuntimeError):
        g1.manual_seed(1.5)
    with pytest.raises(TypeError):
        T.rand(2, generator=3)


def test_generator_everywhere():
    """Every sampler takes generator= and draws from it, not from the default."""
    T = ozr()
    G = T.Generator
    p = T.tensor([0.2, 0.3, 0.5])
    calls = [
        lambda g: T.rand(3, generator=g), lambda g: T.randn(3, generator=g),
        lambda g: T.randint(0, 9, (3,), generator=g), lambda g: T.randperm(5, generator=g),
        lambda g: T.normal(T.zeros(3), 1.0, generator=g),
        lambda g: T.normal(0.0, 1.0, (3,), generator=g),
        lambda g: T.bernoulli(p, generator=g), lambda g: p.bernoulli(generator=g),
        lambda g: T.multinomial(p, 2, generator=g), lambda g: p.multinomial(2, generator=g),
        lambda g: T.empty(3).uniform_(generator=g), lambda g: T.empty(3).normal_(generator=g),
        lambda g: T.empty(3).random_(generator=g), lambda g: T.empty(3).bernoulli_(generator=g),
        lambda g: T.empty(3).exponential_(generator=g),
        lambda g: T.empty(3).geometric_(0.5, generator=g),
        lambda g: T.empty(3).cauchy_(generator=g), lambda g: T.empty(3).log_normal_(generator=g),
    ]
    for call in calls:
        T.manual_seed(0)
        before = T.get_rng_state().tolist()
        a = call(G().manual_seed(11)).tolist()
        assert T.get_rng_state().tolist() == before  # default untouched
        assert call(G().manual_seed(11)).tolist() == a


def test_fork_rng_restores_the_stream():
    T = ozr()
    T.manual_seed(4)
    with T.random.fork_rng():
        T.rand(10)
    a = flat(T.rand(3))
    T.manual_seed(4)
    assert flat(T.rand(3)).tolist() == a.tolist()


# ------------------------------------------------------------------ layout independence

@pytest.mark.parametrize("method", ["uniform_", "normal_", "random_", "bernoulli_",
                                    "exponential_", "cauchy_", "log_normal_"])
def test_values_follow_logical_order_not_memory(method):
    T = oz()
    T.manual_seed(21)
    contiguous = getattr(T.empty(3, 4), method)().tolist()
    T.manual_seed(21)
    base = T.zeros(4, 3)
    view = base.t()  # [3, 4] with strides (1, 3)
    getattr(view, method)()
    assert view.tolist() == contiguous
    T.manual_seed(21)
    wide = T.zeros(3, 8)
    strided = wide[:, ::2]
    getattr(strided, method)()
    assert strided.tolist() == contiguous
    assert wide[:, 1::2].tolist() == [[0.0] * 4] * 3  # nothing written between


def test_empty_draws_advance_nothing():
    T = oz()
    T.manual_seed(5)
    T.rand(0, 3)
    T.randperm(0)
    a = flat(T.rand(2))
    T.manual_seed(5)
    assert flat(T.rand(2)).tolist() == a.tolist()
