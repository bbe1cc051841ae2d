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

}  // namespace kiln::kernels
