"""torch.nn.init against real torch. The deterministic parts (gains, fans, constant/eye/dirac
fills, exceptions, warnings) compare values exactly; the random initialisers compare
distributions, since OzTorch's Philox stream is not torch's Mersenne Twister: bounds, mean and
standard deviation on large tensors, checked for torch's draw and ours against the same
expected figures. Also: generator= reproducibility, no_grad on parameters, orthogonality."""
import math

import numpy as np
import pytest
import torch

from conftest import FLOAT_DTYPES, check, oz


def init(T):
    return T.nn.init


def values(t):
    return np.array(t.detach().numpy(), dtype=np.float64)  # a copy: fast for large tensors


def assert_moments(t, mean, std, rel=0.02):
    """The sample mean and std of a large tensor are close to the distribution's."""
    a = values(t).ravel()
    assert abs(a.mean() - mean) < rel * std + 1e-12, (a.mean(), mean)
    assert abs(a.std() - std) < rel * std, (a.std(), std)


def both(fn):
    """fn(T) for torch and for OzTorch (each seeded the same, not that their numbers agree)."""
    out = []
    for T in (torch, oz()):
        T.manual_seed(0)
        out.append(fn(T))
    return out


# ------------------------------------------------------------------ gains and fans

@pytest.mark.parametrize("args", [
    ("linear",), ("conv1d",), ("conv2d",), ("conv3d",), ("conv_transpose1d",),
    ("conv_transpose2d",), ("conv_transpose3d",), ("sigmoid",), ("tanh",), ("relu",),
    ("leaky_relu",), ("leaky_relu", 0.2), ("leaky_relu", 3), ("leaky_relu", None), ("selu",),
])
def test_calculate_gain(args):
    check(lambda T: init(T).calculate_gain(*args))


@pytest.mark.parametrize("args", [("softmax",), ("leaky_relu", True), ("leaky_relu", "0.2"),
                                  ("gelu",)])
def test_calculate_gain_errors(args):
    check(lambda T: init(T).calculate_gain(*args), raises=ValueError)


@pytest.mark.parametrize("shape", [(3, 5), (4, 2, 3), (6, 2, 3, 5), (1, 1, 1, 1, 2), (0, 3)])
def test_fan_in_and_fan_out(shape):
    check(lambda T: init(T)._calculate_fan_in_and_fan_out(T.empty(shape)))
    for mode in ("fan_in", "fan_out", "FAN_OUT"):
        check(lambda T: init(T)._calculate_correct_fan(T.empty(shape), mode))


def test_fan_errors():
    check(lambda T: init(T)._calculate_fan_in_and_fan_out(T.empty(4)), raises=ValueError)
    check(lambda T: init(T)._calculate_fan_in_and_fan_out(T.tensor(1.0)), raises=ValueError)
    check(lambda T: init(T)._calculate_correct_fan(T.empty(2, 3), "fan_avg"), raises=ValueError)
    check(lambda T: init(T).kaiming_uniform_(T.empty(2, 3), mode="fan"), raises=ValueError)
    check(lambda T: init(T).xavier_normal_(T.empty(3)), raises=ValueError)
    check(lambda T: init(T).kaiming_normal_(T.empty(3, 4), nonlinearity="swish"),
          raises=ValueError)


# ------------------------------------------------------------------ deterministic fills

@pytest.mark.parametrize("dtype", FLOAT_DTYPES)
def test_constant_ones_zeros(dtype):
    def f(T):
        d = getattr(T, dtype)
        a, b, c = T.empty(2, 3, dtype=d), T.empty(4, dtype=d), T.empty(3, 1, dtype=d)
        r = (init(T).constant_(a, 0.25), init(T).ones_(b), init(T).zeros_(c))
        assert r[0] is a and r[1] is b and r[2] is c
        return r
    check(f)


@pytest.mark.parametrize("shape", [(3, 3), (2, 5), (5, 2), (0, 3)])
def test_eye(shape):
    check(lambda T: init(T).eye_(T.empty(shape, dtype=T.float64)))


def test_eye_and_dirac_errors():
    check(lambda T: init(T).eye_(T.empty(2, 2, 2)), raises=ValueError)
    check(lambda T: init(T).eye_(T.empty(2)), raises=ValueError)
    check(lambda T: init(T).dirac_(T.empty(2, 2)), raises=ValueError)
    check(lambda T: init(T).dirac_(T.empty(2, 2, 2, 2, 2, 2)), raises=ValueError)
    check(lambda T: init(T).dirac_(T.empty(5, 2, 3), groups=2), raises=ValueError)


