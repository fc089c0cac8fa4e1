"""Whole programs written as PyTorch users write them (the PyTorch tutorials' polynomial fits and
a hand-written logistic regression) run unchanged on OzTorch and reach PyTorch's numbers.

The only change from the tutorials: the initial weights come from fixed values instead of
torch.randn, so both libraries start from the same point (their random streams differ)."""
import math

import numpy as np
import pytest
import torch

from conftest import oz

STEPS = 300
INIT = (0.3, -0.2, 0.1, 0.05)


def fit_sin_by_hand(T, dtype):
    x = T.linspace(-math.pi, math.pi, 2000, dtype=dtype)
    y = T.sin(x)
    a, b, c, d = (T.tensor(v, dtype=dtype) for v in INIT)
    learning_rate = 1e-6
    for t in range(STEPS):
        y_pred = a + b * x + c * x ** 2 + d * x ** 3
        loss = (y_pred - y).pow(2).sum().item()
        grad_y_pred = 2.0 * (y_pred - y)
        grad_a = grad_y_pred.sum()
        grad_b = (grad_y_pred * x).sum()
        grad_c = (grad_y_pred * x ** 2).sum()
        grad_d = (grad_y_pred * x ** 3).sum()
        a -= learning_rate * grad_a
        b -= learning_rate * grad_b
        c -= learning_rate * grad_c
        d -= learning_rate * grad_d
    return loss, [a.item(), b.item(), c.item(), d.item()]


def fit_sin_autograd(T, dtype):
    x = T.linspace(-math.pi, math.pi, 2000, dtype=dtype)
    y = T.sin(x)
    a, b, c, d = (T.tensor(v, dtype=dtype, requires_grad=True) for v in INIT)
    learning_rate = 1e-6
    for t in range(STEPS):
        y_pred = a + b * x + c * x ** 2 + d * x ** 3
        loss = (y_pred - y).pow(2).sum()
        loss.backward()
        with T.no_grad():
            a -= learning_rate * a.grad
            b -= learning_rate * b.grad
            c -= learning_rate * c.grad
            d -= learning_rate * d.grad
            a.grad = None
            b.grad = None
            c.grad = None
            d.grad = None
    return loss.item(), [a.item(), b.item(), c.item(), d.item()]


def fit_sin_legendre(T, dtype):
    class LegendrePolynomial3(T.autograd.Function):
        @staticmethod
        def forward(ctx, input):
            ctx.save_for_backward(input)
            return 0.5 * (5 * input ** 3 - 3 * input)

        @staticmethod
        def backward(ctx, grad_output):
            input, = ctx.saved_tensors
            return grad_output * 1.5 * (5 * input ** 2 - 1)

    x = T.linspace(-math.pi, math.pi, 2000, dtype=dtype)
    y = T.sin(x)
    a = T.full((), 0.0, dtype=dtype, requires_grad=True)
    b = T.full((), -1.0, dtype=dtype, requires_grad=True)
    c = T.full((), 0.0, dtype=dtype, requires_grad=True)
    d = T.full((), 0.3, dtype=dtype, requires_grad=True)
    learning_rate = 5e-6
    for t in range(STEPS):
        P3 = LegendrePolynomial3.apply
        y_pred = a + b * P3(c + d * x)
        loss = (y_pred - y).pow(2).sum()
        loss.backward()
        with T.no_grad():
            for p in (a, b, c, d):
                p -= learning_rate * p.grad
                p.grad = None
    return loss.item(), [a.item(), b.item(), c.item(), d.item()]


def logistic_regression_by_hand(T, dtype):
    rng = np.random.default_rng(0)
    X_np = rng.normal(size=(200, 3))
    y_np = (X_np @ np.array([1.5, -2.0, 0.5]) + 0.3 > 0).astype(np.float64)
    X = T.tensor(X_np, dtype=dtype)
    y = T.tensor(y_np, dtype=dtype)
    w = T.zeros(3, dtype=dtype, requires_grad=True)
    b = T.zeros((), dtype=dtype, requires_grad=True)
    lr = 0.5
    for step in range(STEPS):
        p = T.sigmoid(X @ w + b)
        loss = -(y * T.log(p) + (1 - y) * T.log(1 - p)).mean()
        loss.backward()
        with T.no_grad():
            w -= lr * w.grad
            b -= lr * b.grad
            w.grad.zero_()
            b.grad.zero_()
    accuracy = ((T.sigmoid(X @ w + b) > 0.5).float() == y).float().mean().item()
    return loss.item(), w.tolist() + [b.item(), accuracy]


PROGRAMS = {
    "fit_sin_by_hand": fit_sin_by_hand,
    "fit_sin_autograd": fit_sin_autograd,
    "fit_sin_legendre": fit_sin_legendre,
    "logistic_regression_by_hand": logistic_regression_by_hand,
}


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_program_reaches_pytorchs_numbers(name, dtype):
    T = oz()
    ref_loss, ref_params = PROGRAMS[name](torch, getattr(torch, dtype))
    loss, params = PROGRAMS[name](T, getattr(T, dtype))
    rtol = 1e-4 if dtype == "float32" else 1e-9
    np.testing.assert_allclose(loss, ref_loss, rtol=rtol)
    np.testing.assert_allclose(params, ref_params, rtol=rtol, atol=rtol)
