#include "kernels/reduce.h"

#include <algorithm>
#include <vector>

#include <fmt/format.h>

#include "kernels/check.h"
#include "kernels/requantize.h"

namespace kiln::kernels {

int64_t ReduceParams::in_elements() const {
  int64_t n = 1;
  for (int d : dims()) n *= d;
  return n;
}

int64_t ReduceParams::out_elements() const {
  int64_t n = 1;
  for (int i = 0; i < kMaxReduceRank; ++i) n *= reduced()[size_t(i)] ? 1 : dims()[size_t(i)];
  return n;
}

ReduceParams reduce_params(const char* op, const int32_t* shape, int rank, const int64_t* axes,
                                         size_t axis_count) {
  if (rank < 1 || rank > kMaxReduceRank)
    check::fail(op, "shape", fmt::format("rank {} unsupported; supported: 1 to {}", rank, kMaxReduceRank));
  std::array<int, kMaxReduceRank> d{1, 1, 1, 1, 1, 1}, r{};
  const int lead = kMaxReduceRank - rank;
  for (int i = 0; i < rank; ++i) d[size_t(lead + i)] = shape[i];
  for (size_t k = 0; k < axis_count; ++k) {
    // As TFLite's ResolveAxis: negative counts from the back; a repeat counts once.
    const int64_t a = axes[k] < 0 ? axes[k] + rank : axes[k];
    if (a < 0 || a >= rank)
      check::fail(op, "axis", fmt::format("{} is outside the input's rank {}", axes[k], rank));
    r[size_t(lead + a)] = 1;
  }
  ReduceParams p;
  p.d0 = d[0], p.d1 = d[1], p.d2 = d[2], p.d3 = d[3], p.d4 = d[4], p.d5 = d[5];
  p.r0 = r[0], p.r1 = r[1], p.r2 = r[2], p.r3 = r[3], p.r4 = r[4], p.r5 = r[5];
  return p;
}

void validate(const ReduceParams& p, const char* op) {
  static const char* const dim_names[] = {"d0", "d1", "d2", "d3", "d4", "d5"};
  static const char* const flag_names[] = {"r0", "r1", "r2", "r3", "r4", "r5"};
  for (size_t i = 0; i < size_t(kMaxReduceRank); ++i) {
    check::dim(op, dim_names[i], p.dims()[i]);
    check::range(op, flag_names[i], p.reduced()[i], 0, 1);
  }
  check::elements(op, "input", p.in_elements());
  // SUM's rescale; REDUCE_MAX and REDUCE_MIN leave these 0.
  check::zero_point(op, "in_zp", p.in_zp);
  check::zero_point(op, "out_zp", p.out_zp);
  check::multiplier(op, "mult", p.mult);
  check::shift(op, "shift", p.shift);
}

namespace {

// Walks the input in row-major order and calls visit(output index, input
// value); the output index drops the reduced dimensions, so each output
// element sees exactly its inputs.
template <class Visit>
void for_each_input(const ReduceParams& p, const int8_t* in, Visit visit) {
  const auto d = p.dims();
  const auto r = p.reduced();
  // The output stride of each input dimension: 0 along a reduced one.
  std::array<int64_t, kMaxReduceRank> stride{};
  int64_t s = 1;
  for (int i = kMaxReduceRank - 1; i >= 0; --i) {
    stride[size_t(i)] = r[size_t(i)] ? 0 : s;
    if (!r[size_t(i)]) s *= d[size_t(i)];
  }
  int64_t i = 0;
  for (int64_t a = 0; a < d[0]; ++a)
    for (int64_t b = 0; b < d[1]; ++b)
      for (int64_t c = 0; c < d[2]; ++c)
        for (int64_t e = 0; e < d[3]; ++e)
          for (int64_t f = 0; f < d[4]; ++f) {
            const int64_t base = a * stride[0] + b * stride[1] + c * stride[2] + e * stride[3] + f * stride[4];
            for (int64_t g = 0; g < d[5]; ++g, ++i) visit(base + g * stride[5], in[i]);
          }
}

template <class Pick>
void reduce(const ReduceParams& p, const int8_t* in, int8_t* out, int8_t init, Pick pick) {
  std::fill(out, out + p.out_elements(), init);
  for_each_input(p, in, [&](int64_t o, int8_t v) { out[o] = pick(out[o], v); });
}

}  // namespace

void reduce_max(const ReduceParams& p, const int8_t* in, int8_t* out) {
  // TFLite's initial value for max is the type's lowest.
  reduce(p, in, out, int8_t(-128), [](int8_t a, int8_t b) { return std::max(a, b); });
}

void reduce_min(const ReduceParams& p, const int8_t* in, int8_t* out) {
  reduce(p, in, out, int8_t(127), [](int8_t a, int8_t b) { return std::min(a, b); });
}

void reduce_sum(const ReduceParams& p, const int8_t* in, int8_t* out) {
  // TFLite adds in int32 with expected overflow: wrapping, as unsigned.
  std::vector<uint32_t> sum(size_t(p.out_elements()), 0);
  for_each_input(p, in, [&](int64_t o, int8_t v) { sum[size_t(o)] += uint32_t(int32_t(v)); });
  const int64_t count = p.in_elements() / p.out_elements();
  for (size_t o = 0; o < sum.size(); ++o) {
    // As TFLite: the int64 difference cast back to the int32 accumulator type.
    const int32_t shifted = int32_t(uint32_t(int64_t(int32_t(sum[o])) - int64_t(p.in_zp) * count));
    out[o] = add_zero_point_and_clamp(multiply_by_quantized_multiplier(shifted, p.mult, p.shift), p.out_zp, -128, 127);
  }
}

}  // namespace kiln::kernels
