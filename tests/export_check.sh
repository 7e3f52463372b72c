#!/usr/bin/env bash
# odtwin export read back by other programs: every OEM file through the PyPI `oem` package (a
# CCSDS OEM reader that is not ours), the CZML and the CSV files through Python's json and csv,
# each state, sample and cell compared with the snapshot read with h5py; then bad input (one
# error line, a non-zero exit, no output left). docs/export.md describes the formats.
#   export_check.sh ODTWIN_BINARY
# Exit 77 (skipped) when python3, h5py, numpy or oem is missing (tests/requirements.txt).
set -u
set -o pipefail
odtwin=$1
if ! command -v python3 >/dev/null 2>&1; then echo "skip: python3 not found"; exit 77; fi
for mod in h5py numpy oem; do
  if ! python3 -c "import $mod" >/dev/null 2>&1; then
    echo "skip: the Python package $mod is not installed (pip install -r tests/requirements.txt)"; exit 77
  fi
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
. "$(cd "$(dirname "$0")" && pwd)/lib.sh"  # check

# 6 satellites (2 planes x 3 slots) at 650 km, inclined 53 deg; 3 h (1.8 orbits of 97.7 min)
# in 60 s steps, a record every 2 steps: 91 records with velocity, for OEM.
cat >"$tmp/s.yaml" <<'EOF'
name: export-check
epoch: 2026-03-20T12:00:00Z
duration_s: 10800
step_s: 60
snapshot_interval_s: 120
seed: 7
shadow: conical
snapshot_fields: [position, velocity, illumination, temperature, solar_power]
fleet:
  - name: shell-650
    source: walker
    pattern: delta
    altitude_km: 650
    inclination_deg: 53
    raan_deg: 0
    planes: 2
    slots: 3
    phasing: 1
EOF
check "odtwin run (6 satellites, 91 records with velocity)" \
  "$odtwin" run "$tmp/s.yaml" -o "$tmp/s.h5" --backend cpu --quiet --summary none

# The snapshot as the checks below see it (h5py only), shared by every Python check.
cat >"$tmp/snap.py" <<'PY'
import datetime as dt
import h5py
import numpy as np

RECORDS, SATS, INC_DEG, ALT_KM = 91, 6, 53.0, 650.0


class Snap:
    def __init__(self, path):
        with h5py.File(path, "r") as f:
            self.time = f["time"][...]                      # s since epoch_utc (elapsed SI seconds)
            self.epoch_utc = f.attrs["epoch_utc"]
            self.epoch_utc = self.epoch_utc.decode() if isinstance(self.epoch_utc, bytes) else str(self.epoch_utc)
            assert f["time"].attrs["epoch_utc"] in (self.epoch_utc, self.epoch_utc.encode())
            self.sat = f["satellite"][...]                  # fleet index of each record column
            # float32 in the file; float64 here (exact), so that x 1e3 (CZML metres) adds no rounding
            self.pos = f["position"][...].astype(np.float64)  # [T, M, 3] km, GCRS axes
            self.vel = f["velocity"][...].astype(np.float64)  # [T, M, 3] km/s
            self.illum = f["illumination"][...]
            self.temp = f["temperature"][...]
            self.solar = f["solar_power"][...]
            names = f["fleet/name"][...]
            self.name = [n.decode() if isinstance(n, bytes) else str(n) for n in names]
            self.series = {k: f["series"][k][...] for k in f["series"].keys()}
            self.class_names = str(f["classes"].attrs["names"].decode() if isinstance(
                f["classes"].attrs["names"], bytes) else f["classes"].attrs["names"]).split(",")
            for k, unit in (("position", "km"), ("velocity", "km s-1")):
                u = f[k].attrs["units"]
                assert (u.decode() if isinstance(u, bytes) else u) == unit, (k, u)
        assert self.time.shape == (RECORDS,), self.time.shape
        assert self.pos.shape == (RECORDS, SATS, 3) and self.vel.shape == self.pos.shape
        assert list(self.sat) == list(range(SATS)), self.sat
        assert self.epoch_utc.endswith("Z"), self.epoch_utc
        self.epoch = dt.datetime.fromisoformat(self.epoch_utc[:-1]).replace(tzinfo=dt.timezone.utc)


