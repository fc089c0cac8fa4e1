"""The benchmark cases, as data: one row per case family, expanded over its sizes.

Every `setup` is written against PyTorch's API and receives the module to use (`oztorch` or real
`torch`), the size and the device name, so the very same code runs under both. It builds its
inputs (untimed) and returns the callable that is timed; the worker calls it many times. An op
the module lacks surfaces as an exception in `setup` or in the first call, and the cell is reported
as "n/a: <reason>": the suites grow by themselves as OzTorch gains ops.

Inputs come from numpy (`T.from_numpy`), so no RNG op is needed and every module sees the same
values. `work(size)` gives the work one call does: ("flops", n) -> GFLOP/s, ("bytes", n) -> GB/s
(the bytes an ideal kernel must move: inputs read once, output written once), None -> no rate.

This module must not import torch or oztorch: the worker imports the one it was asked for.
"""

import math
import os

SUITES = ("ops", "models", "startup")
FASHION_MNIST_DIR = "/usr/share/datasets/fashion-mnist"  # Debian's dataset-fashion-mnist


class Case(object):
    """One benchmark row. `setup(T, size, dev) -> callable`; `ops`: the dispatcher ops it mostly
    exercises (to record which backend served them)."""

    def __init__(self, name, suite, setup=None, size=None, work=None, ops=(), unit="s",
                 min_reps=3, note=""):
        self.name, self.suite, self.setup, self.size = name, suite, setup, size
        self.work, self.ops, self.unit, self.min_reps, self.note = work, tuple(ops), unit, \
            min_reps, note

    def work_units(self):
        """("flops" | "bytes", amount) for one call, or None."""
        return self.work(self.size) if self.work else None


# ------------------------------------------------------------------------------------ inputs

def rand(T, dev, *shape, seed=0, requires_grad=False):
    """A float32 tensor of standard normal values (from numpy) on `dev`."""
    import numpy as np
    arr = np.random.default_rng(seed).standard_normal(shape, dtype=np.float32)
    t = T.from_numpy(arr)
    if dev != "cpu":
        t = t.to(dev)
    if requires_grad:
        t.requires_grad_(True)
    return t


def labels(T, dev, n, classes=10, seed=1):
    import numpy as np
    t = T.from_numpy(np.random.default_rng(seed).integers(0, classes, size=n).astype(np.int64))
    return t.to(dev) if dev != "cpu" else t


# ------------------------------------------------------------------------------------ ops suite

def setup_matmul(T, n, dev):
    a, b = rand(T, dev, n, n, seed=1), rand(T, dev, n, n, seed=2)
    return lambda: a @ b


def setup_add(T, n, dev):
    a, b = rand(T, dev, n, seed=1), rand(T, dev, n, seed=2)
    return lambda: a + b


def setup_mul(T, n, dev):
    a, b = rand(T, dev, n, seed=1), rand(T, dev, n, seed=2)
    return lambda: a * b


def setup_relu(T, n, dev):
    a = rand(T, dev, n, seed=1)
    relu = T.relu
    return lambda: relu(a)


def setup_sum(T, n, dev):
    a = rand(T, dev, n, seed=1)
    return lambda: a.sum()


def setup_softmax(T, shape, dev):
    a = rand(T, dev, *shape, seed=1)
    softmax = T.softmax
    return lambda: softmax(a, dim=-1)


def setup_overhead(T, n, dev):
    a, b = rand(T, dev, n, seed=1), rand(T, dev, n, seed=2)
    return lambda: a + b


def conv_out(h, k=3):
    return h - k + 1  # stride 1, no padding


def conv_flops(size):
    n, cin, cout, h = size
    return 2.0 * n * cout * conv_out(h) ** 2 * cin * 9


def setup_conv_fwd(T, size, dev):
    n, cin, cout, h = size
    conv2d = T.nn.functional.conv2d
    x, w, b = rand(T, dev, n, cin, h, h, seed=1), rand(T, dev, cout, cin, 3, 3, seed=2), \
        rand(T, dev, cout, seed=3)
    return lambda: conv2d(x, w, b)


def conv_input_needs_grad(size):
    return size[1] != 1  # the first layer of a network needs no gradient for its input


def setup_conv_fwd_bwd(T, size, dev):
    n, cin, cout, h = size
    conv2d = T.nn.functional.conv2d
    x = rand(T, dev, n, cin, h, h, seed=1, requires_grad=conv_input_needs_grad(size))
    w = rand(T, dev, cout, cin, 3, 3, seed=2, requires_grad=True)
    b = rand(T, dev, cout, seed=3, requires_grad=True)
    gy = rand(T, dev, n, cout, conv_out(h), conv_out(h), seed=4)

    def step():
        x.grad = w.grad = b.grad = None
        y = conv2d(x, w, b)
        y.backward(gy)
        return w.grad
    return step


