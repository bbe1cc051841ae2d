#include "sim/mcu.h"

#include <fmt/format.h>

#include <cmath>

#include "arch/error.h"
#include "arch/mcu_op.h"
#include "sim/bus_access.h"
#include "sim/mcu_dispatch.h"
#include "sim/npu_regs.h"

namespace kiln::sim {

using sc_core::sc_time;

namespace {

// The kernels' view of memory: absolute SoC addresses, untimed (the timed
// traffic is charged separately, range by range).
class DebugMemoryPort final : public MemoryPort {
 public:
  explicit DebugMemoryPort(tlm::tlm_initiator_socket<>& socket) : socket_(socket) {}
  void read(uint64_t addr, void* dst, size_t len) override { debug_read(socket_, addr, dst, len); }
  void write(uint64_t addr, const void* src, size_t len) override { debug_write(socket_, addr, src, len); }

 private:
  tlm::tlm_initiator_socket<>& socket_;
};

}  // namespace

Mcu::Mcu(sc_core::sc_module_name name, const SocConfig& soc, const std::vector<Command>& commands,
         const StreamLayout& stream, SimContext& ctx)
    : sc_module(name), data_socket("data_socket"), npu_irq("npu_irq"), soc_(soc), commands_(commands),
      stream_(stream), ctx_(ctx), clock_(soc.mcu.clock_mhz) {
  SC_HAS_PROCESS(Mcu);
  SC_THREAD(run);
}

void Mcu::run() {
  ctx_.guard([&] {
    size_t i = 0;
    while (i < commands_.size()) {
      if (commands_[i].op == Opcode::McuOp) {
        run_op(i, std::get<McuOpCmd>(commands_[i].body));
        ++i;
        continue;
      }
      size_t j = i;
      bool ends = false;
      while (j < commands_.size() && commands_[j].op != Opcode::McuOp) {
        ends = commands_[j++].op == Opcode::End;
        if (ends) break;
      }
      run_npu(i, j);
      if (ends) break;
      i = j;
    }
    finished_ = true;
    finish_time_ = now();
  });
}

void Mcu::write_reg(uint64_t reg, uint32_t value, ProfileEvent& ev) {
  const BusAccessResult r = bus_write(data_socket, soc_.npu.reg_base + reg, &value, 4);
  ev.bus_wait_ps += ps(r.bus_wait);
  ev.bytes += 4;
}

uint32_t Mcu::read_reg(uint64_t reg, ProfileEvent& ev) {
  uint32_t value = 0;
  const BusAccessResult r = bus_read(data_socket, soc_.npu.reg_base + reg, &value, 4);
  ev.bus_wait_ps += ps(r.bus_wait);
  ev.bytes += 4;
  return value;
}

void Mcu::run_npu(size_t first, size_t last) {
  ProfileEvent ev;
  ev.name = "program_npu";
  ev.unit = "mcu";
  ev.start_ps = ps(now());
  const uint64_t addr = stream_.addr + stream_.offsets[first];
  write_reg(npu_reg::kStreamAddrLo, uint32_t(addr), ev);
  write_reg(npu_reg::kStreamAddrHi, uint32_t(addr >> 32), ev);
  write_reg(npu_reg::kStreamBytes, uint32_t(stream_.offsets[last] - stream_.offsets[first]), ev);
  write_reg(npu_reg::kFirstCommand, uint32_t(first), ev);
  write_reg(npu_reg::kControl, npu_reg::kStart, ev);
  ev.end_ps = ps(now());
  ctx_.record(ev);

  const Command& tail = commands_[last - 1];
  const bool polls = tail.op == Opcode::End && !std::get<EndCmd>(tail.body).interrupt;
  ProfileEvent ack;
  ack.unit = "mcu";
  if (polls) {
    ack.name = "poll_npu";
    for (;;) {
      wait(clock_.cycles(kPollCycles));
      const sc_time t = now();
      const uint32_t status = read_reg(npu_reg::kStatus, ack);
      if (!(status & npu_reg::kBusy)) {
        ack.start_ps = ps(t);
        break;
      }
    }
  } else {
    if (!npu_irq.read()) wait(npu_irq.posedge_event());
    ack.name = "ack_irq";
    ack.start_ps = ps(now());
    write_reg(npu_reg::kIrqClear, 1, ack);
  }
  ack.end_ps = ps(now());
  ctx_.record(ack);
}

void Mcu::run_op(size_t index, const McuOpCmd& op) {
  ProfileEvent ev;
  ev.command = int64_t(index);
  ev.unit = "mcu";
  ev.start_ps = ps(now());
  try {
    const McuOpPlan work = plan_mcu_op(op);
    ev.name = work.kernel;
    const McuKernelCost* cost = find_mcu_cost(soc_.mcu.costs, work.kernel);
    if (!cost)
      throw Error(fmt::format("the SoC's mcu.costs has no entry for kernel '{}'", work.kernel));
    std::vector<uint8_t> buf;
    for (const auto& r : work.reads) {
      buf.resize(r.bytes);
      const BusAccessResult a = bus_read(data_socket, r.addr, buf.data(), r.bytes);
      ev.bus_wait_ps += ps(a.bus_wait);
      ev.bank_wait_ps += ps(a.bank_wait);
      ev.bytes += r.bytes;
    }
    const double cycles =
        cost->fixed + cost->per_mac * double(work.macs) + cost->per_element * double(work.output_elements);
    wait(clock_.cycles(uint64_t(std::ceil(cycles))));
    DebugMemoryPort memory(data_socket);
    run_mcu_op(op, memory);
    // The results go out over the bus (the functional write above is untimed).
    for (const auto& r : work.writes) {
      buf.resize(r.bytes);
      debug_read(data_socket, r.addr, buf.data(), r.bytes);
      const BusAccessResult a = bus_write(data_socket, r.addr, buf.data(), r.bytes);
      ev.bus_wait_ps += ps(a.bus_wait);
      ev.bank_wait_ps += ps(a.bank_wait);
      ev.bytes += r.bytes;
    }
    ev.macs = work.macs;
  } catch (const Error& e) {
    throw Error(fmt::format("{}: command {}: {}", ctx_.source(), index, e.what()));
  }
  ev.end_ps = ps(now());
  ctx_.record(ev);
}

}  // namespace kiln::sim
