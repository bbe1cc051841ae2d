// The dilate kernel (the first step of a transpose convolution): pixels
// spread stride apart over a field of the zero point, worked by hand; input
// pixels landing outside the output dropped; every input pixel found where
// it belongs over random shapes; and the operator's checks in its table entry.
#include <catch2/catch.hpp>

#include <algorithm>
#include <random>
#include <vector>

#include "kernels/dilate.h"
#include "kernels/mcu_kernel_table.h"
#include "tests/kernels/int8_tensor_view.h"

using namespace kiln;
using kiln::test::int8_tensor;
using kernels::DilateParams;

TEST_CASE("dilate: a 2x2 image of 2 channels spread 2 apart behind a border, worked by hand", "[kernels]") {
  DilateParams p;
  p.in_h = 2, p.in_w = 2, p.c = 2, p.out_h = 5, p.out_w = 6, p.stride_h = 2, p.stride_w = 3, p.top = 1, p.left = 1;
  p.pad_value = -7;
  REQUIRE_NOTHROW(kernels::validate(p));
  const std::vector<int8_t> in = {1, 2, 3, 4, 5, 6, 7, 8};  // (0,0) (0,1) (1,0) (1,1), two channels each
  std::vector<int8_t> out(size_t(p.out_elements()));
  kernels::dilate(p, in.data(), out.data());
  const int8_t z = -7;
  CHECK(out == std::vector<int8_t>{z, z, z, z, z, z, z, z, z, z, z, z,    // row 0: border
                                   z, z, 1, 2, z, z, z, z, 3, 4, z, z,    // row 1: input row 0 at columns 1, 4
                                   z, z, z, z, z, z, z, z, z, z, z, z,    // row 2: between the rows
                                   z, z, 5, 6, z, z, z, z, 7, 8, z, z,    // row 3: input row 1
                                   z, z, z, z, z, z, z, z, z, z, z, z});  // row 4: border
}

TEST_CASE("dilate: input pixels above, left of or past the output are dropped", "[kernels]") {
  // A 3x3 image, stride 2, landing at row -2, column -1, in a 3x3 output:
  // input rows 1 and 2 land at 0 and 2; input columns 1 and 2 at 1 and 3 (past the end).
  DilateParams p;
  p.in_h = 3, p.in_w = 3, p.c = 1, p.out_h = 3, p.out_w = 3, p.stride_h = 2, p.stride_w = 2, p.top = -2, p.left = -1;
  const std::vector<int8_t> in = {10, 11, 12, 20, 21, 22, 30, 31, 32};
  std::vector<int8_t> out(9);
  kernels::dilate(p, in.data(), out.data());
  CHECK(out == std::vector<int8_t>{0, 21, 0, 0, 0, 0, 0, 31, 0});
  // Nothing lands at all: the output is the pad value.
  p.top = 3;
  kernels::dilate(p, in.data(), out.data());
  CHECK(out == std::vector<int8_t>(9, 0));
}

TEST_CASE("dilate: every input pixel where it belongs over random shapes, strides and offsets", "[kernels]") {
  std::mt19937 rng(41);
  for (int trial = 0; trial < 60; ++trial) {
    DilateParams p;
    p.batch = 1 + int(rng() % 2), p.in_h = 1 + int(rng() % 4), p.in_w = 1 + int(rng() % 4), p.c = 1 + int(rng() % 3);
    p.stride_h = 1 + int(rng() % 3), p.stride_w = 1 + int(rng() % 3);
    p.out_h = 1 + int(rng() % 12), p.out_w = 1 + int(rng() % 12);
    p.top = int(rng() % 7) - 3, p.left = int(rng() % 7) - 3;
    p.pad_value = -128;
    INFO("trial " << trial);
    REQUIRE_NOTHROW(kernels::validate(p));
    std::vector<int8_t> in(size_t(p.in_elements()));
    for (auto& v : in) v = int8_t(int(rng() % 255) - 127);  // never -128, the pad value
    std::vector<int8_t> out(size_t(p.out_elements()), 55);
    kernels::dilate(p, in.data(), out.data());
    int64_t landed = 0;
    for (int b = 0; b < p.batch; ++b)
      for (int y = 0; y < p.in_h; ++y)
        for (int x = 0; x < p.in_w; ++x) {
          const int oy = p.top + y * p.stride_h, ox = p.left + x * p.stride_w;
          if (oy < 0 || oy >= p.out_h || ox < 0 || ox >= p.out_w) continue;
          for (int k = 0; k < p.c; ++k) {
            CHECK(out[size_t(((b * p.out_h + oy) * p.out_w + ox) * p.c + k)] ==
                  in[size_t(((b * p.in_h + y) * p.in_w + x) * p.c + k)]);
            ++landed;
          }
        }
    CHECK(std::count(out.begin(), out.end(), int8_t(-128)) == p.out_elements() - landed);
  }
}

TEST_CASE("dilate: the operator's stride, offset, shapes and quantization are checked", "[kernels]") {
  const kernels::McuKernelBinding* b = kernels::find_mcu_binding("dilate");
  REQUIRE(b != nullptr);
  CHECK(b->spec().id == 41);
  CHECK(b->runs_operator());
  CHECK(b->operator_forms().empty());  // the transpose convolutions' readers build it, no model names it
  kernels::McuOpView op;
  op.kernel = "dilate";
  op.inputs = {int8_tensor({1, 3, 4, 2}, 0.5f, -5)};
  op.outputs = {int8_tensor({1, 8, 10, 2}, 0.5f, -5)};
  op.attrs = {{"stride", {2, 2}}, {"before", {2, -1}}};
  const auto call = b->from_op(op);
  CHECK(call->output_elements() == 160);
  // in, out, batch 1, 3x4x2 into 8x10, stride 2x2, top 2, left -1, the zero point -5.
  CHECK(call->encode({10, 20}) ==
        std::vector<uint32_t>{10, 20, 1, 3, 4, 2, 8, 10, 2, 2, 2, uint32_t(-1), uint32_t(-5)});

  op.attrs["stride"] = {0, 2};
  CHECK_THROWS_WITH(b->from_op(op), "dilate: stride_h: must be in [1, 16777216], got 0");
  op.attrs["stride"] = {2};
  CHECK_THROWS_WITH(b->from_op(op), "dilate: stride: stride and before of 1 and 2 entries; expected 2 each (rows, "
                                    "columns)");
  op.attrs["stride"] = {2, 2};
  op.outputs = {int8_tensor({1, 8, 10, 3}, 0.5f, -5)};
  CHECK_THROWS_WITH(b->from_op(op), "dilate: shape: input [1, 3, 4, 2] and output [1, 8, 10, 3]: expected NHWC "
                                    "images with the same batch and channels");
  op.outputs = {int8_tensor({1, 8, 10, 2}, 0.5f, 4)};
  CHECK_THROWS_WITH(b->from_op(op), Catch::StartsWith("dilate: input 0 and output 0 are quantized differently"));
  op.outputs = {int8_tensor({1, 8, 10, 2}, 0.5f, -5)};
  op.attrs.erase("before");
  CHECK_THROWS_WITH(b->from_op(op), "dilate: attribute 'before' is missing");
}
