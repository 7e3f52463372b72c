#!/usr/bin/env python3
"""SGP4 throughput of odtwin against python-sgp4's SatrecArray on the same machine.

Both propagate the same N near-Earth element sets over the same M one-minute
times (every object at every time, TEME position and velocity arrays out).
The states are compared first (max |dr|, |dv| must be below 1e-6 km and 1e-9
km/s); then each side is timed (median of the repeats) and the ratio per core
is printed. python-sgp4 runs on one core (its C++ extension); odtwin runs on
1..T threads.

usage: sgp4_vs_python.py BENCH_SGP4 [--n 10000] [--minutes 1440] [--repeats 3] [--threads 1,2]
                         [--csv out.csv]
"""
import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np
from sgp4 import __version__ as sgp4_version
from sgp4.api import Satrec, SatrecArray, accelerated

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("bench_sgp4", help="path of the bench_sgp4 program")
    ap.add_argument("--n", type=int, default=10000)
    ap.add_argument("--minutes", type=int, default=1440)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--threads", default="1,2")
    ap.add_argument("--csv")
    a = ap.parse_args()
    if not accelerated:
        sys.exit("python-sgp4 is not using its compiled extension: the comparison would be unfair")

    tmp = tempfile.mkdtemp(prefix="odt_sgp4_")
    tle = os.path.join(tmp, "catalog.tle")
    subprocess.run([sys.executable, os.path.join(HERE, "..", "tools", "make_tle_catalog.py"), str(a.n), tle],
                   check=True)
    lines = open(tle).read().split("\n")
    sats = [Satrec.twoline2rv(lines[k], lines[k + 1]) for k in range(0, 2 * a.n, 2)]
    arr = SatrecArray(sats)
    # every object shares the epoch (the generator writes one); times since that epoch
    t = np.arange(a.minutes, dtype=float)
    jd = np.full(a.minutes, sats[0].jdsatepoch)
    fr = sats[0].jdsatepochF + t / 1440.0

    times = []
    for _ in range(a.repeats):
        t0 = time.perf_counter()
        e, r, v = arr.sgp4(jd, fr)
        times.append(time.perf_counter() - t0)
    py_s = statistics.median(times)
    py_rate = a.n * a.minutes / py_s

    dump = os.path.join(tmp, "dump.txt")
    csv_c = os.path.join(tmp, "c.csv")
    out = subprocess.run([a.bench_sgp4, tle, "--minutes", str(a.minutes), "--step", "1", "--threads", a.threads,
                          "--repeats", str(a.repeats), "--dump", dump, "--csv", csv_c],
                         check=True, capture_output=True, text=True).stdout
    # validate: odtwin's states at three times of every object against python-sgp4's
    d = np.loadtxt(dump)
    idx = d[:, 0].astype(int)
    k = np.rint(d[:, 1]).astype(int)
    dr = np.abs(d[:, 2:5] - r[idx, k]).max()
    dv = np.abs(d[:, 5:8] - v[idx, k]).max()
    ok = dr < 1e-6 and dv < 1e-9 and not e[idx, k].any()
    print(f"# machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores; "
          f"python-sgp4 {sgp4_version} (accelerated), numpy {np.__version__}")
    print(f"# states compared: {len(d)}; max |dr| = {dr:.3g} km, max |dv| = {dv:.3g} km/s -> "
          f"{'agree' if ok else 'DISAGREE'}")
    if not ok:
        sys.exit(1)
    rows = [l.split(",") for l in open(csv_c).read().strip().split("\n")[1:]]
    print(f"{'implementation':<22} {'threads':>7} {'seconds':>10} {'sat_steps_per_s':>16} {'ratio_per_core':>15}")
    print(f"{'python-sgp4 SatrecArray':<22} {1:>7} {py_s:>10.4f} {py_rate:>16.4g} {1.0:>15.2f}")
    result = [("python-sgp4", 1, py_s, py_rate, 1.0)]
    for row in rows:
        threads, secs, rate = int(row[3]), float(row[5]), float(row[6])
        ratio = rate / threads / py_rate
        print(f"{'odtwin cpu':<22} {threads:>7} {secs:>10.4f} {rate:>16.4g} {ratio:>15.2f}")
        result.append(("odtwin-cpu", threads, secs, rate, ratio))
    if a.csv:
        with open(a.csv, "w") as f:
            f.write("implementation,n_sat,steps,threads,seconds,sat_steps_per_s,ratio_per_core\n")
            for name, th, s, rate, ratio in result:
                f.write(f"{name},{a.n},{a.minutes},{th},{s:.6f},{rate:.6g},{ratio:.4f}\n")


if __name__ == "__main__":
    main()
