#!/usr/bin/env bash
# Install what odtwin needs to build and test, from Debian packages (run as root,
# or with sudo available). Packages already present are left alone.
set -euo pipefail

pkgs=(build-essential cmake pkg-config
      libhdf5-dev hdf5-tools          # snapshots (C and high-level API), h5dump/h5ls
      libcriterion-dev                # unit tests
      liberfa-dev                     # time scales, Sun, Earth rotation
      librandom123-dev                # counter-based random numbers (CPU and GPU)
      libfyaml-dev                    # scenario YAML (and OMM JSON)
      libxml2-dev                     # OMM XML
      netcdf-bin)                     # ncdump, to check the snapshot opens as netCDF

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
echo "odtwin: installing missing packages: ${missing[*]}" >&2
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO=sudo; else
    echo "odtwin: not root and no sudo: install these packages first: ${missing[*]}" >&2
    exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
