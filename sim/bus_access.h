// One blocking bus transfer from an initiator's SC_THREAD (MCU, DMA channel,
// NPU command fetch): builds the payload, attaches a TransferStats extension,
// and turns an error response into a kiln::Error naming the address.
#pragma once

#include <cstdint>
#include <systemc>
#include <tlm>

namespace kiln::sim {

struct BusAccessResult {
  sc_core::sc_time bus_wait = sc_core::SC_ZERO_TIME;
  sc_core::sc_time bank_wait = sc_core::SC_ZERO_TIME;
  BusAccessResult& operator+=(const BusAccessResult& o) {
    bus_wait += o.bus_wait;
    bank_wait += o.bank_wait;
    return *this;
  }
};

BusAccessResult bus_read(tlm::tlm_initiator_socket<>& socket, uint64_t addr, void* dst, uint64_t len);
BusAccessResult bus_write(tlm::tlm_initiator_socket<>& socket, uint64_t addr, const void* src, uint64_t len);

// Untimed access through the same address map (transport_dbg), for functional
// reads and writes that the timing already accounts for.
void debug_read(tlm::tlm_initiator_socket<>& socket, uint64_t addr, void* dst, uint64_t len);
void debug_write(tlm::tlm_initiator_socket<>& socket, uint64_t addr, const void* src, uint64_t len);

}  // namespace kiln::sim
