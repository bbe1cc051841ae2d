#include "sim/npu.h"

#include <fmt/format.h>

#include <cstring>

#include "arch/command_codec.h"
#include "arch/error.h"
#include "sim/bus_access.h"
#include "sim/npu_regs.h"

namespace kiln::sim {

using sc_core::sc_time;

namespace {

const char* unit_of(Queue q) {
  switch (q) {
    case Queue::Load: return "npu.load";
    case Queue::Compute: return "npu.compute";
    case Queue::Store: return "npu.store";
    case Queue::Mcu: return "mcu";
  }
  return "?";
}

}  // namespace

Npu::Npu(sc_core::sc_module_name name, const SocConfig& soc, SimContext& ctx)
    : sc_module(name), regs_socket("regs_socket"), fetch_socket("fetch_socket"), dma_port("dma_port"),
      spm_export("spm_export"), irq("irq"), soc_(soc), ctx_(ctx), npu_clock_(soc.npu.clock_mhz),
      bus_clock_(soc.bus.clock_mhz), fetch_burst_(uint64_t(soc.bus.max_burst_beats) * soc.bus.width_bytes),
      spm_(soc.npu) {
  build_units();
  regs_socket.register_b_transport(this, &Npu::reg_access);
  spm_export.bind(spm_);
  SC_HAS_PROCESS(Npu);
  SC_THREAD(fetch_thread);
  SC_THREAD(load_thread);
  SC_THREAD(compute_thread);
  SC_THREAD(store_thread);
  SC_METHOD(drive_irq);
  sensitive << irq_changed_;
  dont_initialize();
}

void Npu::reg_access(tlm::tlm_generic_payload& trans, sc_time& delay) {
  const uint64_t reg = trans.get_address();
  if (trans.get_data_length() != 4 || reg % 4 != 0) {
    trans.set_response_status(tlm::TLM_BURST_ERROR_RESPONSE);
    return;
  }
  delay += bus_clock_.cycles(ceil_div(4, soc_.bus.width_bytes));
  uint32_t value = 0;
  if (trans.is_write()) {
    std::memcpy(&value, trans.get_data_ptr(), 4);
    switch (reg) {
      case npu_reg::kStreamAddrLo: stream_addr_ = (stream_addr_ & ~0xffffffffull) | value; break;
      case npu_reg::kStreamAddrHi: stream_addr_ = (stream_addr_ & 0xffffffffull) | (uint64_t(value) << 32); break;
      case npu_reg::kStreamBytes: stream_bytes_ = value; break;
      case npu_reg::kFirstCommand: first_command_ = value; break;
      case npu_reg::kControl:
        if ((value & npu_reg::kStart) && !running_) {
          running_ = true;
          done_ = false;
          start_.notify(delay);
        }
        break;
      case npu_reg::kIrqClear:
        if (value & 1) {
          irq_pending_ = false;
          irq_changed_.notify(delay);
        }
        break;
      default: trans.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE); return;
    }
  } else {
    switch (reg) {
      case npu_reg::kStreamAddrLo: value = uint32_t(stream_addr_); break;
      case npu_reg::kStreamAddrHi: value = uint32_t(stream_addr_ >> 32); break;
      case npu_reg::kStreamBytes: value = stream_bytes_; break;
      case npu_reg::kFirstCommand: value = first_command_; break;
      case npu_reg::kStatus:
        value = (running_ ? npu_reg::kBusy : 0) | (done_ ? npu_reg::kDone : 0) | (irq_pending_ ? npu_reg::kIrq : 0);
        break;
      default: value = 0; break;
    }
    std::memcpy(trans.get_data_ptr(), &value, 4);
  }
  trans.set_response_status(tlm::TLM_OK_RESPONSE);
}

