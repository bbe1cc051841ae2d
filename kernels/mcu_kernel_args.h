// The words the kernel table (kernels/table/) describes MCU
// kernel arguments in (arch/mcu_op.h: McuArg): one constructor per kind of
// argument, and the argument groups several kernels share, worded once.
#pragma once

#include <initializer_list>
#include <vector>

#include "arch/mcu_op.h"

namespace kiln::kernels::mcu_args {

// Operands by element type: in* are read, out* written; optional_in32 may be
// kMcuNoAddress (absent).
McuArg in8(const char* name, const char* meaning);
McuArg out8(const char* name, const char* meaning);
McuArg in32(const char* name, const char* meaning);
McuArg out32(const char* name, const char* meaning);
McuArg optional_in32(const char* name, const char* meaning);
McuArg in_f32(const char* name, const char* meaning);
McuArg out_f32(const char* name, const char* meaning);
// A count or dimension (an unsigned value below 2^31).
McuArg extent(const char* name, const char* meaning);
// A signed value: zero point, multiplier, shift, clamp bound.
McuArg sint(const char* name, const char* meaning);

// The arguments several kernels share, worded once.
McuArg act_min();
McuArg act_max();
McuArg in_zp();
McuArg out_zp();
// in, weights, bias, mult, shift: the operands of a weighted kernel.
std::vector<McuArg> weighted_operands(const char* weights_layout);
// kh .. pad_left of a sliding window (conv, depthwise).
std::vector<McuArg> window_args(bool dilation);
std::vector<McuArg> join(std::initializer_list<std::vector<McuArg>> parts);
// conv2d and depthwise_conv2d: they differ in the weights' layout and in how
// the output channels are given (out_c, depth_mult).
std::vector<McuArg> conv_args(const char* weights_layout, const McuArg& channels);
// d0 .. d5: the input's shape, outermost first, with leading dimensions of 1
// below rank 6 (transpose, slice, mirror_pad).
std::vector<McuArg> shape_args();
// The arguments of avg_pool and max_pool.
std::vector<McuArg> pool_args();

}  // namespace kiln::kernels::mcu_args
