// SRAM on the system bus (activations), interleaved over `banks` banks of
// bank_width bytes: byte a is in bank (a / bank_width) % banks. A beat occupies
// every bank it touches for 1 + wait_states bus cycles; beats follow one per
// bus cycle unless a bank they need is still busy (a bank conflict, counted as
// bank wait). Bank occupancy persists across bursts (sim/sram_banks.h).
#pragma once

#include "sim/memory_target.h"
#include "sim/sram_banks.h"

namespace kiln::sim {

class Sram final : public MemoryTarget {
 public:
  Sram(sc_core::sc_module_name name, const MemoryConfig& config, const BusConfig& bus);

 protected:
  sc_core::sc_time access_time(bool write, uint64_t offset, uint64_t len, const sc_core::sc_time& start,
                               sc_core::sc_time* bank_wait) override;
  bool writable_at_run_time() const override { return true; }

 private:
  SramBanks banks_;
};

}  // namespace kiln::sim
