#!/usr/bin/env python3
"""Plots of an odtwin snapshot file, schema 2.x (docs/report.md, docs/snapshot.md).

usage: plot_snapshot.py SNAPSHOT.h5 [-o OUTDIR] [--max-records N] [--max-points N] [--dpi N]
                        [--claims [--odtwin PATH]]

Writes PNG files into OUTDIR (default: the snapshot's folder):

  fleet_power.png          fleet power (kW or MW): solar collected, load served, curtailed, not served, battery
                           (+ charging), from the first step, and below it the battery state of charge (min, mean,
                           max over the satellites with a battery), from the fleet series /series
  illumination.png         the illuminated fraction as a satellite x time image from the records; when the records
                           are more than 10 min apart (too sparse for eclipses), the umbra minutes per satellite and
                           day from /eclipses instead; below, the share of the fleet in shadow and umbra (/series)
  temperatures.png         histograms of the four node temperatures over the run and at the last record (only when
                           the records hold node_temperature)
  payload_temperature.png  the payload temperature, min, mean and max over the fleet, against time from /series,
                           with the payload limit of /classes
  tokens.png               fleet tokens/s demanded, served and the capacity, and below the share served (per bin and
                           cumulative), from /series
  failures.png             cumulative accelerator failures and node restarts, one line per fleet entry labelled with
                           its name and burn-in, from /failures
  eclipse_season.png       per fleet entry and day of the year, the longest and mean complete umbra pass, the days
                           with umbra passes shaded, from /eclipses
  beta.png                 the beta angle of each orbit plane, asin(n.s), from the /fleet elements (J2 node rate) and
                           /sun_direction, with asin(R_E/a), beyond which there is no umbra
  ground_track.png         latitude and longitude of up to 4 satellites over 3 orbits, from the position records
                           (IAU 2006/2000A with pyerfa, else the stored Earth rotation angle alone)

Runs longer than 20 days are drawn in bins of one day (power, temperature, tokens): means for flows and means,
the lowest minimum and highest maximum for extremes.

With --claims, four more (docs/economics.md, the claims of `odtwin report --claims`):

  claims_fleet_growth.png     satellites in service (/series) against time, with the cumulative satellites
                              launched (/launches) and retired (/fleet launch_time, retire_time, weight)
  claims_compute_added.png    compute power added in orbit per year against the ground's cumulative AI
                              compute (log scale), with the crossover year
  claims_cost_per_mtok.png    cost per million tokens per year, space and ground, with the break-even
                              launch price
  claims_eclipse_storage.png  the longest complete umbra pass of each day (/eclipses) and the battery
                              energy it needs against the usable battery installed (/classes, first class)

The two per-year figures come from `odtwin report SNAPSHOT.h5 --claims --json`, run with the binary of
--odtwin (default: `odtwin` on PATH, else ../build/odtwin beside this tool); without one they are skipped
with a note.

Each written plot is printed with the data it was drawn from; a plot whose datasets the file
lacks is skipped with a note. Only complete records are read (`time` is written last); without /final (a killed run)
only the series rows of complete records. Needs h5py, numpy and matplotlib
(tools/requirements.txt):
    python3 -m pip install -r tools/requirements.txt
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import textwrap

import numpy as np

import matplotlib

matplotlib.use("Agg")  # headless
import matplotlib.pyplot as plt  # noqa: E402
import matplotlib.ticker  # noqa: E402

try:
    import h5py  # noqa: E402
except ImportError:  # pragma: no cover
    sys.exit("plot_snapshot.py: h5py is missing: python3 -m pip install -r tools/requirements.txt")

NODES = ("array", "radiator", "payload", "bus")
# per-record series of the root besides the fields (a killed run may have appended some and not others)
PER_RECORD = ("sun_direction", "earth_rotation_angle", "demand_tokens", "eclipse_rows", "failure_rows",
              "series_rows")
SERIES_BLOCK = 1 << 16  # rows of /series read at a time


class SnapshotError(Exception):
    pass


def text(v):
    if isinstance(v, bytes):
        return v.decode(errors="replace")
    if isinstance(v, np.ndarray) and v.size == 1:
        return text(v.reshape(-1)[0])
    return str(v)


def title_of(f):
    return text(f.attrs.get("scenario_name", b""))


def records(f):
    """Complete records: `time` is written last, so its length counts them (the shortest per-record dataset
    when a kill cut an append short)."""
    n = len(f["time"])
    for name, d in f.items():
        if isinstance(d, h5py.Dataset) and d.ndim >= 1 and (name in PER_RECORD or d.ndim >= 2):
            n = min(n, d.shape[0])
    return n


def series_rows(f, t):
    """Rows of /series that the plots use: all of them once the run closed the file (/final), else those of
    the complete records (series_rows of the last one)."""
    n = len(f["series/time"])
    if "final" not in f and "series_rows" in f and t > 0:
        n = min(n, int(f["series_rows"][t - 1]))
    return n


def sample(t, max_records):
    """Indices of at most max_records records, evenly spread, the first and last included."""
    if t <= max_records:
        return np.arange(t)
    return np.unique(np.linspace(0, t - 1, max_records).round().astype(int))


def time_scale(t_end):
    if t_end > 3 * 86400:
        return 86400.0, "time since the epoch (days)"
    return 3600.0, "time since the epoch (h)"


def binned(d, rows, bin_rows, how, first=0):
    """Rows [first, rows) of a series dataset [rows] or [rows, class], reduced over bins of bin_rows
    consecutive rows (how: "mean", "min" or "max"; NaN values ignored), read in blocks of whole bins: bounded
    memory for a series of any length. Returns [bins] or [bins, class] float64."""
    out = []
    block = max(bin_rows, (SERIES_BLOCK // bin_rows) * bin_rows)
    for q0 in range(first, rows, block):
        x = np.asarray(d[q0:min(rows, q0 + block)], dtype=np.float64)
        starts = np.arange(0, len(x), bin_rows)
        if bin_rows == 1:
            out.append(x)
            continue
        if how == "mean":
            ok = np.isfinite(x)
            s = np.add.reduceat(np.where(ok, x, 0.0), starts, axis=0)
            c = np.add.reduceat(ok.astype(np.float64), starts, axis=0)
            with np.errstate(invalid="ignore", divide="ignore"):
                out.append(s / c)
        elif how == "min":
            out.append(np.fmin.reduceat(x, starts, axis=0))
        else:
            out.append(np.fmax.reduceat(x, starts, axis=0))
    return np.concatenate(out) if out else np.zeros((0,) + d.shape[1:])


class Series:
    """The fleet series /series over the rows the plots use, at most max_points points (bins of consecutive
    rows: means for flows, the lowest minimum and the highest maximum for extremes)."""

    def __init__(self, f, t, max_points, bin_rows=None):
        self.f, self.t, self.max_points = f, t, max_points
        self.g = f["series"]
        self.rows = series_rows(f, t)
        self.bin = bin_rows or max(1, -(-self.rows // max(1, max_points)))
        self.time = binned(self.g["time"], self.rows, self.bin, "mean")
        self.every = int(self.g.attrs.get("every_steps", 1))
        self.t_end = float(self.g["time"][self.rows - 1]) if self.rows else 0.0

    def daily(self, min_days=20.0):
        """This series in bins of one day (at the finest) when it spans more than min_days days: a long run's
        daily cycle (demand, temperature) would otherwise fill the plot; else this series itself."""
        if self.rows < 2 or self.t_end <= min_days * 86400.0:
            return self
        per_day = max(1, int(round((self.rows - 1) * 86400.0 / self.t_end)))
        return Series(self.f, self.t, self.max_points, per_day) if per_day > self.bin else self

    def has(self, *names):
        return all(n in self.g for n in names)

    def time_from(self, first):
        return self.time if first == 0 else binned(self.g["time"], self.rows, self.bin, "mean", first)

    def fleet(self, name, how="mean", first=0):
        """Sum over the classes of the binned variable (rows from `first`)."""
        x = binned(self.g[name], self.rows, self.bin, how, first)
        return x.sum(axis=1) if x.ndim == 2 else x

    def per_class(self, name, how="mean"):
        return binned(self.g[name], self.rows, self.bin, how)

    def envelope(self, lo_name, mean_name, hi_name, weight_name):
        """Fleet minimum, weighted mean and maximum of a per-class min / mean / max triple (NaN where no class
        contributed)."""
        lo = self.per_class(lo_name, "min")
        hi = self.per_class(hi_name, "max")
        mean = self.per_class(mean_name)
        w = self.per_class(weight_name)
        with np.errstate(invalid="ignore", divide="ignore"):
            lo_f = np.where(np.isfinite(lo), lo, np.inf).min(axis=1)
            hi_f = np.where(np.isfinite(hi), hi, -np.inf).max(axis=1)
            w = np.where(np.isfinite(mean), w, 0.0)
            mean_f = (np.where(np.isfinite(mean), mean, 0.0) * w).sum(axis=1) / w.sum(axis=1)
        lo_f[~np.isfinite(lo_f)] = np.nan
        hi_f[~np.isfinite(hi_f)] = np.nan
        return lo_f, mean_f, hi_f


def bin_text(f, s):
    """How the series is drawn: every row, or bins of so many rows (of so many seconds)."""
    if s.bin == 1:
        return ""
    step = float(f.attrs.get("step_s", 0.0)) * max(1, s.every)
    return " (bins of %d steps, %s)" % (s.bin, duration_text(s.bin * step)) if step > 0 else \
        " (bins of %d rows)" % s.bin


def duration_text(sec):
    if sec >= 2 * 3600:
        return "%.3g h" % (sec / 3600.0)
    if sec >= 120:
        return "%.3g min" % (sec / 60.0)
    return "%g s" % sec


DPI = [110]  # --dpi


def save(fig, out, name):
    path = os.path.join(out, name)
    fig.savefig(path, dpi=DPI[0])
    plt.close(fig)
    return path


def plot_power(f, out, s):
    need = ("solar_power", "load_power", "curtailed_power", "unserved_power", "battery_power")
    if not s.has(*need) or s.rows == 0:
        return None, "fleet power: skipped (no fleet series %s in /series)" % ", ".join(need)
    s = s.daily()
    scale, xlabel = time_scale(float(s.time[-1]))
    x = s.time / scale
    # row 0 is the state at the epoch (a zero-length step): powers start with the first step, states at row 0
    first = 1 if s.rows > 1 else 0
    xf = s.time_from(first) / scale
    with_soc = s.has("soc_min", "soc_mean", "soc_max", "satellites_battery")
    fig, axes = plt.subplots(2 if with_soc else 1, 1, figsize=(11, 7 if with_soc else 4.5), sharex=True,
                             squeeze=False)
    ax = axes[0, 0]
    lines = [s.fleet(name, first=first) for name in need]
    peak = max(float(np.nanmax(np.abs(v))) if len(v) else 0.0 for v in lines)
    unit, div = ("MW", 1e6) if peak >= 1e6 else ("kW", 1e3)
    labels = ("solar collected", "load served", "curtailed", "not served", "battery (+ charging)")
    styles = ("-", "-", "-", "-", "--")
    for v, label, ls in zip(lines, labels, styles):
        ax.plot(xf, v / div, ls, label=label, linewidth=1.2)
    ax.axhline(0.0, color="0.5", linewidth=0.6)
    ax.set_ylabel("fleet power (%s)" % unit)
    ax.set_title("Fleet power: %s%s" % (title_of(f), bin_text(f, s)))
    ax.grid(alpha=0.3)
    ax.legend(fontsize="small", loc="center left", bbox_to_anchor=(1.01, 0.5))  # beside: no curve hidden
    if with_soc:
        ax = axes[1, 0]
        lo, mean, hi = s.envelope("soc_min", "soc_mean", "soc_max", "satellites_battery")
        ax.fill_between(x, lo, hi, alpha=0.25, label="min to max")
        ax.plot(x, lo, linewidth=0.8, label="min")
        ax.plot(x, mean, linewidth=1.4, label="mean")
        ax.plot(x, hi, linewidth=0.8, label="max")
        if "classes/battery_soc_min" in f:
            for k, v in enumerate(np.unique(f["classes/battery_soc_min"][:])):
                ax.axhline(v, color="k", linestyle=":", linewidth=0.8,
                           label="state-of-charge floor" if k == 0 else None)
        ax.set_ylim(0.0, 1.02)
        ax.set_ylabel("battery state of charge (1)")
        ax.set_title("Battery state of charge over the satellites with a battery", fontsize="medium")
        ax.grid(alpha=0.3)
        ax.legend(fontsize="small", loc="center left", bbox_to_anchor=(1.01, 0.5))
    axes[-1, 0].set_xlabel(xlabel)
    fig.tight_layout(rect=(0, caption(fig, ["Period %s; orbit %s. Powers from the first step (row 0 of /series is the epoch, a zero-length "
                      "step); the state of charge from the epoch." % (period_text(f, s.t_end), orbit_text(f))], wrap=True), 1, 1))
    return save(fig, out, "fleet_power.png"), "fleet series" + (", with the state of charge" if with_soc else "")


def edges_of(x):
    """Cell edges around the (increasing) centres x: midpoints, half a spacing beyond the ends."""
    if len(x) == 1:
        return np.array([x[0] - 0.5, x[0] + 0.5])
    mid = 0.5 * (x[1:] + x[:-1])
    return np.r_[x[0] - (mid[0] - x[0]), mid, x[-1] + (x[-1] - mid[-1])]


def umbra_minutes_image(f, cols, t_end, block=1 << 20):
    """Minutes of umbra per satellite (the fleet indices cols) and day since the epoch, from /eclipses (kind 1,
    complete or not), each pass split at the day boundaries (a last partial day scaled to a whole day).
    Returns [len(cols), days]."""
    days = max(1, int(np.ceil(t_end / DAY)))
    img = np.zeros((len(cols), days))
    where = np.full(int(f.attrs.get("fleet_satellites", 0)) or (int(cols.max()) + 1), -1, dtype=np.int64)
    where[cols] = np.arange(len(cols))
    for b in umbra_rows(f, ("start", "end", "satellite"), complete_only=False, block=block):
        st = np.clip(b["start"], 0.0, t_end)
        en = np.clip(b["end"], 0.0, t_end)
        row = where[b["satellite"].astype(np.int64)]
        keep = row >= 0
        st, en, row = st[keep], en[keep], row[keep]
        d0 = np.clip((st // DAY).astype(np.int64), 0, days - 1)
        d1 = np.clip((en // DAY).astype(np.int64), 0, days - 1)
        same = d0 == d1
        np.add.at(img, (row[same], d0[same]), (en - st)[same] / 60.0)
        for r_, a, b_, x0, x1 in zip(row[~same], d0[~same], d1[~same], st[~same], en[~same]):
            for d in range(a, b_ + 1):
                img[r_, d] += (min(x1, (d + 1) * DAY) - max(x0, d * DAY)) / 60.0
    last = t_end - (days - 1) * DAY
    if 0.0 < last < DAY:  # a last partial day: its minutes per day, not per its hours
        img[:, -1] *= DAY / last
    return img


def plot_illumination(f, out, idx, s, max_sats=2000):
    have_rec = "illumination" in f
    have_ser = s.has("satellites_umbra", "satellites_shadow", "satellites_active") and s.rows > 0
    if not have_rec and not have_ser:
        return None, "illumination: skipped (no illumination records and no shadow counts in /series)"
    t_last = float(s.time[-1]) if have_ser else float(f["time"][idx[-1]])
    scale, xlabel = time_scale(t_last)
    tr = f["time"][:records(f)].astype(np.float64)
    dt = float(np.median(np.diff(tr))) if len(tr) > 1 else 0.0
    # records further apart than 10 min cannot show eclipses of a few tens of minutes: they sample a point of the
    # orbit each (aliasing); then the image is the umbra time per satellite and day, exact, from /eclipses
    table = dt > 600.0 and "eclipses" in f and all(k in f["eclipses"] for k in ("kind", "start", "end",
                                                                                  "satellite"))
    have_img = have_rec or table
    fig, axes = plt.subplots(2 if have_img and have_ser else 1, 1, figsize=(9, 7.5 if have_img and have_ser else 5),
                             sharex=True, squeeze=False, gridspec_kw=None if not (have_img and have_ser) else
                             {"height_ratios": [2.2, 1]})
    src = []
    if have_img:
        ax = axes[0, 0]
        m = f["illumination"].shape[1] if have_rec else int(f.attrs.get("fleet_satellites", 0))
        sat_ids = f["satellite"][:] if have_rec and "satellite" in f else np.arange(m)
        n_fleet = int(f.attrs.get("fleet_satellites", m))
        cols = np.arange(m) if m <= max_sats else np.unique(np.linspace(0, m - 1, max_sats).round().astype(int))
        if table:
            t_end = float(f["final"].attrs["time"]) if "final" in f else float(tr[-1])
            img = umbra_minutes_image(f, sat_ids[cols].astype(np.int64), t_end)
            x = (np.arange(img.shape[1]) + 0.5) * DAY / scale
            vmax = max(1.0, float(img.max()))
            mesh = ax.pcolormesh(edges_of(x), np.arange(len(cols) + 1) - 0.5, img, cmap="magma_r", vmin=0.0,
                                 vmax=vmax, shading="flat")
            ax.set_title("Umbra per satellite and day (/eclipses; records every %s are too sparse): %s"
                         % (duration_text(dt), title_of(f)), fontsize="medium")
            label = "time in umbra (min per day)"
            src.append("/eclipses umbra per day of %d satellites" % len(cols))
        else:
            d = f["illumination"]
            img = np.array([d[i, :][cols] for i in idx]).T  # record satellite x time
            x = tr[idx] / scale
            mesh = ax.pcolormesh(edges_of(x), np.arange(len(cols) + 1) - 0.5, img, cmap="inferno", vmin=0.0,
                                 vmax=1.0, shading="flat")
            ax.set_title("Illuminated fraction of the solar disk, records every %s: %s"
                         % (duration_text(dt), title_of(f)), fontsize="medium")
            label = "illuminated fraction (1)"
            src.append("illumination records of %d satellites" % d.shape[1])
        ax.set_ylim(len(cols) - 0.5, -0.5)
        shown = len(cols)
        ax.set_ylabel("satellite (fleet index)" + ("" if shown == n_fleet else ", %d of %d" % (shown, n_fleet)))
        ticks = np.unique(np.linspace(0, shown - 1, min(shown, 12)).round().astype(int))
        ax.set_yticks(ticks)
        ax.set_yticklabels([str(int(sat_ids[cols[k]])) for k in ticks])
        # the colour bar in an inset beside the image: both panels keep the same width and time axis
        fig.colorbar(mesh, cax=ax.inset_axes([1.015, 0.0, 0.025, 1.0]), label=label)
    if have_ser:
        ax = axes[-1, 0]
        act = s.fleet("satellites_active")
        with np.errstate(invalid="ignore", divide="ignore"):
            ax.plot(s.time / scale, s.fleet("satellites_shadow") / act, label="in shadow (illumination < 1)")
            ax.plot(s.time / scale, s.fleet("satellites_umbra") / act, "--", label="in umbra (illumination 0)")
        ax.set_ylim(-0.02, 1.02)
        ax.set_ylabel("share of the active fleet (1)")
        every = "every step" if s.every == 1 else "every %d steps" % s.every
        ax.set_title("Satellites in Earth's shadow, fleet series %s%s%s"
                     % (every, ", mean over bins of %d rows (%s)" % (s.bin, duration_text(
                         s.bin * max(1, s.every) * float(f.attrs.get("step_s", 0.0)))) if s.bin > 1 else "",
                        "" if have_img else ": %s (illumination not recorded)" % title_of(f)),
                     fontsize="medium")
        ax.grid(alpha=0.3)
        ax.legend(fontsize="small", loc="upper right")
        src.append("fleet series")
    axes[-1, 0].set_xlabel(xlabel)
    model = text(f["eclipses"].attrs.get("model", b"?")) if "eclipses" in f else "?"
    t_cap = float(f["final"].attrs["time"]) if "final" in f else t_last
    fig.tight_layout(rect=(0, caption(fig, ["Period %s; orbit %s; shadow model %s." % (period_text(f, t_cap),
                                                                                    orbit_text(f), model)],
                                      wrap=True), 1, 1))
    return save(fig, out, "illumination.png"), " and ".join(src)


def plot_temperatures(f, out, idx, s):
    if "node_temperature" in f:
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
                ax.set_ylabel("share per K (K-1)")
            ax.grid(alpha=0.3)
        axes.flat[0].legend()
        fig.suptitle("Node temperatures (records, %d satellites): %s" % (d.shape[1], title_of(f)))
        fig.tight_layout()
        return save(fig, out, "temperatures.png"), "node_temperature records of %d satellites" % d.shape[1]
    return None, ("temperatures: skipped (node_temperature not recorded; payload_temperature.png has the payload "
                  "temperature from /series)")


def plot_payload_temperature(f, out, s, t_end):
    need = ("payload_temperature_min", "payload_temperature_mean", "payload_temperature_max", "satellites_active")
    if not s.has(*need) or s.rows == 0:
        return None, "payload temperature: skipped (no payload temperature series in /series)"
    s = s.daily()
    scale, xlabel = time_scale(float(s.time[-1]))
    x = s.time / scale
    lo_f, mean_f, hi_f = s.envelope("payload_temperature_min", "payload_temperature_mean", "payload_temperature_max",
                                    "satellites_active")
    fig, ax = plt.subplots(figsize=(11, 5))
    ax.fill_between(x, lo_f, hi_f, alpha=0.25, label="min to max")
    ax.plot(x, lo_f, linewidth=0.8, label="min")
    ax.plot(x, mean_f, linewidth=1.4, label="mean")
    ax.plot(x, hi_f, linewidth=0.8, label="max")
    limits = np.unique(f["classes/payload_temp_limit_k"][:]) if "classes/payload_temp_limit_k" in f else []
    for v in limits:
        ax.axhline(v, color="r", linestyle="--", linewidth=1.0,
                   label="payload limit %.2f K (%.1f C)" % (v, v - 273.15))
    vals = np.r_[lo_f[np.isfinite(lo_f)], hi_f[np.isfinite(hi_f)], limits]
    if len(vals):  # a flat run (or one satellite) still gets a range of several kelvin
        lo_v, hi_v = float(vals.min()), float(vals.max())
        pad = max(2.0, 0.06 * (hi_v - lo_v))
        ax.set_ylim(lo_v - pad, hi_v + pad)
    ax.set_xlim(x[0], x[-1] if len(x) > 1 and x[-1] > x[0] else x[0] + 1.0)
    ax.set_xlabel(xlabel)
    ax.set_ylabel("payload temperature (K)")
    ax.set_title("Payload temperature over the fleet: %s%s" % (title_of(f), bin_text(f, s)))
    ax.grid(alpha=0.3)
    ax.legend(fontsize="small", loc="center left", bbox_to_anchor=(1.01, 0.5))
    fig.tight_layout(rect=(0, caption(fig, ["Period %s; orbit %s." % (period_text(f, t_end), orbit_text(f)),
                      "Fleet series: lowest payload_temperature_min and highest payload_temperature_max of the entries "
                      "(over the simulated satellites), payload_temperature_mean weighted by satellites_active.",
                      "Limit: /classes/payload_temp_limit_k, the scenario key payload_temp_limit_k (default 353.15 K; "
                      "time above it is recorded as time_over_limit)."], wrap=True), 1, 1))
    hi = float(np.nanmax(hi_f)) if np.isfinite(hi_f).any() else float("nan")
    lo = float(np.nanmin(lo_f)) if np.isfinite(lo_f).any() else float("nan")
    return save(fig, out, "payload_temperature.png"), ("fleet series: payload temperature, min %.4f K, max %.4f K, "
                                                       "limit %s K" % (lo, hi, ", ".join("%.2f" % v for v in limits)
                                                                       or "none"))


def series_cumsum(s, name, first=1):
    """Cumulative sum over rows [first, rows) of a series variable (summed over the classes), read in blocks, at
    the end of each bin of s (as s.time_from(first)); float64."""
    d = s.g[name]
    out, acc = [], 0.0
    block = max(s.bin, (SERIES_BLOCK // s.bin) * s.bin)  # whole bins
    for q0 in range(first, s.rows, block):
        x = np.asarray(d[q0:min(s.rows, q0 + block)], dtype=np.float64)
        if x.ndim == 2:
            x = x.sum(axis=1)
        c = acc + np.cumsum(x)
        acc = float(c[-1])
        ends = np.minimum(np.arange(s.bin, len(x) + s.bin, s.bin), len(x)) - 1
        out.append(c[ends])
    return np.concatenate(out) if out else np.zeros(0)


def plot_tokens(f, out, s):
    if not s.has("tokens_served", "capacity") or s.rows < 2:
        return None, "tokens/s: skipped (no workload series in /series)"
    step = float(f.attrs.get("step_s", 0.0))
    if not step > 0.0:
        return None, "tokens/s: skipped (no step_s attribute)"
    s = s.daily()
    # row 0 is the state at the epoch (a zero-length step): the rates start with the first step; a row holds the
    # tokens of one step (with every_steps > 1, one step in so many)
    t = s.time_from(1)
    scale, xlabel = time_scale(float(t[-1]))
    x = t / scale
    have_demand = "demand_tokens" in s.g
    lines = []
    if have_demand:
        demanded = s.fleet("demand_tokens", first=1) / step
        lines.append(("demanded", demanded, "-", 2.4, 0.45))
    served = s.fleet("tokens_served", first=1) / step
    lines.append(("served", served, "-", 1.0, 1.0))  # over the demand it meets
    lines.append(("capacity", s.fleet("capacity", first=1), "--", 1.0, 1.0))
    fig, axes = plt.subplots(2 if have_demand else 1, 1, figsize=(11, 7 if have_demand else 4.5), sharex=True,
                             squeeze=False)
    ax = axes[0, 0]
    for label, v, ls, lw, alpha in lines:
        ax.plot(x, v, ls, label=label, linewidth=lw, alpha=alpha)
    pos = np.concatenate([v[v > 0] for _, v, _, _, _ in lines])
    if len(pos) and pos.max() > 30.0 * pos.min():
        ax.set_yscale("log")
    ax.set_ylabel("fleet tokens per second (tokens s-1)")
    ax.set_title("Tokens demanded, served and capacity: %s%s" % (title_of(f), bin_text(f, s)))
    ax.grid(alpha=0.3, which="both")
    ax.legend(fontsize="small", loc="center left", bbox_to_anchor=(1.01, 0.5))
    note = "fleet series"
    if have_demand:
        ax = axes[1, 0]
        cd = series_cumsum(s, "demand_tokens")
        cs = series_cumsum(s, "tokens_served")
        with np.errstate(invalid="ignore", divide="ignore"):
            ax.plot(x, served / demanded, linewidth=0.9, label="served / demanded, " +
                    ("per bin (totals of the bin)" if s.bin > 1 else "per step"))
            ax.plot(x, cs / cd, linewidth=1.6, color="k", label="served / demanded, cumulative from the epoch")
        ax.axhline(1.0, color="0.5", linewidth=0.6)
        with np.errstate(invalid="ignore", divide="ignore"):
            r = np.r_[served / demanded, cs / cd]
        r = np.r_[r[np.isfinite(r)], 1.0]
        pad = max(2e-3, 0.08 * float(r.max() - r.min()))  # never a degenerate range; 1 always in view
        ax.set_ylim(max(0.0, float(r.min()) - pad), float(r.max()) + pad)
        ax.set_ylabel("ratio (1)")
        ax.set_title("Share of the demand served (above 1: queued tokens served later)", fontsize="medium")
        ax.grid(alpha=0.3)
        ax.legend(fontsize="small", loc="center left", bbox_to_anchor=(1.01, 0.5))
        total = float(cs[-1] / cd[-1]) if len(cd) and cd[-1] > 0 else float("nan")
        note = "fleet series; served/demanded over the run %.6f" % total
    axes[-1, 0].set_xlabel(xlabel)
    fig.tight_layout(rect=(0, caption(fig, ["Period %s; orbit %s. From the first step (row 0 of /series is the epoch)."
                      % (period_text(f, float(s.time[-1])), orbit_text(f)),
                      "Demanded: /series/demand_tokens (the demand model); served: tokens_served summed over the entries; "
                      "both per step / step_s %g s; capacity: /series/capacity." % step], wrap=True), 1, 1))
    return save(fig, out, "tokens.png"), note


def class_of(f, n=None):
    """The fleet entry (class) of every satellite of the fleet: /fleet/cls, else /fleet/shell, else 0."""
    for name in ("fleet/cls", "fleet/shell"):
        if name in f:
            return f[name][:].astype(np.int64)
    return np.zeros(int(f.attrs.get("fleet_satellites", n or 0)), dtype=np.int64)


def entry_label(f, c):
    """A fleet entry's name from /classes (attribute names), with its ground burn-in when /classes has it."""
    names = class_names(f)
    name = names[c] if c < len(names) else "entry %d" % c
    if "classes/burn_in_s" in f and c < len(f["classes/burn_in_s"]):
        return "%s, burn-in %g h" % (name, float(f["classes/burn_in_s"][c]) / 3600.0)
    return name


