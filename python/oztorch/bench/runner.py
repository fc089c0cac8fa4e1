"""Runs the cases: one worker process per column (each OzTorch backend, real PyTorch), all alive
at once but only one running at any moment, with the repetitions interleaved.

For each case every worker first sets it up (builds inputs, checks the op exists, warms up and
picks how many calls make one sample); then each round asks every worker for one sample, in an
order that rotates from round to round, so that a burst of machine noise or a frequency change
hits all columns alike instead of whichever happened to run then. A worker whose sample is slow
gets fewer rounds (down to the case's minimum) so the case stays within its time budget.

The startup suite is measured apart: each sample is a fresh interpreter that times its import.
"""

import json
import os
import select
import signal
import statistics
import subprocess
import sys
import tempfile
import time

from . import cases

WORKER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "worker.py")
HELLO_TIMEOUT_S = 300.0

STARTUP_SNIPPET = r"""
import json, sys, time
def rss():
    try:
        with open('/proc/self/status') as f:
            for line in f:
                if line.startswith('VmRSS:'):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    import resource
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
r0 = rss()
t0 = time.perf_counter()
__import__(sys.argv[1])
t1 = time.perf_counter()
r1 = rss()
print(json.dumps({"import_s": t1 - t0, "rss": r1, "rss_before": r0}))
"""


class WorkerDied(Exception):
    pass


class Column(object):
    """One column of the report: a worker process serving one module (and backend)."""

    def __init__(self, name, module, env, argv, backend=None):
        self.name, self.module, self.env, self.argv, self.backend = name, module, env, argv, \
            backend
        self.proc, self.buf, self.info, self.log, self.device = None, b"", None, None, "cpu"

    def start(self):
        """Starts the worker; returns None when it is ready, else the reason it is not."""
        self.stop()
        if self.log is not None:
            self.log.close()
        self.log = tempfile.TemporaryFile(prefix="oztorch-bench-%s-" % self.name)
        self.buf = b""
        self.proc = subprocess.Popen([sys.executable, WORKER] + self.argv, env=self.env,
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=self.log, close_fds=True)
        try:
            hello = self.read(HELLO_TIMEOUT_S)
        except WorkerDied as e:
            self.stop()
            return str(e)
        if not hello.get("ok"):
            self.stop()
            return hello.get("reason") or "the worker gave no reason"
        self.info = hello["info"]
        self.device = self.info.get("device") or "cpu"
        return None

    def log_tail(self, lines=6):
        if self.log is None:
            return ""
        try:
            self.log.seek(0)
            text = self.log.read().decode(errors="replace")
        except (OSError, ValueError):
            return ""
        tail = [l for l in text.strip().splitlines() if l.strip()][-lines:]
        return " | ".join(t.strip() for t in tail)

    def _died(self, what):
        code = self.proc.poll() if self.proc else None
        if code is not None and code < 0:
            try:
                what += " (killed by %s)" % signal.Signals(-code).name
            except ValueError:
                what += " (signal %d)" % -code
        elif code is not None:
            what += " (exit status %d)" % code
        tail = self.log_tail()
        self.stop()
        raise WorkerDied(what + ("; stderr: " + tail if tail else ""))

    def read(self, timeout):
        fd = self.proc.stdout.fileno()
        deadline = time.monotonic() + timeout
        while b"\n" not in self.buf:
            left = deadline - time.monotonic()
            if left <= 0:
                self.proc.kill()
                self.proc.wait()
                self._died("the worker did not answer within %.0f s and was killed" % timeout)
            ready, _, _ = select.select([fd], [], [], left)
            if ready:
                chunk = os.read(fd, 65536)
                if not chunk:
                    self.proc.wait()
                    self._died("the worker died")
                self.buf += chunk
        line, _, self.buf = self.buf.partition(b"\n")
        return json.loads(line.decode())

    def request(self, msg, timeout):
        if self.proc is None:
            raise WorkerDied("the worker is not running")
        try:
            self.proc.stdin.write((json.dumps(msg) + "\n").encode())
            self.proc.stdin.flush()
        except (BrokenPipeError, OSError):
            self.proc.wait()
            self._died("the worker died")
        return self.read(timeout)

    def stop(self):
        if self.proc is not None:
            try:
                self.proc.stdin.write(b'{"cmd": "quit"}\n')
                self.proc.stdin.flush()
                self.proc.stdin.close()
            except (BrokenPipeError, OSError, ValueError):
                pass
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
            self.proc.stdout.close()
            self.proc = None


