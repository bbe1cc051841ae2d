// The index of the largest (ARG_MAX) or smallest (ARG_MIN) int8 value along
// one axis, TFLite reference_ops::ArgMinMax with TFLite Micro's strict
// greater / less comparison: the first index wins a tie. The input is seen
// as outer x axis_size x inner (the dimensions before the axis, the axis,
// the dimensions after it); the output, outer x inner int32 indices, drops
// the axis. The stored values are compared, as TFLite does: a scale is
// positive, so their order is the real values' order.
#pragma once

#include <cstdint>

namespace kiln::kernels {

struct ArgMinMaxParams {
  int outer = 1;      // product of the dimensions before the axis
  int axis_size = 1;  // the axis
  int inner = 1;      // product of the dimensions after the axis

  int64_t in_elements() const { return int64_t(outer) * axis_size * inner; }
  int64_t out_elements() const { return int64_t(outer) * inner; }
};

// Each extent in [1, 2^31 - 1] and the input's elements too. Throws
// kiln::Error "<op>: <param>: ..." (op: "arg_max" or "arg_min").
void validate(const ArgMinMaxParams& p, const char* op);

void arg_max(const ArgMinMaxParams& p, const int8_t* in, int32_t* out);
void arg_min(const ArgMinMaxParams& p, const int8_t* in, int32_t* out);

}  // namespace kiln::kernels