def entry_name(f, c):
    names = class_names(f)
    return names[c] if c < len(names) else "entry %d" % c


def table_rows(f, group, cols):
    """Rows of an event table the plots use: all once the run closed the file, else those of complete records."""
    g = f[group]
    n = min(len(g[k]) for k in cols)
    key = {"eclipses": "eclipse_rows", "failures": "failure_rows"}[group]
    if "final" not in f and key in f and records(f) > 0:
        n = min(n, int(f[key][records(f) - 1]))
    return n


def umbra_rows(f, cols, complete_only=True, block=1 << 20):
    """The umbra passes of /eclipses (kind 1; complete 1 too when complete_only), read in blocks of rows:
    yields a dict of the columns cols (numpy arrays) for each block that holds any."""
    g = f["eclipses"]
    n = table_rows(f, "eclipses", tuple(sorted(set(cols) | {"kind", "complete"})))
    for q0 in range(0, n, block):
        q1 = min(n, q0 + block)
        sel = g["kind"][q0:q1] == 1
        if complete_only:
            sel &= g["complete"][q0:q1] == 1
        if sel.any():
            yield {k: g[k][q0:q1][sel] for k in cols}


def failure_counts(f):
    """Per fleet entry: (time, count) arrays of accelerator failures (count = accelerators) and restarts (1 each),
    from /failures, sorted by time. Returns {class: {1: (t, n), 2: (t, n)}}, the classes of the fleet."""
    g = f["failures"]
    n = table_rows(f, "failures", ("time", "kind", "satellite"))
    t = g["time"][:n].astype(np.float64)
    kind = g["kind"][:n]
    sat = g["satellite"][:n].astype(np.int64)
    number = g["number"][:n].astype(np.float64) if "number" in g else np.ones(n)
    cls = class_of(f)
    ccls = cls[sat] if len(cls) else np.zeros(n, dtype=np.int64)
    out = {}
    for c in range(int(cls.max()) + 1 if len(cls) else 1):
        out[c] = {}
        for k in (1, 2):
            sel = (kind == k) & (ccls == c)
            order = np.argsort(t[sel], kind="stable")
            out[c][k] = (t[sel][order], (number if k == 1 else np.ones(n))[sel][order])
    return out, n


