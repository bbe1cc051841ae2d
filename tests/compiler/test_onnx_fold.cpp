// The ONNX front end's constant folding of shape arithmetic (onnx_fold.h),
// operator by operator against values worked out by hand from ONNX's
// definitions.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include <onnx/onnx_pb.h>

#include "arch/error.h"
#include "compiler/frontend/onnx_fold.h"

using namespace kiln;
using onnx_frontend::ConstTensor;
using onnx_frontend::fold_node;

namespace {

ConstTensor ints(std::vector<int64_t> dims, std::vector<int64_t> v, int32_t type = onnx::TensorProto::INT64) {
  ConstTensor t;
  t.data_type = type;
  t.dims = std::move(dims);
  t.ints = std::move(v);
  return t;
}

ConstTensor floats(std::vector<int64_t> dims, std::vector<double> v) {
  ConstTensor t;
  t.data_type = onnx::TensorProto::FLOAT;
  t.dims = std::move(dims);
  t.floats = std::move(v);
  return t;
}

onnx::NodeProto node(const std::string& op, std::vector<std::pair<std::string, int64_t>> attrs = {}) {
  onnx::NodeProto n;
  n.set_op_type(op);
  for (const auto& [name, v] : attrs) {
    onnx::AttributeProto* a = n.add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::INT);
    a->set_i(v);
  }
  return n;
}

