#!/usr/bin/env python3
"""Runs the worked analysis of docs/analysis.md and checks it against `odtwin report --json`.

    analysis_example.py ODTWIN             the test (ctest analysis_check): a short run, the
                                           page's python blocks on it, their figures against
                                           the report's; exit 0 pass, 1 fail, 77 skip
    analysis_example.py --page SNAPSHOT [ODTWIN]
                                           run the page's blocks on SNAPSHOT and print what
                                           they print (the outputs shown on the page); with
                                           ODTWIN, compare them with its report as well

The code is the page's: every ```python block of docs/analysis.md, in order, in one namespace,
with the environment variable SNAPSHOT naming the file. Nothing of it is copied here, so the
page and the test cannot diverge. A block that raises is reported in one line naming its line
in the page (ODT_ANALYSIS_TRACEBACK=1 prints the traceback as well).
"""
import contextlib
import io
import json
import os
import re
import subprocess
import sys
import tempfile
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
PAGE = os.path.join(HERE, "..", "docs", "analysis.md")

# The run the test makes: the three fleet entries of scenarios/seasons_burn_in_year.yaml
# (0, 48 and 168 h of burn-in), 4 satellites each, 3 days in the dawn-dusk eclipse season;
# a weak fraction of 0.3 so that infant failures occur within the three days.
SCENARIO = """\
name: analysis-check
epoch: 2026-06-20T00:00:00Z
duration_s: 259200
step_s: 60
snapshot_interval_s: 3600
seed: 7
shadow: conical
earth_shape: sphere
satellite:
  weak_fraction: 0.3
  weibull_shape: 0.5
  weibull_scale_h: 50
workload:
  demand_tokens_per_s: 2.0e5
fleet:
  - name: dawn-dusk-650
    source: sso
    altitude_km: 650
    ltan_h: 18.0
    planes: 1
    slots: 4
    satellite: {burn_in_h: 0}
  - name: sso-1030-650
    source: sso
    altitude_km: 650
    ltan_h: 10.5
    planes: 1
    slots: 4
    satellite: {burn_in_h: 48}
  - name: walker-53-550
    source: walker
    altitude_km: 550
    inclination_deg: 53
    planes: 2
    slots: 2
    satellite: {burn_in_h: 168}
"""


class PageError(Exception):
    """A block of the page raised: the message names the block's line and the snapshot."""


def page_blocks(path):
    """The ```python blocks of the page: a list of (first line number, code)."""
    with open(path, encoding="utf-8") as fh:
        lines = fh.read().split("\n")
    blocks, code, start = [], None, 0
    for n, line in enumerate(lines, 1):
        if code is None and line.strip() == "```python":
            code, start = [], n + 1
        elif code is not None and line.strip() == "```":
            blocks.append((start, "\n".join(code) + "\n"))
            code = None
        elif code is not None:
            code.append(line)
    if code is not None:
        raise SystemExit(f"{path}:{start - 1}: a ```python block is not closed")
    return blocks


def run_page(snapshot):
    """Runs the page's blocks with SNAPSHOT=snapshot; returns (namespace, printed text)."""
    blocks = page_blocks(PAGE)
    if not blocks:
        raise SystemExit(f"{PAGE}: no ```python block")
    os.environ["SNAPSHOT"] = snapshot
    ns = {"__name__": "analysis_page"}
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        for start, code in blocks:
            try:
                exec(compile(code, f"{os.path.relpath(PAGE)}:{start}", "exec"), ns)
            except Exception as e:  # one line naming the block; the traceback on request
                if os.environ.get("ODT_ANALYSIS_TRACEBACK"):
                    traceback.print_exc()
                raise PageError(f"the block at {os.path.relpath(PAGE)}:{start} failed on {snapshot}: "
                                f"{type(e).__name__}: {e}") from e
    return ns, out.getvalue()


