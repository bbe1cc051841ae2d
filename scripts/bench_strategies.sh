#!/usr/bin/env bash
# Every MLPerf Tiny model (../shared/workloads/mlperf-tiny) and the bundled
# ones under every deployment strategy (kiln compare) on the default SoC and
# on a board config with the NPU attached; prints the markdown tables of
# docs/strategies.md, and with --write puts them there.
#
# Usage: scripts/bench_strategies.sh [--write] [BOARD_CONFIG] [JOBS]
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
write=""
if [[ "${1:-}" == "--write" ]]; then write="--write $here/docs/strategies.md"; shift; fi
board="${1:-$here/configs/soc/boards/nucleo-l4r5zi.yaml}"
jobs="${2:-2}"
kiln="$here/build/tools/kiln"
[[ -x "$kiln" ]] || { echo "bench_strategies.sh: build kiln first ($kiln)" >&2; exit 1; }
shared="$here/../shared/workloads/mlperf-tiny"
models=("$shared"/*.tflite "$here"/workloads/*.onnx)
out="${KILN_BENCH_OUT:-$here/build/bench-strategies}"
mkdir -p "$out"
"$kiln" compare "${models[@]}" --soc "$here/configs/soc/default.yaml" -j "$jobs" -o "$out/default" >"$out/default.txt"
"$kiln" compare "${models[@]}" --soc "$board" -j "$jobs" -o "$out/board" >"$out/board.txt"
# shellcheck disable=SC2086
/usr/bin/python3 "$here/scripts/strategy_tables.py" "$out/default" "$out/board" $write
