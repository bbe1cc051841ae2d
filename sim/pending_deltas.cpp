#include "sim/pending_deltas.h"

#if KILN_PENDING_DELTAS

namespace kiln::sim {
namespace {

// sc_simcontext::m_delta_events is private. An explicit instantiation may name
// it all the same (C++ does not check access there, [temp.explicit]), and the
// friend it defines hands the member pointer out.
struct Tag {
  using type = std::vector<sc_core::sc_event*> sc_core::sc_simcontext::*;
  friend type member(Tag);
};

template <typename T, typename T::type M>
struct Expose {
  friend typename T::type member(T) { return M; }
};

template struct Expose<Tag, &sc_core::sc_simcontext::m_delta_events>;

}  // namespace

const std::vector<sc_core::sc_event*>& pending_deltas() {
  return sc_core::sc_get_curr_simcontext()->*member(Tag{});
}

}  // namespace kiln::sim

#endif
