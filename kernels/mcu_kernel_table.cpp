#include "kernels/mcu_kernel_table.h"

#include <fmt/format.h>

#include <fmt/ranges.h>

#include <algorithm>
#include <climits>
#include <cstddef>
#include <limits>

#include "kernels/add.h"
#include "kernels/avg_pool.h"
#include "kernels/check.h"
#include "kernels/concat2.h"
#include "kernels/conv2d.h"
#include "kernels/copy.h"
#include "kernels/depthwise_conv2d.h"
#include "kernels/float_boundary.h"
#include "kernels/fully_connected.h"
#include "kernels/gather.h"
#include "kernels/lut.h"
#include "kernels/max_pool.h"
#include "kernels/mcu_kernel_args.h"
#include "kernels/mul.h"
#include "kernels/mean.h"
#include "kernels/maximum_minimum.h"
#include "kernels/mirror_pad.h"
#include "kernels/pad.h"
#include "kernels/prelu.h"
#include "kernels/reduce.h"
#include "kernels/requantize.h"
#include "kernels/requantize_tensor.h"
#include "kernels/resize_bilinear.h"
#include "kernels/resize_nearest.h"
#include "kernels/slice.h"
#include "kernels/space_batch.h"
#include "kernels/softmax.h"
#include "kernels/squared_difference.h"
#include "kernels/sub.h"
#include "kernels/transpose.h"

