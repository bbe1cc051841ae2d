// LockstepUnit: runs every command of an NPU unit on two implementations of
// it (the TLM unit as reference, its RTL engine as the design under test) and
// records for each command whether what they wrote to the scratchpads, and
// the cycles they took, agree. The design under test runs first, on the
// scratchpads as they are, and keeps its writes to itself; then the
// reference runs and its results and timing are the simulation's. So every
// command is compared on the inputs the reference model gives it, and one
// fault does not hide the next, as LockstepArrayEngine does for the array.
// `kiln verify` (tools/cmd_verify.cpp) prints what it recorded.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sim/npu_unit.h"
#include "sim/recording_scratchpad.h"

namespace kiln::sim {

// The first byte at which the two implementations' results differ.
struct UnitLockstepElement {
  uint64_t index = 0;  // in the command's output, in the order it was written
  int32_t expected = 0, got = 0;
};

// One command as both implementations ran it.
struct UnitLockstepRecord {
  uint64_t command = 0;  // index in the stream
  uint64_t call = 0;     // unit call, 0-based
  Opcode op = Opcode::End;
  uint64_t elements = 0;  // output bytes the reference wrote
  uint64_t expected_cycles = 0, got_cycles = 0;
  uint64_t differing_elements = 0;
  // Set when the two wrote different scratchpad ranges: what differs.
  std::string region_difference;
  std::optional<UnitLockstepElement> first;  // set when a byte differs

  bool results_match() const { return differing_elements == 0 && region_difference.empty(); }
  bool cycles_match() const { return expected_cycles == got_cycles; }
  bool ok() const { return results_match() && cycles_match(); }
};

struct UnitLockstepLog {
  std::string unit, reference_name, dut_name;
  std::vector<Opcode> opcodes;              // the commands the unit executes
  std::vector<UnitLockstepRecord> records;  // every command of the unit, in execution order

  uint64_t mismatches() const;
  const UnitLockstepRecord* first_mismatch() const;
};

// Builds one implementation of a unit on the given context (whose scratchpad
// port is the lockstep's recorder).
using NpuUnitMaker = std::unique_ptr<NpuUnit> (*)(const NpuUnitContext&);

class LockstepUnit final : public NpuUnit {
 public:
  LockstepUnit(const NpuUnitContext& c, NpuUnitMaker reference, NpuUnitMaker dut, std::string reference_name,
               std::string dut_name, std::shared_ptr<UnitLockstepLog> log);
  std::string name() const override { return reference_->name(); }
  std::vector<Opcode> opcodes() const override { return reference_->opcodes(); }
  UnitWork execute(const Command& cmd, int64_t index) override;
  // The reference's: its results and timing are the simulation's.
  void count_actions(ActionCounts& a) const override { reference_->count_actions(a); }

 private:
  RecordingScratchpad reference_spm_, dut_spm_;
  std::unique_ptr<NpuUnit> reference_, dut_;
  std::shared_ptr<UnitLockstepLog> log_;
};

}  // namespace kiln::sim
