# Sourced by tools/test.sh and tools/demo.sh: installs the Debian packages the build and tests
# need, running apt only when one is missing (so it is quick and offline-safe when all are there).
OZ_PACKAGES=(bazel-bootstrap libopenblas-dev libdnnl-dev libgtest-dev python3-dev python3-pytest
             python3-numpy python3-torch dataset-fashion-mnist)

oz_install_deps() {
  local missing=() pkg
  for pkg in "${OZ_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" ||
      missing+=("$pkg")
  done
  [[ ${#missing[@]} -eq 0 ]] && return 0
  echo "installing missing packages: ${missing[*]}" >&2
  local sudo=()
  [[ $(id -u) -eq 0 ]] || sudo=(sudo)
  "${sudo[@]}" apt-get update
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y \
    "${missing[@]}"
}

# OpenBLAS misbehaves on this CPU unless told its core type (BUILDING.md); the environment
# normally sets these, but a bare CI shell may not.
export OPENBLAS_CORETYPE="${OPENBLAS_CORETYPE:-Haswell}"
export OPENBLAS_L2_SIZE="${OPENBLAS_L2_SIZE:-512}"
