#!/usr/bin/env bash
# Installs every dependency from Debian packages and builds kiln into build/.
#   scripts/setup.sh            deps + build (RelWithDebInfo, warnings are errors)
#   scripts/setup.sh --deps     deps only
# Re-running is cheap: apt-get skips what is installed, ccache and CMake reuse the build.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  build-essential cmake ninja-build ccache pkg-config git
  libsystemc-dev verilator catch2 libfmt-dev libyaml-dev libcli11-dev nlohmann-json3-dev zlib1g-dev
  libonnx-dev libprotobuf-dev protobuf-compiler libflatbuffers-dev flatbuffers-compiler libmuparser-dev
  python3-matplotlib slurm-wlm munge
  python3 python3-numpy python3-onnx python3-flatbuffers libonnx-testdata libgemmlowp-dev
  clang libfuzzer-14-dev
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y --no-install-recommends "${missing[@]}"
fi
[ "${1:-}" = "--deps" ] && exit 0

build_dir=${KILN_BUILD_DIR:-build}
cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo ${KILN_CMAKE_ARGS:-}
cmake --build "$build_dir" -j "$(nproc)"
