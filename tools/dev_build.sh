#!/bin/bash
# Fast development build without Bazel: compiles _C.so and every plugin with gcc straight into an
# importable package folder, so several people can iterate without queueing on one Bazel server.
#   tools/dev_build.sh /tmp/ozdev && PYTHONPATH=/tmp/ozdev /usr/bin/python3 -m pytest tests/python
# The real build (what CI and `bazel run //:install` use) stays Bazel's.
set -euo pipefail
cd "$(dirname "$0")/.."
dest="${1:?usage: tools/dev_build.sh DEST_DIR}"
pkg="$dest/oztorch"
mkdir -p "$pkg/backends"
flags=(-std=c11 -O2 -g -fPIC -shared -fvisibility=hidden -Wall -Wextra -I.)
gcc "${flags[@]}" -DPy_LIMITED_API=0x030B0000 -I/usr/include/python3.11 \
  python/csrc/*.c core/*.c dispatch/*.c -ldl -lm -o "$pkg/_C.so.tmp"
mv "$pkg/_C.so.tmp" "$pkg/_C.so"
for dir in backends/*/; do
  name=$(basename "$dir")
  ls "$dir"*.c >/dev/null 2>&1 || continue
  gcc "${flags[@]}" -Wl,--version-script=tools/plugin_exports.lds "$dir"*.c -lm \
    -o "$pkg/backends/$name.so.tmp"
  mv "$pkg/backends/$name.so.tmp" "$pkg/backends/$name.so"
done
(cd python && find oztorch -name '*.py' -exec cp --parents {} "$dest" \;)
echo "built $pkg"
