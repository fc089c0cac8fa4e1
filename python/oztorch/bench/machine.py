"""The header of a benchmark report: what machine and which libraries produced the numbers.

Everything here is read without importing torch (the workers report their own module's version
and build) and degrades to None when the information is not available on the platform.
"""

import ctypes
import ctypes.util
import os
import platform
import shutil
import subprocess
import sys

# The SIMD flags that matter for float32 kernels, as /proc/cpuinfo spells them (x86 and ARM).
SIMD_FLAGS = ("sse4_2", "avx", "avx2", "fma", "f16c", "avx512f", "avx512dq", "avx512bw",
              "avx512vl", "avx512_vnni", "avx512_bf16", "avx512_fp16", "avx_vnni", "amx_tile",
              "amx_bf16", "amx_int8", "neon", "asimd", "asimdhp", "sve", "sve2")
# Environment variables that change what the BLAS libraries do.
ENV_VARS = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS",
            "MKL_NUM_THREADS", "OMP_WAIT_POLICY", "GOMP_SPINCOUNT", "OMP_PROC_BIND",
            "OZTORCH_FALLBACK", "OZTORCH_CHECK", "OZTORCH_PLUGIN_PATH")

# (key of the torch worker's config, label in the header)
TORCH_CONFIG = (("cpu_capability", "CPU capability"), ("BLAS_INFO", "BLAS"),
                ("onednn", "oneDNN"), ("mkl", "MKL"), ("openmp", "OpenMP"), ("cuda", "CUDA"),
                ("cudnn", "cuDNN"))


def _read(path):
    try:
        with open(path) as f:
            return f.read()
    except OSError:
        return ""


def cpu_info():
    text = _read("/proc/cpuinfo")
    model, flags, cores = None, set(), set()
    physical = None
    for line in text.splitlines():
        key, _, value = line.partition(":")
        key, value = key.strip(), value.strip()
        if key in ("model name", "Model", "Processor") and not model:
            model = value
        elif key in ("flags", "Features"):
            flags.update(value.split())
        elif key == "physical id":
            physical = value
        elif key == "core id":
            cores.add((physical, value))
    try:
        usable = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        usable = os.cpu_count()
    return {
        "cpu": model or platform.processor() or platform.machine(),
        "arch": platform.machine(),
        "logical_cpus": os.cpu_count(),
        "physical_cores": len(cores) or None,
        "usable_cpus": usable,
        "simd": [f for f in SIMD_FLAGS if f in flags],
        "hypervisor": "hypervisor" in flags,
    }


def memory_gib():
    for line in _read("/proc/meminfo").splitlines():
        if line.startswith("MemTotal:"):
            return round(int(line.split()[1]) / 1024.0 ** 2, 1)
    return None


def os_name():
    for line in _read("/etc/os-release").splitlines():
        if line.startswith("PRETTY_NAME="):
            return line.split("=", 1)[1].strip().strip('"')
    return platform.platform()


def openblas():
    """OpenBLAS's own view: the kernel core type it picked, its build config, its threads.
    Loading it here does not affect the workers (each process loads its own)."""
    out = {"library": None, "core": None, "config": None}
    name = ctypes.util.find_library("openblas")
    if not name:
        return out
    try:
        lib = ctypes.CDLL(name)
    except OSError:
        return out
    out["library"] = name
    for key, sym in (("core", "openblas_get_corename"), ("config", "openblas_get_config")):
        fn = getattr(lib, sym, None)
        if fn is not None:
            fn.restype = ctypes.c_char_p
            value = fn()
            out[key] = value.decode(errors="replace").strip() if value else None
    libblas = "/usr/lib/x86_64-linux-gnu/libblas.so.3"
    if os.path.exists(libblas):
        out["libblas.so.3"] = os.path.realpath(libblas)  # what torch's generic BLAS resolves to
    return out


def _version(module):
    try:
        mod = __import__(module)
        return getattr(mod, "__version__", "?")
    except Exception:
        return None


