#!/usr/bin/env bash
# The snapshot file (schema 2.x) opens as it is in the netCDF tools (ncdump) and in xarray with
# both of its netCDF engines (h5netcdf and netCDF4): the records with their time axis decoded
# from its CF units, the string scales (node, xyz) usable with .sel, the fleet series
# (group series, its own time axis), the end state (group final) and the event tables
# (groups eclipses and failures, times decoded).
#   netcdf_check.sh ODTWIN_BINARY
set -u
set -o pipefail
odtwin=$1
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
. "$here/lib.sh"  # check
# s.h5: the default records; n.h5: node_temperature and temperature of every satellite
check "odtwin run (default records)" "$odtwin" run "$here/data/scenarios/small.yaml" -o "$tmp/s.h5" --backend cpu --quiet
{ cat "$here/data/scenarios/small.yaml"; printf 'snapshot_fields: [node_temperature, temperature]\n'; } >"$tmp/n.yaml"
check "odtwin run (snapshot_fields: [node_temperature, temperature])" \
  "$odtwin" run "$tmp/n.yaml" -o "$tmp/n.h5" --backend cpu --quiet
if command -v ncdump >/dev/null 2>&1; then
  for f in s n; do
    # the whole header (ncdump exits non-zero on a variable it cannot describe), then its time dimension
    check "ncdump -h $f.h5" bash -c "ncdump -h '$tmp/$f.h5' >'$tmp/$f.cdl' && grep -q 'time = UNLIMITED' '$tmp/$f.cdl' &&
      grep -q 'group: series' '$tmp/$f.cdl' && grep -q 'group: final' '$tmp/$f.cdl'"
  done
else
  echo "skip ncdump (netcdf-bin not installed)"
fi
for engine in h5netcdf netcdf4; do
  check "xarray ($engine): the records" python3 - "$tmp/s.h5" "$engine" <<'PY'
import sys
import numpy as np
import xarray as xr
ds = xr.open_dataset(sys.argv[1], engine=sys.argv[2])
assert ds.sizes["time"] == 7 and ds.sizes["satellite"] == 6, ds.sizes
assert np.issubdtype(ds["time"].dtype, np.datetime64), ds["time"].dtype
assert str(ds["time"].values[0])[:19] == "2026-03-20T12:00:00", ds["time"].values[0]
assert list(ds["satellite"].values) == list(range(6)), ds["satellite"].values
assert ds["position"].dims == ("time", "satellite", "xyz")
assert ds["solar_power"].attrs["units"] == "W"
assert ds.attrs["odtwin_schema_version"].startswith("2."), ds.attrs["odtwin_schema_version"]
assert int(ds.attrs["fleet_satellites"]) == 6
# the default record set holds no cumulative field and no node temperatures
for name in ("energy_solar", "node_temperature", "tokens_served"):
    assert name not in ds, name
r = np.sqrt((ds["position"] ** 2).sum("xyz"))
assert float(abs(r - (6378.137 + 550.0)).max()) < 1e-6 * 7000.0
assert float(ds["position"].sel(xyz="z").isel(time=0).max()) > 0.0
PY
  check "xarray ($engine): node_temperature.sel(node=\"payload\")" python3 - "$tmp/n.h5" "$engine" <<'PY'
import sys
import numpy as np
import xarray as xr
ds = xr.open_dataset(sys.argv[1], engine=sys.argv[2])
assert ds["node_temperature"].dims == ("time", "satellite", "node"), ds["node_temperature"].dims
assert [str(x) for x in ds["node"].values] == ["array", "radiator", "payload", "bus"], ds["node"].values
p = ds.node_temperature.sel(node="payload")
assert p.dims == ("time", "satellite"), p.dims
# the payload node is the payload temperature the records hold
assert float(abs(p - ds["temperature"]).max()) == 0.0
assert 200.0 < float(p.min()) and float(p.max()) < 400.0, (float(p.min()), float(p.max()))
PY
  check "xarray ($engine): group series, time decoded" python3 - "$tmp/s.h5" "$engine" <<'PY'
