"""Health report: `python -m oztorch.doctor [--ops]`.

Shows where the package lives, the environment that steers the dispatcher, every backend plugin
(loaded or not and the full reason, ABI version, ops covered), which backend serves each op on
each device, and a smoke test per device. Exit status 0 when every backend that was asked for
(OZTORCH_BACKEND, plus cpu_naive which is always required) loaded and every smoke test passed;
1 otherwise, with the problems listed at the end.

It reads only oztorch._C's introspection functions (_plugin_info, _op_providers) and uses getattr
everywhere, so a half-broken install still gets a report instead of a traceback.
"""

import argparse
import os
import platform
import sys
import time
import traceback

import oztorch

ENV_VARS = (
    ("OZTORCH_BACKEND", "cpu_blas,cpu_naive and cuda when present"),
    ("OZTORCH_PLUGIN_PATH", "built-in plugin folder only"),
    ("OZTORCH_FALLBACK", "warn"),
    ("OZTORCH_CHECK", "off"),
)
DEVICE_NAMES = {0: "cpu", 1: "cuda"}  # oz_device_type in dispatch/oz_backend.h
ALWAYS_REQUIRED = ("cpu_naive",)      # the reference backend: always loaded, last for cpu
SMOKE_EXPR = "ones(2,3) @ arange(3.).reshape(3,1) + 1"
SMOKE_EXPECTED = [[4.0], [4.0]]


class Report(object):
    def __init__(self):
        self.problems = []  # make the exit status 1
        self.notes = []     # worth knowing, not failures

    def problem(self, text):
        self.problems.append(text)

    def note(self, text):
        self.notes.append(text)


def _c():
    return getattr(oztorch, "_C", None)


def _call(obj, name, default=None):
    """obj.name() if it exists; (default, error text) protects the report from a broken _C."""
    fn = getattr(obj, name, None)
    if fn is None:
        return default, "oztorch._C has no %s()" % name
    try:
        return fn(), None
    except Exception as e:  # the report must go on
        return default, "%s() raised %s: %s" % (name, type(e).__name__, e)


def _init_error():
    """The dispatcher's start-up error as the package recorded it, or None."""
    for owner in (_c(), oztorch):
        for name in ("_init_error", "_dispatch_init_error", "_dispatcher_error", "_load_error"):
            value = getattr(owner, name, None)
            if callable(value):
                try:
                    value = value()
                except Exception as e:
                    value = "%s: %s" % (type(e).__name__, e)
            if value:
                return str(value)
    return None


def _device_name(device_type):
    if device_type in (None, "unknown"):
        return "-"
    if isinstance(device_type, int):
        return DEVICE_NAMES.get(device_type, "device%d" % device_type)
    return str(device_type) if device_type is not None else "?"


def _indent(text, prefix):
    return "\n".join(prefix + line for line in str(text).splitlines() or [""])


def _table(rows, header=None, right=()):
    """Aligned columns, two spaces in; the indices in `right` are right-aligned (numbers)."""
    rows = [[("" if c is None else str(c)) for c in r] for r in rows]
    every = ([header] if header else []) + rows
    widths = [max(len(r[i]) for r in every) for i in range(len(every[0]))]
    out = []
    for r in every:
        cells = [c.rjust(w) if i in right else c.ljust(w)
                 for i, (c, w) in enumerate(zip(r, widths))]
        out.append("  " + "  ".join(cells).rstrip())
    return "\n".join(out)


def section_package():
    print("OzTorch doctor")
    pkg_dir = os.path.dirname(os.path.abspath(oztorch.__file__))
    c_file = getattr(_c(), "__file__", None)
    rows = [
        ["oztorch", "%s  %s" % (getattr(oztorch, "__version__", "(no __version__)"), pkg_dir)],
        ["_C", c_file or "(not importable)"],
        ["plugins", _call(_c(), "_builtin_backend_dir", None)[0] or "(unknown built-in folder)"],
        ["python", "%s  %s" % (platform.python_version(), sys.executable)],
    ]
    print(_table(rows))


def section_env():
    print("\nEnvironment")
    rows = []
    for name, unset in ENV_VARS:
        value = os.environ.get(name)
        rows.append([name, value if value is not None else "(unset: %s)" % unset])
    print(_table(rows))


