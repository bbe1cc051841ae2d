// The ONNX front end: the bundled workloads load with the op sequence and
// shapes of their architectures and run on the reference interpreter; ONNX's
// own quantized operator tests (Debian's libonnx-testdata) give their
// expected outputs exactly; a hand-built model checks the NCHW -> NHWC and
// OIHW -> OHWI conversions against a direct NCHW computation; bad files and
// unsupported operators give one clear error.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <random>

#include <fmt/format.h>
#include <onnx/onnx_pb.h>

#include "arch/error.h"
#include "compiler/frontend/onnx_reader.h"
#include "compiler/frontend/onnx_tensor.h"
#include "compiler/ir/printer.h"
#include "compiler/ir/quant_params.h"
#include "compiler/reference/interpreter.h"
#include "kernels/requantize.h"
#include "tests/compiler/transpose_conv_oracle.h"
#include "tests/support/test_paths.h"
#include "tests/support/error_of.h"

using namespace kiln;
using ir::OpKind;
namespace fs = std::filesystem;

namespace {

std::string workload(const std::string& name) { return test::source_dir() + "/workloads/" + name; }

std::vector<OpKind> kinds(const ir::Graph& g) {
  std::vector<OpKind> k;
  for (const ir::Op& op : g.ops) k.push_back(op.kind);
  return k;
}

const ir::Shape& out_shape(const ir::Graph& g, const ir::Op& op) { return g.tensors[size_t(op.outputs[0])].shape; }

reference::TensorData random_input(const ir::Tensor& t, uint32_t seed) {
  std::mt19937 rng(seed);
  reference::TensorData d(size_t(t.num_elements()));
  for (int8_t& v : d) v = int8_t(int(rng() % 256) - 128);
  return d;
}

// Every op with a fused ReLU (output calibrated on [0, max]) clamps at the output zero point.
void check_relu_clamp(const ir::Graph& g, const ir::Op& op) {
  const ir::Tensor& out = g.tensors[size_t(op.outputs[0])];
  INFO(ir::op_string(g, op));
  CHECK(out.zero_point() == -128);
  CHECK(op.act.min == -128);
}

}  // namespace

// ---- the bundled workloads ---------------------------------------------------

TEST_CASE("onnx: resnet8 workload loads as conv, residual blocks, pool, fc, softmax", "[onnx]") {
  const ir::Graph g = frontend::read_onnx(workload("resnet8.onnx"));
  const std::vector<OpKind> expected = {
      OpKind::Conv2d,                                                            // conv0
      OpKind::Conv2d, OpKind::Conv2d, OpKind::Add,                               // stage 0: identity shortcut
      OpKind::Conv2d, OpKind::Conv2d, OpKind::Conv2d, OpKind::Add,               // stage 1: 1x1 projection
      OpKind::Conv2d, OpKind::Conv2d, OpKind::Conv2d, OpKind::Add,               // stage 2
      OpKind::AvgPool, OpKind::Reshape, OpKind::FullyConnected, OpKind::Softmax};
  REQUIRE(kinds(g) == expected);
  REQUIRE(g.inputs.size() == 1);
  CHECK(g.tensors[size_t(g.inputs[0])].shape == ir::Shape{1, 32, 32, 3});  // NCHW 1x3x32x32 as NHWC
  CHECK(out_shape(g, g.ops[0]) == ir::Shape{1, 32, 32, 16});
  CHECK(out_shape(g, g.ops[3]) == ir::Shape{1, 32, 32, 16});
  CHECK(out_shape(g, g.ops[7]) == ir::Shape{1, 16, 16, 32});
  CHECK(out_shape(g, g.ops[11]) == ir::Shape{1, 8, 8, 64});
  CHECK(out_shape(g, g.ops[12]) == ir::Shape{1, 1, 1, 64});
  CHECK(out_shape(g, g.ops[13]) == ir::Shape{1, 64});
  CHECK(out_shape(g, g.ops[15]) == ir::Shape{1, 10});
  // Stride-2 3x3 convolutions pad only at the end (TF "same" on even sizes).
  CHECK(g.ops[4].window.stride_h == 2);
  CHECK(g.ops[4].window.pad == ir::Padding{0, 1, 0, 1});
  CHECK(g.ops[6].window.kernel_h == 1);  // projection shortcut
  // OHWI weights with per-channel scales along the output channels.
  const ir::Tensor& w0 = g.tensors[size_t(g.ops[0].inputs[1])];
  CHECK(w0.shape == ir::Shape{16, 3, 3, 3});
  CHECK(w0.quant.scale.size() == 16);
  CHECK(w0.quant.axis == 0);
  for (int i : {0, 1, 3, 4, 7, 8, 11}) check_relu_clamp(g, g.ops[size_t(i)]);
  const ir::Tensor& sm = g.tensors[size_t(g.outputs[0])];
  CHECK(sm.scale() == 1.0f / 256);
  CHECK(sm.zero_point() == -128);
}

TEST_CASE("onnx: dscnn_kws workload (QLinearConv form) loads as conv, 4 x (depthwise, pointwise), pool, fc",
          "[onnx]") {
  const ir::Graph g = frontend::read_onnx(workload("dscnn_kws.onnx"));
  std::vector<OpKind> expected = {OpKind::Conv2d};
  for (int i = 0; i < 4; ++i) {
    expected.push_back(OpKind::DepthwiseConv2d);
    expected.push_back(OpKind::Conv2d);
  }
  for (OpKind k : {OpKind::AvgPool, OpKind::Reshape, OpKind::FullyConnected, OpKind::Softmax}) expected.push_back(k);
  REQUIRE(kinds(g) == expected);
  CHECK(g.tensors[size_t(g.inputs[0])].shape == ir::Shape{1, 49, 10, 1});
  // 10x4 stride 2, "same": out ceil(49/2) x ceil(10/2); pad h 9 = 4 + 5, w 2 = 1 + 1.
  CHECK(out_shape(g, g.ops[0]) == ir::Shape{1, 25, 5, 64});
  CHECK(g.ops[0].window.pad == ir::Padding{4, 5, 1, 1});
  CHECK(g.tensors[size_t(g.ops[0].inputs[1])].shape == ir::Shape{64, 10, 4, 1});
  const ir::Tensor& dw = g.tensors[size_t(g.ops[1].inputs[1])];
  CHECK(dw.shape == ir::Shape{1, 3, 3, 64});
  CHECK(dw.quant.axis == 3);
  CHECK(g.ops[1].depth_multiplier == 1);
  CHECK(out_shape(g, g.ops[9]) == ir::Shape{1, 1, 1, 64});
  CHECK(g.ops[9].window.kernel_h == 25);
  CHECK(g.ops[9].window.kernel_w == 5);
  CHECK(out_shape(g, g.ops[11]) == ir::Shape{1, 12});
  for (int i = 0; i < 9; ++i) check_relu_clamp(g, g.ops[size_t(i)]);
}

TEST_CASE("onnx: mobilenet_v1_025_vww workload loads as 14 convolutions with ReLU6, pool, fc", "[onnx]") {
  const ir::Graph g = frontend::read_onnx(workload("mobilenet_v1_025_vww.onnx"));
  REQUIRE(g.ops.size() == 1 + 13 * 2 + 4);
  CHECK(g.tensors[size_t(g.inputs[0])].shape == ir::Shape{1, 96, 96, 3});
  CHECK(out_shape(g, g.ops[0]) == ir::Shape{1, 48, 48, 8});
  const int channels[13] = {16, 32, 32, 64, 64, 128, 128, 128, 128, 128, 128, 256, 256};
  const int sizes[13] = {48, 24, 24, 12, 12, 6, 6, 6, 6, 6, 6, 3, 3};
  for (int b = 0; b < 13; ++b) {
    const ir::Op& dw = g.ops[size_t(1 + 2 * b)];
    const ir::Op& pw = g.ops[size_t(2 + 2 * b)];
    INFO("block " << b + 1);
    CHECK(dw.kind == OpKind::DepthwiseConv2d);
    CHECK(pw.kind == OpKind::Conv2d);
    CHECK(out_shape(g, pw) == ir::Shape{1, sizes[b], sizes[b], channels[b]});
    // ReLU6: clamp to [zp, quantize(6)]; the calibrated range is below 6, so int8's top.
    const ir::Tensor& out = g.tensors[size_t(pw.outputs[0])];
    CHECK(pw.act.min == out.zero_point());
    CHECK(pw.act.max == std::min(127, out.zero_point() + int(std::round(6.0f / out.scale()))));
  }
  CHECK(g.ops[27].kind == OpKind::AvgPool);
  CHECK(out_shape(g, g.ops[29]) == ir::Shape{1, 2});
  CHECK(g.ops[30].kind == OpKind::Softmax);
}

