#!/usr/bin/env bash
# Prepare build/gpu_bundle.tar.xz for benchmarks/gpu_check.sh on a GPU machine that lacks the
# project's libraries and the network: a Release build with the CUDA backend (static CUDA
# runtime), its programs, and every shared library they load besides the C library itself.
# Carry only that file to the GPU machine (device tool: carry ["build/gpu_bundle.tar.xz"]).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh -DODT_CUDA=ON >/dev/null
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/deps" "$stage/tests" "$stage/benchmarks"
cp build/odtwin "$stage/"
cp build/benchmarks/bench_step build/benchmarks/bench_sgp4 build/benchmarks/bench_run "$stage/benchmarks/"
for t in build/tests/test_*; do [ -x "$t" ] && [ -f "$t" ] && cp "$t" "$stage/tests/"; done
ldd "$stage/odtwin" "$stage"/tests/* "$stage"/benchmarks/* 2>/dev/null | awk '/=> \// {print $3}' | sort -u |
  grep -Ev '/(libc|libm|libpthread|libdl|librt|ld-linux[^/]*)\.so' |
  while read -r lib; do cp -L "$lib" "$stage/deps/"; done
grep -E '^CMAKE_HOME_DIRECTORY' build/CMakeCache.txt | cut -d= -f2 >"$stage/source_dir"
tar -cJf build/gpu_bundle.tar.xz -C "$stage" .
ls -la build/gpu_bundle.tar.xz | awk '{printf "build/gpu_bundle.tar.xz: %.1f MiB\n", $5 / 1048576}'