def close(a, b, rel, absolute=0.0):
    a, b = float(a), float(b)
    return abs(a - b) <= max(absolute, rel * max(abs(a), abs(b)))


def compare(ns, r, short_run=True):
    """The page's figures (namespace ns) against the report's JSON r; returns the failures."""
    print("--- the page's figures against odtwin report --json")
    failures = 0

    def check(what, page, report, rel=0.0, absolute=0.0):
        nonlocal failures
        ok = close(page, report, rel, absolute)
        failures += not ok
        tol = "exact" if rel == 0 and absolute == 0 else f"rel {rel:g}" + (f", abs {absolute:g}" if absolute else "")
        print(f"{'ok  ' if ok else 'FAIL'} {what}: page {float(page):.17g}, report {float(report):.17g} ({tol})")

    en, ay, ec, cp = r["energy"], r["array_yield"], r["eclipses"], r["compute"]
    bat = ec["battery"]
    # end-state sums: doubles, summed in another order -> 1e-10 relative
    E = 1e-10
    check("period, days", ns["days"], r["run"]["duration_days"], E)
    check("satellites", len(ns["cls"]), r["run"]["satellites"])
    check("array output, MWh", ns["solar_mwh"], en["solar_mwh"], E)
    check("sunlit fraction", ns["sunlit"], en["sunlit_fraction"], E)
    check("orbit kWh/m2/yr, mean", ns["orbit_kwh_m2_yr"].mean(), ay["orbit_mean_kwh_m2_yr"], E)
    check("orbit kWh/m2/yr, min", ns["orbit_kwh_m2_yr"].min(), ay["orbit_min_kwh_m2_yr"], E)
    check("orbit kWh/m2/yr, max", ns["orbit_kwh_m2_yr"].max(), ay["orbit_max_kwh_m2_yr"], E)
    check("ground CF", ns["CF"], ay["ground_capacity_factor"])
    check("ground kWh/m2/yr", ns["ground_kwh_m2_yr"].mean(), ay["ground_kwh_m2_yr"], E)
    check("space / ground", ns["ratio"], ay["space_ground_ratio"], E)
    check("reference ratio", ns["reference_ratio"], ay["reference_ratio"], E)
    for c, k in enumerate(ay["classes"]):
        check(f"space / ground, {k['name']}", ns["ratio_by_entry"][c], k["space_ground_ratio"], E)
    # the fleet series holds float32 rows: its integral matches the end state to ~1e-6
    check("series energy vs end state, MWh", ns["series_solar_mwh"], en["solar_mwh"], 1e-5)
    if short_run:  # the test's run: whole days from a midnight epoch, so the days make up the run
        check("whole UTC days", int(ns["whole"].sum()), round(r["run"]["duration_days"]))
        for k in ay["classes"]:
            per_day = ns["daily_kwh_m2"][k["name"]][ns["whole"]]
            check(f"mean of the days x 365.2422 vs the run, {k['name']}", per_day.mean() * 365.2422,
                  k["orbit_mean_kwh_m2_yr"], 1e-5)
    check("complete umbra passes", ns["umbra_passes"], ec["umbra_complete"])
    check("complete shadow intervals", ns["shadow_passes"], ec["shadow_complete"])
    check("longest umbra, s", ns["umbra_longest_s"], ec["umbra_longest_s"], E)
    check("days with eclipses", ns["eclipse_days_fleet"], ec["days_with_eclipses"])
    check("battery: longest-eclipse satellite", int(ns["sat"]), bat["satellite"])
    check("battery: load, W", ns["load_w"], bat["load_w"], E)
    check("battery: energy, kWh", ns["battery_kwh"], bat["energy_kwh"], E)
    check("battery: capacity needed, kWh", ns["capacity_needed_kwh"], bat["capacity_needed_kwh"], E)
    # the same float32 value of /series/soc_min, printed to 17 digits by the report
    check("lowest state of charge", ns["soc_lowest"], ec["soc_lowest"], 1e-7)
    for c, k in enumerate(cp["failures_by_class"]):
        check(f"accelerators failed, {k['class']}", ns["failed"][c], k["failed"])
        check(f"accelerators launched, {k['class']}", ns["launched"][c], k["accelerators_launched"])
        check(f"failed fraction, {k['class']}", ns["failed_fraction"][c], k["failed_fraction"], E)
        check(f"restarts, {k['class']}", ns["restarts"][c], k["restarts"])
        check(f"burn-in h, {k['class']}", ns["burn_in_h"][c], k["burn_in_h"], E)
        check(f"/failures events vs end state, {k['class']}", ns["events_failed"][c], ns["failed"][c])
        check(f"failures per year of flight, summed, {k['class']}", ns["per_year"][c].sum(), k["failed"])
    check("capacity lost to failures, share", ns["lost_failures_share"], cp["lost_failures_share"], E)
    if short_run:
        # the test's run must exercise what the page compares
        check("some accelerator failed", int(sum(ns["failed"]) > 0), 1)
        check("burn-in 0 h failed more than 168 h", int(ns["failed"][0] > ns["failed"][2]), 1)
        check("a complete shadow interval", int(ns["shadow_passes"] > 0), 1)
    print(f"{failures} failed" if failures else "all passed")
    return failures