void Npu::fetch_thread() {
  ctx_.guard([&] {
    for (;;) {
      wait(start_);
      fetch_done_ = false;
      dispatched_ = completed_ = 0;
      end_.reset();
      const sc_time started = now();
      ProfileEvent ev;
      ev.name = "fetch";
      ev.unit = "npu.fetch";
      ev.start_ps = ps(started);
      std::vector<uint8_t> bytes(stream_bytes_);
      size_t decoded = 0;
      int64_t index = first_command_;
      for (uint64_t got = 0; got < bytes.size();) {
        const uint64_t n = std::min<uint64_t>(fetch_burst_, bytes.size() - got);
        const BusAccessResult r = bus_read(fetch_socket, stream_addr_ + got, bytes.data() + got, n);
        ev.bus_wait_ps += ps(r.bus_wait);
        ev.bank_wait_ps += ps(r.bank_wait);
        got += n;
        // Decode every command that has fully arrived (its second byte is its length in words).
        while (decoded < got) {
          const size_t avail = got - decoded;
          const bool complete = avail >= 2 && bytes[decoded + 1] != 0 && size_t(bytes[decoded + 1]) * 4 <= avail;
          if (!complete && got < bytes.size()) break;
          size_t consumed = 0;
          Command cmd = decode_command(bytes.data() + decoded, avail, &consumed, ctx_.source(), size_t(index));
          decoded += consumed;
          dispatch(index++, std::move(cmd));
        }
      }
      ev.end_ps = ps(now());
      ev.bytes = bytes.size();
      ctx_.record(ev);
      fetch_done_ = true;
      check_drain();
      check_deadlock();
    }
  });
}

void Npu::dispatch(int64_t index, Command cmd) {
  const Queue q = queue_of(cmd.op);
  if (q == Queue::Mcu) {  // program order: acts at fetch (fence, end) or is refused (mcu)
    ProfileEvent ev;
    ev.command = index;
    ev.name = to_string(cmd.op);
    ev.unit = "npu.fetch";
    ev.start_ps = ps(now());
    (this->*executor_of(cmd.op))(Entry{index, std::move(cmd)}, ev);
    return;
  }
  queues_[size_t(q)].push_back({index, std::move(cmd)});
  queued_[size_t(q)].notify(sc_core::SC_ZERO_TIME);
  ++dispatched_;
}

void Npu::queue_thread(Queue q) {
  ctx_.guard([&] {
    auto& queue = queues_[size_t(q)];
    for (;;) {
      executing_[size_t(q)] = false;
      if (queue.empty()) check_deadlock();
      while (queue.empty()) wait(queued_[size_t(q)]);
      executing_[size_t(q)] = true;
      const Entry e = std::move(queue.front());
      queue.pop_front();
      ProfileEvent ev;
      ev.command = e.index;
      ev.name = to_string(e.cmd.op);
      ev.unit = unit_of(q);
      try {
        const sc_time issued = now();
        const Deps& d = e.cmd.deps;
        if (d.wait_prev) wait_token(q, e, false);
        if (d.wait_next) wait_token(q, e, true);
        ev.start_ps = ps(now());
        ev.token_wait_ps = ps(now() - issued);
        (this->*executor_of(e.cmd.op))(e, ev);
        if (d.signal_prev) tokens_.signal(Tokens::edge(q, Tokens::neighbour(q, false)));
        if (d.signal_next) tokens_.signal(Tokens::edge(q, Tokens::neighbour(q, true)));
      } catch (const Error& err) {
        const std::string what = err.what();
        // Errors from the units do not know which command they belong to.
        if (what.rfind(ctx_.source() + ": command", 0) == 0) throw;
        throw Error(fmt::format("{}: command {}: {}", ctx_.source(), e.index, what));
      }
      ev.end_ps = ps(now());
      ctx_.record(ev);
      ++completed_;
      // Only a fence waits on it, for everything dispatched to finish (fetch
      // dispatches nothing meanwhile): waking it for any earlier command
      // would only make it wait again.
      if (completed_ == dispatched_) completed_event_.notify(sc_core::SC_ZERO_TIME);
      check_drain();
    }
  });
}

