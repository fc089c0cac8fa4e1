"""The module the examples use as `torch`: OzTorch (the default) or real PyTorch.

Every example starts with `from _framework import torch` and from then on uses only PyTorch's
API, so one file runs on both. The choice is read from the command line as this module is
imported, before anything else: OZTORCH_BACKEND must be set before oztorch loads its backends,
and the examples define their nn.Module classes at module level.

  --framework {oztorch,torch}  which module to import (default: $OZ_FRAMEWORK, else oztorch)
  --backend NAME               OZTORCH_BACKEND for oztorch, e.g. cpu_naive or my_backend,cpu_blas
  --threads N                  torch.set_num_threads(N)

Each example passes its argparse parser to add_arguments() so these options appear in --help.
"""
import argparse
import importlib
import os
import sys

FRAMEWORKS = ("oztorch", "torch")
FRAMEWORK_ENV = "OZ_FRAMEWORK"


def add_arguments(parser):
    """Adds --framework, --backend and --threads to an example's argument parser."""
    parser.add_argument("--framework", choices=FRAMEWORKS, default=_default_framework(),
                        help="the module imported as `torch` (default: $%s, else oztorch)"
                        % FRAMEWORK_ENV)
    parser.add_argument("--backend", metavar="NAME",
                        help="OZTORCH_BACKEND for oztorch, e.g. cpu_naive (default: unchanged)")
    parser.add_argument("--threads", type=int, metavar="N",
                        help="torch.set_num_threads(N) (default: the framework's choice)")
    return parser


def parse_step_args(doc, *, steps, samples, lr, optimizer, samples_help):
    """The options of the small full-batch examples (--steps --samples --lr --seed, plus the
    framework's), parsed and checked."""
    p = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    p.add_argument("--steps", type=int, default=steps, help="%s steps (%%(default)s)" % optimizer)
    p.add_argument("--samples", type=int, default=samples, help=samples_help + " (%(default)s)")
    p.add_argument("--lr", type=float, default=lr, help="learning rate (%(default)s)")
    p.add_argument("--seed", type=int, default=0, help="torch.manual_seed (%(default)s)")
    add_arguments(p)
    args = p.parse_args()
    if args.steps < 1 or args.samples < 1:
        p.error("--steps and --samples must be at least 1")
    return args


def _default_framework():
    return os.environ.get(FRAMEWORK_ENV) or "oztorch"


def _choose():
    """Parses the framework options out of sys.argv (the example parses the rest later)."""
    parser = add_arguments(argparse.ArgumentParser(prog=os.path.basename(sys.argv[0]),
                                                   add_help=False))
    args, _ = parser.parse_known_args()
    if args.framework not in FRAMEWORKS:  # only the environment variable can get here
        parser.error("%s=%r: expected one of %s" % (FRAMEWORK_ENV, args.framework,
                                                    ", ".join(FRAMEWORKS)))
    if args.threads is not None and args.threads < 1:
        parser.error("--threads must be at least 1, got %d" % args.threads)
    if args.backend:
        if args.framework != "oztorch":
            parser.error("--backend chooses an OzTorch backend; it needs --framework oztorch")
        os.environ["OZTORCH_BACKEND"] = args.backend
    return args


def _import(args):
    try:
        module = importlib.import_module(args.framework)
    except Exception as e:  # e.g. a backend asked for that does not load: say so and stop
        sys.exit("%s: cannot import %s: %s: %s" % (os.path.basename(sys.argv[0]), args.framework,
                                                   type(e).__name__, e))
    if args.threads is not None:
        module.set_num_threads(args.threads)
    return module


def backend():
    """What runs the ops: the OzTorch backends loaded, in priority order, or PyTorch's CPU."""
    if framework == "torch":
        return "aten-cpu"
    loaded = [p["name"] for p in torch._C._plugin_info() if p.get("loaded")]
    return "+".join(loaded) or "none"


def describe():
    """One line naming the framework, its version, where it came from and what runs the ops."""
    where = os.path.dirname(os.path.abspath(torch.__file__))
    if framework == "torch":
        return "torch %s from %s (%d threads)" % (torch.__version__, where,
                                                  torch.get_num_threads())
    return "oztorch %s from %s, backend %s" % (torch.__version__, where, backend())


_args = _choose()
framework = _args.framework
torch = _import(_args)