TEST_CASE("onnx: fc_autoencoder workload loads as ten fully connected layers 640-128x4-8-128x4-640", "[onnx]") {
  const ir::Graph g = frontend::read_onnx(workload("fc_autoencoder.onnx"));
  const int widths[10] = {128, 128, 128, 128, 8, 128, 128, 128, 128, 640};
  REQUIRE(g.ops.size() == 10);
  int in = 640;
  for (int i = 0; i < 10; ++i) {
    INFO("layer " << i);
    CHECK(g.ops[size_t(i)].kind == OpKind::FullyConnected);
    CHECK(g.tensors[size_t(g.ops[size_t(i)].inputs[1])].shape == ir::Shape{widths[i], in});
    CHECK(out_shape(g, g.ops[size_t(i)]) == ir::Shape{1, widths[i]});
    if (i < 9) check_relu_clamp(g, g.ops[size_t(i)]);
    in = widths[i];
  }
  CHECK(g.ops[9].act.min == -128);
}

TEST_CASE("onnx: every workload runs on the reference interpreter, deterministically", "[onnx]") {
  for (const char* name : {"resnet8.onnx", "dscnn_kws.onnx", "mobilenet_v1_025_vww.onnx", "fc_autoencoder.onnx"}) {
    INFO(name);
    const ir::Graph g = frontend::read_onnx(workload(name));
    const std::vector<reference::TensorData> in = {random_input(g.tensors[size_t(g.inputs[0])], 7)};
    const auto a = reference::run_reference(g, in);
    const auto b = reference::run_reference(g, in);
    REQUIRE(a.size() == 1);
    CHECK(a == b);
    const ir::Tensor& out = g.tensors[size_t(g.outputs[0])];
    CHECK(int64_t(a[0].size()) == out.num_elements());
    if (g.ops.back().kind == OpKind::Softmax) {  // probabilities in 1/256 steps from -128 sum to about 1
      int sum = 0;
      for (int8_t v : a[0]) sum += v + 128;
      CHECK(sum >= 256 - int(a[0].size()));
      CHECK(sum <= 256 + int(a[0].size()));
    }
  }
}

// ---- a direct evaluation of the IR's integer semantics ----------------------
// Conv2d / DepthwiseConv2d / FullyConnected with weight zero points and int32
// outputs, computed straight from the IR definition (NHWC, OHWI / 1HWO,
// [out, in]); int8 outputs requantize per channel. Used where ONNX needs
// more than the TFLite int8 specification (asymmetric weights, accumulator
// outputs), so that what the reader produces is checked exactly now.

namespace {

int32_t at(const ir::Tensor& t, size_t i) { return t.type == ir::DataType::Int32 ? t.int32_at(i) : t.int8_at(i); }
int32_t weight_zp(const ir::Tensor& w, int o) {
  if (w.quant.zero_point.empty()) return 0;
  return w.quant.zero_point.size() > 1 ? w.quant.zero_point[size_t(o)] : w.quant.zero_point[0];
}

std::vector<int32_t> evaluate(const ir::Graph& g, const ir::Op& op, const std::vector<int8_t>& x) {
  const ir::Tensor& in = g.tensors[size_t(op.inputs[0])];
  const ir::Tensor& w = g.tensors[size_t(op.inputs[1])];
  const ir::Tensor& b = g.tensors[size_t(op.inputs[2])];
  const ir::Tensor& out = g.tensors[size_t(op.outputs[0])];
  const int32_t zx = in.zero_point();
  std::vector<int32_t> acc;
  std::vector<int> channel;  // output channel of each accumulator
  if (op.kind == OpKind::FullyConnected) {
    const int n_out = w.shape[0], k_in = w.shape[1];
    const int rows = int(in.num_elements() / k_in);
    for (int r = 0; r < rows; ++r)
      for (int o = 0; o < n_out; ++o) {
        int32_t a = b.int32_at(size_t(o));
        for (int k = 0; k < k_in; ++k)
          a += (x[size_t(r * k_in + k)] - zx) * (w.int8_at(size_t(o * k_in + k)) - weight_zp(w, o));
        acc.push_back(a);
        channel.push_back(o);
      }
  } else {
    const bool dw = op.kind == OpKind::DepthwiseConv2d;
    const int H = in.shape[1], W = in.shape[2], C = in.shape[3];
    const int OH = out.shape[1], OW = out.shape[2], OC = out.shape[3];
    const ir::Window& win = op.window;
    for (int oy = 0; oy < OH; ++oy)
      for (int ox = 0; ox < OW; ++ox)
        for (int o = 0; o < OC; ++o) {
          int32_t a = b.int32_at(size_t(o));
          for (int ky = 0; ky < win.kernel_h; ++ky)
            for (int kx = 0; kx < win.kernel_w; ++kx) {
              const int y = oy * win.stride_h - win.pad.top + ky * win.dilation_h;
              const int xx = ox * win.stride_w - win.pad.left + kx * win.dilation_w;
              if (y < 0 || y >= H || xx < 0 || xx >= W) continue;
              if (dw) {
                const int c = o / op.depth_multiplier;
                a += (x[size_t((y * W + xx) * C + c)] - zx) *
                     (w.int8_at(size_t((ky * win.kernel_w + kx) * OC + o)) - weight_zp(w, o));
              } else {
                for (int c = 0; c < C; ++c)
                  a += (x[size_t((y * W + xx) * C + c)] - zx) *
                       (w.int8_at(size_t(((o * win.kernel_h + ky) * win.kernel_w + kx) * C + c)) - weight_zp(w, o));
              }
            }
          acc.push_back(a);
          channel.push_back(o);
        }
  }
  if (out.type == ir::DataType::Int32) return acc;
  for (size_t e = 0; e < acc.size(); ++e) {
    const size_t o = size_t(channel[e]);
    const int32_t v = kernels::multiply_by_quantized_multiplier(acc[e], op.rescale.multiplier[o], op.rescale.shift[o]) +
                      out.zero_point();
    acc[e] = std::clamp(v, op.act.min, op.act.max);
  }
  return acc;
}

std::vector<int32_t> values(const ir::Tensor& t) {
  std::vector<int32_t> v;
  for (int64_t i = 0; i < t.num_elements(); ++i) v.push_back(at(t, size_t(i)));
  return v;
}

std::vector<int8_t> int8_values(const ir::Tensor& t) {
  std::vector<int8_t> v(t.data.size());
  std::memcpy(v.data(), t.data.data(), v.size());
  return v;
}

const char* kTestData = "/usr/share/libonnx-testdata/data/node";

// Reads an ONNX node test: input 0 is the activation, the other inputs
// (weights, scales, zero points) are bound as constants.
ir::Graph read_node_model(const std::string& dir) {
  frontend::OnnxOptions options;
  for (int k = 1; fs::exists(fmt::format("{}/test_data_set_0/input_{}.pb", dir, k)); ++k) {
    const std::string pb = fmt::format("{}/test_data_set_0/input_{}.pb", dir, k);
    options.constant_inputs[onnx_frontend::read_tensor_proto(pb).name()] = pb;
  }
  return frontend::read_onnx(dir + "/model.onnx", options);
}

ir::Graph read_node_test(const std::string& dir, ir::Tensor* input, ir::Tensor* expected) {
  ir::Graph g = read_node_model(dir);
  *input = frontend::read_onnx_tensor(dir + "/test_data_set_0/input_0.pb");
  *expected = frontend::read_onnx_tensor(dir + "/test_data_set_0/output_0.pb");
  return g;
}

bool needs_reference_extensions(const ir::Graph& g) {
  for (const ir::Op& op : g.ops) {
    if (g.tensors[size_t(op.outputs[0])].type == ir::DataType::Int32) return true;
    if (op.inputs.size() > 1)
      for (int32_t zp : g.tensors[size_t(op.inputs[1])].quant.zero_point)
        if (zp != 0) return true;
  }
  return false;
}

}  // namespace