def close(a, b, rel, what):
    """|a - b| <= rel * max(|b|, 1e-3), element by element (1e-3: the scale of a near-zero component)."""
    a, b = np.asarray(a, float), np.asarray(b, float)
    assert a.shape == b.shape, (what, a.shape, b.shape)
    tol = rel * np.maximum(np.abs(b), 1e-3)
    bad = np.abs(a - b) > tol
    assert not bad.any(), (what, "max diff", float(np.abs(a - b).max()), "first", np.argwhere(bad)[0])


def utc_seconds(text, epoch):
    """An ISO 8601 UTC text ("...Z" or none) as seconds after epoch (no leap second in these runs)."""
    t = dt.datetime.fromisoformat(text.rstrip("Z")).replace(tzinfo=dt.timezone.utc)
    return (t - epoch).total_seconds()
PY

# OEM: positions and velocities are float32 in the records, written with 9 significant digits,
# which give the float32 back exactly: the OEM states must equal the records to 1e-8 relative
# (km, km/s). Epochs are written to the microsecond: seconds from the first epoch (UTC, astropy
# through the oem package) must equal the snapshot's elapsed seconds to 2e-6 s.
cat >"$tmp/oem_check.py" <<'PY'
import sys
import numpy as np
from oem import OrbitEphemerisMessage
sys.path.insert(0, sys.argv[1])
from snap import Snap, close, utc_seconds

snap = Snap(sys.argv[2])


def check_message(m, j, what):
    segs = list(m.segments)
    assert len(segs) == 1, (what, len(segs))
    seg = segs[0]
    md = seg.metadata
    assert m.header.version == "2.0", (what, m.header.version)
    assert m.header["ORIGINATOR"].startswith("odtwin"), m.header["ORIGINATOR"]
    assert md["CENTER_NAME"] == "EARTH" and md["REF_FRAME"] == "GCRF", (what, md["CENTER_NAME"], md["REF_FRAME"])
    assert md["TIME_SYSTEM"] == "UTC", (what, md["TIME_SYSTEM"])
    i = int(snap.sat[j])
    assert md["OBJECT_NAME"] == snap.name[i], (what, md["OBJECT_NAME"], snap.name[i])
    assert md["OBJECT_ID"] == "ODTWIN-%d" % i, (what, md["OBJECT_ID"])  # generated satellite: no NORAD number
    assert md["INTERPOLATION"] == "LAGRANGE" and int(md["INTERPOLATION_DEGREE"]) == 7, what
    states = list(seg.states)
    assert len(states) == len(snap.time), (what, len(states), len(snap.time))  # one state per record
    t0 = states[0].epoch
    assert abs(utc_seconds(t0.utc.isot, snap.epoch) - snap.time[0]) < 2e-6, (what, t0.utc.isot)
    t = np.array([(s.epoch - t0).to_value("s") for s in states])
    assert np.abs(t - (snap.time - snap.time[0])).max() < 2e-6, (what, np.abs(t - (snap.time - snap.time[0])).max())
    # the oem package gives START_TIME and STOP_TIME as astropy times (UTC)
    assert abs((md["START_TIME"] - t0).to_value("s")) < 2e-6, (what, md["START_TIME"])
    assert abs((md["STOP_TIME"] - t0).to_value("s") - (snap.time[-1] - snap.time[0])) < 2e-6, (what, md["STOP_TIME"])
    for s in states:
        assert s.frame == "GCRF" and s.center == "EARTH", (what, s.frame, s.center)
    close([s.position for s in states], snap.pos[:, j, :], 1e-8, what + ": position, km")
    close([s.velocity for s in states], snap.vel[:, j, :], 1e-8, what + ": velocity, km/s")


