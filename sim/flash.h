// Flash on the system bus (weights, the command stream). Read-only while the
// program runs (the loader fills it before time 0). A burst costs one bus cycle
// per beat plus wait_states bus cycles per read_width-aligned word it touches.
#pragma once

#include "sim/memory_target.h"

namespace kiln::sim {

class Flash final : public MemoryTarget {
 public:
  Flash(sc_core::sc_module_name name, const MemoryConfig& config, const BusConfig& bus)
      : MemoryTarget(name, config, bus) {}

 protected:
  sc_core::sc_time access_time(bool write, uint64_t offset, uint64_t len, const sc_core::sc_time& start,
                               sc_core::sc_time* bank_wait) override;
  bool writable_at_run_time() const override { return false; }
};

}  // namespace kiln::sim
