// A TLM-2.0 extension that the bus and the memory targets fill in, so that the
// initiator of a transfer learns where its time went (arbitration, busy banks).
// The initiator owns the payload and the extension: StatsPayload keeps the
// two together for the payload's life.
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

// A payload with its statistics extension attached for as long as it lives,
// for initiators that reuse one payload over many transfers (a new payload
// allocates its extension array; setting and clearing an extension per
// transfer costs two calls into the library). The initiator zeroes `stats`
// before each transfer.
struct StatsPayload {
  StatsPayload() { trans.set_extension(&stats); }
  ~StatsPayload() { trans.clear_extension(&stats); }
  StatsPayload(const StatsPayload&) = delete;
  StatsPayload& operator=(const StatsPayload&) = delete;
  tlm::tlm_generic_payload trans;
  TransferStats stats;
};

// Adds the bank wait a target observed to the payload's extension, if any.
inline void add_bank_wait(tlm::tlm_generic_payload& trans, const sc_core::sc_time& t) {
  if (auto* s = trans.get_extension<TransferStats>()) s->bank_wait += t;
}

}  // namespace kiln::sim
