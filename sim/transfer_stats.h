// A TLM-2.0 extension that the bus and the memory targets fill in, so that the
// initiator of a transfer learns where its time went (arbitration, busy banks).
// The initiator owns the payload and the extension (set_extension before
// b_transport, clear_extension after).
#pragma once

#include <systemc>
#include <tlm>

namespace kiln::sim {

struct TransferStats : tlm::tlm_extension<TransferStats> {
  sc_core::sc_time bus_wait = sc_core::SC_ZERO_TIME;   // waiting for a bus grant
  sc_core::sc_time bank_wait = sc_core::SC_ZERO_TIME;  // waiting for a busy memory bank

  tlm::tlm_extension_base* clone() const override { return new TransferStats(*this); }
  void copy_from(const tlm::tlm_extension_base& other) override {
    *this = static_cast<const TransferStats&>(other);
  }
};

// Adds the bank wait a target observed to the payload's extension, if any.
inline void add_bank_wait(tlm::tlm_generic_payload& trans, const sc_core::sc_time& t) {
  if (auto* s = trans.get_extension<TransferStats>()) s->bank_wait += t;
}

}  // namespace kiln::sim
