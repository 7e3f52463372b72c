#!/usr/bin/env bash
# cli_help.sh: the help of every sub-command, `odtwin version`, and the run summary's forms.
#
# usage: cli_help.sh PATH/TO/odtwin
#
# Checks: `odtwin COMMAND --help` and `-h` exit 0 with the usage on stdout and nothing on stderr;
# `odtwin help COMMAND` prints the same text; an unknown option gives one stderr line that names it and
# points to `odtwin COMMAND --help`, exit 2; `odtwin version` lists the cpu and cuda backends;
# `run --summary json` is one JSON object (Python's json reader) holding every figure of the text
# summary with a unit and a basis, and its figures agree with `odtwin report --json` of the same file;
# `--summary none` prints nothing on stdout; `--quiet` prints the summary and nothing on stderr; a step
# longer than the shortest shadow arc is warned about, with the limit P asin(R/a)/pi computed here;
# docs/run.md has a row, with the unit, for every figure the summary prints, and none for another.
set -u

odtwin=${1:?usage: cli_help.sh PATH/TO/odtwin}
case "$odtwin" in /*) ;; *) odtwin="$PWD/$odtwin" ;; esac
here=$(cd "$(dirname "$0")" && pwd)
small="$here/data/scenarios/small.yaml"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/odt_help.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT

passed=0
failed=0
ok() { passed=$((passed + 1)); printf 'ok    %s\n' "$1"; }
bad() { failed=$((failed + 1)); printf 'FAIL  %s: %s\n' "$1" "$2"; }

# ------------------------------------------------------------------ help
for cmd in run report propagate repair scenario version help; do
    for flag in --help -h; do
        "$odtwin" "$cmd" "$flag" >"$tmp/out" 2>"$tmp/err"
        rc=$?
        if [ "$rc" -eq 0 ] && head -n 1 "$tmp/out" | grep -q "^usage: odtwin $cmd" && [ ! -s "$tmp/err" ]; then
            ok "odtwin $cmd $flag: exit 0, usage on stdout"
        else
            bad "odtwin $cmd $flag" "exit $rc, first line '$(head -n 1 "$tmp/out")', stderr '$(cat "$tmp/err")'"
        fi
    done
    "$odtwin" help "$cmd" >"$tmp/help" 2>&1
    rc=$?
    "$odtwin" "$cmd" --help >"$tmp/out" 2>&1
    if [ "$rc" -eq 0 ] && cmp -s "$tmp/help" "$tmp/out"; then
        ok "odtwin help $cmd = odtwin $cmd --help"
    else
        bad "odtwin help $cmd" "exit $rc or a different text"
    fi
done
# the options and examples are in the help
for want in "--summary FORMAT" "--quiet" "--resume" "examples:"; do
    if "$odtwin" run --help | grep -q -- "$want"; then ok "run --help names '$want'"; else bad "run --help" "no '$want'"; fi
done
for want in "--ground-site NAME" "germany" "CLEAR SKY" "examples:"; do
    if "$odtwin" report --help | grep -q -- "$want"; then ok "report --help names '$want'"; else bad "report --help" "no '$want'"; fi
done
"$odtwin" help >"$tmp/out" 2>"$tmp/err"
rc=$?
missing=""
for cmd in run report propagate repair scenario version help; do
    grep -q "^  $cmd " "$tmp/out" || missing="$missing $cmd"
done
if [ "$rc" -eq 0 ] && [ -z "$missing" ]; then ok "odtwin help lists every command"; else bad "odtwin help" "exit $rc, missing:$missing"; fi
"$odtwin" help frobnicate >"$tmp/out" 2>"$tmp/err"
rc=$?
if [ "$rc" -eq 2 ] && grep -q "unknown command 'frobnicate'" "$tmp/err"; then ok "help of an unknown command: exit 2"
else bad "help frobnicate" "exit $rc, stderr '$(cat "$tmp/err")'"; fi

# ------------------------------------------------------------------ unknown options: one line, exit 2
for cmd in run report propagate repair scenario version; do
    "$odtwin" "$cmd" --frobnicate >"$tmp/out" 2>"$tmp/err"
    rc=$?
    if [ "$rc" -eq 2 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] && grep -q -- "'--frobnicate'" "$tmp/err" &&
        grep -q -- "odtwin $cmd --help" "$tmp/err" && [ ! -s "$tmp/out" ]; then
        ok "odtwin $cmd --frobnicate: one line, exit 2"
    else
        bad "odtwin $cmd --frobnicate" "exit $rc, stderr '$(tr '\n' '|' <"$tmp/err")'"
    fi
done

# ------------------------------------------------------------------ version
"$odtwin" version >"$tmp/out" 2>"$tmp/err"
rc=$?
if [ "$rc" -eq 0 ] && grep -q '^odtwin [0-9][0-9.]* (commit ' "$tmp/out" &&
    grep -q '^backends: cpu: OpenMP .* threads available on [0-9]* cores' "$tmp/out" &&
    grep -E -q '^ *cuda: (not compiled in this build|compiled; [0-9]+ devices? present|compiled; no usable device \(.+\))$' "$tmp/out"; then
    ok "version: version, commit, cpu and cuda backends"
else
    bad "version" "exit $rc: $(tr '\n' '|' <"$tmp/out")"
fi

# ------------------------------------------------------------------ run summaries
"$odtwin" run "$small" --backend cpu --summary json -o "$tmp/j.h5" >"$tmp/sum.json" 2>"$tmp/err"
rc_json=$?
"$odtwin" run "$small" --backend cpu -o "$tmp/t.h5" >"$tmp/sum.txt" 2>/dev/null
rc_text=$?
"$odtwin" report "$tmp/j.h5" --json >"$tmp/rep.json" 2>"$tmp/err2"
if [ "$rc_json" -ne 0 ] || [ "$rc_text" -ne 0 ]; then
    bad "run --summary json" "exit $rc_json / $rc_text: $(cat "$tmp/err")"
elif python3 - "$tmp/sum.json" "$tmp/sum.txt" "$tmp/rep.json" "$tmp/j.h5" >"$tmp/py" 2>&1 <<'PY'
import json, math, re, sys
s = json.load(open(sys.argv[1]))          # one JSON object, nothing else on stdout
rep = json.load(open(sys.argv[3]))
text = open(sys.argv[2]).read().splitlines()
f = s["figures"]
assert s["output"] == sys.argv[4], s["output"]
assert s["interrupted"] is False
for k, v in f.items():
    assert set(v) == {"value", "unit", "basis"}, (k, v)
# small.yaml: 6 satellites, 1 h in 10 s steps, a snapshot every 10 min (7 with the one at the epoch)
assert f["satellites"]["value"] == 6 and f["steps"]["value"] == 360 and f["snapshots"]["value"] == 7
assert f["step_s"]["value"] == 10 and f["simulated_s"]["value"] == 3600 and f["step_s"]["unit"] == "s"
# every figure line of the text summary has a JSON figure (the header, warnings and output apart)
lines = [l for l in text[1:] if l.startswith("  ") and not l.startswith("  WARNING") and not l.startswith("  output ")]
assert len(lines) == len(f), (len(lines), len(f))
# the JSON figures agree with the report's reading of the file (/final)
def rel(a, b):
    return abs(a - b) <= 1e-9 * abs(b) + 1e-300
assert rel(f["energy_solar_mwh"]["value"], rep["energy"]["solar_mwh"]), (f["energy_solar_mwh"], rep["energy"])
assert rel(f["tokens_served"]["value"], rep["compute"]["tokens_served"])
assert rel(f["sunlit_fraction"]["value"], rep["energy"]["sunlit_fraction"])
# the offered demand is the demanded tokens over the simulated time, the nominal the scenario's default
assert rel(f["demand_offered_tokens_per_s"]["value"], f["tokens_demanded"]["value"] / 3600.0)
assert f["demand_nominal_tokens_per_s"]["value"] == 5e7
# less than a year: warned
assert any("not a year" in w for w in s["warnings"]), s["warnings"]
print("ok")
PY
then
    ok "run --summary json: one object, every text figure with unit and basis, agrees with the report"
else
    bad "run --summary json" "$(cat "$tmp/py")"
fi

"$odtwin" run "$small" --backend cpu --summary none -o "$tmp/n.h5" >"$tmp/out" 2>"$tmp/err"
rc=$?
if [ "$rc" -eq 0 ] && [ ! -s "$tmp/out" ] && [ -s "$tmp/n.h5" ]; then ok "--summary none: nothing on stdout, file written"
else bad "--summary none" "exit $rc, stdout '$(head -c 200 "$tmp/out")'"; fi

"$odtwin" run "$small" --quiet -o "$tmp/q.h5" >"$tmp/out" 2>"$tmp/err"
rc=$?
if [ "$rc" -eq 0 ] && grep -q '^odtwin run summary' "$tmp/out" && grep -q "^  output  *$tmp/q.h5" "$tmp/out" &&
    [ ! -s "$tmp/err" ]; then
    ok "--quiet: the summary (with the output path), no progress or message on stderr"
else
    bad "--quiet" "exit $rc, stderr '$(cat "$tmp/err")'"
fi

# without --quiet, --backend auto says once which backend it took, without empty parentheses
"$odtwin" run "$small" -o "$tmp/a.h5" --summary none >/dev/null 2>"$tmp/err"
if [ "$(grep -c '^odtwin: backend auto: ' "$tmp/err")" -eq 1 ] && ! grep -q '()' "$tmp/err"; then
    ok "backend auto: one line: $(head -n 1 "$tmp/err")"
else
    bad "backend auto" "stderr '$(tr '\n' '|' <"$tmp/err")'"
fi

# a step longer than the shortest shadow arc: 2400 s steps at 550 km (arc 2137 s)
sed -e 's/^duration_s: 3600/duration_s: 7200/' -e 's/^step_s: 10/step_s: 2400/' \
    -e 's/^snapshot_interval_s: 600/snapshot_interval_s: 2400/' "$small" >"$tmp/long_step.yaml"
"$odtwin" run "$tmp/long_step.yaml" --backend cpu --summary json -o "$tmp/ls.h5" >"$tmp/ls.json" 2>"$tmp/err"
rc=$?
"$odtwin" run "$tmp/long_step.yaml" --backend cpu -o "$tmp/ls2.h5" >"$tmp/ls.txt" 2>/dev/null
if [ "$rc" -eq 0 ] && grep -q 'WARNING: step 2400 s is longer than the shortest shadow arc' "$tmp/ls.txt" &&
    python3 - "$tmp/ls.json" >"$tmp/py" 2>&1 <<'PY'
import json, math, sys
s = json.load(open(sys.argv[1]))
a = 6378.137 + 550.0                                    # km, WGS-84 equatorial radius + altitude
p = 2 * math.pi * math.sqrt(a ** 3 / 398600.4418)       # s
arc = p * math.asin(6378.137 / a) / math.pi             # cylindrical shadow at beta 0
got = s["figures"]["eclipse_step_limit_s"]["value"]
assert abs(got - arc) <= 1e-9 * arc, (got, arc)
assert any("shortest shadow arc" in w for w in s["warnings"]), s["warnings"]
assert s["figures"]["eclipse_longest_min"]["basis"].startswith("UNRELIABLE") or s["figures"]["eclipse_longest_min"]["value"] is None
PY
then
    ok "step 2400 s > shadow arc: warned, limit P asin(R/a)/pi"
else
    bad "long step" "exit $rc: $(grep WARNING "$tmp/ls.txt") $(cat "$tmp/py" 2>/dev/null)"
fi

# docs/run.md documents every figure of the JSON summary with its unit, and no figure the summary lacks
if python3 - "$here/../docs/run.md" "$here/../host/run.c" "$tmp/sum.json" "$tmp/ls.json" >"$tmp/py" 2>&1 <<'PY'
import json, re, sys
doc = open(sys.argv[1]).read()
rows = {m.group(1): m.group(2).strip() for m in re.finditer(r"^\| `([a-z0-9_]+)` \|([^|]*)\|", doc, re.M)}
src = open(sys.argv[2]).read()
keys = set(re.findall(r'fig(?:_any|_str)?\(o, "([a-z0-9_]+)"', src))
assert len(keys) > 60, len(keys)
for k in sorted(keys):
    assert k in rows, "docs/run.md has no row for the summary figure %s" % k
for k in rows:
    assert k in keys, "docs/run.md documents %s, which host/run.c does not print" % k
for path in sys.argv[3:]:
    for k, v in json.load(open(path))["figures"].items():
        assert k in rows, "%s: figure %s not in docs/run.md" % (path, k)
        assert rows[k] == v["unit"], "%s: unit '%s', docs/run.md says '%s'" % (k, v["unit"], rows[k])
print("ok")
PY
then
    ok "docs/run.md: every figure of the JSON summary, with its unit"
else
    bad "docs/run.md" "$(cat "$tmp/py")"
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
