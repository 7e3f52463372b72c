#!/usr/bin/env bash
# plot_check.sh BUILD_DIR: tools/plot_snapshot.py on small runs of the built odtwin (schema 2.x).
#
# Installs the Python packages (tools/requirements.txt) when they are missing, runs
# tests/data/scenarios/small.yaml twice (the default records; and node_temperature and
# temperature of 3 of the 6 satellites, without illumination), plots both, and checks that each
# PNG exists, is not blank (pixel standard deviation > 0) and was drawn from the data it should
# be (the fleet series for the power and the state of charge, the records for the node
# temperatures when they are recorded); runs tests/data/scenarios/growth_small.yaml (launches)
# and checks the four --claims figures the same way; that a plot whose datasets the file
# lacks (tokens, failures) is skipped with a note instead; and that a file that is not HDF5,
# or is of schema 1.x, gives one clear error and a non-zero exit.
# Then the numbers behind the figures, on 60 days of scenarios/seasons_burn_in_year.yaml from
# 1 May: no umbra pass where |beta| > asin(R_E/a) (the tool's beta, 0.01 deg margin) and an
# umbra pass on every orbit where |beta| is 2 deg below it; the failures and restarts per fleet
# entry equal `odtwin report --json` (failures_by_class, from /final); cumulative tokens served
# <= demanded at every series row, and the figure's served/demanded = the report's; the number
# and longest of the umbra passes = the report's; the payload temperature's extremes = those of
# every step of /series. And the ground track's latitude and longitude against `odtwin export
# --geodetic` (1e-5 deg with pyerfa). Prints "N passed, M failed"; exits 1 on any failure, 77
# (skipped) when there is no python3.
set -u
BUILD=${1:?usage: plot_check.sh BUILD_DIR}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
. "$ROOT/tests/lib.sh"
ODTWIN="$BUILD/odtwin"
PLOT="$ROOT/tools/plot_snapshot.py"
PASS=0
FAIL=0
ok() { PASS=$((PASS + 1)); echo "ok    $1"; }
bad() { FAIL=$((FAIL + 1)); echo "FAIL  $1"; }

if ! command -v python3 >/dev/null 2>&1; then
    echo "plot_check.sh: python3 not found: skipped"
    exit 77
fi
if ! python3 -c "import h5py, numpy, matplotlib" >/dev/null 2>&1; then
    echo "plot_check.sh: installing the Python packages of tools/requirements.txt"
    if ! python3 -m pip install --quiet -r "$ROOT/tools/requirements.txt"; then
        echo "plot_check.sh: cannot install tools/requirements.txt (pip failed)"
        echo "0 passed, 1 failed"
        exit 1
    fi
fi
if [ ! -x "$ODTWIN" ]; then
    echo "plot_check.sh: $ODTWIN not found: build odtwin first"
    echo "0 passed, 1 failed"
    exit 1
fi

TMP=$(mktemp -d "${TMPDIR:-/tmp}/odt_plot_XXXXXX")
trap 'rm -rf "$TMP"' EXIT
H5="$TMP/small.h5"
OUT="$TMP/plots"

# png_ok WHAT PNG: the file exists and is a non-blank image
png_ok() {
    if [ ! -s "$2" ]; then
        bad "$1 exists"
        return
    fi
    if python3 - "$2" <<'PY'
import sys
import matplotlib
matplotlib.use("Agg")
import matplotlib.image as mpimg
img = mpimg.imread(sys.argv[1])
sys.exit(0 if img.ndim >= 2 and min(img.shape[:2]) > 50 and float(img.std()) > 0.0 else 1)
PY
    then
        ok "$1 is a non-blank image"
    else
        bad "$1 is a non-blank image"
    fi
}
# said LOG TEXT WHAT: the plot log has a line containing TEXT
said() {
    if grep -qF -- "$2" "$1"; then ok "$3"; else bad "$3"; cat "$1"; fi
}

# 1. The default records.
if "$ODTWIN" run "$ROOT/tests/data/scenarios/small.yaml" -o "$H5" --quiet; then
    ok "odtwin run small.yaml"
else
    bad "odtwin run small.yaml"
    echo "$PASS passed, $FAIL failed"
    exit 1
