// Parameter validation shared by the kernels: every kernel checks its
// parameters before touching memory and throws kiln::Error naming the op and
// the bad parameter ("conv2d: stride_h: must be in [1, 16777216], got 0"),
// so a wrong command stream or a compiler bug never turns into a crash.
#pragma once

#include <cstdint>
#include <string>

namespace kiln::kernels::check {

// Largest extent of any dimension, kernel size, stride or padding; keeps every
// coordinate computation of the kernels inside int.
constexpr int64_t kMaxDim = int64_t(1) << 24;
// Largest element count of one tensor.
constexpr int64_t kMaxElements = (int64_t(1) << 31) - 1;

[[noreturn]] void fail(const char* op, const char* param, const std::string& what);

// lo <= value <= hi.
void range(const char* op, const char* param, int64_t value, int64_t lo, int64_t hi);
// 1 <= value <= kMaxDim.
void dim(const char* op, const char* param, int64_t value);
// A product of dimensions (an element count) stays within kMaxElements.
void elements(const char* op, const char* what, int64_t count);
// A zero point of an int8 tensor.
void zero_point(const char* op, const char* param, int32_t zp);
// -128 <= act_min <= act_max <= 127.
void activation(const char* op, int32_t act_min, int32_t act_max);
// A requantization multiplier (Q31, non-negative) and shift (TFLite range).
void multiplier(const char* op, const char* param, int32_t multiplier);
void shift(const char* op, const char* param, int32_t shift, int32_t lo = -31, int32_t hi = 30);
// Per-channel arrays: every multiplier and shift valid.
void per_channel(const char* op, const int32_t* multipliers, const int32_t* shifts, int64_t channels);

// Longest reduction whose int32 accumulator cannot overflow with symmetric
// weights: |w| <= 128 and |x - zp| <= 255 give |term| <= 32640, and
// 65536 * 32640 < 2^31.
constexpr int64_t kMaxReduction = 65536;
// The same with weight zero points: |w - w_zp| <= 255 too, |term| <= 65025,
// and 32768 * 65025 < 2^31.
constexpr int64_t kMaxReductionWithWeightZp = 32768;
// Weight zero points, one per output channel (nullptr: all zero): each in
// [-128, 127]; when any is non-zero, `reduction` (named `reduction_name`) at
// most kMaxReductionWithWeightZp.
void weight_zero_points(const char* op, const int32_t* zps, int64_t channels, int64_t reduction,
                        const char* reduction_name);
// True when `zps` is non-null and holds a non-zero value.
bool any_nonzero(const int32_t* zps, int64_t channels);

// One spatial axis of a sliding window (conv, depthwise, pooling): the
// dilated kernel fits kMaxDim, and the first and the last output window both
// overlap the input, so no output is made of padding only.
// Names are the parameter names of the axis, e.g. {"in_h","out_h","kh","stride_h","dil_h","pad_top"}.
struct WindowAxisNames {
  const char* in;
  const char* out;
  const char* kernel;
  const char* stride;
  const char* dilation;  // nullptr when the op has no dilation
  const char* pad;
};
void window_axis(const char* op, const WindowAxisNames& names, int64_t in, int64_t out, int64_t kernel,
                 int64_t stride, int64_t dilation, int64_t pad);

}  // namespace kiln::kernels::check
