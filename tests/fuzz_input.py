#!/usr/bin/env python3
"""fuzz_input.py: odtwin on damaged input files, a bounded mutation test.

usage: fuzz_input.py PATH/TO/odtwin [--count N] [--seed S] [--timeout T] [--jobs J] [--keep DIR]

Takes two inputs of the test data,

  - tests/data/scenarios/small.yaml (a walker fleet, one hour), and
  - tests/data/scenarios/catalog_small.yaml with its TLE catalogue
    tests/data/catalog/iss_xm3_molniya.tle (three SGP4 satellites, 20 minutes;
    one catalogue mutant in four is the same objects as OMM XML, JSON, KVN or
    CSV instead),

and makes N mutants of each with a fixed seed (byte flips, deletions,
insertions of special bytes and YAML indicators, duplicated or dropped
lines, numbers replaced by huge, tiny, negative, NaN or non-decimal ones).
Each scenario mutant is run as `odtwin run MUTANT.yaml -o OUT.h5 --quiet`,
each catalogue mutant also through `odtwin propagate`, under a timeout.
Every run must

  - end by itself within the timeout (no hang), with exit code 0 or 1
    (never a signal, a usage error or any other code, e.g. a leak report),
  - on exit 1, print exactly one error line on stderr, "odtwin: error:
    FILE:LINE: ..." naming the input file it was given and the line (or a
    problem of the whole file); `propagate` may report skipped entries as
    warnings before it,
  - on exit 1, leave no output file behind; on exit 0 (run) have written it,
  - print no sanitizer report (AddressSanitizer, UBSan "runtime error").

The environment variables ODT_FUZZ_COUNT and ODT_FUZZ_TIMEOUT override the
count and the timeout per command (tests/extra_tests.cmake sets them per
build: the sanitizer build runs each mutant several times slower). The
mutants depend only on the seed; --keep DIR keeps the failing ones.
"""
import argparse
import concurrent.futures
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "data")
SMALL = os.path.join(DATA, "scenarios", "small.yaml")
CAT_SCENARIO = os.path.join(DATA, "scenarios", "catalog_small.yaml")
CAT_TLE = os.path.join(DATA, "catalog", "iss_xm3_molniya.tle")
# every fourth catalogue mutant is one of the same three objects as CCSDS OMM instead
CAT_OMM = [os.path.join(DATA, "catalog", "iss_xm3_molniya." + ext) for ext in ("xml", "json", "kvn", "csv")]

# Bytes and texts inserted at random places.
SPECIAL = [b"\x00", b"\xe9", b"\xff", b"\xc3", b"\xed\xa0\x80", b":", b"-", b"*", b"&", b"<<", b"<<: ",
           b"\t", b"\r", b"\n", b"#", b"{", b"}", b"[", b"]", b",", b'"', b"'", b"|", b">", b"!", b"!!str ",
           b"%", b"@", b"`", b"?", b"---\n", b"...\n", b"&a ", b"*a", b" ", b"\\", b"~", b"null", b"\r\n"]

# Numbers put in place of a number of the file: beyond every key's range, or not decimal.
# (No value inside a range that would make a valid run long, e.g. duration_s: 1e9 or step_s: 0.001.)
NUMBERS = [b"1e300", b"-1e300", b"1e-300", b"-1", b"0", b"-0", b"NaN", b".nan", b".inf", b"-.inf", b"inf",
           b"1e20", b"9007199254740993", b"18446744073709551615", b"18446744073709551616",
           b"-9223372036854775808", b"99999999999", b"0x10", b"0o17", b"0b11", b"1_000", b"017",
           b"1.5", b"1e", b"+", b".", b"1e-7", b"", b"99999999999999999999999"]

# An error names FILE:LINE: (a catalogue error seen through a scenario names the scenario's line first).
LINE_RE = re.compile(r"^[^:]+:[0-9]+: ")
# Errors about a file as a whole, which have no line.
NO_LINE = ["is empty", "holds no element sets"]

NUMBER_RE = re.compile(rb"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")


