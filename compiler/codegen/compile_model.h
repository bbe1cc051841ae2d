// compile_model: the whole compiler pipeline from a graph to a Program.
//   partition (NPU or MCU per op, by capability and cost) -> memory plan
//   (SRAM arena by liveness, constants in flash) -> per layer: tiling by the
//   cost model, schedule, commands with tokens -> fences between NPU layers ->
//   End. It also returns what the reports need: per-layer command ranges,
//   predictions and roofline bounds, and where inputs and outputs live.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "arch/command.h"
#include "arch/error.h"
#include "arch/soc_config.h"
#include "compiler/ir/graph.h"
#include "compiler/mapping/tiling.h"
#include "compiler/passes/partition.h"

namespace kiln::codegen {

struct LayerInfo {
  int op_index = -1;
  std::string name;         // op name in the model
  std::string kind;         // ir::op_name
  passes::Unit unit = passes::Unit::Mcu;
  std::string reason;       // why it runs there
  bool in_float = false;    // it computes on float32 activations only: a float kernel (not quantize, dequantize)
  size_t first_command = 0, end_command = 0;  // its commands: [first, end)
  uint64_t macs = 0;
  passes::McuWork mcu;      // its MCU kernel's name, MACs and output elements (NPU layers too)
  double predicted_ps = 0;  // cost model (NPU) or cost table (MCU)
  double roofline_ps = 0;   // NPU layers: roofline bound; MCU layers: the cost-table time
  std::string tiling;       // NPU layers: mapping::describe
  mapping::ConvShape shape; // NPU layers: the implicit GEMM
  mapping::Tiling chosen;   // NPU layers: the tiling the commands follow
  uint64_t bytes_moved = 0; // NPU layers: DMA bytes of the schedule
};

struct TensorBinding {
  int tensor = -1;
  std::string name;
  uint64_t addr = 0;
  uint64_t bytes = 0;
  ir::Shape shape;
  float scale = 0;
  int32_t zero_point = 0;
  ir::DataType type = ir::DataType::Int8;  // Float32 at a float graph edge
};

struct CompiledModel {
  Program program;
  std::vector<LayerInfo> layers;
  std::vector<TensorBinding> inputs, outputs;
  uint64_t peak_sram_bytes = 0;
  uint64_t flash_bytes = 0;    // constants (weights, parameters), without the stream
  uint64_t stream_bytes = 0;
  // Spilled to the SoC's DRAM: the weights and the command stream (they did
  // not fit the flash), the activation arena (it did not fit the SRAM).
  bool weights_in_dram = false;
  bool activations_in_dram = false;
};

// The weight image and stream do not fit the flash (compile_model then tries
// the DRAM when the SoC has one).
struct FlashFull : Error {
  using Error::Error;
};

// Why op i's output cannot stay in the input scratchpad for op i+1
// (cascading, mapping::Tiling::output_resident); "" when it can: both on the
// NPU, op i+1 reads exactly that tensor, nothing else does, it is no model
// output. Whether tilings fit is the tiling's own question (mapping::fits).
std::string cascade_blocker(const ir::Graph& g, const std::vector<passes::Placement>& placement, size_t i);

// Tilings chosen outside the cost model, by op index (kiln tune's record).
using TilingChoices = std::map<int, mapping::Tiling>;
// Where each choice was written ("r8.json: layers[3].tuned"), by op index:
// an error about a choice names its origin first, so that a bad record field
// is reported against the record, not only against the model.
using ChoiceOrigins = std::map<int, std::string>;

// Throws kiln::Error naming the model and op when it cannot be compiled for
// the SoC (an op no unit runs, activations larger than SRAM, constants larger
// than flash, either without a DRAM to spill to, or larger than the DRAM) or at all (weight zero points, int32 outputs:
// passes::check_compilable). An NPU layer named in `choices` follows that
// tiling instead of the cost model's best; a choice for an op that is not on
// the NPU, or that does not fit the SoC, is refused with an error naming the op
// (and the choice's origin, when `origins` has one).
// `partition` chooses which units may run ops (passes::PartitionOptions).
CompiledModel compile_model(const ir::Graph& g, const SocConfig& soc, const TilingChoices& choices = {},
                            const ChoiceOrigins& origins = {}, const passes::PartitionOptions& partition = {});

}  // namespace kiln::codegen
