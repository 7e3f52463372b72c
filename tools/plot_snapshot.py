#!/usr/bin/env python3
"""Plots of an odtwin snapshot file (docs/report.md, docs/snapshot.md).

usage: plot_snapshot.py SNAPSHOT.h5 [-o OUTDIR] [--max-records N]

Writes PNG files into OUTDIR (default: the snapshot's folder):

  fleet_power.png    solar collected, load served, curtailed, not served (MW), summed over the fleet
  illumination.png   illuminated fraction as a satellite x time image
  temperatures.png   histograms of the node temperatures (array, radiator, payload, bus), over the run
                     and at the last record
  tokens.png         fleet tokens/s over time, when the file has the workload datasets
  failures.png       failures over time, when the file has a /failures event table

A plot whose datasets the file lacks is skipped with a note. Only complete records are read
(`time` is written last). Needs h5py, numpy and matplotlib (tools/requirements.txt):
    python3 -m pip install -r tools/requirements.txt
"""

import argparse
import os
import sys

import numpy as np

import matplotlib

matplotlib.use("Agg")  # headless
import matplotlib.pyplot as plt  # noqa: E402

try:
    import h5py  # noqa: E402
except ImportError:  # pragma: no cover
    sys.exit("plot_snapshot.py: h5py is missing: python3 -m pip install -r tools/requirements.txt")

NODES = ("array", "radiator", "payload", "bus")
# cumulative token counters [T, N] of the workload model, and rate datasets [T, N] (tokens/s)
TOKEN_COUNTERS = ("tokens_served",)
TOKEN_RATES = ("served_rate",)
FAILURE_TIME_COLUMNS = ("time", "t", "time_s", "start")


class SnapshotError(Exception):
    pass


def records(f):
    """Complete records: `time` is written last, so its length counts them."""
    n = len(f["time"])
    for name in ("solar_power", "illumination", "node_temperature"):
        if name in f:
            n = min(n, f[name].shape[0])
    return n


def sample(t, max_records):
    """Indices of at most max_records records, evenly spread, the first and last included."""
    if t <= max_records:
        return np.arange(t)
    return np.unique(np.linspace(0, t - 1, max_records).round().astype(int))


def time_axis(f, idx):
    """Time of records idx, in hours or days, with its label."""
    t = f["time"][:][idx]
    if t[-1] > 3 * 86400:
        return t / 86400.0, "time since the epoch (days)"
    return t / 3600.0, "time since the epoch (h)"


def fleet_sum(f, name, idx):
    """Sum over satellites of records idx of a [T, N] dataset, one record at a time (bounded memory)."""
    d = f[name]
    return np.array([d[i, :].sum() for i in idx])


def title_of(f):
    name = f.attrs.get("scenario_name", b"")
    if isinstance(name, bytes):
        name = name.decode(errors="replace")
    return str(name)


def plot_power(f, out, idx):
    need = ("solar_power", "load_power", "curtailed_power", "unserved_power")
    missing = [n for n in need if n not in f]
    if missing:
        return None, "fleet power: skipped (no %s)" % ", ".join(missing)
    x, xlabel = time_axis(f, idx)
    fig, ax = plt.subplots(figsize=(9, 4.5))
    for name, label in zip(need, ("solar collected", "load served", "curtailed", "not served")):
        ax.plot(x, fleet_sum(f, name, idx) / 1e6, label=label)
    ax.set_xlabel(xlabel)
    ax.set_ylabel("fleet power (MW)")
    ax.set_title("Fleet power: %s" % title_of(f))
    ax.grid(alpha=0.3)
    ax.legend()
    fig.tight_layout()
    path = os.path.join(out, "fleet_power.png")
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path, None


def plot_illumination(f, out, idx, max_sats=2000):
    if "illumination" not in f:
        return None, "illumination: skipped (no illumination dataset)"
    d = f["illumination"]
    n = d.shape[1]
    sats = np.arange(n) if n <= max_sats else np.unique(np.linspace(0, n - 1, max_sats).round().astype(int))
    img = np.array([d[i, :][sats] for i in idx]).T  # satellite x time
    x, xlabel = time_axis(f, idx)
    fig, ax = plt.subplots(figsize=(9, 5))
    extent = (x[0], x[-1] if len(x) > 1 else x[0] + 1, sats[-1] + 0.5, sats[0] - 0.5)
    im = ax.imshow(img, aspect="auto", interpolation="nearest", cmap="inferno", vmin=0.0, vmax=1.0, extent=extent)
    ax.set_xlabel(xlabel)
    ax.set_ylabel("satellite" + ("" if len(sats) == n else " (%d of %d shown)" % (len(sats), n)))
    ax.set_title("Illuminated fraction of the solar disk: %s" % title_of(f))
    fig.colorbar(im, ax=ax, label="illumination")
    fig.tight_layout()
    path = os.path.join(out, "illumination.png")
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path, None


