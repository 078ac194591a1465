#!/usr/bin/env bash
# Installs the Debian packages scopeflow builds and tests with. Idempotent: does nothing when
# every package is already present, and runs `apt-get update` only when something is missing.
set -euo pipefail

packages=(
  build-essential cmake ninja-build clang libclang-rt-14-dev
  python3-dev python3-numpy python3-pytest pybind11-dev
  libabsl-dev libfmt-dev libcli11-dev libeigen3-dev libopenblas-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  protobuf-compiler libprotobuf-dev python3-protobuf libleveldb-dev
)
# `--peers`: also what `make bench-peers` compares against (libtorch, large; not for tests).
if [ "${1:-}" = "--peers" ]; then
  packages+=(libtorch-dev)
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
