"""float16 and bfloat16: stored, filled, converted to and from every dtype, printed, read back;
ops on them compute in float32 and round once (dispatch/half_widen.c), as PyTorch 2.x's CPU
kernels do. Debian's torch 1.13 lacks most 16-bit CPU kernels, so the oracle for an op is torch
on float32 copies of the inputs, rounded to the 16-bit type."""
import numpy as np
import pytest
import torch

from conftest import DTYPES, oz

HALVES = ["float16", "bfloat16"]
# round-to-nearest-even ties, subnormals, overflow to inf, NaN, signed zero, large integers
VALUES = [0.0, -0.0, 1.0, -2.5, 1 / 3, 0.1, 65504.0, 65520.0, 1e5, -1e5, 6e-8, 3e-8, 1e-40,
          1.00048828125, 1.0009765625, 2049.0, 3.3895e38, float("inf"), float("-inf"),
          float("nan"), 255.7, -128.9, 300.0, 1e10]


def as_list(t):
    return t.float().tolist() if t.dtype in (torch.float16, torch.bfloat16) else t.tolist()


def same(a, b):
    a, b = np.array(a, dtype=np.float64), np.array(b, dtype=np.float64)
    np.testing.assert_array_equal(np.isnan(a), np.isnan(b))
    np.testing.assert_array_equal(a[~np.isnan(a)], b[~np.isnan(b)])


@pytest.mark.parametrize("half", HALVES)
@pytest.mark.parametrize("src", ["float32", "float64"])
def test_floats_round_like_torch(half, src):
    T = oz()
    ref = torch.tensor(VALUES, dtype=getattr(torch, src)).to(getattr(torch, half))
    got = T.tensor(VALUES, dtype=getattr(T, src)).to(getattr(T, half))
    assert str(got.dtype) == str(ref.dtype)
    same(as_list(got), as_list(ref))


@pytest.mark.parametrize("half", HALVES)
@pytest.mark.parametrize("other", DTYPES)
def test_round_trips_with_every_dtype(half, other):
    T = oz()
    vals = [0, 1, 5, 100, 127, 200] if other != "bool" else [0, 1, 1, 0]
    ref_h = torch.tensor(vals).to(getattr(torch, other)).to(getattr(torch, half))
    got_h = T.tensor(vals).to(getattr(T, other)).to(getattr(T, half))
    same(as_list(got_h), as_list(ref_h))
    # and back, from non-integral half values (truncation, wrap-around, bool of NaN)
    src = [0.0, -1.5, 2.75, 300.5, -129.25, float("nan"), 70000.0]
    ref = torch.tensor(src).to(getattr(torch, half)).to(getattr(torch, other))
    got = T.tensor(src).to(getattr(T, half)).to(getattr(T, other))
    assert str(got.dtype) == str(ref.dtype)
    if other in ("float32", "float64", "bool"):
        same(got.tolist(), ref.tolist())
    else:  # out-of-range float->int is unspecified in C++; compare the in-range ones
        assert got.tolist()[:4] == ref.tolist()[:4]


@pytest.mark.parametrize("half", HALVES)
def test_factories_printing_and_reading(half):
    for T in (torch, oz()):
        dt = getattr(T, half)
        z = T.zeros(2, 3, dtype=dt)
        f = T.full((2,), 1.25, dtype=dt)
        x = (T.arange(12.) / 7).reshape(3, 4).to(dt)
        seen = (repr(z), repr(f), repr(x), repr(x.t()), x[1, 2].item(), x.tolist(),
                  x.element_size(), x.is_floating_point(), repr(T.ones(3, dtype=dt).float()))
        if T is torch:
            expected = seen
    assert seen == expected


def test_numpy_and_from_numpy_float16():
    T = oz()
    a = np.array([1.5, -2.25, 65504], dtype=np.float16)
    t = T.from_numpy(a)
    assert t.dtype == T.float16 and t.tolist() == a.tolist()
    assert T.ones(2, dtype=T.float16).numpy().dtype == np.float16


def test_non_contiguous_copy():
    T = oz()
    ref = torch.arange(24.).reshape(2, 3, 4).permute(2, 0, 1).half()[::2].double()
    got = T.arange(24.).reshape(2, 3, 4).permute(2, 0, 1).half()[::2].double()
    assert got.tolist() == ref.tolist()
    h = T.zeros(4, 3, dtype=T.bfloat16)
    h[:, 1] = T.tensor([1., 2., 3., 4.])
    assert h.float().tolist() == [[0, 1, 0], [0, 2, 0], [0, 3, 0], [0, 4, 0]]