fi
if python3 "$PLOT" "$H5" -o "$OUT" >"$TMP/plot.log" 2>&1; then
    ok "plot_snapshot.py exits 0"
else
    bad "plot_snapshot.py exits 0"
    cat "$TMP/plot.log"
fi
for name in fleet_power illumination payload_temperature tokens failures eclipse_season beta ground_track; do
    png_ok "$name.png" "$OUT/$name.png"
done
said "$TMP/plot.log" "fleet_power.png (fleet series, with the state of charge)" \
    "fleet power and battery state of charge from /series"
said "$TMP/plot.log" "illumination.png (illumination records of 6 satellites and fleet series)" \
    "illumination from the records, shadow counts from /series"
said "$TMP/plot.log" "payload_temperature.png (fleet series: payload temperature" \
    "payload temperature from /series"
said "$TMP/plot.log" "note: temperatures: skipped (node_temperature not recorded" \
    "node temperature histograms skipped with a note (node_temperature not recorded)"
said "$TMP/plot.log" "failures.png (/failures table, " "failures from the /failures table"
if grep -qi "warning" "$TMP/plot.log"; then
    bad "no warnings"
    cat "$TMP/plot.log"
else
    ok "no warnings"
fi

# 2. Node temperatures of 3 of the satellites, no illumination records.
{
    cat "$ROOT/tests/data/scenarios/small.yaml"
    printf 'snapshot_fields: [node_temperature, temperature]\nsnapshot_satellites: [4, 1, 5]\n'
} >"$TMP/nodes.yaml"
OUT2="$TMP/plots2"
if "$ODTWIN" run "$TMP/nodes.yaml" -o "$TMP/nodes.h5" --quiet &&
    python3 "$PLOT" "$TMP/nodes.h5" -o "$OUT2" >"$TMP/plot2.log" 2>&1; then
    ok "run and plot with snapshot_fields [node_temperature, temperature]"
else
    bad "run and plot with snapshot_fields [node_temperature, temperature]"
    cat "$TMP/plot2.log"
fi
for name in fleet_power illumination temperatures payload_temperature; do
    png_ok "subset: $name.png" "$OUT2/$name.png"
done
said "$TMP/plot2.log" "temperatures.png (node_temperature records of 3 satellites)" \
    "node temperatures from the records of the 3 record satellites"
said "$TMP/plot2.log" "illumination.png (fleet series)" "illumination not recorded: shadow counts from /series"

# 3. The claims figures of a growth run (launches), with odtwin report --claims --json.
OUT5="$TMP/plots_claims"
if "$ODTWIN" run "$ROOT/tests/data/scenarios/growth_small.yaml" -o "$TMP/growth.h5" --quiet &&
    python3 "$PLOT" "$TMP/growth.h5" -o "$OUT5" --claims --odtwin "$ODTWIN" >"$TMP/plot5.log" 2>&1; then
    ok "run growth_small.yaml and plot with --claims"
else
    bad "run growth_small.yaml and plot with --claims"
    cat "$TMP/plot5.log"
fi
for name in claims_fleet_growth claims_compute_added claims_cost_per_mtok claims_eclipse_storage; do
    png_ok "claims: $name.png" "$OUT5/$name.png"
done
said "$TMP/plot5.log" "claims_fleet_growth.png (/series satellites_in_service, /launches (10 rows))" \
    "fleet growth from /series and the 10 launches of /launches"
said "$TMP/plot5.log" "claims_cost_per_mtok.png (odtwin report --claims --json, /economics)" \
    "cost per million tokens from odtwin report --claims --json"

# 4. Without the failure table and the token series: those plots are skipped with a note.
python3 - "$H5" "$TMP/lean.h5" <<'PY'
import shutil, sys, h5py
shutil.copy(sys.argv[1], sys.argv[2])
with h5py.File(sys.argv[2], "r+") as f:
    del f["failures"]
    del f["series/tokens_served"]
PY
if python3 "$PLOT" "$TMP/lean.h5" -o "$TMP/plots3" >"$TMP/plot3.log" 2>&1; then
    for name in tokens failures; do
        if [ ! -e "$TMP/plots3/$name.png" ] && grep -q "^note: $name" "$TMP/plot3.log"; then
            ok "$name plot skipped with a note (no datasets)"
        else
            bad "$name plot skipped with a note (no datasets)"
            cat "$TMP/plot3.log"
        fi
    done