def mutate(data: bytes, rng: random.Random) -> tuple:
    """One to three random mutations of data; returns (bytes, description)."""
    what = []
    for _ in range(rng.randint(1, 3)):
        kind = rng.choice(["flip", "delete", "insert", "insert", "dup_line", "drop_line", "number", "number"])
        if not data:
            kind = "insert"
        if kind == "flip":
            i = rng.randrange(len(data))
            bit = 1 << rng.randrange(8)
            data = data[:i] + bytes([data[i] ^ bit]) + data[i + 1:]
            what.append(f"flip byte {i} ^ 0x{bit:02x}")
        elif kind == "delete":
            i = rng.randrange(len(data))
            n = rng.randint(1, 4)
            data = data[:i] + data[i + n:]
            what.append(f"delete {n} at {i}")
        elif kind == "insert":
            i = rng.randrange(len(data) + 1)
            s = rng.choice(SPECIAL)
            data = data[:i] + s + data[i:]
            what.append(f"insert {s!r} at {i}")
        elif kind in ("dup_line", "drop_line"):
            lines = data.split(b"\n")
            k = rng.randrange(len(lines))
            if kind == "dup_line":
                lines.insert(k, lines[k])
            else:
                del lines[k]
            data = b"\n".join(lines)
            what.append(f"{kind} {k + 1}")
        else:
            nums = list(NUMBER_RE.finditer(data))
            if not nums:
                continue
            m = rng.choice(nums)
            s = rng.choice(NUMBERS)
            data = data[:m.start()] + s + data[m.end():]
            what.append(f"number {m.group().decode()!r} at {m.start()} -> {s.decode()!r}")
    return data, "; ".join(what)


def check(cmd, name, path, out, rc_ok, timeout, must_write, outcomes=None):
    """Run cmd; returns None when it behaved, else a reason; outcomes[exit code] counts the runs."""
    env = dict(os.environ)
    env.setdefault("ASAN_OPTIONS", "detect_leaks=1:abort_on_error=1")
    env.setdefault("UBSAN_OPTIONS", "print_stacktrace=1:halt_on_error=1")
    try:
        p = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           timeout=timeout, env=env, cwd=os.path.dirname(path))
    except subprocess.TimeoutExpired:
        return f"{name}: no end after {timeout} s (hang)"
    err = p.stderr.decode("utf-8", "replace")
    if outcomes is not None:
        outcomes[p.returncode] = outcomes.get(p.returncode, 0) + 1
    if "Sanitizer" in err or "runtime error:" in err:
        return f"{name}: sanitizer report: {err[:3000]}"
    if p.returncode < 0:
        return f"{name}: killed by signal {-p.returncode}: {err[:2000]}"
    if p.returncode not in rc_ok:
        return f"{name}: exit code {p.returncode} (expected {sorted(rc_ok)}): {err[:2000]}"
    if p.returncode == 0:
        if must_write and out and not os.path.exists(out):
            return f"{name}: exit 0 but no output file"
        if must_write and err:
            return f"{name}: exit 0 with --quiet printed on stderr: {err[:500]}"
        return None
    lines = err.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    if not must_write:  # propagate: skipped entries are reported as warnings before the error
        lines = [x for x in lines if not (x.startswith("odtwin: warning: ") and x.endswith("(entry skipped)"))]
    if len(lines) != 1:
        return f"{name}: {len(lines)} stderr lines, expected one: {err[:2000]!r}"
    prefix = "odtwin: error: "
    if not lines[0].startswith(prefix + path) and not lines[0].startswith(prefix + os.path.basename(path)):
        return f"{name}: the error line does not start with '{prefix}{path}': {lines[0]!r}"
    rest = lines[0][len(prefix):]
    if not LINE_RE.match(rest) and not any(w in rest for w in NO_LINE):
        return f"{name}: the error names no line: {lines[0]!r}"
    if out and os.path.exists(out):
        return f"{name}: exit {p.returncode} but the output file was left behind: {lines[0]!r}"
    return None


