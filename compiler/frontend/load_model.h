// Reads a model by its file type: .tflite (FlatBuffers) or .onnx (protobuf).
#pragma once

#include <string>

#include "compiler/ir/graph.h"

namespace kiln::frontend {

// Throws kiln::Error for an unknown extension, a missing file, or whatever
// the format's reader rejects. A CONCATENATION of more than two inputs comes
// back as a chain of two-input joins (ir/concat_chain.h), a BATCH_MATMUL or
// MatMul of constant weights as a fully connected layer (ir/batch_matmul.h).
ir::Graph load_model(const std::string& path);

}  // namespace kiln::frontend
