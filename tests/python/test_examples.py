"""The examples in examples/ run with OzTorch (the small ones with real PyTorch too), each in a
fresh interpreter on small settings: each exits 0 and its printed loss falls. fashion_mnist
(--limit 512, one epoch) finishes within a minute, prints the summary line tools/demo.sh reads
and leaves a checkpoint that real PyTorch loads and scores the same; bad options and unreadable
data are clear errors."""
import gzip
import os
import pty
import re
import subprocess
import sys
import time

import numpy as np
import pytest
import torch

import conftest

# tests/python/../../examples, in the source tree and in Bazel's runfiles tree alike
EXAMPLES = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))), "examples")
LOSS = re.compile(r"\bloss ([-+0-9.eE]+|nan|inf)")
FRAMEWORKS = ["oztorch", "torch"]  # torch: the examples are plain PyTorch code
RESULT = re.compile(r"^RESULT framework=(\S+) backend=(\S+) accuracy=([0-9.]+) "
                    r"epoch_time=([0-9.]+) epochs=(\d+)$", re.M)


def example_env():
    """This process's environment with the folder it imported oztorch from first on PYTHONPATH."""
    oztorch = conftest.oz()
    env = dict(os.environ)
    paths = [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p]
    paths.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(oztorch.__file__))))
    env["PYTHONPATH"] = os.pathsep.join(paths)
    env.pop("OZ_FRAMEWORK", None)
    env["PYTHONDONTWRITEBYTECODE"] = "1"  # keep the runfiles tree clean
    return env


def run_example(name, *args, cwd=None, timeout=120, **env):
    return subprocess.run([sys.executable, os.path.join(EXAMPLES, name)] + list(args),
                          env=dict(example_env(), **env), cwd=cwd, capture_output=True,
                          text=True, timeout=timeout)


def describe(p):
    return "exit %d\n--- stdout\n%s\n--- stderr\n%s" % (p.returncode, p.stdout, p.stderr)


def losses(text):
    return [float(v) for v in LOSS.findall(text)]


def assert_loss_fell(p):
    values = losses(p.stdout)
    assert len(values) >= 2, "fewer than two losses printed\n" + describe(p)
    assert all(v == v for v in values), "a NaN loss\n" + describe(p)
    assert values[-1] < values[0], "the loss did not fall: %s\n%s" % (values, describe(p))
    return values


def test_examples_folder_found():
    names = set(os.listdir(EXAMPLES))
    assert {"_framework.py", "fashion_mnist.py", "linear_regression.py", "logistic_regression.py",
            "mlp.py", "test_model.py"} <= names, EXAMPLES


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_linear_regression_finds_the_line(framework):
    p = run_example("linear_regression.py", "--framework", framework)
    assert p.returncode == 0, describe(p)
    assert p.stdout.startswith("linear regression on %s " % framework), describe(p)
    values = assert_loss_fell(p)
    assert values[-1] < 0.02, describe(p)  # the noise's variance is 0.01
    m = re.search(r"learned y = ([-0-9.]+) x \+ ([-0-9.]+)", p.stdout)
    assert m, describe(p)
    assert abs(float(m.group(1)) - 2.0) < 0.15 and abs(float(m.group(2)) - 1.0) < 0.15, describe(p)


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_logistic_regression_separates_the_blobs(framework):
    p = run_example("logistic_regression.py", "--framework", framework)
    assert p.returncode == 0, describe(p)
    assert_loss_fell(p)
    m = re.search(r"training accuracy ([0-9.]+)%", p.stdout)
    assert m and float(m.group(1)) > 85, describe(p)  # the Bayes rate of these blobs is ~92%


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_test_model_fits_its_teacher(framework):
    p = run_example("test_model.py", "--framework", framework, "--steps", "100")
    assert p.returncode == 0, describe(p)
    assert "TestModel(" in p.stdout and "Linear(in_features=8, out_features=32" in p.stdout, \
        describe(p)
    values = assert_loss_fell(p)
    assert values[-1] < values[0] / 5, describe(p)


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_mlp_learns_the_spirals(framework):
    p = run_example("mlp.py", "--framework", framework, "--epochs", "15")
    assert p.returncode == 0, describe(p)
    assert_loss_fell(p)
    last_accuracy = float(re.findall(r"accuracy ([0-9.]+)%", p.stdout)[-1])
    assert last_accuracy > 80, describe(p)  # a straight line gets ~50% on three spirals


