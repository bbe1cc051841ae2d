// A unary int8 function as a 256-entry table: out[i] = table[uint8(in[i])],
// the table indexed by the input's byte (two's complement, so -128 is entry
// 128 and -1 entry 255), as TFLite builds its own int8 lookup tables. Every
// function of one int8 input whose output depends on that input alone
// (LOGISTIC, TANH, HARD_SWISH, LEAKY_RELU, ELU, ONNX's HardSigmoid, ...) is
// exactly such a table for fixed quantization parameters;
// kernels/lut_tables.h builds them as TFLite Micro's kernels compute them.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

namespace kiln::kernels {

constexpr int kLutEntries = 256;
using LutTable = std::array<int8_t, kLutEntries>;

struct LutParams {
  int64_t count = 0;
};

// Throws kiln::Error "lut: <param>: ...".
void validate(const LutParams& p);

void lut(const LutParams& p, const int8_t* in, const int8_t* table, int8_t* out);

// The table entry for input value x.
inline size_t lut_index(int32_t x) { return size_t(uint8_t(int8_t(x))); }

}  // namespace kiln::kernels
