// Concatenation of two float32 tensors along one axis, flattened as concat2
// (concat2.h): both inputs are outer x inner (the product of the dimensions
// before the axis, and of the axis and after), output row o is in1's row o
// then in2's row o. A byte move, as TFLite's CONCATENATION of float tensors;
// more than two inputs join two at a time.
#pragma once

#include <cstdint>

namespace kiln::kernels {

struct FloatConcatParams {
  int64_t outer = 1;
  int64_t in1_inner = 0, in2_inner = 0;  // elements per outer row
};

// Throws kiln::Error "float_concat: <param>: ...".
void validate(const FloatConcatParams& p);

void float_concat(const FloatConcatParams& p, const uint8_t* in1, const uint8_t* in2, uint8_t* out);

}  // namespace kiln::kernels
