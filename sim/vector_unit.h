// The vector unit (npu.units.vector): int8 element-wise work in the NPU's
// activation buffers, `lanes` elements per NPU cycle, computed with the
// kernels of kernels/ so that it agrees with the reference interpreter bit
// for bit. Its timing per command is the closed form of arch/vector_timing.h.
#pragma once

#include <cstdint>
#include <vector>

#include "arch/command.h"
#include "sim/channel_records.h"
#include "sim/npu_unit.h"

namespace kiln::sim {

class VectorUnit final : public NpuUnit {
 public:
  VectorUnit(const NpuConfig& npu, ScratchpadIf& spm, unsigned lanes) : npu_(npu), spm_(spm), lanes_(lanes) {}
  std::string name() const override { return "vector"; }
  std::vector<Opcode> opcodes() const override {
    return {Opcode::VectorAdd, Opcode::VectorAvgPool, Opcode::VectorMaxPool, Opcode::VectorRequantize,
            Opcode::VectorMean, Opcode::VectorMax, Opcode::VectorMin, Opcode::VectorSub, Opcode::VectorMul,
            Opcode::VectorLut, Opcode::VectorDepthwise};
  }
  UnitWork execute(const Command& cmd, int64_t index) override;
  // Its rescales, adds and multiply-accumulates per command, as docs/energy.md, "Vector unit", counts them.
  void count_actions(ActionCounts& a) const override;

 private:
  UnitWork add(const Command& cmd);
  UnitWork pool(const Command& cmd);       // vavgpool, vmaxpool
  UnitWork requantize(const Command& cmd);
  UnitWork mean(const Command& cmd);
  UnitWork max_min(const Command& cmd);  // vmax, vmin
  // sim/vector_unit_arith.cpp
  UnitWork sub(const Command& cmd);  // vsub
  UnitWork mul(const Command& cmd);  // vmul
  UnitWork lut(const Command& cmd);  // vlut
  UnitWork depthwise(const Command& cmd);  // vdwconv (sim/vector_unit_depthwise.cpp)
  // Reads two operands of `count` bytes into a_ and b_ and sizes out_.
  void read_pair(const SpmAddr& a, const SpmAddr& b, uint32_t count);

  const NpuConfig& npu_;
  ScratchpadIf& spm_;
  unsigned lanes_;
  uint64_t rescales_ = 0, adds_ = 0, macs_ = 0;
  std::vector<int8_t> a_, b_, out_;  // kept between commands: no allocation per command
  ChannelRecords records_;           // vdwconv's, likewise
};

}  // namespace kiln::sim
