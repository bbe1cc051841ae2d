#include <catch2/catch.hpp>

#include <random>

#include "kernels/fully_connected.h"
#include "tests/kernels/oracle.h"

using namespace kiln;
using kernels::FullyConnectedParams;

TEST_CASE("fully_connected: hand computed with zero points and bias", "[kernels]") {
  FullyConnectedParams p;
  p.in_features = 3, p.out_features = 2, p.in_zp = -1, p.out_zp = 2;
  const std::vector<int8_t> in = {1, 2, 3};           // real 2, 3, 4
  const std::vector<int8_t> w = {1, 0, -1, 2, 2, 2};  // rows: 2 - 4 = -2; 4 + 6 + 8 = 18
  const std::vector<int32_t> bias = {10, -3}, mult(2, 1 << 30), shift(2, 1);
  std::vector<int8_t> out(2);
  kernels::fully_connected(p, in.data(), w.data(), bias.data(), mult.data(), shift.data(), out.data());
  CHECK(out == std::vector<int8_t>{10, 17});  // (-2 + 10) + 2, (18 - 3) + 2
}

TEST_CASE("fully_connected: batches and per-channel scales agree with the int64 oracle", "[kernels]") {
  std::mt19937 rng(9);
  const int batches = 3, in_f = 37, out_f = 11;
  const auto in = test::random_i8(rng, batches * in_f);
  const auto w = test::random_i8(rng, out_f * in_f, -127, 127);
  const auto bias = test::random_i32(rng, out_f, -20000, 20000);
  const auto mult = test::random_i32(rng, out_f, 1 << 30, INT32_MAX);
  const auto shift = test::random_i32(rng, out_f, -12, -7);
  FullyConnectedParams p;
  p.batches = batches, p.in_features = in_f, p.out_features = out_f, p.in_zp = 13, p.out_zp = -7;
  p.act_min = -50, p.act_max = 90;
  std::vector<int8_t> out(batches * out_f);
  kernels::fully_connected(p, in.data(), w.data(), bias.data(), mult.data(), shift.data(), out.data());
  for (int b = 0; b < batches; ++b)
    for (int o = 0; o < out_f; ++o) {
      int64_t acc = bias[o];
      for (int i = 0; i < in_f; ++i) acc += int64_t(w[o * in_f + i]) * (in[b * in_f + i] - 13);
      INFO("b " << b << " o " << o);
      REQUIRE(out[b * out_f + o] == test::clamp8(test::requant(acc, mult[o], shift[o]) - 7, -50, 90));
    }
}

TEST_CASE("fully_connected: bad parameters throw", "[kernels]") {
  FullyConnectedParams p;
  p.in_features = 0, p.out_features = 1;
  int8_t x = 0, out = 0;
  const int32_t m = 1 << 30, s = 0;
  CHECK_THROWS_WITH(kernels::fully_connected(p, &x, &x, nullptr, &m, &s, &out),
                    Catch::Contains("fully_connected: in_features:"));
  p.in_features = 1, p.out_zp = -129;
  CHECK_THROWS_WITH(kernels::fully_connected(p, &x, &x, nullptr, &m, &s, &out),
                    Catch::Contains("fully_connected: out_zp:"));
}