OPS = {
    "add": lambda T, a, b: a + b,
    "mul_scalar": lambda T, a, b: a * 2.5,
    "div": lambda T, a, b: a / (b + 1),
    "pow": lambda T, a, b: a ** 2,
    "exp": lambda T, a, b: a.exp(),
    "sin": lambda T, a, b: a.sin(),
    "sigmoid": lambda T, a, b: a.sigmoid(),
    "relu": lambda T, a, b: T.relu(a - 0.5),
    "clamp": lambda T, a, b: a.clamp(0.2, 0.6),
    "where": lambda T, a, b: T.where(a > 0.3, a, b),
    "maximum": lambda T, a, b: T.maximum(a, b),
    "sum": lambda T, a, b: a.sum(),
    "sum_dim": lambda T, a, b: a.sum(1),
    "mean": lambda T, a, b: a.mean(0),
    "amax": lambda T, a, b: a.amax(1),
    "cumsum": lambda T, a, b: a.cumsum(1),
    "matmul": lambda T, a, b: a @ b.t(),
    "softmax": lambda T, a, b: T.softmax(a, 1),
    "log_softmax": lambda T, a, b: T.log_softmax(a, 1),
    "index_select": lambda T, a, b: a.index_select(1, T.tensor([2, 0])),
    "masked_fill": lambda T, a, b: a.masked_fill(a > 0.5, -1.0),
    "cat": lambda T, a, b: T.cat([a, b]),
}


@pytest.mark.parametrize("half", HALVES)
@pytest.mark.parametrize("op", sorted(OPS))
def test_ops_compute_in_float32_and_round(half, op):
    T = oz()
    a = np.linspace(0.05, 0.95, 12).reshape(3, 4)
    b = np.linspace(0.9, -0.4, 12).reshape(3, 4)
    want = OPS[op](torch, torch.tensor(a, dtype=torch.float32).to(getattr(torch, half)).float(),
                   torch.tensor(b, dtype=torch.float32).to(getattr(torch, half)).float())
    want = want.to(getattr(torch, half)) if want.is_floating_point() else want
    ha, hb = (T.tensor(v, dtype=T.float32).to(getattr(T, half)) for v in (a, b))
    got = OPS[op](T, ha, hb)
    assert str(got.dtype) == str(want.dtype) and tuple(got.shape) == tuple(want.shape)
    tol = 1e-3 if half == "float16" else 1e-2
    np.testing.assert_allclose(got.double().numpy(), want.double().numpy(), rtol=tol, atol=tol)


@pytest.mark.parametrize("half", HALVES)
def test_training_step_in_half(half):
    """A linear model in 16 bits: forward, backward (gradients in the parameter dtype) and an
    optimizer step, beside the same in float32."""
    T = oz()
    dt = getattr(T, half)
    m = T.nn.Linear(4, 2)
    x = T.tensor(np.linspace(-1, 1, 12).reshape(3, 4), dtype=T.float32)
    ref = T.nn.Linear(4, 2)
    ref.load_state_dict(m.state_dict())
    m.to(dt)
    for model, inp in ((m, x.to(dt)), (ref, x)):
        loss = model(inp).square().mean()
        loss.backward()
        T.optim.SGD(model.parameters(), lr=0.1).step()
    assert m.weight.grad.dtype == dt and m.weight.dtype == dt
    tol = 1e-2 if half == "float16" else 5e-2
    np.testing.assert_allclose(m.weight.double().detach().numpy(),
                               ref.weight.double().detach().numpy(), rtol=tol, atol=tol)


def test_integer_only_ops_still_refuse_half():
    T = oz()
    with pytest.raises(RuntimeError, match="Half"):
        T.ones(2, dtype=T.float16) & T.ones(2, dtype=T.float16)


def test_module_half_and_back():
    seen = []
    for T in (torch, oz()):
        nn = T.nn
        m = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4))
        with T.no_grad():
            m[0].weight.copy_(T.tensor(np.linspace(-1, 1, 12).reshape(4, 3), dtype=T.float32))
        p = m[0].weight
        m.half()
        assert m[0].weight is p  # the same Parameter objects, converted in place
        seen.append(([(k, str(v.dtype)) for k, v in m.state_dict().items()],
                     m.float()[0].weight.tolist()))
    assert seen[0] == seen[1]
