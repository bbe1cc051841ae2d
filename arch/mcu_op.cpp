#include "arch/mcu_op.h"

namespace kiln {

namespace {

McuArg in8(const char* name, const char* meaning) { return {name, McuArgType::Read, McuElement::Int8, false, meaning}; }
McuArg out8(const char* name, const char* meaning) {
  return {name, McuArgType::Write, McuElement::Int8, false, meaning};
}
McuArg in32(const char* name, const char* meaning) {
  return {name, McuArgType::Read, McuElement::Int32, false, meaning};
}
McuArg optional_in32(const char* name, const char* meaning) {
  return {name, McuArgType::Read, McuElement::Int32, true, meaning};
}
McuArg in_f32(const char* name, const char* meaning) {
  return {name, McuArgType::Read, McuElement::Float32, false, meaning};
}
McuArg out_f32(const char* name, const char* meaning) {
  return {name, McuArgType::Write, McuElement::Float32, false, meaning};
}
McuArg extent(const char* name, const char* meaning) {
  return {name, McuArgType::Extent, McuElement::None, false, meaning};
}
McuArg sint(const char* name, const char* meaning) { return {name, McuArgType::Int, McuElement::None, false, meaning}; }

// The arguments several kernels share, worded once.
McuArg act_min() { return sint("act_min", "lower clamp of the int8 result (fused activation)"); }
McuArg act_max() { return sint("act_max", "upper clamp of the int8 result (fused activation)"); }
McuArg in_zp() { return sint("in_zp", "input zero point"); }
McuArg out_zp() { return sint("out_zp", "output zero point"); }

// in, weights, bias, mult, shift: the operands of a weighted kernel.
std::vector<McuArg> weighted_operands(const char* weights_layout) {
  return {in8("in", "input tensor"), in8("weights", weights_layout),
          optional_in32("bias", "int32 bias per output channel (none: zero)"),
          in32("mult", "int32 requantization multiplier per output channel"),
          in32("shift", "int32 requantization shift per output channel (> 0: left)")};
}

// kh .. pad_left of a sliding window (conv, depthwise).
std::vector<McuArg> window_args(bool dilation) {
  std::vector<McuArg> a = {extent("kh", "window height"), extent("kw", "window width"),
                           extent("stride_h", "vertical stride"), extent("stride_w", "horizontal stride")};
  if (dilation) {
    a.push_back(extent("dil_h", "vertical dilation"));
    a.push_back(extent("dil_w", "horizontal dilation"));
  }
  a.push_back(extent("pad_top", "padding rows above the input"));
  a.push_back(extent("pad_left", "padding columns left of the input"));
  return a;
}

std::vector<McuArg> join(std::initializer_list<std::vector<McuArg>> parts) {
  std::vector<McuArg> all;
  for (const auto& p : parts) all.insert(all.end(), p.begin(), p.end());
  return all;
}

// conv2d and depthwise_conv2d: they differ in the weights' layout and in how
// the output channels are given (out_c, depth_mult).
std::vector<McuArg> conv_args(const char* weights_layout, const McuArg& channels) {
  return join({weighted_operands(weights_layout),
               {out8("out", "output tensor, NHWC"), extent("in_h", "input height"), extent("in_w", "input width"),
                extent("in_c", "input channels"), extent("out_h", "output height"), extent("out_w", "output width"),
                channels},
               window_args(true),
               {in_zp(), out_zp(), act_min(), act_max()}});
}

// d0 .. d5: the input's shape, outermost first, with leading dimensions of 1
// below rank 6 (transpose, slice, mirror_pad).
std::vector<McuArg> shape_args() {
  return {extent("d0", "input dimension 0 (outermost; 1 below rank 6)"), extent("d1", "input dimension 1"),
          extent("d2", "input dimension 2"), extent("d3", "input dimension 3"), extent("d4", "input dimension 4"),
          extent("d5", "input dimension 5 (innermost)")};
}

std::vector<McuArg> pool_args() {
  return join({{in8("in", "input tensor, NHWC"), out8("out", "output tensor, NHWC"), extent("in_h", "input height"),
                extent("in_w", "input width"), extent("c", "channels"), extent("out_h", "output height"),
                extent("out_w", "output width")},
               window_args(false),
               {act_min(), act_max()}});
}

}  // namespace

const std::vector<McuKernelSpec>& mcu_kernels() {
  // Argument lists follow the parameters of the TFLite reference kernels; the
  // order is the binary encoding and must not change for an existing kernel.
  static const std::vector<McuKernelSpec> table = {
      {McuKernel::Copy,
       "copy",
       {in8("src", "source bytes"), out8("dst", "destination bytes (may overlap the source)"),
        extent("bytes", "bytes to copy, at least 1")}},
      {McuKernel::Add,
       "add",
       {in8("in1", "first input tensor"), in8("in2", "second input tensor (same shape)"),
        out8("out", "output tensor"), extent("count", "elements"), sint("in1_zp", "first input zero point"),
        sint("in2_zp", "second input zero point"), out_zp(),
        sint("left_shift", "left shift of both inputs before rescaling (TFLite: 20)"),
        sint("in1_mult", "first input multiplier"), sint("in1_shift", "first input shift (<= 0)"),
        sint("in2_mult", "second input multiplier"), sint("in2_shift", "second input shift (<= 0)"),
        sint("out_mult", "output multiplier"), sint("out_shift", "output shift (<= 0)"), act_min(), act_max()}},
      {McuKernel::Conv2d, "conv2d", conv_args("int8 weights, OHWI", extent("out_c", "output channels"))},
      {McuKernel::Conv2d1x1, "conv2d_1x1", conv_args("int8 weights, OHWI", extent("out_c", "output channels")),
       "conv2d"},
      {McuKernel::Conv2dShallow, "conv2d_shallow", conv_args("int8 weights, OHWI", extent("out_c", "output channels")),
       "conv2d"},
      {McuKernel::DepthwiseConv2d,
       "depthwise_conv2d",
       conv_args("int8 weights, 1 x kh x kw x (in_c * depth_mult)",
                 extent("depth_mult", "output channels per input channel"))},
      {McuKernel::FullyConnected,
       "fully_connected",
       join({weighted_operands("int8 weights, [out_features][in_features]"),
             {out8("out", "output, [batches][out_features]"), extent("batches", "rows of the input"),
              extent("in_features", "input features"), extent("out_features", "output features"), in_zp(),
              out_zp(), act_min(), act_max()}})},
      {McuKernel::AvgPool, "avg_pool", pool_args()},
      {McuKernel::MaxPool, "max_pool", pool_args()},
      {McuKernel::Mean,
       "mean",
       {in8("in", "input tensor, NHWC"), out8("out", "output, one value per channel"), extent("h", "input height"),
        extent("w", "input width"), extent("c", "channels"), in_zp(), out_zp(),
        sint("mult", "multiplier of input_scale / output_scale (1/(h*w) not folded in)"),
        sint("shift", "shift of input_scale / output_scale")}},
      {McuKernel::Softmax,
       "softmax",
       {in8("in", "input, rows x depth"), out8("out", "output, scale 1/256, zero point -128"),
        extent("rows", "rows"), extent("depth", "elements per row, at most 4095"),
        sint("beta_mult", "multiplier of beta * input_scale (Q5.26 input)"),
        sint("beta_shift", "left shift of beta * input_scale"),
        sint("diff_min", "smallest difference to the row maximum that counts")}},
      {McuKernel::Pad,
       "pad",
       {in8("in", "input tensor, NHWC"), out8("out", "output tensor, NHWC"), extent("in_h", "input height"),
        extent("in_w", "input width"), extent("c", "channels"), extent("pad_top", "rows added above"),
        extent("pad_bottom", "rows added below"), extent("pad_left", "columns added left"),
        extent("pad_right", "columns added right"), sint("pad_value", "value of the added elements")}},
      {McuKernel::Concat2,
       "concat2",
       {in8("in1", "first input, outer x in1_inner"), in8("in2", "second input, outer x in2_inner"),
        out8("out", "output, outer x (in1_inner + in2_inner)"), extent("outer", "rows"),
        extent("in1_inner", "elements of the first input per row"),
        extent("in2_inner", "elements of the second input per row")}},
      {McuKernel::Requantize,
       "requantize",
       {in8("in", "input tensor"), out8("out", "output tensor"), extent("count", "elements"), in_zp(), out_zp(),
        sint("mult", "multiplier of input_scale / output_scale"), sint("shift", "shift of input_scale / output_scale"),
        act_min(), act_max()}},
      {McuKernel::Quantize,
       "quantize",
       {in_f32("in", "float32 input tensor"), out8("out", "int8 output tensor"), extent("count", "elements"), out_zp(),
        sint("scale_bits", "output scale as IEEE-754 binary32 bits"),
        extent("rounding", "0: half away from zero (TFLite QUANTIZE), 1: half to even (ONNX QuantizeLinear)")},
       "requantize"},
      {McuKernel::Dequantize,
       "dequantize",
       {in8("in", "int8 input tensor"), out_f32("out", "float32 output tensor"), extent("count", "elements"), in_zp(),
        sint("scale_bits", "input scale as IEEE-754 binary32 bits")},
       "requantize"},
      // Priced as add (an element-wise pass over two operands) where a cost table has no entry.
      {McuKernel::Maximum,
       "maximum",
       {in8("in1", "first input tensor"), in8("in2", "second input tensor (same shape)"), out8("out", "output tensor"),
        extent("count", "elements")},
       "add"},
      {McuKernel::Minimum,
       "minimum",
       {in8("in1", "first input tensor"), in8("in2", "second input tensor (same shape)"), out8("out", "output tensor"),
        extent("count", "elements")},
       "add"},
      {McuKernel::Lut,
       "lut",
       {in8("in", "int8 input tensor"),
        in8("table", "256 int8 outputs, entry uint8(x) for input x (the compiler's constant data)"),
        out8("out", "int8 output tensor"), extent("count", "elements")},
       "requantize"},
      // Priced as add: the same two rescales and one output rescale per element.
      {McuKernel::Sub,
       "sub",
       {in8("in1", "first input tensor (the minuend)"), in8("in2", "second input tensor (the subtrahend)"),
        out8("out", "output tensor"), extent("count", "output elements"),
        extent("in1_count", "elements of in1 (count, or a divisor it repeats: per channel, scalar)"),
        extent("in2_count", "elements of in2 (count, or a divisor it repeats: per channel, scalar)"),
        sint("in1_zp", "first input zero point"), sint("in2_zp", "second input zero point"), out_zp(),
        sint("left_shift", "left shift of both inputs before rescaling (TFLite: 20)"),
        sint("in1_mult", "first input multiplier"), sint("in1_shift", "first input shift (<= 0)"),
        sint("in2_mult", "second input multiplier"), sint("in2_shift", "second input shift (<= 0)"),
        sint("out_mult", "output multiplier"), sint("out_shift", "output shift (<= 0)"), act_min(), act_max()},
       "add"},
      // Priced as requantize: one product and one rescale per element (add
      // rescales three times).
      {McuKernel::Mul,
       "mul",
       {in8("in1", "first input tensor"), in8("in2", "second input tensor"), out8("out", "output tensor"),
        extent("count", "output elements"),
        extent("in1_count", "elements of in1 (count, or a divisor it repeats: per channel, scalar)"),
        extent("in2_count", "elements of in2 (count, or a divisor it repeats: per channel, scalar)"),
        sint("in1_zp", "first input zero point"), sint("in2_zp", "second input zero point"), out_zp(),
        sint("out_mult", "output multiplier of in1_scale * in2_scale / out_scale"),
        sint("out_shift", "output shift (may be positive)"), act_min(), act_max()},
       "requantize"},
      // Priced as pad: one byte moved per element with index arithmetic.
      {McuKernel::Transpose,
       "transpose",
       join({{in8("in", "input tensor"), out8("out", "output tensor, dimension i the input's dimension p<i>")},
             shape_args(),
             {extent("p0", "input dimension of output dimension 0"),
              extent("p1", "input dimension of output dimension 1"),
              extent("p2", "input dimension of output dimension 2"),
              extent("p3", "input dimension of output dimension 3"),
              extent("p4", "input dimension of output dimension 4"),
              extent("p5", "input dimension of output dimension 5")}}),
       "pad"},
      // Priced as pad: one byte moved per element with index arithmetic.
      {McuKernel::Slice,
       "slice",
       join({{in8("in", "input tensor"), out8("out", "output tensor, n0 x ... x n5")},
             shape_args(),
             {extent("b0", "first index of dimension 0"),
              extent("b1", "first index of dimension 1"), extent("b2", "first index of dimension 2"),
              extent("b3", "first index of dimension 3"), extent("b4", "first index of dimension 4"),
              extent("b5", "first index of dimension 5"), sint("s0", "step along dimension 0 (not 0)"),
              sint("s1", "step along dimension 1"), sint("s2", "step along dimension 2"),
              sint("s3", "step along dimension 3"), sint("s4", "step along dimension 4"), sint("s5", "step along dimension 5"),
              extent("n0", "indices taken along dimension 0"), extent("n1", "indices taken along dimension 1"),
              extent("n2", "indices taken along dimension 2"), extent("n3", "indices taken along dimension 3"),
              extent("n4", "indices taken along dimension 4"), extent("n5", "indices taken along dimension 5")}}),
       "pad"},
      // Priced as pad: channels copied per output pixel after two index computations.
      {McuKernel::ResizeNearest,
       "resize_nearest",
       {in8("in", "input image, NHWC"), out8("out", "output image, NHWC"), extent("in_h", "input height"),
        extent("in_w", "input width"), extent("c", "channels"), extent("out_h", "output height"),
        extent("out_w", "output width"), extent("align_corners", "1: corner pixels map onto corner pixels"),
        extent("half_pixel_centers", "1: pixel centres at half-integer coordinates")},
       "pad"},
      // Priced as pad: one byte moved per output element with index arithmetic.
      {McuKernel::MirrorPad,
       "mirror_pad",
       join({{in8("in", "input tensor"), out8("out", "output tensor, (d0+b0+a0) x ... x (d5+b5+a5)")},
             shape_args(),
             {extent("b0", "indices added before dimension 0"),
              extent("b1", "indices added before dimension 1"), extent("b2", "indices added before dimension 2"),
              extent("b3", "indices added before dimension 3"), extent("b4", "indices added before dimension 4"),
              extent("b5", "indices added before dimension 5"), extent("a0", "indices added after dimension 0"),
              extent("a1", "indices added after dimension 1"), extent("a2", "indices added after dimension 2"),
              extent("a3", "indices added after dimension 3"), extent("a4", "indices added after dimension 4"),
              extent("a5", "indices added after dimension 5"),
              extent("symmetric", "0: REFLECT (the edge is not repeated), 1: SYMMETRIC (it is)")}}),
       "pad"},
      // Priced as avg_pool: four neighbours weighted and summed per output element.
      {McuKernel::ResizeBilinear,
       "resize_bilinear",
       {in8("in", "input images, NHWC"), out8("out", "output images, NHWC"), extent("batches", "images"),
        extent("in_h", "input height"), extent("in_w", "input width"), extent("c", "channels"),
        extent("out_h", "output height"), extent("out_w", "output width"),
        extent("align_corners", "1: corner pixels map onto corner pixels"),
        extent("half_pixel_centers", "1: pixel centres at half-integer coordinates (not with align_corners)")},
       "avg_pool"},
      // Priced as requantize, as mul is: one product and one rescale per element.
      {McuKernel::Prelu,
       "prelu",
       {in8("in", "input tensor"), in8("alpha", "slope, alpha_count elements repeated along the input"),
        out8("out", "output tensor"), extent("count", "elements"),
        extent("alpha_count", "elements of alpha (count, or a divisor it repeats: per channel, scalar)"), in_zp(),
        sint("alpha_zp", "slope zero point"), out_zp(), sint("mult_identity", "multiplier of s_in / s_out"),
        sint("shift_identity", "its shift"), sint("mult_alpha", "multiplier of s_in * s_alpha / s_out"),
        sint("shift_alpha", "its shift")},
       "requantize"},
      // Priced as add: the same two input rescales and one output rescale per element.
      {McuKernel::SquaredDifference,
       "squared_difference",
       {in8("in1", "first input tensor"), in8("in2", "second input tensor"), out8("out", "output tensor"),
        extent("count", "output elements"),
        extent("in1_count", "elements of in1 (count, or a divisor it repeats: per channel, scalar)"),
        extent("in2_count", "elements of in2 (count, or a divisor it repeats: per channel, scalar)"),
        sint("in1_zp", "first input zero point"), sint("in2_zp", "second input zero point"), out_zp(),
        sint("left_shift", "left shift of both inputs before rescaling (TFLite: 7)"),
        sint("in1_mult", "first input multiplier"), sint("in1_shift", "first input shift (<= 0)"),
        sint("in2_mult", "second input multiplier"), sint("in2_shift", "second input shift (<= 0)"),
        sint("out_mult", "multiplier of the square's rescale"), sint("out_shift", "its shift (may be positive)")},
       "add"},
  };
  return table;
}

const McuKernelSpec* find_mcu_kernel(uint16_t id) {
  for (const auto& k : mcu_kernels())
    if (static_cast<uint16_t>(k.id) == id) return &k;
  return nullptr;
}

const McuKernelSpec* find_mcu_kernel(const std::string& name) {
  for (const auto& k : mcu_kernels())
    if (name == k.name) return &k;
  return nullptr;
}

}  // namespace kiln
