"""python -m oztorch.bench: run the benchmark suites on every OzTorch backend and real PyTorch.

Each backend (OZTORCH_BACKEND=<name>) and PyTorch run in their own worker process with the same
thread count; repetitions are interleaved across them. Backends that cannot run are listed with
the reason. Writes DIR/bench.{txt,md,json,csv} and bench.png (with matplotlib).
"""

import argparse
import os
import shlex
import sys

from . import cases, machine, report, runner

ALL_BACKENDS = ("cpu_naive", "cpu_blas", "cuda")
# (repeat, warm-up calls, min seconds per sample, seconds per case and column)
FULL = (10, 2, 0.05, 10.0)
QUICK = (3, 1, 0.005, 0.5)


def default_threads():
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def parse_args(argv):
    p = argparse.ArgumentParser(
        prog="python -m oztorch.bench", description=__doc__.split("\n\n")[1],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="Output explained in docs/benchmarks.md. Cells: median [min-max] per call, "
               "and GFLOP/s or GB/s; ratio = backend time / PyTorch time.")
    p.add_argument("--backends", default=",".join(ALL_BACKENDS),
                   help="comma list of OZTORCH_BACKEND values (default: %(default)s)")
    p.add_argument("--no-torch", action="store_true",
                   help="do not run real PyTorch (it runs by default when importable)")
    p.add_argument("--suite", default="all",
                   help="comma list of %s, or all (default)" % ", ".join(cases.SUITES))
    p.add_argument("--quick", action="store_true",
                   help="small sizes, %d repetitions: a smoke run in well under a minute"
                   % QUICK[0])
    p.add_argument("--epoch", action="store_true",
                   help="models suite: also one full training epoch (60000 Fashion-MNIST images)")
    p.add_argument("--threads", type=int, default=default_threads(),
                   help="threads per process (torch.set_num_threads, OMP_NUM_THREADS, "
                   "OPENBLAS_NUM_THREADS, MKL_NUM_THREADS; default: all cores = %(default)s)")
    p.add_argument("--repeat", type=int, help="samples per case and column (default: %d, "
                   "--quick: %d; slow cells get fewer, at least 3)" % (FULL[0], QUICK[0]))
    p.add_argument("--budget", type=float, help="seconds of samples per case and column before "
                   "the repetitions are cut (default: %g, --quick: %g)" % (FULL[3], QUICK[3]))
    p.add_argument("--filter", default="", help="only the cases whose name contains this")
    p.add_argument("--out", default="oztorch-bench", help="output folder (default: %(default)s)")
    p.add_argument("--timeout", type=float, default=900.0,
                   help="seconds a worker may take for one request before it is killed")
    p.add_argument("--no-chart", action="store_true", help="do not write bench.png")
    p.add_argument("--no-progress", action="store_true", help="no progress bar on stderr")
    args = p.parse_args(argv)

    suites = list(cases.SUITES) if args.suite == "all" else [
        s.strip() for s in args.suite.split(",") if s.strip()]
    bad = [s for s in suites if s not in cases.SUITES]
    if bad or not suites:
        p.error("unknown suite %s (choose from %s, all)" % (", ".join(bad) or "''",
                                                           ", ".join(cases.SUITES)))
    backends = [b.strip() for b in args.backends.split(",") if b.strip()]
    if not backends:
        p.error("--backends is empty")
    if args.threads < 1:
        p.error("--threads must be at least 1")
    repeat, warmup, min_sample_s, budget = QUICK if args.quick else FULL
    return argparse.Namespace(
        backends=backends, torch=not args.no_torch, suites=suites, quick=args.quick,
        epoch=args.epoch, threads=args.threads, repeat=max(1, args.repeat or repeat),
        warmup=warmup, min_sample_s=min_sample_s,
        budget_s=args.budget if args.budget is not None else budget, filter=args.filter,
        out=args.out, timeout_s=args.timeout, chart=not args.no_chart,
        progress=not args.no_progress)


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    opts = parse_args(argv)
    command = " ".join(shlex.quote(a) for a in [sys.executable, "-m", "oztorch.bench"] + argv)
    run = runner.Runner(opts)
    header = machine.collect(opts.threads, run.env)
    columns = run.discover()
    for name, why in run.unavailable.items():
        sys.stderr.write("bench: %s is not available: %s\n" % (
            name, why.strip().replace("\n", "\n    ")))
    if not any(c.module == "oztorch" for c in columns):
        sys.stderr.write("bench: no OzTorch backend could run; nothing to measure\n")
        for c in columns:
            c.stop()
        return 2
    results = run.run()
    header["load_average_after"] = machine.loadavg()
    doc = report.build_document(run, results, header, command)
    paths, text, no_chart = report.write_all(doc, opts.out, opts.chart)
    sys.stdout.write(text)
    sys.stdout.write("\nwrote %s\n" % ", ".join(paths[k] for k in ("txt", "md", "json", "csv",
                                                                     "png") if k in paths))
    if no_chart and opts.chart:
        sys.stdout.write("no chart: %s\n" % no_chart)
    errors = sum(1 for r in doc["rows"] for c in r["columns"].values()
                 if c["status"] == "error")
    if errors:
        sys.stderr.write("bench: %d cell%s failed (see the notes under the table)\n" % (
            errors, "" if errors == 1 else "s"))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
