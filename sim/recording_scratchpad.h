// RecordingScratchpad: a scratchpad port in front of the NPU's scratchpads
// that records what one unit reads and writes during a command, and passes
// the writes on or keeps them to itself. The vector unit's RTL engine lets
// the TLM unit run through one that keeps its writes (its reads are the RTL's
// operands, its writes say where the RTL's results go); lockstep runs the
// design under test through one that keeps its writes, so that only the
// reference's results reach the scratchpads.
#pragma once

#include <cstdint>
#include <vector>

#include "sim/scratchpad.h"

namespace kiln::sim {

// One functional access and its bytes.
struct SpmAccess {
  Buffer buf = Buffer::Input;
  uint64_t offset = 0;
  std::vector<int8_t> bytes;
};

class RecordingScratchpad final : public ScratchpadIf {
 public:
  // pass_writes: forward writes to `spm`; otherwise they are only recorded.
  RecordingScratchpad(ScratchpadIf& spm, bool pass_writes) : spm_(spm), pass_writes_(pass_writes) {}

  // Forgets the accesses recorded so far (before each command).
  void clear() {
    reads_.clear();
    writes_.clear();
  }
  const std::vector<SpmAccess>& reads() const { return reads_; }
  const std::vector<SpmAccess>& writes() const { return writes_; }

  void read(Buffer buf, uint64_t offset, void* dst, uint64_t len) const override {
    spm_.read(buf, offset, dst, len);
    const auto* p = static_cast<const int8_t*>(dst);
    reads_.push_back({buf, offset, std::vector<int8_t>(p, p + len)});
  }
  void write(Buffer buf, uint64_t offset, const void* src, uint64_t len) override {
    if (pass_writes_) spm_.write(buf, offset, src, len);
    const auto* p = static_cast<const int8_t*>(src);
    writes_.push_back({buf, offset, std::vector<int8_t>(p, p + len)});
  }
  sc_core::sc_time reserve(const std::vector<SpmRegion>& regions, const sc_core::sc_time& duration) override {
    return spm_.reserve(regions, duration);
  }
  unsigned port_bytes_per_cycle() const override { return spm_.port_bytes_per_cycle(); }

 private:
  ScratchpadIf& spm_;
  bool pass_writes_;
  mutable std::vector<SpmAccess> reads_;  // read() is const on the interface
  std::vector<SpmAccess> writes_;
};

}  // namespace kiln::sim