mode, path = sys.argv[3], sys.argv[4]
if mode == "dir":
    import os
    files = sorted(os.listdir(path))
    assert files == sorted("sat-%d.oem" % i for i in snap.sat), files
    for j, i in enumerate(snap.sat):
        f = os.path.join(path, "sat-%d.oem" % i)
        check_message(OrbitEphemerisMessage.open(f), j, f)
else:
    # One message with a segment per satellite. The oem package takes one object per message
    # (it refuses a second OBJECT_NAME), so it reads the file cut into one message per segment:
    # the header, then each META_START..data block.
    text = open(path).read()
    try:
        OrbitEphemerisMessage.open(path)
        whole = True
    except ValueError as ex:
        whole = False
        assert "OBJECT_NAME" in str(ex), ex  # the documented limitation, not another error
    assert not whole, "the oem package read a multi-object message: check it whole"
    head, *blocks = text.split("\nMETA_START\n")
    assert head.startswith("CCSDS_OEM_VERS = 2.0\n"), head[:40]
    assert len(blocks) == len(snap.sat), len(blocks)
    for j, b in enumerate(blocks):
        part = "%s.seg%d" % (path, j)
        with open(part, "w") as g:
            g.write(head + "\nMETA_START\n" + b)
        check_message(OrbitEphemerisMessage.open(part), j, "%s segment %d" % (path, j))
PY
check "export --format oem (a folder of one message per satellite)" "$odtwin" export "$tmp/s.h5" --format oem -o "$tmp/oem"
check "oem package: every state of every file = the records (1e-8), frame, centre, names, times" \
  python3 "$tmp/oem_check.py" "$tmp" "$tmp/s.h5" dir "$tmp/oem"
check "export --format oem --single-file" "$odtwin" export "$tmp/s.h5" --format oem --single-file -o "$tmp/one.oem"
check "oem package: --single-file, each segment as a message of its own = the records" \
  python3 "$tmp/oem_check.py" "$tmp" "$tmp/s.h5" single "$tmp/one.oem"

# CZML: positions in metres (the records' km x 1000, 9 significant digits: 1e-8 relative), sample
# times in seconds from the position epoch (the snapshot's epoch_utc) equal to /time.
check "export --format czml" "$odtwin" export "$tmp/s.h5" --format czml -o "$tmp/s.czml"
check "json: document packet, a packet per satellite, positions and colours = the records" \
  python3 - "$tmp" "$tmp/s.h5" "$tmp/s.czml" <<'PY'
import json
import sys
import numpy as np
sys.path.insert(0, sys.argv[1])
from snap import Snap, close, utc_seconds
snap = Snap(sys.argv[2])
doc = json.load(open(sys.argv[3]))
assert doc[0]["id"] == "document" and doc[0]["version"] == "1.0", doc[0]
start, stop = doc[0]["clock"]["interval"].split("/")
assert utc_seconds(start, snap.epoch) == snap.time[0] and abs(utc_seconds(stop, snap.epoch) - snap.time[-1]) < 1e-3
sats = doc[1:]
assert [p["id"] for p in sats] == ["satellite/%d" % i for i in snap.sat], [p["id"] for p in sats]
T = len(snap.time)
rgba = {"sun": [255, 215, 0, 255], "penumbra": [255, 140, 0, 255], "umbra": [70, 110, 220, 255]}
for j, p in enumerate(sats):
    assert p["name"] == snap.name[int(snap.sat[j])], p["name"]
    pos = p["position"]
    assert pos["referenceFrame"] == "INERTIAL", pos["referenceFrame"]
    assert pos["interpolationAlgorithm"] == "LAGRANGE" and pos["interpolationDegree"] == 7, pos
    assert utc_seconds(pos["epoch"], snap.epoch) == 0.0, pos["epoch"]
    c = np.array(pos["cartesian"], float)
    assert c.size == 4 * T, (p["id"], c.size, 4 * T)  # time, x, y, z per record
    c = c.reshape(T, 4)
    assert np.abs(c[:, 0] - snap.time).max() < 1e-9, p["id"]
    close(c[:, 1:], snap.pos[:, j, :] * 1e3, 1e-8, p["id"] + ": position, m")
    # the colour at each record's time is that of its illumination (conical shadow: sunlit, penumbra, umbra)
    iv = []
    for x in p["point"]["color"]:
        a, b = x["interval"].split("/")
        iv.append((utc_seconds(a, snap.epoch), utc_seconds(b, snap.epoch), x["rgba"]))
    for r in range(T):
        t = snap.time[r]
        hit = [x for x in iv if x[0] - 1e-3 <= t < x[1] - 1e-3] or ([iv[-1]] if abs(t - iv[-1][1]) < 1e-3 else [])
        assert len(hit) == 1, (p["id"], r, t, iv)
        il = snap.illum[r, j]
        want = rgba["sun"] if il >= 1.0 else rgba["umbra"] if il <= 0.0 else rgba["penumbra"]
        assert hit[0][2] == want, (p["id"], r, il, hit[0][2])
