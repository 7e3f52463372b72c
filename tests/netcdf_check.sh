#!/usr/bin/env bash
# The snapshot file opens as it is in the netCDF tools (ncdump) and in xarray with
# both of its netCDF engines (h5netcdf and netCDF4), with the time axis decoded
# from its CF units.
#   netcdf_check.sh ODTWIN_BINARY
set -u
odtwin=$1
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
check() { # name, command...
  local name=$1; shift
  if "$@" >"$tmp/out" 2>&1; then pass=$((pass + 1)); echo "ok   $name"; else
    fail=$((fail + 1)); echo "FAIL $name"; sed 's/^/     /' "$tmp/out"; fi
}
check "odtwin run" "$odtwin" run "$here/data/scenarios/small.yaml" -o "$tmp/s.h5" --backend cpu --quiet
if command -v ncdump >/dev/null 2>&1; then
  check "ncdump -h" bash -c "ncdump -h '$tmp/s.h5' | grep -q 'time = UNLIMITED'"
else
  echo "skip ncdump (netcdf-bin not installed)"
fi
for engine in h5netcdf netcdf4; do
  check "xarray ($engine)" python3 - "$tmp/s.h5" "$engine" <<'PY'
import sys
import numpy as np
import xarray as xr
ds = xr.open_dataset(sys.argv[1], engine=sys.argv[2])
assert ds.sizes["time"] == 7 and ds.sizes["satellite"] == 6, ds.sizes
assert np.issubdtype(ds["time"].dtype, np.datetime64), ds["time"].dtype
assert str(ds["time"].values[0])[:19] == "2026-03-20T12:00:00", ds["time"].values[0]
assert ds["position"].dims == ("time", "satellite", "xyz")
assert ds["node_temperature"].dims == ("time", "satellite", "node")
assert ds["solar_power"].attrs["units"] == "W"
r = np.sqrt((ds["position"] ** 2).sum("xyz"))
assert float(abs(r - (6378.137 + 550.0)).max()) < 1e-6 * 7000.0
PY
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
