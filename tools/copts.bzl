"""Compiler and linker flags shared by the BUILD files."""

# Everything that ends up in a shared object (_C.so, plugins) is compiled with hidden visibility,
# so the only exported symbols are the ones marked on purpose: PyInit__C (PyMODINIT_FUNC) and a
# plugin's oz_backend_init (OZ_EXPORT). This keeps the core's symbols from clashing with those of
# other extensions or plugins loaded in the same process.
HIDDEN = ["-fvisibility=hidden"]

# Bazel's toolchain links every binary with -lstdc++ and -no-as-needed; our C shared objects
# should only record the libraries they really use.
SHARED_LINKOPTS = ["-Wl,--as-needed"]

# A plugin must be self-contained: it reaches the core only through the host table, so any
# undefined symbol at link time is a bug (e.g. a plugin calling a core function directly).
PLUGIN_LINKOPTS = SHARED_LINKOPTS + ["-Wl,--no-undefined", "-lm"]
