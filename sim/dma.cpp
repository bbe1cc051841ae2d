#include "sim/dma.h"

#include <fmt/format.h>

#include <algorithm>
#include <deque>

#include "arch/error.h"
#include "sim/bus_access.h"

namespace kiln::sim {

using sc_core::sc_time;

Dma::Dma(sc_core::sc_module_name name, const DmaConfig& config, uint64_t max_burst_bytes, const Clock& npu_clock)
    : sc_module(name), control("control"), spm_port("spm_port"), config_(config),
      max_burst_(std::max<uint64_t>(1, max_burst_bytes)), npu_clock_(npu_clock) {
  control.bind(*this);
  for (unsigned c = 0; c < config.channels; ++c) {
    sockets_.push_back(std::make_unique<tlm_utils::simple_initiator_socket<Dma>>(fmt::format("dma{}", c).c_str()));
    freed_.push_back(std::make_unique<sc_core::sc_event>());
  }
  busy_.assign(config.channels, false);
}

sc_time Dma::port_time(uint64_t bytes) const {
  // Bursts mostly have one size: the last answer is kept.
  if (bytes != port_time_bytes_) {
    port_time_bytes_ = bytes;
    port_time_ = npu_clock_.cycles(ceil_div(bytes, spm_port->port_bytes_per_cycle()));
  }
  return port_time_;
}

std::vector<Dma::Burst> Dma::bursts_of(const DmaCmd& cmd) const {
  std::vector<Burst> out;
  out.reserve(size_t(cmd.rows) * size_t(ceil_div(cmd.row_bytes, max_burst_)));
  for (uint64_t row = 0; row < cmd.rows; ++row) {
    const uint64_t mem = cmd.mem_addr + row * cmd.mem_stride;
    const uint64_t spm = cmd.spm.offset + row * cmd.spm_stride;
    for (uint64_t off = 0; off < cmd.row_bytes; off += max_burst_)
      out.push_back({mem + off, spm + off, std::min<uint64_t>(max_burst_, cmd.row_bytes - off)});
  }
  return out;
}

DmaReport Dma::transfer(const DmaCmd& cmd, bool to_scratchpad) {
  if (cmd.channel >= channels())
    throw Error(fmt::format("dma: channel {} does not exist (the SoC has {})", unsigned(cmd.channel), channels()));
  DmaReport report;
  const sc_time asked = now();
  while (busy_[cmd.channel]) wait(*freed_[cmd.channel]);
  busy_[cmd.channel] = true;
  report.bus_wait += now() - asked;
  try {
    if (to_scratchpad)
      load(cmd, *sockets_[cmd.channel], report);
    else
      store(cmd, *sockets_[cmd.channel], report);
  } catch (...) {
    busy_[cmd.channel] = false;
    throw;
  }
  busy_[cmd.channel] = false;
  freed_[cmd.channel]->notify(sc_core::SC_ZERO_TIME);
  return report;
}

// memory -> bus -> scratchpad. A burst's scratchpad write starts when its bus
// read has ended and its bank is free.
void Dma::load(const DmaCmd& cmd, tlm::tlm_initiator_socket<>& bus, DmaReport& report) {
  const unsigned outstanding = std::max(1u, config_.outstanding_bursts);
  std::deque<uint64_t> in_flight;  // end times of scratchpad writes not yet finished
  uint64_t own_free = 0;           // this channel's port is busy until then
  std::vector<uint8_t> data(max_burst_);
  std::vector<SpmRegion> region(1);  // the burst's, filled in place (no allocation per burst)
  for (const Burst& b : bursts_of(cmd)) {
    while (!in_flight.empty() && in_flight.front() <= now_ps()) in_flight.pop_front();
    if (in_flight.size() >= outstanding) {
      wait(from_ps(in_flight.front()) - now());
      in_flight.pop_front();
    }
    const BusAccessResult r = bus_read(bus, b.mem_addr, data.data(), b.bytes);
    report.bus_wait += r.bus_wait;
    report.bank_wait += r.bank_wait;
    spm_port->write(cmd.spm.buf, b.spm_offset, data.data(), b.bytes);
    const sc_time dur = port_time(b.bytes);
    const uint64_t at = now_ps();
    region[0] = {cmd.spm.buf, b.spm_offset, b.bytes};
    const uint64_t start = ps(spm_port->reserve(region, dur));
    report.bank_wait += from_ps(start - std::max(at, std::min(start, own_free)));
    own_free = start + ps(dur);
    in_flight.push_back(own_free);
    report.bytes += b.bytes;
  }
  if (own_free > now_ps()) wait(from_ps(own_free) - now());
}

// scratchpad -> bus -> memory. Scratchpad reads run ahead of the bus writes by
// up to `outstanding` bursts.
void Dma::store(const DmaCmd& cmd, tlm::tlm_initiator_socket<>& bus, DmaReport& report) {
  const unsigned outstanding = std::max(1u, config_.outstanding_bursts);
  const std::vector<Burst> bursts = bursts_of(cmd);
  // Bursts [done, next) are read and wait for their bus write; burst i's
  // bytes and the time its read ends are in slot i % outstanding (allocated
  // once, not per burst).
  std::vector<uint8_t> slots(std::min<size_t>(outstanding, bursts.size()) * max_burst_);
  std::vector<uint64_t> ready_ps(std::min<size_t>(outstanding, bursts.size()));
  std::vector<SpmRegion> region(1);
  uint64_t own_free = 0;
  size_t next = 0;
  for (size_t done = 0; done < bursts.size(); ++done) {
    while (next - done < outstanding && next < bursts.size()) {
      const Burst& b = bursts[next];
      spm_port->read(cmd.spm.buf, b.spm_offset, &slots[(next % outstanding) * max_burst_], b.bytes);
      const sc_time dur = port_time(b.bytes);
      const uint64_t at = now_ps();
      region[0] = {cmd.spm.buf, b.spm_offset, b.bytes};
      const uint64_t start = ps(spm_port->reserve(region, dur));
      report.bank_wait += from_ps(start - std::max(at, std::min(start, own_free)));
      own_free = start + ps(dur);
      ready_ps[next % outstanding] = own_free;
      ++next;
    }
    const uint64_t ready = ready_ps[done % outstanding];
    if (ready > now_ps()) wait(from_ps(ready) - now());
    const Burst& b = bursts[done];
    const BusAccessResult r = bus_write(bus, b.mem_addr, &slots[(done % outstanding) * max_burst_], b.bytes);
    report.bus_wait += r.bus_wait;
    report.bank_wait += r.bank_wait;
    report.bytes += b.bytes;
  }
}

}  // namespace kiln::sim
