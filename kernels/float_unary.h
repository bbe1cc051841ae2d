// A function of one float32 tensor, element by element, as TFLite's float
// reference kernels compute it:
//   clamp       x > b ? b : x < a ? a : x     (RELU, RELU6, ONNX Clip: a = lo, b = hi)
//   leaky_relu  x > 0 ? x : x * a             (LEAKY_RELU, alpha a)
//   hard_sigmoid max(0, min(1, a * x + b))    (ONNX HardSigmoid; TFLite has none)
//   hard_swish  x * min(6, max(0, x + 3)) / 6 (HARD_SWISH)
//   logistic    1 / (1 + exp(-x)), 1 above 16.619047, exp(x) below -9 (LOGISTIC's cut-offs)
//   tanh        std::tanh(x)                  (TANH)
//   elu         x < 0 ? a * expm1(x) : x      (ELU: a = 1)
//   exp         std::exp(x)                   (EXP)
//   sqrt        std::sqrt(x)                  (SQRT)
// in IEEE-754 single precision. a and b travel as their binary32 bits;
// functions without them take 0. Operands are binary32 little-endian bytes
// (kernels/float_bytes.h).
#pragma once

#include <cstdint>

namespace kiln::kernels {

enum FloatUnaryFunction : int32_t {
  kFloatClamp = 0,
  kFloatLeakyRelu = 1,
  kFloatHardSigmoid = 2,
  kFloatHardSwish = 3,
  kFloatLogistic = 4,
  kFloatTanh = 5,
  kFloatElu = 6,
  kFloatExp = 7,
  kFloatSqrt = 8,
};

struct FloatUnaryParams {
  int64_t count = 0;
  int32_t function = kFloatClamp;
  int32_t a_bits = 0, b_bits = 0;  // binary32 bits of the function's parameters
};

// Throws kiln::Error "float_unary: <param>: ...": an unknown function, a
// parameter that is NaN (or infinite, except a clamp's bounds), a clamp
// with a > b, a parameter given to a function that takes none.
void validate(const FloatUnaryParams& p);

// The elements a call passes through the math library (logistic, tanh, elu,
// exp, sqrt: count; else 0): the cost table prices them apart from the
// loop, each call taking tens of times a compare's cycles.
uint64_t library_calls(const FloatUnaryParams& p);

void float_unary(const FloatUnaryParams& p, const uint8_t* in, uint8_t* out);

}  // namespace kiln::kernels
