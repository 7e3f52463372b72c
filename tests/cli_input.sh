#!/usr/bin/env bash
# cli_input.sh: the odtwin command line on input that is no input, damaged or
# hostile (issue 13): not a regular file, not UTF-8, YAML the reader refuses,
# numbers that cannot be run, catalogues read by `run` and `propagate` alike.
#
# usage: cli_input.sh PATH/TO/odtwin
#
# For each bad input the program must end by itself (a timeout guards against
# a hang), exit 1 (2 for a malformed command line), print exactly one line on
# stderr that names the file and the line where there is one, and leave no
# .h5 file behind. Good inputs must run.
set -u

odtwin=${1:?usage: cli_input.sh PATH/TO/odtwin}
case "$odtwin" in /*) ;; *) odtwin="$PWD/$odtwin" ;; esac
if [ ! -x "$odtwin" ]; then
    echo "cli_input.sh: $odtwin is not an executable program"
    echo "0 passed, 1 failed"
    exit 1
fi
here=$(cd "$(dirname "$0")" && pwd)
data="$here/data"
small="$data/scenarios/small.yaml"
cat3="$data/catalog/iss_xm3_molniya.tle"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/odt_cli_input.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
limit=20 # seconds any one command may take

passed=0
failed=0
ok() { passed=$((passed + 1)); printf 'ok    %s\n' "$1"; }
bad() { failed=$((failed + 1)); printf 'FAIL  %s: %s\n' "$1" "$2"; }

# expect NAME CODE PREFIX PATTERN... -- ARGS...
#   runs odtwin ARGS in $tmp: exit CODE, exactly one stderr line starting with PREFIX and holding every
#   PATTERN (fixed text), no .h5 file left.
expect() {
    local name=$1 code=$2 prefix=$3
    shift 3
    local patterns=()
    while [ "$#" -gt 0 ] && [ "$1" != "--" ]; do
        patterns+=("$1")
        shift
    done
    shift
    local rc
    (cd "$tmp" && timeout -s KILL "$limit" "$odtwin" "$@" >"$tmp/stdout" 2>"$tmp/stderr" </dev/null)
    rc=$?
    if [ "$rc" -eq 137 ]; then
        bad "$name" "no end after $limit s (hang)"
        return
    fi
    if [ "$rc" -ne "$code" ]; then
        bad "$name" "exit code $rc, expected $code; stderr: $(head -c 600 "$tmp/stderr" | tr '\n' '|')"
        find "$tmp" -name '*.h5' -delete
        return
    fi
    local n line
    n=$(wc -l <"$tmp/stderr")
    line=$(head -n 1 "$tmp/stderr")
    if [ "$n" -ne 1 ]; then
        bad "$name" "$n stderr lines, expected one: $(head -c 600 "$tmp/stderr" | tr '\n' '|')"
        return
    fi
    case "$line" in
    "$prefix"*) ;;
    *)
        bad "$name" "the line does not start with '$prefix': $line"
        return
        ;;
    esac
    local p
    for p in "${patterns[@]}"; do
        case "$line" in
        *"$p"*) ;;
        *)
            bad "$name" "the line lacks '$p': $line"
            return
            ;;
        esac
    done
    local left
    left=$(find "$tmp" -name '*.h5')
    if [ -n "$left" ]; then
        bad "$name" "output left behind: $left"
        rm -f $left
        return
    fi
    ok "$name: $line"
}

E="odtwin: error:"

# ------------------------------------------------------------------ defect 10: not regular files, sizes
expect "scenario is a directory" 1 "$E $data/scenarios: " "is a directory" -- run "$data/scenarios" -o out.h5
expect "scenario is /dev/zero" 1 "$E /dev/zero: " "character device" -- run /dev/zero -o out.h5
mkfifo "$tmp/fifo.yaml"
expect "scenario is a FIFO (no writer: must not block)" 1 "$E $tmp/fifo.yaml: " "FIFO" -- run "$tmp/fifo.yaml" -o out.h5
truncate -s 300M "$tmp/huge.yaml"
expect "scenario over 256 MiB" 1 "$E $tmp/huge.yaml: " "larger than the limit of 256.0 MiB" -- run "$tmp/huge.yaml" -o out.h5
rm -f "$tmp/huge.yaml"
mkdir "$tmp/catdir"
sed 's|^    file: .*|    file: catdir|' "$data/scenarios/catalog_small.yaml" >"$tmp/catdir.yaml"
expect "catalogue is a directory" 1 "$E $tmp/catdir.yaml:14: fleet entry 1: " "catdir: cannot read catalogue file: it is a directory" \
    -- run "$tmp/catdir.yaml" -o out.h5
sed 's|^    file: .*|    file: /dev/zero|' "$data/scenarios/catalog_small.yaml" >"$tmp/catzero.yaml"
expect "catalogue is /dev/zero" 1 "$E $tmp/catzero.yaml:14: " "/dev/zero: cannot read catalogue file: it is a character device" \
    -- run "$tmp/catzero.yaml" -o out.h5
mkfifo "$tmp/cat.fifo"
sed 's|^    file: .*|    file: cat.fifo|' "$data/scenarios/catalog_small.yaml" >"$tmp/catfifo.yaml"
expect "catalogue is a FIFO" 1 "$E $tmp/catfifo.yaml:14: " "cat.fifo: cannot read catalogue file: it is a FIFO" \
    -- run "$tmp/catfifo.yaml" -o out.h5

# ------------------------------------------------------------------ defect 5: UTF-8 and NUL bytes
# the comment comes before the fleet: before the fix everything after it was dropped without a word
{ sed -n '1,9p' "$small"; printf '# caf\xe9 au lait\n'; sed '1,9d' "$small"; } >"$tmp/latin1.yaml"
expect "Latin-1 byte in a comment" 1 "$E $tmp/latin1.yaml:10: " "invalid UTF-8 byte 0xE9 (column 6)" \
    -- run "$tmp/latin1.yaml" -o out.h5
{ sed -n '1,9p' "$small"; printf 'shadow: conical\0\n'; sed '1,9d' "$small"; } >"$tmp/nul.yaml"
expect "NUL byte" 1 "$E $tmp/nul.yaml:10: " "NUL byte (column 16)" -- run "$tmp/nul.yaml" -o out.h5

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
