#!/usr/bin/python3
"""The same few ops on every OzTorch backend, side by side.

    PYTHONPATH=<dir holding the installed oztorch> /usr/bin/python3 examples/demo.py
    ... examples/demo.py --backends cpu_blas,my_backend --repeat 50

For each backend (default: cpu_naive, cpu_blas, cuda) the script runs itself in a subprocess with
OZTORCH_BACKEND set to it, so each backend gets a fresh dispatcher; one that does not load is
skipped with the reason. Each run creates tensors, adds/multiplies/divides with broadcasting,
compares, multiplies two 256x256 matrices and sums along dims, printing each result, the backend
that served the op and its time. Then it prints a table of the timings and checks that every
backend computed the same values, and the same as real PyTorch when `import torch` works.
Exit status: 0 when at least one backend ran and all results agree, 1 otherwise.
"""

import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
import time

DEFAULT_BACKENDS = ("cpu_naive", "cpu_blas", "cuda")
N = 256              # matmul size
RTOL, ATOL = 1e-4, 1e-4  # float32 sums of 256 products in another order differ in the last bits
SKIPPED = 3          # a worker's exit status when its backend is not available


def _matrix(seed, n):
    """n x n values in [-1, 1) from a small LCG: no RNG op needed, the same everywhere."""
    state = seed
    rows = []
    for _ in range(n):
        row = []
        for _ in range(n):
            state = (state * 1103515245 + 12345) % (1 << 31)
            row.append(state / float(1 << 30) - 1.0)
        rows.append(row)
    return rows


def workload(T, dev):
    """[(label, dispatcher op, fn returning a tensor)]; inputs are built once, untimed."""
    a = T.arange(12.0, device=dev).reshape(3, 4)
    b = T.tensor([1.0, 2.0, 3.0, 4.0], device=dev)
    c = T.tensor([[1.0], [2.0], [4.0]], device=dev)
    x = T.tensor(_matrix(1, N), device=dev)
    w = T.tensor(_matrix(2, N), device=dev)
    xw = x @ w
    return [
        ("arange(12.).reshape(3, 4)", "arange", lambda: T.arange(12.0, device=dev).reshape(3, 4)),
        ("ones(2, 3)", "fill", lambda: T.ones(2, 3, device=dev)),
        ("a + b     (3,4) + (4,)", "add", lambda: a + b),
        ("a * c     (3,4) * (3,1)", "mul", lambda: a * c),
        ("a / c     (3,4) / (3,1)", "div", lambda: a / c),
        ("a > 5", "gt", lambda: a > 5),
        ("x @ w     %dx%d" % (N, N), "matmul", lambda: x @ w),
        ("a.sum(dim=1, keepdim=True)", "sum", lambda: a.sum(dim=1, keepdim=True)),
        ("a.sum(0)", "sum", lambda: a.sum(0)),
        ("(x @ w).sum()", "sum", lambda: xw.sum()),
    ]


# ------------------------------------------------------------------------------------------------
# Worker: one backend (or real PyTorch) in this process


def _flatten(v):
    if isinstance(v, list):
        for x in v:
            yield from _flatten(x)
    else:
        yield v


def _show(t):
    """The repr for small results; shape, sum and a corner for big ones."""
    if t.numel() <= 16:
        return repr(t)
    vals = list(_flatten(t.tolist()))
    return "shape %s, sum %.6g, first %.6g, last %.6g" % (
        tuple(t.shape), math.fsum(vals), vals[0], vals[-1])


def _fmt_time(seconds):
    if seconds < 1e-3:
        return "%.1f us" % (seconds * 1e6)
    return "%.2f ms" % (seconds * 1e3)


def _sync(T, dev):
    fn = getattr(getattr(T, "cuda", None), "synchronize", None)
    if dev.startswith("cuda") and callable(fn):
        fn()


