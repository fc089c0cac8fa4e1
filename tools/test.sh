#!/bin/bash
# THE test command: installs missing system packages, then `bazel test //...` (C tests and the
# Python suite). Extra arguments go to bazel test, e.g. tools/test.sh //tests/c/...
# Always shuts the Bazel server down at the end; exits with bazel test's status.
set -euo pipefail
cd "$(dirname "$0")/.."
source tools/deps.sh
oz_install_deps

trap 'bazel shutdown' EXIT
targets=("$@")
[[ ${#targets[@]} -gt 0 ]] || targets=(//...)
bazel test "${targets[@]}"