@pytest.mark.parametrize("shape,groups", [
    ((4, 4, 3), 1), ((3, 5, 3, 3), 1), ((6, 2, 2, 3), 1), ((4, 2, 3, 3), 2),
    ((6, 3, 3, 3, 3), 3), ((2, 2, 4, 4), 1),
])
def test_dirac(shape, groups):
    check(lambda T: init(T).dirac_(T.empty(shape), groups=groups))


def test_dirac_makes_a_convolution_the_identity():
    T = oz()
    w = init(T).dirac_(T.empty(3, 3, 3, 3))
    x = T.randn(2, 3, 5, 5)
    assert T.nn.functional.conv2d(x, w, padding=1).tolist() == x.tolist()


# ------------------------------------------------------------------ random initialisers

def test_uniform_and_normal():
    for T in (torch, oz()):
        T.manual_seed(0)
        t = init(T).uniform_(T.empty(300, 400), -0.5, 1.5)
        a = values(t)
        assert a.min() >= -0.5 and a.max() < 1.5
        assert_moments(t, 0.5, 2 / math.sqrt(12))
        t = init(T).uniform_(T.empty(300, 400))
        assert values(t).min() >= 0 and values(t).max() < 1
        t = init(T).normal_(T.empty(300, 400, dtype=T.float64), 2.0, 0.5)
        assert_moments(t, 2.0, 0.5)
        assert_moments(init(T).normal_(T.empty(100000)), 0.0, 1.0)


def truncated_normal_moments(mean, std, a, b):
    """The mean and std of N(mean, std^2) truncated to [a, b] (closed forms)."""
    alpha, beta = (a - mean) / std, (b - mean) / std
    pdf = lambda x: math.exp(-x * x / 2) / math.sqrt(2 * math.pi)  # noqa: E731
    cdf = lambda x: (1 + math.erf(x / math.sqrt(2))) / 2  # noqa: E731
    z = cdf(beta) - cdf(alpha)
    m = (pdf(alpha) - pdf(beta)) / z
    var = 1 + (alpha * pdf(alpha) - beta * pdf(beta)) / z - m * m
    return mean + std * m, std * math.sqrt(var)


@pytest.mark.parametrize("dtype", FLOAT_DTYPES)
@pytest.mark.parametrize("mean,std,a,b", [
    (0.0, 1.0, -2.0, 2.0), (1.0, 2.0, -1.0, 2.0), (0.0, 0.02, -0.04, 0.04),
    (0.5, 1.0, 0.0, 10.0), (0.0, 1.0, -3.5, -1.0),
])
def test_trunc_normal(mean, std, a, b, dtype):
    want_mean, want_std = truncated_normal_moments(mean, std, a, b)
    for T in (torch, oz()):
        T.manual_seed(0)
        t = init(T).trunc_normal_(T.empty(200, 500, dtype=getattr(T, dtype)), mean, std, a, b)
        arr = values(t)
        assert np.isfinite(arr).all()
        assert arr.min() >= a and arr.max() <= b
        assert_moments(t, want_mean, want_std)


def test_trunc_normal_warns_when_the_mean_is_far_from_the_interval():
    for T in (torch, oz()):
        with pytest.warns(UserWarning, match="mean is more than 2 std from"):
            t = init(T).trunc_normal_(T.empty(1000), mean=10.0, std=1.0, a=-1.0, b=1.0)
        assert np.isfinite(values(t)).all()


def test_trunc_normal_inverse_cdf_is_accurate():
    """erf^-1 is built from tensor ops (OzTorch has no erfinv kernel): it must agree with
    torch.erfinv to the precision its conditioning allows, and give +-inf at +-1."""
    from oztorch.nn.init import _erfinv_
    T = oz()
    y = np.concatenate([np.linspace(-0.999999, 0.999999, 2001), [-1.0, 1.0, 0.0, 1e-300]])
    got = values(_erfinv_(T.tensor(y.tolist(), dtype=T.float64)))
    want = torch.erfinv(torch.tensor(y, dtype=torch.float64)).numpy()
    np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-13)
    y32 = np.linspace(-0.999, 0.999, 2001, dtype=np.float32)
    got32 = values(_erfinv_(T.tensor(y32.tolist(), dtype=T.float32)))
    want32 = torch.erfinv(torch.tensor(y32)).numpy()
    np.testing.assert_allclose(got32, want32, rtol=2e-5, atol=2e-6)


@pytest.mark.parametrize("shape,gain", [((300, 500), 1.0), ((200, 30, 3, 3), 2.0),
                                        ((1000, 40, 5), 0.5)])
