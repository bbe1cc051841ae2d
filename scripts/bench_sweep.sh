#!/usr/bin/env bash
# Benchmark of kiln sweep: the 64-point sweep over the bundled ResNet-8
# (configs/sweeps/resnet8_64.yaml) with -j 2 (or JOBS), REPEATS times (median):
# wall time and rate in points per minute, CPU time (user + system of the
# sweep and its children) per point, and the load average before and after.
# On a shared machine the CPU time is the steadier figure: with JOBS cores to
# itself a sweep would take about CPU / JOBS, printed as the idle rate.
# With KILN_BASELINE_BIN set to another kiln binary (an earlier build), it
# runs that one interleaved too, prints the ratios and checks that both give
# the same results.csv.
# Usage: scripts/bench_sweep.sh [SPEC] [JOBS] [REPEATS]
set -euo pipefail
cd "$(dirname "$0")/.."
spec=${1:-configs/sweeps/resnet8_64.yaml}
jobs=${2:-2}
repeats=${3:-3}
kiln=${KILN_BIN:-build/tools/kiln}
baseline=${KILN_BASELINE_BIN:-}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
/usr/bin/python3 - "$out" "$spec" "$jobs" "$repeats" "$load_before" "$kiln" $baseline <<'PY'
import csv, resource, statistics, subprocess, sys, time
out, spec, jobs, repeats, load_before, bins = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5], sys.argv[6:]
runs = {b: [] for b in bins}
for i in range(repeats):
    for n, b in enumerate(bins):
        d = f"{out}/s{n}-{i}"
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t = time.monotonic()
        subprocess.run([b, "sweep", spec, "-o", d, "-j", jobs], check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
        wall = time.monotonic() - t
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        rows = list(csv.DictReader(open(f"{d}/results.csv")))
        runs[b].append((wall, cpu, rows, open(f"{d}/results.csv").read()))
load_after = open("/proc/loadavg").read().split()[:3]
print(f"spec                    {spec} (-j {jobs}, median of {repeats})")
print(f"load average            {load_before} before, {' '.join(load_after)} after")
med = {}
for n, b in enumerate(bins):
    wall = statistics.median(r[0] for r in runs[b])
    cpu = statistics.median(r[1] for r in runs[b])
    rows = runs[b][0][2]
    points = len({r["point"] for r in rows})
    ok = sum(r["status"] == "ok" for r in rows)
    med[b] = (wall, cpu, points)
    name = "this build" if n == 0 else "baseline"
    print(f"{name}")
    print(f"  points                {points} ({len(rows)} runs, {ok} ok)")
    print(f"  wall time             {wall:.2f} s: {points / wall * 60:.0f} points per minute")
    print(f"  CPU time              {cpu:.2f} s, {cpu / points * 1000:.1f} ms per point: "
          f"{points / (cpu / int(jobs)) * 60:.0f} points per minute on {jobs} idle cores")
if len(bins) == 2:
    a, b = med[bins[0]], med[bins[1]]
    print(f"this build / baseline   {b[0] / a[0]:.2f}x faster in wall time, {b[1] / a[1]:.2f}x less CPU")
    same = all(r[3] == runs[bins[0]][0][3] for b_ in bins for r in runs[b_])
    print(f"results.csv             {'identical' if same else 'DIFFER'} across builds and repeats")
PY
