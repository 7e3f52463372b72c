#!/usr/bin/env bash
# The main job: install what is missing, build, and run the twin.
#   scripts/run.sh                      embedded default scenario -> default-dawn-dusk-650km.h5
#   scripts/run.sh scenarios/X.yaml -o out.h5 --backend cpu --threads 2
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh >/dev/null
exec build/odtwin run "$@"
