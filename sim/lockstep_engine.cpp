#include "sim/lockstep_engine.h"

#include <algorithm>

namespace kiln {

uint64_t LockstepLog::mismatches() const {
  return uint64_t(std::count_if(records.begin(), records.end(), [](const LockstepRecord& r) { return !r.ok(); }));
}

const LockstepRecord* LockstepLog::first_mismatch() const {
  for (const auto& r : records)
    if (!r.ok()) return &r;
  return nullptr;
}

LockstepArrayEngine::LockstepArrayEngine(std::unique_ptr<ArrayEngine> reference, std::unique_ptr<ArrayEngine> dut,
                                         std::shared_ptr<LockstepLog> log)
    : reference_(std::move(reference)), dut_(std::move(dut)), log_(std::move(log)) {
  log_->reference_name = reference_->name();
  log_->dut_name = dut_->name();
}

std::string LockstepArrayEngine::name() const { return "lockstep(" + reference_->name() + "," + dut_->name() + ")"; }

ArrayResult LockstepArrayEngine::run(const ArrayTile& tile, int32_t* c) {
  const size_t elements = size_t(tile.m) * tile.n;
  // Both engines start from the same old accumulators.
  dut_c_.assign(c, c + elements);
  const ArrayResult expected = reference_->run(tile, c);
  const ArrayResult got = dut_->run(tile, dut_c_.data());

  LockstepRecord r;
  r.command = tile.command;
  r.call = log_->records.size();
  r.dataflow = tile.dataflow;
  r.m = tile.m;
  r.n = tile.n;
  r.k = tile.k;
  r.accumulate = tile.accumulate;
  r.expected_cycles = expected.cycles;
  r.got_cycles = got.cycles;
  for (size_t i = 0; i < elements; ++i) {
    if (c[i] == dut_c_[i]) continue;
    if (!r.first) r.first = LockstepElement{uint32_t(i / tile.n), uint32_t(i % tile.n), c[i], dut_c_[i]};
    ++r.differing_elements;
  }
  log_->records.push_back(r);
  return expected;
}

}  // namespace kiln
