// The vector unit (npu.units.vector): int8 work in the NPU's activation
// buffers, `lanes` elements (or channels) per NPU cycle. It executes the
// commands the command table gives it (the rows of arch/command.h whose
// unit is kVectorUnit), each through the executor its file in sim/vector/
// registers (sim/vector_command.h), which computes with the kernels of
// kernels/ and so agrees with the reference interpreter bit for bit. A
// command's time and the regions it holds are its row's (closed form and
// operands), the ones the compiler predicts with.
#pragma once

#include <cstdint>
#include <vector>

#include "arch/command.h"
#include "sim/npu_unit.h"
#include "sim/vector_command.h"
#include "sim/vector_context.h"

namespace kiln::sim {

class VectorUnit final : public NpuUnit {
 public:
  // Throws kiln::Error (check_vector_commands) when `commands` lacks an
  // executor for a command the table gives the unit: a start-up error.
  VectorUnit(const NpuConfig& npu, ScratchpadIf& spm, unsigned lanes,
             const VectorCommands& commands = VectorCommands::instance());
  std::string name() const override { return kVectorUnit.name; }
  std::vector<Opcode> opcodes() const override { return unit_commands(kVectorUnit.name); }
  UnitWork execute(const Command& cmd, int64_t index) override;
  // Its rescales, adds and multiply-accumulates per command, as docs/energy.md, "Vector unit", counts them.
  void count_actions(ActionCounts& a) const override;

 private:
  const NpuConfig& npu_;
  unsigned lanes_;
  const VectorCommands& commands_;
  VectorContext context_;
};

}  // namespace kiln::sim
