// ArrayEngine: what the NPU's compute unit asks of the systolic array for one
// tile. Implementations are registered by name (sim/unit_registry.h) and
// chosen by npu.array.engine: "tlm", the closed-form timing of
// arch/array_timing.h plus a functional int8 GEMM (array_engine_tlm.cpp), and
// "rtl", the Verilated RTL core behind the same interface (array_engine_rtl.h).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "arch/soc_config.h"
#include "sim/unit_registry.h"

namespace kiln {

// Dense operands of one tile, already gathered from the scratchpads
// (for a ConvCmd the compute unit has expanded the implicit-GEMM A matrix).
struct ArrayTile {
  Dataflow dataflow = Dataflow::WeightStationary;
  uint32_t m = 0, n = 0, k = 0;
  const int8_t* a = nullptr;  // M x K, row-major, contiguous
  const int8_t* b = nullptr;  // K x N, row-major, contiguous
  bool accumulate = false;    // add to c instead of overwriting it
  uint64_t command = 0;       // index of the array command in the stream (reports, VCD ranges)
};

struct ArrayResult {
  uint64_t cycles = 0;        // NPU clock cycles the array was busy
  uint64_t macs = 0;
};

// What the engine of a run did and what it cost in wall time: the speed of
// the TLM closed form against RTL co-simulation (scripts/bench_rtl.sh).
struct ArrayEngineStats {
  std::string engine;
  uint64_t commands = 0;
  uint64_t cycles = 0;        // array cycles, summed over the commands
  double wall_seconds = 0;    // inside ArrayEngine::run
};

class ArrayEngine {
 public:
  virtual ~ArrayEngine() = default;
  // Computes c (M x N int32, row-major, contiguous) for the tile; c holds the
  // previous accumulator values on entry when tile.accumulate is set.
  // int32 accumulation wraps (two's complement), as the hardware does.
  virtual ArrayResult run(const ArrayTile& tile, int32_t* c) = 0;
  virtual std::string name() const = 0;
};

// Builds the array engine of a run in place of the one the config names
// (kiln verify: both engines in lockstep).
using ArrayEngineFactory = std::function<std::unique_ptr<ArrayEngine>(const NpuConfig& npu)>;

// Array engines by name: a new engine is one file that registers its factory,
//   KILN_REGISTER_UNIT(ArrayEngineRegistry, "name", make_my_engine)
// plus its entry in arch/unit_catalog.cpp (the names a SoC config may use).
using ArrayEngineRegistry = UnitRegistry<ArrayEngine, const NpuConfig&>;

// The engine named by the config (npu.engine), from the registry; throws
// kiln::Error with a clear message when it is not available in this build.
std::unique_ptr<ArrayEngine> make_array_engine(const NpuConfig& npu);

// The TLM engine alone (array_engine_tlm.cpp).
std::unique_ptr<ArrayEngine> make_tlm_array_engine(const NpuConfig& npu);

}  // namespace kiln