def _time_op(T, dev, fn, repeat):
    """Median wall time of fn() (device work included) over `repeat` runs, after two warm-ups."""
    for _ in range(2):
        fn()
    _sync(T, dev)
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        _sync(T, dev)
        times.append(time.perf_counter() - t0)
    times.sort()
    return times[len(times) // 2]


def _load_backend(name):
    """Imports oztorch under OZTORCH_BACKEND=name; returns (module, device) or exits SKIPPED."""
    def skip(why):
        print("  skipped: " + why.strip().replace("\n", "\n           "))
        sys.exit(SKIPPED)

    try:
        import oztorch
    except Exception as e:
        skip("import oztorch failed: %s: %s" % (type(e).__name__, e))
    C = getattr(oztorch, "_C", None)
    infos = []
    try:
        infos = [dict(i) for i in C._plugin_info()]
    except Exception as e:
        print("  (no plugin info: %s)" % e)
    mine = [i for i in infos if i.get("name") == name
            or (name.endswith(".so") and i.get("path") == os.path.abspath(name))]
    if infos and not any(i.get("loaded") for i in mine):
        why = next((i.get("error") for i in mine if i.get("error")), None)
        skip(why or "the dispatcher does not list backend %r" % name)
    if not infos:
        err = getattr(C, "_init_error", None)
        if err:
            skip(str(err))
    device_type = next((i.get("device_type") for i in mine if i.get("loaded")), None)
    dev = {0: "cpu", 1: "cuda"}.get(device_type, device_type) if device_type is not None \
        else ("cuda" if name == "cuda" else "cpu")
    if dev == "cuda":
        avail = getattr(getattr(oztorch, "cuda", None), "is_available", None)
        if callable(avail) and not avail():
            skip("the cuda backend loaded but torch.cuda.is_available() is False (no GPU?)")
    where = next((i.get("path") for i in mine if i.get("loaded")), None)
    version = next((i.get("version") for i in mine if i.get("loaded")), None)
    print("  oztorch %s from %s; backend %s%s%s" % (
        getattr(oztorch, "__version__", "?"), os.path.dirname(oztorch.__file__), name,
        " (%s)" % version if version else "", " at " + where if where else ""))
    return oztorch, dev


def _served_by(T, op, dev):
    try:
        providers = T._C._op_providers()
    except Exception:
        return "?"
    names = (providers.get(op) or {}).get(dev.split(":")[0]) or []
    return names[0] if names else "none"


def worker(name, out_path, repeat):
    if name == "torch":
        try:
            import torch as T
        except Exception as e:
            print("  skipped: import torch failed: %s" % e)
            sys.exit(SKIPPED)
        dev = "cpu"
        print("  PyTorch %s from %s (%d threads)" % (
            T.__version__, os.path.dirname(T.__file__), T.get_num_threads()))
        served = lambda op: "torch"
    else:
        T, dev = _load_backend(name)
        served = lambda op: _served_by(T, op, dev)

    results = []
    failed = False
    try:
        ops = workload(T, dev)
    except Exception as e:
        print("  FAILED to build the inputs: %s: %s" % (type(e).__name__, e))
        ops = []
        failed = True
    width = max([len(label) for label, _, _ in ops] + [10])
    for label, op, fn in ops:
        try:
            r = fn()
            seconds = _time_op(T, dev, fn, repeat)
            by = served(op)
            print("  %-*s  %-10s %10s  %s" % (
                width, label, by, _fmt_time(seconds),
                _show(r).replace("\n", "\n" + " " * (width + 26))))
            results.append(dict(label=label, op=op, served=by, seconds=seconds,
                                shape=list(r.shape),
                                dtype=str(r.dtype).rsplit(".", 1)[-1], values=r.tolist(),
                                device=str(r.device)))
        except Exception as e:
            print("  %-*s  FAILED: %s: %s" % (width, label, type(e).__name__, e))
            results.append(dict(label=label, op=op, error="%s: %s" % (type(e).__name__, e)))
            failed = True
    with open(out_path, "w") as f:
        json.dump(dict(name=name, device=dev, results=results), f)
    sys.exit(1 if failed else 0)


# ------------------------------------------------------------------------------------------------
# Driver: run the workers, then compare


def run_worker(name, repeat):
    env = dict(os.environ)
    if name != "torch":
        env["OZTORCH_BACKEND"] = name
    fd, out = tempfile.mkstemp(prefix="oztorch-demo-", suffix=".json")
    os.close(fd)
    try:
        sys.stdout.flush()
        proc = subprocess.run([sys.executable, os.path.abspath(__file__), "--worker", name,
                               "--out", out, "--repeat", str(repeat)], env=env)
        if proc.returncode == SKIPPED:
            return None
        try:
            with open(out) as f:
                data = json.load(f)
        except (OSError, ValueError):
            print("  FAILED: the worker exited with status %d and no results" % proc.returncode)
            return dict(name=name, device="?", results=[], crashed=True)
        return data
    finally:
        os.unlink(out)


def _compare(ref, got):
    """'match', or what differs between two result dicts."""
    if "error" in got or "error" in ref:
        return "error"
    if got["shape"] != ref["shape"]:
        return "shape %s vs %s" % (tuple(got["shape"]), tuple(ref["shape"]))
    if got["dtype"] != ref["dtype"]:
        return "dtype %s vs %s" % (got["dtype"], ref["dtype"])
    worst = 0.0
    for g, r in zip(_flatten(got["values"]), _flatten(ref["values"])):
        if isinstance(r, bool) or isinstance(r, int):
            if g != r:
                return "value %r vs %r" % (g, r)
            continue
        if math.isnan(r) and math.isnan(g):
            continue
        err = abs(g - r)
        if not err <= ATOL + RTOL * abs(r):
            return "max err %.2g" % err
        worst = max(worst, err)
    return "match" if worst == 0 else "match (%.1g)" % worst


def _table(rows, header):
    widths = [max(len(str(r[i])) for r in [header] + rows) for i in range(len(header))]
    for r in [header] + rows:
        print("  " + "  ".join(str(c).ljust(w) if i == 0 else str(c).rjust(w)
                               for i, (c, w) in enumerate(zip(r, widths))).rstrip())


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--backends", default=",".join(DEFAULT_BACKENDS),
                   help="comma list of OZTORCH_BACKEND values to run (default: %(default)s)")
    p.add_argument("--repeat", type=int, default=20, help="timed runs per op (median shown)")
    p.add_argument("--no-torch", action="store_true", help="do not compare with real PyTorch")
    p.add_argument("--worker", help=argparse.SUPPRESS)
    p.add_argument("--out", help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.worker:
        worker(args.worker, args.out, max(1, args.repeat))

    names = [n.strip() for n in args.backends.split(",") if n.strip()]
    print("OzTorch demo: the same ops under OZTORCH_BACKEND=%s%s, each in a fresh process"
          % ("|".join(names), "" if args.no_torch else ", then real PyTorch"))
    runs = []
    for name in names + ([] if args.no_torch else ["torch"]):
        print("\n== %s ==" % ("real PyTorch (reference)" if name == "torch" else name))
        data = run_worker(name, max(1, args.repeat))
        if data is not None:
            runs.append(data)
    oz_runs = [r for r in runs if r["name"] != "torch"]
    if not oz_runs:
        print("\nNo OzTorch backend ran.")
        return 1

    labels = []
    for r in runs:
        for res in r["results"]:
            if res["label"] not in labels:
                labels.append(res["label"])
    by = {r["name"]: {res["label"]: res for res in r["results"]} for r in runs}
    cols = ["%s (%s)" % (r["name"], r["device"]) if r["name"] != "torch" else "torch"
            for r in runs]

    print("\nTime per op (median of %d runs)" % args.repeat)
    rows = []
    for label in labels:
        row = [label]
        for r in runs:
            res = by[r["name"]].get(label)
            row.append(_fmt_time(res["seconds"]) if res and "seconds" in res else "-")
        rows.append(row)
    _table(rows, ["op"] + cols)

    # reference: real PyTorch when it ran, else cpu_naive (the reference backend), else the first
    ref_run = next((r for r in runs if r["name"] == "torch"),
                   next((r for r in runs if r["name"] == "cpu_naive"), runs[0]))
    others = [r for r in runs if r is not ref_run]
    ok = all(not r.get("crashed") for r in runs)
    print("\nResults compared with %s (|diff| <= %g + %g*|ref|)" % (
        "real PyTorch" if ref_run["name"] == "torch" else ref_run["name"], ATOL, RTOL))
    if not others:
        print("  (only one run: nothing to compare)")
    rows = []
    for label in labels:
        ref = by[ref_run["name"]].get(label)
        row = [label]
        for r in others:
            got = by[r["name"]].get(label)
            verdict = "-" if got is None or ref is None else _compare(ref, got)
            ok = ok and (verdict.startswith("match") or verdict == "-")
            row.append(verdict)
        rows.append(row)
    if others:
        _table(rows, ["op"] + [c for c, r in zip(cols, runs) if r is not ref_run])
    ran = ", ".join(r["name"] for r in oz_runs)
    skipped = [n for n in names if n not in [r["name"] for r in oz_runs]]
    print("\n%s: ran %s%s." % ("OK" if ok else "MISMATCH", ran,
                               "; skipped " + ", ".join(skipped) if skipped else ""))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
