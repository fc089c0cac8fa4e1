#!/usr/bin/python3
"""Trains a small CNN on Fashion-MNIST with OzTorch (or real PyTorch), the project's main job.

    PYTHONPATH=<dir holding oztorch> /usr/bin/python3 examples/fashion_mnist.py
    ... examples/fashion_mnist.py --framework torch --epochs 1
    ... examples/fashion_mnist.py --backend cpu_naive --limit 1000
    ... examples/fashion_mnist.py --framework torch --evaluate fashion_mnist.pt

The data comes from Debian's dataset-fashion-mnist package (IDX files, gzip-compressed), read with
gzip and numpy; no torchvision. Two conv blocks and two linear layers, trained with Adam (the
learning rate halved after each epoch), reach about 91% test accuracy in three epochs. Each epoch shows a progress bar (one line per
~10% when stdout is not a terminal), then its mean loss, test accuracy and time; the run ends with
a checkpoint (model and optimizer state_dicts, written atomically with torch.save) and a summary
line that tools/demo.sh reads:

    RESULT framework=oztorch backend=cpu_naive accuracy=91.05 epoch_time=116.73 epochs=3
"""
import argparse
import gzip
import os
import sys
import time

import numpy as np

import _framework
from _framework import torch

nn = torch.nn
F = torch.nn.functional
DataLoader = torch.utils.data.DataLoader
Dataset = torch.utils.data.Dataset

DATA_DIR = "/usr/share/datasets/fashion-mnist"
CLASSES = ("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
           "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot")
MEAN, STD = 0.2860, 0.3530  # of the training images' pixels in [0, 1]
IDX_DTYPES = {0x08: np.uint8, 0x09: np.int8, 0x0B: np.dtype(">i2"), 0x0C: np.dtype(">i4"),
              0x0D: np.dtype(">f4"), 0x0E: np.dtype(">f8")}


# ------------------------------------------------------------------------------------------------
# Data


def read_idx(path, limit=None):
    """The array in an IDX file (gzip-compressed when the name ends in .gz), first `limit` items.

    IDX: two zero bytes, a type code, the number of dimensions, one big-endian uint32 per
    dimension, then the values in C order."""
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    if len(data) < 4 or data[0] != 0 or data[1] != 0 or data[2] not in IDX_DTYPES:
        raise ValueError("%s is not an IDX file (bad magic number %r)" % (path, data[:4]))
    dtype, ndim = np.dtype(IDX_DTYPES[data[2]]), data[3]
    header = 4 + 4 * ndim
    shape = tuple(int(d) for d in np.frombuffer(data, ">u4", count=ndim, offset=4))
    count = int(np.prod(shape))
    if len(data) != header + count * dtype.itemsize:
        raise ValueError("%s: header says shape %s (%d bytes of data) but the file has %d"
                         % (path, shape, count * dtype.itemsize, len(data) - header))
    array = np.frombuffer(data, dtype, count=count, offset=header).reshape(shape)
    return array[:limit] if limit is not None else array


class FashionMNIST(Dataset):
    """One split of Fashion-MNIST: (1x28x28 float image, normalized; int64 label) pairs."""

    def __init__(self, data_dir, train, limit=None):
        prefix = "train" if train else "t10k"
        images = read_idx(os.path.join(data_dir, prefix + "-images-idx3-ubyte.gz"), limit)
        labels = read_idx(os.path.join(data_dir, prefix + "-labels-idx1-ubyte.gz"), limit)
        if len(images) != len(labels):
            raise ValueError("%s: %d images but %d labels" % (data_dir, len(images), len(labels)))
        pixels = (images.astype(np.float32) / 255.0 - MEAN) / STD
        self.images = torch.from_numpy(pixels.reshape(-1, 1, 28, 28))
        self.labels = torch.from_numpy(labels.astype(np.int64))

    def __len__(self):
        return len(self.labels)

    def __getitem__(self, index):
        return self.images[index], self.labels[index]


# ------------------------------------------------------------------------------------------------
# Model


