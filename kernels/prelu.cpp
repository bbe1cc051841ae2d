#include "kernels/prelu.h"

#include "kernels/broadcast_operand.h"
#include "kernels/check.h"
#include "kernels/requantize.h"

namespace kiln::kernels {

namespace {
constexpr const char* kOp = "prelu";
}

void prelu_rescales(double in_scale, double alpha_scale, double out_scale, PreluParams* p) {
  quantize_multiplier(in_scale / out_scale, &p->mult_identity, &p->shift_identity);
  quantize_multiplier(in_scale * alpha_scale / out_scale, &p->mult_alpha, &p->shift_alpha);
}

void validate(const PreluParams& p) {
  check::range(kOp, "count", p.count, 1, check::kMaxElements);
  check_broadcast_operand(kOp, "alpha_count", p.alpha_count, p.count);
  check::zero_point(kOp, "in_zp", p.in_zp);
  check::zero_point(kOp, "alpha_zp", p.alpha_zp);
  check::zero_point(kOp, "out_zp", p.out_zp);
  check::multiplier(kOp, "mult_identity", p.mult_identity);
  check::multiplier(kOp, "mult_alpha", p.mult_alpha);
  // |x| <= 255 and |x * (alpha - alpha_zp)| < 2^16: a left shift up to 15
  // stays in int32; past that the shift wraps as the target's shifter does.
  check::shift(kOp, "shift_identity", p.shift_identity);
  check::shift(kOp, "shift_alpha", p.shift_alpha);
}

void prelu(const PreluParams& p, const int8_t* in, const int8_t* alpha, int8_t* out) {
  validate(p);
  for (int64_t i = 0, a = 0; i < p.count; ++i) {
    const int32_t x = int32_t(in[i]) - p.in_zp;
    const int32_t scaled = x >= 0 ? multiply_by_quantized_multiplier(x, p.mult_identity, p.shift_identity)
                                  : multiply_by_quantized_multiplier(x * (int32_t(alpha[a]) - p.alpha_zp),
                                                                     p.mult_alpha, p.shift_alpha);
    out[i] = add_zero_point_and_clamp(scaled, p.out_zp, -128, 127);
    if (++a == p.alpha_count) a = 0;
  }
}

}  // namespace kiln::kernels