void Npu::wait_token(Queue q, const Entry& e, bool from_next) {
  const Queue from = Tokens::neighbour(q, from_next);
  const int edge = Tokens::edge(from, q);
  if (tokens_.count(edge) == 0) {
    blocked_[size_t(q)] = Blocked{e.index, e.cmd.op, from, edge};
    check_deadlock();
    tokens_.wait_for(edge);
    blocked_[size_t(q)].reset();
  } else {
    tokens_.wait_for(edge);
  }
}

// A run is deadlocked when everything is fetched and every queue is either idle
// with nothing queued or waiting for a token that no one can still send.
void Npu::check_deadlock() {
  if (!running_ || !fetch_done_) return;
  bool any_blocked = false;
  for (size_t q = 0; q < 3; ++q) {
    if (blocked_[q]) {
      if (tokens_.count(blocked_[q]->edge) > 0) return;
      any_blocked = true;
    } else if (executing_[q] || !queues_[q].empty()) {
      return;
    }
  }
  if (!any_blocked) return;
  std::string what;
  for (const auto& b : blocked_commands()) what += (what.empty() ? "" : "; ") + b;
  ctx_.fail(fmt::format("{}: token deadlock at NPU cycle {}: {}", ctx_.source(), npu_clock_.cycle_at(now()), what));
}

// The built-in units, then the enabled optional ones, each by its registered
// name; every opcode has at most one unit.
void Npu::build_units() {
  std::vector<std::pair<std::string, const UnitConfig*>> wanted = {{"array", nullptr}, {"post_process", nullptr}};
  for (const UnitConfig& u : soc_.npu.units) wanted.emplace_back(u.name, &u);
  for (const auto& [name, config] : wanted) {
    const NpuUnitContext context{soc_, config, spm_, ctx_};
    std::unique_ptr<NpuUnit> made = ctx_.npu_unit_factory() ? ctx_.npu_unit_factory()(name, context) : nullptr;
    if (!made) made = NpuUnitRegistry::instance().make(name, fmt::format("npu unit '{}'", name), context);
    units_.push_back(std::move(made));
    NpuUnit* unit = units_.back().get();
    for (Opcode op : unit->opcodes()) {
      if (queue_of(op) != Queue::Compute)
        throw Error(fmt::format("npu unit '{}' claims {}, which is not a command of the compute queue", name,
                                to_string(op)));
      if (unit_of_[size_t(op)])
        throw Error(fmt::format("npu units '{}' and '{}' both claim {}", unit_of_[size_t(op)]->name(), name,
                                to_string(op)));
      unit_of_[size_t(op)] = unit;
    }
  }
  // A command the table gives a unit of this NPU runs on that unit, never on
  // none (a silent no-op) nor on another.
  for (const CommandSpec& c : kCommands) {
    if (!c.unit) continue;
    for (const auto& u : units_)
      if (u->name() == c.unit->name && unit_of_[size_t(c.op)] != u.get())
        throw Error(fmt::format("npu unit '{}' does not execute {}, which the command table (arch/command.h) gives it",
                                c.unit->name, c.mnemonic));
  }
  array_ = dynamic_cast<const ArrayUnit*>(units_.front().get());
  if (!array_) throw Error("npu unit 'array' is not the array unit (sim/array_unit.h)");
}

std::vector<std::string> Npu::unit_names() const {
  std::vector<std::string> names;
  for (const auto& u : units_) names.push_back(u->name());
  return names;
}