TEST_CASE("onnx: libonnx-testdata quantized operator tests give ONNX's outputs exactly", "[onnx][testdata]") {
  if (!fs::exists(kTestData)) {
    WARN("libonnx-testdata is not installed (" << kTestData << "): skipped; scripts/setup.sh installs it");
    return;
  }
  for (const char* name : {"test_qlinearconv", "test_qlinearmatmul_2D", "test_convinteger_with_padding",
                           "test_convinteger_without_padding", "test_basic_convinteger", "test_matmulinteger"}) {
    INFO(name);
    ir::Tensor input, expected;
    const ir::Graph g = read_node_test(std::string(kTestData) + "/" + name, &input, &expected);
    INFO(ir::print_graph(g));
    REQUIRE(g.ops.size() == 1);
    REQUIRE(g.outputs.size() == 1);
    const ir::Tensor& out = g.tensors[size_t(g.outputs[0])];
    CHECK(out.shape == expected.shape);
    CHECK(out.type == expected.type);
    CHECK(evaluate(g, g.ops[0], int8_values(input)) == values(expected));
  }
}

// The reference interpreter goes beyond TFLite's int8 specification where
// ONNX needs it: weight zero points and int32 accumulator outputs. Each test's
// output must be ONNX's expected output exactly (uint8 values as the IR's
// int8, value - 128; int32 as is).
TEST_CASE("onnx: libonnx-testdata quantized operator tests on the reference interpreter", "[onnx][testdata]") {
  if (!fs::exists(kTestData)) {
    WARN("libonnx-testdata is not installed: skipped");
    return;
  }
  int extended = 0;
  for (const char* name : {"test_qlinearconv", "test_qlinearmatmul_2D", "test_convinteger_with_padding",
                           "test_convinteger_without_padding", "test_basic_convinteger", "test_matmulinteger"}) {
    INFO(name);
    ir::Tensor input, expected;
    const ir::Graph g = read_node_test(std::string(kTestData) + "/" + name, &input, &expected);
    if (needs_reference_extensions(g)) ++extended;
    const ir::Tensor& out_tensor = g.tensors[size_t(g.outputs.at(0))];
    REQUIRE(out_tensor.type == expected.type);
    std::vector<reference::TensorData> out;
    REQUIRE_NOTHROW(out = reference::run_reference(g, {int8_values(input)}));
    REQUIRE(out.size() == 1);
    const std::vector<int32_t> got = out_tensor.type == ir::DataType::Int32
                                         ? reference::int32_values(out[0])
                                         : std::vector<int32_t>(out[0].begin(), out[0].end());
    REQUIRE(got.size() == size_t(expected.num_elements()));
    CHECK(got == values(expected));
  }
  // The cases exercise what TFLite's specification lacks (else this test proves little).
  CHECK(extended == 6);
}

TEST_CASE("onnx: libonnx-testdata tests outside the supported set give one clear error", "[onnx][testdata]") {
  if (!fs::exists(kTestData)) {
    WARN("libonnx-testdata is not installed: skipped");
    return;
  }
  struct Case {
    const char* name;
    const char* message;
  };
  for (const Case& c : {Case{"test_qlinearmatmul_3D", "node 0 (QLinearMatMul, 'y'): weights of rank 3 unsupported"},
                        Case{"test_quantizelinear_axis", "per-axis activation scales are unsupported"}}) {
    INFO(c.name);
    try {
      read_node_model(std::string(kTestData) + "/" + c.name);
      FAIL("no error");
    } catch (const Error& e) {
      CHECK_THAT(e.what(), Catch::Contains(c.message));
    }
  }
}

// ---- hand-built models: layouts and errors ---------------------------------

namespace {

struct ModelBuilder {
  onnx::ModelProto m;
  ModelBuilder() {
    m.set_ir_version(7);
    m.add_opset_import()->set_version(13);
  }
  onnx::GraphProto* g() { return m.mutable_graph(); }
  void input(const std::string& name, int type, const std::vector<int64_t>& dims) {
    onnx::ValueInfoProto* v = g()->add_input();
    v->set_name(name);
    v->mutable_type()->mutable_tensor_type()->set_elem_type(type);
    for (int64_t d : dims) v->mutable_type()->mutable_tensor_type()->mutable_shape()->add_dim()->set_dim_value(d);
  }
  void output(const std::string& name) { g()->add_output()->set_name(name); }
  void init(const std::string& name, int type, const std::vector<int64_t>& dims, const std::vector<int32_t>& v) {
    onnx::TensorProto* t = g()->add_initializer();
    t->set_name(name);
    t->set_data_type(type);
    for (int64_t d : dims) t->add_dims(d);
    for (int32_t x : v) t->add_int32_data(x);
  }
  void scale(const std::string& name, float v) {
    onnx::TensorProto* t = g()->add_initializer();
    t->set_name(name);
    t->set_data_type(onnx::TensorProto::FLOAT);
    t->add_float_data(v);
  }
  onnx::NodeProto* node(const std::string& op, const std::vector<std::string>& in, const std::string& out) {
    onnx::NodeProto* n = g()->add_node();
    n->set_op_type(op);
    n->set_name(out + "_node");
    for (const std::string& s : in) n->add_input(s);
    n->add_output(out);
    return n;
  }
  static void ints(onnx::NodeProto* n, const char* name, const std::vector<int64_t>& v) {
    onnx::AttributeProto* a = n->add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::INTS);
    for (int64_t x : v) a->add_ints(x);
  }
  static void integer(onnx::NodeProto* n, const char* name, int64_t v) {
    onnx::AttributeProto* a = n->add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::INT);
    a->set_i(v);
  }
  ir::Graph read() const {
    const std::string bytes = m.SerializeAsString();
    return frontend::read_onnx_buffer(bytes.data(), bytes.size(), "built.onnx");
  }
};

std::string read_error(const ModelBuilder& b) { return test::error_of([&] { b.read(); }); }

}  // namespace

TEST_CASE("onnx: ConvInteger in NCHW/OIHW gives the direct NCHW accumulators through the NHWC/OHWI IR", "[onnx]") {
  // N=1, C=2, H=5, W=4; 3 outputs, 3x2 kernel, stride (2, 1), pads top 1 left 0 bottom 0 right 1;
  // and a depthwise variant (group 2, 2 outputs per channel).
  for (int group : {1, 2}) {
    INFO("group " << group);
    const int C = 2, H = 5, W = 4, O = group == 1 ? 3 : 4, KH = 3, KW = 2, SH = 2, SW = 1;
    const int PT = 1, PL = 0, PB = 0, PR = 1, CPG = C / group;
    std::vector<int32_t> x(C * H * W), w(size_t(O * CPG * KH * KW));
    for (size_t i = 0; i < x.size(); ++i) x[i] = int32_t((i * 37 + 11) % 256) - 128;
    for (size_t i = 0; i < w.size(); ++i) w[i] = int32_t((i * 53 + 5) % 256) - 128;
    const int32_t zx = 3, zw = -7;
    ModelBuilder b;
    b.input("x", onnx::TensorProto::INT8, {1, C, H, W});
    b.init("w", onnx::TensorProto::INT8, {O, CPG, KH, KW}, w);
    b.init("xz", onnx::TensorProto::INT8, {}, {zx});
    b.init("wz", onnx::TensorProto::INT8, {}, {zw});
    onnx::NodeProto* n = b.node("ConvInteger", {"x", "w", "xz", "wz"}, "y");
    ModelBuilder::ints(n, "strides", {SH, SW});
    ModelBuilder::ints(n, "pads", {PT, PL, PB, PR});
    ModelBuilder::integer(n, "group", group);
    b.output("y");
    const ir::Graph g = b.read();
    REQUIRE(g.ops.size() == 1);
    CHECK(g.ops[0].kind == (group == 1 ? OpKind::Conv2d : OpKind::DepthwiseConv2d));
    const int OH = (H + PT + PB - KH) / SH + 1, OW = (W + PL + PR - KW) / SW + 1;
    const ir::Tensor& out = g.tensors[size_t(g.outputs[0])];
    REQUIRE(out.shape == ir::Shape{1, OH, OW, O});
    CHECK_FALSE(g.tensors[size_t(g.inputs[0])].source_uint8);  // an int8 input
    // Direct NCHW computation from the ONNX definition.
    std::vector<int32_t> expected;  // in NHWC order
    for (int oy = 0; oy < OH; ++oy)
      for (int ox = 0; ox < OW; ++ox)
        for (int o = 0; o < O; ++o) {
          int32_t a = 0;
          const int g0 = o / (O / group);
          for (int c = 0; c < CPG; ++c)
            for (int ky = 0; ky < KH; ++ky)
              for (int kx = 0; kx < KW; ++kx) {
                const int y = oy * SH - PT + ky, xx = ox * SW - PL + kx;
                if (y < 0 || y >= H || xx < 0 || xx >= W) continue;
                a += (x[size_t(((g0 * CPG + c) * H + y) * W + xx)] - zx) *
                     (w[size_t(((o * CPG + c) * KH + ky) * KW + kx)] - zw);
              }
          expected.push_back(a);
        }
    std::vector<int8_t> x_nhwc;
    for (int y = 0; y < H; ++y)
      for (int xx = 0; xx < W; ++xx)
        for (int c = 0; c < C; ++c) x_nhwc.push_back(int8_t(x[size_t((c * H + y) * W + xx)]));
    CHECK(evaluate(g, g.ops[0], x_nhwc) == expected);
    // The reference interpreter computes the same accumulators (depthwise too).
    const auto ran = reference::run_reference(g, {x_nhwc});
    REQUIRE(ran.size() == 1);
    CHECK(reference::int32_values(ran[0]) == expected);
  }
}

