// DRAM on the system bus (large weights and activations that flash and SRAM
// cannot hold). A burst costs latency_cycles bus cycles for its first data,
// then the slower of one bus cycle per beat and the device's peak rate of
// bytes_per_cycle; the bus stays held for all of it (no split transactions),
// so bursts to the DRAM follow one another.
#pragma once

#include "sim/memory_target.h"

namespace kiln::sim {

class Dram final : public MemoryTarget {
 public:
  Dram(sc_core::sc_module_name name, const MemoryConfig& config, const BusConfig& bus)
      : MemoryTarget(name, config, bus) {}

 protected:
  sc_core::sc_time access_time(bool write, uint64_t offset, uint64_t len, const sc_core::sc_time& start,
                               sc_core::sc_time* bank_wait) override;
  bool writable_at_run_time() const override { return true; }
};

}  // namespace kiln::sim
