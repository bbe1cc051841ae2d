// Partition: decides, op by op, whether the NPU or the MCU runs it. The NPU
// runs what its array and post-processing unit compute exactly (convolutions,
// depthwise convolutions with depth multiplier 1 and fully connected layers)
// when it fits the scratchpads and the cost model finds it faster there, and
// what its vector unit computes (the ops a vector mapping takes,
// mapping/vector_op.h) when the SoC has one and its plan
// (mapping/vector_plan.h) is faster; everything else, and what does not fit,
// runs on the MCU's fallback kernels. Weight zero points and int32
// accumulator outputs run on neither (check_compilable).
#pragma once

#include <string>
#include <vector>

#include "arch/soc_config.h"
#include "compiler/ir/graph.h"
#include "compiler/mapping/conv_shape.h"
#include "compiler/mapping/tiler.h"
#include "compiler/mapping/vector_plan.h"

namespace kiln::passes {

// Npu: the array (and post-processing); Vector: the NPU's vector unit
// (npu.units.vector); None: no work (reshape aliases its input).
enum class Unit : uint8_t { Npu, Mcu, None, Vector };
const char* to_string(Unit u);

struct Placement {
  Unit unit = Unit::Mcu;
  std::string reason;         // why the op went where it went, for the report
  mapping::ConvShape shape;   // NPU ops: the implicit GEMM
  mapping::RankedTiling best; // NPU ops: the cost model's best tiling
  mapping::VectorPlan vector; // vector-unit ops: the chunks and their predicted cycles
  bool array_mapping = false; // the array can run it (shape holds its implicit GEMM)
  double mcu_cycles = 0;      // MCU cost-table estimate (MCU clock), for NPU-capable ops too
};

// MCU cycles of an op by the SoC's cost table (fixed + per_mac * MACs +
// per_element * output elements, both counted by the op's MCU kernel).
double mcu_cycles(const ir::Graph& g, const ir::Op& op, const SocConfig& soc);
// MACs of an op as its MCU kernel counts them (0 for data movement; pooling
// and mean: elements visited); the report's count for NPU layers too.
uint64_t op_macs(const ir::Graph& g, const ir::Op& op);

// What an op's MCU kernel does: its name in the cost table and the MACs and
// output elements it counts, the quantities the table's per_mac and
// per_element multiply (scripts/fit_mcu_profiles.py fits them per core).
struct McuWork {
  std::string kernel;
  uint64_t macs = 0, elements = 0;
};
McuWork mcu_work(const ir::Graph& g, const ir::Op& op);

// The implicit-GEMM shape of an NPU-capable op (Conv2d, FullyConnected); false otherwise.
bool npu_shape(const ir::Graph& g, const ir::Op& op, mapping::ConvShape* shape);

// Throws kiln::Error naming the model and the op for what neither unit
// computes as the reference interpreter defines it: weights with a non-zero
// zero point (ONNX; the NPU's post-processing folds only the input zero point
// into the bias, and the MCU kernels take no weight zero point) and outputs
// of another type than the op's MCU kernel writes (lowering::output_type):
// the Int32 raw accumulators of ConvInteger / MatMulInteger (both units
// requantize to int8). Refusing is better than computing something else.
void check_compilable(const ir::Graph& g);

// Which units the partition may use. A software-only deployment (`kiln
// compile --mcu-only`, the mcu-* strategies of `kiln compare`) keeps every op
// on the MCU of the same SoC, so its latency, memory and energy compare with
// the NPU's on one chip.
struct PartitionOptions {
  bool mcu_only = false;
};

// Calls check_compilable first.
std::vector<Placement> partition(const ir::Graph& g, const SocConfig& soc, const mapping::Residence& residence = {},
                                 const PartitionOptions& options = {});

}  // namespace kiln::passes
