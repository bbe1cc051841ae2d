#include "kernels/lut_tables.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include <fmt/format.h>
#include <gemmlowp/fixedpoint/fixedpoint.h>

#include "arch/error.h"
#include "kernels/requantize.h"

namespace kiln::kernels {

namespace {

constexpr int kInputIntegerBits = 4;  // LOGISTIC and TANH take their input in Q4.27

// The Q4.27 input multiplier, shift and saturation radius of TFLite Micro's
// LOGISTIC and TANH preparation (CalculateInputRadius included).
struct Q4Input {
  int32_t multiplier = 0;
  int shift = 0;
  int32_t radius = 0;
};

Q4Input q4_input(float in_scale) {
  Q4Input q;
  const double real = double(in_scale) * double(1 << (31 - kInputIntegerBits));
  const double fraction = std::frexp(real, &q.shift);
  // As QuantizeMultiplier: a fraction that rounds up to 1.0 is 0.5 of the
  // next power of two.
  int64_t m = int64_t(std::round(fraction * double(1LL << 31)));
  if (m == (int64_t(1) << 31)) {
    m /= 2;
    ++q.shift;
  }
  // The fixed-point rescale shifts by at most 31 either way; scales beyond
  // that (far outside any trained model's) have no int8 arithmetic.
  if (q.shift < -31 || q.shift > 31)
    throw Error(fmt::format("input scale {} is outside the range the Q4 fixed-point input can represent", in_scale));
  q.multiplier = int32_t(m);
  const double max_rescaled =
      1.0 * ((1 << kInputIntegerBits) - 1) * std::ldexp(1.0, 31 - kInputIntegerBits - q.shift);
  q.radius = max_rescaled >= double(std::numeric_limits<int32_t>::max()) ? std::numeric_limits<int32_t>::max()
                                                                         : int32_t(std::floor(max_rescaled));
  return q;
}

// TFLite's DownScaleInt32ToInt16Multiplier.
int16_t down_scale_to_int16(int32_t m) {
  constexpr int32_t kRoundingOffset = 1 << 15;
  if (m >= std::numeric_limits<int32_t>::max() - kRoundingOffset) return std::numeric_limits<int16_t>::max();
  return int16_t((m + kRoundingOffset) >> 16);
}

int16_t saturating_left_shift(int16_t v, int amount) {
  const int64_t r = int64_t(v) * (int64_t(1) << amount);
  return int16_t(std::clamp<int64_t>(r, std::numeric_limits<int16_t>::min(), std::numeric_limits<int16_t>::max()));
}

// reference_ops::SaturatingDoublingHighMul (int16, truncating, unlike gemmlowp's rounding one).
int16_t saturating_doubling_high_mul(int16_t a, int16_t b) {
  const bool overflow = a == b && a == std::numeric_limits<int16_t>::min();
  const int32_t ab = int32_t(a) * int32_t(b);
  return overflow ? std::numeric_limits<int16_t>::max() : int16_t(ab / (1 << 15));
}

int8_t clamp8(int32_t v) { return int8_t(std::clamp(v, -128, 127)); }

}  // namespace

namespace {

// LOGISTIC and TANH as TFLite Micro computes them: the input rescaled to Q4,
// the gemmlowp fixed-point function, its Q0 result rounded down to int8 by
// `drop_bits` and shifted by `offset`; inputs beyond the radius saturate.
template <class Function>
LutTable q4_function_table(float in_scale, int32_t in_zp, Function f, int drop_bits, int32_t offset) {
  const Q4Input q = q4_input(in_scale);
  using F4 = gemmlowp::FixedPoint<int32_t, kInputIntegerBits>;
  LutTable t{};
  for (int32_t x = -128; x <= 127; ++x) {
    const int32_t in = x - in_zp;
    int8_t y;
    if (in <= -q.radius) {
      y = -128;
    } else if (in >= q.radius) {
      y = 127;
    } else {
      const int32_t in_q4 = multiply_by_quantized_multiplier(in, q.multiplier, q.shift);
      const int32_t out_q0 = f(F4::FromRaw(in_q4)).raw();
      y = clamp8(gemmlowp::RoundingDivideByPOT(out_q0, drop_bits) + offset);
    }
    t[lut_index(x)] = y;
  }
  return t;
}

}  // namespace

LutTable logistic_table(float in_scale, int32_t in_zp) {
  return q4_function_table(
      in_scale, in_zp, [](auto v) { return gemmlowp::logistic(v); }, 31 - 8, -128);
}

LutTable tanh_table(float in_scale, int32_t in_zp) {
  return q4_function_table(
      in_scale, in_zp, [](auto v) { return gemmlowp::tanh(v); }, 31 - 7, 0);
}

LutTable hard_swish_table(float in_scale, int32_t in_zp, float out_scale, int32_t out_zp) {
  // HardSwishPrepare, in its float and double arithmetic.
  const float hires_input_scale = (1.0f / 128.0f) * in_scale;
  const float reluish_scale = 3.0f / 32768.0f;
  int32_t m32;
  int output_exponent, reluish_exponent;
  quantize_multiplier(double(hires_input_scale / out_scale), &m32, &output_exponent);
  const int16_t output_m16 = down_scale_to_int16(m32);
  if (output_exponent > 0)
    throw Error(fmt::format("hard_swish: input scale {} over output scale {} scales up by more than 2^7, which "
                            "TFLite Micro refuses",
                            in_scale, out_scale));
  quantize_multiplier(double(hires_input_scale / reluish_scale), &m32, &reluish_exponent);
  const int16_t reluish_m16 = down_scale_to_int16(m32);
  LutTable t{};
  for (int32_t x = -128; x <= 127; ++x) {
    // reference_ops::HardSwish<int8_t>, element by element, in int16 as there.
    const int16_t in = int16_t(x - in_zp);
    const int16_t hires = int16_t(in * (1 << 7));
    const int16_t preshift_out = gemmlowp::SaturatingRoundingDoublingHighMul(hires, output_m16);
    int16_t reluish = hires;
    if (reluish_exponent > 0) reluish = saturating_left_shift(reluish, reluish_exponent - 1);
    reluish = gemmlowp::SaturatingRoundingDoublingHighMul(reluish, reluish_m16);
    if (reluish_exponent > 0) reluish = saturating_left_shift(reluish, 1);
    if (reluish_exponent < 0) reluish = gemmlowp::RoundingDivideByPOT(reluish, -reluish_exponent);
    reluish = int16_t((reluish + (1 << 15)) >> 1);
    const int16_t preshift = saturating_doubling_high_mul(reluish, preshift_out);
    int16_t out = gemmlowp::RoundingDivideByPOT(preshift, -output_exponent);
    out = int16_t(out + out_zp);
    t[lut_index(x)] = int8_t(std::clamp<int16_t>(out, -128, 127));
  }
  return t;
}

LutTable leaky_relu_table(float in_scale, int32_t in_zp, float out_scale, int32_t out_zp, float alpha) {
  if (!(alpha >= 0.0f) || !std::isfinite(alpha))
    throw Error(fmt::format("leaky_relu: alpha {} unsupported; supported: a finite alpha >= 0", alpha));
  int32_t alpha_mult, identity_mult;
  int alpha_shift, identity_shift;
  quantize_multiplier(double(in_scale * alpha / out_scale), &alpha_mult, &alpha_shift);
  quantize_multiplier(double(in_scale / out_scale), &identity_mult, &identity_shift);
  LutTable t{};
  for (int32_t x = -128; x <= 127; ++x) {
    const int32_t in = x - in_zp;
    const int32_t scaled = in >= 0 ? multiply_by_quantized_multiplier(in, identity_mult, identity_shift)
                                   : multiply_by_quantized_multiplier(in, alpha_mult, alpha_shift);
    t[lut_index(x)] = clamp8(wrapping_add(out_zp, scaled));
  }
  return t;
}

LutTable float_function_table(float in_scale, int32_t in_zp, float out_scale, int32_t out_zp,
                              const std::function<float(float)>& f, LutRounding rounding) {
  const float inverse_scale = 1 / out_scale;
  LutTable t{};
  for (int32_t x = -128; x <= 127; ++x) {
    const float dequantized = in_scale * float(x - in_zp);
    const float scaled = f(dequantized) * inverse_scale;
    const float rounded = rounding == LutRounding::HalfToEven ? std::nearbyint(scaled) : std::round(scaled);
    // Beyond int32 (TFLite leaves it undefined) the clamp bound of the sign.
    const float limited = std::clamp(rounded + float(out_zp), -1000.0f, 1000.0f);
    t[lut_index(x)] = std::isnan(limited) ? int8_t(std::clamp(out_zp, -128, 127)) : clamp8(int32_t(limited));
  }
  return t;
}

LutTable elu_table(float in_scale, int32_t in_zp, float out_scale, int32_t out_zp) {
  return float_function_table(in_scale, in_zp, out_scale, out_zp,
                              [](float v) { return v < 0.0f ? std::exp(v) - 1.0f : v; });
}

}  // namespace kiln::kernels