def plot_failures(f, out, t_end):
    if "failures" not in f or not isinstance(f["failures"], h5py.Group):
        return None, "failures: skipped (no /failures event table in this file)"
    if not all(k in f["failures"] for k in ("time", "kind", "satellite")):
        return None, "failures: skipped (/failures lacks time, kind or satellite)"
    counts, n = failure_counts(f)
    cls = class_of(f)
    scale, xlabel = time_scale(t_end)
    fig, axes = plt.subplots(2, 1, figsize=(10, 7), sharex=True)
    totals = []
    for c in sorted(counts):
        label = entry_label(f, c)
        tot = []
        for ax, k in zip(axes, (1, 2)):
            tk, wk = counts[c][k]
            ck = np.cumsum(wk)
            total = float(ck[-1]) if len(ck) else 0.0
            tot.append(total)
            of = ""
            if k == 1 and "classes/accelerators" in f and c < len(f["classes/accelerators"]):
                of = " of %d launched" % int(round(float(f["classes/accelerators"][c]) * float(np.sum(cls == c))))
            ax.step(np.r_[0.0, tk, t_end] / scale, np.r_[0.0, ck, total], where="post", color="C%d" % (c % 10),
                    linewidth=1.4, label="%s (%d%s)" % (label, int(total), of))
        totals.append((c, tot[0], tot[1]))
    for ax, what in zip(axes, ("accelerators failed", "node restarts")):
        top = max([1.0] + [line.get_ydata().max() for line in ax.get_lines()])
        ax.set_ylim(0.0, 1.08 * top)
        ax.set_ylabel("cumulative %s (1)" % what)
        ax.yaxis.set_major_locator(matplotlib.ticker.MaxNLocator(integer=True))
        ax.grid(alpha=0.3)
        ax.legend(fontsize="small", loc="upper left", title="fleet entry (total over the run)",
                  title_fontsize="small")
    axes[0].set_title("Accelerator failures per fleet entry: %s%s" % (title_of(f), "" if n else " (none in the run)"))
    axes[1].set_title("Radiation-induced node restarts per fleet entry", fontsize="medium")
    axes[1].set_xlim(0.0, t_end / scale if t_end > 0 else 1.0)
    axes[1].set_xlabel(xlabel)
    fig.tight_layout(rect=(0, caption(fig, ["Period %s; orbit %s." % (period_text(f, t_end), orbit_text(f)),
                      "From the event table /failures (kind 1: accelerators failed, column number; kind 2: restarts), "
                      "each satellite's entry from /fleet/cls; burn-in from /classes/burn_in_s (ground hours before "
                      "launch). Not summed across entries."], wrap=True), 1, 1))
    per = "; ".join("%s: %d failed, %d restarts" % (entry_name(f, c), int(a), int(b)) for c, a, b in totals)
    return save(fig, out, "failures.png"), "/failures table, %d rows; per entry: %s" % (n, per)


