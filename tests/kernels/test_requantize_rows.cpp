// requantize_rows (eight channels per instruction on x86 builds with AVX2)
// against the scalar form, element by element, over every shift, the edges of
// int32, multipliers at their limits and channel counts with and without a
// tail of fewer than eight.
#include <catch2/catch.hpp>

#include <cstdint>
#include <limits>
#include <random>
#include <vector>

#include "kernels/requantize.h"
#include "kernels/requantize_rows.h"

using namespace kiln::kernels;

namespace {

struct Case {
  std::vector<int32_t> acc, bias, mult, shift;
  RowRequantize q;
  int rows, channels;
};

Case random_case(std::mt19937& rng, int rows, int channels, bool with_bias) {
  const int32_t edges[] = {0, 1, -1, std::numeric_limits<int32_t>::min(), std::numeric_limits<int32_t>::max(),
                           1 << 30, -(1 << 30), 12345, -12345};
  auto value = [&] {
    return rng() % 4 == 0 ? edges[rng() % (sizeof edges / sizeof edges[0])] : int32_t(rng());
  };
  Case c;
  c.rows = rows;
  c.channels = channels;
  for (int i = 0; i < rows * channels; ++i) c.acc.push_back(value());
  for (int i = 0; i < channels; ++i) {
    c.bias.push_back(value());
    const int32_t m[] = {0, 1, 1 << 30, std::numeric_limits<int32_t>::max(), int32_t((1u << 30) + rng() % (1u << 30))};
    c.mult.push_back(m[rng() % 5]);
    c.shift.push_back(int32_t(rng() % 62) - 31);  // [-31, 30], what the kernels accept
  }
  c.q.bias = with_bias ? c.bias.data() : nullptr;
  c.q.mult = c.mult.data();
  c.q.shift = c.shift.data();
  c.q.out_zp = int32_t(rng() % 256) - 128;
  c.q.act_min = int32_t(rng() % 128) - 128;
  c.q.act_max = c.q.act_min + int32_t(rng() % uint32_t(128 - c.q.act_min));
  return c;
}

}  // namespace

TEST_CASE("requantize_rows equals the scalar requantization element by element", "[kernels][requantize]") {
  std::mt19937 rng(11);
  for (int channels : {1, 7, 8, 9, 16, 23, 64}) {
    for (int trial = 0; trial < 40; ++trial) {
      Case c = random_case(rng, 1 + int(rng() % 9), channels, trial % 2 == 0);
      std::vector<int8_t> fast(c.acc.size()), slow(c.acc.size());
      requantize_rows(c.q, c.acc.data(), c.rows, c.channels, fast.data());
      requantize_rows_scalar(c.q, c.acc.data(), c.rows, c.channels, slow.data());
      REQUIRE(fast == slow);
    }
  }
}

TEST_CASE("requantize_rows_scalar is requantize_accumulator of the accumulator plus the bias", "[kernels][requantize]") {
  std::mt19937 rng(5);
  Case c = random_case(rng, 3, 8, true);
  std::vector<int8_t> out(c.acc.size());
  requantize_rows_scalar(c.q, c.acc.data(), c.rows, c.channels, out.data());
  for (int r = 0; r < c.rows; ++r)
    for (int ch = 0; ch < c.channels; ++ch) {
      const size_t i = size_t(r * c.channels + ch);
      CHECK(out[i] == requantize_accumulator(wrapping_add(c.acc[i], c.bias[size_t(ch)]), c.mult[size_t(ch)],
                                             c.shift[size_t(ch)], c.q.out_zp, c.q.act_min, c.q.act_max));
    }
}

TEST_CASE("requantize_rows saturates INT32_MIN times INT32_MIN and rounds halves away from zero", "[kernels][requantize]") {
  // Eight lanes so that the vector path takes them: lane 0 the saturating
  // product, lanes 1-2 exact halves of either sign after a right shift of 1.
  std::vector<int32_t> acc{std::numeric_limits<int32_t>::min(), 3, -3, 0, 5, -5, 100, -100};
  std::vector<int32_t> mult(8, std::numeric_limits<int32_t>::max()), shift(8, -1);
  mult[0] = std::numeric_limits<int32_t>::min();
  shift[0] = -31;
  RowRequantize q;
  q.mult = mult.data();
  q.shift = shift.data();
  std::vector<int8_t> out(8);
  requantize_rows(q, acc.data(), 1, 8, out.data());
  // INT32_MAX / 2^31 rounds to 1. 3 times a multiplier just under 1 rounds
  // back to 3 in the high multiply, and 3 / 2 = 1.5 rounds away from zero to
  // 2 (-2 for -3); 5 / 2 to 3.
  CHECK(out == std::vector<int8_t>{1, 2, -2, 0, 3, -3, 50, -50});
  std::vector<int8_t> scalar(8);
  requantize_rows_scalar(q, acc.data(), 1, 8, scalar.data());
  CHECK(out == scalar);
}

TEST_CASE("requantize_uniform equals the scalar requantization for every shift", "[kernels][requantize]") {
  std::mt19937 rng(3);
  for (int shift = -31; shift <= 30; ++shift) {
    const int64_t count = 1 + int64_t(rng() % 40);
    std::vector<int32_t> values;
    for (int64_t i = 0; i < count; ++i)
      values.push_back(i % 5 == 0 ? std::numeric_limits<int32_t>::min() + int32_t(i) : int32_t(rng()));
    const int32_t mult = int32_t((1u << 30) + rng() % (1u << 30)), zp = int32_t(rng() % 256) - 128;
    std::vector<int8_t> out(size_t(count), 0);
    requantize_uniform(values.data(), count, mult, shift, zp, -100, 90, out.data());
    for (int64_t i = 0; i < count; ++i)
      REQUIRE(out[size_t(i)] ==
              add_zero_point_and_clamp(multiply_by_quantized_multiplier(values[size_t(i)], mult, shift), zp, -100, 90));
  }
}
