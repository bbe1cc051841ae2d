// Division by a value fixed at construction, by shifting when it is a power
// of two: bank and bus widths usually are, and the simulator divides by them
// for every beat and every scratchpad reservation.
#pragma once

#include <cstdint>

namespace kiln::sim {

class Divisor {
 public:
  explicit Divisor(uint64_t d = 1) : d_(d), shift_(d != 0 && (d & (d - 1)) == 0 ? __builtin_ctzll(d) : -1) {}
  uint64_t divide(uint64_t x) const { return shift_ >= 0 ? x >> shift_ : x / d_; }
  uint64_t value() const { return d_; }

 private:
  uint64_t d_;
  int shift_;  // log2 of d_, or -1 when d_ is not a power of two
};

}  // namespace kiln::sim
