// The lut kernel and the tables of TFLite's unary int8 functions. Each table
// is within one output step of the real function it stands for over all 256
// inputs (a wrong formula or a wrong parameter would be off by many), has
// TFLite Micro's fixed points where they are exact (logistic(0) = 1/2,
// tanh(0) = 0, saturation), and refuses what TFLite Micro refuses. That the
// tables equal TFLite Micro bit for bit is checked on generated models by
// scripts/check_tflm.py (its ctest), against TFLite Micro itself.
#include <catch2/catch.hpp>

#include <cmath>
#include <functional>

#include "arch/error.h"
#include "kernels/lut.h"
#include "kernels/lut_tables.h"

using namespace kiln;
using kernels::lut_index;
using kernels::LutTable;

namespace {

// Largest difference in output steps between the table and round(f(x_real) / s_out) + z_out, clamped.
int worst_step(const LutTable& t, float si, int32_t zi, float so, int32_t zo, const std::function<double(double)>& f) {
  int worst = 0;
  for (int x = -128; x <= 127; ++x) {
    const double exact = std::clamp(std::round(f(double(si) * (x - zi)) / double(so)) + zo, -128.0, 127.0);
    worst = std::max(worst, int(std::abs(exact - t[lut_index(x)])));
  }
  return worst;
}

double sigmoid(double v) { return 1.0 / (1.0 + std::exp(-v)); }

}  // namespace

TEST_CASE("lut: the output is the table entry of the input's byte", "[kernels]") {
  LutTable table;
  for (int e = 0; e < 256; ++e) table[size_t(e)] = int8_t(255 - e);
  const std::vector<int8_t> in = {-128, -1, 0, 1, 127};
  std::vector<int8_t> out(in.size());
  kernels::LutParams p;
  p.count = int64_t(in.size());
  kernels::lut(p, in.data(), table.data(), out.data());
  // -128 is entry 128, -1 entry 255, 0 entry 0, 127 entry 127.
  CHECK(out == std::vector<int8_t>{int8_t(127), int8_t(0), int8_t(-1), int8_t(-2), int8_t(-128)});
  p.count = 0;
  CHECK_THROWS_WITH(kernels::validate(p), Catch::Contains("lut: count"));
}

TEST_CASE("lut tables: logistic and tanh in TFLite Micro's fixed point, within a step of the real function",
          "[kernels]") {
  for (float si : {0.01f, 0.0549f, 0.2f}) {
    for (int32_t zi : {-20, 0, 18}) {
      INFO("input scale " << si << ", zero point " << zi);
      const LutTable lg = kernels::logistic_table(si, zi);
      CHECK(worst_step(lg, si, zi, 1.0f / 256, -128, sigmoid) <= 1);
      CHECK(lg[lut_index(zi)] == 0);  // logistic(0) = 1/2: 128 steps of 1/256 above -128
      const LutTable th = kernels::tanh_table(si, zi);
      CHECK(worst_step(th, si, zi, 1.0f / 128, 0, [](double v) { return std::tanh(v); }) <= 1);
      CHECK(th[lut_index(zi)] == 0);
    }
  }
  // Inputs beyond the radius saturate: logistic(-12.8) rounds to the bottom, logistic(12.7) to the top.
  const LutTable wide = kernels::logistic_table(0.1f, 0);
  CHECK(wide[lut_index(-128)] == -128);
  CHECK(wide[lut_index(127)] == 127);
}

TEST_CASE("lut tables: hard swish, leaky relu and elu within a step of the real function", "[kernels]") {
  const float si = 0.0392f, so = 0.0211f;
  const int32_t zi = 3, zo = -110;
  CHECK(worst_step(kernels::hard_swish_table(si, zi, so, zo), si, zi, so, zo,
                   [](double v) { return v * std::clamp(v + 3, 0.0, 6.0) / 6; }) <= 1);
  CHECK(worst_step(kernels::leaky_relu_table(si, zi, 0.014f, -85, 0.2f), si, zi, 0.014f, -85,
                   [](double v) { return v < 0 ? 0.2 * v : v; }) <= 1);
  CHECK(worst_step(kernels::elu_table(si, zi, so, -44), si, zi, so, -44,
                   [](double v) { return v < 0 ? std::expm1(v) : v; }) <= 1);
  // Identity for inputs >= 0 at the same quantization: leaky relu keeps them exactly.
  const LutTable same = kernels::leaky_relu_table(0.05f, 0, 0.05f, 0, 0.5f);
  for (int x = 0; x <= 127; ++x) CHECK(same[lut_index(x)] == x);
  CHECK(same[lut_index(-100)] == -50);
}

TEST_CASE("lut tables: what TFLite Micro refuses, and half to even for ONNX", "[kernels]") {
  // HARD_SWISH's output multiplier must not scale up (TFLite Micro's prepare fails).
  CHECK_THROWS_AS(kernels::hard_swish_table(1.0f, 0, 0.001f, 0), Error);
  CHECK_THROWS_WITH(kernels::leaky_relu_table(0.1f, 0, 0.1f, 0, -0.5f), Catch::Contains("alpha -0.5 unsupported"));
  // f(x) = x at scale 1 in, 2 out: x = 1, 3, -1 give 0.5, 1.5, -0.5 steps: ties.
  const auto id = [](float v) { return v; };
  const LutTable away = kernels::float_function_table(1.0f, 0, 2.0f, 0, id);
  const LutTable even = kernels::float_function_table(1.0f, 0, 2.0f, 0, id, kernels::LutRounding::HalfToEven);
  CHECK(away[lut_index(1)] == 1);
  CHECK(even[lut_index(1)] == 0);
  CHECK(away[lut_index(3)] == 2);
  CHECK(even[lut_index(3)] == 2);
  CHECK(away[lut_index(-1)] == -1);
  CHECK(even[lut_index(-1)] == 0);
}