else
    bad "plot_snapshot.py exits 0 without /failures and /series/tokens_served"
    cat "$TMP/plot3.log"
fi

# 5. Schema 1.x: refused with one message naming the file.
python3 - "$H5" "$TMP/old.h5" <<'PY'
import shutil, sys, h5py, numpy as np
shutil.copy(sys.argv[1], sys.argv[2])
with h5py.File(sys.argv[2], "r+") as f:
    f.attrs["odtwin_schema_version"] = np.bytes_(b"1.1")
PY
if python3 "$PLOT" "$TMP/old.h5" -o "$TMP/plots4" >"$TMP/old.log" 2>&1; then
    bad "a schema 1.1 file is refused"
elif [ "$(wc -l <"$TMP/old.log")" -eq 1 ] && grep -q "old.h5: snapshot schema 1.1 is not supported" "$TMP/old.log"; then
    ok "a schema 1.1 file is refused"
else
    bad "a schema 1.1 file is refused"
    cat "$TMP/old.log"
fi

# 6. A file that is not a snapshot: one message naming the file, non-zero exit.
echo "not hdf5" >"$TMP/bad.h5"
if python3 "$PLOT" "$TMP/bad.h5" -o "$OUT" >"$TMP/bad.log" 2>&1; then
    bad "a file that is not HDF5 is refused"
elif grep -q "bad.h5: not an HDF5 file" "$TMP/bad.log"; then
    ok "a file that is not HDF5 is refused"
else
    bad "a file that is not HDF5 is refused"
    cat "$TMP/bad.log"
fi

# 6b. A killed run's file (still marked open for writing: read as a SWMR reader) with a dataset name
#     overwritten on disk: refused in one line within 30 s (HDF5's default SWMR retries would sleep for hours).
cat >"$TMP/killed.yaml" <<'YAML'
name: killed
epoch: 2026-03-20T12:00:00Z
duration_s: 864000
step_s: 10
snapshot_interval_s: 600
fleet:
  - {source: walker, altitude_km: 550, inclination_deg: 53, planes: 10, slots: 20}
YAML
odt_run_stopped "$ODTWIN" "$TMP/killed.yaml" "$TMP/killed.h5" 3 KILL || bad "the run ended before it was killed"
odt_overwrite_name "$TMP/killed.h5" solar_power solar_powex
timeout 30 python3 "$PLOT" "$TMP/killed.h5" -o "$TMP/killed_plots" >"$TMP/killed.log" 2>&1
rc=$?
if [ "$rc" -eq 1 ] && [ "$(wc -l <"$TMP/killed.log")" -eq 1 ] && grep -q "killed.h5: " "$TMP/killed.log"; then
    ok "a damaged file of a killed run is refused at once"
else
    bad "a damaged file of a killed run is refused at once (exit $rc; 124: over 30 s)"
    cat "$TMP/killed.log"
fi

# 7. 60 days of scenarios/seasons_burn_in_year.yaml from 1 May (the dawn-dusk orbit enters its eclipse
#    season, the 53 deg planes sweep through every beta): the numbers behind the figures, from the data.
sed -e 's/^epoch: .*/epoch: 2026-05-01T00:00:00Z/' -e 's/^duration_s: .*/duration_s: 5184000/' \
    "$ROOT/scenarios/seasons_burn_in_year.yaml" >"$TMP/season.yaml"
OUT6="$TMP/plots_season"
if "$ODTWIN" run "$TMP/season.yaml" -o "$TMP/season.h5" --quiet >"$TMP/season.log" &&
    "$ODTWIN" report "$TMP/season.h5" --json >"$TMP/season.json" &&
    python3 "$PLOT" "$TMP/season.h5" -o "$OUT6" >"$TMP/plot6.log" 2>&1; then
    ok "run, report and plot 60 days of seasons_burn_in_year.yaml"
else
    bad "run, report and plot 60 days of seasons_burn_in_year.yaml"
    cat "$TMP/plot6.log"
