// Reductions of an int8 tensor over some of its dimensions, as TFLite
// Micro's int8 reference computes them: each output element combines the
// input elements that differ from it only along the reduced dimensions.
// - REDUCE_MAX, REDUCE_MIN (reference_ops::ReduceGeneric with its max or min
//   reducer): the largest (smallest) stored value. The input and output share
//   one scale and zero point, as TFLite Micro requires, so that the stored
//   extremum is the real one.
// - SUM (reference_ops::QuantizedMeanOrSum with compute_sum): the stored
//   values summed in int32 (wrapping, as TFLite's expected-overflow add),
//   less in_zp times the count, rescaled by (mult, shift) =
//   quantize_multiplier(input_scale / output_scale), plus out_zp, clamped.
// The output holds the kept dimensions in order; whether the reduced ones
// stay as 1s (keep_dims) changes its shape, not its contents.
// Up to kMaxReduceRank dimensions; a tensor of lower rank is described with
// leading dimensions of 1, not reduced.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

namespace kiln::kernels {

constexpr int kMaxReduceRank = 6;

struct ReduceParams {
  // The input's shape, outermost first, and per dimension 1 when it is
  // reduced. Members rather than arrays: one MCU argument binds one integer member.
  int d0 = 1, d1 = 1, d2 = 1, d3 = 1, d4 = 1, d5 = 1;
  int r0 = 0, r1 = 0, r2 = 0, r3 = 0, r4 = 0, r5 = 0;
  // SUM only: the zero points and the rescale of input_scale / output_scale.
  int32_t in_zp = 0, out_zp = 0, mult = 0;
  int shift = 0;

  std::array<int, kMaxReduceRank> dims() const { return {d0, d1, d2, d3, d4, d5}; }
  std::array<int, kMaxReduceRank> reduced() const { return {r0, r1, r2, r3, r4, r5}; }
  int64_t in_elements() const;
  int64_t out_elements() const;  // the product of the kept dimensions
};

// The shape and reduced dimensions of a reduction of `shape` (rank 1 to
// kMaxReduceRank) over `axes` (TFLite's axis tensor: negative counts from the
// back, repeats count once). Throws kiln::Error "<op>: axis: ..." for an axis
// outside the rank.
ReduceParams reduce_params(const char* op, const int32_t* shape, int rank, const int64_t* axes, size_t axis_count);

// Every dimension in [1, 2^24], every flag 0 or 1, at most 2^31 - 1 input
// elements, int8 zero points and a valid rescale (0 for REDUCE_MAX, REDUCE_MIN). Throws
// kiln::Error "<op>: <param>: ..." (op: "reduce_max", "reduce_min" or "sum").
void validate(const ReduceParams& p, const char* op);

void reduce_max(const ReduceParams& p, const int8_t* in, int8_t* out);
void reduce_min(const ReduceParams& p, const int8_t* in, int8_t* out);
void reduce_sum(const ReduceParams& p, const int8_t* in, int8_t* out);

}  // namespace kiln::kernels
