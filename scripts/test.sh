#!/usr/bin/env bash
# The test command: install what is missing, build, and run every test twice:
# in the Release build (CUDA backend compiled where nvcc exists; GPU tests skip
# visibly without a device) and in an AddressSanitizer + UBSan build of the CPU path.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh
# Python packages of the tests that read snapshots as users do (xarray, netCDF, plots)
python3 -m pip install --quiet --disable-pip-version-check -r tests/requirements.txt
echo "== tests (Release build)"
(cd build && ctest --output-on-failure --timeout 900)

echo "== tests (ASan + UBSan build, CPU path)"
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DODT_SANITIZE=ON -DODT_CUDA=OFF >build-asan.configure.log 2>&1 \
  || { cat build-asan.configure.log >&2; exit 1; }
cmake --build build-asan -j"$(nproc)"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
(cd build-asan && ctest --output-on-failure --timeout 1800)
