// Concatenation of two int8 tensors along one axis, flattened: both inputs
// are seen as outer x inner (the product of the dimensions before the axis,
// and of the axis and after), output row o is in1's row o then in2's row o.
// TFLite requires the inputs and the output of an int8 CONCATENATION to share
// scale and zero point; a compiler that meets different ones requantizes an
// input first (requantize_tensor.h).
#pragma once

#include <cstdint>

namespace kiln::kernels {

struct Concat2Params {
  int64_t outer = 1;
  int64_t in1_inner = 0, in2_inner = 0;  // elements per outer row
};

// Throws kiln::Error "concat2: <param>: ...".
void validate(const Concat2Params& p);

void concat2(const Concat2Params& p, const int8_t* in1, const int8_t* in2, int8_t* out);

}  // namespace kiln::kernels
