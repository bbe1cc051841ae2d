// The vector unit in the compiler: the partition puts ResNet-8's adds on it
// only when the SoC enables it (and keeps them on the MCU under --mcu-only),
// the emitted stream validates against the SoC, and its vadds cover every
// element once, in chunks that fit a slot of each buffer.
#include <catch2/catch.hpp>

#include "arch/command_codec.h"
#include "arch/soc_config_yaml.h"
#include "compiler/codegen/compile_model.h"
#include "compiler/frontend/load_model.h"
#include "compiler/mapping/vector_plan.h"
#include "tests/support/test_paths.h"

using namespace kiln;

namespace {

ir::Graph resnet8() { return frontend::load_model(test::source_dir() + "/workloads/resnet8.onnx"); }

size_t layers_on(const codegen::CompiledModel& m, passes::Unit unit) {
  size_t n = 0;
  for (const auto& l : m.layers) n += l.unit == unit;
  return n;
}

}  // namespace

TEST_CASE("vector plan: adds go to the vector unit only on an SoC that has one") {
  const ir::Graph g = resnet8();
  const auto plain = codegen::compile_model(g, load_soc_config(test::config_path("default")));
  CHECK(layers_on(plain, passes::Unit::Vector) == 0);
  const SocConfig soc = load_soc_config(test::config_path("default-vector"));
  const auto with_vector = codegen::compile_model(g, soc);
  CHECK(layers_on(with_vector, passes::Unit::Vector) == 3);
  CHECK(layers_on(with_vector, passes::Unit::Npu) == layers_on(plain, passes::Unit::Npu));
  CHECK(layers_on(with_vector, passes::Unit::Mcu) + 3 == layers_on(plain, passes::Unit::Mcu));
  const auto mcu_only = codegen::compile_model(g, soc, {}, {}, passes::PartitionOptions{true});
  CHECK(layers_on(mcu_only, passes::Unit::Vector) == 0);
  validate_program(with_vector.program, soc, "resnet8");
}

TEST_CASE("vector plan: the vadds of a layer cover its elements once, chunk by chunk") {
  const ir::Graph g = resnet8();
  const SocConfig soc = load_soc_config(test::config_path("default-vector"));
  const auto compiled = codegen::compile_model(g, soc);
  for (const auto& layer : compiled.layers) {
    if (layer.unit != passes::Unit::Vector) continue;
    const ir::Op& op = g.ops[size_t(layer.op_index)];
    std::string why;
    const auto plan = mapping::plan_vector_op(g, op, soc, &why);
    REQUIRE(plan);
    const uint64_t count = uint64_t(g.tensors[op.outputs[0]].num_elements());
    CHECK(plan->count == count);
    // Half an input slot holds a chunk of a and one of b; an output slot one of the result.
    CHECK(2 * uint64_t(plan->chunk) <= soc.npu.input.size_bytes / 2);
    CHECK(plan->chunk <= soc.npu.output.size_bytes / 2);
    uint64_t covered = 0;
    size_t vadds = 0;
    for (size_t i = layer.first_command; i < layer.end_command; ++i) {
      const Command& c = compiled.program.commands[i];
      if (c.op != Opcode::VectorAdd) continue;
      const auto& v = std::get<VectorAddCmd>(c.body);
      CHECK(v.a.offset == (vadds % 2) * plan->in_slot);
      CHECK(v.b.offset == v.a.offset + plan->chunk);
      CHECK(v.out.offset == (vadds % 2) * plan->out_slot);
      covered += v.count;
      ++vadds;
    }
    CHECK(vadds == plan->chunks);
    CHECK(covered == count);
    CHECK(layer.predicted_ps > 0);
  }
}

TEST_CASE("vector plan: an op the unit does not run, or an SoC without it, has no plan") {
  const ir::Graph g = resnet8();
  const SocConfig plain = load_soc_config(test::config_path("default"));
  const SocConfig soc = load_soc_config(test::config_path("default-vector"));
  for (const auto& op : g.ops) {
    std::string why;
    if (op.kind == ir::OpKind::Add) {
      CHECK(mapping::plan_vector_op(g, op, soc, &why));
      CHECK_FALSE(mapping::plan_vector_op(g, op, plain, &why));
      CHECK(why == "the SoC has no vector unit");
    } else {
      CHECK_FALSE(mapping::plan_vector_op(g, op, soc, &why));
      CHECK(why.find("has no vector mapping") != std::string::npos);
    }
  }
}
