# lib.sh: shell helpers of the check scripts (sourced: . "$here/lib.sh").

# odt_run_stopped ODTWIN SCENARIO OUT RECORDS SIGNAL: start `odtwin run SCENARIO -o OUT` (cpu backend),
# wait until OUT holds at least RECORDS records (read as h5py does, in SWMR mode; at most 6 s), then
# send SIGNAL (TERM: an orderly stop, KILL: a crash) and wait for the run to end. Returns 1 when the
# run ended before it reached RECORDS records (the signal then stopped nothing).
odt_run_stopped() {
    local odtwin=$1 scen=$2 out=$3 want=$4 sig=$5 n=0
    "$odtwin" run "$scen" -o "$out" --backend cpu --quiet --summary none >/dev/null 2>&1 &
    local pid=$!
    for _ in $(seq 300); do
        sleep 0.02
        n=$(python3 -c "import h5py,sys; print(h5py.File(sys.argv[1],'r',swmr=True)['time'].shape[0])" \
            "$out" 2>/dev/null || echo 0)
        [ "${n:-0}" -ge "$want" ] && break
        kill -0 $pid 2>/dev/null || break
    done
    kill -"$sig" $pid 2>/dev/null
    local alive=$?
    wait $pid 2>/dev/null
    [ $alive -eq 0 ]
}

# odt_overwrite_name FILE NAME NEW: overwrite every occurrence of the bytes NAME in FILE with NEW (of the
# same length), as a bad disk or a careless tool would: HDF5's checksums then fail where it is read.
odt_overwrite_name() {
    python3 - "$1" "$2" "$3" <<'PY'
import sys
path, old, new = sys.argv[1], sys.argv[2].encode(), sys.argv[3].encode()
assert len(old) == len(new), "the new name must have the old one's length"
d = bytearray(open(path, "rb").read())
n, i = 0, d.find(old)
while i >= 0:
    d[i:i + len(old)] = new
    n += 1
    i = d.find(old, i + 1)
assert n > 0, "%s not found in %s" % (old, path)
open(path, "wb").write(d)
PY
}

# check NAME COMMAND...: run COMMAND; count it in $pass or $fail and print "ok   NAME" or "FAIL NAME" with
# the last 25 lines of its output (kept in $tmp/out; the caller sets tmp, pass and fail).
check() {
  local name=$1; shift
  if "$@" >"$tmp/out" 2>&1; then pass=$((pass + 1)); echo "ok   $name"; else
    fail=$((fail + 1)); echo "FAIL $name"; sed 's/^/     /' "$tmp/out" | tail -n 25; fi
}
