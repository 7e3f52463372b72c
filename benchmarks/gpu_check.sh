#!/usr/bin/env bash
# GPU check: on a machine with an NVIDIA GPU, run the GPU and parity tests and the
# benchmarks, and write logs and results into a folder. It uses a build made
# elsewhere (the GPU machine may lack the project's libraries and the network):
#
#   here:        benchmarks/pack_gpu.sh            # build/gpu_bundle.tar.xz: programs + shared libraries
#   GPU machine: benchmarks/gpu_check.sh OUTDIR    # about 3-5 minutes on an H100/H200
#
# OUTDIR (default $OUT, else gpu_out) receives: nvidia-smi.txt, tests.log, bench_step.txt/.csv,
# bench_sgp4.txt, bench_run_gpu.txt (10^6 satellites, one day, 10 s step, 10-minute records, the wall split) and
# summary.txt. The exit status is that of the tests. GPU_CHECK_DRY_RUN=1 stops after the tests
# (to check the bundle on a machine without a GPU).
set -u
cd "$(dirname "$0")/.."
out=${1:-${OUT:-gpu_out}}
mkdir -p "$out"
build=$(mktemp -d)
tar -xJf build/gpu_bundle.tar.xz -C "$build" || { echo "no build/gpu_bundle.tar.xz: run benchmarks/pack_gpu.sh first" >&2; exit 2; }
# the test programs find their data under the source folder they were built in: point it here
src=$(cat "$build/source_dir")
if [ ! -e "$src/tests/data" ]; then mkdir -p "$(dirname "$src")" && ln -sfn "$PWD" "$src"; fi
export LD_LIBRARY_PATH="$build/deps${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
export OMP_WAIT_POLICY=passive
log() { echo "== $*" | tee -a "$out/summary.txt"; }

log "machine: $(uname -srm), $(nproc) cores; commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
nvidia-smi >"$out/nvidia-smi.txt" 2>&1 || log "nvidia-smi failed"
head -15 "$out/nvidia-smi.txt" >>"$out/summary.txt"

log "GPU and parity tests"
tests_rc=0
for t in test_cuda_parity test_backend test_sgp4_fleet test_node test_power; do
  echo "-- $t" >>"$out/tests.log"
  timeout 300 "$build/tests/$t" --jobs 1 >>"$out/tests.log" 2>&1
  rc=$?
  [ $rc -eq 0 ] || [ $rc -eq 77 ] || tests_rc=1   # 77: skipped (no CUDA device)
done
if [ -n "${GPU_CHECK_DRY_RUN:-}" ]; then  # the packaging and the tests only (checked without a GPU)
  # without a device the parity test skips; run its comparisons once with the CPU in the device's place
  echo "-- test_cuda_parity (ODT_PARITY_CPU=1: the OpenMP backend stands in for the device)" >>"$out/tests.log"
  ODT_PARITY_CPU=1 timeout 300 "$build/tests/test_cuda_parity" --jobs 1 >>"$out/tests.log" 2>&1 || tests_rc=1
  tail -3 "$out/tests.log"; exit $tests_rc
fi
tail -5 "$out/tests.log" | tee -a "$out/summary.txt"

log "full coupled step: satellite-steps/s by size, CPU threads and CUDA (validated first)"
timeout 240 "$build/benchmarks/bench_step" --sizes 10000,100000,1000000 --steps 600 --repeats 3 \
  --csv "$out/bench_step.csv" >"$out/bench_step.txt" 2>&1
cat "$out/bench_step.txt" >>"$out/summary.txt"

log "SGP4 propagation (CPU, for the record)"
python3 tools/make_tle_catalog.py 10000 "$out/cat10k.tle" >/dev/null 2>&1 &&
  timeout 120 "$build/benchmarks/bench_sgp4" "$out/cat10k.tle" --threads "1,$(nproc)" --repeats 3 \
    >"$out/bench_sgp4.txt" 2>&1
cat "$out/bench_sgp4.txt" >>"$out/summary.txt" 2>/dev/null

log "end to end: 10^6 satellites x 1 day at 10 s, 10-minute records of the default outputs (target <= 30 s wall)"
timeout 300 "$build/benchmarks/bench_run" --sizes 1000000 --days 1 --backend cuda --threads "$(nproc)" \
  --csv "$out/bench_run_gpu.csv" >"$out/bench_run_gpu.txt" 2>&1
cat "$out/bench_run_gpu.txt" >>"$out/summary.txt"
log "the same split on the machine's CPU cores, 10^5 satellites x 1 hour, for the ratio"
timeout 200 "$build/benchmarks/bench_run" --sizes 100000 --hours 1 --backend cpu --threads "1,$(nproc)" \
  --csv "$out/bench_run_cpu.csv" >"$out/bench_run_cpu.txt" 2>&1
cat "$out/bench_run_cpu.txt" >>"$out/summary.txt"
rm -f "$out/cat10k.tle"
exit $tests_rc