Npu::Executor Npu::executor_of(Opcode op) {
  // A command of the compute queue runs on the NPU unit that claims it
  // (run_on_unit; a command no unit of the NPU claims is an error there), so a
  // new unit command needs no row here. Every other command needs its own.
  static constexpr ExecutorEntry kExecutors[] = {
      {Opcode::DmaLoad, &Npu::run_dma}, {Opcode::DmaStore, &Npu::run_dma}, {Opcode::Fence, &Npu::run_fence},
      {Opcode::McuOp, &Npu::refuse_mcu}, {Opcode::End, &Npu::run_end},
  };
  static_assert(covers_every_command_outside(kExecutors, Queue::Compute),
                "a command of arch/command.h's kCommands outside the compute queue has no executor in sim/npu.cpp");
  for (const ExecutorEntry& e : kExecutors)
    if (e.op == op) return e.run;
  if (queue_of(op) == Queue::Compute) return &Npu::run_on_unit;
  throw Error(fmt::format("opcode 0x{:02x} has no executor", uint8_t(op)));  // decode admits only table opcodes
}

void Npu::hold(const std::vector<SpmRegion>& regions, uint64_t cycles, ProfileEvent& ev) {
  const sc_time dur = npu_clock_.cycles(cycles);
  const sc_time start = spm_.reserve(regions, dur);
  ev.bank_wait_ps += ps(start - now());
  wait(start + dur - now());
}

void Npu::run_dma(const Entry& e, ProfileEvent& ev) {
  const auto& d = std::get<DmaCmd>(e.cmd.body);
  ev.resource = fmt::format("dma{}", unsigned(d.channel));
  const DmaReport r = dma_port->transfer(d, e.cmd.op == Opcode::DmaLoad);
  ev.bytes = r.bytes;
  ev.bus_wait_ps += ps(r.bus_wait);
  ev.bank_wait_ps += ps(r.bank_wait);
}

void Npu::run_on_unit(const Entry& e, ProfileEvent& ev) {
  NpuUnit* unit = unit_of_[size_t(e.cmd.op)];
  if (!unit) {
    std::string built;
    for (const auto& name : unit_names()) built += (built.empty() ? "" : ", ") + name;
    throw Error(fmt::format("{}: command {}: no unit of this NPU executes {} (units: {}; npu.units enables more)",
                            ctx_.source(), e.index, to_string(e.cmd.op), built));
  }
  const UnitWork w = unit->execute(e.cmd, e.index);
  ev.macs = w.macs;
  hold(w.regions, w.cycles, ev);
}

// Dispatch stops until every command dispatched so far has finished.
void Npu::run_fence(const Entry&, ProfileEvent& ev) {
  while (completed_ != dispatched_) wait(completed_event_);
  ev.end_ps = ps(now());
  ctx_.record(ev);
}

// The run ends when everything dispatched has drained (check_drain).
void Npu::run_end(const Entry& e, ProfileEvent&) { end_ = e; }

void Npu::refuse_mcu(const Entry& e, ProfileEvent&) {
  throw Error(
      fmt::format("{}: command {}: an MCU operation reached the NPU (the MCU runs those)", ctx_.source(), e.index));
}

void Npu::check_drain() {
  if (!running_ || !fetch_done_ || completed_ != dispatched_) return;
  running_ = false;
  done_ = true;
  bool interrupt = true;
  if (end_) {
    interrupt = std::get<EndCmd>(end_->cmd.body).interrupt;
    ProfileEvent ev;
    ev.command = end_->index;
    ev.name = to_string(Opcode::End);
    ev.unit = "npu.fetch";
    ev.start_ps = ev.end_ps = ps(now());
    ctx_.record(ev);
  }
  if (interrupt) {
    irq_pending_ = true;
    irq_changed_.notify(sc_core::SC_ZERO_TIME);
  }
}

std::vector<std::string> Npu::blocked_commands() const {
  std::vector<std::string> out;
  for (size_t q = 0; q < 3; ++q)
    if (blocked_[q])
      out.push_back(fmt::format("command {} ({}) in the {} queue waits for a token from the {} queue", blocked_[q]->index,
                                to_string(blocked_[q]->op), to_string(Queue(q)), to_string(blocked_[q]->from)));
  return out;
}

}  // namespace kiln::sim