def section_dispatcher(report):
    err = _init_error()
    if err:
        print("\nDispatcher  ERROR at start-up:")
        print(_indent(err, "    "))
        report.problem("the dispatcher reported an error at start-up (see above)")
    elif _c() is None:
        print("\nDispatcher  UNKNOWN: oztorch._C is not importable")
        report.problem("oztorch._C is not importable")
    else:
        print("\nDispatcher  ok")


def _requested_entries():
    raw = os.environ.get("OZTORCH_BACKEND", "")
    return [e.strip() for e in raw.split(",") if e.strip()]


def _matches(entry, info):
    name, path = info.get("name"), info.get("path")
    if entry == name:
        return True
    if entry.endswith(".so"):
        base = os.path.basename(entry)[:-3]
        if path and os.path.abspath(entry) == os.path.abspath(path):
            return True
        return base == name
    return False


def section_plugins(report):
    infos, err = _call(_c(), "_plugin_info", [])
    print("\nPlugins")
    if err:
        print("  " + err)
        report.problem(err)
        return []
    infos = [dict(i) for i in infos or []]
    if not infos:
        print("  (none reported)")
    rows = []
    for i in infos:
        loaded = bool(i.get("loaded"))
        abi = "-"
        if i.get("abi_major") is not None and (loaded or i.get("abi_major") or i.get("abi_minor")):
            abi = "%s.%s" % (i.get("abi_major"), i.get("abi_minor"))
        rows.append([
            i.get("name") or "?",
            _device_name(i.get("device_type")),
            "loaded" if loaded else "FAILED",
            abi,
            i.get("n_kernels", "-") if loaded else "-",
            i.get("n_ops", "-") if loaded else "-",
            i.get("version") or "-",
            i.get("path") or "-",
        ])
    if rows:
        lines = _table(rows, ["backend", "device", "status", "ABI", "kernels", "ops",
                              "version", "path"], right=(4, 5)).split("\n")
        print(lines[0])
        for line, i in zip(lines[1:], infos):
            print(line)
            if not i.get("loaded"):
                print(_indent(i.get("error") or "(no reason given)", "      why: ").replace(
                    "\n      why: ", "\n           "))

    entries = _requested_entries()
    required = entries + [e for e in ALWAYS_REQUIRED if e not in entries]
    for entry in required:
        found = [i for i in infos if _matches(entry, i)]
        if not found:
            report.problem("backend %r was requested but the dispatcher does not list it" % entry)
        elif not any(i.get("loaded") for i in found):
            report.problem("backend %r was requested but failed to load" % entry)
    for i in infos:
        if not i.get("loaded") and not any(_matches(e, i) for e in required):
            report.note("optional plugin %r did not load (reason above)" % (i.get("name") or "?"))
    return infos