used = {tuple(x["rgba"]) for p in sats for x in p["point"]["color"]}
assert {tuple(rgba["sun"]), tuple(rgba["umbra"])} <= used, used  # 1.8 orbits: each satellite in sunlight and umbra
PY

# CSV: every recorded field, full precision (float32: 9 digits, 1e-8 relative to the records).
check "export --format csv" "$odtwin" export "$tmp/s.h5" --format csv -o "$tmp/s.csv"
check "csv: units in the header, a row per record and satellite, cells = the records" \
  python3 - "$tmp" "$tmp/s.h5" "$tmp/s.csv" <<'PY'
import csv
import sys
import numpy as np
sys.path.insert(0, sys.argv[1])
from snap import Snap, close, utc_seconds
snap = Snap(sys.argv[2])
rows = list(csv.reader(open(sys.argv[3], newline="")))
head, rows = rows[0], rows[1:]
want = ["time_utc", "t_s", "satellite", "position_x_km", "position_y_km", "position_z_km", "velocity_x_km_per_s",
        "velocity_y_km_per_s", "velocity_z_km_per_s", "illumination", "temperature_K", "solar_power_W"]
assert head == want, head
T, M = len(snap.time), len(snap.sat)
assert len(rows) == T * M, (len(rows), T * M)
a = np.array([[float(x) for x in row[1:]] for row in rows]).reshape(T, M, len(want) - 1)
for r in range(T):
    for j in range(M):
        assert abs(utc_seconds(rows[r * M + j][0], snap.epoch) - snap.time[r]) < 1e-3, rows[r * M + j][0]
assert (a[:, :, 0] == snap.time[:, None]).all(), "t_s"
assert (a[:, :, 1] == snap.sat[None, :]).all(), "satellite"
close(a[:, :, 2:5], snap.pos, 1e-8, "position, km")
close(a[:, :, 5:8], snap.vel, 1e-8, "velocity, km/s")
close(a[:, :, 8], snap.illum, 1e-8, "illumination")
close(a[:, :, 9], snap.temp, 1e-8, "temperature, K")
close(a[:, :, 10], snap.solar, 1e-8, "solar power, W")
PY
check "export --format csv --series" "$odtwin" export "$tmp/s.h5" --format csv --series -o "$tmp/series.csv"
check "csv --series: a row per series row, columns per variable and fleet entry = /series" \
  python3 - "$tmp" "$tmp/s.h5" "$tmp/series.csv" <<'PY'
