#!/usr/bin/env bash
# Benchmark of RTL co-simulation: for the 8x8, 16x16 and 32x32 arrays (the
# small, default and large SoCs), runs the same network with the TLM array
# engine and with the Verilated RTL core (kiln run --rtl) and prints
#   - RTL co-simulation speed: array cycles per wall second inside the engine,
#   - the TLM engine's speed on the same commands,
#   - the ratio of TLM to RTL simulation speed: whole-run simulate time and
#     array-engine time, both measured in the same kiln run.
# Usage: scripts/bench_rtl.sh [MODEL] [REPEATS]   (default: bundled ResNet-8, 3)
set -euo pipefail
cd "$(dirname "$0")/.."
model=${1:-workloads/resnet8.onnx}
repeats=${2:-3}
kiln=${KILN_BIN:-build/tools/kiln}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for soc in small default large; do
  for engine in tlm rtl; do
    flag=""
    [ "$engine" = rtl ] && flag="--rtl"
    for i in $(seq 1 "$repeats"); do
      # shellcheck disable=SC2086 # flag is empty or one word
      if ! "$kiln" run "$model" --soc "configs/soc/$soc.yaml" --seed "$i" $flag \
           --report "$tmp/$soc-$engine-$i.json" > "$tmp/log" 2>&1; then
        cat "$tmp/log" >&2
        exit 1
      fi
    done
  done
done
/usr/bin/python3 - "$tmp" "$repeats" "$model" <<'PY'
import json, sys, statistics
tmp, n, model = sys.argv[1], int(sys.argv[2]), sys.argv[3]
def runs(soc, engine):
    return [json.load(open(f"{tmp}/{soc}-{engine}-{i}.json")) for i in range(1, n + 1)]
print(f"model {model}, median of {n} runs per row\n")
print(f"{'array':>6} {'array cyc':>10} {'RTL cyc/s':>10} {'TLM cyc/s':>10} {'sim TLM ms':>10} {'sim RTL ms':>10} {'TLM/RTL speed':>13} {'cycles equal':>12}")
for soc, size in (("small", "8x8"), ("default", "16x16"), ("large", "32x32")):
    t, r = runs(soc, "tlm"), runs(soc, "rtl")
    med = lambda rs, f: statistics.median(f(x) for x in rs)
    cyc = r[0]["array_engine"]["cycles"]
    rtl_engine_s = med(r, lambda x: x["array_engine"]["wall_ms"]) / 1e3
    tlm_engine_s = med(t, lambda x: x["array_engine"]["wall_ms"]) / 1e3
    sim_t = med(t, lambda x: x["wall_ms"]["simulate"])
    sim_r = med(r, lambda x: x["wall_ms"]["simulate"])
    same = all(a["totals"]["latency_cycles"] == b["totals"]["latency_cycles"] for a, b in zip(t, r))
    print(f"{size:>6} {cyc:>10} {cyc / rtl_engine_s:>10.3g} {cyc / max(tlm_engine_s, 1e-9):>10.3g} "
          f"{sim_t:>10.1f} {sim_r:>10.1f} {sim_r / sim_t:>12.1f}x {str(same):>12}")
print("\nRTL cyc/s: array cycles per wall second of the Verilated core alone (kiln run --rtl);")
print("TLM/RTL speed: whole-run simulate time with the RTL engine over that with the TLM engine.")
PY
