#!/usr/bin/env bash
# The reference interpreter's time per operator on one model (construction,
# each op, total; medians of RUNS warm runs in one process), from
# tests/bench/bench_reference.cpp. With KILN_BASELINE_BENCH set to another
# build's bench_reference (an earlier commit), both run one after the other
# and the script prints each row's ratio baseline / now.
# Usage: scripts/bench_reference.sh [MODEL] [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${KILN_BUILD_DIR:-build}
model=${1:-workloads/resnet8.onnx}
runs=${2:-300}
cmake --build "$build" --target bench_reference >/dev/null
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
now=$("$build/tests/bench_reference" "$model" "$runs")
if [ -z "${KILN_BASELINE_BENCH:-}" ]; then
  echo "$now"
  exit 0
fi
base=$("$KILN_BASELINE_BENCH" "$model" "$runs")
/usr/bin/python3 - "$now" "$base" <<'PY'
import sys
now, base = (s.splitlines() for s in sys.argv[1:3])
print(f"{now[0]} {'baseline_us':>12} {'speedup':>8}")
for a, b in zip(now[1:], base[1:]):
    ta, tb = float(a.split()[-1]), float(b.split()[-1])
    print(f"{a} {tb:12.1f} {tb / ta if ta else 0:7.2f}x")
PY