def section_coverage(report, infos, show_ops):
    providers, err = _call(_c(), "_op_providers", {})
    if err:
        print("\nOp coverage\n  " + err)
        report.problem(err)
        return {}
    providers = dict(providers or {})
    n_ops = len(providers)
    devices = ["cpu", "cuda"]
    devices += sorted({d for p in providers.values() for d in p} - set(devices))

    # backends in plugin order, per device; 'first' = ops this backend actually runs
    backends = []
    for i in infos:
        if i.get("loaded") and i.get("name") not in [b for b, _ in backends]:
            backends.append((i.get("name"), _device_name(i.get("device_type"))))
    for p in providers.values():
        for dev, names in p.items():
            for b in names:
                if b not in [x for x, _ in backends]:
                    backends.append((b, dev))

    print("\nOp coverage (%d ops)" % n_ops)
    rows = []
    for b, dev in backends:
        has = [op for op, p in providers.items() if b in (p.get(dev) or [])]
        runs = [op for op, p in providers.items() if (p.get(dev) or [None])[0] == b]
        rows.append([b, dev, "%d/%d" % (len(has), n_ops),
                     "(%d%%)" % (100 * len(has) // n_ops) if n_ops else "", len(runs)])
    if rows:
        print(_table(rows, ["backend", "device", "has kernels for", "", "runs first"],
                     right=(2, 3, 4)))
    else:
        print("  (no backend loaded: no op can run)")
    loaded_devices = {dev for _, dev in backends}
    for dev in devices:
        if dev not in loaded_devices:
            continue
        missing = sorted(op for op, p in providers.items() if not p.get(dev))
        if missing:
            print("  no %s kernel (%d): %s" % (dev, len(missing), ", ".join(missing)))
            if dev != "cpu":
                report.note("%d ops have no %s kernel and fall back to the CPU "
                            "(OZTORCH_FALLBACK)" % (len(missing), dev))
            else:
                report.problem("%d ops have no cpu kernel at all" % len(missing))

    if show_ops and providers and backends:
        names = [b for b, _ in backends]
        rows = []
        for op in sorted(providers):
            p = providers[op]
            row = [op]
            for b, dev in backends:
                order = p.get(dev) or []
                row.append("*" if order[:1] == [b] else "+" if b in order else ".")
            rows.append(row)
        print("\n  per op: * runs it, + can run it (lower priority), . no kernel")
        print(_table(rows, ["op"] + names))
    elif providers and backends:
        print("  (per-op table: python -m oztorch.doctor --ops)")
    return providers


def _cuda_available(infos):
    """(True, "") when a CUDA backend loaded and sees a GPU, else (False, why)."""
    loaded = any(i.get("loaded") and _device_name(i.get("device_type")) == "cuda"
                 for i in infos)
    if not loaded:
        return False, "no CUDA backend loaded"
    is_available = getattr(getattr(oztorch, "cuda", None), "is_available", None)
    count_fn = getattr(_c(), "_device_count", None)
    try:
        if callable(is_available):
            if not is_available():
                return False, "the CUDA backend loaded but torch.cuda.is_available() is False"
        elif callable(count_fn) and not count_fn("cuda"):
            return False, "the CUDA backend loaded but sees no GPU"
    except Exception as e:
        return False, "asking for GPUs raised %s: %s" % (type(e).__name__, e)
    return True, ""


def _smoke(device):
    kw = {} if device == "cpu" else {"device": device}
    t0 = time.perf_counter()
    r = oztorch.ones(2, 3, **kw) @ oztorch.arange(3.0, **kw).reshape(3, 1) + 1
    if str(getattr(r, "device", device)).split(":")[0] != device:
        raise AssertionError("result is on %s, expected %s" % (r.device, device))
    values = r.tolist()
    dt = time.perf_counter() - t0
    if values != SMOKE_EXPECTED:
        raise AssertionError("got %r, expected %r" % (values, SMOKE_EXPECTED))
    return dt


def section_smoke(report, infos, providers):
    print("\nSmoke tests  %s == [[4.],[4.]]" % SMOKE_EXPR)
    rows = []
    failures = []
    for device in ("cpu", "cuda"):
        if device == "cuda":
            ok, why = _cuda_available(infos)
            if not ok:
                rows.append([device, "skipped", why, ""])
                continue
        served = ", ".join("%s:%s" % (op, (providers.get(op, {}).get(device) or ["none"])[0])
                           for op in ("matmul", "add") if op in providers)
        try:
            dt = _smoke(device)
            rows.append([device, "ok", served, "%.2f ms" % (dt * 1e3)])
        except Exception as e:
            rows.append([device, "FAILED", served, ""])
            failures.append((device, e))
            report.problem("the %s smoke test failed" % device)
    print(_table(rows, right=(3,)))
    for device, e in failures:
        print("  %s: %s" % (device, "".join(traceback.format_exception_only(type(e), e)).strip()))


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m oztorch.doctor", description=__doc__.split(
        "\n\n")[1], formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ops", action="store_true", help="print which backend serves every op")
    args = parser.parse_args(argv)

    report = Report()
    section_package()
    section_env()
    section_dispatcher(report)
    infos = section_plugins(report)
    providers = section_coverage(report, infos, args.ops)
    section_smoke(report, infos, providers)

    print()
    for n in report.notes:
        print("note: " + n)
    if report.problems:
        print("%d problem%s:" % (len(report.problems), "" if len(report.problems) == 1 else "s"))
        for p in report.problems:
            print("  - " + p)
        return 1
    print("All good.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