import csv
import sys
import numpy as np
sys.path.insert(0, sys.argv[1])
from snap import Snap, close
snap = Snap(sys.argv[2])
rows = list(csv.reader(open(sys.argv[3], newline="")))
head, rows = rows[0], rows[1:]
s = snap.series
assert len(rows) == len(s["time"]) == 181, (len(rows), len(s["time"]))  # every 60 s step of 3 h, and the epoch
assert head[:3] == ["time_utc", "t_s", "demand_tokens"], head[:3]
assert snap.class_names == ["shell-650"], snap.class_names
col = {h: k for k, h in enumerate(head)}
a = np.array([[float(x) if x else np.nan for x in row[1:]] for row in rows])
assert (a[:, 0] == s["time"]).all(), "t_s"
assert (a[:, 1] == s["demand_tokens"]).all(), "demand_tokens: 17 digits give the double back"
for name, unit in (("solar_power", "W"), ("battery_energy", "J"), ("capacity", "tokens_per_s"),
                   ("tokens_served", "tokens"), ("satellites_umbra", ""), ("payload_temperature_max", "K"),
                   ("soc_min", "")):
    h = "%s%s[shell-650]" % (name, "_" + unit if unit else "")
    assert h in col, (h, head)
    close(a[:, col[h] - 1], s[name][:, 0], 1e-8, h)
PY
check "export --format csv --geodetic" "$odtwin" export "$tmp/s.h5" --format csv --geodetic -o "$tmp/geo.csv"
# WGS-84 altitude of a 650 km circular orbit over a sphere of 6378.137 km: 650 at the equator up
# to ~670 km near 53 deg (the ellipsoid is 13 km lower there): 650 +- 25 km. The geodetic
# latitude peaks near the inclination (53 deg; geodetic exceeds geocentric by < 0.2 deg at this
# height); with a record every 2 min the peak may fall up to ~1 deg between records.
check "csv --geodetic: altitude 650 +- 25 km, |latitude| max near 53 deg, longitude in [-180, 180]" \
  python3 - "$tmp" "$tmp/s.h5" "$tmp/geo.csv" <<'PY'
import csv
import sys
import numpy as np
sys.path.insert(0, sys.argv[1])
from snap import Snap, INC_DEG, ALT_KM
snap = Snap(sys.argv[2])
rows = list(csv.DictReader(open(sys.argv[3], newline="")))
assert len(rows) == len(snap.time) * len(snap.sat), len(rows)
lat = np.array([float(r["lat_deg"]) for r in rows])
lon = np.array([float(r["lon_deg"]) for r in rows])
alt = np.array([float(r["alt_km"]) for r in rows])
assert np.abs(alt - ALT_KM).max() <= 25.0, (alt.min(), alt.max())
assert INC_DEG - 2.0 <= np.abs(lat).max() <= INC_DEG + 0.5, np.abs(lat).max()
assert (lat < 0).any() and (lat > 0).any(), "over 1.8 orbits both hemispheres"
assert (-180.0 <= lon).all() and (lon <= 180.0).all(), (lon.min(), lon.max())
assert lon.max() - lon.min() > 300.0, (lon.min(), lon.max())  # 1.8 orbits wrap the longitude
PY

# Damaged after the fact: export and report count the same complete records (one reader of the
# snapshot, host/h5io.h). The last /time NaN: that record is left out (90); sun_direction cut
# 3 records short: the records end where it ends (88).
cp "$tmp/s.h5" "$tmp/nan.h5" && cp "$tmp/s.h5" "$tmp/sun.h5"
check "h5py: the last /time set to NaN; /sun_direction cut 3 records short" python3 - "$tmp/nan.h5" "$tmp/sun.h5" <<'PY'
import sys
import h5py
with h5py.File(sys.argv[1], "r+") as f:
    f["time"][-1] = float("nan")
with h5py.File(sys.argv[2], "r+") as f:
    d = f["sun_direction"]
    d.resize(d.shape[0] - 3, axis=0)
PY
for c in nan:90 sun:88; do
  # shellcheck disable=SC2016 # the inner script expands its own arguments
  check "${c%%:*}.h5: export (csv, oem) and report count ${c##*:} records" bash -c '
    odtwin=$1 f=$2 want=$3
    "$odtwin" export "$f" --format csv -o "$f.csv" || exit 1
    rows=$(($(wc -l <"$f.csv") - 1)); [ "$rows" -eq $((want * 6)) ] || { echo "csv: $rows rows"; exit 1; }
    "$odtwin" export "$f" --format oem --satellites 0 -o "$f.oem" || exit 1
    n=$(grep -c "^2026-" "$f.oem"); [ "$n" -eq "$want" ] || { echo "oem: $n states"; exit 1; }
    "$odtwin" report "$f" --json >"$f.json" || exit 1
    python3 -c "import json, sys; n = json.load(open(sys.argv[1]))[\"run\"][\"snapshots\"]; print(\"report:\", n); sys.exit(n != int(sys.argv[2]))" "$f.json" "$want"' \
    _ "$odtwin" "$tmp/${c%%:*}.h5" "${c##*:}"