import sys
import numpy as np
import xarray as xr
s = xr.open_dataset(sys.argv[1], engine=sys.argv[2], group="series")
assert np.issubdtype(s["time"].dtype, np.datetime64), s["time"].dtype
assert s.sizes["time"] == 361 and s.sizes["class"] == 1, s.sizes  # every 10 s step of 1 h, and the epoch
assert str(s["time"].values[0])[:19] == "2026-03-20T12:00:00", s["time"].values[0]
assert str(s["time"].values[-1])[:19] == "2026-03-20T13:00:00", s["time"].values[-1]
assert s["solar_power"].dims == ("time", "class") and s["solar_power"].attrs["units"] == "W"
assert s["demand_tokens"].dims == ("time",)
assert int(s.attrs["every_steps"]) == 1
assert float(s["soc_min"].min()) >= 0.0 and float(s["soc_max"].max()) <= 1.0
# a record is a row of the series: the fleet sum of the recorded solar power at the records' times
ds = xr.open_dataset(sys.argv[1], engine=sys.argv[2])
at = s["solar_power"].sum("class").sel(time=ds["time"])
assert float(abs(at - ds["solar_power"].sum("satellite")).max()) <= 1e-5 * float(at.max())
PY
  check "xarray ($engine): group final" python3 - "$tmp/s.h5" "$engine" <<'PY'
import sys
import numpy as np
import xarray as xr
f = xr.open_dataset(sys.argv[1], engine=sys.argv[2], group="final")
assert float(f.attrs["time"]) == 3600.0, f.attrs["time"]
assert f.sizes["satellite"] == 6, f.sizes
assert f["energy_solar"].dims == ("satellite",) and f["energy_solar"].attrs["units"] == "J"
assert float(f["elapsed_time"].min()) == 3600.0
assert f["node_temperature"].dims == ("satellite", "node"), f["node_temperature"].dims
assert f["position"].dims == ("satellite", "xyz"), f["position"].dims
p = f.node_temperature.sel(node="payload")
assert 200.0 < float(p.min()) and float(p.max()) < 400.0
PY
  check "xarray ($engine): groups eclipses and failures, times decoded" python3 - "$tmp/s.h5" "$engine" <<'PY'
import sys
import numpy as np
import xarray as xr
e = xr.open_dataset(sys.argv[1], engine=sys.argv[2], group="eclipses")
assert e["start"].dims == ("eclipse",) and e.sizes["eclipse"] > 0, e.sizes
for c in ("start", "end"):
    assert np.issubdtype(e[c].dtype, np.datetime64), (c, e[c].dtype)
assert (e["end"] >= e["start"]).all()
d = (e["end"] - e["start"]) / np.timedelta64(1, "s")
assert float(abs(d - e["duration"]).max()) < 1e-3
fl = xr.open_dataset(sys.argv[1], engine=sys.argv[2], group="failures")
assert "time" in fl.variables and "failure" in fl.dims
assert fl.sizes["failure"] == 0 or np.issubdtype(fl["time"].dtype, np.datetime64), fl["time"].dtype
PY
  check "xarray ($engine): time attributes, /fleet by satellite, no SGP4 fields" python3 - "$tmp/s.h5" "$engine" <<'PY'
import sys
import numpy as np
import xarray as xr
ds = xr.open_dataset(sys.argv[1], engine=sys.argv[2])
s = xr.open_dataset(sys.argv[1], engine=sys.argv[2], group="series")
for t in (ds["time"], s["time"]):
    # what the axis is: elapsed SI seconds at the TT rate from the UTC epoch, no leap seconds
    assert "elapsed SI seconds (TT rate) from epoch_utc" in t.attrs["long_name"], t.attrs
    assert t.attrs["epoch_utc"] == "2026-03-20T12:00:00.000Z", t.attrs
    assert "leap second" in t.attrs["comment"], t.attrs
    assert t.encoding["units"] == "seconds since 2026-03-20 12:00:00.000", t.encoding
    assert t.encoding["calendar"] == "standard", t.encoding
fl = xr.open_dataset(sys.argv[1], engine=sys.argv[2], group="fleet")
assert fl["inc_rad"].dims == ("satellite",) and list(fl["satellite"].values) == list(range(6)), fl["satellite"]
assert abs(float(np.degrees(fl["inc_rad"]).mean()) - 53.0) < 1e-9  # small.yaml: 53 deg
for name in list(fl.variables) + list(ds.variables):
    assert not name.startswith("sgp4"), name  # a Kepler+J2 fleet has no SGP4 fields
PY
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
