#!/usr/bin/env bash
# SGP4: odtwin vs python-sgp4 SatrecArray, 10,000 near-Earth objects x 1,440 one-minute steps.
# Installs python-sgp4 and numpy from PyPI, builds odtwin, validates, times, prints the ratio.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m pip install --quiet --disable-pip-version-check sgp4 numpy
scripts/build.sh >/dev/null
python3 benchmarks/sgp4_vs_python.py build/benchmarks/bench_sgp4 "$@"
