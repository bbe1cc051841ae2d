// Layout and rank operators: TFLite TRANSPOSE, SQUEEZE and EXPAND_DIMS, and
// ONNX Transpose, Squeeze, Unsqueeze and the Flatten or Reshape that reorders
// NCHW data, read into the IR's Transpose and Reshape.
#include <catch2/catch.hpp>

#include <algorithm>

#include "arch/error.h"
#include "compiler/frontend/onnx_reader.h"
#include "compiler/frontend/tflite_reader.h"
#include "compiler/frontend/tflite_schema_generated.h"
#include "compiler/ir/depth_space.h"
#include "compiler/reference/interpreter.h"
#include "tests/compiler/tflite_builder.h"
#include "tests/support/test_paths.h"

using namespace kiln;
using kiln::test::TfliteBuilder;

namespace {

ir::Graph read(const std::vector<uint8_t>& bytes) { return test::read_tflite_bytes(bytes); }
std::string error_of(const std::vector<uint8_t>& bytes) { return test::tflite_error(bytes); }

// y = TRANSPOSE(x [1, 2, 3], perm) with y of `y_shape`.
std::vector<uint8_t> transpose_model(std::vector<int32_t> perm, std::vector<int32_t> y_shape, float y_scale = 0.5f) {
  TfliteBuilder b;
  const int x = b.int8("x", {1, 2, 3}, 0.5f, 1);
  const int p = b.const_int32("perm", {int32_t(perm.size())}, perm);
  const int y = b.int8("y", std::move(y_shape), y_scale, 1);
  b.op(tflite::BuiltinOperator_TRANSPOSE, {x, p}, {y});
  return b.finish({x}, {y});
}

const ir::Op& only_op(const ir::Graph& g, ir::OpKind kind) {
  const auto it = std::find_if(g.ops.begin(), g.ops.end(), [&](const ir::Op& op) { return op.kind == kind; });
  REQUIRE(it != g.ops.end());
  return *it;
}

// The first op that MCU kernel `kernel` runs as it is (ir::OpKind::Kernel).
const ir::Op& only_kernel(const ir::Graph& g, const std::string& kernel) {
  const auto it = std::find_if(g.ops.begin(), g.ops.end(),
                               [&](const ir::Op& op) { return op.kind == ir::OpKind::Kernel && op.kernel == kernel; });
  REQUIRE(it != g.ops.end());
  return *it;
}

using Ints = std::vector<int64_t>;

}  // namespace

TEST_CASE("tflite: TRANSPOSE reads its perm and the reference moves every element", "[compiler]") {
  const ir::Graph g = read(transpose_model({0, 2, 1}, {1, 3, 2}));
  REQUIRE(g.ops.size() == 1);
  CHECK(g.ops[0].kind == ir::OpKind::Kernel);
  CHECK(g.ops[0].kernel == "transpose");
  CHECK(g.ops[0].attrs.at("perm") == Ints{0, 2, 1});
  const auto out = reference::run_reference(g, {{1, 2, 3, 4, 5, 6}});
  CHECK(out.at(0) == std::vector<int8_t>{1, 4, 2, 5, 3, 6});
}

TEST_CASE("tflite: a TRANSPOSE whose perm or output is wrong is one located error", "[compiler]") {
  CHECK(error_of(transpose_model({0, 1, 1}, {1, 2, 2})) ==
        "t.tflite: operator 0 (TRANSPOSE, 'y'): perm entry 2 is 1: perm must be a permutation of 0 to 2");
  CHECK_THAT(error_of(transpose_model({0, 1}, {1, 2, 3})),
             Catch::Contains("(TRANSPOSE, 'y'): perm shape 2 must be [3], the input's rank"));
  CHECK_THAT(error_of(transpose_model({0, 2, 1}, {1, 2, 3})),
             Catch::Contains("(TRANSPOSE, 'y'): output shape 1x2x3 differs from the expected 1x3x2"));
  CHECK_THAT(error_of(transpose_model({0, 2, 1}, {1, 3, 2}, 0.25f)), Catch::Contains("(TRANSPOSE, 'y'):"));
}

TEST_CASE("lowering: an op for an MCU kernel is checked by the kernel's table entry, with the op named",
          "[compiler]") {
  ir::Graph g = read(transpose_model({0, 2, 1}, {1, 3, 2}));
  ir::Op& op = g.ops.at(0);
  op.attrs["perm"] = {0, 1, 2};  // no longer what the output's shape says
  CHECK_THROWS_WITH(reference::run_reference(g, {{1, 2, 3, 4, 5, 6}}),
                    "t.tflite: operator 0 (TRANSPOSE, 'y'): transpose: perm: output [1, 3, 2] is not input [1, 2, 3] "
                    "permuted by perm");
  op.kernel = "conv2d";  // a kernel the lowering builds itself
  CHECK_THROWS_WITH(reference::run_reference(g, {{1, 2, 3, 4, 5, 6}}),
                    "t.tflite: operator 0 (TRANSPOSE, 'y'): 'conv2d' is not an MCU kernel that runs an operator of "
                    "its own");
}

