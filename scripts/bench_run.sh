#!/usr/bin/env bash
# Benchmark of the main job: compile time, simulation time, simulated cycles
# per wall second, and the ratio of simulation time to the reference
# interpreter's time on the same network, measured in the same process
# (kiln run --report). Usage: scripts/bench_run.sh [MODEL] [SOC] [REPEATS]
set -euo pipefail
cd "$(dirname "$0")/.."
model=${1:-workloads/resnet8.onnx}
soc=${2:-configs/soc/default.yaml}
repeats=${3:-5}
kiln=${KILN_BIN:-build/tools/kiln}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
start=$(date +%s.%N)
for i in $(seq 1 "$repeats"); do
  "$kiln" run "$model" --soc "$soc" --seed "$i" --report "$tmp/r$i.json" > /dev/null
done
end=$(date +%s.%N)
/usr/bin/python3 - "$tmp" "$repeats" "$start" "$end" "$model" <<'PY'
import json, sys, statistics
tmp, n, start, end, model = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]), sys.argv[5]
runs = [json.load(open(f"{tmp}/r{i}.json")) for i in range(1, n + 1)]
med = lambda k: statistics.median(r["wall_ms"][k] for r in runs)
cycles = runs[0]["totals"]["latency_cycles"]
sim_ms = med("simulate")
print(f"model                    {model}")
print(f"runs                     {n} (median of each)")
print(f"whole kiln run           {(end - start) / n * 1000:.1f} ms per run (process included)")
print(f"compile                  {med('compile'):.1f} ms")
print(f"simulate                 {sim_ms:.1f} ms")
print(f"reference interpreter    {med('reference'):.1f} ms")
print(f"simulated cycles         {cycles}")
print(f"cycles per wall second   {cycles / (sim_ms / 1000):.3g}")
print(f"simulate / reference     {sim_ms / med('reference'):.2f}x")
PY
