#!/usr/bin/python3
"""Logistic regression: separates two Gaussian blobs with nn.Linear and BCEWithLogitsLoss.

    PYTHONPATH=<dir holding oztorch> /usr/bin/python3 examples/logistic_regression.py
    ... examples/logistic_regression.py --framework torch --steps 50

Class 0 is centred at (-1, -1), class 1 at (1, 1), both with unit variance. Prints the loss every
tenth of the steps, then the training accuracy (about 92%: the blobs overlap).
"""
import sys

import _framework
from _framework import torch

nn = torch.nn
CENTRE = 1.0


def make_data(samples):
    """`samples` points per class: x (2*samples, 2) float, y (2*samples, 1) float 0/1 labels."""
    x0 = torch.randn(samples, 2) - CENTRE
    x1 = torch.randn(samples, 2) + CENTRE
    x = torch.cat([x0, x1])
    y = torch.cat([torch.zeros(samples, 1), torch.ones(samples, 1)])
    return x, y


def parse_args():
    return _framework.parse_step_args(__doc__, steps=200, samples=200, lr=0.5, optimizer="SGD",
                                      samples_help="points per class")


def main():
    args = parse_args()
    torch.manual_seed(args.seed)
    print("logistic regression on %s" % _framework.describe())
    x, y = make_data(args.samples)
    model = nn.Linear(2, 1)
    loss_fn = nn.BCEWithLogitsLoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=args.lr)
    every = max(1, args.steps // 10)
    for step in range(1, args.steps + 1):
        optimizer.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        optimizer.step()
        if step % every == 0 or step == 1:
            print("step %4d loss %.6f" % (step, loss.item()))
    with torch.no_grad():
        predicted = (torch.sigmoid(model(x)) > 0.5).float()
        accuracy = 100.0 * (predicted == y).float().mean().item()
    print("training accuracy %.2f%%" % accuracy)
    return 0


if __name__ == "__main__":
    sys.exit(main())
