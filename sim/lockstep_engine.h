// LockstepArrayEngine: runs every array command on two engines (the TLM
// engine as reference, the Verilated RTL core as the design under test) with
// the same operands and the same old accumulators, and records for each
// command whether their results and cycle counts agree. The simulation goes on
// with the reference's result and timing, so every command is compared on the
// inputs the reference model would give it and one fault does not hide the
// next. `kiln verify` (tools/cmd_verify.cpp) prints what it recorded.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sim/array_engine.h"

namespace kiln {

// The first element (row-major within the tile) at which the two engines differ.
struct LockstepElement {
  uint32_t row = 0, col = 0;
  int32_t expected = 0;  // reference engine
  int32_t got = 0;       // design under test
};

// One array command as both engines ran it.
struct LockstepRecord {
  uint64_t command = 0;  // index in the stream
  uint64_t call = 0;     // engine call, 0-based
  Dataflow dataflow = Dataflow::WeightStationary;
  uint32_t m = 0, n = 0, k = 0;
  bool accumulate = false;
  uint64_t expected_cycles = 0, got_cycles = 0;
  uint64_t differing_elements = 0;
  std::optional<LockstepElement> first;  // set when differing_elements > 0

  bool results_match() const { return differing_elements == 0; }
  bool cycles_match() const { return expected_cycles == got_cycles; }
  bool ok() const { return results_match() && cycles_match(); }
};

// What a lockstep run found; owned by the caller, filled by the engine.
struct LockstepLog {
  std::string reference_name, dut_name;
  std::vector<LockstepRecord> records;  // every array command, in execution order

  uint64_t mismatches() const;       // records that are not ok()
  const LockstepRecord* first_mismatch() const;
};

class LockstepArrayEngine final : public ArrayEngine {
 public:
  LockstepArrayEngine(std::unique_ptr<ArrayEngine> reference, std::unique_ptr<ArrayEngine> dut,
                      std::shared_ptr<LockstepLog> log);
  ArrayResult run(const ArrayTile& tile, int32_t* c) override;
  std::string name() const override;

 private:
  std::unique_ptr<ArrayEngine> reference_, dut_;
  std::shared_ptr<LockstepLog> log_;
  std::vector<int32_t> dut_c_;
};

}  // namespace kiln