TEST_CASE("onnx: uint8 tensors become int8 with the same real values", "[onnx]") {
  // QLinearMatMul, uint8 activations and asymmetric uint8 weights.
  ModelBuilder b;
  b.input("a", onnx::TensorProto::UINT8, {1, 3});
  b.scale("as", 0.5f);
  b.init("az", onnx::TensorProto::UINT8, {}, {130});
  b.init("b", onnx::TensorProto::UINT8, {3, 2}, {0, 255, 10, 20, 128, 129});
  b.scale("bs", 0.25f);
  b.init("bz", onnx::TensorProto::UINT8, {}, {100});
  b.scale("ys", 1.0f);
  b.init("yz", onnx::TensorProto::UINT8, {}, {7});
  b.node("QLinearMatMul", {"a", "as", "az", "b", "bs", "bz", "ys", "yz"}, "y");
  b.output("y");
  const ir::Graph g = b.read();
  REQUIRE(g.ops.size() == 1);
  const ir::Tensor& a = g.tensors[size_t(g.inputs[0])];
  CHECK(a.zero_point() == 130 - 128);
  const ir::Tensor& w = g.tensors[size_t(g.ops[0].inputs[1])];
  CHECK(w.shape == ir::Shape{2, 3});                                 // [out, in]
  CHECK(int8_values(w) == std::vector<int8_t>{-128, 10 - 128, 0, 127, 20 - 128, 1});
  CHECK(w.zero_point() == 100 - 128);
  CHECK(g.tensors[size_t(g.outputs[0])].zero_point() == 7 - 128);
  // The model's type stays known at the graph's edges (kiln run writes uint8 .npy outputs).
  CHECK(a.source_uint8);
  CHECK(g.tensors[size_t(g.outputs[0])].source_uint8);
  CHECK_FALSE(w.source_uint8);
  // a = (200, 100, 131) in uint8: y = round(0.125 * sum (a - 130)(b - 100)) + 7, clamped to [0, 255].
  const int av[3] = {200, 100, 131}, bv[3][2] = {{0, 255}, {10, 20}, {128, 129}};
  std::vector<int32_t> expected;
  for (int o = 0; o < 2; ++o) {
    int acc = 0;
    for (int k = 0; k < 3; ++k) acc += (av[k] - 130) * (bv[k][o] - 100);
    expected.push_back(std::clamp(int(std::lround(acc * 0.125)) + 7, 0, 255) - 128);
  }
  CHECK(evaluate(g, g.ops[0], {int8_t(200 - 128), int8_t(100 - 128), int8_t(131 - 128)}) == expected);
}

TEST_CASE("onnx: an unsupported operator is named with its index, name and the supported set", "[onnx]") {
  ModelBuilder b;
  b.input("x", onnx::TensorProto::INT8, {1, 4});
  b.node("Selu", {"x"}, "y");
  b.output("y");
  const std::string e = read_error(b);
  CHECK_THAT(e, Catch::StartsWith("built.onnx: node 0 (Selu, 'y_node'): unsupported operator; supported: "));
  CHECK_THAT(e, Catch::Contains("QLinearConv"));
  ModelBuilder ms;
  ms.input("x", onnx::TensorProto::INT8, {1, 4});
  ms.node("QAttention", {"x", "x"}, "y")->set_domain("com.microsoft");
  ms.output("y");
  CHECK_THAT(read_error(ms), Catch::Contains("node 0 (QAttention, 'y_node'): operator of domain 'com.microsoft'"));
}

TEST_CASE("onnx: a name from the model is printed escaped, on one line", "[onnx]") {
  ModelBuilder b;
  b.input("x", onnx::TensorProto::INT8, {1, 4});
  b.node("Selu", {"x"}, "y")->set_name("evil\nname\x01");
  b.output("y");
  const std::string e = read_error(b);
  CHECK_THAT(e, Catch::StartsWith("built.onnx: node 0 (Selu, 'evil\\nname\\x01'): unsupported operator"));
  CHECK(e.find('\n') == std::string::npos);
}

