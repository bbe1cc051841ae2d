// The TFLite front end: hand-built models (builder API of our schema), the
// errors for unsupported operators, types and malformed files, and the five
// MLPerf Tiny models checked against the facts of their architectures.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <random>

#include <fmt/format.h>

#include "arch/error.h"
#include "compiler/frontend/tflite_reader.h"
#include "compiler/frontend/tflite_schema_generated.h"
#include "compiler/ir/printer.h"
#include "compiler/reference/interpreter.h"
#include "kernels/mcu_kernel_table.h"
#include "tests/compiler/tflite_builder.h"
#include "tests/support/test_paths.h"

using namespace kiln;
using kiln::test::TfliteBuilder;

namespace {

ir::Graph read(const std::vector<uint8_t>& bytes, const std::string& name = "tiny.tflite") {
  return frontend::read_tflite_buffer(bytes.data(), bytes.size(), name);
}

std::string error_of(const std::vector<uint8_t>& bytes, const std::string& name = "tiny.tflite") {
  try {
    read(bytes, name);
  } catch (const Error& e) {
    return e.what();
  }
  return "(no error)";
}

// A one-op model y = OP(x) on int8 [1, 4] tensors.
std::vector<uint8_t> unary_model(int32_t builtin, bool legacy_field_only = false,
                                 tflite::TensorType type = tflite::TensorType_INT8) {
  TfliteBuilder b;
  const int x = b.tensor({"x", {1, 4}, type, {0.5f}, {0}, 0, {}});
  const int y = b.int8("y", {1, 4}, 0.5f, 0);
  b.op(builtin, {x}, {y}, tflite::BuiltinOptions_NONE, 0, legacy_field_only);
  return b.finish({x}, {y});
}

// input 1x3x3x1 (scale 1, zp 1) * filter 1x2x2x1 {1,2,3,4} (scale 0.5) + bias 3,
// output scale 0.5 zp -2, fused RELU, VALID stride 1: 1x2x2x1.
std::vector<uint8_t> conv_model(std::vector<int32_t> out_shape = {1, 2, 2, 1}) {
  TfliteBuilder b;
  const int x = b.int8("x", {1, 3, 3, 1}, 1.0f, 1);
  const int w = b.const_int8("w", {1, 2, 2, 1}, {1, 2, 3, 4}, {0.5f});
  const int bias = b.const_int32("bias", {1}, {3});
  const int y = b.int8("y", std::move(out_shape), 0.5f, -2);
  auto options = tflite::CreateConv2DOptions(b.fbb(), tflite::Padding_VALID, 1, 1, tflite::ActivationFunctionType_RELU);
  b.op(tflite::BuiltinOperator_CONV_2D, {x, w, bias}, {y}, tflite::BuiltinOptions_Conv2DOptions, options.Union());
  return b.finish({x}, {y});
}

// REDUCE_MAX of a [1, 2, 2, 4] tensor over axes 1 and 2, its ReducerOptions
// (keep_dims true) written under union type `options_type`.
std::vector<uint8_t> reduce_max_model(tflite::BuiltinOptions options_type) {
  TfliteBuilder b;
  const int x = b.int8("x", {1, 2, 2, 4}, 0.5f, 1);
  const int axis = b.const_int32("axis", {2}, {1, 2});
  const int y = b.int8("y", {1, 1, 1, 4}, 0.5f, 1);
  auto options = tflite::CreateReducerOptions(b.fbb(), true);
  b.op(tflite::BuiltinOperator_REDUCE_MAX, {x, axis}, {y}, options_type, options.Union());
  return b.finish({x}, {y});
}

std::vector<uint8_t> file_bytes(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  return std::vector<uint8_t>((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
}

bool have_mlperf() {
  if (std::filesystem::exists(test::shared_workload("mlperf-tiny/kws_ref_model.tflite"))) return true;
  WARN("skipped: " << test::shared_workload("mlperf-tiny") << " is absent (the shared MLPerf Tiny models)");
  return false;
}

std::map<ir::OpKind, int> histogram(const ir::Graph& g) {
  std::map<ir::OpKind, int> h;
  for (const ir::Op& op : g.ops) ++h[op.kind];
  return h;
}

}  // namespace

TEST_CASE("tflite: a hand-built convolution reads with TFLite's derived parameters", "[compiler]") {
  const ir::Graph g = read(conv_model());
  REQUIRE(g.ops.size() == 1);
  const ir::Op& op = g.ops[0];
  CHECK(op.kind == ir::OpKind::Conv2d);
  CHECK(op.source_index == 0);
  CHECK(op.source_op == "CONV_2D");
  CHECK(op.name == "y");
  REQUIRE(op.inputs.size() == 3);
  CHECK(g.tensors[op.inputs[1]].is_constant());
  CHECK(g.tensors[op.inputs[2]].int32_at(0) == 3);
  CHECK(op.window.kernel_h == 2);
  CHECK(op.window.kernel_w == 2);
  CHECK(op.window.pad == ir::Padding{0, 0, 0, 0});
  // RELU at scale 0.5, zp -2: [quantize(0), 127] = [-2, 127]
  CHECK(op.act.min == -2);
  CHECK(op.act.max == 127);
  // 1 * 0.5 / 0.5 = 1 = 0.5 * 2^1 -> (2^30, 1)
  REQUIRE(op.rescale.multiplier.size() == 1);
  CHECK(op.rescale.multiplier[0] == (1 << 30));
  CHECK(op.rescale.shift[0] == 1);
  CHECK(g.inputs.size() == 1);
  CHECK(g.tensors[g.inputs[0]].name == "x");
  CHECK(g.tensors[g.outputs[0]].shape == ir::Shape{1, 2, 2, 1});
  CHECK(ir::print_graph(g).find("conv2d(") != std::string::npos);
}

TEST_CASE("tflite: a bias quantized per channel along a dimension past its rank reads as TFLite Micro runs it",
          "[compiler]") {
  // As a converter wrote it: 2 bias scales with quantized_dimension 3 on a rank-1 bias.
  TfliteBuilder b;
  const int x = b.int8("x", {1, 3, 3, 1}, 1.0f, 1);
  const int w = b.const_int8("w", {2, 2, 2, 1}, {1, 2, 3, 4, -1, -2, -3, -4}, {0.5f, 0.25f}, 0);
  std::vector<uint8_t> bias_bytes(8);
  const int32_t bias_values[2] = {3, -5};
  std::memcpy(bias_bytes.data(), bias_values, 8);
  const int bias = b.tensor({"bias", {2}, tflite::TensorType_INT32, {0.5f, 0.25f}, {0, 0}, 3, bias_bytes});
  const int y = b.int8("y", {1, 2, 2, 2}, 0.5f, -2);
  auto options = tflite::CreateConv2DOptions(b.fbb(), tflite::Padding_VALID, 1, 1, tflite::ActivationFunctionType_NONE);
  b.op(tflite::BuiltinOperator_CONV_2D, {x, w, bias}, {y}, tflite::BuiltinOptions_Conv2DOptions, options.Union());
  const ir::Graph g = read(b.finish({x}, {y}));
  REQUIRE(g.ops.size() == 1);
  const ir::Tensor& t = g.tensors[g.ops[0].inputs[2]];
  CHECK(t.int32_at(0) == 3);
  CHECK(t.int32_at(1) == -5);
  CHECK(t.quant.empty());
  // Weights with per-channel scales past their rank are still refused, by name.
  TfliteBuilder bad;
  const int bx = bad.int8("x", {1, 3, 3, 1}, 1.0f, 1);
  const int bw = bad.const_int8("w", {2, 2, 2, 1}, {1, 2, 3, 4, -1, -2, -3, -4}, {0.5f, 0.25f}, 4);
  const int by = bad.int8("y", {1, 2, 2, 2}, 0.5f, -2);
  auto bo = tflite::CreateConv2DOptions(bad.fbb(), tflite::Padding_VALID, 1, 1, tflite::ActivationFunctionType_NONE);
  bad.op(tflite::BuiltinOperator_CONV_2D, {bx, bw}, {by}, tflite::BuiltinOptions_Conv2DOptions, bo.Union());
  CHECK(error_of(bad.finish({bx}, {by})) ==
        "tiny.tflite: tensor 'w' (index 1): 2 per-channel scales do not match dimension 4 of shape 2x2x2x1");
}

TEST_CASE("tflite: a convolution without bias gets a zero bias", "[compiler]") {
  TfliteBuilder b;
  const int x = b.int8("x", {1, 2, 2, 1}, 1.0f, 0);
  const int w = b.const_int8("w", {3, 1, 1, 1}, {1, 2, 3}, {1.0f, 0.5f, 0.25f});
  const int y = b.int8("y", {1, 2, 2, 3}, 1.0f, 0);
  auto options = tflite::CreateConv2DOptions(b.fbb(), tflite::Padding_SAME, 1, 1);
  b.op(tflite::BuiltinOperator_CONV_2D, {x, w, -1}, {y}, tflite::BuiltinOptions_Conv2DOptions, options.Union());
  const ir::Graph g = read(b.finish({x}, {y}));
  const ir::Tensor& bias = g.tensors[g.ops[0].inputs[2]];
  CHECK(bias.type == ir::DataType::Int32);
  CHECK(bias.shape == ir::Shape{3});
  CHECK(bias.int32_at(0) == 0);
  CHECK(bias.int32_at(2) == 0);
  CHECK(bias.source_index == -1);
  // Per-channel: one multiplier per output channel (1, 0.5, 0.25).
  const ir::Rescale& r = g.ops[0].rescale;
  REQUIRE(r.shift.size() == 3);
  CHECK(r.shift[0] == 1);
  CHECK(r.shift[1] == 0);
  CHECK(r.shift[2] == -1);
}

namespace {

// A 1x4 -> 2 fully connected layer whose per-tensor weights carry zero point `zp`.
std::vector<uint8_t> fc_with_weight_zero_point(const std::vector<int8_t>& weights, int64_t zp) {
  TfliteBuilder b;
  const int x = b.int8("x", {1, 4}, 0.5f, 0);
  std::vector<uint8_t> bytes(weights.size());
  std::memcpy(bytes.data(), weights.data(), weights.size());
  const int w = b.tensor({"w", {2, 4}, tflite::TensorType_INT8, {0.25f}, {zp}, 0, bytes});
  const int y = b.int8("y", {1, 2}, 1.0f, 0);
  auto options = tflite::CreateFullyConnectedOptions(b.fbb());
  b.op(tflite::BuiltinOperator_FULLY_CONNECTED, {x, w, -1}, {y}, tflite::BuiltinOptions_FullyConnectedOptions,
       options.Union());
  return b.finish({x}, {y});
}

}  // namespace

TEST_CASE("tflite: a fully connected weight zero point is folded into symmetric weights", "[compiler]") {
  // TFLite Micro sums (w - zp) * (x - x_zp): the same as weights w - zp with zero point 0.
  const ir::Graph g = read(fc_with_weight_zero_point({10, -20, 30, 127, 0, 5, -5, -125}, 3));
  const ir::Tensor& w = g.tensors[size_t(g.ops[0].inputs[1])];
  CHECK(w.quant.zero_point == std::vector<int32_t>{0});
  CHECK(int8_t(w.data[0]) == 7);
  CHECK(int8_t(w.data[1]) == -23);
  CHECK(int8_t(w.data[3]) == 124);
  CHECK(int8_t(w.data[7]) == -128);
  // -126 - 3 leaves int8: refused, naming the op and how many weights.
  CHECK_THAT(error_of(fc_with_weight_zero_point({-126, 0, 0, 0, 0, 0, 0, -127}, 3)),
             Catch::Contains("weights have zero point 3: 2 of them minus it leave int8"));
}

TEST_CASE("tflite: an operator a kernel's form names is read with its inputs as attributes and its options",
          "[compiler]") {
  const std::vector<uint8_t> model = reduce_max_model(tflite::BuiltinOptions_ReducerOptions);
  const ir::Graph g = frontend::read_tflite_buffer(model.data(), model.size(), "reduce.tflite");
  REQUIRE(g.ops.size() == 1);
  const ir::Op& op = g.ops[0];
  CHECK(op.kind == ir::OpKind::Kernel);
  CHECK(op.kernel == "reduce_max");
  CHECK(op.inputs.size() == 1);  // the axis is an attribute, not an operand
  CHECK(op.attrs.at("axis") == std::vector<int64_t>{1, 2});
  CHECK(op.attrs.at("keep_dims") == std::vector<int64_t>{1});
  CHECK(op.source_op == "REDUCE_MAX");
  // A table of another union type is no ReducerOptions to TFLite Micro: keep_dims is its default, false.
  const std::vector<uint8_t> other = reduce_max_model(tflite::BuiltinOptions_Conv2DOptions);
  CHECK(frontend::read_tflite_buffer(other.data(), other.size(), "reduce.tflite").ops[0].attrs.at("keep_dims") ==
        std::vector<int64_t>{0});
  // The input counts the form gives.
  TfliteBuilder b;
  const int x = b.int8("x", {1, 4}, 0.5f, 1);
  const int y = b.int8("y", {1, 4}, 0.5f, 1);
  b.op(tflite::BuiltinOperator_REDUCE_MAX, {x}, {y});
  const std::vector<uint8_t> one_input = b.finish({x}, {y});
  CHECK(error_of(one_input) == "tiny.tflite: operator 0 (REDUCE_MAX, 'y'): expected 2 inputs, found 1");
}

namespace {

// ARG_MAX of x [1, 3, 4] along `axis`, its output y of `out_type` the graph's output.
std::vector<uint8_t> arg_max_model(tflite::TensorType out_type, std::vector<int32_t> out_shape = {1, 3}) {
  TfliteBuilder b;
  const int x = b.int8("x", {1, 3, 4}, 0.5f, 1);
  const int axis = b.const_int32("axis", {1}, {-1});
  const int y = b.tensor({"y", std::move(out_shape), out_type, {}, {}, 0, {}});
  b.op(tflite::BuiltinOperator_ARG_MAX, {x, axis}, {y});
  return b.finish({x}, {y});
}

}  // namespace

TEST_CASE("tflite: a kernel that writes int32 indices reads an INT32 output that may be the graph's output",
          "[compiler]") {
  const std::vector<uint8_t> model = arg_max_model(tflite::TensorType_INT32);
  const ir::Graph g = frontend::read_tflite_buffer(model.data(), model.size(), "arg_max.tflite");
  REQUIRE(g.ops.size() == 1);
  CHECK(g.ops[0].kernel == "arg_max");
  CHECK(g.ops[0].attrs.at("axis") == std::vector<int64_t>{-1});
  const ir::Tensor& y = g.tensors[size_t(g.outputs.at(0))];
  CHECK(y.type == ir::DataType::Int32);
  CHECK(y.quant.empty());
  // The reference writes the indices as int32 values, little-endian.
  const std::vector<int8_t> x = {0, 5, 5, 1, -7, -8, -9, -128, 3, 2, 127, 127};
  const auto out = reference::run_reference(g, {x});
  CHECK(reference::int32_values(out.at(0)) == std::vector<int32_t>{1, 0, 2});
  // An INT8 output is refused naming the operator; so are INT64 (TFLite
  // Micro writes INT32 only) and an INT32 graph input.
  CHECK_THAT(error_of(arg_max_model(tflite::TensorType_INT8)),
             Catch::Contains("output of operator 0 (ARG_MAX, 'y') must be INT32, not int8"));
  CHECK_THAT(error_of(arg_max_model(tflite::TensorType_INT64)), Catch::Contains("INT64 activations are unsupported"));
  TfliteBuilder b;
  const int in = b.tensor({"x", {1, 4}, tflite::TensorType_INT32, {}, {}, 0, {}});
  const int axis = b.const_int32("axis", {1}, {1});
  const int y2 = b.tensor({"y", {1}, tflite::TensorType_INT32, {}, {}, 0, {}});
  b.op(tflite::BuiltinOperator_ARG_MAX, {in, axis}, {y2});
  CHECK_THAT(error_of(b.finish({in}, {y2})), Catch::Contains("graph input must be INT8, not int32"));
  // The kernel's checks name the operator when the graph is run: the output
  // must be the input without the axis.
  const std::vector<uint8_t> wrong = arg_max_model(tflite::TensorType_INT32, {1, 4});
  const ir::Graph gw = frontend::read_tflite_buffer(wrong.data(), wrong.size(), "arg_max.tflite");
  CHECK_THROWS_WITH(reference::Interpreter(gw),
                    Catch::Contains("operator 0 (ARG_MAX") && Catch::Contains("arg_max: output: shape [1, 4] is not [1, 3]"));
}

TEST_CASE("tflite: a standalone RELU_N1_TO_1 is TFLite's requantization clamped to the quantized -1 and 1",
          "[compiler]") {
  // TFLite's QuantizedReluX: zo + (x - zi) * si / so by
  // MultiplyByQuantizedMultiplier, clamped to [zo + round(-1 / so),
  // zo + round(1 / so)]. Scales whose ratio is exact (4, and 1/2 with its
  // ties) give the expected values in plain arithmetic: for 1/2 the
  // multiplier is 2^30 with no shift, and gemmlowp's rounding doubling high
  // multiply nudges a negative product by 1 - 2^30, so a tie rounds up
  // (-2.5 to -2, 2.5 to 3).
  struct Case {
    float si, so;
    int32_t zi, zo;
  };
  for (const Case k : {Case{1.0f / 16, 1.0f / 64, 3, -5}, Case{1.0f / 64, 1.0f / 32, -7, 10}}) {
    TfliteBuilder b;
    const int x = b.int8("x", {1, 256}, k.si, k.zi);
    const int y = b.int8("y", {1, 256}, k.so, k.zo);
    b.op(tflite::BuiltinOperator_RELU_N1_TO_1, {x}, {y});
    const std::vector<uint8_t> model = b.finish({x}, {y});
    const ir::Graph g = read(model, "relu_n1_to_1.tflite");
    REQUIRE(g.ops.size() == 1);
    CHECK(g.ops[0].source_op == "RELU_N1_TO_1");
    std::vector<int8_t> in(256);
    for (int v = -128; v < 128; ++v) in[size_t(v + 128)] = int8_t(v);
    const auto out = reference::run_reference(g, {in});
    const int32_t lo = k.zo - int32_t(std::lround(1.0 / double(k.so)));
    const int32_t hi = k.zo + int32_t(std::lround(1.0 / double(k.so)));
    const double ratio = double(k.si) / double(k.so);
    for (int v = -128; v < 128; ++v) {
      const double r = (v - k.zi) * ratio;  // exact
      const int32_t rounded = int32_t(std::floor(r + 0.5));
      const int32_t want = std::clamp(k.zo + rounded, std::max(lo, -128), std::min(hi, 127));
      INFO("x = " << v << ", scales " << k.si << " -> " << k.so);
      CHECK(int32_t(int8_t(out.at(0).at(size_t(v + 128)))) == want);
    }
  }
}

TEST_CASE("tflite: an unsupported operator is named with its index and the supported list", "[compiler]") {
  std::string supported = "supported: ";
  for (const std::string& s : frontend::tflite_supported_operators())
    supported += (supported.size() > 11 ? ", " : "") + s;
  const std::vector<std::string>& list = frontend::tflite_supported_operators();
  CHECK(std::is_sorted(list.begin(), list.end()));
  CHECK(std::adjacent_find(list.begin(), list.end()) == list.end());
  CHECK_THAT(supported, Catch::StartsWith("supported: ADD, ") && Catch::Contains(", AVERAGE_POOL_2D, "));
  CHECK_THAT(supported, Catch::Contains("LOGISTIC") && Catch::Contains("TANH") && Catch::Contains("HARD_SWISH"));
  // With the operators that MCU kernels run from their table entries' forms.
  for (const auto& k : kernels::mcu_kernel_table())
    for (const auto& form : k->operator_forms())
      if (std::string(form.format) == "tflite")
        CHECK(std::find(list.begin(), list.end(), form.name) != list.end());
  CHECK(error_of(unary_model(tflite::BuiltinOperator_LSH_PROJECTION)) ==
        "tiny.tflite: operator 0 (LSH_PROJECTION, 'y'): unsupported; " + supported);
  // A code written only in the legacy byte field, as older converters do.
  CHECK(error_of(unary_model(tflite::BuiltinOperator_LOCAL_RESPONSE_NORMALIZATION, true)) ==
        "tiny.tflite: operator 0 (LOCAL_RESPONSE_NORMALIZATION, 'y'): unsupported; " + supported);
  // A supported unary function whose quantization TFLite Micro refuses: located, saying why.
  CHECK(error_of(unary_model(tflite::BuiltinOperator_LOGISTIC, true)) ==
        "tiny.tflite: operator 0 (LOGISTIC, 'y'): output zero point 0 must be -128 (TFLite Micro's int8 LOGISTIC)");
  // A code above 127 lives only in the int32 field.
  CHECK(error_of(unary_model(tflite::BuiltinOperator_GELU)) ==
        "tiny.tflite: operator 0 (GELU, 'y'): unsupported; " + supported);
}

TEST_CASE("tflite: a float tensor in the compute path is refused, naming the operator", "[compiler]") {
  // Float32 is read at the graph's edges only (QUANTIZE in, DEQUANTIZE out).
  const std::string e = error_of(unary_model(tflite::BuiltinOperator_RELU, false, tflite::TensorType_FLOAT32));
  CHECK(e == "tiny.tflite: tensor 'x' (index 0): input 0 of operator 0 (RELU, 'y') must be INT8, not float32");
}

TEST_CASE("tflite: inconsistent shapes are reported", "[compiler]") {
  CHECK(error_of(conv_model({1, 3, 3, 1})) ==
        "tiny.tflite: operator 0 (CONV_2D, 'y'): output shape 1x3x3x1 differs from the expected 1x2x2x1");
}

TEST_CASE("tflite: missing, foreign and truncated files give errors", "[compiler]") {
  const std::string missing = "/nonexistent/dir/model.tflite";
  CHECK_THROWS_WITH(frontend::read_tflite(missing), Catch::StartsWith(missing + ": cannot open"));
  const std::vector<uint8_t> junk(100, 0x5a);
  CHECK(error_of(junk) == "tiny.tflite: not a TFLite model (no 'TFL3' file identifier)");
  CHECK(error_of({}) == "tiny.tflite: not a TFLite model (no 'TFL3' file identifier)");

  // A real model cut short, written to a file and read back.
  std::vector<uint8_t> bytes = conv_model();
  if (have_mlperf()) bytes = file_bytes(test::shared_workload("mlperf-tiny/kws_ref_model.tflite"));
  const auto dir = std::filesystem::temp_directory_path() / ("kiln_tflite_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::string path = (dir / "truncated.tflite").string();
  {
    std::ofstream f(path, std::ios::binary);
    f.write(reinterpret_cast<const char*>(bytes.data()), std::streamsize(bytes.size() / 2));
  }
  CHECK_THROWS_WITH(frontend::read_tflite(path), Catch::StartsWith(path + ": malformed TFLite flatbuffer: Model."));
  std::filesystem::remove_all(dir);
}

TEST_CASE("tflite: a malformed flatbuffer names the field that fails verification and its byte", "[compiler]") {
  const std::vector<uint8_t> original = conv_model();
  const tflite::Model* m = tflite::GetModel(original.data());
  const auto at = [&](const void* p) { return size_t(static_cast<const uint8_t*>(p) - original.data()); };
  const auto set_u32 = [](std::vector<uint8_t>& b, size_t at, uint32_t v) {
    for (int i = 0; i < 4; ++i) b[at + size_t(i)] = uint8_t(v >> (8 * i));
  };

  // A tensor name whose length runs past the end of the file.
  std::vector<uint8_t> bytes = original;
  const size_t name_at = at(m->subgraphs()->Get(0)->tensors()->Get(1)->name());
  set_u32(bytes, name_at, 0x7fffff00u);
  CHECK(error_of(bytes) == fmt::format("tiny.tflite: malformed TFLite flatbuffer: Model.subgraphs[0].tensors[1].name: "
                                       "string at byte {} runs past the end of the buffer ({} bytes) or has no "
                                       "terminating zero",
                                       name_at, bytes.size()));

  // A quantization scale vector of too many elements.
  bytes = original;
  const size_t scale_at = at(m->subgraphs()->Get(0)->tensors()->Get(0)->quantization()->scale());
  set_u32(bytes, scale_at, 100000);
  CHECK(error_of(bytes) == fmt::format("tiny.tflite: malformed TFLite flatbuffer: Model.subgraphs[0].tensors[0]."
                                       "quantization.scale: vector at byte {} of 100000 elements runs past the end "
                                       "of the buffer ({} bytes)",
                                       scale_at, bytes.size()));

  // An operator whose table's vtable offset points outside the file.
  bytes = original;
  const size_t op_at = at(m->subgraphs()->Get(0)->operators()->Get(0));
  set_u32(bytes, op_at, 0x80000000u);
  CHECK(error_of(bytes) == fmt::format("tiny.tflite: malformed TFLite flatbuffer: Model.subgraphs[0].operators[0]: "
                                       "Operator table at byte {}: its vtable offset points outside the buffer or is "
                                       "misaligned",
                                       op_at));
}

TEST_CASE("tflite: corrupted bytes give an error or a graph, never a crash", "[compiler]") {
  const std::vector<uint8_t> original = conv_model();
  std::mt19937 rng(7);
  int errors = 0, graphs = 0;
  for (int trial = 0; trial < 2000; ++trial) {
    std::vector<uint8_t> bytes = original;
    const int flips = 1 + int(rng() % 4);
    for (int i = 0; i < flips; ++i) bytes[rng() % bytes.size()] = uint8_t(rng());
    try {
      const ir::Graph g = read(bytes);
      ++graphs;
      // What reads must also run (or be refused by the interpreter's checks).
      std::vector<reference::TensorData> inputs;
      for (int id : g.inputs) inputs.emplace_back(size_t(g.tensors[id].num_elements()), int8_t(0));
      reference::run_reference(g, inputs);
    } catch (const Error&) {
      ++errors;
    }
  }
  // Both outcomes occur (flips in data bytes leave a valid model).
  CHECK(errors > 0);
  CHECK(graphs > 0);
}

TEST_CASE("tflite: the five MLPerf Tiny models read as their architectures", "[compiler][mlperf]") {
  if (!have_mlperf()) return;
  using K = ir::OpKind;
  struct Expect {
    std::string file;
    ir::Shape input, output;
    std::map<K, int> ops;
  };
  // Layer counts of the published architectures: DS-CNN (1 conv + 4
  // depthwise-separable blocks), MobileNetV1 (1 conv + 13 blocks), ResNet-8
  // (1 conv + 3 stacks of 2 convs, 2 with a 1x1 shortcut), the 10-layer FC
  // autoencoder, and the streaming DS-CNN (4 depthwise-separable blocks).
  const std::vector<Expect> models = {
      {"kws_ref_model.tflite", {1, 49, 10, 1}, {1, 12},
       {{K::Conv2d, 5}, {K::DepthwiseConv2d, 4}, {K::AvgPool, 1}, {K::Reshape, 1}, {K::FullyConnected, 1},
        {K::Softmax, 1}}},
      {"vww_96_int8.tflite", {1, 96, 96, 3}, {1, 2},
       {{K::Conv2d, 14}, {K::DepthwiseConv2d, 13}, {K::AvgPool, 1}, {K::Reshape, 1}, {K::FullyConnected, 1},
        {K::Softmax, 1}}},
      {"pretrainedResnet_quant.tflite", {1, 32, 32, 3}, {1, 10},
       {{K::Conv2d, 9}, {K::Add, 3}, {K::AvgPool, 1}, {K::Reshape, 1}, {K::FullyConnected, 1}, {K::Softmax, 1}}},
      {"ad01_int8.tflite", {1, 640}, {1, 640}, {{K::FullyConnected, 10}}},
      {"str_ww_ref_model.tflite", {1, 30, 1, 40}, {1, 3},
       {{K::Conv2d, 4}, {K::DepthwiseConv2d, 4}, {K::Reshape, 1}, {K::FullyConnected, 1}, {K::Softmax, 1}}},
  };
  for (const Expect& m : models) {
    INFO(m.file);
    const std::string path = test::shared_workload("mlperf-tiny/" + m.file);
    const ir::Graph g = frontend::read_tflite(path);
    CHECK(g.source == path);
    CHECK(histogram(g) == m.ops);
    REQUIRE(g.inputs.size() == 1);
    REQUIRE(g.outputs.size() == 1);
    const ir::Tensor& in = g.tensors[g.inputs[0]];
    const ir::Tensor& out = g.tensors[g.outputs[0]];
    CHECK(in.shape == m.input);
    CHECK(out.shape == m.output);
    CHECK(in.type == ir::DataType::Int8);
    CHECK(in.quant.scale.size() == 1);
    // Tensors: the input, one output per op, weights and bias per weighted op
    // (shape tensors of RESHAPE are consumed, not kept).
    int weighted = 0;
    for (const ir::Op& op : g.ops)
      weighted += op.kind == K::Conv2d || op.kind == K::DepthwiseConv2d || op.kind == K::FullyConnected;
    CHECK(g.tensors.size() == size_t(1 + g.ops.size() + 2 * weighted));
    for (const ir::Op& op : g.ops) {
      INFO(g.describe(op));
      if (op.kind == K::Conv2d || op.kind == K::DepthwiseConv2d || op.kind == K::FullyConnected) {
        const ir::Tensor& w = g.tensors[op.inputs[1]];
        const ir::Tensor& bias = g.tensors[op.inputs[2]];
        const int32_t channels = g.tensors[op.outputs[0]].shape.back();
        CHECK(w.type == ir::DataType::Int8);
        CHECK(bias.type == ir::DataType::Int32);
        CHECK(bias.shape == ir::Shape{channels});
        CHECK(op.rescale.multiplier.size() == size_t(channels));
        // Convolution weights are per-channel along the output-channel axis.
        if (op.kind == K::Conv2d) CHECK((w.quant.scale.size() == size_t(channels) && w.quant.axis == 0));
        if (op.kind == K::DepthwiseConv2d) CHECK((w.quant.scale.size() == size_t(channels) && w.quant.axis == 3));
      }
    }
    // Classifiers end in an int8 softmax: scale 1/256, zero point -128.
    if (m.ops.count(K::Softmax)) {
      CHECK(out.scale() == 1.0f / 256);
      CHECK(out.zero_point() == -128);
    }
  }
}

TEST_CASE("tflite: DS-CNN's first convolution has SAME padding resolved by hand", "[compiler][mlperf]") {
  if (!have_mlperf()) return;
  const ir::Graph g = frontend::read_tflite(test::shared_workload("mlperf-tiny/kws_ref_model.tflite"));
  const ir::Op& conv = g.ops.at(0);
  REQUIRE(conv.kind == ir::OpKind::Conv2d);
  // 49x10 input, 10x4 kernel, stride 2, SAME: out 25x5; total padding
  // (25-1)*2+10-49 = 9 rows (4 top, 5 bottom), (5-1)*2+4-10 = 2 columns.
  CHECK(conv.window.kernel_h == 10);
  CHECK(conv.window.kernel_w == 4);
  CHECK(conv.window.stride_h == 2);
  CHECK(conv.window.stride_w == 2);
  CHECK(conv.window.pad == ir::Padding{4, 5, 1, 1});
  CHECK(g.tensors[conv.outputs[0]].shape == ir::Shape{1, 25, 5, 64});
  // The global average pool covers the whole 25x5 map.
  const ir::Op& pool = g.ops.at(9);
  REQUIRE(pool.kind == ir::OpKind::AvgPool);
  CHECK(pool.window.kernel_h == 25);
  CHECK(pool.window.kernel_w == 5);
  CHECK(g.tensors[pool.outputs[0]].shape == ir::Shape{1, 1, 1, 64});
}

namespace {

// REDUCE_MAX of x [1, 4] over an INT64 axis tensor holding `axis`; or, with
// `activation`, an INT64 activation as the operator's input.
std::vector<uint8_t> int64_axis_model(int64_t axis, bool activation = false) {
  TfliteBuilder b;
  std::vector<uint8_t> bytes(8);
  std::memcpy(bytes.data(), &axis, 8);
  const int x = activation ? b.tensor({"x", {1, 4}, tflite::TensorType_INT64, {}, {}, 0, {}}) : b.int8("x", {1, 4}, 0.5f, 1);
  const int a = b.tensor({"axis", {1}, tflite::TensorType_INT64, {}, {}, 0, bytes});
  const int y = b.int8("y", {1}, 0.5f, 1);
  b.op(tflite::BuiltinOperator_REDUCE_MAX, {x, a}, {y});
  return b.finish({x}, {y});
}

}  // namespace

TEST_CASE("tflite: INT64 constants read as INT32 where every value fits, INT64 activations are refused", "[compiler]") {
  const std::vector<uint8_t> model = int64_axis_model(-1);
  const ir::Graph g = frontend::read_tflite_buffer(model.data(), model.size(), "tiny.tflite");
  REQUIRE(g.ops.size() == 1);
  CHECK(g.ops[0].attrs.at("axis") == std::vector<int64_t>{-1});
  CHECK_THAT(error_of(int64_axis_model(int64_t(1) << 40)),
             Catch::Contains("INT64 value 1099511627776 (entry 0) does not fit INT32"));
  CHECK_THAT(error_of(int64_axis_model(1, true)), Catch::Contains("INT64 activations are unsupported"));
}
