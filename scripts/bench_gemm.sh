#!/usr/bin/env bash
# The int8 GEMM that kiln's convolutions, fully connected layers and TLM
# array engine compute through (kernels/int8_gemm.h: the AVX2 kernel where
# built, else gemmlowp), measured beside gemmlowp alone and against the
# plain loop on the GEMM shapes of ResNet-8, DS-CNN and MobileNet and the
# array's tiles, in one process: time per call, the ratio to the loop, and a
# check that every result equals the loop's bit for bit. With libeigen3-dev
# installed, Eigen's int32 product is measured beside them.
# Usage: scripts/bench_gemm.sh
set -euo pipefail
cd "$(dirname "$0")/.."
build=${KILN_BUILD_DIR:-build}
cmake --build "$build" --target bench_int8_gemm >/dev/null
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
"$build/tests/bench_int8_gemm"
