#include "sim/lockstep_unit.h"

#include <fmt/format.h>

#include <algorithm>

namespace kiln::sim {

uint64_t UnitLockstepLog::mismatches() const {
  return uint64_t(std::count_if(records.begin(), records.end(), [](const UnitLockstepRecord& r) { return !r.ok(); }));
}

const UnitLockstepRecord* UnitLockstepLog::first_mismatch() const {
  for (const auto& r : records)
    if (!r.ok()) return &r;
  return nullptr;
}

LockstepUnit::LockstepUnit(const NpuUnitContext& c, NpuUnitMaker reference, NpuUnitMaker dut,
                           std::string reference_name, std::string dut_name, std::shared_ptr<UnitLockstepLog> log)
    : reference_spm_(c.spm, true),
      dut_spm_(c.spm, false),
      reference_(reference(NpuUnitContext{c.soc, c.config, reference_spm_, c.ctx})),
      dut_(dut(NpuUnitContext{c.soc, c.config, dut_spm_, c.ctx})),
      log_(std::move(log)) {
  log_->unit = reference_->name();
  log_->opcodes = reference_->opcodes();
  log_->reference_name = std::move(reference_name);
  log_->dut_name = std::move(dut_name);
}

namespace {

std::string region_text(const SpmAccess& w) {
  return fmt::format("{}[{}, {})", to_string(w.buf), w.offset, w.offset + w.bytes.size());
}

// Compares the two lists of writes: the same ranges, then byte by byte.
void compare_writes(const std::vector<SpmAccess>& expected, const std::vector<SpmAccess>& got, UnitLockstepRecord& r) {
  for (const auto& w : expected) r.elements += w.bytes.size();
  if (expected.size() != got.size()) {
    r.region_difference = fmt::format("{} writes expected, {} made", expected.size(), got.size());
    return;
  }
  uint64_t index = 0;
  for (size_t i = 0; i < expected.size(); ++i) {
    const SpmAccess &e = expected[i], &g = got[i];
    if (e.buf != g.buf || e.offset != g.offset || e.bytes.size() != g.bytes.size()) {
      r.region_difference = fmt::format("write {}: expected {}, got {}", i, region_text(e), region_text(g));
      return;
    }
    for (size_t j = 0; j < e.bytes.size(); ++j, ++index) {
      if (e.bytes[j] == g.bytes[j]) continue;
      if (!r.first) r.first = UnitLockstepElement{index, e.bytes[j], g.bytes[j]};
      ++r.differing_elements;
    }
  }
}

}  // namespace

UnitWork LockstepUnit::execute(const Command& cmd, int64_t index) {
  dut_spm_.clear();
  reference_spm_.clear();
  const UnitWork got = dut_->execute(cmd, index);
  const UnitWork expected = reference_->execute(cmd, index);

  UnitLockstepRecord r;
  r.command = uint64_t(index);
  r.call = log_->records.size();
  r.op = cmd.op;
  r.expected_cycles = expected.cycles;
  r.got_cycles = got.cycles;
  compare_writes(reference_spm_.writes(), dut_spm_.writes(), r);
  log_->records.push_back(std::move(r));
  return expected;
}

}  // namespace kiln::sim
