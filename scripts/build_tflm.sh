#!/usr/bin/env bash
# Builds kiln's TensorFlow Lite Micro runner, tflm_multi_run
# (scripts/tflm_runner/), against the TFLite Micro library of the shared copy
# beside the repository (../shared/reference/tflm, never copied in), out of
# tree into build/tflm_runner/, with ccache when it is installed.
# Prints the path of tflm_multi_run. Usage: scripts/build_tflm.sh [BUILD_DIR]
# Needs Debian's cmake, ninja-build, g++ and libgemmlowp-dev (scripts/setup.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
src=${KILN_TFLM_SOURCE:-../shared/reference/tflm}
out=${1:-build/tflm_runner}
[ -f "$src/CMakeLists.txt" ] || { echo "build_tflm: no TFLite Micro copy at $src" >&2; exit 1; }
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
cmake -S scripts/tflm_runner -B "$out" -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DKILN_TFLM_SOURCE="$(realpath "$src")" "${launcher[@]}" >/dev/null
cmake --build "$out" --target tflm_multi_run -j "$(nproc)" >&2
echo "$out/tflm_multi_run"
