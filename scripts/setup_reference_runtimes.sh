#!/usr/bin/env bash
# Installs and builds the independent runtimes kiln is checked against
# (docs/reference-check.md):
#   - kiln's runner of TFLite Micro's reference interpreter, tflm_multi_run
#     (scripts/tflm_runner/), linked against the library built from
#     ../shared/reference/tflm, into build/tflm_runner/ (scripts/build_tflm.sh),
#     for the bit-exact check of every .tflite model (scripts/check_tflm.py);
#   - onnxruntime-node from the npm registry, into build/node_ort/ (not
#     committed), for the per-operator check of ONNX models
#     (scripts/check_reference.py). Its CPU binary ships inside the package;
#     the install script that would download GPU extras is skipped.
# Idempotent: fast when all is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

ort_version=1.30.0
ort_dir=${KILN_NODE_ORT_DIR:-build/node_ort}

debs=(python3-numpy python3-onnx cmake ninja-build g++ ccache libgemmlowp-dev)
missing=()
for p in "${debs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y --no-install-recommends "${missing[@]}"
fi

ort_installed() {
  [ -f "$ort_dir/node_modules/onnxruntime-node/package.json" ] &&
    node -e 'process.exit(require(process.argv[1]).version === process.argv[2] ? 0 : 1)' \
      "$PWD/$ort_dir/node_modules/onnxruntime-node/package.json" "$ort_version"
}
if ! ort_installed; then
  command -v npm >/dev/null || { echo "setup_reference_runtimes: npm not found (install nodejs)" >&2; exit 1; }
  mkdir -p "$ort_dir"
  [ -f "$ort_dir/package.json" ] || echo '{"name": "kiln-node-ort", "private": true}' >"$ort_dir/package.json"
  ONNXRUNTIME_NODE_INSTALL=skip ONNXRUNTIME_NODE_INSTALL_CUDA=skip \
    npm install --prefix "$ort_dir" --no-audit --no-fund --save-exact "onnxruntime-node@$ort_version"
fi

tflm_runner=$(scripts/build_tflm.sh)

# Both must run, with nothing downloaded at run time.
/usr/bin/python3 -c 'import numpy, onnx' ||
  { echo "setup_reference_runtimes: numpy and onnx do not import with /usr/bin/python3" >&2; exit 1; }
NODE_PATH="$PWD/$ort_dir/node_modules" node -e 'require("onnxruntime-node")' ||
  { echo "setup_reference_runtimes: onnxruntime-node does not load from $ort_dir" >&2; exit 1; }
"$tflm_runner" tests/data/models/tflite/multi_io_float_two_inputs_two_outputs.tflite --info >/dev/null ||
  { echo "setup_reference_runtimes: $tflm_runner does not run" >&2; exit 1; }
echo "setup_reference_runtimes: $tflm_runner and onnxruntime-node $ort_version ($ort_dir) ready"
