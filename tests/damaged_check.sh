#!/usr/bin/env bash
# damaged_check.sh: files damaged after the fact (issue 13, cases 8, 9, 14, 15).
#
# usage: damaged_check.sh PATH/TO/odtwin
#
# A run is stopped part-way (SIGTERM: interrupted, resumable), then its file is
# altered with h5py as another program or a bad disk would, and odtwin must
# either cope (the result equals the uninterrupted run) or refuse with one line
# and change nothing:
#   8  NaN in the last /time record: repair drops that record; resume completes from a
#      checkpoint the file still covers, or refuses in one line when none does;
#   9  a stored row count of 1e12: repair refuses and leaves the file as it was;
#   14 the scenario attribute rewritten as a variable-length string: resume works;
#   15 a record dataset deleted: resume refuses in one line;
#   13 the stored scenario edited (another seed): resume refuses, the file unchanged;
#   16 a killed run (SIGKILL: the file still marked open for writing, read as a SWMR reader) whose
#      dataset name bytes are overwritten on disk (checksums fail): report, export, repair and resume
#      refuse in one line within 10 s each (HDF5's default SWMR retries would sleep for hours) and
#      change nothing.
# Needs python3 with h5py.
set -u
odtwin=${1:?usage: damaged_check.sh PATH/TO/odtwin}
case "$odtwin" in /*) ;; *) odtwin="$PWD/$odtwin" ;; esac
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/odt_damaged.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
passed=0 failed=0
ok() { passed=$((passed + 1)); }
bad() { echo "FAIL: $*"; failed=$((failed + 1)); }
scen="$tmp/d.yaml"
cat > "$scen" <<'YAML'
name: damaged
epoch: 2026-06-21T00:00:00Z
duration_s: 86400
step_s: 20
snapshot_interval_s: 3600
checkpoint_interval_s: 7200
seed: 5
shadow: conical
fleet:
  - {name: sso, source: sso, altitude_km: 650, ltan_h: 18.0, ltan_spread_h: 1.0, planes: 20, slots: 40}
YAML
"$odtwin" run "$scen" -o "$tmp/ref.h5" --backend cpu --quiet || { echo "reference run failed"; exit 1; }
partial() { # a copy of the run stopped (SIGTERM: interrupted, resumable) after about a quarter of its records
    odt_run_stopped "$odtwin" "$scen" "$1" 6 TERM || bad "the run ended before it was stopped"
    python3 -c "
import h5py, sys
s = h5py.File(sys.argv[1], 'r').attrs['run_status']
sys.exit(0 if (s.decode() if isinstance(s, bytes) else s) == 'interrupted' else 1)" "$1" || bad "the run was not stopped part-way"
    return 0
}
same() { python3 "$here/compare_snapshots.py" "$tmp/ref.h5" "$1" >"$tmp/cmp" 2>&1; }
sum() { sha256sum "$1" | cut -c1-64; }

# 8: NaN in the last /time
f="$tmp/nan.h5"; partial "$f"
python3 -c "
import h5py, sys
with h5py.File(sys.argv[1], 'r+') as h: h['time'][-1] = float('nan')" "$f"
# repair drops the record; resume continues from a checkpoint the file still covers and ends equal to the
# uninterrupted run, or (when both checkpoints are past the dropped record) refuses in one line: never a crash
if "$odtwin" repair "$f" >/dev/null 2>"$tmp/err"; then
    "$odtwin" run --resume "$f" --backend cpu --quiet 2>"$tmp/err"; rc=$?
    if [ $rc -eq 0 ] && same "$f"; then ok
    elif [ $rc -eq 1 ] && [ "$(wc -l < "$tmp/err")" -eq 1 ] && grep -q "checkpoint is ahead" "$tmp/err"; then ok
    else bad "NaN time: resume exit $rc: $(cat "$tmp/err" "$tmp/cmp" 2>/dev/null | head -3)"; fi
else bad "NaN time: repair failed: $(cat "$tmp/err")"; fi

# 9: a stored row count of 1e12
f="$tmp/rows.h5"; partial "$f"
python3 -c "
import h5py, sys
with h5py.File(sys.argv[1], 'r+') as h: h['eclipse_rows'][-1] = 10**12" "$f"
"$odtwin" repair "$f" >/dev/null 2>/dev/null  # the flags of a stopped run are already clear: nothing to clear first
before=$(sum "$f")
"$odtwin" repair "$f" >/dev/null 2>"$tmp/err"; rc=$?
if [ $rc -eq 1 ] && [ "$(wc -l < "$tmp/err")" -eq 1 ] && [ "$(sum "$f")" = "$before" ]; then ok
else bad "row count 1e12: repair exit $rc, $(cat "$tmp/err"), file changed: $([ "$(sum "$f")" = "$before" ] && echo no || echo yes)"; fi

# 14: the scenario attribute rewritten by h5py as a variable-length string
f="$tmp/vlen.h5"; partial "$f"
python3 -c "
import h5py, sys
with h5py.File(sys.argv[1], 'r+') as h:
    s = h.attrs['scenario']; s = s.decode() if isinstance(s, bytes) else str(s)
    del h.attrs['scenario']; h.attrs['scenario'] = s   # h5py writes a variable-length string
    assert h.attrs.get_id('scenario').get_type().is_variable_str()" "$f"
if "$odtwin" run --resume "$f" --backend cpu --quiet 2>"$tmp/err" && same "$f"; then ok
else bad "vlen scenario: $(cat "$tmp/err" "$tmp/cmp" 2>/dev/null | head -3)"; fi

# 15: a record dataset deleted: repair refuses and changes nothing
f="$tmp/del.h5"; partial "$f"
python3 -c "
import h5py, sys
with h5py.File(sys.argv[1], 'r+') as h: del h['solar_power']" "$f"
before=$(sum "$f")
"$odtwin" run --resume "$f" --backend cpu --quiet >/dev/null 2>"$tmp/err"; rc=$?
if [ $rc -eq 1 ] && [ "$(wc -l < "$tmp/err")" -eq 1 ] && grep -q "solar_power\|layout" "$tmp/err"; then ok
else bad "deleted dataset: resume exit $rc, $(cat "$tmp/err")"; fi
# 13: the stored scenario edited (another seed): the records would match neither run, so resume refuses
f="$tmp/seed.h5"; partial "$f"
python3 -c "
import h5py, sys
with h5py.File(sys.argv[1], 'r+') as h:
    s = h.attrs['scenario']; s = s.decode() if isinstance(s, bytes) else str(s)
    h.attrs['scenario'] = s.replace('seed: 5', 'seed: 6')" "$f"
before=$(sum "$f")
"$odtwin" run --resume "$f" --backend cpu --quiet >/dev/null 2>"$tmp/err"; rc=$?
if [ $rc -eq 1 ] && [ "$(wc -l < "$tmp/err")" -eq 1 ] && grep -q "configuration" "$tmp/err" && [ "$(sum "$f")" = "$before" ]
then ok; else bad "edited scenario: resume exit $rc, $(cat "$tmp/err")"; fi
# 16: a killed run's file with a dataset name overwritten on disk
f="$tmp/killed.h5"
odt_run_stopped "$odtwin" "$scen" "$f" 4 KILL || bad "the run ended before it was killed"
odt_overwrite_name "$f" solar_power solar_powex
before=$(sum "$f")
for cmd in "report $f" "export $f --format csv -o $tmp/killed.csv" "repair $f" "run --resume $f --backend cpu --quiet"; do
    # shellcheck disable=SC2086
    timeout 10 "$odtwin" $cmd >/dev/null 2>"$tmp/err"; rc=$?
    if [ $rc -eq 1 ] && [ "$(wc -l < "$tmp/err")" -eq 1 ] && [ "$(sum "$f")" = "$before" ] && [ ! -e "$tmp/killed.csv" ]
    then ok; else bad "damaged killed file: odtwin $cmd: exit $rc (124: over 10 s), $(head -c 300 "$tmp/err")"; fi
done
echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