def conv_fwd_bwd_flops(size):
    # backward = grad of weight (as many flops as forward) + grad of input when needed
    return conv_flops(size) * (3 if conv_input_needs_grad(size) else 2)


# ------------------------------------------------------------------------------------ models suite

MLP_LAYERS = (784, 256, 10)


def make_mlp(T):
    nn = T.nn
    return nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 10))


def make_cnn(T):
    """The Fashion-MNIST CNN: conv 1->32 3x3 (28->26), relu, maxpool 2 (->13), conv 32->64 3x3
    (->11), relu, maxpool 2 (->5), flatten 1600, linear 128, relu, linear 10."""
    nn = T.nn
    return nn.Sequential(
        nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(64 * 5 * 5, 128), nn.ReLU(), nn.Linear(128, 10))


def mlp_train_flops(batch):
    # forward 2*in*out per sample and layer; backward: weight grad (same) + input grad except
    # for the first layer (its input is data)
    f = 0.0
    for i, (a, b) in enumerate(zip(MLP_LAYERS, MLP_LAYERS[1:])):
        f += 2.0 * a * b * (2 if i == 0 else 3)
    return f * batch


def cnn_train_flops(batch):
    f = conv_flops((batch, 1, 32, 28)) * 2 + conv_flops((batch, 32, 64, 13)) * 3
    f += 2.0 * batch * (1600 * 128 + 128 * 10) * 3
    return f


def train_step(T, model, x, y, lr=0.01):
    """(forward, backward, optimizer step) as a PyTorch user writes it."""
    opt = T.optim.SGD(model.parameters(), lr=lr, momentum=0.9)
    loss_fn = T.nn.functional.cross_entropy

    def step():
        opt.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()
        return loss
    return step


def seed(T):
    fn = getattr(T, "manual_seed", None)  # weights' values do not change the timings
    if fn is not None:
        fn(0)


def setup_mlp_step(T, batch, dev):
    seed(T)
    model = make_mlp(T).to(dev)
    return train_step(T, model, rand(T, dev, batch, 784), labels(T, dev, batch))


def setup_cnn_step(T, batch, dev):
    seed(T)
    model = make_cnn(T).to(dev)
    return train_step(T, model, rand(T, dev, batch, 1, 28, 28), labels(T, dev, batch))


def load_fashion_mnist(limit=None):
    """(images float32 N x 1 x 28 x 28 scaled to [0, 1], labels int64) from the training set,
    or None when the dataset is not installed."""
    import gzip
    import numpy as np
    images = os.path.join(FASHION_MNIST_DIR, "train-images-idx3-ubyte.gz")
    targets = os.path.join(FASHION_MNIST_DIR, "train-labels-idx1-ubyte.gz")
    if not (os.path.isfile(images) and os.path.isfile(targets)):
        return None
    with gzip.open(images, "rb") as f:
        x = np.frombuffer(f.read(), np.uint8, offset=16).reshape(-1, 1, 28, 28)
    with gzip.open(targets, "rb") as f:
        y = np.frombuffer(f.read(), np.uint8, offset=8).astype(np.int64)
    if limit:
        x, y = x[:limit], y[:limit]
    return (x.astype(np.float32) / 255.0), y


def setup_epoch(T, size, dev):
    """One pass over the Fashion-MNIST training set (synthetic data of the same shape when the
    dataset is not installed) in mini-batches; size = (model, batch, samples)."""
    import numpy as np
    which, batch, samples = size
    data = load_fashion_mnist(samples)
    if data is None:
        rng = np.random.default_rng(0)
        data = (rng.random((samples, 1, 28, 28), dtype=np.float32),
                rng.integers(0, 10, size=samples).astype(np.int64))
    xs, ys = T.from_numpy(np.ascontiguousarray(data[0])), T.from_numpy(data[1].copy())
    if which == "mlp":
        xs = xs.reshape(len(data[1]), 784)
    xs, ys = (xs.to(dev), ys.to(dev)) if dev != "cpu" else (xs, ys)
    seed(T)
    model = (make_mlp(T) if which == "mlp" else make_cnn(T)).to(dev)
    opt = T.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    loss_fn = T.nn.functional.cross_entropy
    n = len(data[1])

    def epoch():
        loss = None
        for i in range(0, n, batch):
            opt.zero_grad()
            loss = loss_fn(model(xs[i:i + batch]), ys[i:i + batch])
            loss.backward()
            opt.step()
        return loss
    return epoch


# ------------------------------------------------------------------------------------ the table