TEST_CASE("onnx: malformed and truncated files give an error, never a crash", "[onnx]") {
  CHECK_THROWS_AS(frontend::read_onnx(test::source_dir() + "/workloads/missing.onnx"), Error);
  const std::string garbage = "this is not a protobuf \xff\xff\xff\xff";
  CHECK_THROWS_AS(frontend::read_onnx_buffer(garbage.data(), garbage.size(), "garbage.onnx"), Error);
  std::ifstream f(workload("resnet8.onnx"), std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  REQUIRE(bytes.size() > 1000);
  // Every truncation either parses into an incomplete model (then an error) or fails to parse.
  for (size_t cut : {size_t(1), size_t(17), bytes.size() / 3, bytes.size() / 2, bytes.size() - 1}) {
    INFO("cut at " << cut);
    CHECK_THROWS_AS(frontend::read_onnx_buffer(bytes.data(), cut, "cut.onnx"), Error);
  }
  // Flipped bytes: an error or a model; never a crash (checked under the sanitizers).
  std::mt19937 rng(3);
  for (int trial = 0; trial < 50; ++trial) {
    std::string copy = bytes;
    for (int k = 0; k < 8; ++k) copy[rng() % copy.size()] = char(rng());
    try {
      frontend::read_onnx_buffer(copy.data(), copy.size(), "flipped.onnx");
    } catch (const Error&) {
    }
  }
}

namespace {

// x -> DequantizeLinear -> Max or Min (of x with itself) -> QuantizeLinear(out scale) -> y.
ModelBuilder max_min_model(const char* op, float out_scale) {
  ModelBuilder b;
  b.input("x", onnx::TensorProto::INT8, {1, 2, 2, 3});
  b.scale("s", 0.05f);
  b.init("z", onnx::TensorProto::INT8, {}, {-3});
  b.scale("ys", out_scale);
  b.node("DequantizeLinear", {"x", "s", "z"}, "xf");
  b.node(op, {"xf", "xf"}, "m");
  b.node("QuantizeLinear", {"m", "ys", "z"}, "y");
  b.output("y");
  return b;
}

}  // namespace

TEST_CASE("onnx: Max and Min of two activations of one quantization become Maximum and Minimum", "[onnx]") {
  for (const char* op : {"Max", "Min"}) {
    INFO(op);
    const ir::Graph g = max_min_model(op, 0.05f).read();
    REQUIRE(g.ops.size() == 1);
    CHECK(g.ops[0].kind == (std::string(op) == "Max" ? OpKind::Maximum : OpKind::Minimum));
    CHECK(g.ops[0].inputs.size() == 2);
    CHECK(g.tensors[size_t(g.outputs[0])].zero_point() == -3);
    CHECK_THAT(read_error(max_min_model(op, 0.1f)),
               Catch::Contains("supported when the inputs and the output share one quantization"));
  }
}

namespace {

// x [1, 3, 2, 2] -> DequantizeLinear -> OP(x, g) -> QuantizeLinear -> y, where
// g is a second input of `g_dims` behind its own DequantizeLinear.
ModelBuilder sub_mul_model(const char* op, const std::vector<int64_t>& g_dims) {
  ModelBuilder b;
  b.input("x", onnx::TensorProto::INT8, {1, 3, 2, 2});
  b.input("g", onnx::TensorProto::INT8, g_dims);
  b.scale("s", 0.05f);
  b.scale("gs", 0.02f);
  b.init("z", onnx::TensorProto::INT8, {}, {-3});
  b.scale("ys", 0.07f);
  b.node("DequantizeLinear", {"x", "s", "z"}, "xf");
  b.node("DequantizeLinear", {"g", "gs", "z"}, "gf");
  b.node(op, {"xf", "gf"}, "m");
  b.node("QuantizeLinear", {"m", "ys", "z"}, "y");
  b.output("y");
  return b;
}

}  // namespace

TEST_CASE("onnx: Sub and Mul in QDQ form, with a [1, C, 1, 1] gate repeated over every pixel", "[onnx]") {
  for (const char* op : {"Sub", "Mul"}) {
    INFO(op);
    const ir::Graph g = sub_mul_model(op, {1, 3, 1, 1}).read();
    REQUIRE(g.ops.size() == 1);
    CHECK(g.ops[0].kind == (std::string(op) == "Sub" ? OpKind::Sub : OpKind::Mul));
    // NHWC inside kiln: the gate is a per-channel vector, the output the input's shape.
    CHECK(g.tensors[size_t(g.ops[0].inputs[1])].shape == ir::Shape{1, 1, 1, 3});
    CHECK(g.tensors[size_t(g.outputs[0])].shape == ir::Shape{1, 2, 2, 3});
    // Other broadcasts, and operands of another rank, are refused by name.
    CHECK_THAT(read_error(sub_mul_model(op, {1, 1, 2, 2})), Catch::Contains("do not broadcast as supported"));
    CHECK_THAT(read_error(sub_mul_model(op, {2, 2})),
               Catch::Contains("inputs of ranks 4 and 2: supported when the ranks agree or one input is a scalar"));
  }
  CHECK(sub_mul_model("Mul", {1, 3, 1, 1}).read().ops[0].rescale.multiplier.size() == 1);
}

namespace {

// x [1, 2, 3, 4] -> DequantizeLinear -> Resize (sizes to 6x8) -> QuantizeLinear -> y.
ModelBuilder resize_model(const std::string& mode, const std::string& ct, const std::string& nearest) {
  ModelBuilder b;
  b.input("x", onnx::TensorProto::INT8, {1, 2, 3, 4});
  b.scale("s", 0.05f);
  b.init("z", onnx::TensorProto::INT8, {}, {-3});
  onnx::TensorProto* sizes = b.g()->add_initializer();
  sizes->set_name("sizes");
  sizes->set_data_type(onnx::TensorProto::INT64);
  sizes->add_dims(4);
  for (int64_t v : {1, 2, 6, 8}) sizes->add_int64_data(v);
  b.node("DequantizeLinear", {"x", "s", "z"}, "xf");
  onnx::NodeProto* r = b.node("Resize", {"xf", "", "", "sizes"}, "r");
  for (const auto& [name, value] : {std::pair<const char*, std::string>{"mode", mode},
                                    {"coordinate_transformation_mode", ct},
                                    {"nearest_mode", nearest}}) {
    onnx::AttributeProto* a = r->add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::STRING);
    a->set_s(value);
  }
  b.node("QuantizeLinear", {"r", "s", "z"}, "y");
  b.output("y");
  return b;
}

}  // namespace

TEST_CASE("onnx: Resize maps ONNX's coordinates onto TFLite's resize kernels where they agree, and names the rest",
          "[onnx]") {
  struct Case {
    const char *mode, *ct, *nearest, *kernel;
    int64_t align_corners, half_pixel;
  };
  for (const Case& c : {Case{"linear", "half_pixel", "floor", "resize_bilinear", 0, 1},
                        Case{"linear", "pytorch_half_pixel", "floor", "resize_bilinear", 0, 1},
                        Case{"linear", "align_corners", "floor", "resize_bilinear", 1, 0},
                        Case{"linear", "asymmetric", "floor", "resize_bilinear", 0, 0},
                        Case{"nearest", "asymmetric", "floor", "resize_nearest", 0, 0},
                        Case{"nearest", "align_corners", "round_prefer_ceil", "resize_nearest", 1, 0},
                        Case{"nearest", "half_pixel", "round_prefer_ceil", "resize_nearest", 0, 1},
                        Case{"nearest", "tf_half_pixel_for_nn", "floor", "resize_nearest", 0, 1}}) {
    INFO(c.mode << " " << c.ct << " " << c.nearest);
    const ir::Graph g = resize_model(c.mode, c.ct, c.nearest).read();
    REQUIRE(g.ops.size() == 1);
    CHECK(g.ops[0].kind == OpKind::Kernel);
    CHECK(g.ops[0].kernel == c.kernel);
    CHECK(g.ops[0].attrs.at("align_corners") == std::vector<int64_t>{c.align_corners});
    CHECK(g.ops[0].attrs.at("half_pixel_centers") == std::vector<int64_t>{c.half_pixel});
    CHECK(g.tensors[size_t(g.outputs[0])].shape == ir::Shape{1, 6, 8, 2});  // NHWC
  }
  // ONNX's default nearest rounding (round_prefer_floor) breaks ties the other way from TFLite.
  CHECK_THAT(read_error(resize_model("nearest", "half_pixel", "round_prefer_floor")),
             Catch::Contains("(Resize, 'r_node'): nearest with coordinate_transformation_mode 'half_pixel' and "
                             "nearest_mode 'round_prefer_floor' unsupported"));
  CHECK_THAT(read_error(resize_model("cubic", "half_pixel", "floor")),
             Catch::Contains("mode 'cubic' unsupported; supported: linear, nearest"));
  CHECK_THAT(read_error(resize_model("linear", "tf_crop_and_resize", "floor")),
             Catch::Contains("linear with coordinate_transformation_mode 'tf_crop_and_resize' unsupported"));
}

namespace {

// x [1, 2, 4, 4] int8 (scale 0.05, zero point -3) -> com.microsoft `op` with
// the given further inputs -> y, quantized (ys, zero point -3).
ModelBuilder qlinear_model(const std::string& op, float ys, const std::vector<std::string>& inputs) {
  ModelBuilder b;
  b.input("x", onnx::TensorProto::INT8, {1, 2, 4, 4});
  if (std::find(inputs.begin(), inputs.end(), "x2") != inputs.end())
    b.input("x2", onnx::TensorProto::INT8, {1, 2, 4, 4});
  b.scale("s", 0.05f);
  b.scale("s2", 0.08f);
  b.init("z", onnx::TensorProto::INT8, {}, {-3});
  b.scale("ys", ys);
  b.node(op, inputs, "y")->set_domain("com.microsoft");
  b.output("y");
  return b;
}

}  // namespace

