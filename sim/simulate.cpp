#include "sim/simulate.h"

#include <fmt/format.h>

#include <algorithm>
#include <exception>
#include <numeric>
#include <systemc>
#include <thread>

#include "arch/error.h"
#include "sim/platform.h"

namespace kiln {

std::vector<uint8_t> SimResult::read(uint64_t addr, uint64_t len) const {
  for (const auto& m : memories)
    if (addr >= m.base && addr - m.base <= m.bytes.size() && len <= m.bytes.size() - (addr - m.base))
      return std::vector<uint8_t>(m.bytes.begin() + long(addr - m.base), m.bytes.begin() + long(addr - m.base + len));
  throw Error(fmt::format("{} bytes at 0x{:08x} are not inside one memory of the SoC", len, addr));
}

namespace {

bool event_before(const ProfileEvent& a, const ProfileEvent& b) {
  if (a.start_ps != b.start_ps) return a.start_ps < b.start_ps;
  if (a.unit != b.unit) return a.unit < b.unit;
  if (a.command != b.command) return a.command < b.command;
  return a.end_ps < b.end_ps;
}

// The events in event_before's order, ties in recording order: an index
// sort, then one move of each event (it holds three strings), instead of the
// merge sort moving events around.
std::vector<ProfileEvent> sorted_events(std::vector<ProfileEvent> events) {
  std::vector<uint32_t> order(events.size());
  std::iota(order.begin(), order.end(), 0u);
  std::stable_sort(order.begin(), order.end(),
                   [&](uint32_t a, uint32_t b) { return event_before(events[a], events[b]); });
  std::vector<ProfileEvent> sorted;
  sorted.reserve(events.size());
  for (uint32_t i : order) sorted.push_back(std::move(events[i]));
  return sorted;
}

void quiet_systemc() {
  using namespace sc_core;
  // The kernel's info lines (sc_stop, ...) are not for our users.
  sc_report_handler::set_actions(SC_INFO, SC_DO_NOTHING);
}

}  // namespace

namespace {

ActionCounts count_actions(const SocConfig& soc, sim::Platform& platform, const Profile& p) {
  ActionCounts a;
  for (const auto& u : p.units) {
    if (u.name == "npu.compute") a.array_macs += u.macs;
    if (u.name == "mcu") {
      a.mcu_macs += u.macs;
      a.mcu_busy_cycles = sim::ceil_div(u.busy_ps, sim::Clock(soc.mcu.clock_mhz).period_ps());
    }
    if (u.name == "npu.load" || u.name == "npu.store") a.dma_bytes += u.bytes;
  }
  for (const auto& unit : platform.npu().units()) unit->count_actions(a);
  for (size_t b = 0; b < 4; ++b) {
    a.spm_read_bytes[b] = platform.npu().scratchpads().read_bytes(Buffer(b));
    a.spm_write_bytes[b] = platform.npu().scratchpads().written_bytes(Buffer(b));
  }
  for (const auto& m : platform.memories())
    a.memories.push_back({m->config().name, m->config().kind, m->read_bytes(), m->written_bytes()});
  for (const auto& i : p.bus_initiators) a.bus_bytes += i.bytes;
  a.npu_cycles = p.total_cycles;
  a.bus_cycles = sim::ceil_div(p.total_ps, sim::Clock(soc.bus.clock_mhz).period_ps());
  a.mcu_cycles = sim::ceil_div(p.total_ps, sim::Clock(soc.mcu.clock_mhz).period_ps());
  return a;
}

SimResult elaborate_and_run(const SocConfig& soc, const Program& program, const SimOptions& options) {
  quiet_systemc();

  sim::SimContext ctx(options.source, soc.npu.clock_mhz);
  ctx.set_array_engine_factory(options.array_engine);
  ctx.set_npu_unit_factory(options.npu_unit);
  sim::Platform platform(soc, program, ctx);
  sc_core::sc_start();
  if (ctx.error()) throw Error(*ctx.error());
  const sim::Clock& ref = ctx.reference_clock();
  if (!platform.mcu().finished()) {
    const uint64_t cycle = ref.cycle_at(sc_core::sc_time_stamp());
    std::string what;
    for (const auto& b : platform.npu().blocked_commands()) what += (what.empty() ? "" : "; ") + b;
    if (!what.empty()) throw Error(fmt::format("{}: token deadlock at NPU cycle {}: {}", options.source, cycle, what));
    throw Error(fmt::format("{}: the simulation stopped at NPU cycle {} before the program finished", options.source, cycle));
  }

  SimResult r;
  r.total_ps = sim::ps(platform.mcu().finish_time());
  r.total_cycles = sim::ceil_div(r.total_ps, ref.period_ps());
  Profile& p = r.profile;
  p.soc = soc.name;
  p.source = options.source;
  p.reference_clock_mhz = soc.npu.clock_mhz;
  p.total_ps = r.total_ps;
  p.total_cycles = r.total_cycles;
  p.events = sorted_events(ctx.take_events());
  p.units = summarize_units(p.events);
  p.bus_busy_ps = platform.bus().busy_ps();
  p.bus_initiators = platform.bus().initiator_totals();
  for (const auto& m : platform.memories()) r.memories.push_back({m->config().name, m->config().base, m->take_contents()});
  for (size_t b = 0; b < 4; ++b) r.scratchpads[b] = platform.npu().scratchpads().take_contents(Buffer(b));
  r.array = platform.npu().array_stats();
  r.actions = count_actions(soc, platform, p);
  return r;
}

}  // namespace

SimResult simulate(const SocConfig& soc, const Program& program, const SimOptions& options) {
  static bool elaborated = false;
  if (elaborated)
    throw Error("simulate() may be called once per process (SystemC elaborates one model per process)");
  elaborated = true;
  // The model runs on a thread of its own. SystemC switches stacks between
  // its processes without telling AddressSanitizer, which then loses track of
  // the stack of the thread it ran on: an exception thrown later on that
  // thread is reported as a stack-use-after-scope. The caller's thread stays
  // clean; errors cross back as exceptions.
  SimResult result;
  std::exception_ptr error;
  std::thread runner([&] {
    try {
      result = elaborate_and_run(soc, program, options);
    } catch (...) {
      error = std::current_exception();
    }
  });
  runner.join();
  if (error) std::rethrow_exception(error);
  return result;
}

}  // namespace kiln
