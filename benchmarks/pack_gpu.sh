#!/usr/bin/env bash
# Prepare build/ for benchmarks/gpu_check.sh on a GPU machine without the project's
# libraries: a Release build with the CUDA backend (static CUDA runtime) and, in
# build/deps, every shared library its programs load besides the C library itself.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh -DODT_CUDA=ON >/dev/null
mkdir -p build/deps
progs=$(find build -maxdepth 3 -type f -perm -u+x \( -name odtwin -o -name 'test_*' -o -name 'bench_*' \) \
  -not -path '*/CMakeFiles/*')
ldd $progs 2>/dev/null | awk '/=> \// {print $3}' | sort -u |
  grep -Ev '/(libc|libm|libpthread|libdl|librt|ld-linux[^/]*)\.so' |
  while read -r lib; do cp -L "$lib" build/deps/; done
du -sh build/deps
