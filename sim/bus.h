// The system bus: a TLM-2.0 loosely-timed interconnect. One target socket per
// initiator (mcu, npu_fetch, dma0, dma1, ...), one initiator socket per mapped
// target (each memory, the NPU registers). A transfer is split into bursts of
// at most max_burst_beats * width_bytes; each burst holds the bus for
// latency_cycles plus the target's access time (its beats and wait states, at
// the bus clock). The bus is one shared resource: initiators that want it at
// the same time are arbitrated (round robin, or fixed priority by initiator
// order: the first initiator named wins), so contention costs exactly the
// bursts of the others. See docs/simulator.md.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>
#include <vector>

#include "arch/profile.h"
#include "arch/soc_config.h"
#include "sim/clock.h"
#include "sim/transfer_stats.h"

namespace kiln::sim {

struct BusTarget {
  std::string name;  // also the name of its socket
  uint64_t base = 0;
  uint64_t size = 0;
};

class Bus : public sc_core::sc_module {
 public:
  Bus(sc_core::sc_module_name name, const BusConfig& config, const std::vector<std::string>& initiators,
      const std::vector<BusTarget>& targets);

  // Where initiator `name` binds its socket.
  tlm::tlm_target_socket<>& initiator_port(const std::string& name);
  // What target `name` binds its socket to.
  tlm::tlm_initiator_socket<>& target_port(const std::string& name);

  const Clock& clock() const { return clock_; }
  uint64_t max_burst_bytes() const { return uint64_t(config_.max_burst_beats) * config_.width_bytes; }
  uint64_t busy_ps() const { return busy_ps_; }
  std::vector<BusInitiatorTotals> initiator_totals() const { return totals_; }

 private:
  void b_transport(int id, tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);
  unsigned transport_dbg(int id, tlm::tlm_generic_payload& trans);
  int decode(uint64_t addr, uint64_t len) const;
  void acquire(int id);
  bool arbitrate_in_place(int id);
  void arbitrate(int running = -1);
  void release(int id);
  void arbiter();
  int choose() const;

  BusConfig config_;
  Clock clock_;
  sc_core::sc_time latency_;  // of a burst's address phase
  std::vector<BusTarget> map_;
  std::vector<std::unique_ptr<tlm_utils::simple_target_socket_tagged<Bus>>> initiator_ports_;
  std::vector<std::unique_ptr<tlm_utils::simple_initiator_socket<Bus>>> target_ports_;
  // The payload of each initiator's burst in flight (an initiator has one at
  // a time), reused; what the target records in its statistics is added to
  // the initiator's own.
  std::vector<std::unique_ptr<StatsPayload>> parts_;

  // Arbitration state.
  std::vector<char> requesting_;  // not vector<bool>: read per burst
  int requests_ = 0;              // how many are set
  std::vector<std::unique_ptr<sc_core::sc_event>> granted_;
  sc_core::sc_event arbitrate_;
  int owner_ = -1;
  int last_granted_ = -1;
  sc_core::sc_time owned_since_;

  uint64_t busy_ps_ = 0;
  std::vector<BusInitiatorTotals> totals_;
};

}  // namespace kiln::sim