class FashionCNN(nn.Module):
    """Two conv blocks (conv 3x3, batch norm, ReLU, 2x2 max pool: 28x28 -> 14x14 -> 7x7) and
    two linear layers.

    Small on purpose: an epoch on OzTorch's naive C backend takes about two minutes on two
    cores. Batch norm costs little and gains ~0.5% accuracy, enough to pass 90% after three
    epochs with room to spare."""

    def __init__(self, channels=(16, 32), hidden=128, classes=len(CLASSES)):
        super().__init__()
        c1, c2 = channels
        self.features = nn.Sequential(
            nn.Conv2d(1, c1, kernel_size=3, padding=1), nn.BatchNorm2d(c1), nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Conv2d(c1, c2, kernel_size=3, padding=1), nn.BatchNorm2d(c2), nn.ReLU(),
            nn.MaxPool2d(2),
        )
        self.classifier = nn.Sequential(
            nn.Flatten(), nn.Linear(c2 * 7 * 7, hidden), nn.ReLU(), nn.Linear(hidden, classes))

    def forward(self, x):
        return self.classifier(self.features(x))


# ------------------------------------------------------------------------------------------------
# Training


class Progress:
    """An epoch's progress: a redrawn bar on a terminal, else a line per ~10% of the batches.

    Each update shows the mean loss of the batches since the previous line, so a log shows the
    loss falling within an epoch too."""

    WIDTH = 30

    def __init__(self, epoch, epochs, total, stream=sys.stdout):
        self.label = "epoch %d/%d" % (epoch, epochs)
        self.total, self.stream = total, stream
        self.tty = stream.isatty()
        self.done, self.next_line = 0, 1
        self.window_loss, self.window_batches = 0.0, 0
        self.start = time.perf_counter()

    def update(self, images, loss):
        self.done += images
        self.window_loss += loss
        self.window_batches += 1
        fraction = self.done / self.total
        if self.tty:
            filled = int(self.WIDTH * fraction)
            self.stream.write("\r%s [%s%s] %3d%% %d/%d loss %.4f %.1fs" % (
                self.label, "#" * filled, "." * (self.WIDTH - filled), 100 * fraction, self.done,
                self.total, self.window_loss / self.window_batches,
                time.perf_counter() - self.start))
            self.window_loss, self.window_batches = 0.0, 0
        elif fraction >= self.next_line / 10 or self.done == self.total:
            self.stream.write("%s %3d%% %d/%d loss %.4f %.1fs\n" % (
                self.label, 100 * fraction, self.done, self.total,
                self.window_loss / self.window_batches, time.perf_counter() - self.start))
            self.window_loss, self.window_batches = 0.0, 0
            self.next_line = int(fraction * 10) + 1
        self.stream.flush()

    def close(self):
        if self.tty:
            self.stream.write("\n")
            self.stream.flush()


def train_epoch(model, loader, optimizer, device, progress):
    """One pass over the training data; returns the mean loss per image."""
    model.train()
    total_loss, seen = 0.0, 0
    for images, labels in loader:
        images, labels = images.to(device), labels.to(device)
        optimizer.zero_grad()
        loss = F.cross_entropy(model(images), labels)
        loss.backward()
        optimizer.step()
        batch_loss = loss.item()
        total_loss += batch_loss * len(labels)
        seen += len(labels)
        progress.update(len(labels), batch_loss)
    progress.close()
    return total_loss / max(seen, 1)


def evaluate(model, loader, device):
    """Test accuracy in percent."""
    model.eval()
    correct = seen = 0
    with torch.no_grad():
        for images, labels in loader:
            images, labels = images.to(device), labels.to(device)
            correct += (model(images).argmax(dim=1) == labels).sum().item()
            seen += len(labels)
    return 100.0 * correct / max(seen, 1)


