// The built-in NPU unit "array": gemm and conv through the compute unit
// (sim/compute_unit.h) on the array engine the config names (or the one
// kiln verify puts in its place, SimContext::make_array_engine).
#pragma once

#include <memory>

#include "sim/array_engine.h"
#include "sim/compute_unit.h"
#include "sim/npu_unit.h"

namespace kiln::sim {

class ArrayUnit final : public NpuUnit {
 public:
  explicit ArrayUnit(const NpuUnitContext& c);
  std::string name() const override { return "array"; }
  std::vector<Opcode> opcodes() const override { return {Opcode::Gemm, Opcode::Conv}; }
  UnitWork execute(const Command& cmd, int64_t index) override;
  const ArrayEngineStats& stats() const { return compute_.stats(); }

 private:
  std::unique_ptr<ArrayEngine> engine_;
  ComputeUnit compute_;
};

}  // namespace kiln::sim