def _elementwise(reads):
    return lambda n: ("bytes", 4.0 * n * (reads + 1))


# name template (formatted with the size), suite, setup, sizes, --quick sizes, work(size), ops
TABLE = [
    ("matmul {0}x{0} fp32", "ops", setup_matmul,
     [64, 256, 1024, 2048], [64, 256], lambda n: ("flops", 2.0 * n ** 3), ["matmul"]),
    ("conv2d fwd b{0[0]} {0[1]}->{0[2]} {0[3]}x{0[3]} k3", "ops", setup_conv_fwd,
     [(64, 1, 32, 28), (64, 32, 64, 13)], [(8, 1, 32, 28), (8, 32, 64, 13)],
     lambda s: ("flops", conv_flops(s)), ["conv2d"]),
    ("conv2d fwd+bwd b{0[0]} {0[1]}->{0[2]} {0[3]}x{0[3]} k3", "ops", setup_conv_fwd_bwd,
     [(64, 1, 32, 28), (64, 32, 64, 13)], [(8, 1, 32, 28), (8, 32, 64, 13)],
     lambda s: ("flops", conv_fwd_bwd_flops(s)), ["conv2d"]),
    ("add {0:.0e} fp32", "ops", setup_add,
     [10**3, 10**6, 10**7], [10**3, 10**6], _elementwise(2), ["add"]),
    ("mul {0:.0e} fp32", "ops", setup_mul,
     [10**3, 10**6, 10**7], [10**3, 10**6], _elementwise(2), ["mul"]),
    ("relu {0:.0e} fp32", "ops", setup_relu,
     [10**3, 10**6, 10**7], [10**3, 10**6], _elementwise(1), ["relu"]),
    ("sum {0:.0e} fp32", "ops", setup_sum,
     [10**6], [10**6], lambda n: ("bytes", 4.0 * n), ["sum"]),
    ("softmax {0[0]}x{0[1]} dim=-1 fp32", "ops", setup_softmax,
     [(1000, 1000)], [(1000, 1000)], lambda s: ("bytes", 8.0 * s[0] * s[1]), ["softmax"]),
    ("a + b, {0} element (per-op overhead)", "ops", setup_overhead,
     [1], [1], None, ["add"]),
    ("MLP 784-256-10 train step b{0}", "models", setup_mlp_step,
     [64, 256], [64], lambda b: ("flops", mlp_train_flops(b)), ["matmul"]),
    ("CNN Fashion-MNIST train step b{0}", "models", setup_cnn_step,
     [64], [16], lambda b: ("flops", cnn_train_flops(b)), ["conv2d", "matmul"]),
]

# Only with --epoch: one pass over the 60000 training images.
EPOCH_TABLE = [
    ("MLP epoch b{0[1]} ({0[2]} images)",         "models", setup_epoch,
     [("mlp", 64, 60000)],          [("mlp", 64, 2048)],
     lambda s: ("flops", mlp_train_flops(s[2])), ["matmul"]),
    ("CNN epoch b{0[1]} ({0[2]} images)",         "models", setup_epoch,
     [("cnn", 64, 60000)],          [("cnn", 64, 512)],
     lambda s: ("flops", cnn_train_flops(s[2])), ["conv2d", "matmul"]),
]

# Measured by the runner in fresh interpreters, not by a worker (see runner.measure_startup).
STARTUP_ROWS = [
    ("import time", "s", "wall time of the `import` statement in a fresh interpreter"),
    ("RSS after import", "MiB", "resident memory of that interpreter after the import"),
    ("RSS added by import", "MiB", "the same minus the interpreter's resident memory before it"),
]


def build(quick=False, epoch=False, suites=SUITES):
    """The concrete cases, in run order."""
    out = []
    for name, suite, setup, sizes, quick_sizes, work, ops in TABLE + (EPOCH_TABLE if epoch
                                                                       else []):
        if suite not in suites:
            continue
        for size in (quick_sizes if quick else sizes):
            label = name.format(size).replace("e+0", "e")
            out.append(Case(label, suite, setup, size, work, ops,
                            min_reps=1 if setup is setup_epoch else 3))
    if "startup" in suites:
        for name, unit, note in STARTUP_ROWS:
            out.append(Case(name, "startup", unit=unit, note=note))
    return out


def by_name(quick=False, epoch=False):
    return {c.name: c for c in build(quick, epoch)}


def rate(work, seconds):
    """("gflops" | "gbs", value) for one call's work done in `seconds`, or (None, None)."""
    if not work or not seconds or seconds <= 0 or not math.isfinite(seconds):
        return None, None
    kind, amount = work
    return ("gflops" if kind == "flops" else "gbs"), amount / seconds / 1e9
