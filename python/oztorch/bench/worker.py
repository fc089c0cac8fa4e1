"""The subprocess side of the benchmark: one module (OzTorch under one backend, or real PyTorch)
in one process, driven by the runner over pipes.

    python worker.py --module oztorch --backend cpu_naive --threads 2 [--quick] [--epoch]
    python worker.py --module torch --device cpu --threads 2

It is started by file path, not with -m, so that the PyTorch worker never imports oztorch. It
writes one JSON object per line on its protocol pipe (the original stdout; anything printed,
by Python or C, goes to stderr, which the runner saves to a log) and reads one command per line
on stdin:

    (at start)                          -> {"ok": true, "info": {...}} | {"ok": false, "reason"}
    {"cmd": "setup", "case": name, ...} -> {"status": "ok", "number", "call_s", "served_by"}
                                           | {"status": "n/a" | "error", "reason"}
    {"cmd": "run"}                      -> {"t": seconds per call} | {"error": reason}
    {"cmd": "teardown"}                 -> {"ok": true}
    {"cmd": "quit"}                     -> (exits)

`setup` builds the inputs, makes the first call (an op the module lacks fails here and the cell
becomes "n/a"), warms up, and picks `number`, the calls per sample, so that one sample lasts at
least `min_sample_s`: a 2 us op is timed over thousands of calls, a 5 s matmul over one.
"""

import argparse
import gc
import json
import math
import os
import re
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cases  # noqa: E402  (this folder, whichever way the worker was started)

MAX_NUMBER = 1000000
# Exceptions that mean "this module does not have that yet" rather than "it is broken".
MISSING_TYPES = (AttributeError, NotImplementedError, ImportError, TypeError)
MISSING_TEXT = re.compile(r"not (yet )?implemented|not supported|unsupported|no kernel|"
                          r"has no attribute", re.I)

# Lines of torch.__config__.show() worth a place in the report's header: (prefix, key).
CONFIG_LINES = (("CPU capability usage", "cpu_capability"), ("Intel(R) MKL-DNN", "onednn"),
                ("oneDNN", "onednn"), ("Intel(R) oneAPI Math Kernel Library", "mkl"),
                ("Intel(R) Math Kernel Library", "mkl"), ("OpenMP", "openmp"),
                ("CUDA Runtime", "cuda"), ("CuDNN", "cudnn"), ("GCC", "gcc"))


def describe(e):
    text = ("%s: %s" % (type(e).__name__, e)).strip()
    first = text.splitlines()[0] if text else type(e).__name__
    return first if len(first) <= 300 else first[:297] + "..."


def classify(e):
    """'n/a' for a missing op or feature, 'error' for anything else."""
    if isinstance(e, MISSING_TYPES):
        return "n/a"
    if isinstance(e, RuntimeError) and MISSING_TEXT.search(str(e)):
        return "n/a"
    return "error"