fi
for name in illumination payload_temperature tokens failures eclipse_season beta; do
    png_ok "60 days: $name.png" "$OUT6/$name.png"
done
said "$TMP/plot6.log" "illumination.png (/eclipses umbra per day of 20 satellites" \
    "records an hour apart: the umbra image comes from /eclipses"
said "$TMP/plot6.log" "note: ground track: skipped (records every 3600 s" \
    "records an hour apart: no ground track, with a note"
if python3 - "$PLOT" "$TMP/season.h5" "$TMP/season.json" "$TMP/plot6.log" <<'PY'
import importlib.util, json, re, sys
import h5py
import numpy as np
spec = importlib.util.spec_from_file_location("plot_snapshot", sys.argv[1])
ps = importlib.util.module_from_spec(spec)
spec.loader.exec_module(ps)
rep = json.load(open(sys.argv[3]))
log = open(sys.argv[4]).read()
bad = 0
def check(cond, what):
    global bad
    print(("ok    " if cond else "FAIL  ") + what)
    bad += 0 if cond else 1
with h5py.File(sys.argv[2], "r") as f:
    # beta: no umbra pass where |beta| > asin(R_E/a); the Sun direction is interpolated between hourly
    # records (< 1e-4 deg), hence 0.01 deg of margin
    g = f["eclipses"]
    um = g["kind"][:] == 1
    sat = g["satellite"][:][um].astype(int)
    mid = 0.5 * (g["start"][:][um] + g["end"][:][um])
    st = g["start"][:][um]
    n = len(f["fleet/a_km"])
    lim = np.degrees(ps.beta_limit(f, np.arange(n)))
    t = f["time"][:]
    worst, over, missing = -90.0, 0, []
    period = 2 * np.pi * np.sqrt(f["fleet/a_km"][:] ** 3 / 398600.4418)
    for s in range(n):
        b = np.degrees(ps.beta_angles(f, np.array([s]), mid[sat == s])[:, 0])
        if len(b):
            worst = max(worst, float(np.max(np.abs(b) - lim[s])))
        br = np.degrees(ps.beta_angles(f, np.array([s]), t)[:, 0])
        over += int(np.sum(np.abs(br) > lim[s] + 1.0))
        # and where |beta| is 2 deg below the limit for 3 orbits or more, an umbra pass on every orbit
        for a, e in ps.spans(np.abs(br) < lim[s] - 2.0):
            t0, t1 = t[a], t[e - 1]
            if t1 - t0 >= 3 * period[s]:
                k = int(np.sum((st[sat == s] >= t0) & (st[sat == s] < t1)))
                if k < np.floor((t1 - t0) / period[s]) - 1:
                    missing.append((s, t0, t1, k))
    check(len(sat) > 1000 and over > 100,
          "beta check has data: %d umbra passes, %d satellite-records with |beta| > limit + 1 deg" % (len(sat), over))
    check(worst < 0.01, "no umbra pass where |beta| > asin(R_E/a): max |beta| - limit over the passes %.4f deg"
          % worst)
    check(not missing, "an umbra pass on every orbit where |beta| < asin(R_E/a) - 2 deg%s"
          % ("" if not missing else ": not so for %s" % missing[:3]))
    # failures: the figure's per-entry totals are the report's (from /final), entry by entry
    m = re.search(r"failures\.png \(/failures table, \d+ rows; per entry: (.*)\)", log)
    fig = dict((k, (int(a), int(b))) for k, a, b in re.findall(r"([\w.-]+): (\d+) failed, (\d+) restarts",
                                                                m.group(1))) if m else {}
    byc = {c["class"]: (int(c["failed"]), int(c["restarts"])) for c in rep["compute"]["failures_by_class"]}
    check(len(byc) == 3 and fig == byc, "failures per entry of the figure %s = the report's %s" % (fig, byc))
    check(sum(v[0] for v in fig.values()) > 0 and sum(v[1] for v in fig.values()) > 0,
          "failures and restarts in the 60 days")
    # tokens: cumulative served <= cumulative demanded at every row (float32 rows: 1e-6), and the figure's
    # served/demanded over the run = the report's served_fraction
    sv = np.cumsum(f["series/tokens_served"][:].astype(np.float64).sum(axis=1))
    dm = np.cumsum(f["series/demand_tokens"][:].astype(np.float64))
    check(bool(np.all(sv <= dm * (1 + 1e-6) + 1.0)) and sv[-1] > 0.5 * dm[-1],
          "cumulative tokens served <= demanded at every row (served %.4g of %.4g)" % (sv[-1], dm[-1]))
    m = re.search(r"served/demanded over the run ([0-9.]+)", log)
    check(m is not None and abs(float(m.group(1)) - rep["compute"]["served_fraction"]) < 1e-4,
          "tokens.png served/demanded %s = the report's served_fraction %.6f"
          % (m.group(1) if m else "?", rep["compute"]["served_fraction"]))
    # eclipse season: the longest pass of the figure is the report's
    m = re.search(r"eclipse_season\.png \(/eclipses, (\d+) complete umbra passes, longest ([0-9.]+) s", log)
    check(m is not None and int(m.group(1)) == rep["eclipses"]["umbra_complete"] and
          abs(float(m.group(2)) - rep["eclipses"]["umbra_longest_s"]) < 1e-3,
          "eclipse_season.png: passes and longest pass = the report's (%d, %.3f s)"
          % (rep["eclipses"]["umbra_complete"], rep["eclipses"]["umbra_longest_s"]))
    # payload temperature: the binned envelope keeps the extremes of every step
    m = re.search(r"payload temperature, min ([0-9.]+) K, max ([0-9.]+) K, limit ([0-9.]+) K", log)
    lo = float(np.nanmin(f["series/payload_temperature_min"][:]))
    hi = float(np.nanmax(f["series/payload_temperature_max"][:]))
    check(m is not None and abs(float(m.group(1)) - lo) < 1e-3 and abs(float(m.group(2)) - hi) < 1e-3 and
          abs(float(m.group(3)) - float(f["classes/payload_temp_limit_k"][0])) < 1e-2,
          "payload_temperature.png: min %.3f K, max %.3f K of every step and the /classes limit" % (lo, hi))
