"""`python -m oztorch.bench --quick --suite ops` runs and writes what docs/benchmarks.md promises:
the JSON schema, a column for every backend that loads (at least cpu_naive) and for real PyTorch,
every other backend listed as unavailable with its reason, and a cell for every column in every
row. Timings are never asserted (speed is measured, not tested)."""
import csv
import json
import os
import subprocess
import sys

import pytest

import conftest

CANDIDATES = ("cpu_naive", "cpu_blas", "cuda")
CELL_KEYS = {"status", "reason", "median", "min", "max", "median_s", "min_s", "max_s", "reps",
             "number", "gflops", "gbs"}
TOP_KEYS = {"schema", "created", "command", "options", "machine", "workers", "columns",
            "reference", "unavailable", "rows"}
ROW_KEYS = {"suite", "name", "unit", "work", "ops", "note", "columns", "ratio_to_torch"}


def bench_env():
    env = dict(os.environ)
    paths = [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p]
    oz = conftest.oz()  # the folder this process imported oztorch from comes first
    paths.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(oz.__file__))))
    env["PYTHONPATH"] = os.pathsep.join(paths)
    env.pop("OZTORCH_BACKEND", None)
    return env


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("bench")
    p = subprocess.run([sys.executable, "-m", "oztorch.bench", "--quick", "--suite", "ops",
                        "--out", str(out)], env=bench_env(), capture_output=True, text=True,
                       timeout=240, cwd=str(out))
    return p, out


def describe(p):
    return "exit %d\n--- stdout\n%s\n--- stderr\n%s" % (p.returncode, p.stdout[-6000:],
                                                       p.stderr[-6000:])


def load(quick_run):
    p, out = quick_run
    assert p.returncode == 0, describe(p)
    with open(out / "bench.json") as f:
        return json.load(f)


def test_quick_run_writes_every_output(quick_run):
    p, out = quick_run
    assert p.returncode == 0, describe(p)
    for name in ("bench.json", "bench.csv", "bench.txt", "bench.md"):
        assert (out / name).is_file(), "%s missing\n%s" % (name, describe(p))
    assert "matmul 64x64 fp32" in p.stdout, describe(p)


def test_json_schema(quick_run):
    doc = load(quick_run)
    assert TOP_KEYS <= set(doc), sorted(TOP_KEYS - set(doc))
    assert doc["schema"] == 1
    assert isinstance(doc["command"], str) and "oztorch.bench" in doc["command"]
    assert doc["options"]["quick"] is True and doc["options"]["suites"] == ["ops"]
    for key in ("cpu", "logical_cpus", "simd", "openblas", "threads", "python"):
        assert key in doc["machine"], key
    assert isinstance(doc["columns"], list) and doc["columns"]
    assert doc["rows"], "no rows"
    names = [r["name"] for r in doc["rows"]]
    assert len(names) == len(set(names)), "duplicate row names"
    oz_columns = [c for c in doc["columns"] if doc["workers"][c]["module"] == "oztorch"]
    for row in doc["rows"]:
        assert ROW_KEYS <= set(row), (row["name"], sorted(ROW_KEYS - set(row)))
        assert row["suite"] == "ops"
        assert row["unit"] == "s"
        assert set(row["columns"]) == set(doc["columns"]), row["name"]
        for col, cell in row["columns"].items():
            where = "%s / %s" % (row["name"], col)
            assert CELL_KEYS <= set(cell), (where, sorted(CELL_KEYS - set(cell)))
            assert cell["status"] in ("ok", "n/a", "error"), where
            if cell["status"] == "ok":
                assert cell["reps"] >= 1 and cell["number"] >= 1, where
                assert 0 < cell["min_s"] <= cell["median_s"] <= cell["max_s"], where
                assert cell["median"] == cell["median_s"], where
                assert cell["gflops"] is None or cell["gbs"] is None, where
                if row["work"]:
                    rate = cell["gflops"] if "flops" in row["work"] else cell["gbs"]
                    assert rate is not None and rate > 0, where
            else:
                assert isinstance(cell["reason"], str) and cell["reason"], where
                assert cell["median_s"] is None, where
        assert set(row["ratio_to_torch"]) == set(oz_columns), row["name"]
        for col, ratio in row["ratio_to_torch"].items():
            ok = row["columns"][col]["status"] == row["columns"]["torch"]["status"] == "ok"
            assert (ratio is not None and ratio > 0) if ok else ratio is None, (row["name"], col)
    # the suite as specified, whatever OzTorch implements yet
    for prefix in ("matmul", "conv2d fwd ", "conv2d fwd+bwd", "add", "mul", "relu", "sum",
                   "softmax", "a + b"):
        assert any(n.startswith(prefix) for n in names), prefix


def test_a_column_for_every_backend_that_loads(quick_run):
    doc = load(quick_run)
    assert "torch" in doc["columns"], "real PyTorch is importable here but has no column"
    assert "cpu_naive" in doc["columns"], doc["unavailable"]
    # never silently dropped: each candidate backend is a column or listed with its reason
    for name in CANDIDATES:
        assert (name in doc["columns"]) != (name in doc["unavailable"]), name
        if name in doc["unavailable"]:
            assert doc["unavailable"][name].strip(), name
    # every CPU plugin that loads in this process is benchmarked
    for info in conftest.oz()._C._plugin_info():
        if info.get("loaded") and info.get("device_type") in ("cpu", 0):
            assert info["name"] in doc["columns"], (info["name"], doc["unavailable"])
    for col in doc["columns"]:
        info = doc["workers"][col]
        assert info["module"] in ("oztorch", "torch")
        if info["module"] == "oztorch":
            assert info["backend"] == col
    # the ops OzTorch has today are measured for real on cpu_naive
    matmul = next(r for r in doc["rows"] if r["name"] == "matmul 64x64 fp32")
    assert matmul["columns"]["cpu_naive"]["status"] == "ok"
    assert matmul["columns"]["cpu_naive"]["served_by"] == {"matmul": "cpu_naive"}
    assert matmul["columns"]["torch"]["status"] == "ok"


def test_csv_has_a_line_per_cell(quick_run):
    doc = load(quick_run)
    with open(quick_run[1] / "bench.csv") as f:
        lines = list(csv.DictReader(f))
    assert len(lines) == len(doc["rows"]) * len(doc["columns"])
    assert {l["column"] for l in lines} == set(doc["columns"])
    assert {l["status"] for l in lines} <= {"ok", "n/a", "error"}


def test_unavailable_backend_is_listed_not_dropped(tmp_path):
    """A backend that does not exist gets a reason, and the run goes on with the others."""
    p = subprocess.run([sys.executable, "-m", "oztorch.bench", "--quick", "--suite", "ops",
                        "--backends", "cpu_naive,no_such_backend", "--no-torch",
                        "--filter", "matmul 64x64", "--no-chart", "--out", str(tmp_path)],
                       env=bench_env(), capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, describe(p)
    with open(tmp_path / "bench.json") as f:
        doc = json.load(f)
    assert doc["columns"] == ["cpu_naive"]
    assert "no_such_backend" in doc["unavailable"]
    assert "no_such_backend" in doc["unavailable"]["no_such_backend"]
    assert [r["name"] for r in doc["rows"]] == ["matmul 64x64 fp32"]
    assert doc["rows"][0]["ratio_to_torch"] == {"cpu_naive": None}
    assert "no_such_backend" in p.stdout  # the table's header lists it too
