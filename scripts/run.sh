#!/usr/bin/env bash
# The main job: install what is missing, build, and run the twin in the current folder.
#   scripts/run.sh                      embedded default scenario -> default-dawn-dusk-650km.h5
#   scripts/run.sh scenarios/X.yaml -o out.h5 --backend cpu --threads 2
# Paths in the arguments are taken from the folder the command is run in.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
(cd "$root" && scripts/build.sh >/dev/null)
exec "$root/build/odtwin" run "$@"
