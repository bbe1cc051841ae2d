// An operand of an element-wise kernel that repeats along the innermost
// dimensions: element i of the output reads operand[i % operand_count]. An
// operand of the output's size is read element by element, a per-channel
// vector of an NHWC output once per pixel, a scalar everywhere.
#pragma once

#include <cstdint>

namespace kiln::kernels {

// Throws kiln::Error "<op>: <param>: ..." unless 1 <= operand_count <= count
// and operand_count divides count.
void check_broadcast_operand(const char* op, const char* param, int64_t operand_count, int64_t count);

// The operands of a two-input element-wise kernel (sub, mul,
// squared_difference): count output elements, each input repeating
// (in1_count, in2_count), and the three int8 zero points. Throws kiln::Error
// "<op>: <param>: ...".
void check_repeating_operands(const char* op, int64_t count, int64_t in1_count, int64_t in2_count, int32_t in1_zp,
                              int32_t in2_zp, int32_t out_zp);

}  // namespace kiln::kernels
