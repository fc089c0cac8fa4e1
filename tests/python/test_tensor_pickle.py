"""pickle.dumps/loads of tensors (what copy, multiprocessing and DataLoader workers use): values,
dtype, shape and requires_grad survive, for every dtype and for non-contiguous and empty ones."""
import pickle

import pytest

from conftest import DTYPES, oz


@pytest.mark.parametrize("dtype", DTYPES + ["float16", "bfloat16"])
def test_round_trip(dtype):
    T = oz()
    x = (T.arange(12) % 5).reshape(3, 4).t().to(getattr(T, dtype))
    for t in (x, x[1], x[:, :0], x[0, 0]):
        y = pickle.loads(pickle.dumps(t))
        assert y.dtype == t.dtype and y.shape == t.shape
        assert y.to(T.float64).tolist() == t.to(T.float64).tolist()
        assert y.data_ptr() != t.data_ptr() or t.numel() == 0


def test_requires_grad_survives_and_history_does_not():
    T = oz()
    w = T.ones(3, requires_grad=True)
    y = pickle.loads(pickle.dumps(w * 2))
    assert y.requires_grad and y.is_leaf and y.grad_fn is None
    assert not pickle.loads(pickle.dumps(w.detach())).requires_grad


def test_numpy_refuses_a_tensor_that_requires_grad():
    T = oz()
    w = T.ones(2, requires_grad=True)
    with pytest.raises(RuntimeError, match="requires grad"):
        w.numpy()
    assert w.detach().numpy().tolist() == [1.0, 1.0]