def test_fashion_mnist_quick_run(tmp_path):
    checkpoint = tmp_path / "sub" / "fashion.pt"
    start = time.monotonic()
    p = run_example("fashion_mnist.py", "--framework", "oztorch", "--limit", "512",
                    "--epochs", "1", "--checkpoint", str(checkpoint), "--seed", "1",
                    cwd=str(tmp_path))
    elapsed = time.monotonic() - start
    assert p.returncode == 0, describe(p)
    assert elapsed < 60, "took %.1f s\n%s" % (elapsed, describe(p))
    assert "data: 512 training, 512 test images" in p.stdout, describe(p)
    # not a terminal: a progress line per ~10%, each with the loss since the previous one
    progress = re.findall(r"^epoch 1/1 +\d+% (\d+)/512 loss", p.stdout, re.M)
    assert 5 <= len(progress) <= 11 and progress[-1] == "512", describe(p)
    assert "\r" not in p.stdout, describe(p)
    assert_loss_fell(p)
    m = RESULT.search(p.stdout)
    assert m, describe(p)
    framework, backend, accuracy, epoch_time, epochs = m.groups()
    assert framework == "oztorch" and epochs == "1", describe(p)
    loaded = {i["name"] for i in conftest.oz()._C._plugin_info() if i["loaded"]}
    assert backend.split("+") and set(backend.split("+")) <= loaded, describe(p)
    assert 10 < float(accuracy) <= 100 and float(epoch_time) > 0, describe(p)
    assert sorted(os.listdir(checkpoint.parent)) == ["fashion.pt"], "a temporary file was left"
    assert not os.path.exists(tmp_path / "fashion_mnist.pt"), "wrote the default checkpoint too"
    assert_scores_the_same(checkpoint, "torch", float(accuracy), "512")


def assert_scores_the_same(checkpoint, framework, accuracy, limit):
    """The other framework loads the checkpoint (--evaluate) and gets the same test accuracy."""
    p = run_example("fashion_mnist.py", "--framework", framework, "--limit", limit,
                    "--evaluate", str(checkpoint))
    assert p.returncode == 0, describe(p)
    m = re.search(r": test accuracy ([0-9.]+)%% \(%s, " % framework, p.stdout)
    assert m, describe(p)
    # float32 sums in another order may flip a near-tie: allow one image
    assert abs(float(m.group(1)) - accuracy) <= 100.0 / int(limit) + 1e-9, \
        "%s scored %s%%, the trainer %s%%" % (framework, m.group(1), accuracy)


def test_fashion_mnist_checkpoint_from_real_torch(tmp_path):
    checkpoint = tmp_path / "torch.pt"
    p = run_example("fashion_mnist.py", "--framework", "torch", "--limit", "256", "--epochs", "1",
                    "--checkpoint", str(checkpoint))
    assert p.returncode == 0, describe(p)
    m = RESULT.search(p.stdout)
    assert m and m.group(1) == "torch", describe(p)
    assert_scores_the_same(checkpoint, "oztorch", float(m.group(3)), "256")


def test_fashion_mnist_checkpoint_loads(tmp_path):
    oztorch = conftest.oz()
    checkpoint = tmp_path / "fashion.pt"
    p = run_example("fashion_mnist.py", "--limit", "64", "--epochs", "1", "--batch-size", "32",
                    "--checkpoint", str(checkpoint))
    assert p.returncode == 0, describe(p)
    state = oztorch.load(str(checkpoint))
    assert sorted(state) == ["epoch", "model", "optimizer"] and state["epoch"] == 1
    shapes = {k: tuple(v.shape) for k, v in state["model"].items()}
    norm = lambda i, c: {"features.%d.%s" % (i, k): (c,) for k in
                         ("weight", "bias", "running_mean", "running_var")}
    assert shapes == {
        "features.0.weight": (16, 1, 3, 3), "features.0.bias": (16,), **norm(1, 16),
        "features.1.num_batches_tracked": (),
        "features.4.weight": (32, 16, 3, 3), "features.4.bias": (32,), **norm(5, 32),
        "features.5.num_batches_tracked": (),
        "classifier.1.weight": (128, 32 * 7 * 7), "classifier.1.bias": (128,),
        "classifier.3.weight": (10, 128), "classifier.3.bias": (10,)}
    assert state["model"]["features.1.num_batches_tracked"].item() == 2  # 64 images, 32 a batch
    groups = state["optimizer"]["param_groups"]  # lr: 2e-3 halved after the epoch
    assert len(groups) == 1 and groups[0]["lr"] == 1e-3 and groups[0]["params"] == list(range(12))
    assert len(state["optimizer"]["state"]) == 12  # Adam's moments for every parameter
    # torch.save's format: real PyTorch reads the same values
    real = torch.load(str(checkpoint))
    assert sorted(real) == sorted(state) and sorted(real["model"]) == sorted(state["model"])
    for name, value in state["model"].items():
        assert np.array_equal(real["model"][name].numpy(), value.numpy()), name


