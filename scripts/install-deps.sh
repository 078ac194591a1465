#!/usr/bin/env bash
# Installs the Debian packages scopeflow builds and tests with. Idempotent: does nothing when
# every package is already present, and runs `apt-get update` only when something is missing.
set -euo pipefail

packages=(
  build-essential cmake ninja-build clang libclang-rt-14-dev
  python3-dev python3-numpy python3-pytest pybind11-dev
  libabsl-dev libfmt-dev libcli11-dev libeigen3-dev libopenblas-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  protobuf-compiler libprotobuf-dev python3-protobuf libleveldb-dev libsnappy-dev libpng-dev zlib1g-dev
)
# `--peers`: also what `make bench-peers` compares against (libtorch, large; not for tests).
if [ "${1:-}" = "--peers" ]; then
  packages+=(libtorch-dev)
fi
# `--fuzz`: a clang new enough to build the whole library instrumented (`make fuzz`).
if [ "${1:-}" = "--fuzz" ]; then
  packages+=(clang-16 libclang-rt-16-dev)
fi
# The graph viewer: Debian's chromium for its browser tests, and Node.js with npm for
# viewer/'s packages. Node and npm are wanted as commands: a Node.js that brings its own npm
# (as NodeSource's does) conflicts with Debian's npm package.
packages+=(chromium)
command -v node >/dev/null 2>&1 || packages+=(nodejs)
command -v npm >/dev/null 2>&1 || packages+=(npm)
# viewer/node_modules: the layout library inlined into each page, and playwright-core for the
# browser tests; installed from viewer/package-lock.json when missing or older than it.
viewer_npm() {
  local dir
  dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/viewer"
  if [ ! -f "$dir/node_modules/.package-lock.json" ] ||
     [ "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]; then
    echo "install-deps: npm ci in viewer/"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
  fi
}

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  viewer_npm
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
viewer_npm
