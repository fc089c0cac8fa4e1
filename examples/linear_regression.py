#!/usr/bin/python3
"""Linear regression: fits y = 2x + 1 (plus noise) with nn.Linear, MSELoss and plain SGD.

    PYTHONPATH=<dir holding oztorch> /usr/bin/python3 examples/linear_regression.py
    ... examples/linear_regression.py --framework torch --steps 50

Prints the loss every tenth of the steps, then the learned weight and bias (close to 2 and 1).
"""
import sys

import _framework
from _framework import torch

nn = torch.nn
TRUE_WEIGHT, TRUE_BIAS, NOISE = 2.0, 1.0, 0.1


def make_data(samples):
    """x uniform in [-1, 1), y = 2x + 1 + N(0, 0.1^2); both (samples, 1)."""
    x = torch.rand(samples, 1) * 2 - 1
    y = TRUE_WEIGHT * x + TRUE_BIAS + NOISE * torch.randn(samples, 1)
    return x, y


def parse_args():
    return _framework.parse_step_args(__doc__, steps=200, samples=100, lr=0.1, optimizer="SGD",
                                      samples_help="data points")


def main():
    args = parse_args()
    torch.manual_seed(args.seed)
    print("linear regression on %s" % _framework.describe())
    x, y = make_data(args.samples)
    model = nn.Linear(1, 1)
    loss_fn = nn.MSELoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=args.lr)
    every = max(1, args.steps // 10)
    for step in range(1, args.steps + 1):
        optimizer.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        optimizer.step()
        if step % every == 0 or step == 1:
            print("step %4d loss %.6f" % (step, loss.item()))
    weight, bias = model.weight.item(), model.bias.item()
    print("learned y = %.4f x + %.4f (true: y = %g x + %g)" % (
        weight, bias, TRUE_WEIGHT, TRUE_BIAS))
    return 0


if __name__ == "__main__":
    sys.exit(main())
