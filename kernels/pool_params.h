// Parameters of the int8 pooling kernels (avg_pool.h, max_pool.h): NHWC input
// and output with c channels, a kh x kw window, explicit top/left padding.
// Both kernels need input and output with the same scale and zero point (as
// TFLite requires), so there are no zero points here.
#pragma once

#include <cstdint>

namespace kiln::kernels {

struct PoolParams {
  int batches = 1;
  int in_h = 0, in_w = 0, c = 0;
  int out_h = 0, out_w = 0;
  int kh = 1, kw = 1;
  int stride_h = 1, stride_w = 1;
  int pad_top = 0, pad_left = 0;
  int32_t act_min = -128, act_max = 127;
};

// Throws kiln::Error "<op>: <param>: ..." (op is "avg_pool" or "max_pool").
void validate(const PoolParams& p, const char* op);

// Window elements visited by one call (every tap of every output, padding included).
uint64_t macs(const PoolParams& p);

}  // namespace kiln::kernels
