#!/usr/bin/env bash
# The main job on the embedded default: the bundled ResNet-8 compiled for
# configs/soc/default.yaml, simulated, checked bit for bit against the
# reference interpreter, with its per-layer table, a Perfetto trace and a JSON
# report in out/. Run scripts/setup.sh first (it builds build/tools/kiln).
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p out
build/tools/kiln run --seed 1 --trace out/resnet8.trace.json --report out/resnet8.report.json "$@"
echo "trace: out/resnet8.trace.json (open in https://ui.perfetto.dev); report: out/resnet8.report.json"
