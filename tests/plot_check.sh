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
# or is of schema 1.x, gives one clear error and a non-zero exit. Prints "N passed, M
# failed"; exits 1 on any failure, 77 (skipped) when there is no python3.
set -u
BUILD=${1:?usage: plot_check.sh BUILD_DIR}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
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
for name in fleet_power illumination temperatures tokens failures; do
    png_ok "$name.png" "$OUT/$name.png"
done
said "$TMP/plot.log" "fleet_power.png (fleet series, with the state of charge)" \
    "fleet power and battery state of charge from /series"
said "$TMP/plot.log" "illumination.png (illumination records of 6 satellites and fleet series)" \
    "illumination from the records, shadow counts from /series"
said "$TMP/plot.log" "temperatures.png (fleet series: payload temperature)" \
    "payload temperature from /series (node_temperature not recorded)"
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
for name in fleet_power illumination temperatures; do
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

echo "$PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]
