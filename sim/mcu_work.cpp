#include "sim/mcu_work.h"

#include "kernels/mcu_dispatch.h"
#include "sim/bus_access.h"

namespace kiln::sim {
namespace {

// The kernels' view of memory: absolute SoC addresses, untimed.
class DebugMemoryPort final : public kernels::MemoryPort {
 public:
  explicit DebugMemoryPort(tlm::tlm_initiator_socket<>& socket) : socket_(socket) {}
  void read(uint64_t addr, void* dst, size_t len) override { debug_read(socket_, addr, dst, len); }
  void write(uint64_t addr, const void* src, size_t len) override { debug_write(socket_, addr, src, len); }

 private:
  tlm::tlm_initiator_socket<>& socket_;
};

}  // namespace

McuWork plan_mcu_work(const McuOpCmd& op) {
  const kernels::McuOpPlan plan = kernels::plan_mcu_op(op);
  McuWork w;
  for (const auto& r : plan.reads) w.reads.push_back({r.addr, r.bytes});
  for (const auto& r : plan.writes) w.writes.push_back({r.addr, r.bytes});
  w.macs = plan.macs;
  w.output_elements = plan.output_elements;
  w.kernel = plan.kernel;
  return w;
}

void run_mcu_work(const McuOpCmd& op, tlm::tlm_initiator_socket<>& memory) {
  DebugMemoryPort port(memory);
  kernels::run_mcu_op(op, port);
}

}  // namespace kiln::sim
