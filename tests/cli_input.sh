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

# ------------------------------------------------------------------ defects 11 and 16: propagate
P="odtwin propagate:"
expect "propagate --step 1e-300 (before: rows without end)" 2 "$P --start/--stop/--step: " "more than the limit of 10000000" \
    -- propagate "$cat3" --start 0 --stop 1440 --step 1e-300
expect "propagate --step 0" 2 "$P --start/--stop/--step: " "must be > 0" -- propagate "$cat3" --start 0 --stop 10 --step 0
expect "propagate --stop inf" 2 "$P --stop" "finite" -- propagate "$cat3" --start 0 --stop inf --step 1
expect "propagate a directory (before: ASan abort)" 1 "$E $data/catalog: " "is a directory" -- propagate "$data/catalog"
expect "propagate /dev/zero" 1 "$E /dev/zero: " "character device" -- propagate /dev/zero
mkfifo "$tmp/snap.fifo"
expect "report a FIFO (before: blocked for ever)" 1 "" "is a FIFO, not a snapshot file" -- report "$tmp/snap.fifo"
expect "report /dev/zero" 1 "" "is a character device, not a snapshot file" -- report /dev/zero
mkfifo "$tmp/cat2.fifo"
expect "propagate a FIFO" 1 "$E $tmp/cat2.fifo: " "FIFO" -- propagate "$tmp/cat2.fifo"
{ head -n 3 "$cat3"; printf '\0\n'; tail -n +4 "$cat3"; } >"$tmp/nul.tle"
expect "propagate, NUL byte (before: the rest dropped, exit 0)" 1 "$E $tmp/nul.tle:4: " "NUL byte (column 1)" -- propagate "$tmp/nul.tle"
sed 's|^    file: .*|    file: nul.tle|' "$data/scenarios/catalog_small.yaml" >"$tmp/catnul.yaml"
expect "run, the same NUL byte" 1 "$E $tmp/catnul.yaml:14: " "nul.tle:4: NUL byte (column 1)" -- run "$tmp/catnul.yaml" -o out.h5

# a set without the blank in column 2: both commands report and skip it; with --strict both fail
sed '5s/^1 /1x/' "$cat3" >"$tmp/noblank.tle"
sed 's|^    file: .*|    file: noblank.tle|' "$data/scenarios/catalog_small.yaml" >"$tmp/noblank.yaml"
(cd "$tmp" && timeout -s KILL "$limit" "$odtwin" propagate noblank.tle >"$tmp/stdout" 2>"$tmp/stderr")
rc=$?
if [ "$rc" -eq 0 ] && [ "$(grep -c ' xx$' "$tmp/stdout")" -eq 2 ] &&
    grep -q "^odtwin: warning: noblank.tle:5: 'XM-3': TLE line 1, column 2: expected a blank.*(entry skipped)$" "$tmp/stderr" &&
    [ "$(wc -l <"$tmp/stderr")" -eq 1 ]; then
    ok "propagate reports the set without the blank of column 2 and skips it"
else
    bad "propagate, missing blank" "exit $rc, $(grep -c ' xx$' "$tmp/stdout") objects, stderr: $(tr '\n' '|' <"$tmp/stderr")"
fi
(cd "$tmp" && timeout -s KILL "$limit" "$odtwin" run noblank.yaml -o "$tmp/nb.h5" >"$tmp/stdout" 2>"$tmp/stderr")
rc=$?
if [ "$rc" -eq 0 ] && grep -q "^odtwin: warning: .*noblank.tle:5: 'XM-3': TLE line 1, column 2: expected a blank.*(entry skipped)$" "$tmp/stderr" &&
    grep -q "satellites *2" "$tmp/stdout"; then
    ok "run reports the same set the same way and runs the other two"
else
    bad "run, missing blank" "exit $rc, stdout: $(tr '\n' '|' <"$tmp/stdout") stderr: $(tr '\n' '|' <"$tmp/stderr")"
fi
rm -f "$tmp/nb.h5"
expect "propagate --strict, missing blank" 1 "$E $tmp/noblank.tle:5: " "column 2: expected a blank" -- propagate "$tmp/noblank.tle" --strict
expect "run --strict, missing blank" 1 "$E $tmp/noblank.yaml:14: " "noblank.tle:5: 'XM-3': TLE line 1, column 2" -- run "$tmp/noblank.yaml" --strict -o out.h5

# line ends: LF, CR LF and CR alone give the same states in propagate, and run accepts all three
tr -d '\r' <"$cat3" >"$tmp/lf.tle"
sed 's/$/\r/' "$tmp/lf.tle" >"$tmp/crlf.tle"
tr '\n' '\r' <"$tmp/lf.tle" >"$tmp/cr.tle"
"$odtwin" propagate "$tmp/lf.tle" --strict >"$tmp/lf.out" 2>"$tmp/stderr"
for e in crlf cr; do
    if "$odtwin" propagate "$tmp/$e.tle" --strict >"$tmp/$e.out" 2>>"$tmp/stderr" && cmp -s "$tmp/lf.out" "$tmp/$e.out" &&
        [ "$(grep -c ' xx$' "$tmp/$e.out")" -eq 3 ]; then
        ok "propagate reads $e line ends as LF"
    else
        bad "propagate, $e line ends" "$(tr '\n' '|' <"$tmp/stderr")"
    fi
    sed "s|^    file: .*|    file: $e.tle|" "$data/scenarios/catalog_small.yaml" >"$tmp/$e.yaml"
    if (cd "$tmp" && "$odtwin" run "$e.yaml" --strict --quiet -o "$tmp/$e.h5" 2>"$tmp/stderr") && [ -s "$tmp/$e.h5" ]; then
        ok "run reads $e line ends"
    else
        bad "run, $e line ends" "$(tr '\n' '|' <"$tmp/stderr")"
    fi
    rm -f "$tmp/$e.h5"
