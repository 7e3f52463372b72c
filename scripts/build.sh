#!/usr/bin/env bash
# Configure and build odtwin in build/ (Release; the CUDA backend is built when nvcc exists).
# Extra arguments go to CMake, e.g. scripts/build.sh -DODT_CUDA=OFF
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release "$@" >build.configure.log 2>&1 || { cat build.configure.log >&2; exit 1; }
grep -E '^-- odtwin:' build.configure.log >&2 || true
cmake --build build -j"$(nproc)"
