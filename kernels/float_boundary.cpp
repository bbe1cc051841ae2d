#include "kernels/float_boundary.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include <fmt/format.h>

#include "kernels/check.h"
#include "kernels/float_bytes.h"

namespace kiln::kernels {

namespace {

void check_scale(const char* op, int32_t bits) {
  const float s = bits_float(bits);
  if (!(s > 0.0f) || !std::isfinite(s)) check::fail(op, "scale_bits", fmt::format("scale {} is not positive", s));
}

// Half to even without the floating-point environment's rounding mode:
// round() then, on an exact tie, step back to the even neighbour.
float round_half_to_even(float x) {
  const float r = std::round(x);
  if (std::fabs(x - std::trunc(x)) == 0.5f && std::fmod(r, 2.0f) != 0.0f) return r - std::copysign(1.0f, x);
  return r;
}

}  // namespace

int32_t float_bits(float f) {
  int32_t bits;
  std::memcpy(&bits, &f, sizeof bits);
  return bits;
}

float bits_float(int32_t bits) {
  float f;
  std::memcpy(&f, &bits, sizeof f);
  return f;
}

void validate(const QuantizeParams& p) {
  check::range("quantize", "count", p.count, 1, check::kMaxElements);
  check::zero_point("quantize", "out_zp", p.out_zp);
  check_scale("quantize", p.scale_bits);
  check::range("quantize", "rounding", p.rounding, kRoundHalfAwayFromZero, kRoundHalfToEven);
}

void validate(const DequantizeParams& p) {
  check::range("dequantize", "count", p.count, 1, check::kMaxElements);
  check::zero_point("dequantize", "in_zp", p.in_zp);
  check_scale("dequantize", p.scale_bits);
}

void quantize(const QuantizeParams& p, const uint8_t* in_f32, int8_t* out) {
  validate(p);
  const float scale = bits_float(p.scale_bits);
  for (int64_t i = 0; i < p.count; ++i) {
    const float x = load_f32(in_f32 + 4 * i) / scale;
    const float q = p.rounding == kRoundHalfToEven ? round_half_to_even(x) : std::round(x);
    int64_t v;
    if (std::isnan(q))
      v = 0;
    else if (q >= 2147483648.0f)
      v = 127 - int64_t(p.out_zp) + 1;  // beyond int32: saturates high
    else if (q < -2147483648.0f)
      v = -128 - int64_t(p.out_zp) - 1;
    else
      v = int64_t(int32_t(q));
    out[i] = int8_t(std::clamp<int64_t>(v + p.out_zp, -128, 127));
  }
}

void dequantize(const DequantizeParams& p, const int8_t* in, uint8_t* out_f32) {
  validate(p);
  const double scale = double(bits_float(p.scale_bits));
  for (int64_t i = 0; i < p.count; ++i) store_f32(float(scale * (int32_t(in[i]) - p.in_zp)), out_f32 + 4 * i);
}

}  // namespace kiln::kernels