TEST_CASE("tflite: SQUEEZE and EXPAND_DIMS are reshapes of the same bytes", "[compiler]") {
  TfliteBuilder b;
  const int x = b.int8("x", {1, 1, 1, 4}, 0.5f, 0);
  const int s = b.int8("s", {4}, 0.5f, 0);
  const int axis = b.const_int32("axis", {1}, {0});
  const int e = b.int8("e", {1, 4}, 0.5f, 0);
  b.op(tflite::BuiltinOperator_SQUEEZE, {x}, {s});
  b.op(tflite::BuiltinOperator_EXPAND_DIMS, {s, axis}, {e});
  const ir::Graph g = read(b.finish({x}, {e}));
  REQUIRE(g.ops.size() == 2);
  CHECK(g.ops[0].kind == ir::OpKind::Reshape);
  CHECK(g.ops[1].kind == ir::OpKind::Reshape);
  CHECK(g.tensors[size_t(g.ops[1].outputs[0])].shape == ir::Shape{1, 4});
  CHECK(reference::run_reference(g, {{-3, 7, 0, 5}}).at(0) == std::vector<int8_t>{-3, 7, 0, 5});
}

TEST_CASE("onnx: Transpose's perm is mapped onto the NHWC order of its input and output", "[compiler]") {
  // [N, C=4, H=6, W=5] by (0, 3, 1, 2) is ONNX [N, W, C, H]: in NHWC, from
  // [1, 6, 5, 4] to [1, C, H, W] = [1, 4, 6, 5], IR perm (0, 3, 1, 2).
  const ir::Graph g = frontend::read_onnx(test::data_path("models/onnx/qdq_transpose.onnx"));
  const ir::Op& t = only_kernel(g, "transpose");
  CHECK(t.attrs.at("perm") == Ints{0, 3, 1, 2});
  CHECK(g.tensors[size_t(t.inputs[0])].shape == ir::Shape{1, 6, 5, 4});
  CHECK(g.tensors[size_t(t.outputs[0])].shape == ir::Shape{1, 4, 6, 5});
  // Rank 3 has one order in both: the perm as written.
  const ir::Graph r3 = frontend::read_onnx(test::data_path("models/onnx/qdq_transpose_rank3.onnx"));
  CHECK(only_kernel(r3, "transpose").attrs.at("perm") == Ints{0, 2, 1});
}

TEST_CASE("onnx: a Flatten of NCHW data with C and H*W above 1 goes through NCHW order", "[compiler]") {
  const ir::Graph g = frontend::read_onnx(test::data_path("models/onnx/qdq_flatten_nchw_gemm.onnx"));
  const ir::Op& t = only_kernel(g, "transpose");
  CHECK(t.attrs.at("perm") == Ints{0, 3, 1, 2});  // NHWC -> NCHW
  const ir::Op& r = only_op(g, ir::OpKind::Reshape);
  CHECK(r.inputs[0] == t.outputs[0]);
  CHECK(g.tensors[size_t(r.outputs[0])].shape == ir::Shape{1, 4 * 6 * 6});
  // And a Reshape to NCHW data, back to NHWC after the byte copy.
  const ir::Graph back = frontend::read_onnx(test::data_path("models/onnx/qdq_reshape_to_nchw_conv.onnx"));
  const ir::Op& copy = only_op(back, ir::OpKind::Reshape);
  const ir::Op& to_nhwc = only_kernel(back, "transpose");
  CHECK(to_nhwc.inputs[0] == copy.outputs[0]);
  CHECK(to_nhwc.attrs.at("perm") == Ints{0, 2, 3, 1});
  CHECK(back.tensors[size_t(to_nhwc.outputs[0])].shape == ir::Shape{1, 4, 4, 3});
}

