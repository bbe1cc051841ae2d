#include "kernels/mcu_kernel_args.h"

namespace kiln::kernels::mcu_args {

McuArg in8(const char* name, const char* meaning) { return {name, McuArgType::Read, McuElement::Int8, false, meaning}; }
McuArg out8(const char* name, const char* meaning) {
  return {name, McuArgType::Write, McuElement::Int8, false, meaning};
}
McuArg in32(const char* name, const char* meaning) {
  return {name, McuArgType::Read, McuElement::Int32, false, meaning};
}
McuArg out32(const char* name, const char* meaning) {
  return {name, McuArgType::Write, McuElement::Int32, false, meaning};
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
  return join(
      {weighted_operands(weights_layout),
       {out8("out", "output tensor, NHWC"), extent("in_h", "input height"), extent("in_w", "input width"),
        extent("in_c", "input channels"), extent("out_h", "output height"), extent("out_w", "output width"), channels},
       window_args(true),
       {in_zp(), out_zp(), act_min(), act_max()}});
}

// d0 .. d5: the input's shape, outermost first, with leading dimensions of 1
// below rank 6 (transpose, slice, mirror_pad).
std::vector<McuArg> shape_args() {
  return {extent("d0", "input dimension 0 (outermost; 1 below rank 6)"),
          extent("d1", "input dimension 1"),
          extent("d2", "input dimension 2"),
          extent("d3", "input dimension 3"),
          extent("d4", "input dimension 4"),
          extent("d5", "input dimension 5 (innermost)")};
}

std::vector<McuArg> pool_args() {
  return join({{in8("in", "input tensor, NHWC"), out8("out", "output tensor, NHWC"), extent("in_h", "input height"),
                extent("in_w", "input width"), extent("c", "channels"), extent("out_h", "output height"),
                extent("out_w", "output width")},
               window_args(false),
               {act_min(), act_max()}});
}

}  // namespace kiln::kernels::mcu_args
