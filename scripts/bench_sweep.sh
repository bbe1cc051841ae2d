#!/usr/bin/env bash
# Benchmark of kiln sweep: the 64-point sweep over the bundled ResNet-8
# (configs/sweeps/resnet8_64.yaml) with -j 2 (or JOBS), its wall time and
# rate in points per minute, against the 2-minute target on a 2-core machine.
# Usage: scripts/bench_sweep.sh [SPEC] [JOBS]
set -euo pipefail
cd "$(dirname "$0")/.."
spec=${1:-configs/sweeps/resnet8_64.yaml}
jobs=${2:-2}
kiln=${KILN_BIN:-build/tools/kiln}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
start=$(date +%s.%N)
"$kiln" sweep "$spec" -o "$out/sweep" -j "$jobs"
end=$(date +%s.%N)
/usr/bin/python3 - "$out/sweep/results.csv" "$start" "$end" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
seconds = float(sys.argv[3]) - float(sys.argv[2])
points = len({r["point"] for r in rows})
ok = sum(r["status"] == "ok" for r in rows)
print(f"points                  {points} ({len(rows)} runs, {ok} ok)")
print(f"wall time               {seconds:.1f} s")
print(f"rate                    {points / seconds * 60:.1f} points per minute")
print(f"against the 2 min target {seconds / 120:.3f}x of the budget")
PY
