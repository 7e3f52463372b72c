#!/usr/bin/env bash
# cli_bad_input.sh: the odtwin command line on bad input, and one good run.
#
# usage: cli_bad_input.sh PATH/TO/odtwin
#
# For each bad input the program must exit non-zero without crashing (exit
# code < 128), print exactly one error line on stderr ("odtwin: error: ..." or,
# for a malformed command line, the usage error "odtwin run: ...") naming the
# file and line where there is one, and leave no .h5 file behind. The only
# other stderr line allowed is the informational "odtwin: backend auto: ...".
set -u

odtwin=${1:?usage: cli_bad_input.sh PATH/TO/odtwin}
case "$odtwin" in /*) ;; *) odtwin="$PWD/$odtwin" ;; esac
if [ ! -x "$odtwin" ]; then
    echo "cli_bad_input.sh: $odtwin is not an executable program"
    echo "0 passed, 1 failed"
    exit 1
fi
here=$(cd "$(dirname "$0")" && pwd)
data="$here/data/scenarios"
small="$data/small.yaml"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/odt_cli.XXXXXX") || exit 1
cleanup() { chmod -R u+w "$tmp" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
work="$tmp/work"
mkdir "$work"

passed=0
failed=0
ok() { passed=$((passed + 1)); printf 'ok    %s\n' "$1"; }
bad() { failed=$((failed + 1)); printf 'FAIL  %s: %s\n' "$1" "$2"; }

# h5_left: the .h5 files anywhere under the temporary folder and the work folder
h5_left() { find "$tmp" -name '*.h5' 2>/dev/null; }

# expect_error NAME PREFIX PATTERN... -- ARGS...
#   runs odtwin ARGS in $work; PREFIX starts the one error line; each PATTERN
#   (fixed text) must appear in it.
expect_error() {
    local name=$1 prefix=$2
    shift 2
    local patterns=()
    while [ "$#" -gt 0 ] && [ "$1" != "--" ]; do
        patterns+=("$1")
        shift
    done
    shift
    local rc
    (cd "$work" && "$odtwin" "$@" >"$tmp/out" 2>"$tmp/err")
    rc=$?
    if [ "$rc" -eq 0 ]; then
        bad "$name" "exit code 0 for bad input"
        rm -f $(h5_left)
        return
    fi
    if [ "$rc" -ge 128 ]; then
        bad "$name" "crashed or killed (exit code $rc)"
        return
    fi
    local nerr nother line
    nerr=$(grep -c -- "^$prefix" "$tmp/err")
    nother=$(grep -v -- "^$prefix" "$tmp/err" | grep -vc '^odtwin: backend auto: ')
    if [ "$nerr" -ne 1 ] || [ "$nother" -ne 0 ]; then
        bad "$name" "expected exactly one stderr line starting '$prefix', got: $(tr '\n' '|' <"$tmp/err")"
        return
    fi
    line=$(grep -- "^$prefix" "$tmp/err")
    local p
    for p in "${patterns[@]}"; do
        case "$line" in
        *"$p"*) ;;
        *)
            bad "$name" "error line lacks '$p': $line"
            return
            ;;
        esac
    done
    local left
    left=$(h5_left)
    if [ -n "$left" ]; then
        bad "$name" "output left behind: $left"
        rm -f $left
        return
    fi
    ok "$name (exit $rc): $line"
}

E="odtwin: error:"
U="odtwin run:"

# ------------------------------------------------------------------ scenario files
expect_error "missing scenario file" "$E" "$tmp/no_such.yaml" "cannot open" \
    -- run "$tmp/no_such.yaml" -o "$tmp/out.h5"
expect_error "scenario is a folder" "$E" "$data" "cannot read" \
    -- run "$data" -o "$tmp/out.h5"
expect_error "unknown key" "$E" "bad_unknown_key.yaml:11:" "unknown key 'altitud_km'" \
    -- run "$data/bad_unknown_key.yaml" -o "$tmp/out.h5"
expect_error "value out of range" "$E" "bad_altitude.yaml:10:" "altitude_km = 100 is out of range" \
    -- run "$data/bad_altitude.yaml" -o "$tmp/out.h5"
expect_error "snapshot interval not a multiple of the step" "$E" "bad_snapshot_interval.yaml:6:" \
    "snapshot_interval_s = 605 is not a multiple of step_s = 10" \
    -- run "$data/bad_snapshot_interval.yaml" -o "$tmp/out.h5"
# the same, without -o: the scenario's default output name must not appear either
expect_error "bad scenario, default output name" "$E" "bad_unknown_key.yaml:11:" \
    -- run "$data/bad_unknown_key.yaml"

# ------------------------------------------------------------------ output locations
expect_error "output in a missing folder" "$E" "$tmp/missing/out.h5" \
    -- run "$small" -o "$tmp/missing/out.h5"
if [ "$(id -u)" -eq 0 ]; then
    # root writes through permission bits: /proc takes no new files, even from root
    ro_path="/proc/odtwin_cli_test_$$.h5"
else
    mkdir "$tmp/ro"
    chmod 555 "$tmp/ro"
    ro_path="$tmp/ro/out.h5"
fi
expect_error "output in a read-only location" "$E" "$ro_path" -- run "$small" -o "$ro_path"
if [ -e "$ro_path" ]; then
    bad "read-only location" "$ro_path exists"
fi

# ------------------------------------------------------------------ command line
expect_error "unknown option" "$U" "unknown option '--frobnicate'" "odtwin run --help" \
    -- run "$small" --frobnicate -o "$tmp/out.h5"
expect_error "option without its value" "$U" "'-o'" "needs a value" -- run "$small" -o
expect_error "bad summary format" "$U" "--summary 'xml'" -- run "$small" --summary xml -o "$tmp/out.h5"
expect_error "negative thread count" "$U" "--threads '-1'" -- run "$small" --threads -1 -o "$tmp/out.h5"
expect_error "two scenarios" "$U" "more than one scenario" -- run "$small" "$small" -o "$tmp/out.h5"
expect_error "unknown backend" "$E" "unknown backend 'bogus'" -- run "$small" --backend bogus -o "$tmp/out.h5"

# --backend cuda: an error without a device; with one, the run must succeed
(cd "$work" && "$odtwin" run "$small" --backend cuda --quiet -o "$tmp/cuda.h5" >"$tmp/out" 2>"$tmp/err")
rc=$?
if [ "$rc" -eq 0 ]; then
    if [ -f "$tmp/cuda.h5" ]; then ok "backend cuda (a device is present: the run succeeded)"; else bad "backend cuda" "exit 0 but no output"; fi
    rm -f "$tmp/cuda.h5"
else
    expect_error "backend cuda without a device" "$E" "--backend cuda" \
        -- run "$small" --backend cuda -o "$tmp/cuda.h5"
    if ! grep -q -e 'no CUDA device found' -e 'CUDA cannot use it' -e 'no CUDA backend' "$tmp/err"; then
        bad "backend cuda without a device" "the message does not say why: $(cat "$tmp/err")"
    fi
fi

# unknown sub-command: an error line, then the usage text; exit 2
(cd "$work" && "$odtwin" frobnicate >"$tmp/out" 2>"$tmp/err")
rc=$?
if [ "$rc" -eq 2 ] && head -n 1 "$tmp/err" | grep -q "^odtwin: unknown command 'frobnicate'" &&
    grep -q '^usage:' "$tmp/err"; then
    ok "unknown command (exit 2, usage shown)"
else
    bad "unknown command" "exit $rc, stderr: $(tr '\n' '|' <"$tmp/err")"
fi

# ------------------------------------------------------------------ good runs
(cd "$work" && "$odtwin" run "$small" --backend cpu --threads 2 -o "$tmp/good.h5" >"$tmp/out" 2>"$tmp/err")
rc=$?
if [ "$rc" -ne 0 ]; then
    bad "good run" "exit $rc: $(cat "$tmp/err")"
elif ! grep -q 'satellite-steps/s' "$tmp/out"; then
    bad "good run" "no 'satellite-steps/s' in the summary: $(cat "$tmp/out")"
elif [ ! -s "$tmp/good.h5" ]; then
    bad "good run" "no output file $tmp/good.h5"
elif [ -s "$tmp/err" ]; then
    bad "good run" "unexpected stderr: $(cat "$tmp/err")"
elif ! grep -q "^  satellites  *6 " "$tmp/out" || ! grep -q "^  steps  *360$" "$tmp/out" ||
    ! grep -q "^  snapshots  *7 " "$tmp/out"; then
    bad "good run" "summary does not show 6 satellites, 360 steps, 7 snapshots: $(cat "$tmp/out")"
else
    ok "good run: exit 0, summary with satellite-steps/s, $(basename "$tmp/good.h5") written"
fi
rm -f "$tmp/good.h5"

# --quiet: nothing on stderr (no progress, no backend message), the summary on stdout; without -o the file
# is named after the scenario
(cd "$work" && "$odtwin" run "$small" --quiet >"$tmp/out" 2>"$tmp/err")
rc=$?
if [ "$rc" -eq 0 ] && grep -q '^odtwin run summary' "$tmp/out" && [ ! -s "$tmp/err" ] && [ -s "$work/small-walker.h5" ]; then
    ok "quiet run: summary only, nothing on stderr, wrote small-walker.h5 in the working folder"
else
    bad "quiet run" "exit $rc, stdout: $(tr '\n' '|' <"$tmp/out") stderr: $(tr '\n' '|' <"$tmp/err"), files: $(ls "$work")"
fi
rm -f "$work/small-walker.h5"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
