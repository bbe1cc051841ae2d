#include "sim/memory_target.h"

#include <fmt/format.h>

#include <cstring>

#include "arch/error.h"
#include "sim/transfer_stats.h"

namespace kiln::sim {

MemoryTarget::MemoryTarget(sc_core::sc_module_name name, const MemoryConfig& config, const BusConfig& bus)
    : sc_module(name), bus_socket("bus_socket"), bus_(bus), bus_clock_(bus.clock_mhz), config_(config),
      bytes_(config.size_bytes) {
  bus_socket.register_b_transport(this, &MemoryTarget::b_transport);
  bus_socket.register_transport_dbg(this, &MemoryTarget::transport_dbg);
}

void MemoryTarget::load(uint64_t offset, const uint8_t* data, uint64_t len) {
  if (offset > bytes_.size() || len > bytes_.size() - offset)
    throw Error(fmt::format("{}: {} bytes at offset 0x{:x} do not fit in its {} bytes", config_.name, len, offset,
                            bytes_.size()));
  if (len) std::memcpy(bytes_.data() + offset, data, len);
}

uint64_t MemoryTarget::beats(uint64_t offset, uint64_t len) const {
  const uint64_t w = bus_.width_bytes;
  return len ? (offset + len + w - 1) / w - offset / w : 0;
}

void MemoryTarget::b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay) {
  const uint64_t off = trans.get_address();
  const uint64_t len = trans.get_data_length();
  if (off > bytes_.size() || len > bytes_.size() - off) {
    trans.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    return;
  }
  const bool write = trans.is_write();
  if (write && !writable_at_run_time()) {
    trans.set_response_status(tlm::TLM_COMMAND_ERROR_RESPONSE);
    return;
  }
  sc_core::sc_time bank_wait = sc_core::SC_ZERO_TIME;
  delay += access_time(write, off, len, now() + delay, &bank_wait);
  add_bank_wait(trans, bank_wait);
  if (write) {
    std::memcpy(bytes_.data() + off, trans.get_data_ptr(), len);
    written_bytes_ += len;
  } else {
    std::memcpy(trans.get_data_ptr(), bytes_.data() + off, len);
    read_bytes_ += len;
  }
  trans.set_response_status(tlm::TLM_OK_RESPONSE);
}

unsigned MemoryTarget::transport_dbg(tlm::tlm_generic_payload& trans) {
  const uint64_t off = trans.get_address();
  const uint64_t len = trans.get_data_length();
  if (off > bytes_.size() || len > bytes_.size() - off) {
    trans.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    return 0;
  }
  if (trans.is_write())
    std::memcpy(bytes_.data() + off, trans.get_data_ptr(), len);
  else
    std::memcpy(trans.get_data_ptr(), bytes_.data() + off, len);
  trans.set_response_status(tlm::TLM_OK_RESPONSE);
  return unsigned(len);
}

}  // namespace kiln::sim
