#include "sim/vector_rtl_core.h"

#include <map>

#ifdef KILN_HAVE_VECTOR_RTL
#include "kiln_rtl_vector_models.h"
#include "sim/verilated_vector_core.h"
#endif

namespace kiln::sim {

namespace {

struct RegisteredCore {
  std::string variant;
  VectorRtlCoreFactory factory;
};

std::map<unsigned, RegisteredCore>& registered_cores() {
  static std::map<unsigned, RegisteredCore> cores;  // built on first use: init-order safe
  return cores;
}

}  // namespace

std::unique_ptr<VectorRtlCore> make_vector_rtl_core([[maybe_unused]] unsigned lanes) {
  const auto found = registered_cores().find(lanes);
  if (found != registered_cores().end()) return found->second.factory();
#ifdef KILN_HAVE_VECTOR_RTL
#define KILN_RTL_MAKE_VECTOR_CORE(L, MODEL) \
  if (lanes == L) return std::make_unique<VerilatedVectorCore<MODEL>>(L);
  KILN_RTL_VECTOR_MODELS(KILN_RTL_MAKE_VECTOR_CORE)
#undef KILN_RTL_MAKE_VECTOR_CORE
#endif
  return nullptr;
}

bool register_vector_rtl_core(unsigned lanes, const std::string& variant, VectorRtlCoreFactory factory) {
  registered_cores()[lanes] = RegisteredCore{variant, std::move(factory)};
  return true;
}

std::vector<unsigned> vector_rtl_lanes() {
  std::vector<unsigned> lanes;
#ifdef KILN_HAVE_VECTOR_RTL
#define KILN_RTL_LIST_VECTOR_LANES(L, MODEL) lanes.push_back(L);
  KILN_RTL_VECTOR_MODELS(KILN_RTL_LIST_VECTOR_LANES)
#undef KILN_RTL_LIST_VECTOR_LANES
#endif
  return lanes;
}

std::string vector_rtl_engine_name(unsigned lanes) {
  const auto found = registered_cores().find(lanes);
  return found == registered_cores().end() ? "rtl" : "rtl[" + found->second.variant + "]";
}

}  // namespace kiln::sim