def test_fashion_mnist_progress_bar_on_a_terminal(tmp_path):
    """On a tty the bar is redrawn in place with carriage returns, ending in a newline."""
    leader, follower = pty.openpty()
    try:
        proc = subprocess.Popen(
            [sys.executable, os.path.join(EXAMPLES, "fashion_mnist.py"), "--limit", "128",
             "--epochs", "1", "--batch-size", "32", "--checkpoint", ""],
            env=example_env(), stdout=follower, stderr=subprocess.PIPE, cwd=str(tmp_path))
        os.close(follower)
        chunks = []
        while True:
            try:
                data = os.read(leader, 4096)
            except OSError:  # EIO: the child closed the terminal
                break
            if not data:
                break
            chunks.append(data)
        stderr = proc.communicate(timeout=120)[1].decode()
    finally:
        os.close(leader)
    out = b"".join(chunks).decode().replace("\r\n", "\n")  # the tty turns \n into \r\n
    assert proc.returncode == 0, out + stderr
    bars = re.findall(r"\repoch 1/1 \[([#.]{30})\] +(\d+)% (\d+)/128 loss", out)
    assert len(bars) == 4, out  # one redraw per batch
    assert bars[-1] == ("#" * 30, "100", "128"), out
    assert re.search(r"\] 100% 128/128 loss [0-9.]+ [0-9.]+s\nepoch 1/1: loss", out), out
    assert not os.listdir(tmp_path), "--checkpoint '' still wrote a file"


@pytest.mark.parametrize("args, code, message", [
    (["--framework", "tensorflow"], 2, "invalid choice: 'tensorflow'"),
    (["--framework", "torch", "--backend", "cpu_naive"], 2, "needs --framework oztorch"),
    (["--epochs", "0"], 2, "--epochs must be at least 1"),
    (["--lr", "-1"], 2, "--lr must be positive"),
    (["--threads", "0"], 2, "--threads must be at least 1"),
    (["--backend", "no_such_backend"], 1, "cannot import oztorch: RuntimeError"),
])
def test_fashion_mnist_bad_options(args, code, message):
    p = run_example("fashion_mnist.py", *args)
    assert p.returncode == code and message in p.stderr, describe(p)
    assert "Traceback" not in p.stderr, describe(p)


def test_fashion_mnist_bad_framework_env():
    p = run_example("fashion_mnist.py", OZ_FRAMEWORK="jax")
    assert p.returncode == 2 and "OZ_FRAMEWORK='jax'" in p.stderr, describe(p)


def test_fashion_mnist_unreadable_data(tmp_path):
    p = run_example("fashion_mnist.py", "--data-dir", str(tmp_path / "missing"))
    assert p.returncode == 1 and "cannot read Fashion-MNIST" in p.stderr, describe(p)
    assert "Traceback" not in p.stderr, describe(p)
    for split in ("train", "t10k"):
        for kind in ("images-idx3", "labels-idx1"):
            with gzip.open(tmp_path / ("%s-%s-ubyte.gz" % (split, kind)), "wb") as f:
                f.write(b"\x00\x00\x08\x01\x00\x00\x00\x05abc")  # 5 items promised, 3 given
    p = run_example("fashion_mnist.py", "--data-dir", str(tmp_path))
    assert p.returncode == 1 and "header says shape (5,)" in p.stderr, describe(p)


def test_fashion_mnist_checkpoint_errors(tmp_path):
    not_a_checkpoint = tmp_path / "notes.pt"
    not_a_checkpoint.write_text("{}")
    p = run_example("fashion_mnist.py", "--limit", "10", "--evaluate", str(not_a_checkpoint))
    assert p.returncode == 1 and "cannot read the checkpoint" in p.stderr, describe(p)
    assert "Traceback" not in p.stderr, describe(p)
    blocker = tmp_path / "file"
    blocker.write_text("")
    p = run_example("fashion_mnist.py", "--limit", "32", "--epochs", "1",
                    "--checkpoint", str(blocker / "ckpt.pt"))  # a folder that is a file
    assert p.returncode == 1 and "cannot save the checkpoint" in p.stderr, describe(p)
    assert "Traceback" not in p.stderr, describe(p)