class Worker(object):
    def __init__(self, args, proto):
        self.args, self.proto = args, proto
        self.T, self.dev, self.fn, self.number = None, "cpu", None, 1
        self.cases = cases.by_name(args.quick, args.epoch)

    def send(self, obj):
        self.proto.write(json.dumps(obj) + "\n")
        self.proto.flush()

    # -------------------------------------------------------------------------------- start-up
    def load(self):
        """Imports the module; returns (info, None) or (None, reason)."""
        a = self.args
        if a.module == "torch":
            return self.load_torch()
        try:
            import oztorch as T
        except Exception as e:
            return None, "import oztorch failed: " + str(e).strip()
        self.T = T
        infos = []
        try:
            infos = [dict(i) for i in T._C._plugin_info()]
        except Exception as e:
            return None, "oztorch._C._plugin_info() failed: %s" % describe(e)
        mine = [i for i in infos if i.get("name") == a.backend or (
            a.backend.endswith(".so") and i.get("path") == os.path.abspath(a.backend))]
        loaded = [i for i in mine if i.get("loaded")]
        if not loaded:
            why = next((i.get("error") for i in mine if i.get("error")), None)
            return None, why or "the dispatcher does not list backend %r" % a.backend
        dev = loaded[0].get("device_type")
        dev = {0: "cpu", 1: "cuda"}.get(dev, dev) or "cpu"
        if dev == "cuda":
            avail = getattr(getattr(T, "cuda", None), "is_available", None)
            if not callable(avail) or not avail():
                return None, "the cuda plugin loaded but oztorch.cuda.is_available() is False"
        self.dev = str(dev)
        set_threads = getattr(T, "set_num_threads", None)
        if callable(set_threads):
            set_threads(a.threads)
        get_threads = getattr(T, "get_num_threads", None)
        info = {
            "module": "oztorch", "version": getattr(T, "__version__", None),
            "path": os.path.dirname(os.path.abspath(T.__file__)), "device": self.dev,
            "backend": a.backend, "threads": get_threads() if callable(get_threads) else None,
            "plugins": [{k: i.get(k) for k in ("name", "loaded", "version", "abi_major",
                                                "abi_minor", "path")} for i in infos],
        }
        return info, None

    def load_torch(self):
        try:
            import torch as T
        except Exception as e:
            return None, "import torch failed: %s" % describe(e)
        self.T = T
        if self.args.device == "cuda" and not T.cuda.is_available():
            return None, "torch.cuda.is_available() is False"
        self.dev = self.args.device
        T.set_num_threads(self.args.threads)
        config = {}
        try:
            for line in T.__config__.show().splitlines():
                line = line.strip(" -")
                if line.startswith("Build settings:"):
                    for kv in line.split(":", 1)[1].split(","):
                        k, _, v = kv.strip().partition("=")
                        if k in ("BLAS_INFO", "LAPACK_INFO", "USE_MKLDNN", "USE_OPENMP",
                                 "USE_CUDA", "TORCH_VERSION"):
                            config[k] = v
                else:
                    for prefix, key in CONFIG_LINES:
                        if line.startswith(prefix):
                            config[key] = line[len(prefix):].strip(" :")
        except Exception as e:
            config["error"] = describe(e)
        info = {"module": "torch", "version": T.__version__,
                "path": os.path.dirname(os.path.abspath(T.__file__)), "device": self.dev,
                "threads": T.get_num_threads(), "config": config}
        if self.dev == "cuda":
            info["gpu"] = T.cuda.get_device_name(0)
        return info, None

    # -------------------------------------------------------------------------------- timing
    def sync(self):
        if self.dev.startswith("cuda"):
            self.T.cuda.synchronize()

    def timed_call(self):
        t0 = time.perf_counter()
        self.fn()
        self.sync()
        return time.perf_counter() - t0

    def served_by(self, case):
        try:
            providers = self.T._C._op_providers()
        except Exception:
            return None
        out = {}
        for op in case.ops:
            names = (providers.get(op) or {}).get(self.dev.split(":")[0]) or []
            if names:
                out[op] = names[0]
        return out

    def setup(self, msg):
        case = self.cases.get(msg["case"])
        if case is None or case.setup is None:
            return {"status": "error", "reason": "unknown case %r" % msg["case"]}
        self.fn = None
        gc.collect()
        try:
            self.fn = case.setup(self.T, case.size, self.dev)
            first = self.timed_call()
        except Exception as e:
            self.fn = None
            return {"status": classify(e), "reason": describe(e)}
        # warm-up: `warmup` more calls, as long as they fit in a quarter of the case budget
        call_s, spent = first, first
        try:
            for _ in range(int(msg.get("warmup", 2))):
                if spent > msg.get("warmup_s", 1.0):
                    break
                call_s = self.timed_call()
                spent += call_s
        except Exception as e:
            self.fn = None
            return {"status": "error", "reason": "warm-up: " + describe(e)}
        call_s = max(call_s, 1e-9)
        self.number = int(min(MAX_NUMBER, max(1, math.ceil(msg.get("min_sample_s", 0.02)
                                                           / call_s))))
        result = {"status": "ok", "number": self.number, "call_s": call_s, "first_s": first}
        if self.args.module == "oztorch":
            result["served_by"] = self.served_by(case)
        return result

    def run(self):
        if self.fn is None:
            return {"error": "run without a successful setup"}
        fn, number = self.fn, self.number
        gc.collect()
        gc.disable()  # as timeit does: a collection would land in one sample at random
        try:
            t0 = time.perf_counter()
            for _ in range(number):
                fn()
            self.sync()
            t = time.perf_counter() - t0
        except Exception as e:
            return {"error": describe(e)}
        finally:
            gc.enable()
        return {"t": t / number}

    def serve(self):
        info, reason = self.load()
        if info is None:
            self.send({"ok": False, "reason": reason})
            return 0
        self.send({"ok": True, "info": info})
        for line in sys.stdin:
            if not line.strip():
                continue
            msg = json.loads(line)
            cmd = msg.get("cmd")
            if cmd == "setup":
                self.send(self.setup(msg))
            elif cmd == "run":
                self.send(self.run())
            elif cmd == "teardown":
                self.fn = None
                gc.collect()
                self.send({"ok": True})
            elif cmd == "quit":
                break
            else:
                self.send({"error": "unknown command %r" % cmd})
        return 0


def main(argv=None):
    p = argparse.ArgumentParser(description="oztorch.bench worker (started by the runner)")
    p.add_argument("--module", choices=("oztorch", "torch"), required=True)
    p.add_argument("--backend", default="", help="the OZTORCH_BACKEND this worker serves")
    p.add_argument("--device", default="cpu", help="torch only: cpu or cuda")
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--quick", action="store_true")
    p.add_argument("--epoch", action="store_true")
    args = p.parse_args(argv)
    # The protocol keeps the real stdout; every print (Python's or C's) goes to stderr.
    proto = os.fdopen(os.dup(1), "w")
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    return Worker(args, proto).serve()


if __name__ == "__main__":
    sys.exit(main())
