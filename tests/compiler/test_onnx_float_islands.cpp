// Float islands: the node-unit decision (onnxruntime's QDQ rule: inputs from
// DequantizeLinear, output read only by QuantizeLinear, no graph output)
// keeps a unit the int8 operator it always was, and turns every other float
// operator into an MCU float kernel between a Dequantize and a Quantize op;
// the reference interpreter then computes what the float operators define.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include <onnx/onnx_pb.h>

#include "arch/error.h"
#include "compiler/frontend/onnx_reader.h"
#include "compiler/reference/interpreter.h"
#include "tests/support/error_of.h"
#include "tests/support/float_bytes.h"

using namespace kiln;
using ir::OpKind;

namespace {

// A model of int8 inputs ([1, 3, 2, 2] unless given; scale 0.05, zero point -3) and nodes added by name.
struct Builder {
  onnx::ModelProto m;
  Builder() {
    m.set_ir_version(7);
    m.add_opset_import()->set_version(13);
    scalar("s", 0.05f);
    scalar("ys", 0.07f);
    onnx::TensorProto* z = g()->add_initializer();
    z->set_name("z");
    z->set_data_type(onnx::TensorProto::INT8);
    z->add_int32_data(-3);
  }
  onnx::GraphProto* g() { return m.mutable_graph(); }
  void input(const std::string& name, const std::vector<int64_t>& dims = {1, 3, 2, 2}) {
    onnx::ValueInfoProto* v = g()->add_input();
    v->set_name(name);
    v->mutable_type()->mutable_tensor_type()->set_elem_type(onnx::TensorProto::INT8);
    for (int64_t d : dims) v->mutable_type()->mutable_tensor_type()->mutable_shape()->add_dim()->set_dim_value(d);
  }
  void scalar(const std::string& name, float v, std::vector<int64_t> dims = {}) {
    onnx::TensorProto* t = g()->add_initializer();
    t->set_name(name);
    t->set_data_type(onnx::TensorProto::FLOAT);
    int64_t n = 1;
    for (int64_t d : dims) t->add_dims(d), n *= d;
    for (int64_t k = 0; k < n; ++k) t->add_float_data(v + float(k));
  }
  onnx::NodeProto* node(const std::string& op, const std::vector<std::string>& in, const std::string& out) {
    onnx::NodeProto* n = g()->add_node();
    n->set_op_type(op);
    n->set_name(out + "_node");
    for (const std::string& s : in) n->add_input(s);
    n->add_output(out);
    return n;
  }
  // DequantizeLinear of input x into xf, QuantizeLinear of `name` into `name`_q.
  void dq(const std::string& x) { node("DequantizeLinear", {x, "s", "z"}, x + "f"); }
  void q(const std::string& name) { node("QuantizeLinear", {name, "ys", "z"}, name + "_q"); }
  void output(const std::string& name) { g()->add_output()->set_name(name); }
  ir::Graph read() const {
    const std::string b = m.SerializeAsString();
    return frontend::read_onnx_buffer(b.data(), b.size(), "built.onnx");
  }
};

std::string read_error(const Builder& b) { return test::error_of([&] { b.read(); }); }

// Op kinds, a Kernel op as its kernel's name.
std::vector<std::string> ops(const ir::Graph& g) {
  std::vector<std::string> k;
  for (const ir::Op& op : g.ops) k.push_back(ir::op_name(op));
  return k;
}

using Ops = std::vector<std::string>;

}  // namespace

TEST_CASE("float islands: a DequantizeLinear -> op -> QuantizeLinear unit stays the int8 operator", "[onnx]") {
  Builder b;
  b.input("x");
  b.input("y");
  b.dq("x");
  b.dq("y");
  b.node("Add", {"xf", "yf"}, "sum");
  b.node("Relu", {"sum"}, "relu");   // between the op and its QuantizeLinear: the int8 Add's clamp
  b.node("Identity", {"relu"}, "id");  // seen through
  b.q("id");
  b.output("id_q");
  const ir::Graph g = b.read();
  CHECK(ops(g) == Ops{"add"});
  CHECK(g.ops[0].act.min == -3);  // quantize(0) with the output's zero point
}

