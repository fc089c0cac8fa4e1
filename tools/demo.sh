#!/bin/bash
# The main job. Builds and installs the package into a temporary folder, checks a few ops on every
# loaded backend against PyTorch (examples/demo.py), then trains the Fashion-MNIST CNN
# (examples/fashion_mnist.py) with OzTorch on every backend that loads and with real PyTorch, and
# prints a table: test accuracy, mean epoch time and the time relative to PyTorch.
#   bash tools/demo.sh                           # 3 epochs per run
#   EPOCHS=1 bash tools/demo.sh                  # quicker
#   bash tools/demo.sh --limit 10000 --lr 1e-3   # extra options go to every fashion_mnist.py run
# Environment: EPOCHS (default 3); BACKENDS, a space-separated list of OzTorch backends (default:
# every one that loads); TORCH=0 skips real PyTorch; OPS=0 skips the op check; OZ_SITE=DIR uses the
# oztorch already installed in DIR instead of building with Bazel.
# Exit status: 0 when every run finished, 1 otherwise.
set -euo pipefail
cd "$(dirname "$0")/.."
source tools/deps.sh
oz_install_deps

work="$(mktemp -d "${TMPDIR:-/tmp}/oztorch-demo.XXXXXX")"
if [[ -n "${OZ_SITE:-}" ]]; then
  site="$OZ_SITE"
  trap 'rm -rf "$work"' EXIT
else
  site="$work/site"
  trap 'bazel shutdown; rm -rf "$work"' EXIT
  bazel run //:install -- --target "$site"
fi
export PYTHONPATH="$site${PYTHONPATH:+:$PYTHONPATH}"
py=/usr/bin/python3

if [[ "${OPS:-1}" != 0 ]]; then
  echo "== The same ops on every backend (examples/demo.py) =="
  $py examples/demo.py || echo "(the op check found differences; training anyway)"
  echo
fi

# The backends that load here, in priority order (the dispatcher's own list, OZTORCH_BACKEND unset).
if [[ -z "${BACKENDS:-}" ]]; then
  BACKENDS="$(env -u OZTORCH_BACKEND $py -c 'import oztorch
print(" ".join(p["name"] for p in oztorch._C._plugin_info() if p["loaded"]))')"
fi
runs=()
for backend in $BACKENDS; do runs+=("oztorch:$backend"); done
[[ "${TORCH:-1}" == 0 ]] || runs+=("torch:-")

# One training run; its RESULT line (see examples/fashion_mnist.py) goes to $work/results.
train() {
  local framework="$1" backend="$2" label="$3" options=()
  shift 3
  [[ "$backend" == - ]] || options=(--backend "$backend")
  echo "== Fashion-MNIST: $label =="
  set +e
  $py examples/fashion_mnist.py --framework "$framework" "${options[@]}" \
    --epochs "${EPOCHS:-3}" --checkpoint "$work/${label//\//-}.pt" "$@" |
    tee "$work/log"
  local status=${PIPESTATUS[0]}
  set -e
  local result
  result="$(grep '^RESULT ' "$work/log" | tail -n 1 || true)"
  if [[ $status -ne 0 || -z "$result" ]]; then
    result="RESULT framework=$framework backend=$backend FAILED exit=$status"
  fi
  echo "$label $result" >> "$work/results"
  echo
}
for run in "${runs[@]}"; do
  framework="${run%%:*}" backend="${run#*:}"
  label="$framework"
  [[ "$backend" == - ]] || label="$framework/$backend"
  train "$framework" "$backend" "$label" "$@"
done

# field NAME LINE: the value of NAME=value in a RESULT line
field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<"$2"; }
torch_time="$(field epoch_time "$(grep '^torch ' "$work/results" || true)")"
echo "== Fashion-MNIST CNN, ${EPOCHS:-3} epoch(s) per run =="
printf "  %-22s %14s %16s %14s\n" \
  "framework/backend" "test accuracy" "mean epoch time" "time / torch"
status=0
while read -r label line; do
  if grep -q FAILED <<<"$line"; then
    printf "  %-22s %14s\n" "$label" "FAILED ($(field exit "$line"))"
    status=1
    continue
  fi
  time_s="$(field epoch_time "$line")"
  ratio="-"
  if [[ -n "$torch_time" ]]; then
    ratio="$(awk -v a="$time_s" -v b="$torch_time" 'BEGIN { printf "%.2fx", a / b }')"
  fi
  printf "  %-22s %13s%% %15ss %14s\n" "$label" "$(field accuracy "$line")" "$time_s" "$ratio"
done < "$work/results"
exit $status
