#include "compiler/codegen/compile_model.h"

#include <fmt/format.h>

#include <optional>
#include <vector>

#include "arch/command_codec.h"
#include "arch/error.h"
#include "compiler/codegen/mcu_layer.h"
#include "compiler/codegen/npu_layer.h"
#include "compiler/codegen/vector_layer.h"
#include "compiler/mapping/cost_model.h"
#include "compiler/mapping/schedule.h"
#include "compiler/passes/memory_plan.h"

namespace kiln::codegen {
namespace {

TensorBinding bind(const ir::Graph& g, int t, const passes::MemoryPlan& plan) {
  const ir::Tensor& tensor = g.tensors[t];
  return {t,           tensor.name,         plan.tensors[t].addr,    tensor.byte_size(), tensor.shape,
          tensor.scale(), tensor.zero_point(), tensor.type};
}

}  // namespace

std::string cascade_blocker(const ir::Graph& g, const std::vector<passes::Placement>& placement, size_t i) {
  if (i + 1 >= g.ops.size() || placement[i].unit != passes::Unit::Npu || placement[i + 1].unit != passes::Unit::Npu)
    return "it and the next op are not both on the NPU";
  const int tensor = g.ops[i].outputs[0];
  if (g.ops[i + 1].inputs[0] != tensor) return "the next op reads another tensor";
  for (int out : g.outputs)
    if (out == tensor) return "it is an output of the model";
  for (size_t j = 0; j < g.ops.size(); ++j)
    if (j != i + 1)
      for (int in : g.ops[j].inputs)
        if (in == tensor) return g.describe(g.ops[j]) + " reads it too";
  if (placement[i].shape.output_bytes() != placement[i + 1].shape.input_bytes())
    return "the next op's input has another size";
  return "";
}

namespace {

// A cascaded pair (mapping::Tiling::output_resident / input_resident) is two
// consecutive NPU ops, the second reading exactly what the first writes, and
// nothing else reading it: the tensor never reaches SRAM.
// "record.json: layers[3].tuned: " for a choice read from a file, else "".
std::string origin_of(const ChoiceOrigins& origins, size_t op) {
  const auto it = origins.find(int(op));
  return it == origins.end() ? std::string() : it->second + ": ";
}

// "record.json: the tilings it chooses make " when choices were read from a
// file (a whole-program error such as a full flash may be theirs), else "".
std::string chooser_of(const ChoiceOrigins& origins) {
  if (origins.empty()) return {};
  const std::string& first = origins.begin()->second;
  return first.substr(0, first.rfind(": ")) + ": with the tilings it chooses, ";
}

void check_cascades(const ir::Graph& g, const std::vector<passes::Placement>& placement,
                    const ChoiceOrigins& origins) {
  for (size_t i = 0; i < g.ops.size(); ++i) {
    const auto& p = placement[i];
    if (p.unit != passes::Unit::Npu) continue;
    const auto& t = p.best.tiling;
    if (t.input_resident && (i == 0 || placement[i - 1].unit != passes::Unit::Npu ||
                             !placement[i - 1].best.tiling.output_resident))
      throw Error(fmt::format("{}{}: {}: its input is chosen resident in the input scratchpad, but the op before it "
                              "does not leave its output there",
                              origin_of(origins, i), g.source, g.describe(g.ops[i])));
    if (!t.output_resident) continue;
    const std::string what = fmt::format("{}{}: {}: its output is chosen to stay in the input scratchpad, but ",
                                         origin_of(origins, i), g.source, g.describe(g.ops[i]));
    if (i + 1 >= g.ops.size() || placement[i + 1].unit != passes::Unit::Npu ||
        !placement[i + 1].best.tiling.input_resident)
      throw Error(what + "the next op does not read it from there");
    const std::string blocker = cascade_blocker(g, placement, i);
    if (!blocker.empty()) throw Error(what + blocker);
  }
}

}  // namespace

namespace {

// The constants some op reads: a rewrite may leave one that none reads (a
// transpose convolution's filter before it was flipped), which the flash
// image never holds, so it must not push the weights to the DRAM either.
uint64_t constant_bytes(const ir::Graph& g) {
  std::vector<bool> read(g.tensors.size(), false);
  for (const auto& op : g.ops)
    for (int id : op.inputs)
      if (id >= 0) read[size_t(id)] = true;
  uint64_t total = 0;
  for (size_t t = 0; t < g.tensors.size(); ++t)
    if (read[t] && g.tensors[t].is_constant()) total += g.tensors[t].byte_size();
  return total;
}

CompiledModel compile_for(const ir::Graph& g, const SocConfig& soc, const TilingChoices& choices,
                          const ChoiceOrigins& origins, mapping::Residence residence,
                          const passes::PartitionOptions& partition);

}  // namespace

CompiledModel compile_model(const ir::Graph& g, const SocConfig& soc, const TilingChoices& choices,
                            const ChoiceOrigins& origins, const passes::PartitionOptions& partition) {
  const MemoryConfig* flash_mem = soc.first_of_kind(MemoryKind::Flash);
  if (!flash_mem) throw Error(soc.source + ": the SoC has no flash for weights");
  // Weights go to the DRAM when they cannot fit the flash: at once when the
  // constants alone are larger, else after a compile that finds the image
  // (with its post-processing records and the command stream) too large.
  mapping::Residence residence;
  const bool has_dram = soc.first_of_kind(MemoryKind::Dram) != nullptr;
  residence.weights_in_dram = has_dram && constant_bytes(g) > flash_mem->size_bytes;
  try {
    return compile_for(g, soc, choices, origins, residence, partition);
  } catch (const FlashFull&) {
    if (!has_dram || residence.weights_in_dram) throw;
  }
  residence.weights_in_dram = true;
  return compile_for(g, soc, choices, origins, residence, partition);
}

namespace {

CompiledModel compile_for(const ir::Graph& g, const SocConfig& soc, const TilingChoices& choices,
                          const ChoiceOrigins& origins, mapping::Residence residence,
                          const passes::PartitionOptions& partition) {
  // The memory plan depends only on which ops alias their input (reshapes),
  // so where the arena lives is known before tilings are chosen for it.
  std::vector<passes::Placement> aliasing(g.ops.size());
  for (size_t i = 0; i < g.ops.size(); ++i)
    if (g.ops[i].kind == ir::OpKind::Reshape) aliasing[i].unit = passes::Unit::None;
  std::optional<passes::MemoryPlan> early;
  try {
    early = passes::plan_memory(g, aliasing, soc);
  } catch (const Error&) {
    // Too large even for a DRAM: partition first so that its errors come first.
  }
  residence.activations_in_dram = early && early->in_dram;
  auto placement = passes::partition(g, soc, residence, partition);
  const auto plan = passes::plan_memory(g, placement, soc);
  const MemoryConfig* flash_mem =
      soc.first_of_kind(residence.weights_in_dram ? MemoryKind::Dram : MemoryKind::Flash);
  // In a DRAM that also holds the activations, the weight image follows the arena.
  const uint64_t image_base =
      flash_mem->base + (residence.weights_in_dram && plan.in_dram ? (plan.arena_bytes + 4095) / 4096 * 4096 : 0);
  const mapping::CostModel model(soc, {}, residence);
  for (const auto& [index, tiling] : choices) {
    if (index < 0 || size_t(index) >= g.ops.size())
      throw Error(fmt::format("{}{}: a tiling is chosen for op {}, the model has {} ops",
                              origin_of(origins, size_t(index)), g.source, index, g.ops.size()));
    passes::Placement& p = placement[size_t(index)];
    const std::string op = g.describe(g.ops[size_t(index)]);
    const std::string origin = origin_of(origins, size_t(index));
    // An op placed on the vector unit that the array also runs (a depthwise
    // convolution) goes to the array when a tiling is chosen for it.
    if (p.unit == passes::Unit::Vector && p.array_mapping)
      p.unit = passes::Unit::Npu, p.reason = "array: its tiling is chosen";
    if (p.unit != passes::Unit::Npu)
      throw Error(fmt::format("{}{}: {}: a tiling is chosen for it, but it runs on the {} for {}", origin, g.source,
                              op, passes::to_string(p.unit), soc.name));
    std::string why;
    if (!mapping::fits(p.shape, tiling, soc, &why))
      throw Error(fmt::format("{}{}: {}: the chosen tiling {} does not fit {}: {}", origin, g.source, op,
                              mapping::describe(tiling), soc.name, why));
    p.best = {tiling, model.predict(mapping::build_schedule(p.shape, tiling))};
  }
  check_cascades(g, placement, origins);

  CompiledModel out;
  FlashImage flash(image_base);
  std::vector<uint64_t> addr(g.tensors.size(), 0);
  for (size_t t = 0; t < g.tensors.size(); ++t) addr[t] = plan.tensors[t].addr;
  auto& cmds = out.program.commands;
  const double npu_ps = 1e6 / soc.npu.clock_mhz, mcu_ps = 1e6 / soc.mcu.clock_mhz;

  // Schedules first: a layer emits the next NPU layer's prefetched weights.
  std::vector<mapping::LayerSchedule> scheds(g.ops.size());
  std::vector<size_t> next_npu(g.ops.size(), g.ops.size());
  // Resident weights pack from the end of each weight bank, or from its start
  // when the previous NPU layer's pack from the end, so a layer's prefetch
  // does not wait for the one before to stop reading (mapping::weight_slot_offset).
  std::vector<bool> weights_high(g.ops.size(), false);
  bool previous_high = false;
  size_t previous_npu = g.ops.size();
  for (size_t i = 0; i < g.ops.size(); ++i) {
    if (placement[i].unit != passes::Unit::Npu) continue;
    const mapping::Tiling& t = placement[i].best.tiling;
    scheds[i] = mapping::build_schedule(placement[i].shape, t);
    weights_high[i] = t.weights_resident && !previous_high;
    previous_high = weights_high[i];
    if (t.prefetch_weights && previous_npu == g.ops.size())
      throw Error(fmt::format("{}{}: {}: its weights are chosen to be prefetched during the previous NPU layer, but "
                              "it is the first layer on the NPU",
                              origin_of(origins, i), g.source, g.describe(g.ops[i])));
    if (previous_npu < g.ops.size()) next_npu[previous_npu] = i;
    previous_npu = i;
  }
  std::optional<WeightPrefetch> incoming;  // this layer's chunk, loaded by the previous NPU layer
  uint64_t resident = 0;                   // where the previous layer left a resident output

  for (size_t i = 0; i < g.ops.size(); ++i) {
    const ir::Op& op = g.ops[i];
    const passes::Placement& p = placement[i];
    LayerInfo layer;
    layer.op_index = int(i);
    layer.name = op.name;
    layer.kind = ir::op_name(op);
    layer.unit = p.unit;
    layer.reason = p.reason;
    layer.in_float = true;
    for (const std::vector<int>* tensors : {&op.inputs, &op.outputs})
      for (int t : *tensors)
        layer.in_float = layer.in_float && (g.tensors[size_t(t)].is_constant() ||
                                            g.tensors[size_t(t)].type == ir::DataType::Float32);
    layer.macs = passes::op_macs(g, op);
    if (p.unit != passes::Unit::None) layer.mcu = passes::mcu_work(g, op);
    layer.first_command = cmds.size();
    if (p.unit == passes::Unit::Npu) {
      const auto& sched = scheds[i];
      std::optional<WeightPrefetch> outgoing;
      const size_t j = next_npu[i];
      if (j < g.ops.size() && placement[j].best.tiling.prefetch_weights)
        outgoing = prefetch_weights(g, g.ops[j], scheds[j], soc, weights_high[j], flash);
      const auto code =
          emit_npu_layer(g, op, sched, soc, {addr[op.inputs[0]], addr[op.outputs[0]], resident, weights_high[i]}, flash,
                         incoming ? &*incoming : nullptr, outgoing ? &*outgoing : nullptr);
      resident = mapping::resident_output_offset(p.shape, p.best.tiling, soc, resident);
      incoming = outgoing;
      cmds.insert(cmds.end(), code.commands.begin(), code.commands.end());
      // The next layer may read what this one stores: drain the queues first.
      cmds.push_back({Opcode::Fence, {}, FenceCmd{}});
      layer.predicted_ps = p.best.prediction.cycles * npu_ps;
      layer.roofline_ps = p.best.prediction.roofline * npu_ps;
      layer.tiling = mapping::describe(p.best.tiling);
      layer.shape = p.shape;
      layer.chosen = p.best.tiling;
      layer.bytes_moved = sched.input_bytes_moved + sched.weight_bytes_moved + sched.output_bytes_moved;
    } else if (p.unit == passes::Unit::Vector) {
      const auto code = emit_vector_layer(g, op, p.vector, soc, addr, flash);
      cmds.insert(cmds.end(), code.begin(), code.end());
      cmds.push_back({Opcode::Fence, {}, FenceCmd{}});  // as after an array layer
      layer.predicted_ps = p.vector.cycles * npu_ps;
      layer.roofline_ps = p.vector.roofline * npu_ps;
      layer.tiling = fmt::format("vector: {} chunk(s) of {} {}", p.vector.chunks, p.vector.chunk,
                                 vector_chunked_by(op));
      layer.bytes_moved = p.vector.bytes_moved;
    } else if (p.unit == passes::Unit::Mcu) {
      cmds.push_back(emit_mcu_op(g, op, addr, flash));
      layer.predicted_ps = layer.roofline_ps = p.mcu_cycles * mcu_ps;
    }
    layer.end_command = cmds.size();
    out.layers.push_back(layer);
  }
  cmds.push_back({Opcode::End, {}, EndCmd{}});

  out.flash_bytes = flash.bytes().size();
  if (!flash.bytes().empty()) out.program.images.push_back({flash_mem->name, flash.base(), flash.bytes()});
  out.stream_bytes = encode_commands(cmds).size();
  const uint64_t used = image_base - flash_mem->base + out.flash_bytes + out.stream_bytes;
  if (used > flash_mem->size_bytes) {
    const std::string message =
        fmt::format("{}{}: weights and command stream need {} bytes of {}, {} '{}' has {} bytes", chooser_of(origins), g.source, used,
                    to_string(flash_mem->kind), soc.name, flash_mem->name, flash_mem->size_bytes);
    if (flash_mem->kind == MemoryKind::Flash) throw FlashFull(message);
    throw Error(message);
  }
  if (residence.weights_in_dram) {  // the stream follows the weights (the loader's default is flash)
    out.program.stream_memory = flash_mem->name;
    out.program.stream_addr = (flash.base() + out.flash_bytes + 15) / 16 * 16;
  }
  out.weights_in_dram = residence.weights_in_dram;
  out.activations_in_dram = plan.in_dram;
  out.peak_sram_bytes = plan.arena_bytes;
  for (int t : g.inputs) out.inputs.push_back(bind(g, t, plan));
  for (int t : g.outputs) out.outputs.push_back(bind(g, t, plan));
  return out;
}

}  // namespace

}  // namespace kiln::codegen