TEST_CASE("float islands: an input that is no DequantizeLinear (a float constant) makes a float operator",
          "[onnx]") {
  // The float Add of a QOperator model: x + a per-channel float constant [3, 1, 1].
  Builder b;
  b.input("x");
  b.scalar("c", 0.25f, {3, 1, 1});
  b.dq("x");
  b.node("Add", {"xf", "c"}, "sum");
  b.q("sum");
  b.output("sum_q");
  const ir::Graph g = b.read();
  REQUIRE(ops(g) == Ops{"dequantize", "float_binary", "quantize"});
  const ir::Tensor& c = g.tensors[size_t(g.ops[1].inputs[1])];
  CHECK(c.type == ir::DataType::Float32);
  CHECK(c.shape == ir::Shape{1, 1, 1, 3});  // [3, 1, 1] against NCHW: one value per channel of NHWC
  CHECK(g.ops[2].round_half_to_even);
  CHECK(g.tensors[size_t(g.ops[0].outputs[0])].name == "xf");  // the DequantizeLinear's tensor, in float
  // The reference computes it: (q + 3) * 0.05 + (0.25, 1.25, 2.25) per channel, / 0.07 half to even, - 3.
  reference::TensorData x(12);
  for (size_t i = 0; i < x.size(); ++i) x[i] = int8_t(int(i) * 9 - 50);
  const auto out = reference::run_reference(g, {x});
  for (size_t i = 0; i < x.size(); ++i) {
    const float real = float(int(x[i]) + 3) * 0.05f + (0.25f + float(i % 3));
    CHECK(int(out.at(0)[i]) == int(std::nearbyint(real / 0.07f)) - 3);
  }
}

TEST_CASE("float islands: a chain of float operators runs in float from its DequantizeLinear to its QuantizeLinear",
          "[onnx]") {
  // Add -> Relu -> Softmax -> QuantizeLinear: the Add's and the Relu's outputs reach no QuantizeLinear.
  Builder b;
  b.input("x", {1, 6});
  b.input("y", {1, 6});
  b.dq("x");
  b.dq("y");
  b.node("Add", {"xf", "yf"}, "sum");
  b.node("Relu", {"sum"}, "relu");
  b.node("Softmax", {"relu"}, "soft");
  b.node("Mul", {"soft", "xf"}, "gated");  // xf again: one Dequantize serves both
  b.q("gated");
  b.output("gated_q");
  const ir::Graph g = b.read();
  CHECK(ops(g) == Ops{"dequantize", "dequantize", "float_binary", "float_unary", "float_softmax", "float_binary",
                      "quantize"});
  for (size_t k = 2; k < 6; ++k) CHECK(g.tensors[size_t(g.ops[k].outputs[0])].type == ir::DataType::Float32);
  CHECK(g.ops[5].inputs[1] == g.ops[0].outputs[0]);
  // And it runs: every value a probability times x, quantized.
  reference::TensorData x(6, 10), y(6, -20);
  const auto out = reference::run_reference(g, {x, y});
  // Equal inputs: each probability 1/6 times x's 0.65, 0.108 / 0.07 = 1.55 -> 2, - 3.
  CHECK(out.at(0) == reference::TensorData(6, -1));
}

TEST_CASE("float islands: an output read by another operator too, or a graph output, is no unit", "[onnx]") {
  // Two readers: the QuantizeLinear and a Sigmoid.
  Builder two;
  two.input("x");
  two.input("y");
  two.dq("x");
  two.dq("y");
  two.node("Sub", {"xf", "yf"}, "diff");
  two.q("diff");
  two.node("Sigmoid", {"diff"}, "gate");
  two.q("gate");
  two.output("diff_q");
  two.output("gate_q");
  CHECK(ops(two.read()) == Ops{"dequantize", "dequantize", "float_binary", "quantize", "float_unary", "quantize"});
  // A float graph output: the Softmax in float, its output float32.
  Builder out;
  out.input("x", {1, 6});
  out.dq("x");
  out.node("Softmax", {"xf"}, "probabilities");
  out.output("probabilities");
  const ir::Graph g = out.read();
  CHECK(ops(g) == Ops{"dequantize", "float_softmax"});
  CHECK(g.tensors[size_t(g.outputs.at(0))].type == ir::DataType::Float32);
  // The same Softmax into a QuantizeLinear is a unit: TFLite's int8 softmax, as before.
  Builder unit;
  unit.input("x", {1, 6});
  unit.dq("x");
  unit.node("Softmax", {"xf"}, "probabilities");
  unit.q("probabilities");
  unit.output("probabilities_q");
  CHECK(ops(unit.read()) == Ops{"softmax", "requantize"});
}

