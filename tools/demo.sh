#!/bin/bash
# Builds and installs the package into a temporary folder, then runs examples/demo.py on it
# with /usr/bin/python3 (a few ops on every loaded backend). Shuts the Bazel server down after.
set -euo pipefail
cd "$(dirname "$0")/.."
source tools/deps.sh
oz_install_deps

site="$(mktemp -d "${TMPDIR:-/tmp}/oztorch-demo.XXXXXX")"
trap 'bazel shutdown; rm -rf "$site"' EXIT
bazel run //:install -- --target "$site"
PYTHONPATH="$site" /usr/bin/python3 examples/demo.py "$@"
