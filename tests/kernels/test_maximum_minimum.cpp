// MAXIMUM and MINIMUM: the larger or smaller stored int8 value, element by
// element, as TFLite Micro computes them.
#include <catch2/catch.hpp>

#include <vector>

#include "kernels/maximum_minimum.h"
#include "tests/support/error_of.h"

using namespace kiln;
using kiln::test::error_of;

TEST_CASE("maximum and minimum: element by element, on the stored values", "[kernels]") {
  const std::vector<int8_t> a = {-128, -1, 0, 5, 127, 3}, b = {127, -2, 0, -5, -128, 3};
  std::vector<int8_t> hi(a.size()), lo(a.size());
  kernels::MaxMinParams p;
  p.count = int64_t(a.size());
  kernels::maximum(p, a.data(), b.data(), hi.data());
  kernels::minimum(p, a.data(), b.data(), lo.data());
  CHECK(hi == std::vector<int8_t>{127, -1, 0, 5, 127, 3});
  CHECK(lo == std::vector<int8_t>{-128, -2, 0, -5, -128, 3});
  p.count = 0;
  CHECK_THAT(error_of([&] { kernels::maximum(p, a.data(), b.data(), hi.data()); }),
             Catch::StartsWith("maximum: count:"));
}
