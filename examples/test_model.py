#!/usr/bin/python3
"""TestModel: the smallest nn.Module worth training, two Linear layers with a ReLU between.

    PYTHONPATH=<dir holding oztorch> /usr/bin/python3 examples/test_model.py
    ... examples/test_model.py --framework torch --steps 50

It learns a fixed random non-linear function of 8 inputs (a "teacher" network with the same
shape, so a perfect fit exists) from synthetic data, with Adam and MSELoss, printing the loss
every tenth of the steps.
"""
import sys

import _framework
from _framework import torch

nn = torch.nn


class TestModel(nn.Module):
    __test__ = False  # tell pytest this is not a test class

    def __init__(self, inputs=8, hidden=32, outputs=1):
        super().__init__()
        self.fc1 = nn.Linear(inputs, hidden)
        self.relu = nn.ReLU()
        self.fc2 = nn.Linear(hidden, outputs)

    def forward(self, x):
        return self.fc2(self.relu(self.fc1(x)))


def make_data(samples, inputs):
    """Inputs N(0, 1) and the outputs of an untrained TestModel (the target function)."""
    teacher = TestModel(inputs)
    x = torch.randn(samples, inputs)
    with torch.no_grad():
        y = teacher(x)
    return x, y


def parse_args():
    return _framework.parse_step_args(__doc__, steps=300, samples=256, lr=0.01, optimizer="Adam",
                                      samples_help="training examples")


def main():
    args = parse_args()
    torch.manual_seed(args.seed)
    print("TestModel on %s" % _framework.describe())
    x, y = make_data(args.samples, inputs=8)
    model = TestModel(inputs=8)
    print(model)
    loss_fn = nn.MSELoss()
    optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)
    every = max(1, args.steps // 10)
    for step in range(1, args.steps + 1):
        optimizer.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        optimizer.step()
        if step % every == 0 or step == 1:
            print("step %4d loss %.6f" % (step, loss.item()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
