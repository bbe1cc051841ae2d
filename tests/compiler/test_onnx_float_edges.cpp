// ONNX float edges: a float32 graph input read by QuantizeLinear becomes the
// Quantize op rounding half to even (ONNX's rounding, not TFLite's), a
// DequantizeLinear into a float32 graph output the Dequantize op. ONNX's own
// node tests give their expected outputs exactly through the reference
// interpreter; the generated QDQ models load as the quantizer laid them out;
// a float input anywhere else is one clear error.
#include <catch2/catch.hpp>

#include <cstring>
#include <filesystem>

#include <fmt/format.h>
#include <onnx/onnx_pb.h>

#include "arch/error.h"
#include "compiler/frontend/onnx_reader.h"
#include "compiler/frontend/onnx_tensor.h"
#include "compiler/reference/interpreter.h"
#include "tests/support/error_of.h"
#include "tests/support/float_bytes.h"
#include "tests/support/test_paths.h"

using namespace kiln;
using ir::OpKind;
namespace fs = std::filesystem;

namespace {

const char* kNodeTests = "/usr/share/libonnx-testdata/data/node";

ir::Graph read_node_model(const std::string& dir) {
  frontend::OnnxOptions options;
  for (int k = 1; fs::exists(fmt::format("{}/test_data_set_0/input_{}.pb", dir, k)); ++k) {
    const std::string pb = fmt::format("{}/test_data_set_0/input_{}.pb", dir, k);
    options.constant_inputs[onnx_frontend::read_tensor_proto(pb).name()] = pb;
  }
  return frontend::read_onnx(dir + "/model.onnx", options);
}

reference::TensorData bytes(const ir::Tensor& t) {
  return reference::TensorData(reinterpret_cast<const int8_t*>(t.data.data()),
                               reinterpret_cast<const int8_t*>(t.data.data()) + t.data.size());
}

std::vector<OpKind> kinds(const ir::Graph& g) {
  std::vector<OpKind> k;
  for (const ir::Op& op : g.ops) k.push_back(op.kind);
  return k;
}

// A float32 input "x" [1, 4], QuantizeLinear (scale 0.5, int8 zero point 3), then `body`.
onnx::ModelProto float_input_model() {
  onnx::ModelProto m;
  m.set_ir_version(7);
  m.add_opset_import()->set_version(13);
  onnx::GraphProto* g = m.mutable_graph();
  onnx::ValueInfoProto* in = g->add_input();
  in->set_name("x");
  in->mutable_type()->mutable_tensor_type()->set_elem_type(onnx::TensorProto::FLOAT);
  for (int64_t d : {1, 4}) in->mutable_type()->mutable_tensor_type()->mutable_shape()->add_dim()->set_dim_value(d);
  onnx::TensorProto* s = g->add_initializer();
  s->set_name("s");
  s->set_data_type(onnx::TensorProto::FLOAT);
  s->add_float_data(0.5f);
  onnx::TensorProto* z = g->add_initializer();
  z->set_name("z");
  z->set_data_type(onnx::TensorProto::INT8);
  z->add_int32_data(3);
  return m;
}

void add_node(onnx::ModelProto& m, const std::string& op, const std::vector<std::string>& in, const std::string& out) {
  onnx::NodeProto* n = m.mutable_graph()->add_node();
  n->set_op_type(op);
  n->set_name(out + "_node");
  for (const std::string& s : in) n->add_input(s);
  n->add_output(out);
}

ir::Graph read(const onnx::ModelProto& m) {
  const std::string b = m.SerializeAsString();
  return frontend::read_onnx_buffer(b.data(), b.size(), "built.onnx");
}

std::string read_error(const onnx::ModelProto& m) { return test::error_of([&] { read(m); }); }

}  // namespace

TEST_CASE("onnx: libonnx-testdata QuantizeLinear and DequantizeLinear at the graph's edges give ONNX's outputs exactly",
          "[onnx][testdata]") {
  if (!fs::exists(kNodeTests)) {
    WARN("libonnx-testdata is not installed: skipped");
    return;
  }
  for (const char* name : {"test_quantizelinear", "test_dequantizelinear"}) {
    INFO(name);
    const std::string dir = std::string(kNodeTests) + "/" + name;
    const ir::Graph g = read_node_model(dir);
    const ir::Tensor input = frontend::read_onnx_tensor(dir + "/test_data_set_0/input_0.pb");
    const ir::Tensor expected = frontend::read_onnx_tensor(dir + "/test_data_set_0/output_0.pb");
    REQUIRE(g.ops.size() == 1);
    CHECK(g.ops[0].kind == (std::string(name) == "test_quantizelinear" ? OpKind::Quantize : OpKind::Dequantize));
    CHECK(g.tensors[size_t(g.inputs[0])].type == input.type);
    const std::vector<reference::TensorData> out = reference::run_reference(g, {bytes(input)});
    REQUIRE(out.size() == 1);
    CHECK(out[0] == bytes(expected));  // uint8 as int8 value - 128, float32 as its bytes
  }
}

