#include "kernels/mul.h"

#include "kernels/broadcast_operand.h"
#include "kernels/check.h"
#include "kernels/requantize.h"

namespace kiln::kernels {

namespace {
constexpr const char* kOp = "mul";
}

void validate(const MulParams& p) {
  check_repeating_operands(kOp, p.count, p.in1_count, p.in2_count, p.in1_zp, p.in2_zp, p.out_zp);
  check::multiplier(kOp, "out_mult", p.out_mult);
  // |in - zp| <= 255: the product is below 2^16, so a left shift up to 15
  // keeps it in int32; past that (a ratio of scales above 2^15, no trained
  // model's) the shift wraps as the target's shifter does.
  check::shift(kOp, "out_shift", p.out_shift);
  check::activation(kOp, p.act_min, p.act_max);
}

void mul(const MulParams& p, const int8_t* in1, const int8_t* in2, int8_t* out) {
  validate(p);
  for (int64_t i = 0, i1 = 0, i2 = 0; i < p.count; ++i) {
    const int32_t product = (int32_t(in1[i1]) - p.in1_zp) * (int32_t(in2[i2]) - p.in2_zp);
    out[i] = add_zero_point_and_clamp(multiply_by_quantized_multiplier(product, p.out_mult, p.out_shift), p.out_zp,
                                      p.act_min, p.act_max);
    if (++i1 == p.in1_count) i1 = 0;
    if (++i2 == p.in2_count) i2 = 0;
  }
}

}  // namespace kiln::kernels
