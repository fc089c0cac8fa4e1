"""The environment around `import oztorch`, each case in a fresh interpreter: OZTORCH_BACKEND
naming something that does not exist is a clear error naming what was tried; a broken plugin in
OZTORCH_PLUGIN_PATH is reported by the doctor but does not break the import; the doctor runs."""
import os
import re
import subprocess
import sys
import textwrap

import pytest

import conftest

BROKEN_PLUGIN_C = textwrap.dedent("""
    /* Looks like a plugin but exports no oz_backend_init. */
    __attribute__((visibility("default"))) int not_an_entry_point(void) { return 42; }
""")


def python_env(**overrides):
    env = dict(os.environ)
    paths = [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p]
    if conftest.oztorch is not None:  # the folder this process imported oztorch from comes first
        paths.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(conftest.oztorch.__file__))))
    env["PYTHONPATH"] = os.pathsep.join(paths)
    for var in ("OZTORCH_BACKEND", "OZTORCH_PLUGIN_PATH"):
        env.pop(var, None)
    env.update(overrides)
    return env


def run_python(args, **env):
    return subprocess.run([sys.executable] + args, env=python_env(**env), capture_output=True,
                          text=True, timeout=120)


def describe(p):
    return "exit %d\n--- stdout\n%s\n--- stderr\n%s" % (p.returncode, p.stdout, p.stderr)


@pytest.fixture
def broken_plugin_dir(tmp_path):
    src = tmp_path / "broken_plugin.c"
    src.write_text(BROKEN_PLUGIN_C)
    subprocess.run(["gcc", "-shared", "-fPIC", "-fvisibility=hidden", "-o",
                    str(tmp_path / "broken_plugin.so"), str(src)], check=True)
    return tmp_path


SMOKE = "import oztorch as t; print((t.ones(2, 3) @ t.arange(3.).reshape(3, 1) + 1).tolist())"


def test_default_import_works():
    p = run_python(["-c", SMOKE])
    assert p.returncode == 0, describe(p)
    assert p.stdout.strip() == "[[4.0], [4.0]]", describe(p)


def test_backend_cpu_naive_works():
    p = run_python(["-c", SMOKE], OZTORCH_BACKEND="cpu_naive")
    assert p.returncode == 0, describe(p)
    assert p.stdout.strip() == "[[4.0], [4.0]]", describe(p)


def test_unknown_backend_is_a_clear_import_error():
    p = run_python(["-c", "import oztorch"], OZTORCH_BACKEND="nosuch")
    assert p.returncode == 1, "expected a Python exception, not success or a crash\n" + describe(p)
    assert re.search(r"^\w*Error: .*nosuch", p.stderr, re.M), "no exception naming it\n" + describe(p)
    assert "nosuch" in p.stderr, describe(p)
    assert "nosuch.so" in p.stderr, "the message must name the paths tried\n" + describe(p)
    assert "Segmentation" not in p.stderr


def test_unknown_backend_path_names_the_path(tmp_path):
    missing = str(tmp_path / "missing" / "mine.so")
    p = run_python(["-c", "import oztorch"], OZTORCH_BACKEND=missing)
    assert p.returncode == 1, describe(p)
    assert missing in p.stderr, describe(p)


def test_doctor_runs():
    p = run_python(["-m", "oztorch.doctor"])
    assert p.returncode == 0, describe(p)
    assert "cpu_naive" in p.stdout, describe(p)


def test_broken_plugin_on_plugin_path_does_not_break_import(broken_plugin_dir):
    p = run_python(["-c", SMOKE], OZTORCH_PLUGIN_PATH=str(broken_plugin_dir))
    assert p.returncode == 0, describe(p)
    assert p.stdout.strip() == "[[4.0], [4.0]]", describe(p)


def test_doctor_reports_the_broken_plugin(broken_plugin_dir):
    p = run_python(["-m", "oztorch.doctor"], OZTORCH_PLUGIN_PATH=str(broken_plugin_dir))
    assert p.returncode == 0, "an optional broken plugin is not a failure\n" + describe(p)
    assert "broken_plugin" in p.stdout, describe(p)
    assert "oz_backend_init" in p.stdout, "the doctor must say why it is broken\n" + describe(p)


def test_asking_for_the_broken_plugin_is_an_error(broken_plugin_dir):
    p = run_python(["-c", "import oztorch"], OZTORCH_BACKEND="broken_plugin",
                   OZTORCH_PLUGIN_PATH=str(broken_plugin_dir))
    assert p.returncode == 1, describe(p)
    assert "oz_backend_init" in p.stderr, describe(p)
    assert str(broken_plugin_dir / "broken_plugin.so") in p.stderr, describe(p)
