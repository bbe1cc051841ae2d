// What every module of one simulation shares: the name of the stream (for
// error messages), the reference clock of the profile, the profile events,
// and the first error raised inside a SystemC process (an exception must not
// escape a process: the kernel would turn it into a report). Plain C++.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <systemc>
#include <vector>

#include "arch/profile.h"
#include "sim/array_engine.h"
#include "sim/clock.h"
#include "sim/npu_unit_factory.h"

namespace kiln::sim {

class SimContext {
 public:
  SimContext(std::string source, double reference_clock_mhz) : source_(std::move(source)), ref_(reference_clock_mhz) {}

  const std::string& source() const { return source_; }
  const Clock& reference_clock() const { return ref_; }

  // Records an event; fills its cycle fields from its picosecond fields.
  void record(ProfileEvent e) {
    e.start_cycle = e.start_ps / ref_.period_ps();
    e.end_cycle = ceil_div(e.end_ps, ref_.period_ps());
    events_.push_back(std::move(e));
  }
  const std::vector<ProfileEvent>& events() const { return events_; }
  // The events moved out, once the simulation has ended.
  std::vector<ProfileEvent> take_events() { return std::move(events_); }

  // The NPU's array engine: from the factory when one is set, else the one
  // the config names.
  void set_array_engine_factory(ArrayEngineFactory f) { engine_factory_ = std::move(f); }
  std::unique_ptr<ArrayEngine> make_array_engine(const NpuConfig& npu) const {
    return engine_factory_ ? engine_factory_(npu) : kiln::make_array_engine(npu);
  }

  void set_npu_unit_factory(NpuUnitFactory f) { unit_factory_ = std::move(f); }
  const NpuUnitFactory& npu_unit_factory() const { return unit_factory_; }

  // Runs a process body; a thrown error is kept (the first one wins) and the
  // simulation stops.
  void guard(const std::function<void()>& body);
  void fail(const std::string& message);
  const std::optional<std::string>& error() const { return error_; }

 private:
  std::string source_;
  Clock ref_;
  std::vector<ProfileEvent> events_;
  std::optional<std::string> error_;
  ArrayEngineFactory engine_factory_;
  NpuUnitFactory unit_factory_;
};

}  // namespace kiln::sim
