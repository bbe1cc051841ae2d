#include "kernels/add.h"

#include <algorithm>

#include "kernels/check.h"
#include "kernels/requantize.h"
#include "kernels/requantize_rows.h"

namespace kiln::kernels {

namespace {
constexpr const char* kOp = "add";
}

void validate(const AddParams& p) {
  check::range(kOp, "count", p.count, 1, check::kMaxElements);
  check::zero_point(kOp, "in1_zp", p.in1_zp);
  check::zero_point(kOp, "in2_zp", p.in2_zp);
  check::zero_point(kOp, "out_zp", p.out_zp);
  // |in - zp| <= 255 and 2 * 255 * 2^22 < 2^31: the shifted inputs and their
  // scaled sum fit int32.
  check::range(kOp, "left_shift", p.left_shift, 0, 22);
  check::multiplier(kOp, "in1_mult", p.in1_mult);
  check::multiplier(kOp, "in2_mult", p.in2_mult);
  check::multiplier(kOp, "out_mult", p.out_mult);
  // Real multipliers below one, as TFLite's Prepare guarantees.
  check::shift(kOp, "in1_shift", p.in1_shift, -31, 0);
  check::shift(kOp, "in2_shift", p.in2_shift, -31, 0);
  check::shift(kOp, "out_shift", p.out_shift, -31, 0);
  check::activation(kOp, p.act_min, p.act_max);
}

namespace {

// Each input's rescaled value depends on its own int8 value alone.
int32_t rescaled(int8_t v, int32_t zp, int32_t scale, int32_t mult, int shift) {
  return multiply_by_quantized_multiplier((int32_t(v) - zp) * scale, mult, shift);
}

// From this many elements on, the two inputs' rescaled values come from
// tables of their 256 int8 values (the same integers, computed once each).
constexpr int64_t kTableFrom = 512;

}  // namespace

void add(const AddParams& p, const int8_t* in1, const int8_t* in2, int8_t* out) {
  validate(p);
  const int32_t scale = int32_t(1) << p.left_shift;
  const auto finish = [&](int32_t scaled_a, int32_t scaled_b) {
    // Wraps as an int32 adder does (TFLite's operands never come near it).
    const int32_t sum = wrapping_add(scaled_a, scaled_b);
    return add_zero_point_and_clamp(multiply_by_quantized_multiplier(sum, p.out_mult, p.out_shift), p.out_zp,
                                    p.act_min, p.act_max);
  };
  if (p.count < kTableFrom) {
    for (int64_t i = 0; i < p.count; ++i)
      out[i] = finish(rescaled(in1[i], p.in1_zp, scale, p.in1_mult, p.in1_shift),
                      rescaled(in2[i], p.in2_zp, scale, p.in2_mult, p.in2_shift));
    return;
  }
  int32_t table1[256], table2[256];
  for (int v = -128; v < 128; ++v) {
    table1[v + 128] = rescaled(int8_t(v), p.in1_zp, scale, p.in1_mult, p.in1_shift);
    table2[v + 128] = rescaled(int8_t(v), p.in2_zp, scale, p.in2_mult, p.in2_shift);
  }
  // The sums a chunk at a time, then their requantization eight at a time
  // (requantize_rows.h).
  constexpr int64_t kChunk = 256;
  int32_t sum[kChunk];
  for (int64_t i0 = 0; i0 < p.count; i0 += kChunk) {
    const int64_t n = std::min(kChunk, p.count - i0);
    for (int64_t i = 0; i < n; ++i) sum[i] = wrapping_add(table1[in1[i0 + i] + 128], table2[in2[i0 + i] + 128]);
    requantize_uniform(sum, n, p.out_mult, p.out_shift, p.out_zp, p.act_min, p.act_max, out + i0);
  }
}

}  // namespace kiln::kernels