TEST_CASE("tflite: STRIDED_SLICE resolves masks and negative indices, SPLIT gives one slice per output", "[compiler]") {
  TfliteBuilder b;
  const int x = b.int8("x", {1, 4, 6}, 0.5f, 0);
  const int begin = b.const_int32("begin", {3}, {0, -1, 1});
  const int end = b.const_int32("end", {3}, {1, 0, 6});
  const int strides = b.const_int32("strides", {3}, {1, -2, 2});
  const int y = b.int8("y", {1, 2, 3}, 0.5f, 0);  // rows 3, 1; columns 1, 3, 5
  b.op(tflite::BuiltinOperator_STRIDED_SLICE, {x, begin, end, strides}, {y}, tflite::BuiltinOptions_StridedSliceOptions,
       tflite::CreateStridedSliceOptions(b.fbb(), 0, 0b010).Union());  // end_mask on rows: through row 0
  const ir::Graph g = read(b.finish({x}, {y}));
  REQUIRE(g.ops.size() == 1);
  CHECK(g.ops[0].attrs.at("begin") == Ints{0, 3, 1});
  CHECK(g.ops[0].attrs.at("stride") == Ints{1, -2, 2});
  CHECK(g.ops[0].attrs.at("size") == Ints{1, 2, 3});
  std::vector<int8_t> in(24);
  for (int i = 0; i < 24; ++i) in[size_t(i)] = int8_t(i);
  CHECK(reference::run_reference(g, {in}).at(0) == std::vector<int8_t>{19, 21, 23, 7, 9, 11});

  TfliteBuilder s;
  const int sx = s.int8("x", {1, 2, 6}, 0.5f, 0);
  const int axis = s.const_int32("axis", {1}, {2});
  const int a = s.int8("a", {1, 2, 3}, 0.5f, 0), c = s.int8("c", {1, 2, 3}, 0.5f, 0);
  s.op(tflite::BuiltinOperator_SPLIT, {axis, sx}, {a, c}, tflite::BuiltinOptions_SplitOptions,
       tflite::CreateSplitOptions(s.fbb(), 2).Union());
  const ir::Graph split = read(s.finish({sx}, {a, c}));
  REQUIRE(split.ops.size() == 2);
  CHECK(split.ops[1].attrs.at("begin") == Ints{0, 0, 3});
  const auto outs = reference::run_reference(split, {{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}});
  CHECK(outs.at(0) == std::vector<int8_t>{0, 1, 2, 6, 7, 8});
  CHECK(outs.at(1) == std::vector<int8_t>{3, 4, 5, 9, 10, 11});
}

TEST_CASE("tflite: slices TFLite Micro would not apply as written are one located error", "[compiler]") {
  TfliteBuilder b;
  const int x = b.int8("x", {1, 4}, 0.5f, 0);
  const int begin = b.const_int32("begin", {2}, {0, 0}), end = b.const_int32("end", {2}, {1, 4});
  const int strides = b.const_int32("strides", {2}, {1, 1});
  const int y = b.int8("y", {1, 4}, 0.5f, 0);
  b.op(tflite::BuiltinOperator_STRIDED_SLICE, {x, begin, end, strides}, {y}, tflite::BuiltinOptions_StridedSliceOptions,
       tflite::CreateStridedSliceOptions(b.fbb(), 0, 0, 0b01).Union());
  CHECK(error_of(b.finish({x}, {y})) ==
        "t.tflite: operator 0 (STRIDED_SLICE, 'y'): ellipsis_mask, new_axis_mask and offset are unsupported (TFLite "
        "Micro does not apply them)");

  TfliteBuilder s;
  const int sx = s.int8("x", {1, 5}, 0.5f, 0);
  const int axis = s.const_int32("axis", {1}, {1});
  const int a = s.int8("a", {1, 2}, 0.5f, 0), c = s.int8("c", {1, 3}, 0.5f, 0);
  s.op(tflite::BuiltinOperator_SPLIT, {axis, sx}, {a, c}, tflite::BuiltinOptions_SplitOptions,
       tflite::CreateSplitOptions(s.fbb(), 2).Union());
  CHECK_THAT(error_of(s.finish({sx}, {a, c})), Catch::Contains("(SPLIT, 'a'): 2 outputs do not split dimension 1 of 5 evenly"));
}

TEST_CASE("onnx: Slice's starts, ends and steps land on the NHWC dimensions", "[compiler]") {
  // [1, C=4, H=7, W=6]: H from -1 by -2 (6, 4, 2), W from 1 by 2 to the end, C 0 to 3.
  const ir::Graph g = frontend::read_onnx(test::data_path("models/onnx/qdq_slice_negative_step.onnx"));
  const ir::Op& s = only_kernel(g, "slice");
  CHECK(s.attrs.at("begin") == Ints{0, 6, 1, 0});
  CHECK(s.attrs.at("stride") == Ints{1, -2, 2, 1});
  CHECK(s.attrs.at("size") == Ints{1, 3, 3, 3});
}

