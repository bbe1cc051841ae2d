#include "kernels/sub.h"

#include "kernels/broadcast_operand.h"
#include "kernels/check.h"
#include "kernels/requantize.h"

namespace kiln::kernels {

namespace {
constexpr const char* kOp = "sub";
}

void validate(const SubParams& p) {
  check_repeating_operands(kOp, p.count, p.in1_count, p.in2_count, p.in1_zp, p.in2_zp, p.out_zp);
  // As ADD's: |in - zp| <= 255 and 2 * 255 * 2^22 < 2^31.
  check::range(kOp, "left_shift", p.left_shift, 0, 22);
  check::multiplier(kOp, "in1_mult", p.in1_mult);
  check::multiplier(kOp, "in2_mult", p.in2_mult);
  check::multiplier(kOp, "out_mult", p.out_mult);
  check::shift(kOp, "in1_shift", p.in1_shift, -31, 0);
  check::shift(kOp, "in2_shift", p.in2_shift, -31, 0);
  check::shift(kOp, "out_shift", p.out_shift, -31, 0);
  check::activation(kOp, p.act_min, p.act_max);
}

void sub(const SubParams& p, const int8_t* in1, const int8_t* in2, int8_t* out) {
  validate(p);
  // Each input's rescaled value depends on its own int8 value alone: the
  // 256 of each input, computed once.
  const int32_t scale = int32_t(1) << p.left_shift;
  int32_t table1[256], table2[256];
  for (int v = -128; v < 128; ++v) {
    table1[v + 128] = multiply_by_quantized_multiplier((v - p.in1_zp) * scale, p.in1_mult, p.in1_shift);
    table2[v + 128] = multiply_by_quantized_multiplier((v - p.in2_zp) * scale, p.in2_mult, p.in2_shift);
  }
  for (int64_t i = 0, i1 = 0, i2 = 0; i < p.count; ++i) {
    // Wraps as an int32 subtractor does (TFLite's operands never come near it).
    const int32_t diff = wrapping_add(table1[in1[i1] + 128], -table2[in2[i2] + 128]);
    out[i] = add_zero_point_and_clamp(multiply_by_quantized_multiplier(diff, p.out_mult, p.out_shift), p.out_zp,
                                      p.act_min, p.act_max);
    if (++i1 == p.in1_count) i1 = 0;
    if (++i2 == p.in2_count) i2 = 0;
  }
}

}  // namespace kiln::kernels
