#include "sim/bus_access.h"

#include <fmt/format.h>

#include <memory>
#include <vector>

#include "arch/error.h"
#include "sim/transfer_stats.h"

namespace kiln::sim {
namespace {

[[noreturn]] void throw_response(tlm::tlm_command cmd, uint64_t addr, uint64_t len, tlm::tlm_response_status status) {
  const char* what = cmd == tlm::TLM_READ_COMMAND ? "read" : "write";
  std::string why;
  switch (status) {
    case tlm::TLM_ADDRESS_ERROR_RESPONSE: why = "no memory or device is mapped at that address"; break;
    case tlm::TLM_COMMAND_ERROR_RESPONSE: why = "the target rejects it (flash is read-only while the program runs)"; break;
    case tlm::TLM_BURST_ERROR_RESPONSE: why = "the range is not inside one memory or device"; break;
    default: why = "bus error"; break;
  }
  throw Error(fmt::format("bus: {} of {} bytes at 0x{:08x}: {}", what, len, addr, why));
}

// Payloads of the transfers in flight, reused (a simulation makes thousands
// of transfers). A transfer takes one for its duration; while it waits on the
// bus, other processes take others. Per OS thread, as SystemC runs all of a
// simulation's processes on one.
class PooledPayload {
 public:
  PooledPayload() {
    auto& pool = free_payloads();
    if (pool.empty()) {
      p_ = std::make_unique<StatsPayload>();
    } else {
      p_ = std::move(pool.back());
      pool.pop_back();
    }
  }
  ~PooledPayload() { free_payloads().push_back(std::move(p_)); }
  PooledPayload(const PooledPayload&) = delete;
  PooledPayload& operator=(const PooledPayload&) = delete;
  StatsPayload& get() { return *p_; }

 private:
  static std::vector<std::unique_ptr<StatsPayload>>& free_payloads() {
    thread_local std::vector<std::unique_ptr<StatsPayload>> pool;
    return pool;
  }
  std::unique_ptr<StatsPayload> p_;
};

BusAccessResult transfer(tlm::tlm_initiator_socket<>& socket, tlm::tlm_command cmd, uint64_t addr, uint8_t* data,
                         uint64_t len) {
  PooledPayload pooled;
  tlm::tlm_generic_payload& trans = pooled.get().trans;
  TransferStats& stats = pooled.get().stats;
  stats.bus_wait = stats.bank_wait = sc_core::SC_ZERO_TIME;
  trans.set_command(cmd);
  trans.set_address(addr);
  trans.set_data_ptr(data);
  trans.set_data_length(unsigned(len));
  trans.set_streaming_width(unsigned(len));
  trans.set_byte_enable_ptr(nullptr);
  trans.set_dmi_allowed(false);
  trans.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
  sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
  socket->b_transport(trans, delay);
  if (delay > sc_core::SC_ZERO_TIME) sc_core::wait(delay);
  if (trans.get_response_status() != tlm::TLM_OK_RESPONSE) throw_response(cmd, addr, len, trans.get_response_status());
  return {stats.bus_wait, stats.bank_wait};
}

void debug(tlm::tlm_initiator_socket<>& socket, tlm::tlm_command cmd, uint64_t addr, uint8_t* data, uint64_t len) {
  tlm::tlm_generic_payload trans;
  trans.set_command(cmd);
  trans.set_address(addr);
  trans.set_data_ptr(data);
  trans.set_data_length(unsigned(len));
  trans.set_streaming_width(unsigned(len));
  trans.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
  const unsigned done = socket->transport_dbg(trans);
  if (done != len) {
    const auto status = trans.get_response_status() == tlm::TLM_OK_RESPONSE || trans.get_response_status() == tlm::TLM_INCOMPLETE_RESPONSE
                            ? tlm::TLM_ADDRESS_ERROR_RESPONSE
                            : trans.get_response_status();
    throw_response(cmd, addr, len, status);
  }
}

}  // namespace

BusAccessResult bus_read(tlm::tlm_initiator_socket<>& socket, uint64_t addr, void* dst, uint64_t len) {
  return transfer(socket, tlm::TLM_READ_COMMAND, addr, static_cast<uint8_t*>(dst), len);
}

BusAccessResult bus_write(tlm::tlm_initiator_socket<>& socket, uint64_t addr, const void* src, uint64_t len) {
  // TLM payloads carry a non-const pointer; a write target only reads it.
  return transfer(socket, tlm::TLM_WRITE_COMMAND, addr, static_cast<uint8_t*>(const_cast<void*>(src)), len);
}

void debug_read(tlm::tlm_initiator_socket<>& socket, uint64_t addr, void* dst, uint64_t len) {
  debug(socket, tlm::TLM_READ_COMMAND, addr, static_cast<uint8_t*>(dst), len);
}

void debug_write(tlm::tlm_initiator_socket<>& socket, uint64_t addr, const void* src, uint64_t len) {
  debug(socket, tlm::TLM_WRITE_COMMAND, addr, static_cast<uint8_t*>(const_cast<void*>(src)), len);
}

}  // namespace kiln::sim
