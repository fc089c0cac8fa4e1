#!/bin/bash
# Runs tests/python against an installed copy of the package, as a user would import it.
# Working directory: the test's runfiles tree (the repo root layout), where `oztorch` is not
# importable by accident (the package lives in python/oztorch). Extra arguments go to pytest,
# e.g. bazel test //tests/python:pytest --test_arg=-k --test_arg=add
set -euo pipefail

site="${TEST_TMPDIR:?run me with bazel test}/site"
/usr/bin/python3 tools/install.py --target "$site"

export PYTHONPATH="$site"
export PYTHONDONTWRITEBYTECODE=1  # keep the runfiles tree clean
args=(-q -p no:cacheprovider)
if [[ -n "${XML_OUTPUT_FILE:-}" ]]; then args+=(--junitxml="$XML_OUTPUT_FILE"); fi
exec /usr/bin/python3 -m pytest "${args[@]}" "$@" tests/python
