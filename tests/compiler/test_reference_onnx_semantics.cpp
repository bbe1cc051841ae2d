// The reference interpreter beyond TFLite's int8 specification, as the ONNX
// front end needs it: weight zero points (per tensor and per output channel)
// and Int32 outputs that are the raw accumulator (ConvInteger /
// MatMulInteger). Graphs are built directly in the IR and their outputs
// worked out by hand.
#include <catch2/catch.hpp>

#include <cstring>

#include "arch/error.h"
#include "compiler/ir/graph.h"
#include "compiler/reference/interpreter.h"

using namespace kiln;
using ir::DataType;
using ir::OpKind;

namespace {

int activation(ir::Graph& g, const std::string& name, const ir::Shape& shape, DataType type, int32_t zp) {
  ir::Tensor t;
  t.name = name, t.shape = shape, t.type = type;
  if (type == DataType::Int8) t.quant = {{1.0f}, {zp}, 0};
  return g.add_tensor(std::move(t));
}

int int8_constant(ir::Graph& g, const std::string& name, const ir::Shape& shape, const std::vector<int8_t>& v,
                  const std::vector<int32_t>& zp) {
  ir::Tensor t;
  t.name = name, t.shape = shape, t.type = DataType::Int8;
  t.quant = {std::vector<float>(zp.size(), 1.0f), zp, 0};
  t.data.assign(reinterpret_cast<const uint8_t*>(v.data()), reinterpret_cast<const uint8_t*>(v.data()) + v.size());
  return g.add_tensor(std::move(t));
}

int int32_constant(ir::Graph& g, const std::string& name, const std::vector<int32_t>& v) {
  ir::Tensor t;
  t.name = name, t.shape = {int32_t(v.size())}, t.type = DataType::Int32;
  t.data.resize(v.size() * 4);
  std::memcpy(t.data.data(), v.data(), t.data.size());  // little-endian host
  return g.add_tensor(std::move(t));
}

// ConvInteger-like: 2x2 image (zero point -1: raw {1,2,3,4} is {2,3,4,5}),
// 2x2 kernel, padding 1 on top and left, Int32 output.
ir::Graph corner_conv(const std::vector<int8_t>& w, const std::vector<int32_t>& w_zp, const std::vector<int32_t>& bias) {
  ir::Graph g;
  g.source = "built";
  const int out_c = int(bias.size());
  const int x = activation(g, "x", {1, 2, 2, 1}, DataType::Int8, -1);
  const int f = int8_constant(g, "w", {out_c, 2, 2, 1}, w, w_zp);
  const int b = int32_constant(g, "b", bias);
  const int y = activation(g, "y", {1, 2, 2, out_c}, DataType::Int32, 0);
  ir::Op op;
  op.kind = OpKind::Conv2d;
  op.name = "y";
  op.window.kernel_h = op.window.kernel_w = 2;
  op.window.pad = {1, 0, 1, 0};
  op.inputs = {x, f, b};
  op.outputs = {y};
  g.ops.push_back(op);
  g.inputs = {x};
  g.outputs = {y};
  return g;
}

}  // namespace

TEST_CASE("reference: Int32 conv output is the accumulator with weight zero point 3", "[compiler]") {
  // w - 3 = {1, 2, 3, 4}; taps inside: (0,0) 2*4 = 8, (0,1) 2*3 + 3*4 = 18,
  // (1,0) 2*2 + 4*4 = 20, (1,1) 2 + 6 + 12 + 20 = 40; bias -10.
  const ir::Graph g = corner_conv({4, 5, 6, 7}, {3}, {-10});
  reference::Interpreter interp(g);
  interp.run({{1, 2, 3, 4}});
  const reference::TensorData& y = interp.value(g.outputs[0]);
  CHECK(y.size() == 16);  // four bytes per element
  CHECK(reference::int32_values(y) == std::vector<int32_t>{-2, 8, 10, 30});
}

TEST_CASE("reference: per-channel weight zero points, one per output channel", "[compiler]") {
  // Channel 1: w - (-2) = {2, 2, 2, 2}: twice the sum of x - x_zp over the taps inside.
  const ir::Graph g = corner_conv({4, 5, 6, 7, 0, 0, 0, 0}, {3, -2}, {0, 1000});
  const auto out = reference::run_reference(g, {{1, 2, 3, 4}});
  REQUIRE(out.size() == 1);
  CHECK(reference::int32_values(out[0]) == std::vector<int32_t>{8, 1004, 18, 1010, 20, 1012, 40, 1028});
}

TEST_CASE("reference: fully connected with weight zero points requantizes the exact accumulator", "[compiler]") {
  ir::Graph g;
  const int x = activation(g, "x", {1, 3}, DataType::Int8, 1);  // raw {2, 3, 4}: {1, 2, 3}
  const int f = int8_constant(g, "w", {2, 3}, {5, 6, 7, 0, 0, 0}, {4, -1});  // w - zp: {1, 2, 3}, {1, 1, 1}
  const int b = int32_constant(g, "b", {0, 0});
  const int y = activation(g, "y", {1, 2}, DataType::Int8, -5);
  ir::Op op;
  op.kind = OpKind::FullyConnected;
  op.rescale = {{1 << 30, 1 << 30}, {1, 1}};  // scale 1
  op.inputs = {x, f, b};
  op.outputs = {y};
  g.ops.push_back(op);
  g.inputs = {x};
  g.outputs = {y};
  // 1 + 4 + 9 = 14 and 1 + 2 + 3 = 6, plus the output zero point -5.
  // Without the zero points: 5 + 12 + 21 = 38 and 0.
  CHECK(reference::run_reference(g, {{2, 3, 4}}) == std::vector<reference::TensorData>{{9, 1}});
}

TEST_CASE("reference: malformed weight zero points and int32 outputs are refused by name", "[compiler]") {
  CHECK_THROWS_WITH(reference::Interpreter(corner_conv({4, 5, 6, 7, 0, 0, 0, 0}, {3, -2, 1}, {0, 0})),
                    Catch::Contains("operator -1 (conv2d, 'y'): 3 weight zero points for 2 output channels"));
  CHECK_THROWS_WITH(reference::Interpreter(corner_conv({4, 5, 6, 7}, {200}, {0})),
                    Catch::Contains("conv2d: weight_zp: channel 0: must be in [-128, 127], got 200"));
  // Only a weighted op has an accumulator to output.
  ir::Graph g;
  g.source = "built";
  const int x = activation(g, "x", {1, 4}, DataType::Int8, 0);
  const int y = activation(g, "y", {1, 4}, DataType::Int32, 0);
  ir::Op op;
  op.kind = OpKind::Requantize;
  op.name = "y";
  op.rescale = {{1 << 30}, {1}};
  op.inputs = {x};
  op.outputs = {y};
  g.ops.push_back(op);
  g.inputs = {x};
  g.outputs = {y};
  CHECK_THROWS_WITH(reference::Interpreter(g), Catch::Contains("output 'y' is int32, expected int8"));
}
