// The DMA engine: `channels` independent channels, each with its own bus
// initiator socket (dma0, dma1, ...), moving 2-D strided blocks between system
// memory (over the bus, in bursts) and the NPU scratchpads (through a direct
// local port of spm_bytes_per_cycle bytes per NPU cycle). A channel keeps up to
// outstanding_bursts bursts in flight: the scratchpad side of one burst
// overlaps the bus side of the next. A channel serves one transfer at a time;
// a second requester waits for it (counted as bus wait).
#pragma once

#include <cstdint>
#include <memory>
#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <vector>

#include "arch/command.h"
#include "arch/soc_config.h"
#include "sim/clock.h"
#include "sim/scratchpad.h"

namespace kiln::sim {

struct DmaReport {
  uint64_t bytes = 0;
  sc_core::sc_time bus_wait = sc_core::SC_ZERO_TIME;
  sc_core::sc_time bank_wait = sc_core::SC_ZERO_TIME;
};

class DmaIf : public virtual sc_core::sc_interface {
 public:
  // Runs one transfer on cmd.channel from the calling process; returns once
  // its last byte has landed. Throws kiln::Error for a bad address or channel.
  virtual DmaReport transfer(const DmaCmd& cmd, bool to_scratchpad) = 0;
};

class Dma final : public sc_core::sc_module, public DmaIf {
 public:
  sc_core::sc_export<DmaIf> control;          // the NPU's load and store queues
  sc_core::sc_port<ScratchpadIf> spm_port;    // the NPU's local buffers

  Dma(sc_core::sc_module_name name, const DmaConfig& config, uint64_t max_burst_bytes, const Clock& npu_clock);

  tlm::tlm_initiator_socket<>& channel_socket(unsigned channel) { return *sockets_.at(channel); }
  unsigned channels() const { return unsigned(sockets_.size()); }

  DmaReport transfer(const DmaCmd& cmd, bool to_scratchpad) override;

 private:
  struct Burst {
    uint64_t mem_addr;
    uint64_t spm_offset;
    uint64_t bytes;
  };
  std::vector<Burst> bursts_of(const DmaCmd& cmd) const;
  void load(const DmaCmd& cmd, tlm::tlm_initiator_socket<>& bus, DmaReport& report);
  void store(const DmaCmd& cmd, tlm::tlm_initiator_socket<>& bus, DmaReport& report);
  sc_core::sc_time port_time(uint64_t bytes) const;

  DmaConfig config_;
  uint64_t max_burst_;
  Clock npu_clock_;
  std::vector<std::unique_ptr<tlm_utils::simple_initiator_socket<Dma>>> sockets_;
  std::vector<bool> busy_;
  mutable uint64_t port_time_bytes_ = 0;  // port_time's last question and answer
  mutable sc_core::sc_time port_time_;
  std::vector<std::unique_ptr<sc_core::sc_event>> freed_;
};

}  // namespace kiln::sim
