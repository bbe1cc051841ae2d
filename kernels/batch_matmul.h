// Batched matrix product of two int8 tensors, TFLite Micro's int8
// BATCH_MATMUL (batch_matmul.cc with reference_ops::BatchMatMul): for each
// batch, output matrix [rows][cols] of
//   acc = sum_k (lhs[i][k] - lhs_zp) * (rhs[k][j] - rhs_zp)       (int32)
//   out = clamp(mbqm(acc, mult, shift) + out_zp, act_min, act_max)
// where (mult, shift) is QuantizeMultiplier of float(lhs_scale * rhs_scale)
// / out_scale in double, as GetQuantizedConvolutionMultipler computes it.
// Under adj_x each LHS matrix is stored transposed (depth x rows), under
// adj_y each RHS matrix (cols x depth); TFLite Micro transposes them into a
// buffer first, which moves bytes and changes no sum. Both operands have up
// to three batch dimensions (rank 5, TFLite Micro's limit), outermost first
// with leading 1s below it; along each, the two are equal or one of them is
// 1 and is read again for every batch of the other (broadcast). TFLite's
// BATCH_MATMUL has no fused activation (act_min -128, act_max 127); an ONNX
// MatMul followed by Relu or Clip clamps tighter.
#pragma once

#include <cstdint>

namespace kiln::kernels {

struct BatchMatMulParams {
  int lhs_b0 = 1, lhs_b1 = 1, lhs_b2 = 1;  // the LHS's batch dimensions
  int rhs_b0 = 1, rhs_b1 = 1, rhs_b2 = 1;  // the RHS's batch dimensions
  int rows = 1;   // rows of each output matrix
  int depth = 1;  // the summed dimension
  int cols = 1;   // columns of each output matrix
  int adj_x = 0;  // 1: each LHS matrix is stored depth x rows
  int adj_y = 0;  // 1: each RHS matrix is stored cols x depth
  int32_t lhs_zp = 0, rhs_zp = 0, out_zp = 0;
  int32_t mult = 0;
  int shift = 0;
  int32_t act_min = -128, act_max = 127;

  // The output's batch dimensions (the larger of the two along each) and their product.
  int batch(int i) const;
  int64_t batches() const { return int64_t(batch(0)) * batch(1) * batch(2); }
  int64_t lhs_elements() const { return int64_t(lhs_b0) * lhs_b1 * lhs_b2 * rows * depth; }
  int64_t rhs_elements() const { return int64_t(rhs_b0) * rhs_b1 * rhs_b2 * depth * cols; }
  int64_t out_elements() const { return batches() * rows * cols; }
};

// Every dimension in [1, 2^24], depth at most 32768 (its int32 sum cannot
// overflow with both zero points), each pair of batch dimensions equal or
// one of them 1, adj_x and adj_y 0 or 1, at most 2^31 - 1 elements per
// tensor, int8 zero points, a valid rescale and clamp. Throws kiln::Error
// "batch_matmul: <param>: ...".
void validate(const BatchMatMulParams& p);

void batch_matmul(const BatchMatMulParams& p, const int8_t* lhs, const int8_t* rhs, int8_t* out);

// rows * depth * cols per output batch.
uint64_t macs(const BatchMatMulParams& p);

}  // namespace kiln::kernels
