// DEPTH_TO_SPACE and SPACE_TO_DEPTH of an NHWC int8 tensor (TFLite; ONNX
// DepthToSpace in DCR and CRD modes, SpaceToDepth), as the IR runs them: a
// Reshape to rank 6 that splits the channels (or the height and width) into
// their block indices, a Transpose that moves the block indices, and a
// Reshape back to rank 4. Reshapes are aliases, so the only work is one
// transpose; both front ends build the same three ops here.
#pragma once

#include <cstdint>
#include <string>

#include "compiler/ir/graph.h"

namespace kiln::ir {

enum class DepthSpace {
  DepthToSpace,     // TFLite, ONNX mode DCR: input channel (i * block + j) * out_c + c
  DepthToSpaceCrd,  // ONNX mode CRD: input channel c * block * block + i * block + j
  SpaceToDepth,     // output channel (i * block + j) * in_c + c
};

// The output shape of `kind` on NHWC `in` with `block`, or an empty shape
// with `why` set when the input does not divide (rank 4, block >= 1, the
// channels or the height and width multiples of the block).
Shape depth_space_shape(const Shape& in, int32_t block, DepthSpace kind, std::string* why);

// Appends the three ops to g reading tensor `in` and writing `out` (whose
// shape is depth_space_shape's), each a copy of `like` (its name and
// source) with its kind, tensors and attributes set. The two intermediate
// tensors are named after `out`.
void append_depth_space(Graph& g, const Op& like, int in, int out, int32_t block, DepthSpace kind);

}  // namespace kiln::ir
