#include "sim/sim_context.h"

#include <exception>

#include "arch/error.h"

namespace kiln::sim {

void SimContext::guard(const std::function<void()>& body) {
  try {
    body();
  } catch (const sc_core::sc_unwind_exception&) {
    throw;  // the kernel's own process termination: must propagate
  } catch (const std::exception& e) {
    fail(e.what());
  }
}

void SimContext::fail(const std::string& message) {
  if (!error_) error_ = message;
  sc_core::sc_stop();
}

}  // namespace kiln::sim
