// A CONCATENATION of more than two inputs becomes a chain of two-input joins
// (ir/concat_chain.h) with the same result bytes, the same output tensor and
// every other tensor id unchanged; kiln run of such a model is bit-exact.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "compiler/frontend/load_model.h"
#include "compiler/frontend/tflite_reader.h"
#include "compiler/ir/concat_chain.h"
#include "compiler/reference/interpreter.h"
#include "tests/support/test_paths.h"

using namespace kiln;

TEST_CASE("chain_concats: four inputs become three joins with the same bytes", "[ir]") {
  const std::string path = test::data_path("models/tflite/concat_four_inputs.tflite");
  const ir::Graph wide = frontend::read_tflite(path);
  size_t wide_concats = 0;
  for (const auto& op : wide.ops) wide_concats += op.kind == ir::OpKind::Concat;
  REQUIRE(wide_concats == 1);

  ir::Graph chained = wide;
  CHECK(ir::chain_concats(chained) == 1);
  CHECK(chained.ops.size() == wide.ops.size() + 2);
  CHECK(chained.tensors.size() == wide.tensors.size() + 2);
  CHECK(chained.outputs == wide.outputs);
  std::vector<const ir::Op*> joins;
  for (const auto& op : chained.ops)
    if (op.kind == ir::OpKind::Concat) joins.push_back(&op);
  REQUIRE(joins.size() == 3);
  for (const auto* j : joins) CHECK(j->inputs.size() == 2);
  CHECK(joins[2]->outputs == wide.ops.back().outputs);
  // Each join's output extent on the axis is the sum of its inputs'.
  for (const auto* j : joins) {
    const auto& a = chained.tensors[size_t(j->inputs[0])].shape, &b = chained.tensors[size_t(j->inputs[1])].shape;
    CHECK(chained.tensors[size_t(j->outputs[0])].shape[size_t(j->axis)] == a[size_t(j->axis)] + b[size_t(j->axis)]);
  }
  CHECK(chained.tensors[size_t(joins[0]->outputs[0])].shape == ir::Shape{1, 5, 5, 6});
  CHECK_NOTHROW(ir::validate(chained));
  CHECK(ir::chain_concats(chained) == 0);  // nothing wide is left

  std::vector<std::vector<int8_t>> inputs(1, std::vector<int8_t>(75));
  for (size_t i = 0; i < inputs[0].size(); ++i) inputs[0][i] = int8_t(int(i * 37 % 256) - 128);
  const auto expected = reference::run_reference(wide, inputs);
  const auto got = reference::run_reference(chained, inputs);
  CHECK(got == expected);
  CHECK(frontend::load_model(path).ops.size() == chained.ops.size());  // load_model chains
}
