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

TEST_CASE("vector plan: adds and pooling go to the vector unit only on an SoC that has one") {
  const ir::Graph g = resnet8();
  const auto plain = codegen::compile_model(g, load_soc_config(test::config_path("default")));
  CHECK(layers_on(plain, passes::Unit::Vector) == 0);
  const SocConfig soc = load_soc_config(test::config_path("default-vector"));
  const auto with_vector = codegen::compile_model(g, soc);
  // The three adds and the average pool.
  CHECK(layers_on(with_vector, passes::Unit::Vector) == 4);
  CHECK(layers_on(with_vector, passes::Unit::Npu) == layers_on(plain, passes::Unit::Npu));
  CHECK(layers_on(with_vector, passes::Unit::Mcu) + 4 == layers_on(plain, passes::Unit::Mcu));
  const auto mcu_only = codegen::compile_model(g, soc, {}, {}, passes::PartitionOptions{true});
  CHECK(layers_on(mcu_only, passes::Unit::Vector) == 0);
  validate_program(with_vector.program, soc, "resnet8");
}

TEST_CASE("vector plan: the vadds of a layer cover its elements once, chunk by chunk") {
  const ir::Graph g = resnet8();
  const SocConfig soc = load_soc_config(test::config_path("default-vector"));
  const auto compiled = codegen::compile_model(g, soc);
  for (const auto& layer : compiled.layers) {
    const ir::Op& op = g.ops[size_t(layer.op_index)];
    if (layer.unit != passes::Unit::Vector || op.kind != ir::OpKind::Add) continue;
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
    if (op.kind == ir::OpKind::Add || op.kind == ir::OpKind::AvgPool) {
      CHECK(mapping::plan_vector_op(g, op, soc, &why));
      CHECK_FALSE(mapping::plan_vector_op(g, op, plain, &why));
      CHECK(why == "the SoC has no vector unit");
    } else {
      CHECK_FALSE(mapping::plan_vector_op(g, op, soc, &why));
      CHECK(why.find("has no vector mapping") != std::string::npos);
    }
  }
}

namespace {

bool is_pool(ir::OpKind k) { return k == ir::OpKind::AvgPool || k == ir::OpKind::MaxPool; }

}  // namespace

// DS-CNN and MobileNetV1-VWW end in an average pool: on the vector unit, in
// chunks of channels whose vavgpools cover every channel once with the
// layer's whole window.
TEST_CASE("vector plan: pooling goes to the vector unit, its chunks cover every channel once") {
  const SocConfig soc = load_soc_config(test::config_path("default-vector"));
  for (const char* model : {"dscnn_kws.onnx", "mobilenet_v1_025_vww.onnx", "resnet8.onnx"}) {
    INFO(model);
    const ir::Graph g = frontend::load_model(test::source_dir() + "/workloads/" + model);
    const auto compiled = codegen::compile_model(g, soc);
    validate_program(compiled.program, soc, model);
    size_t pools = 0;
    for (const auto& layer : compiled.layers) {
      const ir::Op& op = g.ops[size_t(layer.op_index)];
      if (!is_pool(op.kind)) continue;
      ++pools;
      CHECK(layer.unit == passes::Unit::Vector);
      std::string why;
      const auto plan = mapping::plan_vector_op(g, op, soc, &why);
      REQUIRE(plan);
      const ir::Tensor& in = g.tensors[op.inputs[0]];
      CHECK(plan->count == uint64_t(in.shape[3]));
      uint64_t channels = 0;
      size_t commands = 0;
      for (size_t i = layer.first_command; i < layer.end_command; ++i) {
        const Command& c = compiled.program.commands[i];
        if (c.op != Opcode::VectorAvgPool && c.op != Opcode::VectorMaxPool) continue;
        CHECK((c.op == Opcode::VectorAvgPool) == (op.kind == ir::OpKind::AvgPool));
        const auto& v = std::get<VectorPoolCmd>(c.body);
        CHECK(v.in_h == in.shape[1]);
        CHECK(v.kh == op.window.kernel_h);
        CHECK(uint64_t(v.in_h) * v.in_w * v.c <= plan->in_slot);
        channels += v.c;
        ++commands;
      }
      CHECK(commands == plan->chunks);
      CHECK(channels == plan->count);
    }
    CHECK(pools >= 1);
  }
}

// TFLite's MEAN over H and W runs as vmean, bit for bit (tests/tools runs it).
TEST_CASE("vector plan: a mean over H and W goes to the vector unit as vmean, every channel once") {
  const SocConfig soc = load_soc_config(test::config_path("default-vector"));
  for (const char* model : {"mean_over_hw.tflite", "mean_over_hw_without_keep_dims.tflite"}) {
    INFO(model);
    const ir::Graph g = frontend::load_model(test::source_dir() + "/tests/data/models/tflite/" + model);
    const auto compiled = codegen::compile_model(g, soc);
    validate_program(compiled.program, soc, model);
    size_t means = 0;
    for (const auto& layer : compiled.layers) {
      const ir::Op& op = g.ops[size_t(layer.op_index)];
      if (op.kind != ir::OpKind::Mean) continue;
      ++means;
      CHECK(layer.unit == passes::Unit::Vector);
      uint64_t channels = 0;
      for (size_t i = layer.first_command; i < layer.end_command; ++i) {
        const Command& c = compiled.program.commands[i];
        if (c.op != Opcode::VectorMean) continue;
        const auto& v = std::get<VectorMeanCmd>(c.body);
        CHECK(v.h == g.tensors[op.inputs[0]].shape[1]);
        CHECK(v.mult == op.rescale.multiplier.at(0));
        channels += v.c;
      }
      CHECK(channels == uint64_t(g.tensors[op.inputs[0]].shape[3]));
    }
    CHECK(means == 1);
  }
}
