// ONNX front end: reads an int8 ONNX model (opset 10 and later, standard
// domain) into the graph IR, in either of the two quantized forms:
//   QDQ      DequantizeLinear -> float op (Conv, Gemm, MatMul, Add, pooling,
//            Softmax, ...) [-> Relu / Clip] -> QuantizeLinear: each float op
//            becomes one IR op whose output quantization is the QuantizeLinear's
//   QLinear  QLinearConv, QLinearMatMul on int8/uint8 tensors directly, and
//            ConvInteger, MatMulInteger, whose int32 accumulator output becomes
//            an IR op with an Int32 output tensor (no rescale)
// Layout: rank-4 activations are NCHW in ONNX and NHWC in the IR; filters go
// from OIHW to OHWI (Conv2d) or 1HWO (DepthwiseConv2d, group == channels).
// uint8 tensors become int8 exactly (q - 128, zero point - 128, same scale).
// Weight zero points (asymmetric weights) stay on the filter tensor's
// quantization for the reference and later passes to correct.
// An unsupported operator or type gives one kiln::Error naming the node
// (index, op type, name) and the supported set; a malformed file gives an
// error, never a crash.
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include "compiler/ir/graph.h"

namespace kiln::frontend {

struct OnnxOptions {
  // Graph inputs to treat as constants, with the serialized TensorProto (.pb)
  // file holding each one's value: ONNX's operator tests pass weights, scales
  // and zero points as inputs.
  std::map<std::string, std::string> constant_inputs;
};

// The ONNX op types read, in the order listed in errors.
const std::vector<std::string>& onnx_supported_operators();

ir::Graph read_onnx(const std::string& path, const OnnxOptions& options = {});

// The same from bytes in memory; `name` stands for the file in messages.
ir::Graph read_onnx_buffer(const void* data, size_t size, const std::string& name,
                           const OnnxOptions& options = {});

// A tensor file (.pb, as in ONNX test data) converted the way the reader
// converts activations: uint8 -> int8 (minus 128), rank 4 NCHW -> NHWC. The
// result is an int8, int32 or float32 ir::Tensor with its data; no quantization.
ir::Tensor read_onnx_tensor(const std::string& path);

}  // namespace kiln::frontend