def test_xavier(shape, gain):
    fan_in = shape[1] * int(np.prod(shape[2:]))
    fan_out = shape[0] * int(np.prod(shape[2:]))
    std = gain * math.sqrt(2.0 / (fan_in + fan_out))
    for T in (torch, oz()):
        T.manual_seed(0)
        t = init(T).xavier_uniform_(T.empty(shape), gain=gain)
        bound = math.sqrt(3) * std
        assert values(t).min() >= -bound and values(t).max() <= bound
        assert_moments(t, 0.0, std)
        assert_moments(init(T).xavier_normal_(T.empty(shape), gain=gain), 0.0, std)


@pytest.mark.parametrize("a,mode,nonlinearity", [
    (0, "fan_in", "leaky_relu"), (math.sqrt(5), "fan_in", "leaky_relu"),
    (0.2, "fan_out", "leaky_relu"), (0, "fan_in", "relu"), (0, "fan_out", "tanh"),
    (0, "fan_in", "linear"), (0, "fan_in", "selu"),
])
def test_kaiming(a, mode, nonlinearity):
    shape = (400, 30, 3, 3)
    fan = (shape[1] if mode == "fan_in" else shape[0]) * 9
    std = torch.nn.init.calculate_gain(nonlinearity, a) / math.sqrt(fan)
    for T in (torch, oz()):
        T.manual_seed(0)
        t = init(T).kaiming_uniform_(T.empty(shape), a=a, mode=mode, nonlinearity=nonlinearity)
        bound = math.sqrt(3) * std
        assert values(t).min() >= -bound and values(t).max() <= bound
        assert values(t).max() > 0.99 * bound
        assert_moments(t, 0.0, std)
        t = init(T).kaiming_normal_(T.empty(shape), a=a, mode=mode, nonlinearity=nonlinearity)
        assert_moments(t, 0.0, std)


def test_kaiming_on_a_zero_element_tensor_warns_and_does_nothing():
    for T in (torch, oz()):
        for fn in (init(T).kaiming_uniform_, init(T).kaiming_normal_):
            t = T.empty(0, 3)
            with pytest.warns(UserWarning, match="Initializing zero-element tensors is a no-op"):
                assert fn(t) is t


@pytest.mark.parametrize("dtype", FLOAT_DTYPES)
@pytest.mark.parametrize("shape,gain", [((50, 50), 1.0), ((30, 80), 1.0), ((80, 30), 2.0),
                                        ((6, 3, 2, 2), 0.5), ((1, 5), 1.0)])
def test_orthogonal(shape, gain, dtype):
    """The tensor flattened to [rows, cols] has orthonormal rows (rows <= cols) or columns,
    times gain; repeated draws differ."""
    T = oz()
    T.manual_seed(0)
    t = init(T).orthogonal_(T.empty(shape, dtype=getattr(T, dtype)), gain=gain)
    assert str(t.dtype) == "torch." + dtype and tuple(t.shape) == shape
    m = values(t).reshape(shape[0], -1)
    gram = m @ m.T if m.shape[0] <= m.shape[1] else m.T @ m
    tol = 1e-5 if dtype == "float32" else 1e-12
    np.testing.assert_allclose(gram, gain ** 2 * np.eye(gram.shape[0]), atol=tol * gain ** 2)
    again = values(init(T).orthogonal_(T.empty(shape, dtype=getattr(T, dtype)), gain=gain))
    assert not np.allclose(again.reshape(m.shape), m)


def test_orthogonal_is_haar_distributed_like_torchs():
    """Entries of a random orthogonal n x n matrix have mean 0 and variance 1/n."""
    n = 200
    for T in (torch, oz()):
        T.manual_seed(0)
        assert_moments(init(T).orthogonal_(T.empty(n, n)), 0.0, 1 / math.sqrt(n), rel=0.03)


def test_orthogonal_edge_cases():
    check(lambda T: init(T).orthogonal_(T.empty(3)), raises=ValueError)
    check(lambda T: init(T).orthogonal_(T.empty(0, 3)))
    T = oz()
    t = T.empty(4, 6).t()  # non-contiguous
    init(T).orthogonal_(t)
    m = values(t)
    np.testing.assert_allclose(m.T @ m, np.eye(4), atol=1e-5)