done

# ------------------------------------------------------------------ defect 7: step and counts
sed 's/^step_s: 10/step_s: 1e-300/' "$small" >"$tmp/tiny_step.yaml"
expect "step_s: 1e-300 (before: heap-buffer-overflow, abort)" 1 "$E $tmp/tiny_step.yaml:7: " \
    "step_s = 1e-300 is below the smallest step, 0.001 s" -- run "$tmp/tiny_step.yaml" -o out.h5
sed 's/^duration_s: 3600/duration_s: 1e10/; s/^step_s: 10/step_s: 0.001/' "$small" >"$tmp/many_steps.yaml"
expect "1e13 steps" 1 "$E $tmp/many_steps.yaml:6: " "more than the limit of 1e+10 steps" -- run "$tmp/many_steps.yaml" -o out.h5

# ------------------------------------------------------------------ defect 17: YAML features and numbers
sed 's/^seed: 42/seed: \&s 42/' "$small" >"$tmp/anchor.yaml"
expect "YAML anchor" 1 "$E $tmp/anchor.yaml:9: " "YAML anchors ('&name') are not supported" -- run "$tmp/anchor.yaml" -o out.h5
sed 's/^    slots: 3/    slots: *n/' "$small" >"$tmp/alias.yaml"
expect "YAML alias (before: read as the text '*n')" 1 "$E $tmp/alias.yaml:20: " "YAML aliases ('*n') are not supported" \
    -- run "$tmp/alias.yaml" -o out.h5
{ cat "$small"; printf '    <<: {slots: 4}\n'; } >"$tmp/merge.yaml"
expect "YAML merge key" 1 "$E $tmp/merge.yaml:22: " "YAML merge keys ('<<') are not supported" -- run "$tmp/merge.yaml" -o out.h5
{ cat "$small"; printf -- '---\nseed: 7\n'; } >"$tmp/two_docs.yaml"
expect "a second document (before: ignored)" 1 "$E $tmp/two_docs.yaml:23: " "a second YAML document" -- run "$tmp/two_docs.yaml" -o out.h5
sed 's/^seed: 42/seed: 0x10/' "$small" >"$tmp/hex.yaml"
expect "seed: 0x10 (before: read as 16)" 1 "$E $tmp/hex.yaml:9: " "seed: '0x10' is not a decimal number" -- run "$tmp/hex.yaml" -o out.h5
sed 's/^    planes: 2/    planes: 1_000/' "$small" >"$tmp/underscore.yaml"
expect "planes: 1_000" 1 "$E $tmp/underscore.yaml:19: " "planes: '1_000' is not a decimal number" -- run "$tmp/underscore.yaml" -o out.h5
sed 's/^seed: 42/seed: 18446744073709551616/' "$small" >"$tmp/seed_over.yaml"
expect "seed 2^64" 1 "$E $tmp/seed_over.yaml:9: " "out of range: must be in [0, 18446744073709551615]" -- run "$tmp/seed_over.yaml" -o out.h5
sed 's/^    planes: 2/    planes: 2 # caf\xe9/' "$small" | sed 's/^    slots: 3/    slots: "3/' >"$tmp/two_faults.yaml"
expect "the first fault is reported" 1 "$E $tmp/two_faults.yaml:19: " "invalid UTF-8" -- run "$tmp/two_faults.yaml" -o out.h5

# the seed round-trips exactly into the snapshot file (before: 9007199254740993 became ...992)
for seed in 9007199254740993 18446744073709551615; do
    sed "s/^seed: 42/seed: $seed/" "$small" >"$tmp/seed.yaml"
    if (cd "$tmp" && "$odtwin" run seed.yaml --quiet --backend cpu -o "$tmp/seed.h5" 2>"$tmp/stderr") &&
        h5dump -a seed "$tmp/seed.h5" 2>/dev/null | grep -q "\"$seed\""; then
        ok "seed $seed round-trips into the snapshot file"
    else
        bad "seed $seed" "$(tr '\n' '|' <"$tmp/stderr") $(h5dump -a seed "$tmp/seed.h5" 2>&1 | grep -A1 DATA | tr '\n' ' ')"
    fi
    rm -f "$tmp/seed.h5"
done

# ------------------------------------------------------------------ defect 12: fleet sizes
sed 's/^    planes: 2/    planes: 1000/; s/^    slots: 3/    slots: 1000000/' "$small" >"$tmp/huge_fleet.yaml"
expect "10^9 satellites (before: ASan abort, a bare out of memory)" 1 "$E $tmp/huge_fleet.yaml:13: " \
    "the fleet of 1000000000 satellites needs about" "GiB, more than this machine's" -- run "$tmp/huge_fleet.yaml" --quiet -o out.h5
sed 's/^    planes: 2/    planes: 1000000/; s/^    slots: 3/    slots: 10000000/' "$small" >"$tmp/int32_fleet.yaml"
expect "10^13 satellites (int32)" 1 "$E $tmp/int32_fleet.yaml:13: " "more than the limit of 2147483647" -- run "$tmp/int32_fleet.yaml" -o out.h5

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