TEST_CASE("onnx: com.microsoft QLinearAdd, QLinearConcat and the QLinear pools become the int8 ops", "[onnx]") {
  const ir::Graph add = qlinear_model("QLinearAdd", 0.1f, {"x", "s", "z", "x2", "s2", "z", "ys", "z"}).read();
  REQUIRE(kinds(add) == std::vector<OpKind>{OpKind::Add});
  CHECK(add.tensors[size_t(add.ops[0].inputs[1])].scale() == 0.08f);
  CHECK(add.tensors[size_t(add.outputs[0])].scale() == 0.1f);

  // QLinearConcat: the output's quantization first; an input of another one is requantized first.
  const ir::Graph cat = qlinear_model("QLinearConcat", 0.05f, {"ys", "z", "x", "s", "z", "x2", "s2", "z"}).read();
  REQUIRE(kinds(cat) == (std::vector<OpKind>{OpKind::Requantize, OpKind::Concat}));
  CHECK(out_shape(cat, cat.ops[1]) == ir::Shape{1, 4, 4, 4});
  CHECK(cat.ops[1].axis == 3);  // NCHW's channels are NHWC's last axis

  onnx::NodeProto* pool;
  ModelBuilder same = qlinear_model("QLinearAveragePool", 0.05f, {"x", "s", "z", "ys", "z"});
  pool = same.g()->mutable_node(0);
  ModelBuilder::ints(pool, "kernel_shape", {2, 2});
  ModelBuilder::ints(pool, "strides", {2, 2});
  const ir::Graph avg = same.read();
  REQUIRE(kinds(avg) == std::vector<OpKind>{OpKind::AvgPool});
  CHECK(out_shape(avg, avg.ops[0]) == ir::Shape{1, 2, 2, 2});
  ModelBuilder other = qlinear_model("QLinearAveragePool", 0.03f, {"x", "s", "z", "ys", "z"});
  ModelBuilder::ints(other.g()->mutable_node(0), "kernel_shape", {2, 2});
  CHECK(kinds(other.read()) == (std::vector<OpKind>{OpKind::AvgPool, OpKind::Requantize}));

  // The global average is MEAN over H and W, rescaled to the output in one step.
  const ir::Graph mean = qlinear_model("QLinearGlobalAveragePool", 0.03f, {"x", "s", "z", "ys", "z"}).read();
  REQUIRE(kinds(mean) == std::vector<OpKind>{OpKind::Mean});
  CHECK(out_shape(mean, mean.ops[0]) == ir::Shape{1, 1, 1, 2});
  CHECK(mean.tensors[size_t(mean.outputs[0])].scale() == 0.03f);

  // What they refuse, by name.
  CHECK_THAT(read_error(qlinear_model("QLinearAdd", 0.1f, {"x", "s", "z", "x2", "s2", "z", "ys"})),
             Catch::Contains("7 inputs, expected 8"));
  CHECK_THAT(read_error(qlinear_model("QLinearConcat", 0.1f, {"ys", "z", "x", "s"})),
             Catch::Contains("expected Y_scale, Y_zero_point and (X, X_scale, X_zero_point) per input"));
  ModelBuilder nhwc = qlinear_model("QLinearGlobalAveragePool", 0.03f, {"x", "s", "z", "ys", "z"});
  ModelBuilder::integer(nhwc.g()->mutable_node(0), "channels_last", 1);
  CHECK_THAT(read_error(nhwc), Catch::Contains("channels_last = 1 unsupported"));
  const std::string wrong = read_error(qlinear_model("QLinearAdd", 0.1f, {"x", "s", "z", "x", "s2", "z", "ys", "z"}));
  CHECK_THAT(wrong, Catch::Contains("differs from the (0.05, -3) it was produced with"));
}

namespace {

const ir::Op& kernel_op(const ir::Graph& g, const std::string& kernel) {
  for (const ir::Op& op : g.ops)
    if (op.kind == OpKind::Kernel && op.kernel == kernel) return op;
  FAIL("no " << kernel << " op");
  return g.ops.front();
}

// x [1, 2, 3, 4] -> DequantizeLinear -> `op` (axes, keepdims or indices as
// set by the caller) -> QuantizeLinear (same quantization) -> y.
ModelBuilder keep_quant_model(const std::string& op, const std::vector<std::string>& extra,
                              const std::vector<int64_t>& shape = {1, 2, 3, 4}) {
  ModelBuilder b;
  b.input("x", onnx::TensorProto::INT8, shape);
  b.scale("s", 0.05f);
  b.init("z", onnx::TensorProto::INT8, {}, {-3});
  b.node("DequantizeLinear", {"x", "s", "z"}, "xf");
  std::vector<std::string> in = {"xf"};
  in.insert(in.end(), extra.begin(), extra.end());
  b.node(op, in, "r");
  b.node("QuantizeLinear", {"r", "s", "z"}, "y");
  b.output("y");
  return b;
}

}  // namespace

TEST_CASE("onnx: ReduceMax, ReduceMin, ReduceSum and Gather run TFLite's kernels over the NHWC dimensions", "[onnx]") {
  const auto model = [](const char* name) { return frontend::read_onnx(test::data_path(std::string("models/onnx/") + name)); };
  const ir::Graph max = model("qdq_reduce_max_channels.onnx");
  const ir::Op& rmax = kernel_op(max, "reduce_max");
  CHECK(rmax.attrs.at("axis") == std::vector<int64_t>{3});  // NCHW's C
  CHECK(rmax.attrs.at("keep_dims") == std::vector<int64_t>{1});
  CHECK(out_shape(max, rmax) == ir::Shape{1, 5, 4, 1});
  const ir::Graph min = model("qdq_reduce_min_hw_gemm.onnx");
  const ir::Op& rmin = kernel_op(min, "reduce_min");
  CHECK(rmin.attrs.at("axis") == std::vector<int64_t>{1, 2});  // NCHW's H and W
  CHECK(out_shape(min, rmin) == ir::Shape{1, 6});
  const ir::Graph sum = model("qdq_reduce_sum_channels.onnx");
  const ir::Op& rsum = kernel_op(sum, "sum");
  CHECK(rsum.attrs.at("axis") == std::vector<int64_t>{3});
  CHECK(sum.tensors[size_t(rsum.outputs[0])].scale() != sum.tensors[size_t(rsum.inputs[0])].scale());
  const ir::Graph gat = model("qdq_gather_channels.onnx");
  const ir::Op& g = kernel_op(gat, "gather");
  CHECK(g.attrs.at("axis") == std::vector<int64_t>{3});
  const ir::Tensor& idx = gat.tensors[size_t(g.inputs[1])];
  REQUIRE(idx.type == ir::DataType::Int32);
  CHECK(std::vector<int32_t>{idx.int32_at(0), idx.int32_at(1), idx.int32_at(2), idx.int32_at(3)} ==
        std::vector<int32_t>{2, 0, 7, 7});  // -1 counts from the end

  // keepdims = 0 that would leave NHWC's dimensions out of ONNX's order is refused by name.
  ModelBuilder n_only = keep_quant_model("ReduceMax", {});
  ModelBuilder::ints(n_only.g()->mutable_node(1), "axes", {0});
  ModelBuilder::integer(n_only.g()->mutable_node(1), "keepdims", 0);
  CHECK_THAT(read_error(n_only), Catch::Contains("keepdims = 0 over axes 0 of NCHW 1x2x3x4"));
  ModelBuilder channels = keep_quant_model("ReduceMin", {});
  ModelBuilder::ints(channels.g()->mutable_node(1), "axes", {1, -3});
  CHECK_THAT(read_error(channels), Catch::Contains("repeat a dimension"));
  ModelBuilder far = keep_quant_model("Gather", {"i"});
  far.init("i", onnx::TensorProto::INT32, {2}, {1, 4});
  ModelBuilder::integer(far.g()->mutable_node(1), "axis", -1);
  CHECK_THAT(read_error(far), Catch::Contains("index 4 (entry 1) is outside [-4, 3]"));
  ModelBuilder scalar = keep_quant_model("Gather", {"i"});
  scalar.init("i", onnx::TensorProto::INT32, {}, {0});
  CHECK_THAT(read_error(scalar), Catch::Contains("supported: 4-D data by one dimension of indices"));
}

TEST_CASE("onnx: com.microsoft QGemm is a fully connected layer with its int32 bias, QLinearSoftmax TFLite's softmax",
          "[onnx]") {
  const ir::Graph g = frontend::read_onnx(test::data_path("models/onnx/qoperator_qgemm_softmax.onnx"));
  std::vector<OpKind> k = kinds(g);
  k.erase(std::remove(k.begin(), k.end(), OpKind::Quantize), k.end());
  k.erase(std::remove(k.begin(), k.end(), OpKind::Dequantize), k.end());
  REQUIRE(k == (std::vector<OpKind>{OpKind::FullyConnected, OpKind::Softmax}));
  const ir::Op& fc = *std::find_if(g.ops.begin(), g.ops.end(), [](const ir::Op& op) { return op.kind == OpKind::FullyConnected; });
  CHECK(out_shape(g, fc) == ir::Shape{1, 10});
  CHECK(g.tensors[size_t(fc.inputs[1])].quant.scale.size() == 10);  // per output column
  const ir::Tensor& bias = g.tensors[size_t(fc.inputs[2])];
  bool nonzero = false;
  for (size_t o = 0; o < 10; ++o) nonzero = nonzero || bias.int32_at(o) != 0;
  CHECK(nonzero);  // C itself, not a zero bias

  ModelBuilder b;
  b.input("x", onnx::TensorProto::INT8, {1, 4});
  b.scale("s", 0.05f);
  b.init("z", onnx::TensorProto::INT8, {}, {0});
  b.init("w", onnx::TensorProto::INT8, {2, 4}, {1, 2, 3, 4, 5, 6, 7, 8});
  b.node("QGemm", {"x", "s", "z", "w", "s", "z"}, "y")->set_domain("com.microsoft");
  b.output("y");
  CHECK_THAT(read_error(b), Catch::Contains("a float output (no y_scale) unsupported"));
}

