// SPACE_TO_BATCH_ND and BATCH_TO_SPACE_ND as TFLite Micro's reference moves
// the bytes: by hand on a small image, each the inverse of the other over
// random shapes, and the operator's checks in the kernels' table entries.
#include <catch2/catch.hpp>

#include <numeric>
#include <random>
#include <vector>

#include "kernels/mcu_kernel_table.h"
#include "kernels/space_batch.h"
#include "tests/kernels/int8_tensor_view.h"

using namespace kiln;
using kiln::test::int8_tensor;
using kernels::SpaceBatchParams;

TEST_CASE("space_to_batch and batch_to_space: blocks of a padded image, worked by hand", "[kernels]") {
  // One 3x4 image of one channel, values 0..11, one row of padding on top
  // (value -9), 2x2 blocks: the padded 4x4 image splits into four 2x2 images;
  // image (sy, sx) holds the pixels at (2y + sy, 2x + sx).
  SpaceBatchParams p;
  p.batch = 1, p.in_h = 3, p.in_w = 4, p.c = 1, p.block_h = 2, p.block_w = 2, p.top = 1, p.left = 0;
  p.out_batch = 4, p.out_h = 2, p.out_w = 2, p.pad_value = -9;
  kernels::validate(p, true);
  std::vector<int8_t> in(12);
  std::iota(in.begin(), in.end(), int8_t(0));
  std::vector<int8_t> out(16);
  kernels::space_to_batch(p, in.data(), out.data());
  // Padded rows: [-9 -9 -9 -9], [0 1 2 3], [4 5 6 7], [8 9 10 11].
  CHECK(out == std::vector<int8_t>{-9, -9, 4, 6,     // (0, 0): rows 0, 2; columns 0, 2
                                   -9, -9, 5, 7,     // (0, 1): columns 1, 3
                                   0, 2, 8, 10,      // (1, 0): rows 1, 3
                                   1, 3, 9, 11});    // (1, 1)

  // Back, with the padding row cropped: the image again.
  SpaceBatchParams q;
  q.batch = 4, q.in_h = 2, q.in_w = 2, q.c = 1, q.block_h = 2, q.block_w = 2, q.top = 1, q.left = 0;
  q.out_batch = 1, q.out_h = 3, q.out_w = 4;
  kernels::validate(q, false);
  std::vector<int8_t> back(12);
  kernels::batch_to_space(q, out.data(), back.data());
  CHECK(back == in);
}

TEST_CASE("space_to_batch and batch_to_space: each undoes the other over random shapes, blocks and paddings",
          "[kernels]") {
  std::mt19937 rng(3);
  for (int trial = 0; trial < 40; ++trial) {
    SpaceBatchParams p;
    p.batch = 1 + int(rng() % 3), p.c = 1 + int(rng() % 4);
    p.block_h = 1 + int(rng() % 3), p.block_w = 1 + int(rng() % 3);
    p.out_h = 1 + int(rng() % 4), p.out_w = 1 + int(rng() % 4);
    // An input that fits the padded image with any top and left padding left over.
    p.in_h = 1 + int(rng() % unsigned(p.out_h * p.block_h)), p.in_w = 1 + int(rng() % unsigned(p.out_w * p.block_w));
    p.top = int(rng() % unsigned(p.out_h * p.block_h - p.in_h + 1));
    p.left = int(rng() % unsigned(p.out_w * p.block_w - p.in_w + 1));
    p.out_batch = p.batch * p.block_h * p.block_w, p.pad_value = -128;
    INFO("trial " << trial);
    REQUIRE_NOTHROW(kernels::validate(p, true));
    std::vector<int8_t> in(size_t(p.in_elements()));
    for (auto& v : in) v = int8_t(int(rng() % 255) - 127);  // never -128, the padding
    std::vector<int8_t> blocks(size_t(p.out_elements()));
    kernels::space_to_batch(p, in.data(), blocks.data());
    const int64_t pad = std::count(blocks.begin(), blocks.end(), int8_t(-128));
    CHECK(pad == p.out_elements() - p.in_elements());  // every input byte once, the rest padding

    SpaceBatchParams q = p;
    std::swap(q.batch, q.out_batch), std::swap(q.in_h, q.out_h), std::swap(q.in_w, q.out_w);
    q.pad_value = 0;
    REQUIRE_NOTHROW(kernels::validate(q, false));
    std::vector<int8_t> back(in.size());
    kernels::batch_to_space(q, blocks.data(), back.data());
    CHECK(back == in);
  }
}