class Progress(object):
    """A one-line progress bar on stderr (a line per case when stderr is not a terminal)."""

    def __init__(self, total, stream=None, enabled=True):
        self.total, self.stream, self.enabled = max(total, 1), stream or sys.stderr, enabled
        self.tty = self.enabled and hasattr(self.stream, "isatty") and self.stream.isatty()
        self.t0 = time.monotonic()
        self.last_case, self.width = None, 0

    def update(self, index, case, detail, within=0.0):
        if not self.enabled:
            return
        elapsed = time.monotonic() - self.t0
        if not self.tty:
            if case != self.last_case:
                self.last_case = case
                self.stream.write("bench [%d/%d] %s (%s elapsed)\n" % (
                    index + 1, self.total, case, _clock(elapsed)))
                self.stream.flush()
            return
        frac = min(1.0, (index + within) / self.total)
        bar = "#" * int(24 * frac)
        eta = " eta %s" % _clock(elapsed / frac - elapsed) if frac > 0.02 else ""
        line = "[%-24s] %3d%% %d/%d %s | %s | %s%s" % (bar, 100 * frac, index + 1, self.total,
                                                       case, detail, _clock(elapsed), eta)
        line = line[:150]
        self.stream.write("\r" + line.ljust(self.width))
        self.stream.flush()
        self.width = len(line)

    def done(self):
        if self.tty:
            self.stream.write("\r" + " " * self.width + "\r")
            self.stream.flush()


