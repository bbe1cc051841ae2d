// Shape arithmetic on constants, as PyTorch's exporter writes it around
// Reshape and Flatten (Shape -> Gather -> Unsqueeze -> Concat -> Reshape),
// evaluated when the model is read, so that the network's operators see
// constant shapes. Internal to the ONNX front end.
#pragma once

#include <string>
#include <vector>

#include <onnx/onnx_pb.h>

#include "compiler/frontend/onnx_tensor.h"

namespace kiln::onnx_frontend {

// True for the operators fold_node computes when every input is a constant:
// Gather, Unsqueeze, Squeeze, Concat, Cast, Slice, Reshape, Add, Sub, Mul,
// Div, Neg, ConstantOfShape, Range, Equal, Where.
bool is_foldable(const std::string& op_type);

// The output of node `n` (one of is_foldable's) whose inputs are the
// constants `in` in order (nullptr for an absent optional input), for a model
// of `opset`. Throws kiln::Error "<what>" when the inputs or attributes are
// not what the operator computes on.
ConstTensor fold_node(const onnx::NodeProto& n, const std::vector<const ConstTensor*>& in, int64_t opset);

// The 1-D INT64 tensor Shape gives for `shape`, from `start` to `end` (ONNX's
// Shape attributes, opset 15; negative from the back, clamped).
ConstTensor shape_tensor(const std::vector<int64_t>& shape, int64_t start, int64_t end);

}  // namespace kiln::onnx_frontend
