// TFLite's BATCH_MATMUL: read with its options by field id into the
// batch_matmul kernel, its checks naming the operator; one of constant
// weights becomes a fully connected layer (ir/batch_matmul.h) that computes
// the same bytes as the kernel, and the partition places it on the array;
// every other BATCH_MATMUL stays on the MCU's kernel.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include <flatbuffers/flatbuffers.h>

#include "arch/soc_config_yaml.h"
#include "compiler/frontend/load_model.h"
#include "compiler/frontend/tflite_reader.h"
#include "compiler/ir/batch_matmul.h"
#include "compiler/passes/partition.h"
#include "compiler/reference/interpreter.h"
#include "tests/compiler/tflite_builder.h"
#include "tests/support/test_paths.h"

using namespace kiln;

namespace {

std::string model(const std::string& name) { return test::data_path("models/tflite/" + name + ".tflite"); }

size_t count(const ir::Graph& g, ir::OpKind kind, const std::string& kernel = "") {
  size_t n = 0;
  for (const auto& op : g.ops) n += op.kind == kind && op.kernel == kernel;
  return n;
}

std::vector<reference::TensorData> inputs_of(const ir::Graph& g, int seed) {
  std::vector<reference::TensorData> in;
  for (int id : g.inputs) {
    reference::TensorData v(size_t(g.tensors[size_t(id)].num_elements()));
    for (size_t i = 0; i < v.size(); ++i) v[i] = int8_t(int((i + 1) * 37 + size_t(seed) * 101) % 256 - 128);
    in.push_back(std::move(v));
  }
  return in;
}

// BATCH_MATMUL of two graph inputs x [1, 2, 4, 3] and y (`y_shape`) into z
// (`z_shape`), its BatchMatMulOptions (union type 101, absent from the
// schema subset) written field by field.
std::vector<uint8_t> two_input_model(std::vector<int32_t> y_shape, std::vector<int32_t> z_shape, bool adj_x,
                                     bool adj_y) {
  test::TfliteBuilder b;
  const int x = b.int8("x", {1, 2, 4, 3}, 0.05f, 3);
  const int y = b.int8("y", std::move(y_shape), 0.1f, -4);
  const int z = b.int8("z", std::move(z_shape), 0.2f, 1);
  flatbuffers::FlatBufferBuilder& f = b.fbb();
  const auto start = f.StartTable();
  f.AddElement<uint8_t>(4, adj_x ? 1 : 0, 0);  // adj_x: field 0
  f.AddElement<uint8_t>(6, adj_y ? 1 : 0, 0);  // adj_y: field 1
  const flatbuffers::Offset<void> options(f.EndTable(start));
  b.op(tflite::BuiltinOperator_BATCH_MATMUL, {x, y}, {z}, tflite::BuiltinOptions(101), options);
  return b.finish({x, y}, {z});
}

ir::Graph read(const std::vector<uint8_t>& bytes) {
  return frontend::read_tflite_buffer(bytes.data(), bytes.size(), "tiny.tflite");
}

}  // namespace

TEST_CASE("tflite: BATCH_MATMUL reads its options by field id, and its kernel's checks name the operator",
          "[compiler]") {
  const ir::Graph g = read(two_input_model({1, 2, 4, 5}, {1, 2, 3, 5}, true, false));
  REQUIRE(g.ops.size() == 1);
  CHECK(g.ops[0].kernel == "batch_matmul");
  CHECK(g.ops[0].attrs.at("adj_x") == std::vector<int64_t>{1});
  CHECK(g.ops[0].attrs.at("adj_y") == std::vector<int64_t>{0});
  CHECK_NOTHROW(reference::Interpreter(g));
  // Batch dimensions 2 and 3 do not broadcast; the checks run when the op is lowered.
  const ir::Graph bad = read(two_input_model({1, 3, 4, 5}, {1, 3, 3, 5}, true, false));
  CHECK_THROWS_WITH(reference::Interpreter(bad),
                    "tiny.tflite: operator 0 (BATCH_MATMUL, 'z'): batch_matmul: rhs: lhs [1, 2, 4, 3] and rhs "
                    "[1, 3, 4, 5]: batch dimensions 2 and 3 differ and neither is 1");
  // Without adj_x the LHS [.., 4, 3] sums over 3 values, the RHS over 4.
  const ir::Graph plain = read(two_input_model({1, 2, 4, 5}, {1, 2, 4, 5}, false, false));
  CHECK_THROWS_WITH(reference::Interpreter(plain),
                    Catch::Contains("operator 0 (BATCH_MATMUL, 'z'): batch_matmul: rhs: lhs [1, 2, 4, 3] sums over "
                                    "3 values, rhs [1, 2, 4, 5] over 4"));
}

