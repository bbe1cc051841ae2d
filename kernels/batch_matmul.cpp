#include "kernels/batch_matmul.h"

#include <algorithm>
#include <vector>

#include <fmt/format.h>

#include "kernels/check.h"
#include "kernels/int8_gemm.h"
#include "kernels/requantize.h"

namespace kiln::kernels {

namespace {
constexpr const char* kOp = "batch_matmul";
}  // namespace

int BatchMatMulParams::batch(int i) const {
  const int l[] = {lhs_b0, lhs_b1, lhs_b2}, r[] = {rhs_b0, rhs_b1, rhs_b2};
  return std::max(l[i], r[i]);
}

void validate(const BatchMatMulParams& p) {
  const char* const lhs_names[] = {"lhs_b0", "lhs_b1", "lhs_b2"};
  const char* const rhs_names[] = {"rhs_b0", "rhs_b1", "rhs_b2"};
  const int lhs[] = {p.lhs_b0, p.lhs_b1, p.lhs_b2}, rhs[] = {p.rhs_b0, p.rhs_b1, p.rhs_b2};
  for (int i = 0; i < 3; ++i) {
    check::dim(kOp, lhs_names[i], lhs[i]);
    check::dim(kOp, rhs_names[i], rhs[i]);
    if (lhs[i] != rhs[i] && lhs[i] != 1 && rhs[i] != 1)
      check::fail(kOp, rhs_names[i],
                  fmt::format("{} differs from {} {} and neither is 1 (broadcast)", rhs[i], lhs_names[i], lhs[i]));
  }
  check::dim(kOp, "rows", p.rows);
  check::dim(kOp, "cols", p.cols);
  // |lhs - lhs_zp| and |rhs - rhs_zp| are at most 255, or 128 for a zero point of 0.
  const int64_t longest = p.lhs_zp != 0 && p.rhs_zp != 0 ? check::kMaxReductionWithWeightZp : check::kMaxReduction;
  check::range(kOp, "depth", p.depth, 1, longest);
  check::range(kOp, "adj_x", p.adj_x, 0, 1);
  check::range(kOp, "adj_y", p.adj_y, 0, 1);
  check::elements(kOp, "lhs", p.lhs_elements());
  check::elements(kOp, "rhs", p.rhs_elements());
  check::elements(kOp, "output", p.out_elements());
  check::zero_point(kOp, "lhs_zp", p.lhs_zp);
  check::zero_point(kOp, "rhs_zp", p.rhs_zp);
  check::zero_point(kOp, "out_zp", p.out_zp);
  check::multiplier(kOp, "mult", p.mult);
  check::shift(kOp, "shift", p.shift);
  check::activation(kOp, p.act_min, p.act_max);
}

uint64_t macs(const BatchMatMulParams& p) { return uint64_t(p.batches()) * p.rows * p.depth * p.cols; }

void batch_matmul(const BatchMatMulParams& p, const int8_t* lhs, const int8_t* rhs, int8_t* out) {
  validate(p);
  const int64_t lhs_matrix = int64_t(p.rows) * p.depth, rhs_matrix = int64_t(p.depth) * p.cols;
  const int64_t out_matrix = int64_t(p.rows) * p.cols;
  thread_local std::vector<int8_t> transposed;  // an adj_x LHS matrix as rows x depth
  thread_local std::vector<int32_t> acc;
  thread_local std::vector<int32_t> rhs_zp;     // the RHS zero point once per column
  acc.resize(size_t(out_matrix));
  rhs_zp.assign(size_t(p.cols), p.rhs_zp);
  if (p.adj_x) transposed.resize(size_t(lhs_matrix));
  Int8GemmArgs g;
  g.m = p.rows, g.n = p.cols, g.k = p.depth;
  g.a_stride = size_t(p.depth);
  g.a_zp = p.lhs_zp;
  g.b_layout = p.adj_y ? GemmBLayout::NxK : GemmBLayout::KxN;
  g.b_zp = p.rhs_zp != 0 ? rhs_zp.data() : nullptr;
  // The matrix of an operand with batch dimensions d at output batch (b0,
  // b1, b2): along a dimension of 1 it is read again for every index.
  const auto matrix = [](int d0, int d1, int d2, int b0, int b1, int b2) {
    return (int64_t(d0 > 1 ? b0 : 0) * d1 + (d1 > 1 ? b1 : 0)) * d2 + (d2 > 1 ? b2 : 0);
  };
  int64_t o = 0;
  for (int b0 = 0; b0 < p.batch(0); ++b0)
    for (int b1 = 0; b1 < p.batch(1); ++b1)
      for (int b2 = 0; b2 < p.batch(2); ++b2, ++o) {
        const int64_t li = matrix(p.lhs_b0, p.lhs_b1, p.lhs_b2, b0, b1, b2);
        const int64_t ri = matrix(p.rhs_b0, p.rhs_b1, p.rhs_b2, b0, b1, b2);
        const int8_t* a = lhs + li * lhs_matrix;
        if (p.adj_x) {
          for (int k = 0; k < p.depth; ++k)
            for (int i = 0; i < p.rows; ++i)
              transposed[size_t(int64_t(i) * p.depth + k)] = a[int64_t(k) * p.rows + i];
          a = transposed.data();
        }
        g.a = a;
        g.b = rhs + ri * rhs_matrix;
        int8_gemm(g, acc.data());
        int8_t* dst = out + o * out_matrix;
        for (int64_t e = 0; e < out_matrix; ++e)
          dst[e] = requantize_accumulator(acc[size_t(e)], p.mult, p.shift, p.out_zp, p.act_min, p.act_max);
      }
}

}  // namespace kiln::kernels
