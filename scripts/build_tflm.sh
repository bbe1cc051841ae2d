#!/usr/bin/env bash
# Builds TFLite Micro's reference interpreter and its runner tflm_run from the
# shared copy beside the repository (../shared/reference/tflm, never copied
# in), out of tree into build/tflm/, with ccache when it is installed.
# Prints the path of tflm_run. Usage: scripts/build_tflm.sh [BUILD_DIR]
# Needs Debian's cmake, ninja-build, g++ and libgemmlowp-dev (scripts/setup.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
src=${KILN_TFLM_SOURCE:-../shared/reference/tflm}
out=${1:-build/tflm}
[ -f "$src/CMakeLists.txt" ] || { echo "build_tflm: no TFLite Micro copy at $src" >&2; exit 1; }
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
cmake -S "$src" -B "$out" -G Ninja -DCMAKE_BUILD_TYPE=Release "${launcher[@]}" >/dev/null
cmake --build "$out" --target tflm_run -j "$(nproc)" >&2
echo "$out/tflm_run"
