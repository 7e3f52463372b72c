#!/usr/bin/env bash
# The main job: install what is missing, build, and run the twin in the current folder.
#   scripts/run.sh                      embedded default scenario -> default-dawn-dusk-650km.h5
#   scripts/run.sh scenarios/X.yaml -o out.h5 --backend cpu --threads 2
# Paths in the arguments are taken from the folder the command is run in. One line per stage goes to
# stderr (dependencies, configure, build with its progress); the logs are build.configure.log and
# build.log in the source folder.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
say() { echo "odtwin: $*" >&2; }

say "[1/4] dependencies: checking the Debian packages (scripts/deps.sh)"
"$root/scripts/deps.sh"

say "[2/4] configure: cmake -S . -B build (log: build.configure.log)"
(cd "$root" && cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >build.configure.log 2>&1) ||
    { cat "$root/build.configure.log" >&2; exit 1; }
grep -E '^-- odtwin:' "$root/build.configure.log" | sed 's/^-- /      /' >&2 || true

say "[3/4] build: $(nproc) jobs (log: build.log; the first build takes about a minute)"
# cmake prints "[ NN%] ..." per target: show the percentage on one line as it goes
set +e
(cd "$root" && cmake --build build -j"$(nproc)" 2>&1) | tee "$root/build.log" | {
    last="" step=0
    while IFS= read -r line; do
        case "$line" in
        "["*"%]"*)
            pct=${line%%%]*}
            pct=${pct#[}
            pct=${pct// /}
            if [ "$pct" != "$last" ]; then
                last=$pct
                if [ -t 2 ]; then
                    printf '\r      %3s %%' "$pct" >&2
                elif [ "$pct" -ge $((step + 25)) ] 2>/dev/null; then
                    step=$((pct / 25 * 25))
                    printf '      %3s %%\n' "$pct" >&2 # not a terminal: a line at each quarter
                fi
            fi
            ;;
        esac
    done
    if [ -t 2 ]; then printf '\n' >&2; fi
}
rc=${PIPESTATUS[0]}
set -e
if [ "$rc" -ne 0 ]; then
    say "the build failed; the last lines of build.log:"
    tail -n 30 "$root/build.log" >&2
    exit "$rc"
fi
say "      built $root/build/odtwin"

say "[4/4] run: odtwin run $*"
exec "$root/build/odtwin" run "$@"
