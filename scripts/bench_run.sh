#!/usr/bin/env bash
# Benchmark of the main job: compile time, simulation time, reference
# interpreter time (kiln run --report), simulated cycles per wall second, and
# each phase against one onnxruntime inference of the same ONNX model
# measured in the same run (scripts/bench_ort.js: CPU, one thread), runs
# interleaved so that both see the same machine load. Medians of REPEATS
# runs; the load average is printed before and after.
# With KILN_BASELINE_BIN set to another kiln binary (an earlier build), it
# runs interleaved too and the ratios before/after are printed.
# Usage: scripts/bench_run.sh [MODEL] [SOC] [REPEATS]
#   KILN_BIN (default build/tools/kiln), KILN_BASELINE_BIN, KILN_NODE_ORT_DIR
#   (default build/node_ort, installed by scripts/setup_reference_runtimes.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
model=${1:-workloads/resnet8.onnx}
soc=${2:-configs/soc/default.yaml}
repeats=${3:-9}
kiln=${KILN_BIN:-build/tools/kiln}
baseline=${KILN_BASELINE_BIN:-}
ort_modules=${KILN_NODE_ORT_DIR:-build/node_ort}/node_modules
ort=0
if [[ "$model" == *.onnx ]] && command -v node >/dev/null && [ -f "$ort_modules/onnxruntime-node/package.json" ]; then
  ort=1
else
  echo "bench_run: no onnxruntime comparison (an .onnx model and onnxruntime-node in $ort_modules are needed;" \
    "scripts/setup_reference_runtimes.sh installs it)" >&2
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
for i in $(seq 1 "$repeats"); do
  if ((ort)); then NODE_PATH="$ort_modules" node scripts/bench_ort.js "$model" 100 > "$tmp/ort$i.json"; fi
  "$kiln" run "$model" --soc "$soc" --seed "$i" --report "$tmp/r$i.json" > /dev/null
  if [ -n "$baseline" ]; then
    "$baseline" run "$model" --soc "$soc" --seed "$i" --report "$tmp/b$i.json" > /dev/null
  fi
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)
/usr/bin/python3 - "$tmp" "$repeats" "$model" "$ort" "${baseline:+1}" "$load_before" "$load_after" <<'PY'
import json, sys, statistics
tmp, n, model, ort, base = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4] == "1", sys.argv[5] == "1"
load_before, load_after = sys.argv[6], sys.argv[7]
runs = [json.load(open(f"{tmp}/r{i}.json")) for i in range(1, n + 1)]
med = lambda rs, k: statistics.median(r["wall_ms"][k] for r in rs)
phases = ("compile", "simulate", "reference")
cycles = runs[0]["totals"]["latency_cycles"]
print(f"model                    {model}")
print(f"runs                     {n} (medians)")
print(f"load average             {load_before} before, {load_after} after (2 cores)")
for k in phases:
    print(f"{k:<24} {med(runs, k):.2f} ms")
sim_ms = med(runs, "simulate")
print(f"simulated cycles         {cycles}")
print(f"cycles per wall second   {cycles / (sim_ms / 1000):.3g}")
print(f"simulate / reference     {sim_ms / med(runs, 'reference'):.2f}x")
if ort:
    ort_ms = statistics.median(json.load(open(f"{tmp}/ort{i}.json"))["median_ms"] for i in range(1, n + 1))
    print(f"onnxruntime inference    {ort_ms:.3f} ms (one thread, median of {n} x 100)")
    for k in phases:
        print(f"{k + ' / onnxruntime':<24} {med(runs, k) / ort_ms:.1f}x")
if base:
    before = [json.load(open(f"{tmp}/b{i}.json")) for i in range(1, n + 1)]
    if any(b["totals"]["latency_cycles"] != r["totals"]["latency_cycles"] for b, r in zip(before, runs)):
        print("baseline simulated cycles DIFFER")
    for k in phases:
        print(f"{k + ' baseline':<24} {med(before, k):.2f} ms; this build is {med(before, k) / med(runs, k):.2f}x faster")
PY
