// Read-only view of the SystemC kernel's pending delta notifications, which
// its public API does not offer (sc_pending_activity_at_current_time() lumps
// them together with runnable processes). The bus needs it to tell, exactly,
// when granting a request at once cannot differ from arbitrating it one delta
// later (sim/bus.cpp). A SystemC other than 2.3.4 may lay its kernel out
// differently: there the view is absent and the bus always arbitrates
// through its process.
#pragma once

#include <systemc>
#include <vector>

#if SC_VERSION_MAJOR == 2 && SC_VERSION_MINOR == 3 && SC_VERSION_PATCH == 4
#define KILN_PENDING_DELTAS 1

namespace kiln::sim {

// The events notified for the next delta cycle, in order of notification.
const std::vector<sc_core::sc_event*>& pending_deltas();

}  // namespace kiln::sim

#else
#define KILN_PENDING_DELTAS 0
#endif