TEST_CASE("onnx: shape arithmetic is evaluated when the model is read, and refused by name on activations", "[onnx]") {
  const ir::Graph g = frontend::read_onnx(test::data_path("models/onnx/qdq_dynamic_flatten_gemm.onnx"));
  // Shape, Gather, Unsqueeze and Concat leave no op: the Reshape to [1, 144] reads a constant shape.
  for (const ir::Op& op : g.ops) CHECK(op.source_op != "Shape");
  const ir::Op& fc = *std::find_if(g.ops.begin(), g.ops.end(), [](const ir::Op& op) { return op.kind == OpKind::FullyConnected; });
  CHECK(g.tensors[size_t(fc.inputs[0])].shape == ir::Shape{1, 144});
  ModelBuilder cast = keep_quant_model("Cast", {});
  ModelBuilder::integer(cast.g()->mutable_node(1), "to", onnx::TensorProto::FLOAT);
  CHECK_THAT(read_error(cast), Catch::Contains("node 1 (Cast, 'r_node'): a non-constant input unsupported"));
}

namespace {

// ConvTranspose in QDQ form: x [1, 2, 3, 4] int8 -> DequantizeLinear ->
// ConvTranspose (weights [2, 3, 3, 2] per channel along axis `axis`, an
// int32 bias) -> QuantizeLinear -> y. `attrs` sets the node's attributes.
struct ConvTransposeModel {
  static constexpr int C = 2, H = 3, W = 4, O = 3, KH = 3, KW = 2;
  std::vector<int32_t> w, bias;
  std::vector<float> w_scale;
  ModelBuilder build(const std::function<void(onnx::NodeProto*)>& attrs, int64_t axis = 1) const {
    ModelBuilder b;
    b.input("x", onnx::TensorProto::INT8, {1, C, H, W});
    b.scale("xs", 0.05f);
    b.init("xz", onnx::TensorProto::INT8, {}, {-3});
    b.scale("ys", 0.2f);
    b.init("yz", onnx::TensorProto::INT8, {}, {4});
    b.init("w", onnx::TensorProto::INT8, {C, O, KH, KW}, w);
    const int64_t n = axis == 1 ? O : C;
    onnx::TensorProto* ws = b.g()->add_initializer();
    ws->set_name("ws");
    ws->set_data_type(onnx::TensorProto::FLOAT);
    ws->add_dims(n);
    for (int64_t k = 0; k < n; ++k) ws->add_float_data(w_scale[size_t(k)]);
    b.init("wz", onnx::TensorProto::INT8, {n}, std::vector<int32_t>(size_t(n), 0));
    b.init("b", onnx::TensorProto::INT32, {O}, bias);
    onnx::TensorProto* bs = b.g()->add_initializer();
    bs->set_name("bs");
    bs->set_data_type(onnx::TensorProto::FLOAT);
    bs->add_dims(O);
    for (int o = 0; o < O; ++o) bs->add_float_data(0.05f * w_scale[size_t(o)]);
    b.init("bz", onnx::TensorProto::INT32, {O}, std::vector<int32_t>(O, 0));
    b.node("DequantizeLinear", {"x", "xs", "xz"}, "xf");
    ModelBuilder::integer(b.node("DequantizeLinear", {"w", "ws", "wz"}, "wf"), "axis", axis);
    ModelBuilder::integer(b.node("DequantizeLinear", {"b", "bs", "bz"}, "bf"), "axis", 0);
    attrs(b.node("ConvTranspose", {"xf", "wf", "bf"}, "t"));
    b.node("QuantizeLinear", {"t", "ys", "yz"}, "y");
    b.output("y");
    return b;
  }
};

}  // namespace

TEST_CASE("onnx: ConvTranspose in QDQ form computes the integers of TFLite's TRANSPOSE_CONV", "[onnx]") {
  using M = ConvTransposeModel;
  std::mt19937 rng(42);
  M m;
  for (int k = 0; k < M::C * M::O * M::KH * M::KW; ++k) m.w.push_back(int32_t(rng() % 255) - 127);
  for (int o = 0; o < M::O; ++o) m.bias.push_back(int32_t(rng() % 4001) - 2000);
  m.w_scale = {0.004f, 0.005f, 0.006f};
  // TFLite's layout of the weights, [O, KH, KW, C].
  std::vector<int8_t> ohwi(m.w.size());
  for (int c = 0; c < M::C; ++c)
    for (int o = 0; o < M::O; ++o)
      for (int k = 0; k < M::KH * M::KW; ++k)
        ohwi[size_t((o * M::KH * M::KW + k) * M::C + c)] = int8_t(m.w[size_t((c * M::O + o) * M::KH * M::KW + k)]);
  const ir::Rescale r = ir::conv_rescale(0.05f, m.w_scale, 0.2f);
  struct Case {
    const char* what;
    std::function<void(onnx::NodeProto*)> attrs;
    int out_h, out_w, stride_h, stride_w, pad_h, pad_w;
    bool relu = false;
  };
  const Case cases[] = {
      {"strides 2x3, pads 1 0 1 1, output_padding 1 2",
       [](onnx::NodeProto* n) {
         ModelBuilder::ints(n, "strides", {2, 3});
         ModelBuilder::ints(n, "pads", {1, 0, 1, 1});
         ModelBuilder::ints(n, "output_padding", {1, 2});
       },
       (3 - 1) * 2 + 1 + 3 - 2, (4 - 1) * 3 + 2 + 2 - 1, 2, 3, 1, 0},
      {"output_shape 5x8 at stride 2 (total padding 2 and 0)",
       [](onnx::NodeProto* n) {
         ModelBuilder::ints(n, "strides", {2, 2});
         ModelBuilder::ints(n, "output_shape", {5, 8});
       },
       5, 8, 2, 2, 1, 0},
      {"auto_pad SAME_UPPER at strides 1x2: the input's size times the strides",
       [](onnx::NodeProto* n) {
         ModelBuilder::ints(n, "strides", {1, 2});
         onnx::AttributeProto* a = n->add_attribute();
         a->set_name("auto_pad");
         a->set_type(onnx::AttributeProto::STRING);
         a->set_s("SAME_UPPER");
       },
       3, 8, 1, 2, 1, 0},
      {"pads 1 0 1 1 at stride 1: the Conv2d alone, padded", [](onnx::NodeProto* n) {
         ModelBuilder::ints(n, "pads", {1, 0, 1, 1});
       },
       3, 4, 1, 1, 1, 0},
      {"pads larger than the kernel: the dilate crops",
       [](onnx::NodeProto* n) {
         ModelBuilder::ints(n, "strides", {3, 3});
         ModelBuilder::ints(n, "pads", {3, 2, 0, 0});
       },
       (3 - 1) * 3 + 3 - 3, (4 - 1) * 3 + 2 - 2, 3, 3, 3, 2},
  };
  for (const Case& c : cases) {
    INFO(c.what);
    const ir::Graph g = m.build(c.attrs).read();
    const bool spread = c.stride_h > 1 || c.stride_w > 1;
    REQUIRE(g.ops.size() == (spread ? 2u : 1u));
    if (spread) CHECK(g.ops[0].kernel == "dilate");
    CHECK(g.ops.back().kind == OpKind::Conv2d);
    CHECK(g.ops.back().source_op == "ConvTranspose");
    REQUIRE(g.tensors[size_t(g.outputs[0])].shape == ir::Shape{1, c.out_h, c.out_w, M::O});
    test::TransposeConvCase t;
    t.in_h = M::H, t.in_w = M::W, t.in_c = M::C, t.out_h = c.out_h, t.out_w = c.out_w, t.out_c = M::O;
    t.kh = M::KH, t.kw = M::KW, t.stride_h = c.stride_h, t.stride_w = c.stride_w, t.pad_h = c.pad_h,
    t.pad_w = c.pad_w, t.in_zp = -3, t.out_zp = 4, t.mult = r.multiplier, t.shift = r.shift;
    for (uint32_t seed = 0; seed < 3; ++seed) {
      std::vector<int8_t> x = test::random_i8(rng, size_t(M::H * M::W * M::C));
      CHECK(reference::run_reference(g, {x}).at(0) == test::transpose_conv_oracle(t, x, ohwi, m.bias));
    }
  }

  // What does not map is refused by name.
  const auto with = [&](const char* name, std::vector<int64_t> v) {
    return read_error(m.build([&](onnx::NodeProto* n) { ModelBuilder::ints(n, name, v); }));
  };
  CHECK_THAT(read_error(m.build([](onnx::NodeProto* n) { ModelBuilder::integer(n, "group", 2); })),
             Catch::Contains("node 3 (ConvTranspose, 't_node'): group 2 unsupported; supported: 1"));
  CHECK_THAT(with("dilations", {2, 2}), Catch::Contains("dilation 2 unsupported; supported: 1"));
  CHECK_THAT(with("output_shape", {5, 4}),
             Catch::Contains("output_shape or auto_pad NOTSET leaves an odd total padding 1 along the width, which "
                             "the ONNX specification and onnxruntime split differently"));
  CHECK_THAT(with("output_shape", {30000, 40000}),
             Catch::Contains("output 1x3x30000x40000, or the input spread over it by the 3x2 kernel, has more than "
                             "1073741824 elements: unsupported"));
  CHECK_THAT(with("output_padding", {1, 0}),
             Catch::Contains("output_padding 1 must be at least 0 and less than the stride 1"));
  CHECK_THAT(read_error(m.build([](onnx::NodeProto*) {}, 0)),
             Catch::Contains("per-channel weight scales along axis 0 unsupported; supported: axis 1"));
}

