#include "kernels/squared_difference.h"

#include <algorithm>

#include "kernels/broadcast_operand.h"
#include "kernels/check.h"
#include "kernels/requantize.h"

namespace kiln::kernels {

namespace {
constexpr const char* kOp = "squared_difference";
}

void squared_difference_rescales(double in1_scale, double in2_scale, double out_scale, SquaredDifferenceParams* p) {
  p->left_shift = 7;
  const double twice_max = 2.0 * std::max(in1_scale, in2_scale);
  quantize_multiplier(in1_scale / twice_max, &p->in1_mult, &p->in1_shift);
  quantize_multiplier(in2_scale / twice_max, &p->in2_mult, &p->in2_shift);
  quantize_multiplier(twice_max * twice_max / (double(1 << (2 * p->left_shift)) * out_scale), &p->out_mult,
                      &p->out_shift);
}

void validate(const SquaredDifferenceParams& p) {
  check_repeating_operands(kOp, p.count, p.in1_count, p.in2_count, p.in1_zp, p.in2_zp, p.out_zp);
  // |in - zp| <= 255 shifted by at most 7 and rescaled by at most 1/2: the
  // difference stays within 2^15 and its square within int32.
  check::range(kOp, "left_shift", p.left_shift, 0, 7);
  check::multiplier(kOp, "in1_mult", p.in1_mult);
  check::multiplier(kOp, "in2_mult", p.in2_mult);
  check::multiplier(kOp, "out_mult", p.out_mult);
  check::shift(kOp, "in1_shift", p.in1_shift, -31, 0);
  check::shift(kOp, "in2_shift", p.in2_shift, -31, 0);
  check::shift(kOp, "out_shift", p.out_shift);
}

void squared_difference(const SquaredDifferenceParams& p, const int8_t* in1, const int8_t* in2, int8_t* out) {
  validate(p);
  for (int64_t i = 0, i1 = 0, i2 = 0; i < p.count; ++i) {
    const int32_t a = multiply_by_quantized_multiplier((int32_t(in1[i1]) - p.in1_zp) * (1 << p.left_shift),
                                                       p.in1_mult, p.in1_shift);
    const int32_t b = multiply_by_quantized_multiplier((int32_t(in2[i2]) - p.in2_zp) * (1 << p.left_shift),
                                                       p.in2_mult, p.in2_shift);
    const int32_t diff = a - b;
    out[i] = add_zero_point_and_clamp(multiply_by_quantized_multiplier(diff * diff, p.out_mult, p.out_shift),
                                      p.out_zp, -128, 127);
    if (++i1 == p.in1_count) i1 = 0;
    if (++i2 == p.in2_count) i2 = 0;
  }
}

}  // namespace kiln::kernels
