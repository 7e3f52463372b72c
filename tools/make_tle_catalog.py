#!/usr/bin/env python3
"""Write a synthetic TLE catalogue of Walker shells (valid checksums, Alpha-5 numbers above 99999).

The element sets are generated, not observed: they stand in for a real
constellation catalogue in examples, tests and benchmarks, with the mean motion
of each shell from its altitude (WGS-72) and a small drag term.

usage: make_tle_catalog.py N OUT.tle [--epoch 2026-06-21T00:00:00] [--first 50000] [--three-line]
"""
import argparse
import datetime as dt
import math

MU = 398600.8           # km^3/s^2, WGS-72 (the constants TLEs are fitted with)
RE = 6378.135           # km, WGS-72
SHELLS = [              # altitude km, inclination deg, planes (a Starlink-like mix)
    (550.0, 53.0, 72),
    (540.0, 53.2, 72),
    (570.0, 70.0, 36),
    (560.0, 97.6, 10),
]
ALPHA5 = "ABCDEFGHJKLMNPQRSTUVWXYZ"   # I and O are not used


def checksum(line):
    s = 0
    for ch in line[:68]:
        if ch.isdigit():
            s += int(ch)
        elif ch == "-":
            s += 1
    return str(s % 10)


def catalog_field(n):
    if n < 100000:
        return f"{n:05d}"
    q, r = divmod(n, 10000)
    return ALPHA5[q - 10] + f"{r:04d}"


def implied_exponent(x):
    """' 12345-3' style field (8 columns): sign, 5 mantissa digits, exponent."""
    if x == 0.0:
        return " 00000+0"
    sign = "-" if x < 0 else " "
    e = math.floor(math.log10(abs(x))) + 1
    m = round(abs(x) / 10.0 ** e * 1e5)
    if m >= 100000:
        m //= 10
        e += 1
    return f"{sign}{m:05d}{'-' if e < 0 else '+'}{abs(e):1d}"


def tle(num, epoch, inc, raan, ecc, argp, m, n_rev_day, bstar, name=None):
    yy = epoch.year % 100
    start = dt.datetime(epoch.year, 1, 1)
    doy = (epoch - start).total_seconds() / 86400.0 + 1.0
    cat = catalog_field(num)
    l1 = (f"1 {cat}U {yy:02d}001A   {yy:02d}{doy:012.8f}  .00001000  00000+0 {implied_exponent(bstar)} 0  999")
    l2 = (f"2 {cat} {inc:8.4f} {raan:8.4f} {round(ecc * 1e7):07d} {argp:8.4f} {m:8.4f} {n_rev_day:11.8f}{1:5d}")
    assert len(l1) == 68 and len(l2) == 68, (l1, l2)
    lines = [l1 + checksum(l1), l2 + checksum(l2)]
    return ([name] if name else []) + lines


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("n", type=int)
    ap.add_argument("out")
    ap.add_argument("--epoch", default="2026-06-21T00:00:00")
    ap.add_argument("--first", type=int, default=50000, help="first catalogue number")
    ap.add_argument("--three-line", action="store_true", help="write a name line before each set")
    a = ap.parse_args()
    epoch = dt.datetime.fromisoformat(a.epoch)
    per_shell = [a.n // len(SHELLS) + (1 if k < a.n % len(SHELLS) else 0) for k in range(len(SHELLS))]
    out, num = [], a.first
    for (alt, inc, planes), count in zip(SHELLS, per_shell):
        planes = min(planes, max(count, 1))
        slots = math.ceil(count / planes)
        n = math.sqrt(MU / (RE + alt) ** 3) * 86400.0 / (2.0 * math.pi)
        k = 0
        for p in range(planes):
            for s in range(slots):
                if k == count:
                    break
                raan = 360.0 * p / planes
                m = (360.0 * s / slots + 360.0 * p / (planes * slots)) % 360.0
                name = f"SHELL{int(alt)}-{p:02d}-{s:02d}" if a.three_line else None
                out += tle(num, epoch, inc, raan, 0.0001, 90.0, m, n, 1.0e-4, name)
                num += 1
                k += 1
    with open(a.out, "w") as f:
        f.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