# ----------------------------------------------------------------------------------------------------------------
# Orbit geometry figures: eclipse seasons, beta angle, ground track

def day_of_year0(f):
    """Seconds from 1 January 00:00 UTC of the epoch's year to the epoch, and that year."""
    e = epoch_of(f)
    year = int(str(np.datetime64(e, "Y")))
    return float((e - np.datetime64("%04d-01-01T00:00:00" % year, "ms")) / np.timedelta64(1, "s")), year


def umbra_per_day(f, t_end, block=1 << 20):
    """Complete umbra passes (/eclipses kind 1, complete 1) per fleet entry and day of the year (by the pass's
    start, UTC; day 1 = 1 January of the epoch's year, counting on past 31 December). Returns (days [D] as day
    numbers, {class: (max [D], mean [D], count [D])}, passes, the longest pass in s)."""
    off, _ = day_of_year0(f)
    d0 = int(off // DAY)
    d1 = int((off + t_end) // DAY)
    days = np.arange(d0, d1 + 1)
    cls = class_of(f)
    nc = int(cls.max()) + 1 if len(cls) else 1
    mx = np.full((nc, len(days)), -np.inf)
    sm = np.zeros((nc, len(days)))
    ct = np.zeros((nc, len(days)))
    passes, longest = 0, 0.0
    for b in umbra_rows(f, ("start", "duration", "satellite"), block=block):
        st, du = b["start"], b["duration"]
        c = cls[b["satellite"].astype(np.int64)]
        di = np.clip(((off + st) // DAY).astype(np.int64) - d0, 0, len(days) - 1)
        np.maximum.at(mx, (c, di), du)
        np.add.at(sm, (c, di), du)
        np.add.at(ct, (c, di), 1.0)
        passes += len(du)
        longest = max(longest, float(du.max()))
    res = {}
    with np.errstate(invalid="ignore", divide="ignore"):
        for c in range(nc):
            res[c] = (np.where(ct[c] > 0, mx[c], np.nan), np.where(ct[c] > 0, sm[c] / ct[c], np.nan), ct[c])
    return days + 1, res, passes, longest


def spans(mask):
    """[start, end) index pairs of the runs of True in mask."""
    m = np.r_[False, np.asarray(mask, dtype=bool), False].astype(np.int8)
    d = np.diff(m)
    return list(zip(np.flatnonzero(d == 1), np.flatnonzero(d == -1)))


def plot_eclipse_season(f, out, t_end, max_entries=6):
    need = ("kind", "start", "duration", "complete", "satellite")
    if "eclipses" not in f or not all(k in f["eclipses"] for k in need):
        return None, "eclipse season: skipped (no /eclipses table with %s)" % ", ".join(need)
    days, res, passes, longest = umbra_per_day(f, t_end)
    _, year = day_of_year0(f)
    shown = sorted(res)[:max_entries]
    fig, axes = plt.subplots(len(shown), 1, figsize=(10, 1.2 + 2.1 * len(shown)), sharex=True, squeeze=False)
    top = max(1.0, 1.45 * longest / 60.0)  # room for the legend above the curves
    for ax, c in zip(axes[:, 0], shown):
        mx, mean, ct = res[c]
        for a, b in spans(ct > 0):
            ax.axvspan(days[a] - 0.5, days[b - 1] + 0.5, color="0.85", linewidth=0,
                       label="days with umbra passes" if a == spans(ct > 0)[0][0] else None)
        ax.plot(days, mx / 60.0, drawstyle="steps-mid", linewidth=1.2, color="C%d" % (c % 10), label="longest pass")
        ax.plot(days, mean / 60.0, drawstyle="steps-mid", linewidth=1.0, linestyle="--", color="k",
                label="mean pass")
        ax.set_ylim(0.0, top)
        ax.set_ylabel("umbra (min)")
        ax.grid(alpha=0.3)
        note = "%d passes" % int(ct.sum()) if ct.sum() else "no complete umbra pass"
        ax.set_title("%s (%s)" % (entry_label(f, c).split(", burn-in")[0], note), fontsize="medium", loc="left")
        ax.legend(fontsize="x-small", loc="upper right", ncol=3)
    axes[0, 0].set_title("Umbra pass duration per day: %s" % title_of(f), loc="center")
    axes[-1, 0].set_xlim(days[0] - 0.5, days[-1] + 0.5)
    axes[-1, 0].set_xlabel("day of %d (UTC; 1 = 1 January)" % year)
    more = len(res) - len(shown)
    bottom = caption(fig, ["Period %s; orbit %s; shadow model %s." % (period_text(f, t_end), orbit_text(f),
                                                           text(f["eclipses"].attrs.get("model", b"?"))),
                  "From /eclipses: complete umbra passes (kind 1, complete 1), by the day of their start; longest and "
                  "mean over the entry's satellites. Shaded: the days with at least one umbra pass (the eclipse "
                  "season).%s" % (" %d more entries not shown." % more if more > 0 else "")], wrap=True)
    fig.tight_layout(rect=(0, bottom, 1, 1))
    return save(fig, out, "eclipse_season.png"), "/eclipses, %d complete umbra passes, longest %.3f s" % (passes,
                                                                                                      longest)


def sun_at(f, t):
    """Unit vector Earth to Sun (GCRS) at the times t (s since the epoch): the stored /sun_direction of the
    records, interpolated linearly between records and normalised (the Sun moves ~0.04 deg an hour)."""
    n = records(f)
    tr = f["time"][:n].astype(np.float64)
    sd = f["sun_direction"][:n].astype(np.float64)
    s = np.stack([np.interp(t, tr, sd[:, k]) for k in range(3)], axis=-1)
    return s / np.linalg.norm(s, axis=-1, keepdims=True)


def orbit_normal(f, sats, t):
    """Unit orbit normals [len(t), len(sats), 3] in GCRS axes, n = (sin i sin RAAN, -sin i cos RAAN, cos i), with
    RAAN = raan0_rad + raandot_rad_s t (the J2 secular rate the Kepler+J2 propagator applies) from /fleet."""
    g = f["fleet"]
    inc = g["inc_rad"][:][sats]
    raan = g["raan0_rad"][:][sats][None, :] + g["raandot_rad_s"][:][sats][None, :] * np.asarray(t)[:, None]
    si = np.sin(inc)[None, :]
    return np.stack([si * np.sin(raan), -si * np.cos(raan), np.broadcast_to(np.cos(inc)[None, :], raan.shape)],
                    axis=-1)


def beta_angles(f, sats, t):
    """Beta angle (rad), the Sun's elevation above the orbit plane, of the satellites sats at the times t:
    asin(n . s), n the orbit normal (orbit_normal), s the Sun direction (sun_at). [len(t), len(sats)]."""
    n = orbit_normal(f, sats, t)
    s = sun_at(f, t)
    return np.arcsin(np.clip(np.einsum("tsk,tk->ts", n, s), -1.0, 1.0))


def beta_limit(f, sats):
    """asin(R_E / a): the beta beyond which a circular orbit of semi-major axis a sees no umbra (rad)."""
    return np.arcsin(np.clip(R_EARTH_KM / f["fleet/a_km"][:][sats], -1.0, 1.0))


def kepler_sats(f):
    """The satellites propagated by Kepler+J2 (the elements of /fleet are theirs at the run epoch)."""
    n = len(f["fleet/a_km"])
    prop = f["fleet/propagator"][:] if "fleet/propagator" in f else np.zeros(n, dtype=int)
    return np.flatnonzero(prop == 0)


def plot_beta(f, out, t_end, max_lines=24):
    need = ("fleet/inc_rad", "fleet/raan0_rad", "fleet/raandot_rad_s", "fleet/a_km", "sun_direction")
    if not all(k in f for k in need):
        return None, "beta angle: skipped (the file lacks %s)" % ", ".join(k for k in need if k not in f)
    ks = kepler_sats(f)
    if len(ks) == 0:
        return None, "beta angle: skipped (no Kepler+J2 satellite: catalogue elements are TEME at their own epoch)"
    n = records(f)
    t = f["time"][:n].astype(np.float64)
    cls = class_of(f)
    g = f["fleet"]
    # one line per orbit plane: satellites of an entry with the same inclination and node share the beta
    key = np.stack([cls[ks], np.round(g["inc_rad"][:][ks], 9), np.round(g["raan0_rad"][:][ks], 9)], axis=1)
    _, first = np.unique(key, axis=0, return_index=True)
    planes = ks[np.sort(first)]
    if len(planes) > max_lines:
        planes = planes[np.unique(np.linspace(0, len(planes) - 1, max_lines).round().astype(int))]
    beta = np.degrees(beta_angles(f, planes, t))
    lim = np.degrees(beta_limit(f, planes))
    scale, xlabel = time_scale(t_end)
    fig, ax = plt.subplots(figsize=(10, 5.5))
    seen = set()
    for j, sat in enumerate(planes):
        c = int(cls[sat])
        col = "C%d" % (c % 10)
        ax.plot(t / scale, beta[:, j], color=col, linewidth=1.0, alpha=0.85,
                label=None if c in seen else entry_name(f, c))
        if c not in seen:
            for sgn in (1.0, -1.0):
                ax.axhline(sgn * lim[j], color=col, linestyle=":", linewidth=1.2,
                           label="asin(R_E/a) = %.2f deg (%s)" % (lim[j], entry_name(f, c)) if sgn > 0 else None)
        seen.add(c)
    ax.axhline(0.0, color="0.5", linewidth=0.6)
    ax.set_ylim(-90.0, 90.0)
    ax.set_yticks(np.arange(-90, 91, 30))
    ax.set_xlim(0.0, t_end / scale)
    ax.set_xlabel(xlabel)
    ax.set_ylabel("beta angle (deg)")
    ax.grid(alpha=0.3)
    ax.legend(fontsize="x-small", loc="center left", bbox_to_anchor=(1.01, 0.5))
    ax.set_title("Beta angle (the Sun above the orbit plane) per orbit plane: %s" % title_of(f))
    dt = np.median(np.diff(t)) if n > 1 else 0.0
    fig.tight_layout(rect=(0, caption(fig, ["Period %s; orbit %s; %d plane%s shown (Kepler+J2 satellites only)."
                  % (period_text(f, t_end), orbit_text(f), len(planes), "" if len(planes) == 1 else "s"),
                  "beta = asin(n.s): n = (sin i sin RAAN, -sin i cos RAAN, cos i), RAAN = raan0 + raandot t (J2 secular "
                  "rate, /fleet/raandot_rad_s); s = /sun_direction of the records (every %g s), GCRS." % dt,
                  "Dotted: asin(R_E/a), R_E = %.3f km: beyond it a circular orbit has no umbra (no eclipse at "
                  "all for the cylindrical shadow)." % R_EARTH_KM], wrap=True), 1, 1))
    return save(fig, out, "beta.png"), "/fleet elements and /sun_direction, %d planes" % len(planes)


def geodetic_track(f, sats, rec):
    """WGS-84 geodetic latitude and longitude (deg) of the satellites sats (indices into the record's satellite
    axis) at the records rec, from the GCRS positions: with pyerfa, the IAU 2006/2000A celestial-to-terrestrial
    matrix (eraC2t06a; UT1 = UTC, no polar motion), as `odtwin export --geodetic`; without it, the stored
    Earth rotation angle alone (precession-nutation neglected: ~0.36 deg in 2026) and a spherical latitude.
    Returns (lat [len(rec), len(sats)], lon, the method in words)."""
    rec = np.asarray(rec)
    sats = np.asarray(sats)
    order = np.argsort(sats)  # h5py reads a list of increasing indices: only those satellites of each record
    r = np.stack([f["position"][int(i), sorted(int(k) for k in sats), :] for i in rec]).astype(np.float64)
    r = r[:, np.argsort(order), :]  # back to the order of sats: [rec, sats, 3] km
    t = f["time"][:][rec].astype(np.float64)
    try:
        import erfa  # noqa: PLC0415
    except ImportError:
        erfa = None
    if erfa is not None:
        e = text(f["time"].attrs.get("epoch_utc", f.attrs.get("epoch_utc", b""))).strip().rstrip("Zz")
        date, clock = e.split("T")
        y, mo, d = (int(v) for v in date.split("-"))
        hh, mi, ss = clock.split(":")
        u1, u2 = erfa.dtf2d("UTC", y, mo, d, int(hh), int(mi), float(ss))
        tt1, tt2 = erfa.taitt(*erfa.utctai(u1, u2))
        tt1 = np.full(len(t), tt1)
        tt2 = tt2 + t / DAY
        ut1, ut2 = erfa.taiutc(*erfa.tttai(tt1, tt2))  # UT1 = UTC, through the leap-second table
        m = erfa.c2t06a(tt1, tt2, ut1, ut2, 0.0, 0.0)  # [rec, 3, 3]
        ri = np.einsum("rij,rsj->rsi", m, r) * 1e3
        lon, lat, _ = erfa.gc2gd(1, ri)
        how = "IAU 2006/2000A GCRS to ITRS (pyerfa c2t06a; UT1 = UTC, polar motion neglected), WGS-84 geodetic"
        return np.degrees(lat), np.degrees(lon), how
    era = f["earth_rotation_angle"][:][rec]
    lon = np.arctan2(r[..., 1], r[..., 0]) - era[:, None]
    lat = np.arcsin(r[..., 2] / np.linalg.norm(r, axis=-1))
    how = ("stored Earth rotation angle (IAU 2000) only: precession-nutation (~0.36 deg in 2026) and polar "
           "motion neglected, geocentric latitude (install pyerfa for the full transformation)")
    return np.degrees(lat), np.degrees(np.angle(np.exp(1j * lon))), how


def plot_ground_track(f, out, t_end, n_sats=4, orbits=3.0):
    if "position" not in f or "time" not in f:
        return None, "ground track: skipped (position not recorded)"
    n = records(f)
    if n < 3:
        return None, "ground track: skipped (fewer than 3 records)"
    t = f["time"][:n].astype(np.float64)
    rec_sat = f["satellite"][:].astype(np.int64) if "satellite" in f else np.arange(f["position"].shape[1])
    mu = 398600.4418
    period = 2.0 * np.pi * np.sqrt(float(np.min(f["fleet/a_km"][:][rec_sat])) ** 3 / mu) if "fleet/a_km" in f \
        else 5700.0
    dt = float(np.median(np.diff(t)))
    if dt > period / 8.0:
        return None, ("ground track: skipped (records every %g s: more than 1/8 of the %.0f s orbit; record more "
                      "often, snapshot_interval_s)" % (dt, period))
    cls = class_of(f)
    # up to n_sats record satellites, the first of each fleet entry first, then of other planes
    picks = []
    for c in np.unique(cls[rec_sat]):
        picks.append(int(np.flatnonzero(cls[rec_sat] == c)[0]))
    if len(picks) < n_sats and "fleet/plane" in f:
        pl = f["fleet/plane"][:][rec_sat]
        for j in range(len(rec_sat)):
            if len(picks) >= n_sats:
                break
            if j not in picks and all((cls[rec_sat[j]], pl[j]) != (cls[rec_sat[k]], pl[k]) for k in picks):
                picks.append(j)
    picks = sorted(picks[:n_sats])
    window = min(t[-1], orbits * period)
    rec = np.flatnonzero(t <= window + 0.5 * dt)
    lat, lon, how = geodetic_track(f, np.array(picks), rec)
    fig, ax = plt.subplots(figsize=(10, 6.6))
    for j, k in enumerate(picks):
        lo = lon[:, j].copy()
        la = lat[:, j].copy()
        jump = np.flatnonzero(np.abs(np.diff(lo)) > 180.0)  # break the line at the antimeridian
        lo = np.insert(lo, jump + 1, np.nan)
        la = np.insert(la, jump + 1, np.nan)
        sat = int(rec_sat[k])
        h = ax.plot(lo, la, linewidth=1.2, label="satellite %d (%s)" % (sat, entry_name(f, int(cls[sat]))))
        ax.plot(lon[0, j], lat[0, j], "o", color=h[0].get_color(), markersize=5)
    ax.set_xlim(-180, 180)
    ax.set_ylim(-90, 90)
    ax.set_xticks(np.arange(-180, 181, 60))
    ax.set_yticks(np.arange(-90, 91, 30))
    ax.set_xlabel("longitude (deg, east positive)")
    ax.set_ylabel("geodetic latitude (deg)")
    ax.grid(alpha=0.4)
    ax.legend(fontsize="small", loc="upper center", bbox_to_anchor=(0.5, -0.11), ncol=3)
    e = epoch_of(f)
    ax.set_title("Ground track, first %.1f h from %s UTC (dot: start): %s"
                 % (window / 3600.0, str(e)[:16].replace("T", " "), title_of(f)), fontsize="medium")
    fig.tight_layout(rect=(0, caption(fig, ["Orbit %s; records every %g s joined by straight segments." % (orbit_text(f), dt),
                      "Positions (GCRS, float32) to latitude and longitude: %s. Error below 0.01 deg from the "
                      "neglected terms (UT1-UTC < 0.9 s: < 0.004 deg of longitude)." % how if "pyerfa" in how else
                      "Positions (GCRS) to latitude and longitude: %s." % how], wrap=True), 1, 1))
    return save(fig, out, "ground_track.png"), "position records of %d satellites, %d records" % (len(picks),
                                                                                                  len(rec))

# ----------------------------------------------------------------------------------------------------------------
# Claims figures (--claims)

DAY = 86400.0
YEAR = 365.25 * DAY
R_EARTH_KM = 6378.137


def epoch_of(f):
    """The epoch (numpy datetime64[ms]) from the attribute epoch_utc of /time (else of the root)."""
    v = f["time"].attrs.get("epoch_utc", f.attrs.get("epoch_utc", b"1970-01-01T00:00:00Z"))
    return np.datetime64(text(v).strip().rstrip("Zz"), "ms")


def dates(epoch, t):
    """Seconds since the epoch as datetime64[ms] (for a date axis)."""
    return epoch + np.round(np.asarray(t, dtype=np.float64) * 1e3).astype("timedelta64[ms]")


def day_text(d):
    return str(np.datetime64(d, "D"))


def period_text(f, t_end):
    e = epoch_of(f)
    if t_end >= 2 * YEAR:
        span = "%.1f years" % (t_end / YEAR)
    elif t_end >= 2 * DAY:
        span = "%.0f days" % (t_end / DAY)
    else:  # under two days: the times themselves, UTC
        return "%s to %s UTC (%.4g h)" % (str(np.datetime64(e, "m")).replace("T", " "),
                                          str(np.datetime64(dates(e, t_end), "m")).replace("T", " "), t_end / 3600.0)
    return "%s to %s (%s)" % (day_text(e), day_text(dates(e, t_end)), span)


def class_names(f):
    if "classes" not in f:
        return []
    names = text(f["classes"].attrs.get("names", b""))
    return [n for n in names.split(",")] if names else []


def orbit_text(f):
    """The fleet entries' orbits: name, mean altitude and inclination of the generated satellites (/fleet)."""
    if "fleet" not in f or "a_km" not in f["fleet"] or "inc_rad" not in f["fleet"]:
        return "orbit not recorded"
    g = f["fleet"]
    a = g["a_km"][:]
    inc = np.degrees(g["inc_rad"][:])
    cls = g["cls"][:] if "cls" in g else np.zeros(len(a), dtype=int)
    names = class_names(f)
    parts = []
    for c in np.unique(cls)[:3]:
        sel = cls == c
        name = names[c] if c < len(names) else "class %d" % c
        parts.append("%s: %.0f km, %.1f deg" % (name, float(np.mean(a[sel])) - R_EARTH_KM, float(np.mean(inc[sel]))))
    more = len(np.unique(cls)) - 3
    return "; ".join(parts) + (" and %d more" % more if more > 0 else "")


def dollars(s):
    """A text with $ signs drawn as such (not as mathtext)."""
    return s.replace("$", r"\$")


def caption(fig, lines, wrap=False):
    """A caption at the foot of the figure; with wrap, each line wrapped to the figure's width. Returns the
    height it takes, as a fraction of the figure (for tight_layout's rect)."""
    if wrap:
        width = int(fig.get_figwidth() * 17.5)
        lines = [w for line in lines for w in (textwrap.wrap(line, width) or [""])]
    fig.text(0.01, 0.005, dollars("\n".join(lines)), fontsize="x-small", va="bottom", ha="left", color="0.25")
    return (0.02 + 0.125 * len(lines)) / fig.get_figheight()


def plot_fleet_growth(f, out, s, t_end):
    if not s.has("satellites_in_service") or s.rows == 0:
        return None, "fleet growth: skipped (no satellites_in_service in /series)"
    e = epoch_of(f)
    fig, ax = plt.subplots(figsize=(11, 5.5))
    ax.plot(dates(e, s.time), s.fleet("satellites_in_service"), linewidth=1.6, label="in service")
    sources = ["/series satellites_in_service"]
    launched = 0.0
    if "launches" in f and "time" in f["launches"] and "satellites" in f["launches"] and len(f["launches/time"]):
        g = f["launches"]
        tl = g["time"][:].astype(np.float64)
        order = np.argsort(tl, kind="stable")
        cum = np.cumsum(g["satellites"][:].astype(np.float64)[order])
        launched = float(cum[-1])
        ax.step(dates(e, np.r_[0.0, tl[order], t_end]), np.r_[0.0, cum, launched], where="post", linewidth=1.0,
                label="launched, cumulative (%d launches)" % len(tl))
        sources.append("/launches (%d rows)" % len(tl))
    retired = 0.0
    if "fleet" in f and "retire_time" in f["fleet"] and "launch_time" in f["fleet"]:
        g = f["fleet"]
        lt = g["launch_time"][:]
        rt = g["retire_time"][:]
        w = g["weight"][:].astype(np.float64) if "weight" in g else np.ones(len(rt))
        sel = (lt <= t_end) & (rt <= t_end)
        if sel.any():
            order = np.argsort(rt[sel], kind="stable")
            cum = np.cumsum(w[sel][order])
            retired = float(cum[-1])
            ax.step(dates(e, np.r_[0.0, rt[sel][order], t_end]), np.r_[0.0, cum, retired], where="post",
                    linewidth=1.0, linestyle="--", label="retired, cumulative (design life over)")
            sources.append("/fleet retire_time")
    ax.set_ylim(bottom=0.0)
    ax.set_xlim(dates(e, 0.0), dates(e, t_end))
    ax.set_ylabel("satellites (1)")
    ax.set_title("Fleet growth: %s" % title_of(f))
    ax.grid(alpha=0.3)
    ax.legend(fontsize="small", loc="upper left")
    not_flown = 0.0
    if "launches" in f:
        not_flown = float(np.asarray(f["launches"].attrs.get("not_flown", 0.0)).reshape(-1)[0])
    caption(fig, ["Period %s; orbit %s." % (period_text(f, t_end), orbit_text(f)),
                  "%.0f satellites launched, %.0f retired%s; representative satellites count for the satellites "
                  "they stand for." % (launched, retired,
                                       ", %.0f launches not flown (no free slot)" % not_flown if not_flown else "")])
    fig.tight_layout(rect=(0, 0.07, 1, 1))
    return save(fig, out, "claims_fleet_growth.png"), ", ".join(sources)


def find_odtwin(given):
    if given:
        return given
    found = shutil.which("odtwin")
    if found:
        return found
    here = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "build", "odtwin")
    return os.path.normpath(here) if os.access(here, os.X_OK) else None


def claims_json(path, odtwin):
    """(the parsed `odtwin report PATH --claims --json`, None) or (None, why not)."""
    exe = find_odtwin(odtwin)
    if not exe:
        return None, "no odtwin binary (give --odtwin PATH)"
    try:
        r = subprocess.run([exe, "report", path, "--claims", "--json"], capture_output=True, text=True,
                           timeout=900)
    except (OSError, subprocess.TimeoutExpired) as e:
        return None, "%s report --claims --json failed: %s" % (exe, e)
    if r.returncode != 0:
        first = (r.stderr.strip().splitlines() or ["exit code %d" % r.returncode])[0]
        return None, "%s report --claims --json: %s" % (exe, first)
    try:
        d = json.loads(r.stdout)
    except ValueError as e:
        return None, "%s report --claims --json: not JSON (%s)" % (exe, e)
    if not isinstance(d, dict) or not d.get("years"):
        return None, "%s report --claims --json: no years" % exe
    return d, None


def year_column(d, key):
    return np.array([np.nan if y.get(key) is None else float(y[key]) for y in d["years"]])


def economics_text(f, keys):
    if "economics" not in f:
        return "/economics not in the file"
    a = f["economics"].attrs
    return ", ".join(fmt % float(np.asarray(a[k]).reshape(-1)[0]) for k, fmt in keys if k in a)


def partial_years_text(d):
    part = [(y["year"], y.get("year_fraction")) for y in d["years"]
            if y.get("year_fraction") is not None and float(y["year_fraction"]) < 0.999]
    if not part:
        return ""
    return " Partial years, annualised: %s." % ", ".join("%d (%.2f of a year)" % (int(y), float(q)) for y, q in part)


def plot_compute_added(f, out, d, why, t_end):
    if d is None:
        return None, "compute added per year: skipped (%s)" % why
    years = year_column(d, "year")
    added = year_column(d, "compute_power_added_w")
    ground = year_column(d, "ground_compute_w")
    fig, ax = plt.subplots(figsize=(10, 5.5))
    frac = year_column(d, "year_fraction")
    hatch_sel = np.isfinite(frac) & (frac < 0.999)
    bars = ax.bar(years, np.where(added > 0, added, np.nan), width=0.6,
                  label="compute power added in orbit in the year")
    for b, h in zip(bars, hatch_sel):
        if h:
            b.set_hatch("//")
    ax.plot(years, ground, "o-", color="C3", label="ground AI compute, cumulative at the year's end")
    ax.set_yscale("log")
    pos = np.r_[added, ground]
    pos = pos[np.isfinite(pos) & (pos > 0)]
    if len(pos):  # bars from a decade below the smallest value; two decades above for the notes
        ax.set_ylim(pos.min() / 10.0, pos.max() * 100.0)
    ax.set_xlim(np.nanmin(years) - 0.7, np.nanmax(years) + 0.7)
    ax.set_xticks(years)
    ax.set_xticklabels(["%d" % y for y in years])
    ax.set_xlabel("year")
    ax.set_ylabel("power (W)")
    ax.grid(alpha=0.3, which="both", axis="y")
    cross = d.get("summary", {}).get("crossover_year")
    if cross is not None:
        ax.axvline(float(cross), color="k", linestyle=":", linewidth=1.0)
        note = "crossover: %d\nthe orbit's additions pass the ground total" % int(cross)
    else:
        with np.errstate(invalid="ignore", divide="ignore"):
            ratio = np.nanmax(added / ground) if np.isfinite(added / ground).any() else np.nan
        note = "no crossover within the horizon (to %d)\norbit additions at most %.2g of the ground total" \
               % (int(np.nanmax(years)), ratio)
    ax.text(0.02, 0.97, note, transform=ax.transAxes, va="top", fontsize="small", wrap=True,
            bbox={"facecolor": "white", "alpha": 0.8, "edgecolor": "0.7"})
    ax.legend(fontsize="small", loc="upper right")
    ax.set_title("Compute added in orbit per year vs the ground's cumulative: %s" % title_of(f))
    caption(fig, ["Period %s; orbit %s.%s" % (period_text(f, t_end), orbit_text(f), partial_years_text(d)),
                  "Orbit: board power of the accelerators launched in the year. Ground (/economics): %s."
                  % economics_text(f, (("ground_compute_w", "%.3g W"), ("ground_compute_year", "in %.0f"),
                                       ("ground_compute_growth", "growing %.2gx a year")))])
    fig.tight_layout(rect=(0, 0.07, 1, 1))
    return save(fig, out, "claims_compute_added.png"), "odtwin report --claims --json, %d years" % len(years)


def plot_cost_per_mtok(f, out, d, why, t_end):
    if d is None:
        return None, "cost per million tokens: skipped (%s)" % why
    years = year_column(d, "year")
    space = year_column(d, "space_per_mtok")
    ground = year_column(d, "ground_per_mtok")
    if not (np.isfinite(space).any() or np.isfinite(ground).any()):
        return None, "cost per million tokens: skipped (no year with a cost per token in the claims JSON)"
    fig, ax = plt.subplots(figsize=(10, 5.5))
    ax.plot(years, space, "o-", label="space")
    ax.plot(years, ground, "s-", label="ground (same accelerators and demand)")
    pos = np.r_[space, ground]
    pos = pos[np.isfinite(pos) & (pos > 0)]
    if len(pos) and pos.max() > 30.0 * pos.min():  # headroom above for the notes
        ax.set_yscale("log")
        ax.set_ylim(pos.min() / 3.0, pos.max() * 30.0)
    elif len(pos):
        ax.set_ylim(0.0, pos.max() * 1.5)
    ax.set_xlim(np.nanmin(years) - 0.5, np.nanmax(years) + 0.5)
    ax.set_xticks(years)
    ax.set_xticklabels(["%d" % y for y in years])
    ax.set_xlabel("year")
    ax.set_ylabel(dollars("cost per million tokens ($/Mtok)"))
    ax.grid(alpha=0.3, which="both")
    summ = d.get("summary", {})
    be = summ.get("breakeven_launch_per_kg")
    lines = ["break-even launch price: %s" % ("%.4g $/kg" % be if be is not None else
                                              "none (space dearer than the ground even with free launch)")]
    if summ.get("space_per_mtok") is not None and summ.get("ground_per_mtok") is not None:
        lines.append("over the horizon: space %.3g $/Mtok, ground %.3g $/Mtok"
                     % (summ["space_per_mtok"], summ["ground_per_mtok"]))
    ax.text(0.02, 0.97, dollars("\n".join(lines)), transform=ax.transAxes, va="top", fontsize="small",
            bbox={"facecolor": "white", "alpha": 0.8, "edgecolor": "0.7"})
    ax.legend(fontsize="small", loc="upper right")
    ax.set_title("Cost per million tokens, space vs ground: %s" % title_of(f))
    caption(fig, ["Period %s; orbit %s.%s" % (period_text(f, t_end), orbit_text(f), partial_years_text(d)),
                  "Prices (/economics): %s." % economics_text(f, (
                      ("launch_price_per_kg", "launch %.0f $/kg"), ("launch_learning", "learning %.2g per doubling"),
                      ("launch_price_floor_per_kg", "floor %.0f $/kg"),
                      ("satellite_cost_per_kg", "satellite %.0f $/kg"),
                      ("accelerator_price", "accelerator %.0f $"), ("ground_build_cost_per_w", "ground build %.3g $/W"),
                      ("electricity_per_kwh", "electricity %.3g $/kWh"), ("pue", "PUE %.2f")))])
    fig.tight_layout(rect=(0, 0.07, 1, 1))
    return save(fig, out, "claims_cost_per_mtok.png"), "odtwin report --claims --json, /economics"


def plot_eclipse_storage(f, out, t_end, block=1 << 20):
    need = ("kind", "start", "duration", "complete")
    if "eclipses" not in f or not all(k in f["eclipses"] for k in need):
        return None, "eclipse storage: skipped (no /eclipses table with %s)" % ", ".join(need)
    cneed = ("compute_power_w", "bus_power_w", "battery_discharge_efficiency", "battery_capacity_j",
             "battery_soc_max", "battery_soc_min")
    if "classes" not in f or not all(k in f["classes"] for k in cneed):
        return None, "eclipse storage: skipped (/classes lacks %s)" % ", ".join(cneed)
    days = max(1, int(np.ceil(t_end / DAY)))
    longest = np.zeros(days)
    passes = 0
    for b in umbra_rows(f, ("start", "duration"), block=block):
        day = np.clip((b["start"] // DAY).astype(np.int64), 0, days - 1)
        np.maximum.at(longest, day, b["duration"])
        passes += len(b["duration"])
    c = f["classes"]
    load = float(c["compute_power_w"][0]) + float(c["bus_power_w"][0])
    eff = float(c["battery_discharge_efficiency"][0])
    usable = float(c["battery_capacity_j"][0]) * (float(c["battery_soc_max"][0]) - float(c["battery_soc_min"][0]))
    need_wh = longest * load / eff / 3600.0
    usable_wh = usable / 3600.0
    e = epoch_of(f)
    x = dates(e, (np.arange(days) + 0.5) * DAY)
    fig, axes = plt.subplots(2, 1, figsize=(11, 7), sharex=True)
    ax = axes[0]
    ax.plot(x, longest / 60.0, drawstyle="steps-mid", linewidth=1.0)
    ax.set_ylim(bottom=0.0, top=max(1.0, 1.1 * float(longest.max()) / 60.0))
    ax.set_ylabel("longest umbra pass (min)")
    ax.set_title("Eclipse seasons and the storage they need: %s" % title_of(f))
    ax.grid(alpha=0.3)
    if passes == 0:
        ax.text(0.5, 0.5, "no complete umbra pass in the run", transform=ax.transAxes, ha="center", va="center")
    ax = axes[1]
    ax.plot(x, need_wh, drawstyle="steps-mid", linewidth=1.0, label="needed through the day's longest umbra")
    ax.axhline(usable_wh, color="C3", linestyle="--", linewidth=1.2,
               label="usable installed (%.0f Wh)" % usable_wh)
    ax.set_ylim(bottom=0.0, top=1.35 * max(usable_wh, float(need_wh.max()), 1.0))  # the legend above the line
    ax.set_ylabel("battery energy (Wh)")
    ax.grid(alpha=0.3)
    ax.legend(fontsize="small", loc="upper right")
    ax.set_xlim(dates(e, 0.0), dates(e, days * DAY))
    over = int((need_wh > usable_wh).sum())
    names = class_names(f)
    cname = names[0] if names else "class 0"
    caption(fig, ["Period %s; orbit %s; shadow model %s; %d complete umbra passes, %d days over the usable battery."
                  % (period_text(f, t_end), orbit_text(f), text(f["eclipses"].attrs.get("model", b"?")), passes, over),
                  "Energy = duration x (compute %.0f W + bus %.0f W) / discharge efficiency %.3g; usable = capacity "
                  "%.0f Wh x (soc_max %.2f - soc_min %.2f); class %s (the first class)."
                  % (float(c["compute_power_w"][0]), float(c["bus_power_w"][0]), eff,
                     float(c["battery_capacity_j"][0]) / 3600.0, float(c["battery_soc_max"][0]),
                     float(c["battery_soc_min"][0]), cname)])
    fig.tight_layout(rect=(0, 0.07, 1, 1))
    return save(fig, out, "claims_eclipse_storage.png"), "/eclipses, %d complete umbra passes; /classes" % passes


SWMR_READ_ATTEMPTS = 24  # as odtwin's readers (host/h5io.h, ODT_H5_SWMR_READ_ATTEMPTS)


def open_swmr(path):
    """Open a snapshot a run still writes, or a killed run left, as a SWMR reader. HDF5 retries a
    metadata checksum failure of a SWMR reader 100 times by default, with a sleep that doubles each
    time: on a damaged file that takes hours. h5py does not expose H5Pset_metadata_read_attempts, so
    it is called through ctypes on the HDF5 library h5py has loaded; where that library cannot be
    found, the default applies."""
    fapl = h5py.h5p.create(h5py.h5p.FILE_ACCESS)
    try:
        import ctypes
        with open("/proc/self/maps") as maps:
            libs = sorted({l.split()[-1] for l in maps if "/libhdf5" in l and "_hl" not in l.rsplit("/", 1)[-1]})
        if len(libs) == 1:
            set_attempts = ctypes.CDLL(libs[0]).H5Pset_metadata_read_attempts
            set_attempts.argtypes = [ctypes.c_int64, ctypes.c_uint]
            set_attempts.restype = ctypes.c_int
            set_attempts(fapl.id, SWMR_READ_ATTEMPTS)
    except (OSError, AttributeError):
        pass
    fid = h5py.h5f.open(os.fsencode(path), h5py.h5f.ACC_RDONLY | h5py.h5f.ACC_SWMR_READ, fapl=fapl)
    return h5py.File(fid)


def main(argv=None):
    ap = argparse.ArgumentParser(description="PNG plots of an odtwin snapshot file (schema 2.x)")
    ap.add_argument("snapshot", help="HDF5 snapshot written by odtwin run")
    ap.add_argument("-o", "--outdir", help="folder for the PNG files (default: the snapshot's folder)")
    ap.add_argument("--max-records", type=int, default=2000,
                    help="records of the per-satellite plots, at most, evenly spread (default 2000)")
    ap.add_argument("--max-points", type=int, default=4000,
                    help="points of the fleet-series plots, at most: longer series are binned (default 4000)")
    ap.add_argument("--claims", action="store_true",
                    help="also the four claims figures (claims_*.png): fleet growth, compute added per year, cost "
                         "per million tokens, eclipse storage")
    ap.add_argument("--odtwin", metavar="PATH",
                    help="odtwin binary for `odtwin report --claims --json` (default: odtwin on PATH, else "
                         "../build/odtwin beside this tool)")
    ap.add_argument("--dpi", type=int, default=110, help="resolution of the PNG files (default 110)")
    a = ap.parse_args(argv)
    if not 20 <= a.dpi <= 600:
        print("plot_snapshot.py: error: --dpi %d: give 20 to 600" % a.dpi, file=sys.stderr)
        return 2
    DPI[0] = a.dpi
    out = a.outdir or os.path.dirname(os.path.abspath(a.snapshot))
    try:
        if not os.path.exists(a.snapshot):
            raise SnapshotError("no such file")
        if not h5py.is_hdf5(a.snapshot):
            raise SnapshotError("not an HDF5 file")
        try:
            f = h5py.File(a.snapshot, "r")
        except OSError as e:
            try:  # a run still writing it (or killed) holds it in SWMR mode
                f = open_swmr(a.snapshot)
            except OSError:
                raise SnapshotError("cannot be opened: damaged or truncated? (%s)" % e)
        with f:
            if "odtwin_schema_version" not in f.attrs:
                raise SnapshotError("an HDF5 file but not an odtwin snapshot (no odtwin_schema_version attribute)")
            schema = text(f.attrs["odtwin_schema_version"])
            if schema.split(".")[0] != "2":
                raise SnapshotError("snapshot schema %s is not supported by this plot tool (it reads schema 2.x)"
                                    % schema)
            for name in ("time", "series/time"):
                if name not in f:
                    raise SnapshotError("no /%s dataset: not a complete odtwin snapshot" % name)
            t = records(f)
            if t == 0:
                raise SnapshotError("the run has no records (0 snapshots): nothing to plot")
            os.makedirs(out, exist_ok=True)
            idx = sample(t, max(2, a.max_records))
            s = Series(f, t, max(2, a.max_points))
            t_end = float(f["final"].attrs["time"]) if "final" in f else float(f["time"][t - 1])
            results = [plot_power(f, out, s), plot_illumination(f, out, idx, s), plot_temperatures(f, out, idx, s),
                       plot_payload_temperature(f, out, s, t_end), plot_tokens(f, out, s),
                       plot_failures(f, out, t_end), plot_eclipse_season(f, out, t_end), plot_beta(f, out, t_end),
                       plot_ground_track(f, out, t_end)]
            if a.claims:
                d, why = claims_json(a.snapshot, a.odtwin)
                results += [plot_fleet_growth(f, out, s, t_end), plot_compute_added(f, out, d, why, t_end),
                            plot_cost_per_mtok(f, out, d, why, t_end), plot_eclipse_storage(f, out, t_end)]
    except (SnapshotError, OSError, KeyError) as e:
        print("plot_snapshot.py: error: %s: %s" % (a.snapshot, e), file=sys.stderr)
        return 1
    except RuntimeError as e:  # h5py's report of damaged metadata (a checksum, a heap)
        print("plot_snapshot.py: error: %s: the file is damaged (%s); figures already written in %s are from "
              "before the damage was met" % (a.snapshot, e, out), file=sys.stderr)
        return 1
    for path, note in results:
        print("wrote %s (%s)" % (path, note) if path else "note: %s" % note)
    return 0


if __name__ == "__main__":
    sys.exit(main())