def report_json(odtwin, snap):
    rep = subprocess.run([odtwin, "report", snap, "--json"], capture_output=True, text=True, timeout=120)
    if rep.returncode != 0:
        raise SystemExit(f"analysis_example.py: error: odtwin report failed ({rep.returncode}): {rep.stderr.strip()}")
    return json.loads(rep.stdout)


def main(argv):
    page_mode = len(argv) in (3, 4) and argv[1] == "--page"
    if not page_mode and (len(argv) != 2 or argv[1].startswith("-")):
        sys.stderr.write("usage: analysis_example.py ODTWIN | analysis_example.py --page SNAPSHOT.h5 [ODTWIN]\n")
        return 2
    try:
        import h5py  # noqa: F401  (the page needs them)
        import numpy  # noqa: F401
    except ImportError as e:
        print(f"SKIP: the page needs h5py and numpy ({e})")
        return 77
    odtwin = argv[3] if page_mode and len(argv) == 4 else (None if page_mode else argv[1])
    if odtwin is not None and not os.access(odtwin, os.X_OK):
        sys.stderr.write(f"analysis_example.py: error: {odtwin}: not an executable odtwin\n")
        return 1
    if page_mode:
        if not os.path.isfile(argv[2]):
            sys.stderr.write(f"analysis_example.py: error: {argv[2]}: no such snapshot file\n")
            return 1
        ns, printed = run_page(argv[2])
        sys.stdout.write(printed)
        return 1 if odtwin is not None and compare(ns, report_json(odtwin, argv[2]), short_run=False) else 0

    with tempfile.TemporaryDirectory(prefix="odt-analysis-") as tmp:
        scen = os.path.join(tmp, "analysis.yaml")
        snap = os.path.join(tmp, "analysis.h5")
        with open(scen, "w", encoding="utf-8") as fh:
            fh.write(SCENARIO)
        run = subprocess.run([odtwin, "run", scen, "-o", snap, "--quiet", "--summary", "none"],
                             capture_output=True, text=True, timeout=120)
        if run.returncode != 0:
            sys.stderr.write(f"analysis_example.py: error: odtwin run failed ({run.returncode}): {run.stderr.strip()}\n")
            return 1
        r = report_json(odtwin, snap)
        ns, printed = run_page(snap)

    sys.stdout.write(printed)
    return 1 if compare(ns, r) else 0

if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv))
    except PageError as e:
        sys.stderr.write(f"analysis_example.py: error: {e} (ODT_ANALYSIS_TRACEBACK=1 for the traceback)\n")
        sys.exit(1)
