#!/usr/bin/env bash
# Builds and runs the whole default test suite (everything but label "slow").
#   scripts/test.sh              build/ with warnings as errors
#   scripts/test.sh --sanitize   build-asan/ with AddressSanitizer + UBSan
#   scripts/test.sh --slow       also the slow checks
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --deps

build_dir=build
cmake_args=(-DCMAKE_BUILD_TYPE=RelWithDebInfo -DKILN_WERROR=ON)
ctest_args=(-LE slow)
for arg in "$@"; do
  case "$arg" in
    --sanitize) build_dir=build-asan; cmake_args+=(-DKILN_SANITIZE=ON) ;;
    --slow) ctest_args=() ;;
    *) echo "usage: scripts/test.sh [--sanitize] [--slow]" >&2; exit 2 ;;
  esac
done
cmake -S . -B "$build_dir" -G Ninja "${cmake_args[@]}"
cmake --build "$build_dir" -j "$(nproc)"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1
cd "$build_dir" && ctest --output-on-failure -j "$(nproc)" "${ctest_args[@]}"