def one_case(odtwin, work, index, kind, base, rng_seed, timeout, keep, outcomes):
    rng = random.Random(rng_seed)
    d = os.path.join(work, f"{kind}{index:04d}")
    os.mkdir(d)
    problems = []
    if kind == "scenario":
        data, what = mutate(base["small"], rng)
        path = os.path.join(d, "mutant.yaml")
        with open(path, "wb") as f:
            f.write(data)
        out = os.path.join(d, "out.h5")
        r = check([odtwin, "run", path, "-o", out, "--quiet", "--backend", "cpu", "--threads", "1"], "run", path,
                  out, {0, 1}, timeout, True, outcomes)
        if r:
            problems.append(r)
    else:
        ext = "tle" if index % 4 != 3 else ("xml", "json", "kvn", "csv")[(index // 4) % 4]
        scen, tle = base["cat_scenario"].replace(b"file: cat.tle", b"file: cat." + ext.encode()), base["cat_" + ext]
        if rng.random() < 0.25:
            scen, what = mutate(scen, rng)
            what = "scenario: " + what
        else:
            tle, what = mutate(tle, rng)
            what = "catalogue: " + what
        spath = os.path.join(d, "mutant.yaml")
        tpath = os.path.join(d, "cat." + ext)
        with open(spath, "wb") as f:
            f.write(scen)
        with open(tpath, "wb") as f:
            f.write(tle)
        out = os.path.join(d, "out.h5")
        r = check([odtwin, "run", spath, "-o", out, "--quiet", "--backend", "cpu", "--threads", "1"], "run", spath,
                  out, {0, 1}, timeout, True, outcomes)
        if r:
            problems.append(r)
        for extra in ([], ["--strict"]):
            r = check([odtwin, "propagate", tpath] + extra, "propagate " + " ".join(extra), tpath, None, {0, 1},
                      timeout, False)
            if r:
                problems.append(r)
    if problems and keep:
        dst = os.path.join(keep, os.path.basename(d))
        shutil.rmtree(dst, ignore_errors=True)
        shutil.copytree(d, dst)
    shutil.rmtree(d, ignore_errors=True)
    return index, kind, what, problems


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("odtwin")
    ap.add_argument("--count", type=int, default=int(os.environ.get("ODT_FUZZ_COUNT", "200")),
                    help="mutants of each input (default 200, or $ODT_FUZZ_COUNT)")
    ap.add_argument("--seed", type=int, default=20260621)
    ap.add_argument("--timeout", type=float, default=float(os.environ.get("ODT_FUZZ_TIMEOUT", "10")))
    ap.add_argument("--jobs", type=int, default=int(os.environ.get("ODT_FUZZ_JOBS", "2")))
    ap.add_argument("--keep", help="copy failing mutants into this folder")
    a = ap.parse_args()
    odtwin = os.path.abspath(a.odtwin)
    if not os.access(odtwin, os.X_OK):
        print(f"fuzz_input.py: {odtwin} is not an executable program")
        return 1
    with open(SMALL, "rb") as f:
        small = f.read()
    with open(CAT_SCENARIO, "rb") as f:
        cat_scenario = re.sub(rb"file: \S+", b"file: cat.tle", f.read())
    with open(CAT_TLE, "rb") as f:
        cat_tle = f.read()
    base = {"small": small, "cat_scenario": cat_scenario, "cat_tle": cat_tle}
    for path in CAT_OMM:
        with open(path, "rb") as f:
            base["cat_" + path.rsplit(".", 1)[1]] = f.read()
    if a.keep:
        os.makedirs(a.keep, exist_ok=True)
    master = random.Random(a.seed)
    cases = []
    for i in range(a.count):
        cases.append((i, "scenario", master.getrandbits(64)))
        cases.append((i, "catalog", master.getrandbits(64)))
    failed = 0
    counts = {}
    outcomes = {}  # exit code of `run` -> mutants
    work = tempfile.mkdtemp(prefix="odt_fuzz_", dir=os.environ.get("TMPDIR") or None)
    try:
        with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, a.jobs)) as ex:
            futs = [ex.submit(one_case, odtwin, work, i, kind, base, s, a.timeout, a.keep, outcomes)
                    for i, kind, s in cases]
            for fu in futs:
                index, kind, what, problems = fu.result()
                counts[kind] = counts.get(kind, 0) + 1
                if problems:
                    failed += 1
                    print(f"FAIL  {kind} mutant {index} ({what})")
                    for p in problems:
                        print(f"      {p}")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    total = sum(counts.values())
    print(f"fuzz_input.py: seed {a.seed}: {total} mutants ({counts.get('scenario', 0)} scenario, "
          f"{counts.get('catalog', 0)} catalogue; run: {outcomes.get(0, 0)} ran, {outcomes.get(1, 0)} refused), "
          f"{failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
