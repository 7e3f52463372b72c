#!/usr/bin/env bash
# fault_check.sh: what a kill or a full disk leaves behind.
#
# usage: fault_check.sh PATH/TO/odtwin
#
# 1. Kill at random moments: a run is killed (SIGKILL) at moments from 1 ms to
#    past its end; every time, the file left behind (if any) is either absent
#    (killed before it could be recovered: the output path is untouched) or
#    repairs; every record `time` showed is kept; and --resume ends with a file
#    identical in every dataset to an uninterrupted run (bitwise).
# 2. Disk full (a 400 KB tmpfs; skipped when this machine cannot mount one):
#    one error line, exit 1, no crash; the file and its checkpoint, copied to a
#    roomier disk, repair and resume to the uninterrupted result.
# Needs python3 with h5py (tests/requirements.txt).
set -u
odtwin=${1:?usage: fault_check.sh PATH/TO/odtwin}
case "$odtwin" in /*) ;; *) odtwin="$PWD/$odtwin" ;; esac
here=$(cd "$(dirname "$0")" && pwd)
cmp="python3 $here/compare_snapshots.py"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/odt_fault.XXXXXX") || exit 1
mnt="$tmp/full"
cleanup() { umount "$mnt" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
passed=0 failed=0 skipped=0 absent=0 recovered=0
ok() { passed=$((passed + 1)); }
bad() { echo "FAIL: $*"; failed=$((failed + 1)); }

# a run of a few seconds: 800 satellites, 12 hours at 30 s, 30-minute records, checkpoints every 2 hours
scen="$tmp/k.yaml"
cat > "$scen" <<'YAML'
name: kill
epoch: 2026-06-21T00:00:00Z
duration_s: 43200
step_s: 30
snapshot_interval_s: 1800
checkpoint_interval_s: 7200
seed: 3
shadow: conical
fleet:
  - {name: sso, source: sso, altitude_km: 650, ltan_h: 18.0, ltan_spread_h: 1.0, planes: 20, slots: 40}
YAML
"$odtwin" run "$scen" -o "$tmp/ref.h5" --backend cpu --quiet || { bad "reference run"; exit 1; }
start=$(date +%s%N)
"$odtwin" run "$scen" -o "$tmp/t.h5" --backend cpu --quiet
dur_ms=$(( ($(date +%s%N) - start) / 1000000 ))
echo "a whole run takes $dur_ms ms"
rm -f "$tmp"/t.h5*
moments="1 2 4 8 15 30 60 120 250"
m=500
while [ $m -lt $((dur_ms + 500)) ]; do moments="$moments $m"; m=$((m * 3 / 2)); done
for ms in $moments; do
    out="$tmp/k$ms.h5"
    "$odtwin" run "$scen" -o "$out" --backend cpu --quiet &
    pid=$!
    sleep "$(printf '0.%03d' $((ms % 1000)))"; [ $ms -ge 1000 ] && sleep $((ms / 1000))
    kill -9 $pid 2>/dev/null
    wait $pid 2>/dev/null
    if [ ! -e "$out" ]; then
        # killed before the file was published: nothing at the output path, only our own temporary file
        absent=$((absent + 1))
        ok
        continue
    fi
    if ! "$odtwin" repair "$out" >/dev/null 2>"$tmp/err"; then
        bad "kill at $ms ms: repair failed: $(cat "$tmp/err")"
        continue
    fi
    status=$(python3 -c "
import h5py, sys
s = h5py.File(sys.argv[1], 'r').attrs['run_status']
print(s.decode() if isinstance(s, bytes) else s)" "$out" 2>/dev/null)
    if [ "$status" != "complete" ]; then
        if ! "$odtwin" run --resume "$out" --backend cpu --quiet 2>"$tmp/err"; then
            bad "kill at $ms ms: resume failed: $(cat "$tmp/err")"
            continue
        fi
    fi
    if $cmp "$tmp/ref.h5" "$out" >"$tmp/cmp" 2>&1; then ok; recovered=$((recovered + 1))
    else bad "kill at $ms ms: $(cat "$tmp/cmp")"; fi
    rm -f "$out" "$out".ckpt-* "$tmp"/k$ms.h5.part-*
done

echo "kills: $recovered files repaired and resumed to the uninterrupted result, $absent killed before the file existed"
[ $recovered -ge 3 ] || bad "too few kills hit a running file ($recovered)"

# disk full
mkdir -p "$mnt"
if mount -t tmpfs -o size=400k tmpfs "$mnt" 2>/dev/null; then
    LSAN_OPTIONS="suppressions=$here/lsan_hdf5.supp:print_suppressions=0" \
        "$odtwin" run "$scen" -o "$mnt/f.h5" --backend cpu --quiet >/dev/null 2>"$tmp/err"
    rc=$?
    lines=$(wc -l < "$tmp/err")
    if [ $rc -eq 1 ] && [ "$lines" -eq 1 ] && grep -q "No space left on device" "$tmp/err"; then ok
    else bad "disk full: exit $rc, stderr: $(cat "$tmp/err")"; fi
    mkdir -p "$tmp/roomy"
    cp "$mnt"/f.h5* "$tmp/roomy/" 2>/dev/null
    if [ -e "$tmp/roomy/f.h5" ] && "$odtwin" repair "$tmp/roomy/f.h5" >/dev/null 2>"$tmp/err" &&
        "$odtwin" run --resume "$tmp/roomy/f.h5" --backend cpu --quiet 2>>"$tmp/err" &&
        $cmp "$tmp/ref.h5" "$tmp/roomy/f.h5" >"$tmp/cmp" 2>&1; then ok
    else bad "disk full: the records written before could not be recovered: $(cat "$tmp/err" "$tmp/cmp" 2>/dev/null)"; fi
else
    echo "SKIP: cannot mount a tmpfs here (not root, or no permission): disk-full case not run"
    skipped=$((skipped + 1))
fi
echo "$passed passed, $failed failed, $skipped skipped"
[ $failed -eq 0 ]