TEST_CASE("float islands: a Relu after an operator that takes no clamp, and Div, run in float", "[onnx]") {
  // Softmax -> Relu -> QuantizeLinear: the int8 softmax takes no fused clamp, so the pair is in float.
  Builder b;
  b.input("x", {1, 6});
  b.dq("x");
  b.node("Softmax", {"xf"}, "soft");
  b.node("Relu", {"soft"}, "relu");
  b.q("relu");
  b.output("relu_q");
  CHECK(ops(b.read()) == Ops{"dequantize", "float_softmax", "float_unary", "quantize"});
  // Div has no int8 form: in float even between DequantizeLinear and QuantizeLinear.
  Builder div;
  div.input("x");
  div.input("y");
  div.dq("x");
  div.dq("y");
  div.node("Div", {"xf", "yf"}, "ratio");
  div.q("ratio");
  div.output("ratio_q");
  CHECK(ops(div.read()) == Ops{"dequantize", "dequantize", "float_binary", "quantize"});
}

TEST_CASE("float islands: a float tensor read by an operator without a float kernel is one clear error", "[onnx]") {
  Builder b;
  b.input("x");
  b.scalar("c", 1.0f);
  b.dq("x");
  b.node("Add", {"xf", "c"}, "sum");
  b.node("MaxPool", {"sum"}, "pooled");
  b.q("pooled");
  b.output("pooled_q");
  CHECK_THAT(read_error(b), Catch::Contains("node 2 (MaxPool, 'pooled_node'): input 'sum' must be a quantized "
                                            "activation or its DequantizeLinear (a float tensor from a float operator: "
                                            "quantize it)"));
  // Broadcasting that does not line up in NHWC: an activation of rank 3 against one of rank 4.
  Builder ranks;
  ranks.input("x");
  ranks.input("r", {3, 2, 2});
  ranks.dq("x");
  ranks.dq("r");
  ranks.node("Div", {"xf", "rf"}, "ratio");
  ranks.q("ratio");
  ranks.output("ratio_q");
  CHECK_THAT(read_error(ranks), Catch::Contains("(Div, 'ratio_node'): inputs of ranks 4 and 3"));
  // Concat of tensors of two ranks into a float output.
  Builder join;
  join.input("x");
  join.input("r", {3, 2, 2});
  join.dq("x");
  join.dq("r");
  join.node("Concat", {"xf", "rf"}, "joined");
  join.output("joined");
  CHECK_THAT(read_error(join), Catch::Contains("(Concat, 'joined_node'): input 1 has rank 3, the others 4"));
}

TEST_CASE("float islands: the float output of a float island at the graph's edge", "[onnx]") {
  // x -> DequantizeLinear -> Mul by 2 (a float constant) -> graph output, read back exactly.
  Builder b;
  b.input("x");
  b.scalar("two", 2.0f);
  b.dq("x");
  b.node("Mul", {"xf", "two"}, "twice");
  b.output("twice");
  const ir::Graph g = b.read();
  REQUIRE(ops(g) == Ops{"dequantize", "float_binary"});
  reference::TensorData x(12);
  std::vector<float> want;
  for (size_t i = 0; i < x.size(); ++i) {
    x[i] = int8_t(int(i) * 20 - 120);
    want.push_back(float(int(x[i]) + 3) * 0.05f * 2.0f);
  }
  const auto out = reference::run_reference(g, {x});
  const std::vector<uint8_t> bytes = test::float_bytes(want);
  CHECK(out.at(0) == reference::TensorData(bytes.begin(), bytes.end()));
}