def compiler():
    cc = shutil.which("gcc") or shutil.which("cc")
    if not cc:
        return None
    try:
        out = subprocess.run([cc, "--version"], capture_output=True, text=True, timeout=10)
        return out.stdout.splitlines()[0] if out.stdout else None
    except (OSError, subprocess.SubprocessError):
        return None


def gpus():
    smi = shutil.which("nvidia-smi")
    if not smi:
        return []
    try:
        out = subprocess.run([smi, "--query-gpu=name,driver_version,memory.total",
                              "--format=csv,noheader"], capture_output=True, text=True,
                             timeout=20)
        return [line.strip() for line in out.stdout.splitlines() if line.strip()]
    except (OSError, subprocess.SubprocessError):
        return []


def loadavg():
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except (AttributeError, OSError):
        return None


def collect(threads, env):
    """The machine header; `env` is the environment the workers run in."""
    info = cpu_info()
    info.update({
        "memory_gib": memory_gib(),
        "os": os_name(),
        "kernel": platform.release(),
        "python": "%s (%s)" % (platform.python_version(), sys.executable),
        "numpy": _version("numpy"),
        "matplotlib": _version("matplotlib"),
        "compiler": compiler(),
        "openblas": openblas(),
        "gpus": gpus(),
        "threads": threads,
        "load_average": loadavg(),
        "env": {k: env.get(k) for k in ENV_VARS if env.get(k) is not None},
    })
    return info


def header_lines(machine, workers):
    """Human-readable header: the machine, then one line per column's module and build."""
    m = machine
    cores = "%s logical CPUs" % m.get("logical_cpus")
    if m.get("physical_cores"):
        cores += ", %s physical cores" % m["physical_cores"]
    if m.get("usable_cpus") != m.get("logical_cpus"):
        cores += ", %s usable" % m.get("usable_cpus")
    lines = [
        "machine   %s (%s), %s, %s GiB%s" % (m.get("cpu"), m.get("arch"), cores,
                                             m.get("memory_gib"),
                                             ", virtual machine" if m.get("hypervisor") else ""),
        "SIMD      %s" % (" ".join(m.get("simd") or []) or "-"),
        "system    %s, Linux %s, Python %s" % (m.get("os"), m.get("kernel"), m.get("python")),
    ]
    ob = m.get("openblas") or {}
    if ob.get("library"):
        lines.append("OpenBLAS  core %s; %s%s" % (ob.get("core"), ob.get("config"),
                                                   "; libblas.so.3 -> %s" % ob["libblas.so.3"]
                                                   if ob.get("libblas.so.3") else ""))
    else:
        lines.append("OpenBLAS  not found")
    libs = ["numpy %s" % m.get("numpy")]
    if m.get("matplotlib"):
        libs.append("matplotlib %s" % m["matplotlib"])
    if m.get("compiler"):
        libs.append(m["compiler"])
    lines.append("libraries %s" % ", ".join(libs))
    for g in m.get("gpus") or []:
        lines.append("GPU       %s" % g)
    env = m.get("env") or {}
    load = m.get("load_average")
    if load:
        after = m.get("load_average_after")
        lines.append("load      %s (1, 5, 15 min) at the start%s" % (
            " ".join("%.2f" % x for x in load),
            "; %s at the end" % " ".join("%.2f" % x for x in after) if after else ""))
    lines.append("threads   %s per process; %s" % (
        m.get("threads"), " ".join("%s=%s" % kv for kv in sorted(env.items())) or "-"))
    for name, info in workers.items():
        if info.get("module") == "torch":
            cfg = info.get("config") or {}
            extra = ["%s %s" % (label, cfg[k]) for k, label in TORCH_CONFIG if cfg.get(k)]
            lines.append("%-9s PyTorch %s on %s, %s threads; %s" % (
                name, info.get("version"), info.get("device"), info.get("threads"),
                "; ".join(extra)))
        else:
            plugin = next((p for p in info.get("plugins") or []
                           if p.get("name") == info.get("backend")), {})
            lines.append("%-9s OzTorch %s on %s, backend %s (%s, ABI %s.%s)" % (
                name, info.get("version"), info.get("device"), info.get("backend"),
                plugin.get("version"), plugin.get("abi_major"), plugin.get("abi_minor")))
    return lines
