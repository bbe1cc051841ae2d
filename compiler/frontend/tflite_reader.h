// TFLite front end: reads an int8 .tflite flatbuffer (subgraph 0) into the
// graph IR, with every op's integer parameters derived as TFLite's Prepare
// derives them (compiler/ir/quant_params.h). The file is verified with the
// FlatBuffers verifier before anything is read; a malformed file, an
// unsupported operator or data type, or inconsistent shapes give one
// kiln::Error naming the file and the operator or tensor.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "compiler/ir/graph.h"

namespace kiln::frontend {

// The builtin operators read (TFLite names), in the order listed in errors.
const std::vector<std::string>& tflite_supported_operators();

ir::Graph read_tflite(const std::string& path);

// The same from bytes in memory; `name` stands for the file in messages.
ir::Graph read_tflite_buffer(const uint8_t* data, size_t size, const std::string& name);

}  // namespace kiln::frontend