def plot_temperatures(f, out, idx):
    if "node_temperature" not in f:
        return None, "temperatures: skipped (no node_temperature dataset)"
    d = f["node_temperature"]
    run = np.concatenate([d[i, :, :] for i in idx], axis=0)  # (records x satellites) x 4
    last = d[idx[-1], :, :]
    fig, axes = plt.subplots(2, 2, figsize=(10, 7))
    for k, ax in enumerate(axes.flat):
        lo, hi = float(run[:, k].min()), float(run[:, k].max())
        bins = np.linspace(lo - 0.5, hi + 0.5, 41)
        ax.hist(run[:, k], bins=bins, density=True, alpha=0.6, label="over the run")
        ax.hist(last[:, k], bins=bins, density=True, histtype="step", linewidth=1.5, label="last record")
        ax.set_title(NODES[k])
        ax.set_xlabel("temperature (K)")
        if k % 2 == 0:
            ax.set_ylabel("share per K")
        ax.grid(alpha=0.3)
    axes.flat[0].legend()
    fig.suptitle("Node temperatures: %s" % title_of(f))
    fig.tight_layout()
    path = os.path.join(out, "temperatures.png")
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path, None


def plot_tokens(f, out, idx):
    x, xlabel = time_axis(f, idx)
    rate = None
    for name in TOKEN_RATES:
        if name in f and f[name].ndim == 2:
            rate, src = fleet_sum(f, name, idx), name
            break
    if rate is None:
        for name in TOKEN_COUNTERS:
            if name in f and f[name].ndim == 2:
                c = fleet_sum(f, name, idx)
                t = f["time"][:][idx]
                if len(t) < 2:
                    return None, "tokens/s: skipped (one record only)"
                rate, src, x = np.diff(c) / np.diff(t), name, 0.5 * (x[1:] + x[:-1])
                break
    if rate is None:
        return None, "tokens/s: skipped (no workload datasets in this file)"
    fig, ax = plt.subplots(figsize=(9, 4.5))
    ax.plot(x, rate)
    ax.set_xlabel(xlabel)
    ax.set_ylabel("fleet tokens/s")
    ax.set_title("Tokens delivered (%s): %s" % (src, title_of(f)))
    ax.grid(alpha=0.3)
    fig.tight_layout()
    path = os.path.join(out, "tokens.png")
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path, None


def plot_failures(f, out):
    if "failures" not in f or not isinstance(f["failures"], h5py.Group):
        return None, "failures: skipped (no /failures event table in this file)"
    g = f["failures"]
    col = next((c for c in FAILURE_TIME_COLUMNS if c in g), None)
    if col is None:
        return None, "failures: skipped (/failures has no time column)"
    t = np.sort(g[col][:].astype(float))
    end = float(f["time"][records(f) - 1])
    scale, xlabel = (86400.0, "time since the epoch (days)") if end > 3 * 86400 else (3600.0, "time since the epoch (h)")
    fig, ax = plt.subplots(figsize=(9, 4.5))
    if "kind" in g:
        kinds = g["kind"][:]
        order = np.argsort(g[col][:].astype(float), kind="stable")
        kinds = kinds[order]
        for k in np.unique(kinds):
            tk = t[kinds == k]
            ax.step(np.r_[0.0, tk, end] / scale, np.r_[0, np.arange(1, len(tk) + 1), len(tk)], where="post",
                    label="kind %s" % k)
        ax.legend()
    else:
        ax.step(np.r_[0.0, t, end] / scale, np.r_[0, np.arange(1, len(t) + 1), len(t)], where="post")
    ax.set_xlabel(xlabel)
    ax.set_ylabel("cumulative failures")
    ax.set_title("Failures: %s" % title_of(f))
    ax.grid(alpha=0.3)
    fig.tight_layout()
    path = os.path.join(out, "failures.png")
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path, None


def main(argv=None):
    ap = argparse.ArgumentParser(description="PNG plots of an odtwin snapshot file")
    ap.add_argument("snapshot", help="HDF5 snapshot written by odtwin run")
    ap.add_argument("-o", "--outdir", help="folder for the PNG files (default: the snapshot's folder)")
    ap.add_argument("--max-records", type=int, default=2000,
                    help="plot at most this many records, evenly spread (default 2000)")
    a = ap.parse_args(argv)
    out = a.outdir or os.path.dirname(os.path.abspath(a.snapshot))
    try:
        if not os.path.exists(a.snapshot):
            raise SnapshotError("no such file")
        if not h5py.is_hdf5(a.snapshot):
            raise SnapshotError("not an HDF5 file")
        try:
            f = h5py.File(a.snapshot, "r")
        except OSError as e:
            try:  # a run still writing it holds it in SWMR mode
                f = h5py.File(a.snapshot, "r", swmr=True)
            except OSError:
                raise SnapshotError("cannot be opened: damaged or truncated? (%s)" % e)
        with f:
            if "odtwin_schema_version" not in f.attrs:
                raise SnapshotError("an HDF5 file but not an odtwin snapshot (no odtwin_schema_version attribute)")
            if "time" not in f:
                raise SnapshotError("no /time dataset: not a complete odtwin snapshot")
            t = records(f)
            if t == 0:
                raise SnapshotError("the run has no records (0 snapshots): nothing to plot")
            os.makedirs(out, exist_ok=True)
            idx = sample(t, max(2, a.max_records))
            results = [plot_power(f, out, idx), plot_illumination(f, out, idx), plot_temperatures(f, out, idx),
                       plot_tokens(f, out, idx), plot_failures(f, out)]
    except (SnapshotError, OSError, KeyError) as e:
        print("plot_snapshot.py: error: %s: %s" % (a.snapshot, e), file=sys.stderr)
        return 1
    for path, note in results:
        print("wrote %s" % path if path else "note: %s" % note)
    return 0


if __name__ == "__main__":
    sys.exit(main())
