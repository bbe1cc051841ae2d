// The MCU kernel table's entry for space_batch (kernels/table/entry.h).
#include "kernels/table/entry.h"

#include "kernels/space_batch.h"

namespace kiln::kernels::table {

namespace {

// SPACE_TO_BATCH_ND, BATCH_TO_SPACE_ND on NHWC (or NHC) tensors:
// attributes block_shape (one entry per spatial dimension) and paddings or
// crops (before and after each); the output shape follows and is checked.
SpaceBatchParams space_batch_from_op(const McuOpView& op, bool to_batch) {
  const char* kernel = to_batch ? "space_to_batch" : "batch_to_space";
  const char* margin = to_batch ? "paddings" : "crops";
  op.expect_tensors(1, 1);
  expect_per_tensor(kernel, "input", op.inputs[0]);
  expect_per_tensor(kernel, "output", op.outputs[0]);
  const std::vector<int64_t>& in = op.inputs[0].shape;
  const std::vector<int64_t>& out = op.outputs[0].shape;
  if ((in.size() != 3 && in.size() != 4) || out.size() != in.size())
    check::fail(kernel, "shape", fmt::format("input {} and output {}: expected NHWC or NHC tensors of one rank",
                                             dims_string(in), dims_string(out)));
  const bool image = in.size() == 4;
  const std::vector<int32_t> in32 = dims32(kernel, "shape", in);
  const std::vector<int32_t> block = dims32(kernel, "block_shape", op.attr("block_shape"));
  const std::vector<int32_t> pads = dims32(kernel, margin, op.attr(margin));
  if (block.size() != in.size() - 2 || pads.size() != 2 * block.size())
    check::fail(kernel, "block_shape",
                fmt::format("{} entries and {} {} for a rank-{} input; expected {} and {}", block.size(),
                            pads.size(), margin, in.size(), in.size() - 2, 2 * (in.size() - 2)));
  for (int32_t b : block)
    if (b < 1) check::fail(kernel, "block_shape", fmt::format("{} is not positive", b));
  for (int32_t m : pads)
    if (m < 0) check::fail(kernel, margin, fmt::format("{} is negative", m));
  SpaceBatchParams p;
  p.batch = in32[0], p.in_h = in32[1], p.in_w = image ? in32[2] : 1, p.c = in32.back();
  p.block_h = block[0], p.block_w = image ? block[1] : 1;
  p.top = pads[0], p.left = image ? pads[2] : 0;
  const int64_t bottom = pads[1], right = image ? pads[3] : 0;
  const int64_t blocks = int64_t(p.block_h) * p.block_w;
  std::vector<int64_t> expected;
  if (to_batch) {
    const int64_t h = int64_t(p.in_h) + p.top + bottom, w = int64_t(p.in_w) + p.left + right;
    if (h % p.block_h || w % p.block_w)
      check::fail(kernel, margin, fmt::format("the padded image {}x{} is not a whole number of {}x{} blocks", h, w,
                                              p.block_h, p.block_w));
    expected = {p.batch * blocks, h / p.block_h, w / p.block_w, p.c};
  } else {
    if (p.batch % blocks)
      check::fail(kernel, "block_shape",
                  fmt::format("{} input batches are not a whole number of {}x{} blocks", p.batch, p.block_h,
                              p.block_w));
    expected = {p.batch / blocks, int64_t(p.in_h) * p.block_h - p.top - bottom,
                int64_t(p.in_w) * p.block_w - p.left - right, p.c};
  }
  if (!image) expected.erase(expected.begin() + 2);
  if (out != expected)
    check::fail(kernel, "output", fmt::format("shape {} is not {}, the input {} with block_shape {} and {} {}",
                                              dims_string(out), dims_string(expected), dims_string(in),
                                              dims_string(op.attr("block_shape")), margin,
                                              dims_string(op.attr(margin))));
  p.out_batch = int(expected[0]), p.out_h = int(expected[1]), p.out_w = image ? int(expected[2]) : 1;
  p.pad_value = to_batch ? op.outputs[0].zero_point() : 0;
  validate(p, to_batch);
  return p;
}

const Registration kSpaceBatch([] {
  using P = SpaceBatchParams;
  // Priced as pad: channels copied per output pixel after index arithmetic.
  const auto args = [](const char* margin, const char* last) {
    std::vector<McuArg> a = {in8("in", "input images, NHWC"), out8("out", "output images, NHWC"),
                             extent("batch", "input images"), extent("in_h", "input height"),
                             extent("in_w", "input width"), extent("c", "channels"),
                             extent("block_h", "block height"), extent("block_w", "block width"),
                             extent("top", margin), extent("left", "its columns on the left"),
                             extent("out_batch", "output images"), extent("out_h", "output height"),
                             extent("out_w", "output width")};
    if (last) a.push_back(sint("pad_value", last));
    return a;
  };
  const auto elements = [](const P& p) {
    return std::vector<uint64_t>{uint64_t(p.in_elements()), uint64_t(p.out_elements())};
  };
  entry<P>(
      {kernel(37, "space_to_batch",
              args("rows of padding above the input", "the value of the padding (the output zero point)"), "pad"),
       {&P::batch, &P::in_h, &P::in_w, &P::c, &P::block_h, &P::block_w, &P::top, &P::left, &P::out_batch,
        &P::out_h, &P::out_w, &P::pad_value},
       elements, [](const P& p) { validate(p, true); },
       [](const P& p, const McuOperands& o) { space_to_batch(p, in_i8(o, 0), out_i8(o, 1)); },
       {},
       [](const McuOpView& op) { return space_batch_from_op(op, true); },
       {{"tflite", "SPACE_TO_BATCH_ND", {nullptr, "block_shape", "paddings"}}}});
  entry<P>(
      {kernel(38, "batch_to_space", args("rows cropped from the top of the reassembled image", nullptr), "pad"),
       {&P::batch, &P::in_h, &P::in_w, &P::c, &P::block_h, &P::block_w, &P::top, &P::left, &P::out_batch,
        &P::out_h, &P::out_w},
       elements, [](const P& p) { validate(p, false); },
       [](const P& p, const McuOperands& o) { batch_to_space(p, in_i8(o, 0), out_i8(o, 1)); },
       {},
       [](const McuOpView& op) { return space_batch_from_op(op, false); },
       {{"tflite", "BATCH_TO_SPACE_ND", {nullptr, "block_shape", "crops"}}}});
});

}  // namespace

}  // namespace kiln::kernels::table