sys.exit(1 if bad else 0)
PY
then
    ok "60 days: the numbers behind the figures (the lines above)"
else
    bad "60 days: the numbers behind the figures (the lines above)"
fi

# 8. The ground track against `odtwin export --geodetic` (ERFA's IAU 2006/2000A in C) at every record.
if "$ODTWIN" export "$H5" --format csv --geodetic -o "$TMP/geo.csv" &&
    python3 - "$PLOT" "$H5" "$TMP/geo.csv" <<'PY'
import csv, importlib.util, sys
import h5py
import numpy as np
spec = importlib.util.spec_from_file_location("plot_snapshot", sys.argv[1])
ps = importlib.util.module_from_spec(spec)
spec.loader.exec_module(ps)
rows = list(csv.DictReader(open(sys.argv[3])))
with h5py.File(sys.argv[2], "r") as f:
    n = ps.records(f)
    m = f["position"].shape[1]
    lat, lon, how = ps.geodetic_track(f, np.arange(m), np.arange(n))
    sats = list(f["satellite"][:])
ref_lat = np.array([[float(r["lat_deg"]) for r in rows if int(r["satellite"]) == s] for s in sats]).T
ref_lon = np.array([[float(r["lon_deg"]) for r in rows if int(r["satellite"]) == s] for s in sats]).T
tol = 1e-5 if "pyerfa" in how else 0.5  # the full transformation; else the rotation angle alone (0.36 deg in 2026)
d_lat = float(np.max(np.abs(lat - ref_lat)))
d_lon = float(np.max(np.abs((lon - ref_lon + 180.0) % 360.0 - 180.0)))
print("ground track vs odtwin export --geodetic: %d records x %d satellites, max |dlat| %.2e deg, |dlon| %.2e deg "
      "(tolerance %g deg; %s)" % (n, m, d_lat, d_lon, tol, how))
sys.exit(0 if ref_lat.shape == lat.shape and d_lat < tol and d_lon < tol else 1)
PY
then
    ok "ground-track latitude and longitude = odtwin export --geodetic"
else
    bad "ground-track latitude and longitude = odtwin export --geodetic"
fi

echo "$PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]