@pytest.mark.parametrize("sparsity", [0.1, 0.5, 0.9])
def test_sparse(sparsity):
    rows, cols = 20, 300
    for T in (torch, oz()):
        T.manual_seed(0)
        t = init(T).sparse_(T.empty(rows, cols), sparsity, std=0.5)
        a = values(t)
        zeros = (a == 0).sum(axis=0)
        assert (zeros == math.ceil(sparsity * rows)).all()
        kept = a[a != 0]
        assert abs(kept.std() - 0.5) < 0.05
    check(lambda T: init(T).sparse_(T.empty(2, 3, 4), 0.5), raises=ValueError)


# ------------------------------------------------------------------ grad mode, generators

INITIALISERS = {
    "uniform_": lambda i, t, **g: i.uniform_(t, -1, 1, **g),
    "normal_": lambda i, t, **g: i.normal_(t, 0, 2, **g),
    "trunc_normal_": lambda i, t, **g: i.trunc_normal_(t, **g),
    "xavier_uniform_": lambda i, t, **g: i.xavier_uniform_(t, **g),
    "xavier_normal_": lambda i, t, **g: i.xavier_normal_(t, **g),
    "kaiming_uniform_": lambda i, t, **g: i.kaiming_uniform_(t, a=1, **g),
    "kaiming_normal_": lambda i, t, **g: i.kaiming_normal_(t, mode="fan_out", **g),
    "orthogonal_": lambda i, t, **g: i.orthogonal_(t, **g),
    "sparse_": lambda i, t, **g: i.sparse_(t, 0.3, **g),
}
DETERMINISTIC = {
    "constant_": lambda i, t: i.constant_(t, 0.3),
    "ones_": lambda i, t: i.ones_(t),
    "zeros_": lambda i, t: i.zeros_(t),
    "eye_": lambda i, t: i.eye_(t),
    "dirac_": lambda i, t: i.dirac_(t),
}


@pytest.mark.parametrize("name", sorted(INITIALISERS) + sorted(DETERMINISTIC))
def test_initialisers_work_in_place_on_parameters_without_recording(name):
    T = oz()
    p = T.nn.Parameter(T.empty((4, 5, 1) if name == "dirac_" else (4, 5)))
    fn = INITIALISERS.get(name) or DETERMINISTIC[name]
    out = fn(init(T), p)
    assert out is p
    assert p.requires_grad and p.is_leaf and p.grad_fn is None


@pytest.mark.parametrize("name", sorted(INITIALISERS))
def test_generator_argument_makes_draws_reproducible(name):
    T = oz()
    fn = INITIALISERS[name]
    draws = []
    for seed in (7, 7, 8):
        g = T.Generator()
        g.manual_seed(seed)
        T.manual_seed(seed * 100)  # the global stream must not matter
        draws.append(values(fn(init(T), T.empty(6, 8), generator=g)))
    assert np.array_equal(draws[0], draws[1])
    assert not np.array_equal(draws[0], draws[2])
    # and the generator's state moved on
    g = T.Generator()
    g.manual_seed(7)
    first = values(fn(init(T), T.empty(6, 8), generator=g))
    second = values(fn(init(T), T.empty(6, 8), generator=g))
    assert not np.array_equal(first, second)


def test_deprecated_names_warn_and_still_work():
    T = oz()
    for old in ("uniform", "normal", "constant", "eye", "dirac", "xavier_uniform",
                "xavier_normal", "kaiming_uniform", "kaiming_normal", "orthogonal", "sparse"):
        args = {"constant": (0.5,), "sparse": (0.5,)}.get(old, ())
        shape = (3, 3, 3) if old == "dirac" else (3, 3)
        for lib in (torch, T):
            with pytest.warns(UserWarning, match="nn.init.%s is now deprecated in favor of "
                                                 "nn.init.%s_" % (old, old)):
                getattr(init(lib), old)(lib.empty(shape), *args)


def test_init_functions_are_torchs():
    """Same names and parameters as torch.nn.init's, with PyTorch 2.x's generator= where 1.13
    had none."""
    import inspect
    T = oz()
    for name in ("calculate_gain", "uniform_", "normal_", "trunc_normal_", "constant_", "ones_",
                 "zeros_", "eye_", "dirac_", "xavier_uniform_", "xavier_normal_",
                 "kaiming_uniform_", "kaiming_normal_", "orthogonal_", "sparse_"):
        want = [(p.name, p.default) for p in
                inspect.signature(getattr(torch.nn.init, name)).parameters.values()]
        got = [(p.name, p.default) for p in
               inspect.signature(getattr(init(T), name)).parameters.values()]
        if name in INITIALISERS:
            assert got[-1] == ("generator", None), name
            got = got[:-1]
        assert got == want, name
