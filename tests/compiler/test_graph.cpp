// The graph IR's structural checks and text form.
#include <catch2/catch.hpp>

#include "arch/error.h"
#include "compiler/ir/graph.h"
#include "compiler/ir/printer.h"

using namespace kiln;
using namespace kiln::ir;

namespace {

Tensor activation(const std::string& name, Shape shape) {
  Tensor t;
  t.name = name;
  t.shape = std::move(shape);
  t.quant.scale = {0.25f};
  t.quant.zero_point = {-3};
  return t;
}

// x -> relu -> y -> reshape -> z
Graph chain() {
  Graph g;
  g.source = "chain.tflite";
  const int x = g.add_tensor(activation("x", {1, 2, 2, 4}));
  const int y = g.add_tensor(activation("y", {1, 2, 2, 4}));
  const int z = g.add_tensor(activation("z", {1, 16}));
  Op relu;
  relu.kind = OpKind::Relu;
  relu.inputs = {x};
  relu.outputs = {y};
  relu.name = "y";
  relu.source_index = 0;
  relu.source_op = "RELU";
  relu.rescale = {{1 << 30}, {1}};
  relu.act = {-3, 127};
  Op reshape;
  reshape.kind = OpKind::Reshape;
  reshape.inputs = {y};
  reshape.outputs = {z};
  reshape.name = "z";
  reshape.source_index = 1;
  reshape.source_op = "RESHAPE";
  g.ops = {relu, reshape};
  g.inputs = {x};
  g.outputs = {z};
  return g;
}

}  // namespace

TEST_CASE("ir: sizes, names and producers", "[compiler]") {
  const Graph g = chain();
  CHECK(g.tensors[0].num_elements() == 16);
  CHECK(g.tensors[0].byte_size() == 16);
  CHECK(shape_string(g.tensors[2].shape) == "1x16");
  CHECK(g.producer(0) == -1);
  CHECK(g.producer(1) == 0);
  CHECK(g.producer(2) == 1);
  CHECK(g.describe(g.ops[1]) == "operator 1 (RESHAPE, 'z')");
  Tensor bias;
  bias.type = DataType::Int32;
  bias.shape = {2};
  bias.data = {1, 0, 0, 0, 0xfe, 0xff, 0xff, 0xff};
  CHECK(bias.byte_size() == 8);
  CHECK(bias.int32_at(0) == 1);
  CHECK(bias.int32_at(1) == -2);
  CHECK_NOTHROW(validate(g));
}

TEST_CASE("ir: validate rejects use before definition and double producers", "[compiler]") {
  Graph swapped = chain();
  std::swap(swapped.ops[0], swapped.ops[1]);
  CHECK_THROWS_WITH(validate(swapped), "chain.tflite: operator 1 (RESHAPE, 'z'): input 'y' is used before it is produced");
  Graph twice = chain();
  twice.ops[1].outputs = {1};
  CHECK_THROWS_WITH(validate(twice),
                    "chain.tflite: operator 1 (RESHAPE, 'z'): output 'y' is already produced or constant");
  Graph dangling = chain();
  dangling.ops[0].inputs = {7};
  CHECK_THROWS_WITH(validate(dangling), "chain.tflite: operator 0 (RELU, 'y'): tensor id 7 out of range [0, 3)");
  Graph unproduced = chain();
  unproduced.outputs = {unproduced.add_tensor(activation("w", {1}))};
  CHECK_THROWS_WITH(validate(unproduced), "chain.tflite: graph output 'w' is never computed");
}

TEST_CASE("ir: the text form names tensors, ops and parameters", "[compiler]") {
  const std::string text = print_graph(chain());
  CHECK(text.find("graph 'chain.tflite': 3 tensors, 2 ops") != std::string::npos);
  CHECK(text.find("input  %0 'x' int8 1x2x2x4 q(0.25, -3)") != std::string::npos);
  CHECK(text.find("%1 = relu(%0) mult=1073741824 shift=1 act=[-3, 127]  # operator 0 (RELU, 'y')") !=
        std::string::npos);
  CHECK(text.find("%2 = reshape(%1)  # operator 1 (RESHAPE, 'z')") != std::string::npos);
}
