#include "kernels/float_unary.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "kernels/check.h"
#include "kernels/float_boundary.h"
#include "kernels/float_bytes.h"

namespace kiln::kernels {

namespace {

template <class F>
void apply(const FloatUnaryParams& p, const uint8_t* in, uint8_t* out, F f) {
  for (int64_t i = 0; i < p.count; ++i) store_f32(f(load_f32(in + 4 * i)), out + 4 * i);
}

void expect_finite(const char* param, int32_t bits) {
  const float v = bits_float(bits);
  if (!std::isfinite(v)) check::fail("float_unary", param, fmt::format("{} is not a finite number", v));
}

void expect_none(const char* param, int32_t bits, int32_t function) {
  if (bits != 0) check::fail("float_unary", param, fmt::format("function {} takes no parameter; must be 0", function));
}

}  // namespace

void validate(const FloatUnaryParams& p) {
  check::range("float_unary", "count", p.count, 1, check::kMaxElements);
  check::range("float_unary", "function", p.function, kFloatClamp, kFloatSqrt);
  switch (p.function) {
    case kFloatClamp: {
      const float lo = bits_float(p.a_bits), hi = bits_float(p.b_bits);
      if (std::isnan(lo) || std::isnan(hi) || lo > hi)
        check::fail("float_unary", "a_bits", fmt::format("clamp bounds [{}, {}] are not an interval", lo, hi));
      break;
    }
    case kFloatLeakyRelu:
    case kFloatElu:
      expect_finite("a_bits", p.a_bits);
      expect_none("b_bits", p.b_bits, p.function);
      break;
    case kFloatHardSigmoid:
      expect_finite("a_bits", p.a_bits);
      expect_finite("b_bits", p.b_bits);
      break;
    default:
      expect_none("a_bits", p.a_bits, p.function);
      expect_none("b_bits", p.b_bits, p.function);
      break;
  }
}

uint64_t library_calls(const FloatUnaryParams& p) {
  const bool calls = p.function == kFloatLogistic || p.function == kFloatTanh || p.function == kFloatElu ||
                     p.function == kFloatExp || p.function == kFloatSqrt;
  return calls ? uint64_t(p.count) : 0;
}

void float_unary(const FloatUnaryParams& p, const uint8_t* in, uint8_t* out) {
  validate(p);
  const float a = bits_float(p.a_bits), b = bits_float(p.b_bits);
  switch (p.function) {
    case kFloatClamp: return apply(p, in, out, [a, b](float x) { return x > b ? b : x < a ? a : x; });
    case kFloatLeakyRelu: return apply(p, in, out, [a](float x) { return x > 0 ? x : x * a; });
    case kFloatHardSigmoid:
      return apply(p, in, out, [a, b](float x) { return std::max(0.0f, std::min(1.0f, a * x + b)); });
    case kFloatHardSwish:
      return apply(p, in, out, [](float x) { return x * std::min(6.0f, std::max(0.0f, x + 3)) / 6; });
    case kFloatLogistic:
      return apply(p, in, out, [](float x) {
        // LOGISTIC's cut-offs: 1 where 1 / (1 + exp(-x)) rounds to 1, exp(x) where it equals it in float.
        if (x > 16.619047164916992188f) return 1.0f;
        if (x < -9.0f) return std::exp(x);
        return 1.0f / (1.0f + std::exp(-x));
      });
    case kFloatTanh: return apply(p, in, out, [](float x) { return std::tanh(x); });
    case kFloatElu: return apply(p, in, out, [a](float x) { return x < 0.0f ? a * std::expm1(x) : x; });
    case kFloatExp: return apply(p, in, out, [](float x) { return std::exp(x); });
    default: return apply(p, in, out, [](float x) { return std::sqrt(x); });
  }
}

}  // namespace kiln::kernels