TEST_CASE("batch_matmul_as_fully_connected: constant weights become a fully connected layer with the same bytes",
          "[ir]") {
  for (const char* name : {"batch_matmul_constant_weights", "batch_matmul_constant_weights_adj_x_adj_y"}) {
    INFO(name);
    const ir::Graph read = frontend::read_tflite(model(name));
    REQUIRE(count(read, ir::OpKind::Kernel, "batch_matmul") == 1);
    ir::Graph fc = read;
    CHECK(ir::batch_matmul_as_fully_connected(fc) == 1);
    CHECK(count(fc, ir::OpKind::Kernel, "batch_matmul") == 0);
    REQUIRE(count(fc, ir::OpKind::FullyConnected) == 1);
    CHECK(fc.outputs == read.outputs);
    CHECK_NOTHROW(ir::validate(fc));
    const bool adj_x = std::string(name).find("adj_x") != std::string::npos;
    // Under adj_x the LHS's rows are made contiguous first.
    CHECK(count(fc, ir::OpKind::Kernel, "transpose") == (adj_x ? 1u : 0u));
    const ir::Op& op = fc.ops.back();
    REQUIRE(op.kind == ir::OpKind::FullyConnected);
    const ir::Tensor& w = fc.tensors[size_t(op.inputs[1])];
    CHECK(w.shape == ir::Shape{24, adj_x ? 16 : 32});
    CHECK(w.quant.zero_point == std::vector<int32_t>{0});
    CHECK(op.rescale.multiplier.size() == 24);
    for (int seed = 0; seed < 3; ++seed) {
      const auto in = inputs_of(read, seed);
      reference::Interpreter kernel(read), layer(fc);
      kernel.run(in);
      layer.run(in);
      CHECK(layer.outputs() == kernel.outputs());
    }
    CHECK(count(frontend::load_model(model(name)), ir::OpKind::FullyConnected) == 1);  // load_model rewrites
  }
  // Two activations, a batched constant and a constant with a zero point stay for the kernel.
  for (const char* name : {"batch_matmul_two_activations", "batch_matmul_rank5_batched_constant",
                           "batch_matmul_constant_zero_point", "batch_matmul_attention"}) {
    INFO(name);
    ir::Graph g = frontend::read_tflite(model(name));
    const size_t kernels = count(g, ir::OpKind::Kernel, "batch_matmul");
    CHECK(kernels >= 1);
    CHECK(ir::batch_matmul_as_fully_connected(g) == 0);
    CHECK(count(g, ir::OpKind::Kernel, "batch_matmul") == kernels);
  }
}

TEST_CASE("a BATCH_MATMUL of constant weights runs on the array, of two activations on the MCU", "[ir]") {
  const SocConfig soc = load_soc_config(test::config_path("default"));
  const ir::Graph weights = frontend::load_model(model("batch_matmul_constant_weights"));
  const auto placed = passes::partition(weights, soc);
  REQUIRE(placed.size() == weights.ops.size());
  for (size_t i = 0; i < placed.size(); ++i)
    if (weights.ops[i].kind == ir::OpKind::FullyConnected) CHECK(placed[i].unit == passes::Unit::Npu);
  const ir::Graph two = frontend::load_model(model("batch_matmul_two_activations"));
  const auto placed_two = passes::partition(two, soc);
  size_t on_mcu = 0;
  for (size_t i = 0; i < placed_two.size(); ++i)
    if (two.ops[i].kernel == "batch_matmul") on_mcu += placed_two[i].unit == passes::Unit::Mcu;
  CHECK(on_mcu == 1);
}
