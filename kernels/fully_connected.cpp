#include "kernels/fully_connected.h"

#include <algorithm>

#include "kernels/check.h"
#include "kernels/requantize.h"

namespace kiln::kernels {

namespace {
constexpr const char* kOp = "fully_connected";
constexpr int64_t kMaxReduction = 65536;  // see conv2d.cpp
}  // namespace

void validate(const FullyConnectedParams& p) {
  check::dim(kOp, "batches", p.batches);
  check::range(kOp, "in_features", p.in_features, 1, kMaxReduction);
  check::dim(kOp, "out_features", p.out_features);
  check::elements(kOp, "input", int64_t(p.batches) * p.in_features);
  check::elements(kOp, "output", int64_t(p.batches) * p.out_features);
  check::elements(kOp, "weights", int64_t(p.out_features) * p.in_features);
  check::zero_point(kOp, "in_zp", p.in_zp);
  check::zero_point(kOp, "out_zp", p.out_zp);
  check::activation(kOp, p.act_min, p.act_max);
}

uint64_t macs(const FullyConnectedParams& p) { return uint64_t(p.batches) * p.in_features * p.out_features; }

void fully_connected(const FullyConnectedParams& p, const int8_t* in, const int8_t* weights, const int32_t* bias,
                     const int32_t* mult, const int32_t* shift, int8_t* out) {
  validate(p);
  check::per_channel(kOp, mult, shift, p.out_features);
  const int32_t input_offset = -p.in_zp;
  for (int b = 0; b < p.batches; ++b) {
    const int8_t* x = in + size_t(b) * p.in_features;
    for (int o = 0; o < p.out_features; ++o) {
      const int8_t* w = weights + size_t(o) * p.in_features;
      int32_t acc = 0;
      for (int i = 0; i < p.in_features; ++i) acc += int32_t(w[i]) * (int32_t(x[i]) + input_offset);
      if (bias) acc = static_cast<int32_t>(uint32_t(acc) + uint32_t(bias[o]));  // wraps as on the target
      acc = multiply_by_quantized_multiplier(acc, mult[o], shift[o]) + p.out_zp;
      *out++ = static_cast<int8_t>(std::min(std::max(acc, p.act_min), p.act_max));
    }
  }
}

}  // namespace kiln::kernels
