#!/usr/bin/python3
"""An MLP classifier on three interleaved spirals, trained with CrossEntropyLoss and a DataLoader.

    PYTHONPATH=<dir holding oztorch> /usr/bin/python3 examples/mlp.py
    ... examples/mlp.py --framework torch --epochs 5

The spirals are not linearly separable, so the hidden layers matter. Prints each epoch's mean
loss and the accuracy on the training points.
"""
import argparse
import math
import sys

import _framework
from _framework import torch

nn = torch.nn
DataLoader = torch.utils.data.DataLoader
TensorDataset = torch.utils.data.TensorDataset
CLASSES = 3


def make_spirals(samples):
    """`samples` 2-D points per class on CLASSES spiral arms with a little noise; int64 labels."""
    radius = torch.linspace(0.0, 1.0, samples).repeat(CLASSES)
    arm = torch.arange(CLASSES * samples) // samples  # 0...0 1...1 2...2
    angle = radius * 4.0 + arm.float() * (2 * math.pi / CLASSES) + 0.2 * torch.randn(len(arm))
    x = torch.stack([radius * torch.sin(angle), radius * torch.cos(angle)], dim=1)
    return x, arm


class MLP(nn.Module):
    def __init__(self, inputs=2, hidden=64, classes=CLASSES):
        super().__init__()
        self.layers = nn.Sequential(
            nn.Linear(inputs, hidden), nn.ReLU(),
            nn.Linear(hidden, hidden), nn.ReLU(),
            nn.Linear(hidden, classes))

    def forward(self, x):
        return self.layers(x)


def accuracy(model, x, y):
    model.eval()
    with torch.no_grad():
        correct = (model(x).argmax(dim=1) == y).sum().item()
    model.train()
    return 100.0 * correct / len(y)


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--epochs", type=int, default=30, help="passes over the data (%(default)s)")
    p.add_argument("--samples", type=int, default=100, help="points per class (%(default)s)")
    p.add_argument("--batch-size", type=int, default=32, help="points per step (%(default)s)")
    p.add_argument("--lr", type=float, default=0.01, help="Adam's learning rate (%(default)s)")
    p.add_argument("--seed", type=int, default=0, help="torch.manual_seed (%(default)s)")
    _framework.add_arguments(p)
    args = p.parse_args()
    if min(args.epochs, args.samples, args.batch_size) < 1:
        p.error("--epochs, --samples and --batch-size must be at least 1")
    return args


def main():
    args = parse_args()
    torch.manual_seed(args.seed)
    print("MLP on spirals, %s" % _framework.describe())
    x, y = make_spirals(args.samples)
    loader = DataLoader(TensorDataset(x, y), batch_size=args.batch_size, shuffle=True)
    model = MLP()
    loss_fn = nn.CrossEntropyLoss()
    optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)
    every = max(1, args.epochs // 10)
    for epoch in range(1, args.epochs + 1):
        total, seen = 0.0, 0
        for inputs, labels in loader:
            optimizer.zero_grad()
            loss = loss_fn(model(inputs), labels)
            loss.backward()
            optimizer.step()
            total += loss.item() * len(labels)
            seen += len(labels)
        if epoch % every == 0 or epoch == 1:
            print("epoch %3d loss %.4f accuracy %.1f%%" % (epoch, total / seen,
                                                         accuracy(model, x, y)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
