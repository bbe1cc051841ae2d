// What the reference interpreter runs but no unit of the SoC computes
// (weights with a non-zero zero point, int32 accumulator outputs) is refused
// by the compiler with one clear error naming the op, never compiled into
// something that computes another result; the same op with symmetric weights
// and an int8 output compiles.
#include <catch2/catch.hpp>

#include <cstring>

#include "arch/error.h"
#include "arch/soc_config_yaml.h"
#include "compiler/codegen/compile_model.h"
#include "compiler/passes/partition.h"
#include "compiler/reference/interpreter.h"
#include "tests/support/test_paths.h"

using namespace kiln;

namespace {

// A 1x16 -> 1x8 fully connected layer; the weights' zero points and the
// output type are the variables.
ir::Graph fc_graph(const std::vector<int32_t>& weight_zp, ir::DataType out_type) {
  ir::Graph g;
  g.source = "fc.onnx";
  ir::Tensor x;
  x.name = "x", x.shape = {1, 16}, x.quant = {{0.5f}, {3}, 0};
  ir::Tensor w;
  w.name = "w", w.shape = {8, 16}, w.quant = {std::vector<float>(weight_zp.size(), 0.25f), weight_zp, 0};
  for (int i = 0; i < 8 * 16; ++i) w.data.push_back(uint8_t(int8_t(i % 11 - 5)));
  ir::Tensor b;
  b.name = "b", b.shape = {8}, b.type = ir::DataType::Int32, b.data.assign(32, 0);
  ir::Tensor y;
  y.name = "y", y.shape = {1, 8}, y.type = out_type;
  if (out_type == ir::DataType::Int8) y.quant = {{1.0f}, {-2}, 0};
  const int xi = g.add_tensor(x), wi = g.add_tensor(w), bi = g.add_tensor(b), yi = g.add_tensor(y);
  ir::Op op;
  op.kind = ir::OpKind::FullyConnected;
  op.name = "y", op.source_op = "MatMulInteger", op.source_index = 4;
  if (out_type == ir::DataType::Int8) op.rescale = {std::vector<int32_t>(8, 1 << 30), std::vector<int32_t>(8, -3)};
  op.inputs = {xi, wi, bi};
  op.outputs = {yi};
  g.ops.push_back(op);
  g.inputs = {xi};
  g.outputs = {yi};
  return g;
}

std::string compile_error(const ir::Graph& g) {
  try {
    codegen::compile_model(g, load_soc_config(test::config_path("default")));
  } catch (const Error& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace

TEST_CASE("compiler: weight zero points are refused with one error naming the op", "[compiler]") {
  for (const std::vector<int32_t>& zp : {std::vector<int32_t>{5}, std::vector<int32_t>{0, 0, 0, 0, 0, 0, 0, -1}}) {
    const ir::Graph g = fc_graph(zp, ir::DataType::Int8);
    REQUIRE_NOTHROW(reference::Interpreter(g));  // the reference runs it
    CHECK(compile_error(g) ==
          "fc.onnx: operator 4 (MatMulInteger, 'y'): weights with a non-zero zero point are supported by the "
          "reference interpreter only, not compiled yet");
    // The partition pass alone refuses too (it used to place them on the MCU, whose kernels have no zero point).
    CHECK_THROWS_AS(passes::partition(g, load_soc_config(test::config_path("default"))), Error);
  }
}

TEST_CASE("compiler: int32 accumulator outputs are refused with one error naming the op", "[compiler]") {
  const ir::Graph g = fc_graph({0}, ir::DataType::Int32);
  REQUIRE_NOTHROW(reference::Interpreter(g));
  CHECK(compile_error(g) ==
        "fc.onnx: operator 4 (MatMulInteger, 'y'): int32 output (ConvInteger/MatMulInteger) is supported by the "
        "reference interpreter only, not compiled");
}

TEST_CASE("compiler: the same layer with symmetric weights and an int8 output compiles", "[compiler]") {
  // All-zero zero points, per tensor or per channel, are TFLite's symmetric weights.
  for (const std::vector<int32_t>& zp : {std::vector<int32_t>{0}, std::vector<int32_t>(8, 0)}) {
    const codegen::CompiledModel m =
        codegen::compile_model(fc_graph(zp, ir::DataType::Int8), load_soc_config(test::config_path("default")));
    REQUIRE(m.layers.size() == 1);
    CHECK(m.layers[0].end_command > m.layers[0].first_command);
  }
}
