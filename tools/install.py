#!/usr/bin/python3
"""Installs the oztorch package (Python files, _C.so, backend plugins) into DIR/oztorch.

    bazel run //:install -- [--target DIR]      # default DIR: /usr/bin/python3's user site
    python3 tools/install.py --target DIR       # from a runfiles tree (tests do this)

The files are taken from the runfiles tree this script sits in (ROOT = the folder above tools/):
    ROOT/python/oztorch/**/*.py         -> DIR/oztorch/**/*.py
    ROOT/python/_C.so                   -> DIR/oztorch/_C.so
    ROOT/backends/<name>/<name>.so      -> DIR/oztorch/backends/<name>.so  (every plugin present)
The new package is assembled next to DIR/oztorch and swapped in with renames, so an old install
is replaced whole and a failed install leaves the old one untouched.
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))  # not realpath: stay in the runfiles tree


def user_site():
    # The site of the interpreter the tests and users run, not necessarily the one running us.
    out = subprocess.run(["/usr/bin/python3", "-m", "site", "--user-site"],
                         check=True, capture_output=True, text=True)
    return out.stdout.strip()


def collect(root):
    """Returns [(source path, path relative to the package dir)]; fails if a part is missing."""
    files = []
    pkg = os.path.join(root, "python", "oztorch")
    for dirpath, dirnames, filenames in os.walk(pkg, followlinks=True):
        dirnames[:] = sorted(d for d in dirnames if d != "__pycache__")
        for name in sorted(filenames):
            if name.endswith(".py"):
                src = os.path.join(dirpath, name)
                files.append((src, os.path.relpath(src, pkg)))
    ext = os.path.join(root, "python", "_C.so")
    files.append((ext, "_C.so"))
    backends = os.path.join(root, "backends")
    plugins = []
    if os.path.isdir(backends):
        for name in sorted(os.listdir(backends)):
            so = os.path.join(backends, name, name + ".so")
            if os.path.isfile(so):
                plugins.append((so, os.path.join("backends", name + ".so")))
    missing = [src for src, _ in files if not os.path.isfile(src)]
    if not os.path.isfile(os.path.join(pkg, "__init__.py")):
        missing.append(os.path.join(pkg, "__init__.py"))
    if not plugins:
        missing.append(os.path.join(backends, "<name>", "<name>.so"))
    if missing:
        sys.exit("install.py: missing (not written yet, not built, or not in tools/BUILD's data; "
                 "run me with `bazel run //:install` or pass --root):\n  " + "\n  ".join(missing))
    return files + plugins


def install(files, target):
    os.makedirs(target, exist_ok=True)
    final = os.path.join(target, "oztorch")
    staging = tempfile.mkdtemp(prefix=".oztorch-new-", dir=target)
    try:
        for src, rel in files:
            dst = os.path.join(staging, rel)
            os.makedirs(os.path.dirname(dst), exist_ok=True)
            shutil.copyfile(src, dst)  # follows the runfiles symlinks
            os.chmod(dst, 0o755 if dst.endswith(".so") else 0o644)
        os.chmod(staging, 0o755)
        old = None
        if os.path.lexists(final):
            old = tempfile.mkdtemp(prefix=".oztorch-old-", dir=target)
            os.rename(final, os.path.join(old, "oztorch"))
        os.rename(staging, final)
        if old:
            shutil.rmtree(old)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return final


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--target", help="folder to install oztorch/ into "
                    "(default: `/usr/bin/python3 -m site --user-site`)")
    ap.add_argument("--root", default=os.path.dirname(HERE),
                    help="tree holding python/ and backends/ with the built files "
                    "(default: this script's runfiles tree)")
    args = ap.parse_args()
    target = args.target or user_site()
    # Under `bazel run` the working directory is the runfiles tree: relative paths mean the
    # user's directory.
    target = os.path.join(os.environ.get("BUILD_WORKING_DIRECTORY", os.getcwd()), target)
    files = collect(args.root)
    final = install(files, os.path.abspath(target))
    plugins = [os.path.basename(rel) for _, rel in files if rel.startswith("backends" + os.sep)]
    print(f"installed oztorch into {final} (plugins: {', '.join(plugins)})")


if __name__ == "__main__":
    main()
