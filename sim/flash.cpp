#include "sim/flash.h"

namespace kiln::sim {

sc_core::sc_time Flash::access_time(bool, uint64_t offset, uint64_t len, const sc_core::sc_time&, sc_core::sc_time*) {
  const uint64_t rw = config().read_width_bytes ? config().read_width_bytes : 1;
  const uint64_t words = len ? (offset + len + rw - 1) / rw - offset / rw : 0;
  return bus_clock_.cycles(beats(offset, len) + words * config().wait_states);
}

}  // namespace kiln::sim