TEST_CASE("onnx: a float32 input rounds half to even where TFLite's QUANTIZE rounds half away from zero", "[onnx]") {
  onnx::ModelProto m = float_input_model();
  add_node(m, "QuantizeLinear", {"x", "s", "z"}, "y");
  m.mutable_graph()->add_output()->set_name("y");
  const ir::Graph g = read(m);
  REQUIRE(kinds(g) == std::vector<OpKind>{OpKind::Quantize});
  CHECK(g.ops[0].round_half_to_even);
  CHECK(g.tensors[size_t(g.inputs[0])].type == ir::DataType::Float32);
  // x / 0.5 = 2.5, -2.5, 0.5, 3.5: half to even 2, -2, 0, 4 (half away from zero would give 3, -3, 1, 4); + zp 3.
  const std::vector<uint8_t> x = test::float_bytes({1.25f, -1.25f, 0.25f, 1.75f});
  const auto out = reference::run_reference(g, {reference::TensorData(x.begin(), x.end())});
  CHECK(out.at(0) == reference::TensorData{5, 1, 3, 7});
}

TEST_CASE("onnx: generated QDQ models with float input and output load as the quantizer laid them out", "[onnx]") {
  const std::string dir = test::source_dir() + "/tests/data/models/onnx/";
  const ir::Graph conv = frontend::read_onnx(dir + "qdq_float_io_conv_relu.onnx");
  CHECK(kinds(conv) == std::vector<OpKind>{OpKind::Quantize, OpKind::Conv2d, OpKind::Dequantize});
  CHECK(conv.tensors[size_t(conv.inputs.at(0))].type == ir::DataType::Float32);
  CHECK(conv.tensors[size_t(conv.outputs.at(0))].type == ir::DataType::Float32);
  CHECK(conv.tensors[size_t(conv.outputs.at(0))].shape == ir::Shape{1, 8, 8, 6});  // NHWC
  CHECK(conv.tensors[size_t(conv.outputs.at(0))].name == "output");
  CHECK(conv.ops[2].source_op == "DequantizeLinear");
  CHECK(conv.tensors[size_t(conv.ops[1].inputs[1])].quant.scale.size() == 6);  // per-channel weights
  const ir::Graph fc = frontend::read_onnx(dir + "qdq_float_io_gemm_softmax.onnx");
  CHECK(kinds(fc) == std::vector<OpKind>{OpKind::Quantize, OpKind::FullyConnected, OpKind::Softmax,
                                         OpKind::Dequantize});
}

TEST_CASE("onnx: a float32 input read other than by QuantizeLinear is one clear error", "[onnx]") {
  onnx::ModelProto relu = float_input_model();
  add_node(relu, "Relu", {"x"}, "y");
  add_node(relu, "QuantizeLinear", {"y", "s", "z"}, "q");
  relu.mutable_graph()->add_output()->set_name("q");
  CHECK_THAT(read_error(relu), Catch::StartsWith("built.onnx: node 0 (Relu, 'y_node'): input must be"));
  onnx::ModelProto unused = float_input_model();
  onnx::ValueInfoProto* a = unused.mutable_graph()->add_input();
  a->set_name("a");
  a->mutable_type()->mutable_tensor_type()->set_elem_type(onnx::TensorProto::INT8);
  for (int64_t d : {1, 4}) a->mutable_type()->mutable_tensor_type()->mutable_shape()->add_dim()->set_dim_value(d);
  add_node(unused, "DequantizeLinear", {"a", "s", "z"}, "d");
  add_node(unused, "QuantizeLinear", {"d", "s", "z"}, "q");
  unused.mutable_graph()->add_output()->set_name("q");
  CHECK_THAT(read_error(unused), Catch::Contains("graph input 'x' is float32 and no QuantizeLinear reads it"));
  onnx::ModelProto out = float_input_model();
  out.mutable_graph()->add_output()->set_name("x");
  CHECK_THAT(read_error(out), Catch::Contains("graph output 'x' is a float tensor"));
}