std::string error_of(const onnx::NodeProto& n, const std::vector<const ConstTensor*>& in, int64_t opset = 13) {
  try {
    fold_node(n, in, opset);
  } catch (const Error& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace

TEST_CASE("onnx fold: PyTorch's flatten arithmetic, Shape -> Gather -> Unsqueeze -> Concat", "[onnx]") {
  const ConstTensor shape = onnx_frontend::shape_tensor({2, 3, 4, 5}, 0, 4);
  CHECK(shape.dims == std::vector<int64_t>{4});
  CHECK(shape.ints == std::vector<int64_t>{2, 3, 4, 5});
  CHECK(onnx_frontend::shape_tensor({2, 3, 4, 5}, -3, -1).ints == std::vector<int64_t>{3, 4});  // opset 15 start, end

  const ConstTensor zero = ints({}, {0});
  const ConstTensor batch = fold_node(node("Gather", {{"axis", 0}}), {&shape, &zero}, 13);
  CHECK(batch.dims.empty());  // a scalar index gives a scalar
  CHECK(batch.ints == std::vector<int64_t>{2});
  const ConstTensor axes = ints({1}, {0});
  const ConstTensor batch1 = fold_node(node("Unsqueeze"), {&batch, &axes}, 13);
  CHECK(batch1.dims == std::vector<int64_t>{1});
  const ConstTensor rest = ints({1}, {-1});
  const ConstTensor target = fold_node(node("Concat", {{"axis", 0}}), {&batch1, &rest}, 13);
  CHECK(target.ints == std::vector<int64_t>{2, -1});
}

TEST_CASE("onnx fold: each operator as ONNX defines it", "[onnx]") {
  const ConstTensor m = ints({2, 3}, {0, 1, 2, 3, 4, 5});
  // Gather along axis 1 with a negative index.
  const ConstTensor idx = ints({2}, {-1, 0});
  CHECK(fold_node(node("Gather", {{"axis", 1}}), {&m, &idx}, 13).ints == std::vector<int64_t>{2, 0, 5, 3});
  // Slice with a negative step, ends clamped.
  const ConstTensor starts = ints({1}, {-1}), ends = ints({1}, {-100}), ax = ints({1}, {1}), steps = ints({1}, {-2});
  const ConstTensor sl = fold_node(node("Slice"), {&m, &starts, &ends, &ax, &steps}, 13);
  CHECK(sl.dims == std::vector<int64_t>{2, 2});
  CHECK(sl.ints == std::vector<int64_t>{2, 0, 5, 3});
  // Reshape: 0 copies the input's dimension, -1 takes the rest.
  const ConstTensor target = ints({2}, {0, -1});
  CHECK(fold_node(node("Reshape"), {&m, &target}, 13).dims == std::vector<int64_t>{2, 3});
  // Squeeze of every 1 (no axes), Unsqueeze with attribute axes before opset 13.
  const ConstTensor col = ints({3, 1}, {7, 8, 9});
  CHECK(fold_node(node("Squeeze"), {&col}, 13).dims == std::vector<int64_t>{3});
  onnx::NodeProto unsq = node("Unsqueeze");
  onnx::AttributeProto* a = unsq.add_attribute();
  a->set_name("axes");
  a->set_type(onnx::AttributeProto::INTS);
  a->add_ints(-1);
  CHECK(fold_node(unsq, {&col}, 11).dims == std::vector<int64_t>{3, 1, 1});
  // Integer Div truncates toward zero; broadcasting of a scalar.
  const ConstTensor num = ints({2}, {7, -7}), two = ints({}, {2});
  CHECK(fold_node(node("Div"), {&num, &two}, 13).ints == std::vector<int64_t>{3, -3});
  CHECK(fold_node(node("Mul"), {&num, &two}, 13).ints == std::vector<int64_t>{14, -14});
  // Cast float to int64 truncates.
  const ConstTensor f = floats({2}, {2.9, -2.9});
  CHECK(fold_node(node("Cast", {{"to", onnx::TensorProto::INT64}}), {&f}, 13).ints == std::vector<int64_t>{2, -2});
  // Where(Equal(shape, -1), 1, shape): a row broadcast against a scalar.
  const ConstTensor s = ints({3}, {4, -1, 6}), minus1 = ints({}, {-1}), one = ints({}, {1});
  const ConstTensor eq = fold_node(node("Equal"), {&s, &minus1}, 13);
  CHECK(eq.ints == std::vector<int64_t>{0, 1, 0});
  CHECK(fold_node(node("Where"), {&eq, &one, &s}, 13).ints == std::vector<int64_t>{4, 1, 6});
  // ConstantOfShape without a value: float zeros; Range.
  const ConstTensor sh = ints({2}, {2, 2});
  const ConstTensor zeros = fold_node(node("ConstantOfShape"), {&sh}, 13);
  CHECK(zeros.floats == std::vector<double>{0, 0, 0, 0});
  const ConstTensor r0 = ints({}, {1}), r1 = ints({}, {8}), r2 = ints({}, {3});
  CHECK(fold_node(node("Range"), {&r0, &r1, &r2}, 13).ints == std::vector<int64_t>{1, 4, 7});
}

TEST_CASE("onnx fold: what an operator cannot compute is an error saying why", "[onnx]") {
  const ConstTensor m = ints({2, 3}, {0, 1, 2, 3, 4, 5});
  const ConstTensor far = ints({1}, {3});
  CHECK(error_of(node("Gather", {{"axis", 1}}), {&m, &far}) == "index 3 outside [-3, 2]");
  const ConstTensor bad = ints({2}, {4, 4});
  CHECK(error_of(node("Reshape"), {&m, &bad}) == "shape [4, 4] does not hold the 6 elements");
  const ConstTensor num = ints({1}, {1}), zero = ints({}, {0});
  CHECK(error_of(node("Div"), {&num, &zero}) == "integer division by zero");
  const ConstTensor r3 = ints({3}, {1, 2, 3});
  CHECK(error_of(node("Add"), {&m, &r3}) == "no error");  // [2, 3] + [3] broadcasts
  const ConstTensor r2 = ints({2}, {1, 2});
  CHECK(error_of(node("Add"), {&m, &r2}) == "shapes [2] do not broadcast");
  CHECK(error_of(node("Cast", {{"to", onnx::TensorProto::STRING}}), {&m}).rfind("a cast to type STRING unsupported", 0) ==
        0);
  CHECK(error_of(node("Gather"), {&m}) == "indices (input 1) is missing");
}