done

# Bad input: one line on stderr, a non-zero exit, nothing written (no output, no OUT.part-PID).
bad() { # name, expected stderr text, output path, export arguments...
  local name=$1 want=$2 out=$3; shift 3
  # shellcheck disable=SC2016 # the inner script expands its own arguments
  check "refused: $name" bash -c '
    want=$1 out=$2 dir=$3; shift 3
    before=$(ls -A "$dir")
    "$@" 2>"$dir.err" >/dev/null; rc=$?
    cat "$dir.err"
    [ "$rc" -ne 0 ] || { echo "exit status 0"; exit 1; }
    [ "$(wc -l <"$dir.err")" -eq 1 ] || { echo "not one line on stderr"; exit 1; }
    grep -qF -- "$want" "$dir.err" || { echo "stderr does not say: $want"; exit 1; }
    [ ! -e "$out" ] || { echo "output left: $out"; exit 1; }
    [ "$(ls -A "$dir")" = "$before" ] || { echo "files left in $dir:"; ls -A "$dir"; exit 1; }
    ! ls -d "$out".part-* >/dev/null 2>&1 || { echo "temporary output left"; exit 1; }' \
    _ "$want" "$out" "$tmp/b" "$odtwin" export "$@"
}
mkdir -p "$tmp/b"
printf 'not a snapshot\n' >"$tmp/b/text.h5"
bad "a missing snapshot" "cannot open: No such file or directory" "$tmp/b/x.oem" "$tmp/b/none.h5" --format oem -o "$tmp/b/x.oem"
bad "a file that is not HDF5" "not an HDF5 file" "$tmp/b/x.csv" "$tmp/b/text.h5" --format csv -o "$tmp/b/x.csv"
bad "an unknown --format" "--format 'kml': expected oem, czml or csv" "$tmp/b/x.kml" "$tmp/s.h5" --format kml -o "$tmp/b/x.kml"
bad "--satellites out of range (OEM folder)" "6-12 are not in the fleet of 6 satellites" "$tmp/b/xd" \
  "$tmp/s.h5" --format oem --satellites 3-12 -o "$tmp/b/xd"
bad "--satellites out of range (CZML)" "9 is not in the fleet of 6 satellites" "$tmp/b/x.czml" \
  "$tmp/s.h5" --format czml --satellites 0,9 -o "$tmp/b/x.czml"
for f in "oem -o $tmp/b/missing/xd" "oem --single-file -o $tmp/b/missing/x.oem" "czml -o $tmp/b/missing/x.czml" \
  "csv -o $tmp/b/missing/x.csv" "csv --series -o $tmp/b/missing/x.csv"; do
  # shellcheck disable=SC2086
  bad "an output in a missing folder (--format $f)" "check that the folder" "${f##* }" "$tmp/s.h5" --format $f
done
[ ! -e "$tmp/b/missing" ] || { fail=$((fail + 1)); echo "FAIL the missing folder was created"; }

# a full disk: the standard output on /dev/full (a write error, named as the output's, not the snapshot's)
if [ -w /dev/full ]; then
  check "refused: a full standard output" bash -c '
    "$1" export "$2" --format csv -o - >/dev/full 2>"$3"; rc=$?
    cat "$3"
    [ "$rc" -eq 1 ] && [ "$(wc -l <"$3")" -eq 1 ] && grep -q "the standard output: cannot write the output" "$3"' \
    _ "$odtwin" "$tmp/s.h5" "$tmp/full.err"
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
