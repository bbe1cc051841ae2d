#!/usr/bin/env bash
# The loop timings behind configs/mcu/data/elementwise_cycles.csv: compiles
# CMSIS-NN's element-wise and data-movement kernels (a checkout given as the
# argument, github.com/ARM-software/CMSIS-NN) with clang for the three
# instruction-set classes and prints every loop's cycles per iteration under
# llvm-mca (scripts/loop_cycles.py): LLVM 14's Cortex-M4 model for the DSP and
# C builds, LLVM 16's Cortex-M55 model (Debian package llvm-16) for the Helium
# build, which LLVM 14 cannot time, and LLVM 19's Cortex-M85 model (Debian
# package llvm-19) for the same Helium build on the Cortex-M85 (class
# mve-m85: clang 14 has no -mcpu=cortex-m85; both cores execute the same
# Armv8.1-M Helium instructions). The CSV's "count" column names the loop
# each cost comes from; docs/silicon.md ("Element-wise kernels") the method.
# Nothing of CMSIS-NN is kept: the build is in a temporary directory.
#
# Usage: scripts/count_elementwise_cycles.sh CMSIS_NN_DIR
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
nn="${1:?usage: scripts/count_elementwise_cycles.sh CMSIS_NN_DIR}"
[[ -f "$nn/Include/arm_nnfunctions.h" ]] || { echo "$nn: not a CMSIS-NN checkout (no Include/arm_nnfunctions.h)" >&2; exit 1; }
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
# A freestanding build: string.h's calls as compiler builtins, as an embedded libc inlines them.
mkdir -p "$tmp/stub"
printf '#pragma once\n#include <stddef.h>\n#define memcpy __builtin_memcpy\n#define memset __builtin_memset\n#define memmove __builtin_memmove\n' >"$tmp/stub/string.h"
# TFLite's requantize (no CMSIS-NN kernel: a loop over its helper) and memcpy's word loop.
cat >"$tmp/extra.c" <<'C'
#include "arm_nnsupportfunctions.h"
void requantize_s8(const int8_t *in, int8_t *out, int32_t n, int32_t in_zp, int32_t out_zp, int32_t mult,
                   int32_t shift, int32_t lo, int32_t hi) {
  for (int32_t i = 0; i < n; i++) {
    int32_t v = arm_nn_requantize(in[i] - in_zp, mult, shift) + out_zp;
    out[i] = (int8_t)MIN(MAX(v, lo), hi);
  }
}
void copy_words(const int32_t *restrict src, int32_t *restrict dst, int32_t words) {
  for (int32_t i = 0; i < words; i++) dst[i] = src[i];
}
C
files=(Source/BasicMathFunctions/arm_elementwise_add_s8.c Source/PoolingFunctions/arm_avgpool_s8.c
       Source/PoolingFunctions/arm_max_pool_s8.c Source/SoftmaxFunctions/arm_nn_softmax_common_s8.c)
for v in 16 19; do
  command -v llvm-mca-$v >/dev/null || { echo "llvm-mca-$v not found: apt-get install llvm-$v (LLVM 16's Cortex-M55 and LLVM 19's Cortex-M85 models time the Helium loops)" >&2; exit 1; }
done
# class, clang target, clang cpu, llvm-mca, llvm-mca cpu
for cfg in "dsp thumbv7em-none-eabihf cortex-m4 llvm-mca-14 cortex-m4" \
           "c thumbv7m-none-eabi cortex-m3 llvm-mca-14 cortex-m4" \
           "mve thumbv8.1m.main-none-eabihf cortex-m55 llvm-mca-16 cortex-m55" \
           "mve-m85 thumbv8.1m.main-none-eabihf cortex-m55 llvm-mca-19 cortex-m85"; do
  read -r cls triple cpu llvm_mca mca <<<"$cfg"
  export LLVM_MCA=$llvm_mca
  echo "== $cls (clang --target=$triple -mcpu=$cpu -O2; $llvm_mca -mcpu=$mca)"
  for f in "${files[@]}" extra.c; do
    src="$nn/$f"; [[ "$f" == extra.c ]] && src="$tmp/extra.c"
    out="$tmp/$cls-$(basename "$f" .c).s"
    clang --target="$triple" -mcpu="$cpu" -mthumb -O2 -ffreestanding -I"$tmp/stub" -I"$nn/Include" -S -o "$out" "$src"
    /usr/bin/python3 "$here/scripts/loop_cycles.py" "$out" "$mca" "$triple" | sed "s|$tmp/||"
  done
done
