#include "kernels/float_binary.h"

#include "kernels/check.h"
#include "kernels/float_bytes.h"

namespace kiln::kernels {

namespace {

// Element strides of an input over the output's dimensions: 0 along a repeated one.
std::array<int64_t, kFloatBinaryRank> strides(const FloatBinaryParams& p, int32_t mask) {
  std::array<int64_t, kFloatBinaryRank> s{};
  const auto d = p.dims();
  int64_t stride = 1;
  for (int k = kFloatBinaryRank - 1; k >= 0; --k) {
    if (mask >> k & 1) continue;
    s[size_t(k)] = stride;
    stride *= d[size_t(k)];
  }
  return s;
}

template <class Op>
void apply(const FloatBinaryParams& p, const uint8_t* in1, const uint8_t* in2, uint8_t* out, Op op) {
  const auto d = p.dims();
  const auto s1 = strides(p, p.in1_mask), s2 = strides(p, p.in2_mask);
  std::array<int64_t, kFloatBinaryRank> at{};
  int64_t o1 = 0, o2 = 0;
  for (int64_t i = 0, n = p.count(); i < n; ++i) {
    store_f32(op(load_f32(in1 + 4 * o1), load_f32(in2 + 4 * o2)), out + 4 * i);
    // The next output index, row-major, and the inputs' offsets with it.
    for (int k = kFloatBinaryRank - 1; k >= 0; --k) {
      const size_t j = size_t(k);
      o1 += s1[j], o2 += s2[j];
      if (++at[j] < d[j]) break;
      o1 -= s1[j] * d[j], o2 -= s2[j] * d[j];
      at[j] = 0;
    }
  }
}

}  // namespace

int64_t FloatBinaryParams::count() const { return in_count(0); }

int64_t FloatBinaryParams::in_count(int32_t mask) const {
  int64_t n = 1;
  const auto d = dims();
  for (int k = 0; k < kFloatBinaryRank; ++k)
    if (!(mask >> k & 1)) n *= d[size_t(k)];
  return n;
}

void validate(const FloatBinaryParams& p) {
  static const char* const kNames[kFloatBinaryRank] = {"d0", "d1", "d2", "d3", "d4", "d5"};
  const auto d = p.dims();
  for (int k = 0; k < kFloatBinaryRank; ++k) check::dim("float_binary", kNames[k], d[size_t(k)]);
  check::elements("float_binary", "output", p.count());
  check::range("float_binary", "in1_mask", p.in1_mask, 0, (1 << kFloatBinaryRank) - 1);
  check::range("float_binary", "in2_mask", p.in2_mask, 0, (1 << kFloatBinaryRank) - 1);
  check::range("float_binary", "op", p.op, kFloatAdd, kFloatMinimum);
}

uint64_t divisions(const FloatBinaryParams& p) { return p.op == kFloatDiv ? uint64_t(p.count()) : 0; }

void float_binary(const FloatBinaryParams& p, const uint8_t* in1, const uint8_t* in2, uint8_t* out) {
  validate(p);
  switch (p.op) {
    case kFloatAdd: return apply(p, in1, in2, out, [](float a, float b) { return a + b; });
    case kFloatSub: return apply(p, in1, in2, out, [](float a, float b) { return a - b; });
    case kFloatMul: return apply(p, in1, in2, out, [](float a, float b) { return a * b; });
    case kFloatDiv: return apply(p, in1, in2, out, [](float a, float b) { return a / b; });
    case kFloatMaximum: return apply(p, in1, in2, out, [](float a, float b) { return a > b ? a : b; });
    default: return apply(p, in1, in2, out, [](float a, float b) { return a < b ? a : b; });
  }
}

}  // namespace kiln::kernels
