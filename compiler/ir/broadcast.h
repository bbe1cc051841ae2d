// The broadcasting kiln's element-wise kernels implement (SUB, MUL): an
// operand that repeats along the output's innermost dimensions, so that
// element i of the output reads operand[i % operand_elements]
// (kernels/broadcast_operand.h). That holds when the operand's shape, with
// its leading 1s dropped, equals the output's trailing dimensions: the
// operand of the output's shape, a per-channel vector ([1, 1, 1, C] against
// [N, H, W, C], as a squeeze-and-excite block's scale), a row, a scalar.
#pragma once

#include <string>

#include "compiler/ir/graph.h"

namespace kiln::ir {

bool repeats_innermost(const Shape& operand, const Shape& output);

// The output shape of a binary element-wise op on `a` and `b` (numpy
// broadcasting), when one operand equals it and the other repeats along its
// innermost dimensions; otherwise an empty shape, with *why saying what is
// supported.
Shape innermost_broadcast(const Shape& a, const Shape& b, std::string* why);

}  // namespace kiln::ir
