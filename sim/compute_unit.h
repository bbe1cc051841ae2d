// The NPU's compute unit: gathers a tile's operands from the scratchpads (A
// from Input, expanded as an implicit GEMM for a convolution; B from Weight),
// runs it on the array engine, and writes C into the accumulator buffer.
// Functional only; the NPU's compute queue charges the returned cycles while
// holding the banks of regions().
#pragma once

#include <vector>

#include "arch/command.h"
#include "sim/array_engine.h"
#include "sim/scratchpad.h"

namespace kiln::sim {

class ComputeUnit {
 public:
  ComputeUnit(ScratchpadIf& spm, ArrayEngine& engine) : spm_(spm), engine_(engine) { stats_.engine = engine.name(); }

  // `command` is the stream index, passed on to the engine (ArrayTile::command).
  ArrayResult run(const GemmCmd& g, uint64_t command);
  ArrayResult run(const ConvCmd& c, uint64_t command);

  // Scratchpad bytes a command reads or writes (A, B, C).
  static std::vector<SpmRegion> regions(const GemmCmd& g);
  static std::vector<SpmRegion> regions(const ConvCmd& c);

  const ArrayEngineStats& stats() const { return stats_; }

 private:
  // B as stored into b_: `rows` rows of n bytes, b_stride apart.
  void read_b(uint32_t b_addr, uint32_t b_stride, uint32_t rows, uint32_t n);
  ArrayResult run_tile(Dataflow dataflow, uint32_t m, uint32_t n, uint32_t k, const std::vector<int8_t>& a,
                       const std::vector<int8_t>& b, uint32_t c_addr, uint32_t c_stride, bool accumulate,
                       uint64_t command);

  ScratchpadIf& spm_;
  ArrayEngine& engine_;
  ArrayEngineStats stats_;
  // A tile's operands and accumulators, kept between commands so that a
  // tile costs no allocation (the compute queue runs one command at a time).
  std::vector<int8_t> input_, padded_, a_, b_, diagonal_;
  std::vector<int32_t> c_;
};

}  // namespace kiln::sim