def save_checkpoint(path, model, optimizer, epoch):
    """torch.save to a temporary file beside `path`, then a rename: never a half-written file."""
    folder = os.path.dirname(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    tmp = os.path.join(folder, ".%s.%d.tmp" % (os.path.basename(path), os.getpid()))
    try:
        torch.save({"model": model.state_dict(), "optimizer": optimizer.state_dict(),
                    "epoch": epoch}, tmp)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--epochs", type=int, default=3,
                   help="passes over the training data (%(default)s)")
    p.add_argument("--batch-size", type=int, default=64, help="images per step (%(default)s)")
    p.add_argument("--lr", type=float, default=2e-3,
                   help="Adam's learning rate in the first epoch (%(default)s)")
    p.add_argument("--lr-decay", type=float, default=0.5, metavar="FACTOR",
                   help="multiplies the learning rate after each epoch (%(default)s)")
    p.add_argument("--limit", type=int, metavar="N",
                   help="use only the first N training and N test images (quick runs, tests)")
    p.add_argument("--seed", type=int, default=0, help="torch.manual_seed (%(default)s)")
    p.add_argument("--device", help="move the model and data here (default: where the model's "
                   "parameters are created, i.e. the default device)")
    p.add_argument("--checkpoint", default="fashion_mnist.pt", metavar="PATH",
                   help="where to save model+optimizer state at the end ('' for nowhere; "
                   "default: %(default)s)")
    p.add_argument("--evaluate", metavar="CHECKPOINT",
                   help="only load a checkpoint saved by this script and report its test accuracy")
    p.add_argument("--data-dir", default=DATA_DIR,
                   help="folder of the *-idx?-ubyte.gz files (default: %(default)s)")
    _framework.add_arguments(p)
    args = p.parse_args()
    for name in ("epochs", "batch_size", "limit"):
        value = getattr(args, name)
        if value is not None and value < 1:
            p.error("--%s must be at least 1, got %d" % (name.replace("_", "-"), value))
    if not args.lr > 0:
        p.error("--lr must be positive, got %g" % args.lr)
    if not 0 < args.lr_decay <= 1:
        p.error("--lr-decay must be in (0, 1], got %g" % args.lr_decay)
    return args


def load_split(args, train):
    try:
        return FashionMNIST(args.data_dir, train=train, limit=args.limit)
    except (OSError, ValueError) as e:
        sys.exit("cannot read Fashion-MNIST: %s\n(install Debian's dataset-fashion-mnist or "
                 "pass --data-dir)" % e)


def report_checkpoint(path, model, test_loader, device):
    """--evaluate: the test accuracy of saved weights (e.g. trained by the other framework)."""
    try:
        state = torch.load(path, map_location=device)
    except Exception as e:  # OSError, UnpicklingError, RuntimeError...: each framework differs
        sys.exit("cannot read the checkpoint %s: %s: %s" % (path, type(e).__name__, e))
    if not isinstance(state, dict) or "model" not in state:
        sys.exit("%s: not a checkpoint of this script (no 'model' entry)" % path)
    model.load_state_dict(state["model"])
    print("%s: test accuracy %.2f%% (%s, %s)" % (path, evaluate(model, test_loader, device),
                                               _framework.framework, _framework.backend()))


def main():
    args = parse_args()
    torch.manual_seed(args.seed)
    print("Fashion-MNIST CNN on %s" % _framework.describe())
    test_set = load_split(args, train=False)
    test_loader = DataLoader(test_set, batch_size=500)
    model = FashionCNN()
    if args.device:
        model.to(args.device)
    device = next(model.parameters()).device  # the data follows the model
    if args.evaluate:
        report_checkpoint(args.evaluate, model, test_loader, device)
        return 0

    train_set = load_split(args, train=True)
    print("data: %d training, %d test images from %s" % (len(train_set), len(test_set),
                                                         args.data_dir))
    train_loader = DataLoader(train_set, batch_size=args.batch_size, shuffle=True)
    optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)
    print("model: %d parameters on %s; Adam lr %g (x%g per epoch), batch %d, %d epochs" % (
        sum(p.numel() for p in model.parameters()), device, args.lr, args.lr_decay,
        args.batch_size, args.epochs))

    epoch_times, accuracy = [], 0.0
    for epoch in range(1, args.epochs + 1):
        start = time.perf_counter()
        progress = Progress(epoch, args.epochs, len(train_set))
        loss = train_epoch(model, train_loader, optimizer, device, progress)
        epoch_times.append(time.perf_counter() - start)
        accuracy = evaluate(model, test_loader, device)
        print("epoch %d/%d: loss %.4f, test accuracy %.2f%%, %.1f s (%s, %s)" % (
            epoch, args.epochs, loss, accuracy, epoch_times[-1], _framework.framework,
            _framework.backend()))
        for group in optimizer.param_groups:  # smaller steps as the loss settles: +~0.5% accuracy
            group["lr"] *= args.lr_decay

    if args.checkpoint:
        try:
            save_checkpoint(args.checkpoint, model, optimizer, args.epochs)
        except OSError as e:
            sys.exit("cannot save the checkpoint: %s" % e)
        print("checkpoint: %s" % args.checkpoint)
    print("RESULT framework=%s backend=%s accuracy=%.2f epoch_time=%.2f epochs=%d" % (
        _framework.framework, _framework.backend(), accuracy,
        sum(epoch_times) / len(epoch_times), args.epochs))
    return 0


if __name__ == "__main__":
    sys.exit(main())
