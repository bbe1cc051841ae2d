#!/usr/bin/env bash
# Benchmark of kiln tune: every MLPerf Tiny model (the ../shared
# ones when present, and the bundled ones) tuned on the default SoC with the
# default budget and -j 2 (or JOBS). Per model: analytic and tuned latency
# and their ratio, the cost model's error before and after calibration, the
# tuned latency over the sum of the per-layer roofline bounds, the wall time
# against the 5-minute target; then how many models got strictly faster.
# Usage: scripts/bench_tune.sh [JOBS] [MODEL...]
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=${1:-2}
shift || true
kiln=${KILN_BIN:-build/tools/kiln}
models=("$@")
if [ ${#models[@]} -eq 0 ]; then
  for m in ../shared/workloads/mlperf-tiny/*.tflite workloads/*.onnx; do [ -f "$m" ] && models+=("$m"); done
fi
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
for m in "${models[@]}"; do
  name=$(basename "$m")
  start=$(date +%s.%N)
  "$kiln" tune "$m" -j "$jobs" -o "$out/$name.tuning.json" > "$out/$name.log"
  end=$(date +%s.%N)
  echo "$m $start $end" >> "$out/times"
  # The record must reproduce: kiln run --tuning gives the tuned latency exactly.
  "$kiln" run "$m" --tuning "$out/$name.tuning.json" --seed 1 --report "$out/$name.run.json" > /dev/null
done
/usr/bin/python3 - "$out" <<'PY'
import json, os, sys
out = sys.argv[1]
rows = [l.split() for l in open(os.path.join(out, "times"))]
print(f"{'model':<34} {'analytic':>9} {'tuned':>9} {'speedup':>8} {'MAE before':>10} {'after':>7} "
      f"{'tuned/roofline':>14} {'NPU tuned/roofl':>15} {'sims':>5} {'wall s':>7} {'/5min':>6} reproduced")
better = 0
for m, start, end in rows:
    name = os.path.basename(m)
    r = json.load(open(os.path.join(out, name + ".tuning.json")))
    run = json.load(open(os.path.join(out, name + ".run.json")))
    a, t = r["latency_cycles"]["analytic"], r["latency_cycles"]["tuned"]
    npu_t = sum(l["tuned_cycles"] for l in r["layers"])
    npu_r = sum(l["roofline_cycles"] for l in r["layers"])
    wall = float(end) - float(start)
    same = run["totals"]["latency_cycles"] == t
    better += t < a
    print(f"{name:<34} {a:>9} {t:>9} {a / t:>7.4f}x {r['cost_model_mae_cycles']['before']:>10.0f} "
          f"{r['cost_model_mae_cycles']['after']:>7.0f} {t / r['roofline_cycles']:>13.2f}x "
          f"{npu_t / npu_r if npu_r else 0:>14.2f}x {r['simulations']:>5} {wall:>7.1f} {wall / 300:>6.3f} "
          f"{'yes' if same else 'NO'}")
    if t > a: print(f"  WORSE than analytic: {name}")
print(f"strictly faster than the analytic choice on {better} of {len(rows)} models")
PY
