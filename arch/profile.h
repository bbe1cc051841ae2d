// Profile: what one simulation measured, command by command. The simulator
// (sim/) records it, `kiln simulate` writes it as JSON (schema in
// docs/profile.md) and as a Chrome/Perfetto trace, and the compiler reads it
// back for feedback. No SystemC here: times are plain picoseconds.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace kiln {

inline constexpr int kProfileFormatVersion = 1;

// One interval of work on one unit: an executed command, or an activity that
// is not a command (the NPU fetching its stream, the MCU programming the NPU).
struct ProfileEvent {
  int64_t command = -1;         // index in the stream; -1 for non-command activity
  std::string name;             // opcode ("dma_load", "gemm", ...) or activity ("fetch", "program_npu")
  std::string unit;             // "mcu", "npu.fetch", "npu.load", "npu.compute", "npu.store"
  std::string resource;         // shared engine it used ("dma0", "dma1"), empty if none
  uint64_t start_ps = 0;        // after its token waits
  uint64_t end_ps = 0;
  uint64_t start_cycle = 0;     // the same instants in cycles of Profile::reference_clock_mhz
  uint64_t end_cycle = 0;
  uint64_t bytes = 0;           // bytes moved (DMA, fetch, MCU operand traffic)
  uint64_t macs = 0;
  uint64_t token_wait_ps = 0;   // before start: waiting for dependency tokens
  uint64_t bus_wait_ps = 0;     // inside [start, end): waiting for the bus (arbitration, DMA channel)
  uint64_t bank_wait_ps = 0;    // inside [start, end): waiting for a busy memory or scratchpad bank

  uint64_t duration_ps() const { return end_ps - start_ps; }
};

// Totals of one unit (or one resource such as a DMA channel).
struct UnitTotals {
  std::string name;
  uint64_t events = 0;
  uint64_t busy_ps = 0;         // sum of event durations
  uint64_t token_wait_ps = 0;   // stalled on tokens (not part of busy)
  uint64_t bus_wait_ps = 0;     // part of busy
  uint64_t bank_wait_ps = 0;    // part of busy
  uint64_t bytes = 0;
  uint64_t macs = 0;
};

// One bus initiator (mcu, npu_fetch, dma0, ...).
struct BusInitiatorTotals {
  std::string name;
  uint64_t bursts = 0;
  uint64_t bytes = 0;
  uint64_t busy_ps = 0;         // time it held the bus
  uint64_t wait_ps = 0;         // time it waited for arbitration
};

struct Profile {
  int version = kProfileFormatVersion;
  std::string soc;                   // SocConfig::name
  std::string source;                // the stream that ran
  double reference_clock_mhz = 0;    // the NPU clock; every *_cycle field counts its cycles
  uint64_t total_ps = 0;             // time at which the MCU finished
  uint64_t total_cycles = 0;
  std::vector<ProfileEvent> events;  // ordered by (start_ps, unit, command)
  std::vector<UnitTotals> units;     // units first (mcu, npu.*), then resources (dma*)
  uint64_t bus_busy_ps = 0;
  std::vector<BusInitiatorTotals> bus_initiators;

  double bus_utilization() const { return total_ps ? double(bus_busy_ps) / double(total_ps) : 0.0; }
  const UnitTotals* unit(const std::string& name) const;
  // The event of command `index` on `unit` ("" matches any unit); nullptr if none.
  const ProfileEvent* event_of(int64_t index, const std::string& unit = "") const;
};

// Per-unit and per-resource totals of a list of events, in a fixed order.
std::vector<UnitTotals> summarize_units(const std::vector<ProfileEvent>& events);

// JSON form (docs/profile.md). profile_from_json throws kiln::Error naming `source`.
std::string profile_to_json(const Profile& profile);
Profile profile_from_json(const std::string& text, const std::string& source);
void write_profile_file(const Profile& profile, const std::string& path);  // atomic
Profile read_profile_file(const std::string& path);

// Chrome trace event format (opens in ui.perfetto.dev): one track per unit and
// per DMA channel; timestamps in microseconds.
std::string chrome_trace_json(const Profile& profile);
void write_chrome_trace_file(const Profile& profile, const std::string& path);  // atomic

// Writes `text` to `path` through a temporary file and a rename, so a reader
// never sees half a file. Throws kiln::Error naming the path.
void write_text_file_atomic(const std::string& path, const std::string& text);

}  // namespace kiln
