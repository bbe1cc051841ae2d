#!/usr/bin/env bash
# The loop timings behind the float kernels' rows of
# configs/mcu/data/elementwise_cycles.csv (float_binary, float_unary,
# float_softmax, float_avg_pool, float_mean): the inner loops of TFLite's
# float reference kernels written out in C below, compiled with clang for the
# Cortex-M4 (FPv4 single precision) and the Cortex-M55 (Helium with float
# lanes), each loop's cycles per iteration timed by llvm-mca
# (scripts/loop_cycles.py): LLVM 14's Cortex-M4 model, LLVM 16's Cortex-M55
# model (Debian package llvm-16) and, for the same Cortex-M55 build on the
# Cortex-M85, LLVM 19's Cortex-M85 model (llvm-19; the CSV's class mve-m85).
# clang unrolls the Cortex-M4 loops four times and runs the Cortex-M55 ones
# four lanes wide: the CSV divides by 4.
# The math library's expf is taken as a single-precision range reduction and
# a degree-5 polynomial (exp_f32 below); a libm that computes in double
# precision costs more on a core with a single-precision FPU.
# docs/silicon.md ("Element-wise kernels") has the method.
#
# Usage: scripts/count_float_cycles.sh
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
cat >"$tmp/float_loops.c" <<'C'
#include <stdint.h>
void add_f32(const float *restrict a, const float *restrict b, float *restrict o, int32_t n) {
  for (int32_t i = 0; i < n; i++) o[i] = a[i] + b[i];
}
void div_f32(const float *restrict a, const float *restrict b, float *restrict o, int32_t n) {
  for (int32_t i = 0; i < n; i++) o[i] = a[i] / b[i];
}
void clamp_f32(const float *restrict x, float *restrict o, int32_t n, float lo, float hi) {
  for (int32_t i = 0; i < n; i++) { float v = x[i]; o[i] = v > hi ? hi : v < lo ? lo : v; }
}
static inline float exp_f32(float x) {
  int32_t k = (int32_t)(x * 1.44269504f + (x < 0 ? -0.5f : 0.5f));
  float kf = (float)k;
  float r = x - kf * 0.693359375f + kf * 2.12194440e-4f;
  float p = 1.0f + r * (1.0f + r * (0.5f + r * (0.166666657f + r * (0.0416657962f + r * 0.00833345205f))));
  union { float f; int32_t i; } s = {.i = (k + 127) << 23};
  return p * s.f;
}
void logistic_f32(const float *restrict x, float *restrict o, int32_t n) {
  for (int32_t i = 0; i < n; i++) o[i] = 1.0f / (1.0f + exp_f32(-x[i]));
}
float softmax_max(const float *restrict x, int32_t n) {
  float m = -3.4e38f;
  for (int32_t i = 0; i < n; i++) m = x[i] > m ? x[i] : m;
  return m;
}
float softmax_exp(const float *restrict x, float *restrict o, int32_t n, float m, float beta) {
  float s = 0;
  for (int32_t i = 0; i < n; i++) { float e = exp_f32((x[i] - m) * beta); o[i] = e; s += e; }
  return s;
}
void softmax_div(float *restrict o, int32_t n, float s) {
  for (int32_t i = 0; i < n; i++) o[i] = o[i] / s;
}
float window_sum(const float *restrict x, int32_t n, int32_t stride) {
  float t = 0;
  for (int32_t i = 0; i < n; i++) t += x[i * stride];
  return t;
}
void divide_outputs(const float *restrict t, float *restrict o, int32_t n, float count) {
  for (int32_t i = 0; i < n; i++) o[i] = t[i] / count;
}
C
for v in 16 19; do
  command -v llvm-mca-$v >/dev/null || { echo "llvm-mca-$v not found: apt-get install llvm-$v (LLVM 16's Cortex-M55 and LLVM 19's Cortex-M85 models time the Helium loops)" >&2; exit 1; }
done
# class, clang target, clang cpu, llvm-mca, llvm-mca cpu
for cfg in "dsp thumbv7em-none-eabihf cortex-m4 llvm-mca-14 cortex-m4" \
           "mve thumbv8.1m.main-none-eabihf cortex-m55 llvm-mca-16 cortex-m55" \
           "mve-m85 thumbv8.1m.main-none-eabihf cortex-m55 llvm-mca-19 cortex-m85"; do
  read -r cls triple cpu llvm_mca mca <<<"$cfg"
  export LLVM_MCA=$llvm_mca
  echo "== $cls (clang --target=$triple -mcpu=$cpu -O2; $llvm_mca -mcpu=$mca)"
  out="$tmp/$cls-float_loops.s"
  clang --target="$triple" -mcpu="$cpu" -mthumb -O2 -ffreestanding -S -o "$out" "$tmp/float_loops.c"
  # Each loop under the function it belongs to.
  /usr/bin/python3 "$here/scripts/loop_cycles.py" "$out" "$mca" "$triple" | sed "s|$tmp/||" |
    while read -r line; do
      n=$(sed -E 's/.*\(lines ([0-9]+)-.*/\1/' <<<"$line")
      fn=$(head -n "$n" "$out" | grep -E '^[a-z_0-9]+:' | tail -1 | tr -d ':')
      echo "$fn: ${line#*: }"
    done
done
