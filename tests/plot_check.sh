#!/usr/bin/env bash
# plot_check.sh BUILD_DIR: tools/plot_snapshot.py on a small run of the built odtwin.
#
# Installs the Python packages (tools/requirements.txt) when they are missing, runs
# tests/data/scenarios/small.yaml, plots it, and checks that each expected PNG exists and is
# not blank (pixel standard deviation > 0); a plot whose datasets the file lacks (tokens,
# failures) is expected to be skipped with a note instead. Then checks that a bad file gives
# a clear error and a non-zero exit. Prints "N passed, M failed"; exits 1 on any failure,
# 77 (skipped) when there is no python3.
set -u
BUILD=${1:?usage: plot_check.sh BUILD_DIR}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
ODTWIN="$BUILD/odtwin"
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

if "$ODTWIN" run "$ROOT/tests/data/scenarios/small.yaml" -o "$H5" --quiet; then
    ok "odtwin run small.yaml"
else
    bad "odtwin run small.yaml"
    echo "$PASS passed, $FAIL failed"
    exit 1
fi

if python3 "$ROOT/tools/plot_snapshot.py" "$H5" -o "$OUT" >"$TMP/plot.log" 2>&1; then
    ok "plot_snapshot.py exits 0"
else
    bad "plot_snapshot.py exits 0"
    cat "$TMP/plot.log"
fi

# The PNGs to expect: always three; tokens and failures when the file has their datasets.
EXPECT=$(python3 - "$H5" <<'EOF'
import sys, h5py
f = h5py.File(sys.argv[1], "r")
names = ["fleet_power", "illumination", "temperatures"]
if any(n in f for n in ("tokens_per_s", "throughput_tokens_s", "served_tokens_per_s", "tokens_served")):
    names.append("tokens")
if "failures" in f:
    names.append("failures")
print(" ".join(names))
EOF
)
for name in $EXPECT; do
    png="$OUT/$name.png"
    if [ ! -s "$png" ]; then
        bad "$name.png exists"
        continue
    fi
    if python3 - "$png" <<'EOF'
import sys
import matplotlib
matplotlib.use("Agg")
import matplotlib.image as mpimg
img = mpimg.imread(sys.argv[1])
sys.exit(0 if img.ndim >= 2 and min(img.shape[:2]) > 50 and float(img.std()) > 0.0 else 1)
EOF
    then
        ok "$name.png is a non-blank image"
    else
        bad "$name.png is a non-blank image"
    fi
done
for name in tokens failures; do
    case " $EXPECT " in *" $name "*) continue ;; esac
    if [ ! -e "$OUT/$name.png" ] && grep -q "^note: $name" "$TMP/plot.log"; then
        ok "$name plot skipped with a note (no datasets)"
    else
        bad "$name plot skipped with a note (no datasets)"
        cat "$TMP/plot.log"
    fi
done

# A file that is not a snapshot: one message naming the file, non-zero exit.
echo "not hdf5" >"$TMP/bad.h5"
if python3 "$ROOT/tools/plot_snapshot.py" "$TMP/bad.h5" -o "$OUT" >"$TMP/bad.log" 2>&1; then
    bad "a file that is not HDF5 is refused"
elif grep -q "bad.h5: not an HDF5 file" "$TMP/bad.log"; then
    ok "a file that is not HDF5 is refused"
else
    bad "a file that is not HDF5 is refused"
    cat "$TMP/bad.log"
fi

echo "$PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]