TEST_CASE("ir: depth and space move each channel block to its pixel, and shapes that do not divide are refused",
          "[compiler]") {
  std::string why;
  CHECK(ir::depth_space_shape({1, 2, 3, 8}, 2, ir::DepthSpace::DepthToSpace, &why) == ir::Shape{1, 4, 6, 2});
  CHECK(ir::depth_space_shape({1, 4, 6, 2}, 2, ir::DepthSpace::SpaceToDepth, &why) == ir::Shape{1, 2, 3, 8});
  CHECK(ir::depth_space_shape({1, 2, 3, 6}, 2, ir::DepthSpace::DepthToSpace, &why).empty());
  CHECK(why == "channels 6 must be a multiple of the block size 2 squared");
  CHECK(ir::depth_space_shape({1, 5, 4, 1}, 2, ir::DepthSpace::SpaceToDepth, &why).empty());
  CHECK(why == "height 5 and width 4 must be multiples of the block size 2");

  // DEPTH_TO_SPACE of one pixel with 4 channels (block 2, one output
  // channel): channel i * 2 + j goes to pixel (i, j).
  TfliteBuilder b;
  const int x = b.int8("x", {1, 1, 1, 4}, 0.5f, 0);
  const int y = b.int8("y", {1, 2, 2, 1}, 0.5f, 0);
  b.op(tflite::BuiltinOperator_DEPTH_TO_SPACE, {x}, {y}, tflite::BuiltinOptions_DepthToSpaceOptions,
       tflite::CreateDepthToSpaceOptions(b.fbb(), 2).Union());
  const ir::Graph g = read(b.finish({x}, {y}));
  REQUIRE(g.ops.size() == 3);  // reshape, transpose, reshape
  CHECK(g.ops[1].attrs.at("perm") == Ints{0, 1, 3, 2, 4, 5});
  CHECK(reference::run_reference(g, {{10, 11, 12, 13}}).at(0) == std::vector<int8_t>{10, 11, 12, 13});
  // Two pixels of 4 channels: row 0 of the output interleaves both pixels' first two channels.
  TfliteBuilder b2;
  const int x2 = b2.int8("x", {1, 1, 2, 4}, 0.5f, 0);
  const int y2 = b2.int8("y", {1, 2, 4, 1}, 0.5f, 0);
  b2.op(tflite::BuiltinOperator_DEPTH_TO_SPACE, {x2}, {y2}, tflite::BuiltinOptions_DepthToSpaceOptions,
        tflite::CreateDepthToSpaceOptions(b2.fbb(), 2).Union());
  CHECK(reference::run_reference(read(b2.finish({x2}, {y2})), {{0, 1, 2, 3, 4, 5, 6, 7}}).at(0) ==
        std::vector<int8_t>{0, 1, 4, 5, 2, 3, 6, 7});
}

TEST_CASE("tflite: PACK stacks its inputs along a new axis", "[compiler]") {
  TfliteBuilder b;
  const int a = b.int8("a", {2, 3}, 0.5f, 0), c = b.int8("c", {2, 3}, 0.5f, 0);
  const int y = b.int8("y", {2, 2, 3}, 0.5f, 0);
  b.op(tflite::BuiltinOperator_PACK, {a, c}, {y}, tflite::BuiltinOptions_PackOptions,
       tflite::CreatePackOptions(b.fbb(), 2, 1).Union());
  const ir::Graph g = read(b.finish({a, c}, {y}));
  CHECK(g.ops.back().kind == ir::OpKind::Concat);
  CHECK(g.ops.back().axis == 1);
  CHECK(reference::run_reference(g, {{0, 1, 2, 3, 4, 5}, {10, 11, 12, 13, 14, 15}}).at(0) ==
        std::vector<int8_t>{0, 1, 2, 10, 11, 12, 3, 4, 5, 13, 14, 15});
}

TEST_CASE("tflite: PADV2 writes its constant, which must be in the output's quantization", "[compiler]") {
  auto model = [](float value_scale) {
    TfliteBuilder b;
    const int x = b.int8("x", {1, 1, 2, 1}, 0.5f, 0);
    const int pads = b.const_int32("paddings", {4, 2}, {0, 0, 0, 0, 1, 0, 0, 0});
    const int value = b.tensor({"value", {1}, tflite::TensorType_INT8, {value_scale}, {0}, 0, {uint8_t(int8_t(-7))}});
    const int y = b.int8("y", {1, 1, 3, 1}, 0.5f, 0);
    b.op(tflite::BuiltinOperator_PADV2, {x, pads, value}, {y});
    return b.finish({x}, {y});
  };
  const ir::Graph g = read(model(0.5f));
  CHECK(g.ops[0].has_pad_value);
  CHECK(reference::run_reference(g, {{4, 5}}).at(0) == std::vector<int8_t>{-7, 4, 5});
  CHECK(error_of(model(0.25f)) == "t.tflite: operator 0 (PADV2, 'y'): constant_values must have the output's "
                                  "quantization (TFLite Micro requires it)");
}
