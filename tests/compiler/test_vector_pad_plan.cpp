// PAD on the vector unit in the compiler: the partition places a PAD of the
// generated models on the vector unit of configs/soc/default-vector.yaml by
// cost (and on the MCU without the unit, or under --mcu-only), its chunks'
// vpads cover every input row once with the padding split between the first
// and the last, and the stream validates against the SoC.
#include <catch2/catch.hpp>

#include <array>

#include "arch/command_codec.h"
#include "arch/soc_config_yaml.h"
#include "compiler/codegen/compile_model.h"
#include "compiler/frontend/load_model.h"
#include "compiler/lowering/mcu_call.h"
#include "compiler/mapping/vector_plan.h"
#include "tests/compiler/tflite_builder.h"
#include "tests/support/test_paths.h"

using namespace kiln;

namespace {

const codegen::LayerInfo& pad_layer(const ir::Graph& g, const codegen::CompiledModel& m) {
  for (const auto& l : m.layers)
    if (g.ops[size_t(l.op_index)].kind == ir::OpKind::Pad) return l;
  FAIL("no PAD layer");
  throw 0;
}

std::vector<VectorPadCmd> vpads(const codegen::CompiledModel& m, const codegen::LayerInfo& l) {
  std::vector<VectorPadCmd> out;
  for (size_t i = l.first_command; i < l.end_command; ++i)
    if (const auto* v = std::get_if<VectorPadCmd>(&m.program.commands[i].body)) out.push_back(*v);
  return out;
}

// A PAD of a 1 x h x w x c image, padded by `pads` (top, bottom, left, right).
ir::Graph pad_model(int h, int w, int c, std::array<int, 4> pads) {
  test::TfliteBuilder b;
  const int x = b.int8("x", {1, h, w, c}, 0.1f, 4);
  const int p = b.const_int32("paddings", {4, 2}, {0, 0, pads[0], pads[1], pads[2], pads[3], 0, 0});
  const int y = b.int8("y", {1, h + pads[0] + pads[1], w + pads[2] + pads[3], c}, 0.1f, 4);
  b.op(tflite::BuiltinOperator_PAD, {x, p}, {y});
  return test::read_tflite_bytes(b.finish({x}, {y}));
}

}  // namespace

TEST_CASE("vector pad: PAD and PADV2 go to the vector unit by cost, only on an SoC that has one") {
  const SocConfig vector = load_soc_config(test::config_path("default-vector"));
  const SocConfig plain = load_soc_config(test::config_path("default"));
  for (const char* name : {"pad_hw", "padv2_constant"}) {
    INFO(name);
    const ir::Graph g = frontend::load_model(test::data_path(std::string("models/tflite/") + name + ".tflite"));
    const auto on_vector = codegen::compile_model(g, vector);
    const codegen::LayerInfo& l = pad_layer(g, on_vector);
    CHECK(l.unit == passes::Unit::Vector);
    CHECK(l.predicted_ps < l.mcu.elements * 1e6 / vector.mcu.clock_mhz);  // faster than the MCU's 50 + 1 per element
    const std::vector<VectorPadCmd> cmds = vpads(on_vector, l);
    REQUIRE(cmds.size() == 1);
    const kernels::PadParams p = lowering::pad_params(g, g.ops[size_t(l.op_index)]);
    CHECK(cmds[0].in_h == p.in_h);
    CHECK(cmds[0].pad_top == p.pad_top);
    CHECK(cmds[0].pad_right == p.pad_right);
    CHECK(cmds[0].value == p.pad_value);
    validate_program(on_vector.program, vector, name);
    CHECK(pad_layer(g, codegen::compile_model(g, plain)).unit == passes::Unit::Mcu);
    CHECK(pad_layer(g, codegen::compile_model(g, vector, {}, {}, passes::PartitionOptions{true})).unit ==
          passes::Unit::Mcu);
  }
}

TEST_CASE("vector pad: the chunks' vpads cover every input row once, the padding split at the ends") {
  const SocConfig soc = load_soc_config(test::config_path("default-vector"));
  const ir::Graph g = pad_model(100, 20, 24, {2, 3, 1, 1});
  const auto m = codegen::compile_model(g, soc);
  validate_program(m.program, soc, "pad");
  const codegen::LayerInfo& l = pad_layer(g, m);
  REQUIRE(l.unit == passes::Unit::Vector);
  const std::vector<VectorPadCmd> cmds = vpads(m, l);
  REQUIRE(cmds.size() > 2);
  uint32_t rows = 0, out_bytes = 0;
  for (size_t k = 0; k < cmds.size(); ++k) {
    INFO("chunk " << k);
    CHECK(cmds[k].pad_top == (k == 0 ? 2 : 0));
    CHECK(cmds[k].pad_bottom == (k + 1 == cmds.size() ? 3 : 0));
    CHECK(cmds[k].pad_left == 1);
    CHECK(cmds[k].in_w == 20);
    CHECK(cmds[k].out_h() * cmds[k].out_w() * cmds[k].c <= mapping::vector_output_slot(soc));
    rows += cmds[k].in_h;
    out_bytes += cmds[k].out_h() * cmds[k].out_w() * cmds[k].c;
  }
  CHECK(rows == 100);
  CHECK(out_bytes == 105 * 22 * 24);
  CHECK(l.tiling == "vector: " + std::to_string(cmds.size()) + " chunk(s) of " + std::to_string(cmds[0].in_h) +
                        " rows");
  // A row of the input with its padding that does not fit a slot: the MCU runs it.
  const ir::Graph wide = pad_model(2, 2000, 16, {1, 1, 1, 1});
  std::string why;
  CHECK_FALSE(mapping::plan_vector_op(wide, wide.ops[0], soc, &why));
  CHECK(why == "vector pad: a row of the input and the rows of padding do not fit a slot");
  CHECK(pad_layer(wide, codegen::compile_model(wide, soc)).unit == passes::Unit::Mcu);
}
