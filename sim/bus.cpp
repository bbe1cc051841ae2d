#include "sim/bus.h"

#include <fmt/format.h>

#include <algorithm>

#include "arch/error.h"
#include "sim/pending_deltas.h"
#include "sim/transfer_stats.h"

namespace kiln::sim {

using sc_core::sc_time;
using sc_core::SC_ZERO_TIME;

Bus::Bus(sc_core::sc_module_name name, const BusConfig& config, const std::vector<std::string>& initiators,
         const std::vector<BusTarget>& targets)
    : sc_module(name), config_(config), clock_(config.clock_mhz), latency_(clock_.cycles(config.latency_cycles)),
      map_(targets) {
  for (size_t i = 0; i < initiators.size(); ++i) {
    auto port = std::make_unique<tlm_utils::simple_target_socket_tagged<Bus>>(initiators[i].c_str());
    port->register_b_transport(this, &Bus::b_transport, int(i));
    port->register_transport_dbg(this, &Bus::transport_dbg, int(i));
    initiator_ports_.push_back(std::move(port));
    granted_.push_back(std::make_unique<sc_core::sc_event>());
    parts_.push_back(std::make_unique<StatsPayload>());
    BusInitiatorTotals t;
    t.name = initiators[i];
    totals_.push_back(t);
  }
  requesting_.assign(initiators.size(), false);
  for (const auto& t : targets) target_ports_.push_back(std::make_unique<tlm_utils::simple_initiator_socket<Bus>>(t.name.c_str()));
  SC_HAS_PROCESS(Bus);
  SC_THREAD(arbiter);
}

tlm::tlm_target_socket<>& Bus::initiator_port(const std::string& name) {
  for (size_t i = 0; i < totals_.size(); ++i)
    if (totals_[i].name == name) return *initiator_ports_[i];
  throw Error(fmt::format("bus: no initiator port '{}'", name));
}

tlm::tlm_initiator_socket<>& Bus::target_port(const std::string& name) {
  for (size_t i = 0; i < map_.size(); ++i)
    if (map_[i].name == name) return *target_ports_[i];
  throw Error(fmt::format("bus: no target '{}'", name));
}

int Bus::decode(uint64_t addr, uint64_t len) const {
  for (size_t i = 0; i < map_.size(); ++i)
    if (addr >= map_[i].base && addr - map_[i].base < map_[i].size && len <= map_[i].size - (addr - map_[i].base))
      return int(i);
  return -1;
}

void Bus::b_transport(int id, tlm::tlm_generic_payload& trans, sc_time& delay) {
  if (delay > SC_ZERO_TIME) {  // synchronize: the bus is a shared resource
    wait(delay);
    delay = SC_ZERO_TIME;
  }
  const uint64_t addr = trans.get_address();
  const uint64_t len = trans.get_data_length();
  const int t = decode(addr, len);
  if (t < 0) {
    trans.set_response_status(decode(addr, 1) < 0 ? tlm::TLM_ADDRESS_ERROR_RESPONSE : tlm::TLM_BURST_ERROR_RESPONSE);
    return;
  }
  auto* stats = trans.get_extension<TransferStats>();
  const uint64_t burst = max_burst_bytes();
  for (uint64_t off = 0; off < len; off += burst) {
    const uint64_t n = std::min(burst, len - off);
    const sc_time asked = now();
    acquire(id);
    const sc_time waited = now() - asked;
    totals_[id].wait_ps += ps(waited);
    if (stats) stats->bus_wait += waited;

    tlm::tlm_generic_payload& part = parts_[id]->trans;
    TransferStats& part_stats = parts_[id]->stats;
    part_stats.bus_wait = part_stats.bank_wait = SC_ZERO_TIME;
    part.set_command(trans.get_command());
    part.set_address(addr - map_[t].base + off);
    part.set_data_ptr(trans.get_data_ptr() + off);
    part.set_data_length(unsigned(n));
    part.set_streaming_width(unsigned(n));
    part.set_byte_enable_ptr(nullptr);
    part.set_dmi_allowed(false);
    part.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    sc_time d = latency_;  // address phase; the target adds its access time
    (*target_ports_[t])->b_transport(part, d);
    if (stats) {
      stats->bus_wait += part_stats.bus_wait;
      stats->bank_wait += part_stats.bank_wait;
    }
    wait(d);
    release(id);
    totals_[id].bursts += 1;
    totals_[id].bytes += n;
    if (part.get_response_status() != tlm::TLM_OK_RESPONSE) {
      trans.set_response_status(part.get_response_status());
      return;
    }
  }
  trans.set_response_status(tlm::TLM_OK_RESPONSE);
}

unsigned Bus::transport_dbg(int, tlm::tlm_generic_payload& trans) {
  const uint64_t addr = trans.get_address();
  const int t = decode(addr, trans.get_data_length());
  if (t < 0) {
    trans.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    return 0;
  }
  trans.set_address(addr - map_[t].base);
  const unsigned n = (*target_ports_[t])->transport_dbg(trans);
  trans.set_address(addr);
  return n;
}

void Bus::acquire(int id) {
  requesting_[id] = true;
  ++requests_;
  // Decide one delta later, once every request of this instant is in.
  if (!arbitrate_in_place(id)) arbitrate_.notify(SC_ZERO_TIME);
  while (owner_ != id) wait(*granted_[id]);
}

// A request wakes the arbiter process one delta later, and its grantee runs
// right after it: process switches, per burst. When nothing else is pending
// at the instant of a request (no runnable process, no pending update, no
// delta notification but the arbiter's own), what follows is fixed: the
// arbiter runs alone in the next delta and sees exactly the requests there
// are now, then its grantee runs alone. Taking the arbiter's step here gives
// the same grant at the same time with nothing running in between: the
// requester goes on at once if it won, else it parks and the winner runs
// next. Only the kernel's delta count differs, which nothing in kiln reads.
// The arbiter's pending notification is withdrawn only when it is the sole
// one, so that putting it back (something else is pending: arbitrate one
// delta later, as always) leaves the kernel as it was.
bool Bus::arbitrate_in_place(int id) {
#if KILN_PENDING_DELTAS
  const auto& deltas = pending_deltas();
  const bool arbiter_pending = !deltas.empty();
  if (arbiter_pending && (deltas.size() != 1 || deltas.front() != &arbitrate_)) return false;
  if (arbiter_pending) arbitrate_.cancel();
  if (sc_core::sc_pending_activity_at_current_time()) {
    if (arbiter_pending) arbitrate_.notify(SC_ZERO_TIME);
    return false;
  }
  arbitrate(id);
  return true;
#else
  return false;
#endif
}

// The arbiter's step: grant the bus, if free, to the request the policy picks
// and wake it, unless it is `running` (the requester taking the step itself).
void Bus::arbitrate(int running) {
  if (owner_ >= 0) return;
  // A lone request (the usual case) is the pick of either policy: no scan of the requests.
  const int pick = requests_ == 1 && running >= 0 && requesting_[running] ? running : choose();
  if (pick < 0) return;
  owner_ = pick;
  last_granted_ = pick;
  requesting_[pick] = false;
  --requests_;
  owned_since_ = now();
  if (pick != running) granted_[pick]->notify();
}

void Bus::release(int id) {
  const uint64_t held = ps(now() - owned_since_);
  busy_ps_ += held;
  totals_[id].busy_ps += held;
  owner_ = -1;
  arbitrate_.notify(SC_ZERO_TIME);
}

int Bus::choose() const {
  const int n = int(requesting_.size());
  if (config_.arbitration == Arbitration::FixedPriority) {
    for (int i = 0; i < n; ++i)
      if (requesting_[i]) return i;
    return -1;
  }
  // From the one after the last granted, wrapping (no division: this runs per burst).
  for (int k = 0, i = last_granted_ < 0 ? -1 : last_granted_; k < n; ++k) {
    if (++i == n) i = 0;
    if (requesting_[i]) return i;
  }
  return -1;
}

void Bus::arbiter() {
  for (;;) {
    wait(arbitrate_);
    arbitrate();
  }
}

}  // namespace kiln::sim