namespace {

// x [1, 2, 3, 4] -> DequantizeLinear -> ArgMax or ArgMin -> y (INT64, a graph output).
ModelBuilder arg_model(const std::string& op) {
  ModelBuilder b;
  b.input("x", onnx::TensorProto::INT8, {1, 2, 3, 4});
  b.scale("s", 0.05f);
  b.init("z", onnx::TensorProto::INT8, {}, {-3});
  b.node("DequantizeLinear", {"x", "s", "z"}, "xf");
  b.node(op, {"xf"}, "y");
  b.output("y");
  return b;
}

}  // namespace

TEST_CASE("onnx: LogSoftmax and ArgMax / ArgMin run TFLite's kernels with the indices as int32 written as INT64",
          "[onnx]") {
  const auto model = [](const char* name) { return frontend::read_onnx(test::data_path(std::string("models/onnx/") + name)); };
  const ir::Graph ls = model("qdq_log_softmax_conv_channels_uint8.onnx");
  const ir::Op& l = kernel_op(ls, "log_softmax");
  CHECK(ls.tensors[size_t(l.outputs[0])].scale() == 1.0f / 16);
  CHECK(ls.tensors[size_t(l.outputs[0])].zero_point() == 127);  // uint8 255
  const ir::Graph am = model("qdq_arg_min_conv_channels.onnx");
  const ir::Op& a = kernel_op(am, "arg_min");
  CHECK(a.attrs.at("axis") == std::vector<int64_t>{3});  // NCHW's C
  CHECK(a.attrs.at("keep_dims") == std::vector<int64_t>{1});
  const ir::Tensor& idx = am.tensors[size_t(am.outputs.at(0))];
  CHECK(idx.type == ir::DataType::Int32);
  CHECK(idx.source_int64);
  CHECK(idx.shape == ir::Shape{1, 6, 5, 1});  // NCHW [1, 1, 6, 5] inside kiln

  // ArgMax along W of a 4-D tensor, keepdims = 1: the IR's dimension 2; the reference's indices.
  ModelBuilder w = arg_model("ArgMax");
  ModelBuilder::integer(w.g()->mutable_node(1), "axis", -1);
  const ir::Graph gw = w.read();
  CHECK(kernel_op(gw, "arg_max").attrs.at("axis") == std::vector<int64_t>{2});
  std::vector<int8_t> x(24);
  for (size_t k = 0; k < x.size(); ++k) x[k] = int8_t((k * 7) % 5);  // NHWC [1, 3, 4, 2]
  const auto out = reference::run_reference(gw, {x});
  // Along W (4 values per H and C), the first largest: for h = 0, c = 0: x[0], x[2], x[4], x[6] = 0, 4, 3, 2 -> 1.
  CHECK(reference::int32_values(out.at(0)).at(0) == 1);
  // What they refuse, by name.
  ModelBuilder last = arg_model("ArgMin");
  ModelBuilder::integer(last.g()->mutable_node(1), "select_last_index", 1);
  CHECK_THAT(read_error(last), Catch::Contains("select_last_index = 1 unsupported"));
  ModelBuilder drop_h = arg_model("ArgMax");
  ModelBuilder::integer(drop_h.g()->mutable_node(1), "axis", 2);
  ModelBuilder::integer(drop_h.g()->mutable_node(1), "keepdims", 0);
  CHECK_THAT(read_error(drop_h), Catch::Contains("keepdims = 0 along axis 2 of NCHW 1x2x3x4 unsupported"));
  ModelBuilder other = keep_quant_model("LogSoftmax", {});
  ModelBuilder::integer(other.g()->mutable_node(1), "axis", 1);
  CHECK_THAT(read_error(other), Catch::Contains("output quantization scale 0.05, zero point -3: unsupported"));
  ModelBuilder w_axis = keep_quant_model("LogSoftmax", {});
  ModelBuilder::integer(w_axis.g()->mutable_node(1), "axis", 3);
  CHECK_THAT(read_error(w_axis), Catch::Contains("log-softmax along axis 3 (opset 13) of 1x2x3x4 unsupported"));
}

TEST_CASE("onnx: Softmax along C of a 4-D tensor runs per pixel, one over dimensions of 1 alone is refused", "[onnx]") {
  // Axis 1 of NCHW [1, 2, 3, 4]: two channels per pixel. Equal inputs give
  // 0.5 each, 10 steps of 0.05 above the zero point -3; over W they would
  // give 0.25 (2), over C, H and W about 0 (-3).
  ModelBuilder c = keep_quant_model("Softmax", {});
  ModelBuilder::integer(c.g()->mutable_node(1), "axis", 1);
  const ir::Graph g = c.read();
  const auto out = reference::run_reference(g, {std::vector<int8_t>(24, 17)});
  CHECK(out.at(0) == std::vector<int8_t>(24, 7));
  // Axis 3 (W) is not the IR's innermost dimension; axis -1 of [1, 5, 1, 1]
  // normalizes over a dimension of 1 alone (every output 1), not over C.
  ModelBuilder w = keep_quant_model("Softmax", {});
  ModelBuilder::integer(w.g()->mutable_node(1), "axis", 3);
  CHECK_THAT(read_error(w), Catch::Contains("softmax along axis 3 (opset 13) of 1x2x3x4 unsupported"));
  ModelBuilder ones = keep_quant_model("Softmax", {}, {1, 5, 1, 1});
  CHECK_THAT(read_error(ones), Catch::Contains("softmax along axis 3 (opset 13) of 1x5x1x1 unsupported"));
  ModelBuilder log_ones = keep_quant_model("LogSoftmax", {}, {1, 5, 1, 1});
  CHECK_THAT(read_error(log_ones), Catch::Contains("log-softmax along axis 3 (opset 13) of 1x5x1x1 unsupported"));
  // Axis 1 of [1, 5, 1, 1] is C: read.
  ModelBuilder c11 = keep_quant_model("Softmax", {}, {1, 5, 1, 1});
  ModelBuilder::integer(c11.g()->mutable_node(1), "axis", 1);
  CHECK_NOTHROW(c11.read());
}