TEST_CASE("space_to_batch and batch_to_space: the operator's block shape, paddings and shapes are checked",
          "[kernels]") {
  const kernels::McuKernelBinding* s2b = kernels::find_mcu_binding("space_to_batch");
  const kernels::McuKernelBinding* b2s = kernels::find_mcu_binding("batch_to_space");
  REQUIRE(s2b != nullptr);
  REQUIRE(b2s != nullptr);
  kernels::McuOpView op;
  op.kernel = "space_to_batch";
  op.inputs = {int8_tensor({1, 5, 6, 3}, 0.5f, 0)};
  op.outputs = {int8_tensor({6, 3, 2, 3}, 0.5f, -3)};
  op.attrs = {{"block_shape", {2, 3}}, {"paddings", {1, 0, 0, 0}}};
  const auto call = s2b->from_op(op);
  CHECK(call->output_elements() == 108);
  // in, out, batch 1, 5x6x3, blocks 2x3, top 1, left 0, 6 images of 3x2, padding -3 (the output zero point).
  CHECK(call->encode({10, 20}) ==
        std::vector<uint32_t>{10, 20, 1, 5, 6, 3, 2, 3, 1, 0, 6, 3, 2, uint32_t(-3)});

  op.attrs["paddings"] = {0, 0, 0, 0};
  CHECK_THROWS_WITH(s2b->from_op(op),
                    "space_to_batch: paddings: the padded image 5x6 is not a whole number of 2x3 blocks");
  op.attrs["paddings"] = {1, 0, 0, 3};
  CHECK_THROWS_WITH(s2b->from_op(op), "space_to_batch: output: shape [6, 3, 2, 3] is not [6, 3, 3, 3], the input "
                                      "[1, 5, 6, 3] with block_shape [2, 3] and paddings [1, 0, 0, 3]");
  op.attrs["paddings"] = {1, 0, -1, 1};
  CHECK_THROWS_WITH(s2b->from_op(op), "space_to_batch: paddings: -1 is negative");
  op.attrs["block_shape"] = {2};
  CHECK_THROWS_WITH(s2b->from_op(op), Catch::StartsWith("space_to_batch: block_shape: 1 entries and 4 paddings"));

  op.kernel = "batch_to_space";
  op.inputs = {int8_tensor({6, 3, 2, 3}, 0.5f, 0)};
  op.outputs = {int8_tensor({1, 5, 6, 3}, 0.5f, 0)};
  op.attrs = {{"block_shape", {2, 3}}, {"crops", {1, 0, 0, 0}}};
  CHECK_NOTHROW(b2s->from_op(op));
  op.attrs["block_shape"] = {4, 1};
  CHECK_THROWS_WITH(b2s->from_op(op),
                    "batch_to_space: block_shape: 6 input batches are not a whole number of 4x1 blocks");
  op.attrs.erase("crops");
  CHECK_THROWS_WITH(b2s->from_op(op), "batch_to_space: attribute 'crops' is missing");

  SpaceBatchParams p;
  p.batch = 2, p.block_h = 2, p.out_batch = 3;
  CHECK_THROWS_WITH(kernels::validate(p, true),
                    "space_to_batch: out_batch: 3 batches for 2 input batches in blocks of 2x1");
}
