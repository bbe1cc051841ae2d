// The float edges of a quantized network: TFLite's QUANTIZE from float32 to
// int8 (reference_ops::AffineQuantize) and DEQUANTIZE from int8 to float32
// (reference_ops::Dequantize), as TFLite Micro runs them:
//   quantize:   out = clamp(int32(round(x / float(scale))) + zp, -128, 127)
//   dequantize: out = float(double(scale) * (q - zp))
// round() rounds half away from zero (TfLiteRound); ONNX's QuantizeLinear
// rounds half to even instead, which `rounding` selects. Float operands are
// IEEE-754 binary32 little-endian bytes, as the SoC's memory holds them; the
// scale travels as its binary32 bits (an MCU argument is a 32-bit word).
// Where TFLite's conversion is undefined (NaN, or a quotient beyond int32),
// this saturates: NaN gives the zero point, a quotient beyond int32 the
// clamp bound of its sign.
#pragma once

#include <cstdint>

namespace kiln::kernels {

// How quantize rounds x / scale to an integer.
enum QuantizeRounding : int32_t {
  kRoundHalfAwayFromZero = 0,  // TFLite's QUANTIZE (TfLiteRound)
  kRoundHalfToEven = 1,        // ONNX's QuantizeLinear
};

struct QuantizeParams {
  int64_t count = 0;
  int32_t out_zp = 0;
  int32_t scale_bits = 0;  // binary32 bits of the output scale
  int32_t rounding = kRoundHalfAwayFromZero;
};

struct DequantizeParams {
  int64_t count = 0;
  int32_t in_zp = 0;
  int32_t scale_bits = 0;  // binary32 bits of the input scale
};

// The binary32 bits of a float, and back.
int32_t float_bits(float f);
float bits_float(int32_t bits);

// Throw kiln::Error "quantize: <param>: ..." / "dequantize: ...".
void validate(const QuantizeParams& p);
void validate(const DequantizeParams& p);

void quantize(const QuantizeParams& p, const uint8_t* in_f32, int8_t* out);
void dequantize(const DequantizeParams& p, const int8_t* in, uint8_t* out_f32);

}  // namespace kiln::kernels
