// Clock helpers: every module converts its cycles to sc_time through these, so
// that a cycle count means the same thing everywhere. Time resolution is the
// SystemC default, 1 ps; a period is rounded to whole picoseconds.
#pragma once

#include <cmath>
#include <cstdint>
#include <systemc>

namespace kiln::sim {

class Clock {
 public:
  explicit Clock(double mhz) : period_ps_(uint64_t(std::llround(1e6 / mhz))) {}
  uint64_t period_ps() const { return period_ps_; }
  sc_core::sc_time period() const { return cycles(1); }
  sc_core::sc_time cycles(uint64_t n) const { return sc_core::sc_time::from_value(n * period_ps_); }
  // Whole cycles (rounded down) elapsed at time t.
  uint64_t cycle_at(const sc_core::sc_time& t) const { return t.value() / period_ps_; }
  // Cycles covering a duration, rounded up.
  uint64_t cycles_in(const sc_core::sc_time& d) const { return (d.value() + period_ps_ - 1) / period_ps_; }

 private:
  uint64_t period_ps_;
};

inline uint64_t ps(const sc_core::sc_time& t) { return t.value(); }
// The current simulation time, as sc_time_stamp() gives it but read inline:
// that is a call into the library, and the bus, the memories and the DMA ask
// for the time several times per burst.
inline sc_core::sc_time now() { return sc_core::sc_get_curr_simcontext()->time_stamp(); }
inline uint64_t now_ps() { return now().value(); }
// Zero (no stall, no wait: the usual case) without the call into the library.
inline sc_core::sc_time from_ps(uint64_t v) { return v ? sc_core::sc_time::from_value(v) : sc_core::SC_ZERO_TIME; }
inline uint64_t ceil_div(uint64_t a, uint64_t b) { return (a + b - 1) / b; }

}  // namespace kiln::sim
