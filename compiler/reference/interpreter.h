// The reference interpreter: runs a graph op by op through the integer
// kernels of kernels/ (TFLite int8 reference semantics), with no float
// anywhere. What it computes is, by definition, what the network computes:
// the simulator, the MCU fallback and the NPU must match it bit for bit.
//
// Tensor values are byte vectors in the tensor's layout (NHWC, row-major):
// one int8 per element, or for Int32 tensors (the raw accumulators of ONNX
// ConvInteger / MatMulInteger) four bytes per element, little-endian, as
// ir::Tensor::data (int32_values decodes them). After run(), every
// activation tensor's value stays readable, for per-layer comparisons.
//
// Beyond TFLite's int8 specification it also runs what the ONNX front end
// produces: Conv2d / DepthwiseConv2d / FullyConnected with non-zero weight
// zero points (per tensor or per output channel) and with Int32 outputs.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "compiler/ir/graph.h"

namespace kiln::reference {

using TensorData = std::vector<int8_t>;

// The elements of an Int32 tensor's value (4 little-endian bytes each).
std::vector<int32_t> int32_values(const TensorData& value);

class Interpreter {
 public:
  // Checks the graph (ir::validate and each op's kernel parameters) and
  // allocates one buffer per activation tensor. `graph` must outlive this.
  explicit Interpreter(const ir::Graph& graph);

  // One value per graph input, in graph.inputs order, each exactly the
  // tensor's element count; throws kiln::Error otherwise. May be called again
  // with new inputs (buffers are reused).
  void run(const std::vector<TensorData>& inputs);

  // The value of any activation tensor (graph input, op output) after run();
  // empty before the first run and for constants (read Tensor::data).
  const TensorData& value(int tensor) const { return values_.at(size_t(tensor)); }

  // Values of graph.outputs, in order.
  std::vector<TensorData> outputs() const;

  // Called after each op with its index in graph.ops (e.g. to dump or compare
  // layer by layer); optional.
  std::function<void(size_t op_index)> after_op;

 private:
  void run_op(size_t op_index);
  void run_accumulator_op(size_t op_index);  // an Int32 output: the raw accumulator
  void store_int32(int tensor);               // int32_[tensor] into its value's bytes
  void run_weight_zp_op(size_t op_index);    // weights with zero points
  const int8_t* int8_data(int tensor) const;
  const int32_t* int32_data(int tensor) const;
  const int32_t* weight_zp(size_t op_index) const;

  const ir::Graph& graph_;
  std::vector<TensorData> values_;             // per tensor id; activations only
  std::vector<std::vector<int32_t>> int32_;    // per tensor id; int32 constants unpacked once, int32 outputs
  std::vector<std::vector<int32_t>> weight_zp_;  // per op; one per output channel, empty when all are zero
};

// Convenience: builds an Interpreter, runs it once and returns the outputs.
std::vector<TensorData> run_reference(const ir::Graph& graph, const std::vector<TensorData>& inputs);

}  // namespace kiln::reference
