#include "kernels/check.h"

#include <fmt/format.h>

#include "arch/error.h"

namespace kiln::kernels::check {

void fail(const char* op, const char* param, const std::string& what) {
  throw Error(fmt::format("{}: {}: {}", op, param, what));
}

void range(const char* op, const char* param, int64_t value, int64_t lo, int64_t hi) {
  if (value < lo || value > hi) fail(op, param, fmt::format("must be in [{}, {}], got {}", lo, hi, value));
}

void dim(const char* op, const char* param, int64_t value) { range(op, param, value, 1, kMaxDim); }

void elements(const char* op, const char* what, int64_t count) {
  if (count > kMaxElements) fail(op, what, fmt::format("{} elements exceed the limit of {}", count, kMaxElements));
}

void zero_point(const char* op, const char* param, int32_t zp) { range(op, param, zp, -128, 127); }

void activation(const char* op, int32_t act_min, int32_t act_max) {
  range(op, "act_min", act_min, -128, 127);
  range(op, "act_max", act_max, -128, 127);
  if (act_min > act_max) fail(op, "act_min", fmt::format("{} is greater than act_max {}", act_min, act_max));
}

void multiplier(const char* op, const char* param, int32_t m) {
  if (m < 0) fail(op, param, fmt::format("multiplier must be non-negative, got {}", m));
}

void shift(const char* op, const char* param, int32_t s, int32_t lo, int32_t hi) { range(op, param, s, lo, hi); }

void per_channel(const char* op, const int32_t* multipliers, const int32_t* shifts, int64_t channels) {
  if (!multipliers) fail(op, "mult", "per-channel multiplier array is missing");
  if (!shifts) fail(op, "shift", "per-channel shift array is missing");
  for (int64_t c = 0; c < channels; ++c) {
    if (multipliers[c] < 0)
      fail(op, "mult", fmt::format("channel {}: multiplier must be non-negative, got {}", c, multipliers[c]));
    if (shifts[c] < -31 || shifts[c] > 30)
      fail(op, "shift", fmt::format("channel {}: must be in [-31, 30], got {}", c, shifts[c]));
  }
}

void weight_zero_points(const char* op, const int32_t* zps, int64_t channels, int64_t reduction,
                        const char* reduction_name) {
  if (!zps) return;
  for (int64_t c = 0; c < channels; ++c)
    if (zps[c] < -128 || zps[c] > 127)
      fail(op, "weight_zp", fmt::format("channel {}: must be in [-128, 127], got {}", c, zps[c]));
  if (any_nonzero(zps, channels) && reduction > kMaxReductionWithWeightZp)
    fail(op, "weight_zp",
         fmt::format("non-zero with {} = {}: above {} the int32 accumulator could overflow", reduction_name, reduction,
                     kMaxReductionWithWeightZp));
}

bool any_nonzero(const int32_t* zps, int64_t channels) {
  if (!zps) return false;
  for (int64_t c = 0; c < channels; ++c)
    if (zps[c] != 0) return true;
  return false;
}

void window_axis(const char* op, const WindowAxisNames& n, int64_t in, int64_t out, int64_t kernel, int64_t stride,
                 int64_t dilation, int64_t pad) {
  dim(op, n.in, in);
  dim(op, n.out, out);
  dim(op, n.kernel, kernel);
  dim(op, n.stride, stride);
  if (n.dilation) dim(op, n.dilation, dilation);
  range(op, n.pad, pad, 0, kMaxDim);
  const int64_t extent = (kernel - 1) * dilation + 1;
  if (extent > kMaxDim)
    fail(op, n.kernel, fmt::format("dilated extent {} exceeds {}", extent, kMaxDim));
  if (pad >= extent)
    fail(op, n.pad, fmt::format("{} leaves the first window ({} wide) entirely in the padding", pad, extent));
  const int64_t last_origin = (out - 1) * stride - pad;
  if (last_origin >= in)
    fail(op, n.out, fmt::format("{} puts the last window at {} past the input extent {} ({} {}, {} {})", out,
                                last_origin, in, n.stride, stride, n.pad, pad));
}

}  // namespace kiln::kernels::check