def _clock(s):
    s = int(s)
    return "%d:%02d" % (s // 60, s % 60) if s < 3600 else "%d:%02d:%02d" % (
        s // 3600, s // 60 % 60, s % 60)


def _stats(values):
    return {"median": statistics.median(values), "min": min(values), "max": max(values),
            "reps": len(values)}


class Runner(object):
    def __init__(self, opts):
        """opts: backends (list), torch (bool), threads, repeat, quick, epoch, suites,
        budget_s, warmup, min_sample_s, timeout_s, filter, progress (bool)."""
        self.opts = opts
        self.env = self.base_env()
        self.columns, self.unavailable = [], {}

    def base_env(self):
        env = dict(os.environ)
        n = str(self.opts.threads)
        for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
            env[var] = n
        env.pop("OZTORCH_BACKEND", None)
        # PyTorch (OpenMP) and OpenBLAS (its own pthreads) keep separate thread pools that spin
        # while idle; with as many threads as cores each pool's spinning starves the other, and
        # a training step of the small MLP took 10-40x longer here (docs/benchmarks.md). Passive
        # waiting is what makes the numbers meaningful; OMP_WAIT_POLICY=active in the
        # environment restores libgomp's default.
        env.setdefault("OMP_WAIT_POLICY", "PASSIVE")
        # the workers start by file path: make the oztorch we were started from importable
        import oztorch
        root = os.path.dirname(os.path.dirname(os.path.abspath(oztorch.__file__)))
        paths = [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p and p != root]
        env["PYTHONPATH"] = os.pathsep.join([root] + paths)
        return env

    def column_env(self, backend):
        env = dict(self.env)
        if backend is not None:
            env["OZTORCH_BACKEND"] = backend
        return env

    # ------------------------------------------------------------------------------ discovery
    def discover(self):
        """Starts a worker per backend (and PyTorch); keeps those that load."""
        o = self.opts
        common = ["--threads", str(o.threads)] + (["--quick"] if o.quick else []) + (
            ["--epoch"] if o.epoch else [])
        wanted = [Column(b, "oztorch", self.column_env(b),
                         ["--module", "oztorch", "--backend", b] + common, backend=b)
                  for b in o.backends]
        if o.torch:
            wanted.append(Column("torch", "torch", self.column_env(None),
                                 ["--module", "torch", "--device", "cpu"] + common))
        for col in wanted:
            self.note("starting %s" % col.name)
            why = col.start()
            if why:
                self.unavailable[col.name] = why.strip() or "unknown reason"
            else:
                self.columns.append(col)
        if o.torch and "torch" not in self.unavailable and any(
                c.device.startswith("cuda") for c in self.columns):
            col = Column("torch_cuda", "torch", self.column_env(None),
                         ["--module", "torch", "--device", "cuda"] + common)
            why = col.start()
            if why:
                self.unavailable[col.name] = why.strip()
            else:
                self.columns.append(col)
        return self.columns

    def note(self, text):
        if self.opts.progress:
            sys.stderr.write("bench: %s\n" % text)
            sys.stderr.flush()

    def reference(self, col):
        """The PyTorch column a column's ratio is taken against."""
        names = [c.name for c in self.columns]
        if col.device.startswith("cuda") and "torch_cuda" in names:
            return "torch_cuda"
        return "torch" if "torch" in names else None

    # ------------------------------------------------------------------------------ timing
    def run_case(self, case, index, progress):
        o = self.opts
        cells, plans = {}, {}
        ncols = len(self.columns)
        for i, col in enumerate(self.columns):
            progress.update(index, case.name, "%s setup" % col.name, i / (ncols * 2.0))
            if col.proc is None:  # died in an earlier case: give it another chance
                why = col.start()
                if why:
                    cells[col.name] = error_cell("the worker could not be restarted: " + why)
                    continue
            try:
                r = col.request({"cmd": "setup", "case": case.name, "warmup": o.warmup,
                                 "warmup_s": o.budget_s / 4.0, "min_sample_s": o.min_sample_s},
                                o.timeout_s)
            except WorkerDied as e:
                cells[col.name] = error_cell(str(e))
                continue
            if r.get("status") != "ok":
                cells[col.name] = blank_cell(r.get("status", "error"),
                                             r.get("reason") or "no reason given")
                continue
            sample_s = r["number"] * r["call_s"]
            reps = o.repeat
            if sample_s * reps > o.budget_s:
                reps = max(min(case.min_reps, o.repeat), int(o.budget_s // sample_s))
            plans[col.name] = {"reps": reps, "number": r["number"], "times": [],
                               "served_by": r.get("served_by"), "sample_s": sample_s}
        total = sum(p["reps"] for p in plans.values()) or 1
        done = 0
        active = [c for c in self.columns if c.name in plans]
        rounds = max([p["reps"] for p in plans.values()] or [0])
        for r in range(rounds):
            order = active[r % len(active):] + active[:r % len(active)] if active else []
            for col in order:
                plan = plans.get(col.name)
                if plan is None or r >= plan["reps"]:
                    continue
                progress.update(index, case.name, "%s %d/%d" % (col.name, r + 1, plan["reps"]),
                                0.5 + 0.5 * done / total)
                done += 1
                try:
                    res = col.request({"cmd": "run"}, max(o.timeout_s, 20 * plan["sample_s"]))
                except WorkerDied as e:
                    cells[col.name] = error_cell(str(e))
                    plans.pop(col.name)
                    continue
                if "error" in res:
                    cells[col.name] = error_cell(res["error"])
                    plans.pop(col.name)
                    continue
                plan["times"].append(res["t"])
        for col in active:
            if col.proc is not None:
                try:
                    col.request({"cmd": "teardown"}, o.timeout_s)
                except WorkerDied:
                    pass
            plan = plans.get(col.name)
            if plan is not None:
                cells[col.name] = ok_cell(_stats(plan["times"]), case, plan["number"],
                                          plan["served_by"])
        return cells

    def run_startup(self, index, progress):
        """The three startup rows: a fresh interpreter per sample, columns interleaved."""
        samples = {c.name: [] for c in self.columns}
        errors = {}
        reps = max(3, self.opts.repeat)
        for r in range(reps):
            order = self.columns[r % len(self.columns):] + self.columns[:r % len(self.columns)]
            for col in order:
                if col.name in errors:
                    continue
                progress.update(index, "startup", "%s %d/%d" % (col.name, r + 1, reps),
                                r / float(reps))
                mod = "torch" if col.module == "torch" else "oztorch"
                try:
                    p = subprocess.run([sys.executable, "-c", STARTUP_SNIPPET, mod], env=col.env,
                                       capture_output=True, text=True, timeout=300)
                    line = p.stdout.strip().splitlines()[-1] if p.stdout.strip() else ""
                    if p.returncode != 0 or not line:
                        raise RuntimeError("exit status %d: %s" % (
                            p.returncode, (p.stderr.strip().splitlines() or ["?"])[-1]))
                    samples[col.name].append(json.loads(line))
                except Exception as e:  # recorded in the cell
                    errors[col.name] = "%s: %s" % (type(e).__name__, e)
        mib = 1024.0 ** 2
        extract = {
            "import time": lambda s: s["import_s"],
            "RSS after import": lambda s: s["rss"] / mib,
            "RSS added by import": lambda s: (s["rss"] - s["rss_before"]) / mib,
        }
        rows = {}
        for case in self.cases:
            if case.suite != "startup":
                continue
            cells = {}
            for col in self.columns:
                if col.name in errors:
                    cells[col.name] = error_cell(errors[col.name])
                else:
                    values = [extract[case.name](s) for s in samples[col.name]]
                    cells[col.name] = ok_cell(_stats(values), case, 1, None)
            rows[case.name] = cells
        return rows

    def run(self):
        o = self.opts
        self.cases = [c for c in cases.build(o.quick, o.epoch, o.suites)
                      if not o.filter or o.filter in c.name]
        timed = [c for c in self.cases if c.suite != "startup"]
        has_startup = any(c.suite == "startup" for c in self.cases)
        progress = Progress(len(timed) + (1 if has_startup else 0), enabled=o.progress)
        results = {}
        try:
            for i, case in enumerate(timed):
                results[case.name] = self.run_case(case, i, progress)
            for col in self.columns:  # idle workers would only add noise to the startup runs
                col.stop()
            if has_startup and self.columns:
                results.update(self.run_startup(len(timed), progress))
        finally:
            progress.done()
            for col in self.columns:
                col.stop()
        return results


CELL_KEYS = ("status", "reason", "median", "min", "max", "median_s", "min_s", "max_s", "reps",
             "number", "gflops", "gbs")


def blank_cell(status, reason):
    cell = dict.fromkeys(CELL_KEYS)
    cell.update(status=status, reason=reason)
    return cell


def ok_cell(stats, case, number, served_by):
    cell = blank_cell("ok", None)
    cell.update(median=stats["median"], min=stats["min"], max=stats["max"], reps=stats["reps"],
                number=number)
    is_time = case.unit == "s"
    for k in ("median", "min", "max"):
        cell[k + "_s"] = stats[k] if is_time else None
    kind, value = cases.rate(case.work_units(), stats["median"]) if is_time else (None, None)
    cell["gflops"] = value if kind == "gflops" else None
    cell["gbs"] = value if kind == "gbs" else None
    if served_by:
        cell["served_by"] = served_by
    return cell


def error_cell(reason):
    return blank_cell("error", reason)