namespace kiln::kernels {

namespace {

// `spec`, registered once its non-operand arguments are known to be bound by `fields` parameters.
const McuKernelSpec& register_bound(McuKernelSpec spec, size_t fields) {
  size_t values = 0;
  for (const McuArg& a : spec.args) values += a.is_operand() ? 0 : 1;
  if (fields != values)
    throw Error(fmt::format("internal: MCU kernel {}: {} fields bound for {} non-operand arguments", spec.name, fields,
                            values));
  return register_mcu_kernel(std::move(spec));
}

}  // namespace

McuKernelBinding::McuKernelBinding(McuKernelSpec spec, size_t fields)
    : spec_(&register_bound(std::move(spec), fields)) {}

int64_t decode_mcu_value(const McuKernelSpec& spec, const McuArg& arg, uint32_t value) {
  if (arg.type == McuArgType::Int) return int32_t(value);
  if (value > uint32_t(std::numeric_limits<int32_t>::max()))
    throw Error(fmt::format("{}: {}: {} is too large", spec.name, arg.name, value));
  return value;
}

McuKernel conv2d_kernel(const Conv2dParams& p) {
  // Fewer than 4 channels leave a 4-lane int8 SIMD word over channels
  // unfilled (CMSIS-NN's fast paths need in_c a multiple of 4).
  if (p.in_c < 4) return McuKernel::Conv2dShallow;
  // CMSIS-NN's arm_convolve_1x1_s8_fast: no im2col.
  if (p.kh == 1 && p.kw == 1 && p.stride_h == 1 && p.stride_w == 1 && p.pad_top == 0 && p.pad_left == 0)
    return McuKernel::Conv2d1x1;
  return McuKernel::Conv2d;
}

namespace {

using namespace mcu_args;

McuKernelSpec kernel(uint16_t id, const char* name, std::vector<McuArg> args, const char* priced_as = nullptr) {
  return {id, name, std::move(args), priced_as};
}
McuKernelSpec kernel(McuKernel id, const char* name, std::vector<McuArg> args, const char* priced_as = nullptr) {
  return kernel(uint16_t(id), name, std::move(args), priced_as);
}

template <class P>
std::unique_ptr<McuKernelBinding> entry(typename McuKernelDef<P>::Binding b) {
  return std::make_unique<McuKernelDef<P>>(std::move(b));
}

// The operands of a weighted kernel: in, weights, bias, mult, shift (one per
// output channel each), then out.
std::vector<uint64_t> weighted(uint64_t in, uint64_t weights, uint64_t channels, uint64_t out) {
  return {in, weights, channels, channels, channels, out};
}

void pool_call(const PoolParams& p, const McuOperands& o, void (*pool)(const PoolParams&, const int8_t*, int8_t*)) {
  pool(p, in_i8(o, 0), out_i8(o, 1));
}

// A view's extents as the int32 the kernels' shape arguments take (a
// dimension beyond int32 fails the kernel's own check::dim).
std::vector<int32_t> dims32(const char* kernel, const char* what, const std::vector<int64_t>& v) {
  std::vector<int32_t> out;
  for (int64_t x : v) {
    if (x < INT32_MIN || x > INT32_MAX) check::fail(kernel, what, fmt::format("{} is outside int32", x));
    out.push_back(int32_t(x));
  }
  return out;
}

std::string dims_string(const std::vector<int64_t>& v) { return fmt::format("[{}]", fmt::join(v, ", ")); }

// TRANSPOSE: attribute perm, the input dimension of each output dimension.
TransposeParams transpose_from_op(const McuOpView& op) {
  op.expect_tensors(1, 1);
  op.expect_same_quantization(0, 0);
  const std::vector<int64_t>& in = op.inputs[0].shape;
  const std::vector<int64_t>& out = op.outputs[0].shape;
  const std::vector<int32_t> perm = dims32("transpose", "perm", op.attr("perm"));
  if (perm.size() != in.size() || in.size() != out.size())
    check::fail("transpose", "perm",
                fmt::format("{} entries for input {} and output {}", perm.size(), dims_string(in), dims_string(out)));
  const TransposeParams p =
      transpose_params(dims32("transpose", "shape", in).data(), perm.data(), int(in.size()));
  for (size_t i = 0; i < out.size(); ++i)
    if (out[i] != in[size_t(perm[i])])
      check::fail("transpose", "perm",
                  fmt::format("output {} is not input {} permuted by perm", dims_string(out), dims_string(in)));
  return p;
}

// SLICE: attributes begin, stride and size, one entry per input dimension;
// the output holds the product of the sizes in any shape.
SliceParams slice_from_op(const McuOpView& op) {
  op.expect_tensors(1, 1);
  op.expect_same_quantization(0, 0);
  const std::vector<int64_t>& in = op.inputs[0].shape;
  const std::vector<int32_t> begin = dims32("slice", "begin", op.attr("begin"));
  const std::vector<int32_t> stride = dims32("slice", "stride", op.attr("stride"));
  const std::vector<int32_t> size = dims32("slice", "size", op.attr("size"));
  if (begin.size() != in.size() || stride.size() != in.size() || size.size() != in.size())
    check::fail("slice", "begin",
                fmt::format("begin, stride and size of {}, {} and {} entries for input {}", begin.size(),
                            stride.size(), size.size(), dims_string(in)));
  const SliceParams p =
      slice_params(dims32("slice", "shape", in).data(), begin.data(), stride.data(), size.data(), int(in.size()));
  if (p.out_elements() != op.outputs[0].elements())
    check::fail("slice", "size",
                fmt::format("output {} does not hold the {} elements of the slice", dims_string(op.outputs[0].shape),
                            p.out_elements()));
  return p;
}

// A resize's view: NHWC images in and out with the same batches (one
// image when `one_image`), channels and quantization; attributes
// align_corners and half_pixel_centers (0 or 1).
struct ResizeView {
  int batches, in_h, in_w, c, out_h, out_w, align_corners, half_pixel_centers;
};
ResizeView resize_view(const char* kernel, const McuOpView& op, bool one_image) {
  op.expect_tensors(1, 1);
  op.expect_same_quantization(0, 0);
  const std::vector<int64_t>& in = op.inputs[0].shape;
  const std::vector<int64_t>& out = op.outputs[0].shape;
  if (in.size() != 4 || out.size() != 4 || in[0] != out[0] || in[3] != out[3] || (one_image && in[0] != 1))
    check::fail(kernel, "shape",
                fmt::format("input {} and output {}: expected {} in and out with the same channels", dims_string(in),
                            dims_string(out), one_image ? "one NHWC image" : "NHWC images"));
  const std::vector<int32_t> i = dims32(kernel, "shape", in), o = dims32(kernel, "shape", out);
  return {i[0], i[1], i[2], i[3], o[1], o[2], int(op.attr_or("align_corners", 0)),
          int(op.attr_or("half_pixel_centers", 0))};
}

// RESIZE_NEAREST_NEIGHBOR: one image.
ResizeNearestParams resize_nearest_from_op(const McuOpView& op) {
  const ResizeView v = resize_view("resize_nearest", op, true);
  ResizeNearestParams p;
  p.in_h = v.in_h, p.in_w = v.in_w, p.c = v.c, p.out_h = v.out_h, p.out_w = v.out_w;
  p.align_corners = v.align_corners, p.half_pixel_centers = v.half_pixel_centers;
  validate(p);
  return p;
}

// RESIZE_BILINEAR: batches of images.
ResizeBilinearParams resize_bilinear_from_op(const McuOpView& op) {
  const ResizeView v = resize_view("resize_bilinear", op, false);
  ResizeBilinearParams p;
  p.batches = v.batches, p.in_h = v.in_h, p.in_w = v.in_w, p.c = v.c, p.out_h = v.out_h, p.out_w = v.out_w;
  p.align_corners = v.align_corners, p.half_pixel_centers = v.half_pixel_centers;
  validate(p);
  return p;
}

// MIRROR_PAD: attributes before and after, one entry per input dimension,
// and symmetric (0: REFLECT, 1: SYMMETRIC); the output's shape is the padded one.
MirrorPadParams mirror_pad_from_op(const McuOpView& op) {
  op.expect_tensors(1, 1);
  op.expect_same_quantization(0, 0);
  const std::vector<int64_t>& in = op.inputs[0].shape;
  const std::vector<int64_t>& out = op.outputs[0].shape;
  const std::vector<int32_t> before = dims32("mirror_pad", "before", op.attr("before"));
  const std::vector<int32_t> after = dims32("mirror_pad", "after", op.attr("after"));
  if (before.size() != in.size() || after.size() != in.size() || out.size() != in.size())
    check::fail("mirror_pad", "before",
                fmt::format("before and after of {} and {} entries for input {} and output {}", before.size(),
                            after.size(), dims_string(in), dims_string(out)));
  const MirrorPadParams p = mirror_pad_params(dims32("mirror_pad", "shape", in).data(), before.data(), after.data(),
                                              int(in.size()), op.attr_or("symmetric", 0) != 0);
  for (size_t k = 0; k < in.size(); ++k)
    if (out[k] != in[k] + before[k] + after[k])
      check::fail("mirror_pad", "shape",
                  fmt::format("output {} is not input {} padded by before and after", dims_string(out),
                              dims_string(in)));
  return p;
}

// One scale and zero point, or the kernel's named error.
void expect_per_tensor(const char* kernel, const char* role, const McuTensorView& t);

// REDUCE_MAX, REDUCE_MIN, SUM: attribute axis (the dimensions reduced) and
// keep_dims; the output holds the kept dimensions, with 1s for the reduced
// ones under keep_dims. REDUCE_MAX and REDUCE_MIN: input and output of one
// quantization, as TFLite Micro requires; SUM rescales between the two.
ReduceParams reduce_from_op(const McuOpView& op, const char* kernel, bool sum) {
  op.expect_tensors(1, 1);
  expect_per_tensor(kernel, "input", op.inputs[0]);
  expect_per_tensor(kernel, "output", op.outputs[0]);
  if (!sum) op.expect_same_quantization(0, 0);
  const std::vector<int64_t>& in = op.inputs[0].shape;
  const std::vector<int64_t>& out = op.outputs[0].shape;
  const std::vector<int64_t>& axes = op.attr("axis");
  ReduceParams p = reduce_params(kernel, dims32(kernel, "shape", in).data(), int(in.size()), axes.data(), axes.size());
  if (sum) {
    p.in_zp = op.inputs[0].zero_point(), p.out_zp = op.outputs[0].zero_point();
    quantize_multiplier(double(op.inputs[0].scale()) / double(op.outputs[0].scale()), &p.mult, &p.shift);
  }
  const bool keep_dims = op.attr_or("keep_dims", 0) != 0;
  std::vector<int64_t> expected;
  for (size_t k = 0; k < in.size(); ++k)
    if (!p.reduced()[size_t(kMaxReduceRank) - in.size() + k])
      expected.push_back(in[k]);
    else if (keep_dims)
      expected.push_back(1);
  if (out != expected)
    check::fail(kernel, "output",
                fmt::format("shape {} is not {}, the input {} reduced over axis {}{}", dims_string(out),
                            dims_string(expected), dims_string(in), dims_string(axes),
                            keep_dims ? " with keep_dims" : ""));
  validate(p, kernel);
  return p;
}

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
    const int64_t h = p.in_h + p.top + bottom, w = p.in_w + p.left + right;
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

// GATHER: attributes axis and batch_dims (TFLite's options; negative count
// from the back), int32 indices; the output shape is the input's with the
// axis replaced by the indices' dimensions after the batch ones.
GatherParams gather_from_op(const McuOpView& op) {
  op.expect_tensors(2, 1);
  const McuTensorView &in = op.inputs[0], &indices = op.inputs[1], &out = op.outputs[0];
  expect_per_tensor("gather", "input", in);
  expect_per_tensor("gather", "output", out);
  if (indices.element != McuElement::Int32) check::fail("gather", "indices", "expected an int32 tensor");
  const int64_t rank = int64_t(in.shape.size()), index_rank = int64_t(indices.shape.size());
  int64_t axis = op.attr_or("axis", 0), batch_dims = op.attr_or("batch_dims", 0);
  if (axis < 0) axis += rank;
  if (batch_dims < 0) batch_dims += index_rank;
  if (axis < 0 || axis >= rank)
    check::fail("gather", "axis", fmt::format("{} is outside the input's rank {}", op.attr_or("axis", 0), rank));
  if (batch_dims < 0 || batch_dims > axis || batch_dims > index_rank)
    check::fail("gather", "batch_dims",
                fmt::format("{} must lie in [0, min(axis {}, the indices' rank {})]", op.attr_or("batch_dims", 0),
                            axis, index_rank));
  std::vector<int64_t> expected;
  int64_t batch = 1, outer = 1, inner = 1, count = 1;
  for (int64_t i = 0; i < batch_dims; ++i) {
    if (in.shape[size_t(i)] != indices.shape[size_t(i)])
      check::fail("gather", "batch_dims",
                  fmt::format("input {} and indices {} differ in dimension {}", dims_string(in.shape),
                              dims_string(indices.shape), i));
    batch *= in.shape[size_t(i)];
  }
  for (int64_t i = 0; i < axis; ++i) expected.push_back(in.shape[size_t(i)]);
  for (int64_t i = batch_dims; i < axis; ++i) outer *= in.shape[size_t(i)];
  for (int64_t i = batch_dims; i < index_rank; ++i) {
    expected.push_back(indices.shape[size_t(i)]);
    count *= indices.shape[size_t(i)];
  }
  for (int64_t i = axis + 1; i < rank; ++i) {
    expected.push_back(in.shape[size_t(i)]);
    inner *= in.shape[size_t(i)];
  }
  if (out.shape != expected)
    check::fail("gather", "output", fmt::format("shape {} is not {}, input {} gathered by indices {} along axis {}",
                                                dims_string(out.shape), dims_string(expected), dims_string(in.shape),
                                                dims_string(indices.shape), axis));
  GatherParams p;
  for (const int64_t v : {batch, outer, in.shape[size_t(axis)], inner, count})
    if (v > INT32_MAX) check::fail("gather", "shape", fmt::format("{} is outside int32", v));
  p.batch = int(batch), p.outer = int(outer), p.axis_size = int(in.shape[size_t(axis)]), p.inner = int(inner);
  p.count = int(count);
  validate(p);
  // Constant indices are checked now, so that the error names the operator.
  if (indices.data) check_indices(p, static_cast<const int32_t*>(indices.data));
  return p;
}

void expect_per_tensor(const char* kernel, const char* role, const McuTensorView& t) {
  if (t.element != McuElement::Int8) check::fail(kernel, role, "expected an int8 tensor");
  if (t.scales.size() != 1 || t.zero_points.size() != 1 || !(t.scales[0] > 0.0f))
    check::fail(kernel, role, fmt::format("expected one positive scale and one zero point, got {} and {}",
                                          t.scales.size(), t.zero_points.size()));
}

// An operand whose shape, less leading 1s, is the output's last dimensions:
// element i of the output reads it at i % its elements (the same shape, one
// value per channel, a scalar). Else the kernel's named error.
void expect_repeats_innermost(const char* kernel, const char* role, const McuTensorView& operand,
                              const McuTensorView& out) {
  std::vector<int64_t> a = operand.shape;
  while (!a.empty() && a.front() == 1) a.erase(a.begin());
  if (a.size() > out.shape.size() || !std::equal(a.begin(), a.end(), out.shape.end() - std::ptrdiff_t(a.size())))
    check::fail(kernel, role,
                fmt::format("shape {} does not repeat along the output {}'s innermost dimensions",
                            dims_string(operand.shape), dims_string(out.shape)));
}

// SQUARED_DIFFERENCE: either input may repeat along the output's innermost
// dimensions; one scale and zero point per tensor.
SquaredDifferenceParams squared_difference_from_op(const McuOpView& op) {
  op.expect_tensors(2, 1);
  const McuTensorView &a = op.inputs[0], &b = op.inputs[1], &out = op.outputs[0];
  if (a.data && b.data) check::fail("squared_difference", "in1", "both inputs are constants: unsupported");
  if (out.elements() != std::max(a.elements(), b.elements()))
    check::fail("squared_difference", "output",
                fmt::format("shape {} is not that of the larger input ({}, {})", dims_string(out.shape),
                            dims_string(a.shape), dims_string(b.shape)));
  expect_per_tensor("squared_difference", "in1", a);
  expect_per_tensor("squared_difference", "in2", b);
  expect_per_tensor("squared_difference", "output", out);
  expect_repeats_innermost("squared_difference", "in1", a, out);
  expect_repeats_innermost("squared_difference", "in2", b, out);
  SquaredDifferenceParams p;
  p.count = out.elements(), p.in1_count = a.elements(), p.in2_count = b.elements();
  p.in1_zp = a.zero_point(), p.in2_zp = b.zero_point(), p.out_zp = out.zero_point();
  squared_difference_rescales(a.scale(), b.scale(), out.scale(), &p);
  validate(p);
  return p;
}

// PRELU: input and output of one shape; the slope (input 1) repeats along
// the output's innermost dimensions (its shape, less leading 1s, is the
// output's last dimensions: per channel, or a scalar).
PreluParams prelu_from_op(const McuOpView& op) {
  op.expect_tensors(2, 1);
  const McuTensorView &in = op.inputs[0], &alpha = op.inputs[1], &out = op.outputs[0];
  if (in.data) check::fail("prelu", "input", "a constant input is unsupported");
  expect_per_tensor("prelu", "input", in);
  expect_per_tensor("prelu", "alpha", alpha);
  expect_per_tensor("prelu", "output", out);
  if (in.shape != out.shape)
    check::fail("prelu", "shape", fmt::format("input {} and output {} differ", dims_string(in.shape),
                                              dims_string(out.shape)));
  expect_repeats_innermost("prelu", "alpha", alpha, out);
  PreluParams p;
  p.count = out.elements();
  p.alpha_count = alpha.elements();
  p.in_zp = in.zero_point(), p.alpha_zp = alpha.zero_point(), p.out_zp = out.zero_point();
  prelu_rescales(in.scale(), alpha.scale(), out.scale(), &p);
  validate(p);
  return p;
}

std::vector<uint64_t> pool_elements(const PoolParams& p) {
  return {uint64_t(p.batches) * p.in_h * p.in_w * p.c, uint64_t(p.batches) * p.out_h * p.out_w * p.c};
}

// One entry per kernel: its spec (id, name, arguments in encoding order,
// the kernel that prices it where a cost table leaves it out), then its
// binding. `fields` follow the spec's non-operand arguments, in order;
// `elements` and the operand indices of `invoke` follow its operand
// arguments. A new kernel takes the next free id; an id is never reused, so
// that an existing command stream keeps its meaning.
std::vector<std::unique_ptr<McuKernelBinding>> make_table() {
  std::vector<std::unique_ptr<McuKernelBinding>> t;
  {
    using P = CopyParams;
    t.push_back(entry<P>({kernel(McuKernel::Copy, "copy",
                                 {in8("src", "source bytes"), out8("dst", "destination bytes (may overlap the source)"),
                                  extent("bytes", "bytes to copy, at least 1")}),
                          {&P::bytes},
                          [](const P& p) {
                            return std::vector<uint64_t>{uint64_t(p.bytes), uint64_t(p.bytes)};
                          },
                          [](const P& p) { validate(p); },
                          [](const P& p, const McuOperands& o) { copy(p.bytes, o.at(0).in, o.at(1).out); },
                          {}}));
  }
  {
    using P = AddParams;
    t.push_back(
        entry<P>({kernel(McuKernel::Add, "add",
                         {in8("in1", "first input tensor"), in8("in2", "second input tensor (same shape)"),
                          out8("out", "output tensor"), extent("count", "elements"),
                          sint("in1_zp", "first input zero point"), sint("in2_zp", "second input zero point"), out_zp(),
                          sint("left_shift", "left shift of both inputs before rescaling (TFLite: 20)"),
                          sint("in1_mult", "first input multiplier"), sint("in1_shift", "first input shift (<= 0)"),
                          sint("in2_mult", "second input multiplier"), sint("in2_shift", "second input shift (<= 0)"),
                          sint("out_mult", "output multiplier"), sint("out_shift", "output shift (<= 0)"), act_min(),
                          act_max()}),
                  {&P::count, &P::in1_zp, &P::in2_zp, &P::out_zp, &P::left_shift, &P::in1_mult, &P::in1_shift,
                   &P::in2_mult, &P::in2_shift, &P::out_mult, &P::out_shift, &P::act_min, &P::act_max},
                  [](const P& p) { return std::vector<uint64_t>(3, uint64_t(p.count)); },
                  [](const P& p) { validate(p); },
                  [](const P& p, const McuOperands& o) { add(p, in_i8(o, 0), in_i8(o, 1), out_i8(o, 2)); },
                  {}}));
  }
  // conv2d and its variants: one binding each, the same arguments and
  // arithmetic; a variant also checks that its shape is the one it prices.
  const std::pair<McuKernel, const char*> convs[] = {{McuKernel::Conv2d, "conv2d"},
                                                     {McuKernel::Conv2d1x1, "conv2d_1x1"},
                                                     {McuKernel::Conv2dShallow, "conv2d_shallow"}};
  for (const auto& conv : convs) {
    using P = Conv2dParams;
    const McuKernel id = conv.first;
    t.push_back(entry<P>(
        {kernel(id, conv.second, conv_args("int8 weights, OHWI", extent("out_c", "output channels")),
                id == McuKernel::Conv2d ? nullptr : "conv2d"),
         {&P::in_h, &P::in_w, &P::in_c, &P::out_h, &P::out_w, &P::out_c, &P::kh, &P::kw, &P::stride_h, &P::stride_w,
          &P::dil_h, &P::dil_w, &P::pad_top, &P::pad_left, &P::in_zp, &P::out_zp, &P::act_min, &P::act_max},
         [](const P& p) {
           return weighted(uint64_t(p.batches) * p.in_h * p.in_w * p.in_c, uint64_t(p.out_c) * p.kh * p.kw * p.in_c,
                           uint64_t(p.out_c), uint64_t(p.batches) * p.out_h * p.out_w * p.out_c);
         },
         [id](const P& p) {
           validate(p);
           if (id != McuKernel::Conv2d && conv2d_kernel(p) != id)
             throw Error(
                 fmt::format("{0}: shape: in_c {1}, kernel {2}x{3}, stride {4}x{5}, padding {6},{7} is {8}'s, "
                             "not {0}'s",
                             find_mcu_kernel(uint16_t(id))->name, p.in_c, p.kh, p.kw, p.stride_h, p.stride_w, p.pad_top,
                             p.pad_left, find_mcu_kernel(uint16_t(conv2d_kernel(p)))->name));
         },
         [](const P& p, const McuOperands& o) {
           conv2d(p, in_i8(o, 0), in_i8(o, 1), in_i32(o, 2), in_i32(o, 3), in_i32(o, 4), out_i8(o, 5));
         },
         [](const P& p) { return macs(p); }}));
  }
  {
    using P = DepthwiseConv2dParams;
    t.push_back(entry<P>(
        {kernel(McuKernel::DepthwiseConv2d, "depthwise_conv2d",
                conv_args("int8 weights, 1 x kh x kw x (in_c * depth_mult)",
                          extent("depth_mult", "output channels per input channel"))),
         {&P::in_h, &P::in_w, &P::in_c, &P::out_h, &P::out_w, &P::depth_mult, &P::kh, &P::kw, &P::stride_h,
          &P::stride_w, &P::dil_h, &P::dil_w, &P::pad_top, &P::pad_left, &P::in_zp, &P::out_zp, &P::act_min,
          &P::act_max},
         [](const P& p) {
           return weighted(uint64_t(p.batches) * p.in_h * p.in_w * p.in_c, uint64_t(p.kh) * p.kw * p.out_c(),
                           uint64_t(p.out_c()), uint64_t(p.batches) * p.out_h * p.out_w * p.out_c());
         },
         [](const P& p) { validate(p); },
         [](const P& p, const McuOperands& o) {
           depthwise_conv2d(p, in_i8(o, 0), in_i8(o, 1), in_i32(o, 2), in_i32(o, 3), in_i32(o, 4), out_i8(o, 5));
         },
         [](const P& p) { return macs(p); }}));
  }
  {
    using P = FullyConnectedParams;
    t.push_back(entry<P>(
        {kernel(McuKernel::FullyConnected, "fully_connected",
                join({weighted_operands("int8 weights, [out_features][in_features]"),
                      {out8("out", "output, [batches][out_features]"), extent("batches", "rows of the input"),
                       extent("in_features", "input features"), extent("out_features", "output features"), in_zp(),
                       out_zp(), act_min(), act_max()}})),
         {&P::batches, &P::in_features, &P::out_features, &P::in_zp, &P::out_zp, &P::act_min, &P::act_max},
         [](const P& p) {
           return weighted(uint64_t(p.batches) * p.in_features, uint64_t(p.out_features) * p.in_features,
                           uint64_t(p.out_features), uint64_t(p.batches) * p.out_features);
         },
         [](const P& p) { validate(p); },
         [](const P& p, const McuOperands& o) {
           fully_connected(p, in_i8(o, 0), in_i8(o, 1), in_i32(o, 2), in_i32(o, 3), in_i32(o, 4), out_i8(o, 5));
         },
         [](const P& p) { return macs(p); }}));
  }
  {
    using P = PoolParams;
    const std::vector<McuKernelDef<P>::Field> fields = {
        &P::in_h,     &P::in_w,     &P::c,       &P::out_h,    &P::out_w,   &P::kh,     &P::kw,
        &P::stride_h, &P::stride_w, &P::pad_top, &P::pad_left, &P::act_min, &P::act_max};
    t.push_back(entry<P>({kernel(McuKernel::AvgPool, "avg_pool", pool_args()), fields, pool_elements,
                          [](const P& p) { validate(p, "avg_pool"); },
                          [](const P& p, const McuOperands& o) { pool_call(p, o, avg_pool); },
                          [](const P& p) { return macs(p); }}));
    t.push_back(entry<P>({kernel(McuKernel::MaxPool, "max_pool", pool_args()), fields, pool_elements,
                          [](const P& p) { validate(p, "max_pool"); },
                          [](const P& p, const McuOperands& o) { pool_call(p, o, max_pool); },
                          [](const P& p) { return macs(p); }}));
  }
  {
    using P = MeanParams;
    t.push_back(
        entry<P>({kernel(McuKernel::Mean, "mean",
                         {in8("in", "input tensor, NHWC"), out8("out", "output, one value per channel"),
                          extent("h", "input height"), extent("w", "input width"), extent("c", "channels"), in_zp(),
                          out_zp(), sint("mult", "multiplier of input_scale / output_scale (1/(h*w) not folded in)"),
                          sint("shift", "shift of input_scale / output_scale")}),
                  {&P::h, &P::w, &P::c, &P::in_zp, &P::out_zp, &P::mult, &P::shift},
                  [](const P& p) {
                    return std::vector<uint64_t>{uint64_t(p.batches) * p.h * p.w * p.c, uint64_t(p.batches) * p.c};
                  },
                  [](const P& p) { validate(p); },
                  [](const P& p, const McuOperands& o) { mean(p, in_i8(o, 0), out_i8(o, 1)); },
                  [](const P& p) { return macs(p); }}));
  }
  {
    using P = SoftmaxParams;
    t.push_back(entry<P>({kernel(McuKernel::Softmax, "softmax",
                                 {in8("in", "input, rows x depth"), out8("out", "output, scale 1/256, zero point -128"),
                                  extent("rows", "rows"), extent("depth", "elements per row, at most 4095"),
                                  sint("beta_mult", "multiplier of beta * input_scale (Q5.26 input)"),
                                  sint("beta_shift", "left shift of beta * input_scale"),
                                  sint("diff_min", "smallest difference to the row maximum that counts")}),
                          {&P::rows, &P::depth, &P::beta_mult, &P::beta_shift, &P::diff_min},
                          [](const P& p) { return std::vector<uint64_t>(2, uint64_t(p.rows) * p.depth); },
                          [](const P& p) { validate(p); },
                          [](const P& p, const McuOperands& o) { softmax(p, in_i8(o, 0), out_i8(o, 1)); },
                          {}}));
  }
  {
    using P = PadParams;
    t.push_back(entry<P>(
        {kernel(McuKernel::Pad, "pad",
                {in8("in", "input tensor, NHWC"), out8("out", "output tensor, NHWC"), extent("in_h", "input height"),
                 extent("in_w", "input width"), extent("c", "channels"), extent("pad_top", "rows added above"),
                 extent("pad_bottom", "rows added below"), extent("pad_left", "columns added left"),
                 extent("pad_right", "columns added right"), sint("pad_value", "value of the added elements")}),
         {&P::in_h, &P::in_w, &P::c, &P::pad_top, &P::pad_bottom, &P::pad_left, &P::pad_right, &P::pad_value},
         [](const P& p) {
           return std::vector<uint64_t>{uint64_t(p.batches) * p.in_h * p.in_w * p.c,
                                        uint64_t(p.batches) * p.out_h() * p.out_w() * p.c};
         },
         [](const P& p) { validate(p); },
         [](const P& p, const McuOperands& o) { pad(p, in_i8(o, 0), out_i8(o, 1)); },
         {}}));
  }
  {
    using P = Concat2Params;
    t.push_back(
        entry<P>({kernel(McuKernel::Concat2, "concat2",
                         {in8("in1", "first input, outer x in1_inner"), in8("in2", "second input, outer x in2_inner"),
                          out8("out", "output, outer x (in1_inner + in2_inner)"), extent("outer", "rows"),
                          extent("in1_inner", "elements of the first input per row"),
                          extent("in2_inner", "elements of the second input per row")}),
                  {&P::outer, &P::in1_inner, &P::in2_inner},
                  [](const P& p) {
                    return std::vector<uint64_t>{uint64_t(p.outer) * p.in1_inner, uint64_t(p.outer) * p.in2_inner,
                                                 uint64_t(p.outer) * (p.in1_inner + p.in2_inner)};
                  },
                  [](const P& p) { validate(p); },
                  [](const P& p, const McuOperands& o) { concat2(p, in_i8(o, 0), in_i8(o, 1), out_i8(o, 2)); },
                  {}}));
  }
  {
    using P = RequantizeParams;
    t.push_back(entry<P>({kernel(McuKernel::Requantize, "requantize",
                                 {in8("in", "input tensor"), out8("out", "output tensor"), extent("count", "elements"),
                                  in_zp(), out_zp(), sint("mult", "multiplier of input_scale / output_scale"),
                                  sint("shift", "shift of input_scale / output_scale"), act_min(), act_max()}),
                          {&P::count, &P::in_zp, &P::out_zp, &P::mult, &P::shift, &P::act_min, &P::act_max},
                          [](const P& p) { return std::vector<uint64_t>(2, uint64_t(p.count)); },
                          [](const P& p) { validate(p); },
                          [](const P& p, const McuOperands& o) { requantize(p, in_i8(o, 0), out_i8(o, 1)); },
                          {}}));
  }
  {
    using P = QuantizeParams;
    t.push_back(entry<P>(
        {kernel(McuKernel::Quantize, "quantize",
                {in_f32("in", "float32 input tensor"), out8("out", "int8 output tensor"), extent("count", "elements"),
                 out_zp(), sint("scale_bits", "output scale as IEEE-754 binary32 bits"),
                 extent("rounding", "0: half away from zero (TFLite QUANTIZE), 1: half to even (ONNX QuantizeLinear)")},
                "requantize"),
         {&P::count, &P::out_zp, &P::scale_bits, &P::rounding},
         [](const P& p) { return std::vector<uint64_t>(2, uint64_t(p.count)); },
         [](const P& p) { validate(p); },
         [](const P& p, const McuOperands& o) { quantize(p, static_cast<const uint8_t*>(o.at(0).in), out_i8(o, 1)); },
         {}}));
  }
  {
    using P = DequantizeParams;
    t.push_back(entry<P>(
        {kernel(McuKernel::Dequantize, "dequantize",
                {in8("in", "int8 input tensor"), out_f32("out", "float32 output tensor"), extent("count", "elements"),
                 in_zp(), sint("scale_bits", "input scale as IEEE-754 binary32 bits")},
                "requantize"),
         {&P::count, &P::in_zp, &P::scale_bits},
         [](const P& p) { return std::vector<uint64_t>(2, uint64_t(p.count)); },
         [](const P& p) { validate(p); },
         [](const P& p, const McuOperands& o) { dequantize(p, in_i8(o, 0), static_cast<uint8_t*>(o.at(1).out)); },
         {}}));
  }
  {
    using P = LutParams;
    t.push_back(
        entry<P>({kernel(McuKernel::Lut, "lut",
                         {in8("in", "int8 input tensor"),
                          in8("table", "256 int8 outputs, entry uint8(x) for input x (the compiler's constant data)"),
                          out8("out", "int8 output tensor"), extent("count", "elements")},
                         "requantize"),
                  {&P::count},
                  [](const P& p) {
                    return std::vector<uint64_t>{uint64_t(p.count), uint64_t(kLutEntries), uint64_t(p.count)};
                  },
                  [](const P& p) { validate(p); },
                  [](const P& p, const McuOperands& o) { lut(p, in_i8(o, 0), in_i8(o, 1), out_i8(o, 2)); },
                  {}}));
  }
  {
    using P = MaxMinParams;
    // Priced as add (an element-wise pass over two operands) where a cost table has no entry.
    const auto elements = [](const P& p) { return std::vector<uint64_t>(3, uint64_t(p.count)); };
    t.push_back(entry<P>({kernel(McuKernel::Maximum, "maximum",
                                 {in8("in1", "first input tensor"), in8("in2", "second input tensor (same shape)"),
                                  out8("out", "output tensor"), extent("count", "elements")},
                                 "add"),
                          {&P::count},
                          elements,
                          [](const P& p) { validate(p, "maximum"); },
                          [](const P& p, const McuOperands& o) { maximum(p, in_i8(o, 0), in_i8(o, 1), out_i8(o, 2)); },
                          {}}));
    t.push_back(entry<P>({kernel(McuKernel::Minimum, "minimum",
                                 {in8("in1", "first input tensor"), in8("in2", "second input tensor (same shape)"),
                                  out8("out", "output tensor"), extent("count", "elements")},
                                 "add"),
                          {&P::count},
                          elements,
                          [](const P& p) { validate(p, "minimum"); },
                          [](const P& p, const McuOperands& o) { minimum(p, in_i8(o, 0), in_i8(o, 1), out_i8(o, 2)); },
                          {}}));
  }
  {
    using P = SubParams;
    // Priced as add: the same two rescales and one output rescale per element.
    t.push_back(entry<P>(
        {kernel(McuKernel::Sub, "sub",
                {in8("in1", "first input tensor (the minuend)"), in8("in2", "second input tensor (the subtrahend)"),
                 out8("out", "output tensor"), extent("count", "output elements"),
                 extent("in1_count", "elements of in1 (count, or a divisor it repeats: per channel, scalar)"),
                 extent("in2_count", "elements of in2 (count, or a divisor it repeats: per channel, scalar)"),
                 sint("in1_zp", "first input zero point"), sint("in2_zp", "second input zero point"), out_zp(),
                 sint("left_shift", "left shift of both inputs before rescaling (TFLite: 20)"),
                 sint("in1_mult", "first input multiplier"), sint("in1_shift", "first input shift (<= 0)"),
                 sint("in2_mult", "second input multiplier"), sint("in2_shift", "second input shift (<= 0)"),
                 sint("out_mult", "output multiplier"), sint("out_shift", "output shift (<= 0)"), act_min(), act_max()},
                "add"),
         {&P::count, &P::in1_count, &P::in2_count, &P::in1_zp, &P::in2_zp, &P::out_zp, &P::left_shift, &P::in1_mult,
          &P::in1_shift, &P::in2_mult, &P::in2_shift, &P::out_mult, &P::out_shift, &P::act_min, &P::act_max},
         [](const P& p) {
           return std::vector<uint64_t>{uint64_t(p.in1_count), uint64_t(p.in2_count), uint64_t(p.count)};
         },
         [](const P& p) { validate(p); },
         [](const P& p, const McuOperands& o) { sub(p, in_i8(o, 0), in_i8(o, 1), out_i8(o, 2)); },
         {}}));
  }
  {
    using P = MulParams;
    // Priced as requantize: one product and one rescale per element (add
    // rescales three times).
    t.push_back(
        entry<P>({kernel(McuKernel::Mul, "mul",
                         {in8("in1", "first input tensor"), in8("in2", "second input tensor"),
                          out8("out", "output tensor"), extent("count", "output elements"),
                          extent("in1_count", "elements of in1 (count, or a divisor it repeats: per channel, scalar)"),
                          extent("in2_count", "elements of in2 (count, or a divisor it repeats: per channel, scalar)"),
                          sint("in1_zp", "first input zero point"), sint("in2_zp", "second input zero point"), out_zp(),
                          sint("out_mult", "output multiplier of in1_scale * in2_scale / out_scale"),
                          sint("out_shift", "output shift (may be positive)"), act_min(), act_max()},
                         "requantize"),
                  {&P::count, &P::in1_count, &P::in2_count, &P::in1_zp, &P::in2_zp, &P::out_zp, &P::out_mult,
                   &P::out_shift, &P::act_min, &P::act_max},
                  [](const P& p) {
                    return std::vector<uint64_t>{uint64_t(p.in1_count), uint64_t(p.in2_count), uint64_t(p.count)};
                  },
                  [](const P& p) { validate(p); },
                  [](const P& p, const McuOperands& o) { mul(p, in_i8(o, 0), in_i8(o, 1), out_i8(o, 2)); },
                  {}}));
  }
  {
    using P = TransposeParams;
    // Priced as pad: one byte moved per element with index arithmetic.
    t.push_back(entry<P>(
        {kernel(28, "transpose",
                join({{in8("in", "input tensor"), out8("out", "output tensor, dimension i the input's dimension p<i>")},
                      shape_args(),
                      {extent("p0", "input dimension of output dimension 0"),
                       extent("p1", "input dimension of output dimension 1"),
                       extent("p2", "input dimension of output dimension 2"),
                       extent("p3", "input dimension of output dimension 3"),
                       extent("p4", "input dimension of output dimension 4"),
                       extent("p5", "input dimension of output dimension 5")}}),
                "pad"),
         {&P::d0, &P::d1, &P::d2, &P::d3, &P::d4, &P::d5, &P::p0, &P::p1, &P::p2, &P::p3, &P::p4, &P::p5},
         [](const P& p) {
           return std::vector<uint64_t>{uint64_t(p.elements()), uint64_t(p.elements())};
         },
         [](const P& p) { validate(p); },
         [](const P& p, const McuOperands& o) { transpose(p, in_i8(o, 0), out_i8(o, 1)); },
         {},
         transpose_from_op}));
  }
  {
    using P = SliceParams;
    // Priced as pad: one byte moved per element with index arithmetic.
    t.push_back(entry<P>(
        {kernel(
             29, "slice",
             join({{in8("in", "input tensor"), out8("out", "output tensor, n0 x ... x n5")},
                   shape_args(),
                   {extent("b0", "first index of dimension 0"), extent("b1", "first index of dimension 1"),
                    extent("b2", "first index of dimension 2"), extent("b3", "first index of dimension 3"),
                    extent("b4", "first index of dimension 4"), extent("b5", "first index of dimension 5"),
                    sint("s0", "step along dimension 0 (not 0)"), sint("s1", "step along dimension 1"),
                    sint("s2", "step along dimension 2"), sint("s3", "step along dimension 3"),
                    sint("s4", "step along dimension 4"), sint("s5", "step along dimension 5"),
                    extent("n0", "indices taken along dimension 0"), extent("n1", "indices taken along dimension 1"),
                    extent("n2", "indices taken along dimension 2"), extent("n3", "indices taken along dimension 3"),
                    extent("n4", "indices taken along dimension 4"), extent("n5", "indices taken along dimension 5")}}),
             "pad"),
         {&P::d0, &P::d1, &P::d2, &P::d3, &P::d4, &P::d5, &P::b0, &P::b1, &P::b2, &P::b3, &P::b4, &P::b5,
          &P::s0, &P::s1, &P::s2, &P::s3, &P::s4, &P::s5, &P::n0, &P::n1, &P::n2, &P::n3, &P::n4, &P::n5},
         [](const P& p) {
           return std::vector<uint64_t>{uint64_t(p.in_elements()), uint64_t(p.out_elements())};
         },
         [](const P& p) { validate(p); },
         [](const P& p, const McuOperands& o) { slice(p, in_i8(o, 0), out_i8(o, 1)); },
         {},
         slice_from_op}));
  }
  {
    using P = SquaredDifferenceParams;
    // Priced as add: the same two input rescales and one output rescale per element.
    t.push_back(entry<P>(
        {kernel(
             34, "squared_difference",
             {in8("in1", "first input tensor"), in8("in2", "second input tensor"), out8("out", "output tensor"),
              extent("count", "output elements"),
              extent("in1_count", "elements of in1 (count, or a divisor it repeats: per channel, scalar)"),
              extent("in2_count", "elements of in2 (count, or a divisor it repeats: per channel, scalar)"),
              sint("in1_zp", "first input zero point"), sint("in2_zp", "second input zero point"), out_zp(),
              sint("left_shift", "left shift of both inputs before rescaling (TFLite: 7)"),
              sint("in1_mult", "first input multiplier"), sint("in1_shift", "first input shift (<= 0)"),
              sint("in2_mult", "second input multiplier"), sint("in2_shift", "second input shift (<= 0)"),
              sint("out_mult", "multiplier of the square's rescale"), sint("out_shift", "its shift (may be positive)")},
             "add"),
         {&P::count, &P::in1_count, &P::in2_count, &P::in1_zp, &P::in2_zp, &P::out_zp, &P::left_shift, &P::in1_mult,
          &P::in1_shift, &P::in2_mult, &P::in2_shift, &P::out_mult, &P::out_shift},
         [](const P& p) {
           return std::vector<uint64_t>{uint64_t(p.in1_count), uint64_t(p.in2_count), uint64_t(p.count)};
         },
         [](const P& p) { validate(p); },
         [](const P& p, const McuOperands& o) { squared_difference(p, in_i8(o, 0), in_i8(o, 1), out_i8(o, 2)); },
         {},
         squared_difference_from_op,
         {{"tflite", "SQUARED_DIFFERENCE", {nullptr, nullptr}}}}));
  }
  {
    using P = PreluParams;
    // Priced as requantize, as mul is: one product and one rescale per element.
    t.push_back(entry<P>(
        {kernel(33, "prelu",
                {in8("in", "input tensor"), in8("alpha", "slope, alpha_count elements repeated along the input"),
                 out8("out", "output tensor"), extent("count", "elements"),
                 extent("alpha_count", "elements of alpha (count, or a divisor it repeats: per channel, scalar)"),
                 in_zp(), sint("alpha_zp", "slope zero point"), out_zp(),
                 sint("mult_identity", "multiplier of s_in / s_out"), sint("shift_identity", "its shift"),
                 sint("mult_alpha", "multiplier of s_in * s_alpha / s_out"), sint("shift_alpha", "its shift")},
                "requantize"),
         {&P::count, &P::alpha_count, &P::in_zp, &P::alpha_zp, &P::out_zp, &P::mult_identity, &P::shift_identity,
          &P::mult_alpha, &P::shift_alpha},
         [](const P& p) {
           return std::vector<uint64_t>{uint64_t(p.count), uint64_t(p.alpha_count), uint64_t(p.count)};
         },
         [](const P& p) { validate(p); },
         [](const P& p, const McuOperands& o) { prelu(p, in_i8(o, 0), in_i8(o, 1), out_i8(o, 2)); },
         {},
         prelu_from_op,
         {{"tflite", "PRELU", {nullptr, nullptr}}}}));
  }
  {
    using P = ResizeBilinearParams;
    // Priced as avg_pool: four neighbours weighted and summed per output element.
    t.push_back(entry<P>(
        {kernel(32, "resize_bilinear",
                {in8("in", "input images, NHWC"), out8("out", "output images, NHWC"), extent("batches", "images"),
                 extent("in_h", "input height"), extent("in_w", "input width"), extent("c", "channels"),
                 extent("out_h", "output height"), extent("out_w", "output width"),
                 extent("align_corners", "1: corner pixels map onto corner pixels"),
                 extent("half_pixel_centers", "1: pixel centres at half-integer coordinates (not with align_corners)")},
                "avg_pool"),
         {&P::batches, &P::in_h, &P::in_w, &P::c, &P::out_h, &P::out_w, &P::align_corners, &P::half_pixel_centers},
         [](const P& p) {
           return std::vector<uint64_t>{uint64_t(p.batches) * p.in_h * p.in_w * p.c,
                                        uint64_t(p.batches) * p.out_h * p.out_w * p.c};
         },
         [](const P& p) { validate(p); },
         [](const P& p, const McuOperands& o) { resize_bilinear(p, in_i8(o, 0), out_i8(o, 1)); },
         // four multiply-accumulates per output element
         [](const P& p) { return uint64_t(4) * p.batches * p.out_h * p.out_w * p.c; },
         resize_bilinear_from_op}));
  }
  {
    using P = MirrorPadParams;
    // Priced as pad: one byte moved per output element with index arithmetic.
    t.push_back(entry<P>(
        {kernel(
             31, "mirror_pad",
             join({{in8("in", "input tensor"), out8("out", "output tensor, (d0+b0+a0) x ... x (d5+b5+a5)")},
                   shape_args(),
                   {extent("b0", "indices added before dimension 0"), extent("b1", "indices added before dimension 1"),
                    extent("b2", "indices added before dimension 2"), extent("b3", "indices added before dimension 3"),
                    extent("b4", "indices added before dimension 4"), extent("b5", "indices added before dimension 5"),
                    extent("a0", "indices added after dimension 0"), extent("a1", "indices added after dimension 1"),
                    extent("a2", "indices added after dimension 2"), extent("a3", "indices added after dimension 3"),
                    extent("a4", "indices added after dimension 4"), extent("a5", "indices added after dimension 5"),
                    extent("symmetric", "0: REFLECT (the edge is not repeated), 1: SYMMETRIC (it is)")}}),
             "pad"),
         {&P::d0, &P::d1, &P::d2, &P::d3, &P::d4, &P::d5, &P::b0, &P::b1, &P::b2, &P::b3, &P::b4, &P::b5, &P::a0,
          &P::a1, &P::a2, &P::a3, &P::a4, &P::a5, &P::symmetric},
         [](const P& p) {
           return std::vector<uint64_t>{uint64_t(p.in_elements()), uint64_t(p.out_elements())};
         },
         [](const P& p) { validate(p); },
         [](const P& p, const McuOperands& o) { mirror_pad(p, in_i8(o, 0), out_i8(o, 1)); },
         {},
         mirror_pad_from_op}));
  }
  {
    using P = ResizeNearestParams;
    // Priced as pad: channels copied per output pixel after two index computations.
    t.push_back(entry<P>(
        {kernel(30, "resize_nearest",
                {in8("in", "input image, NHWC"), out8("out", "output image, NHWC"), extent("in_h", "input height"),
                 extent("in_w", "input width"), extent("c", "channels"), extent("out_h", "output height"),
                 extent("out_w", "output width"), extent("align_corners", "1: corner pixels map onto corner pixels"),
                 extent("half_pixel_centers", "1: pixel centres at half-integer coordinates")},
                "pad"),
         {&P::in_h, &P::in_w, &P::c, &P::out_h, &P::out_w, &P::align_corners, &P::half_pixel_centers},
         [](const P& p) {
           return std::vector<uint64_t>{uint64_t(p.in_h) * p.in_w * p.c, uint64_t(p.out_h) * p.out_w * p.c};
         },
         [](const P& p) { validate(p); },
         [](const P& p, const McuOperands& o) { resize_nearest(p, in_i8(o, 0), out_i8(o, 1)); },
         {},
         resize_nearest_from_op}));
  }
  {
    using P = ReduceParams;
    // Priced as max_pool: one comparison per input element visited.
    const auto args = [](const char* extremum) {
      return join({{in8("in", "input tensor"), out8("out", "output tensor, the kept dimensions")},
                   shape_args(),
                   {extent("r0", extremum), extent("r1", "1: dimension 1 is reduced"),
                    extent("r2", "1: dimension 2 is reduced"), extent("r3", "1: dimension 3 is reduced"),
                    extent("r4", "1: dimension 4 is reduced"), extent("r5", "1: dimension 5 is reduced")}});
    };
    const std::vector<McuKernelDef<P>::Field> fields = {&P::d0, &P::d1, &P::d2, &P::d3, &P::d4, &P::d5,
                                                        &P::r0, &P::r1, &P::r2, &P::r3, &P::r4, &P::r5};
    const auto elements = [](const P& p) {
      return std::vector<uint64_t>{uint64_t(p.in_elements()), uint64_t(p.out_elements())};
    };
    const auto visited = [](const P& p) { return uint64_t(p.in_elements()); };
    const McuOperatorForm::OptionField keep_dims = {"keep_dims", 0, McuOperatorForm::Option::Bool};
    t.push_back(entry<P>({kernel(35, "reduce_max", args("1: dimension 0 is reduced (its maximum taken)"), "max_pool"),
                          fields, elements, [](const P& p) { validate(p, "reduce_max"); },
                          [](const P& p, const McuOperands& o) { reduce_max(p, in_i8(o, 0), out_i8(o, 1)); },
                          visited,
                          [](const McuOpView& op) { return reduce_from_op(op, "reduce_max", false); },
                          {{"tflite", "REDUCE_MAX", {nullptr, "axis"}, {keep_dims}, 27}}}));
    t.push_back(entry<P>({kernel(36, "reduce_min", args("1: dimension 0 is reduced (its minimum taken)"), "max_pool"),
                          fields, elements, [](const P& p) { validate(p, "reduce_min"); },
                          [](const P& p, const McuOperands& o) { reduce_min(p, in_i8(o, 0), out_i8(o, 1)); },
                          visited,
                          [](const McuOpView& op) { return reduce_from_op(op, "reduce_min", false); },
                          {{"tflite", "REDUCE_MIN", {nullptr, "axis"}, {keep_dims}, 27}}}));
    // Priced as mean: one addition per input element, one rescale per output.
    auto sum_fields = fields;
    sum_fields.insert(sum_fields.end(), {&P::in_zp, &P::out_zp, &P::mult, &P::shift});
    t.push_back(entry<P>(
        {kernel(40, "sum",
                join({args("1: dimension 0 is reduced (summed)"),
                      {in_zp(), out_zp(), sint("mult", "multiplier of input_scale / output_scale"),
                       sint("shift", "shift of input_scale / output_scale")}}),
                "mean"),
         sum_fields, elements, [](const P& p) { validate(p, "sum"); },
         [](const P& p, const McuOperands& o) { reduce_sum(p, in_i8(o, 0), out_i8(o, 1)); },
         visited,
         [](const McuOpView& op) { return reduce_from_op(op, "sum", true); },
         {{"tflite", "SUM", {nullptr, "axis"}, {keep_dims}, 27}}}));
  }
  {
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
    t.push_back(entry<P>(
        {kernel(37, "space_to_batch",
                args("rows of padding above the input", "the value of the padding (the output zero point)"), "pad"),
         {&P::batch, &P::in_h, &P::in_w, &P::c, &P::block_h, &P::block_w, &P::top, &P::left, &P::out_batch,
          &P::out_h, &P::out_w, &P::pad_value},
         elements, [](const P& p) { validate(p, true); },
         [](const P& p, const McuOperands& o) { space_to_batch(p, in_i8(o, 0), out_i8(o, 1)); },
         {},
         [](const McuOpView& op) { return space_batch_from_op(op, true); },
         {{"tflite", "SPACE_TO_BATCH_ND", {nullptr, "block_shape", "paddings"}}}}));
    t.push_back(entry<P>(
        {kernel(38, "batch_to_space", args("rows cropped from the top of the reassembled image", nullptr), "pad"),
         {&P::batch, &P::in_h, &P::in_w, &P::c, &P::block_h, &P::block_w, &P::top, &P::left, &P::out_batch,
          &P::out_h, &P::out_w},
         elements, [](const P& p) { validate(p, false); },
         [](const P& p, const McuOperands& o) { batch_to_space(p, in_i8(o, 0), out_i8(o, 1)); },
         {},
         [](const McuOpView& op) { return space_batch_from_op(op, false); },
         {{"tflite", "BATCH_TO_SPACE_ND", {nullptr, "block_shape", "crops"}}}}));
  }
  {
    using P = GatherParams;
    // Priced as pad: inner bytes copied per index after index arithmetic.
    t.push_back(entry<P>(
        {kernel(39, "gather",
                {in8("in", "input tensor"), in32("indices", "indices along the axis, count per batch"),
                 out8("out", "output tensor"), extent("batch", "product of the batch_dims dimensions"),
                 extent("outer", "product of the dimensions between them and the axis"),
                 extent("axis_size", "the input's dimension along the axis"),
                 extent("inner", "product of the dimensions after the axis"), extent("count", "indices per batch")},
                "pad"),
         {&P::batch, &P::outer, &P::axis_size, &P::inner, &P::count},
         [](const P& p) {
           return std::vector<uint64_t>{uint64_t(p.in_elements()), uint64_t(p.index_elements()),
                                        uint64_t(p.out_elements())};
         },
         [](const P& p) { validate(p); },
         [](const P& p, const McuOperands& o) { gather(p, in_i8(o, 0), in_i32(o, 1), out_i8(o, 2)); },
         {},
         gather_from_op,
         {{"tflite",
           "GATHER",
           {nullptr, nullptr},
           {{"axis", 0, McuOperatorForm::Option::Int32}, {"batch_dims", 1, McuOperatorForm::Option::Int32}},
           23}}}));
  }
  return t;
}

}  // namespace

const std::vector<std::unique_ptr<McuKernelBinding>>& mcu_kernel_table() {
  static const std::vector<std::unique_ptr<McuKernelBinding>> table = make_table();
  return table;
}

namespace {
// The catalogue (arch/mcu_op.h) is this table's specs: built, and so
// registered, before main. kiln_kernels is linked as object files
// (kernels/CMakeLists.txt), so that this runs in every program that links it.
[[maybe_unused]] const bool kTableRegistered = !mcu_kernel_table().empty();
}  // namespace

const McuKernelBinding* find_mcu_binding(uint16_t id) {
  for (const auto& b : mcu_kernel_table())
    if (b->spec().id == id) return b.get();
  return nullptr;
}

std::pair<const McuKernelBinding*, const McuOperatorForm*> find_operator_kernel(const std::string& format,
                                                                                const std::string& op) {
  for (const auto& b : mcu_kernel_table())
    for (const McuOperatorForm& f : b->operator_forms())
      if (format == f.format && op == f.name) return {b.get(), &f};
  return {nullptr, nullptr};
}

const McuKernelBinding* find_mcu_binding(const std::string& name) {
  for (const auto& b : mcu_kernel_table())
    if (name == b->spec().name) return b.get();
  return nullptr;
}

}  // namespace kiln::kernels
