#include "compiler/ir/graph.h"

#include <cstring>

#include <fmt/format.h>

#include "arch/error.h"

namespace kiln::ir {

const char* data_type_name(DataType type) {
  switch (type) {
    case DataType::Int8: return "int8";
    case DataType::Int32: return "int32";
    case DataType::UInt8: return "uint8";
    case DataType::Float32: return "float32";
  }
  return "?";
}

size_t data_type_size(DataType type) { return type == DataType::Int32 || type == DataType::Float32 ? 4 : 1; }

int64_t num_elements(const Shape& shape) {
  int64_t n = 1;
  for (int32_t d : shape) n *= d;
  return n;
}

std::string shape_string(const Shape& shape) {
  if (shape.empty()) return "scalar";
  std::string s;
  for (size_t i = 0; i < shape.size(); ++i) s += (i ? "x" : "") + std::to_string(shape[i]);
  return s;
}

int32_t Tensor::int32_at(size_t i) const {
  int32_t v;
  std::memcpy(&v, data.data() + 4 * i, 4);  // data is byte storage: no aliasing cast
  return v;
}

const char* op_kind_name(OpKind kind) {
  switch (kind) {
    case OpKind::Conv2d: return "conv2d";
    case OpKind::DepthwiseConv2d: return "depthwise_conv2d";
    case OpKind::FullyConnected: return "fully_connected";
    case OpKind::Add: return "add";
    case OpKind::AvgPool: return "avg_pool";
    case OpKind::MaxPool: return "max_pool";
    case OpKind::Mean: return "mean";
    case OpKind::Reshape: return "reshape";
    case OpKind::Pad: return "pad";
    case OpKind::Softmax: return "softmax";
    case OpKind::Relu: return "relu";
    case OpKind::Relu6: return "relu6";
    case OpKind::Concat: return "concat";
    case OpKind::Requantize: return "requantize";
    case OpKind::Quantize: return "quantize";
    case OpKind::Dequantize: return "dequantize";
    case OpKind::Lut: return "lut";
    case OpKind::Maximum: return "maximum";
    case OpKind::Minimum: return "minimum";
    case OpKind::Sub: return "sub";
    case OpKind::Mul: return "mul";
    case OpKind::Kernel: return "kernel";
  }
  return "?";
}

std::string op_name(const Op& op) { return op.kind == OpKind::Kernel ? op.kernel : op_kind_name(op.kind); }

Op kernel_op(std::string kernel, std::map<std::string, std::vector<int64_t>> attrs) {
  Op op;
  op.kind = OpKind::Kernel;
  op.kernel = std::move(kernel);
  op.attrs = std::move(attrs);
  return op;
}

int Graph::add_tensor(Tensor tensor) {
  tensors.push_back(std::move(tensor));
  return int(tensors.size()) - 1;
}

int Graph::producer(int tensor) const {
  for (size_t i = 0; i < ops.size(); ++i)
    for (int out : ops[i].outputs)
      if (out == tensor) return int(i);
  return -1;
}

std::string Graph::describe(const Op& op) const {
  const std::string what = op.source_op.empty() ? op_name(op) : op.source_op;
  return fmt::format("operator {} ({}, '{}')", op.source_index, what, op.name);
}

void validate(const Graph& graph) {
  const int n = int(graph.tensors.size());
  std::vector<bool> ready(graph.tensors.size(), false);
  for (int i = 0; i < n; ++i) ready[i] = graph.tensors[i].is_constant();
  auto check_id = [&](int id, const std::string& where) {
    if (id < 0 || id >= n) throw Error(fmt::format("{}: {}: tensor id {} out of range [0, {})", graph.source, where, id, n));
  };
  for (int id : graph.inputs) {
    check_id(id, "graph input");
    if (graph.tensors[id].is_constant())
      throw Error(fmt::format("{}: graph input '{}' is a constant", graph.source, graph.tensors[id].name));
    ready[id] = true;
  }
  for (const Op& op : graph.ops) {
    const std::string where = graph.describe(op);
    if (op.outputs.size() != 1) throw Error(fmt::format("{}: {}: expected one output", graph.source, where));
    for (int id : op.inputs) {
      check_id(id, where);
      if (!ready[id])
        throw Error(fmt::format("{}: {}: input '{}' is used before it is produced", graph.source, where,
                                graph.tensors[id].name));
    }
    for (int id : op.outputs) {
      check_id(id, where);
      if (ready[id])
        throw Error(fmt::format("{}: {}: output '{}' is already produced or constant", graph.source, where,
                                graph.tensors[id].name));
      ready[id] = true;
    }
  }
  for (int id : graph.outputs) {
    check_id(id, "graph output");
    if (!ready[id] || graph.tensors[id].is_constant())
      throw Error(fmt::format("{}: graph output '{}' is never computed", graph.source, graph.tensors[id].name));
  }
}

}  // namespace kiln::ir
