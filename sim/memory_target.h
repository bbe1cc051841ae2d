// A memory on the system bus: a byte vector with real contents behind a TLM-2.0
// target socket. Subclasses (Flash, Sram) say what a burst costs. Addresses
// arriving here are offsets inside the memory (the bus translates).
#pragma once

#include <cstdint>
#include <systemc>
#include <tlm>
#include <tlm_utils/simple_target_socket.h>
#include <utility>
#include <vector>

#include "arch/soc_config.h"
#include "sim/clock.h"
#include "sim/zeroed_bytes.h"

namespace kiln::sim {

class MemoryTarget : public sc_core::sc_module {
 public:
  tlm_utils::simple_target_socket<MemoryTarget> bus_socket;

  MemoryTarget(sc_core::sc_module_name name, const MemoryConfig& config, const BusConfig& bus);

  const MemoryConfig& config() const { return config_; }
  // The loader's write, before time 0 (allowed on flash too).
  void load(uint64_t offset, const uint8_t* data, uint64_t len);
  const ZeroedBytes& contents() const { return bytes_; }
  // The contents moved out, once the simulation has ended (no copy of a
  // whole memory per run); the memory holds nothing afterwards.
  ZeroedBytes take_contents() { return std::move(bytes_); }
  // Bytes of timed bus transfers (b_transport); loader and debug accesses are not counted.
  uint64_t read_bytes() const { return read_bytes_; }
  uint64_t written_bytes() const { return written_bytes_; }

 protected:
  // Time a burst of `len` bytes at `offset` occupies the memory when it starts
  // at `start`, at the bus clock; adds any wait for busy banks to *bank_wait.
  virtual sc_core::sc_time access_time(bool write, uint64_t offset, uint64_t len, const sc_core::sc_time& start,
                                       sc_core::sc_time* bank_wait) = 0;
  virtual bool writable_at_run_time() const = 0;
  // Bus-width words a burst touches: one beat each.
  uint64_t beats(uint64_t offset, uint64_t len) const;

  const BusConfig bus_;
  const Clock bus_clock_;

 private:
  void b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);
  unsigned transport_dbg(tlm::tlm_generic_payload& trans);

  MemoryConfig config_;
  ZeroedBytes bytes_;
  uint64_t read_bytes_ = 0;
  uint64_t written_bytes_ = 0;
};

}  // namespace kiln::sim
