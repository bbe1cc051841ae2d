// passes::PartitionOptions: a software-only deployment keeps every op on the
// MCU of the same SoC (kiln compile --mcu-only, kiln compare's mcu-* strategies).
#include <catch2/catch.hpp>

#include "arch/soc_config_yaml.h"
#include "compiler/codegen/compile_model.h"
#include "compiler/frontend/load_model.h"
#include "tests/support/test_paths.h"

using namespace kiln;

namespace {

size_t count_opcode(const codegen::CompiledModel& m, Opcode op) {
  size_t n = 0;
  for (const auto& c : m.program.commands) n += c.op == op;
  return n;
}

}  // namespace

TEST_CASE("mcu_only places every op on the MCU and emits no array command") {
  const SocConfig soc = load_soc_config(test::config_path("default"));
  const ir::Graph g = frontend::load_model(test::source_dir() + "/workloads/resnet8.onnx");
  const auto by_cost = codegen::compile_model(g, soc);
  const auto mcu = codegen::compile_model(g, soc, {}, {}, passes::PartitionOptions{true});
  // The cost model puts ResNet-8's convolutions on the array...
  size_t npu_layers = 0;
  for (const auto& l : by_cost.layers) npu_layers += l.unit == passes::Unit::Npu;
  CHECK(npu_layers > 0);
  CHECK(count_opcode(by_cost, Opcode::Conv) + count_opcode(by_cost, Opcode::Gemm) > 0);
  // ...and MCU-only runs every one of them on the MCU, one kernel call per op.
  REQUIRE(mcu.layers.size() == by_cost.layers.size());
  size_t mcu_calls = 0;
  for (const auto& l : mcu.layers) {
    CHECK(l.unit != passes::Unit::Npu);
    mcu_calls += l.unit == passes::Unit::Mcu;
  }
  CHECK(count_opcode(mcu, Opcode::Conv) == 0);
  CHECK(count_opcode(mcu, Opcode::Gemm) == 0);
  CHECK(count_opcode(mcu, Opcode::McuOp) == mcu_calls);
  size_t by_cost_mcu = 0;
  for (const auto& l : by_cost.layers) by_cost_mcu += l.unit == passes::Unit::Mcu;
  CHECK(mcu_calls == npu_layers + by_cost_mcu);
}

TEST_CASE("mcu_only refuses a tiling chosen for an op it keeps on the MCU") {
  const SocConfig soc = load_soc_config(test::config_path("default"));
  const ir::Graph g = frontend::load_model(test::source_dir() + "/workloads/resnet8.onnx");
  const auto by_cost = codegen::compile_model(g, soc);
  codegen::TilingChoices choices;
  for (const auto& l : by_cost.layers)
    if (l.unit == passes::Unit::Npu) {
      choices[l.op_index] = l.chosen;
      break;
    }
  REQUIRE(choices.size() == 1);
  CHECK_THROWS_WITH(codegen::compile_model(g, soc, choices, {}, passes::PartitionOptions{true}),
                    Catch::Contains("a tiling is chosen for it, but it runs on the mcu"));
}
