#include "kernels/fully_connected.h"

#include <algorithm>
#include <vector>

#include "kernels/check.h"
#include "kernels/int8_gemm.h"
#include "kernels/requantize.h"

namespace kiln::kernels {

namespace {
constexpr const char* kOp = "fully_connected";
}  // namespace

void validate(const FullyConnectedParams& p) {
  check::dim(kOp, "batches", p.batches);
  check::range(kOp, "in_features", p.in_features, 1, check::kMaxReduction);
  check::dim(kOp, "out_features", p.out_features);
  check::elements(kOp, "input", int64_t(p.batches) * p.in_features);
  check::elements(kOp, "output", int64_t(p.batches) * p.out_features);
  check::elements(kOp, "weights", int64_t(p.out_features) * p.in_features);
  check::zero_point(kOp, "in_zp", p.in_zp);
  check::zero_point(kOp, "out_zp", p.out_zp);
  check::activation(kOp, p.act_min, p.act_max);
}

void validate(const FullyConnectedParams& p, const int32_t* weight_zp) {
  validate(p);
  check::weight_zero_points(kOp, weight_zp, p.out_features, p.in_features, "in_features");
}

uint64_t macs(const FullyConnectedParams& p) { return uint64_t(p.batches) * p.in_features * p.out_features; }

namespace {

// Calls emit(o, acc) for every output, batch-major, with acc = sum_i
// (w[o][i] - weight_zp[o]) * (x[i] - in_zp) + bias[o] (wrapping), the
// products summed by int8_gemm (inputs as A, the [out][in] weights as B).
// The caller has validated p and weight_zp.
template <class Emit>
void accumulate(const FullyConnectedParams& p, const int8_t* in, const int8_t* weights, const int32_t* weight_zp,
                const int32_t* bias, Emit emit) {
  thread_local std::vector<int32_t> acc;
  acc.resize(size_t(p.batches) * p.out_features);
  Int8GemmArgs g;
  g.m = p.batches;
  g.n = p.out_features;
  g.k = p.in_features;
  g.a = in;
  g.a_stride = size_t(p.in_features);
  g.a_zp = p.in_zp;
  g.b = weights;
  g.b_layout = GemmBLayout::NxK;
  g.b_zp = weight_zp;
  int8_gemm(g, acc.data());
  const int32_t* value = acc.data();
  for (int b = 0; b < p.batches; ++b)
    for (int o = 0; o < p.out_features; ++o, ++value)
      emit(o, bias ? int32_t(uint32_t(*value) + uint32_t(bias[o])) : *value);  // wraps as on the target
}

}  // namespace

void fully_connected(const FullyConnectedParams& p, const int8_t* in, const int8_t* weights, const int32_t* bias,
                     const int32_t* mult, const int32_t* shift, int8_t* out) {
  fully_connected(p, in, weights, nullptr, bias, mult, shift, out);
}

void fully_connected(const FullyConnectedParams& p, const int8_t* in, const int8_t* weights, const int32_t* weight_zp,
                     const int32_t* bias, const int32_t* mult, const int32_t* shift, int8_t* out) {
  validate(p, weight_zp);
  check::per_channel(kOp, mult, shift, p.out_features);
  accumulate(p, in, weights, weight_zp, bias, [&](int o, int32_t acc) {
    *out++ = requantize_accumulator(acc, mult[o], shift[o], p.out_zp, p.act_min, p.act_max);
  });
}

void fully_connected_accumulators(const FullyConnectedParams& p, const int8_t* in, const int8_t* weights,
                                  const int32_t* weight_zp, const int32_t* bias, int32_t* out) {
  validate(p, weight_zp);
  accumulate(p, in, weights, weight_zp, bias, [&](int, int32_t acc) { *out++ = acc; });
}

}  // namespace kiln::kernels
