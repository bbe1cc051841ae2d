// RtlArrayEngine: the Verilated array core of rtl/ behind the ArrayEngine
// interface. run() clocks the model cycle by cycle in a plain C++ loop, serving
// its operand and accumulator ports from the tile, and returns the cycles from
// start accepted to done; the caller waits them at the NPU clock.
// Built when KILN_RTL_SIZES is not empty (KILN_HAVE_RTL); docs/rtl.md.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "sim/array_engine.h"

namespace kiln {

class RtlArrayEngine : public ArrayEngine {
 public:
  // Dumps the waveforms of the array commands with stream index
  // first_command..last_command (ArrayTile::command, inclusive) to a VCD file
  // at `path` (for GTKWave). The file is opened at the first such command and
  // closed after the last one or with the engine; no file when none runs.
  virtual void set_vcd(const std::string& path, uint64_t first_command, uint64_t last_command) = 0;
  // True once the VCD file has been opened.
  virtual bool vcd_written() const = 0;
  // run() calls so far.
  virtual uint64_t calls() const = 0;
};

// One Verilated array core: runs a tile cycle by cycle (sim/verilated_array_core.h).
class RtlCore {
 public:
  virtual ~RtlCore() = default;
  // Returns the cycles from start accepted to done; throws after cycle_limit.
  virtual uint64_t run(const ArrayTile& tile, int32_t* c, uint64_t cycle_limit) = 0;
  virtual void open_vcd(const std::string& path) = 0;
  virtual void close_vcd() = 0;
};

// A Verilated core built outside kiln_sim (the test-only fault-injected
// variant, tests/rtl/) registers itself here from a static initializer; it is
// then used for its size instead of the built-in core, and the engine's name
// carries `variant` so no output can be mistaken for the real core's.
using RtlCoreFactory = std::function<std::unique_ptr<RtlCore>(const NpuConfig&)>;
bool register_rtl_core(unsigned rows, unsigned cols, const std::string& variant, RtlCoreFactory factory);

// Array sizes (rows, cols) with a Verilated core in this build; empty without RTL.
std::vector<std::pair<unsigned, unsigned>> rtl_array_sizes();

// Throws kiln::Error naming the built sizes when npu.rows x npu.cols has no
// Verilated core (or when this build has none at all).
std::unique_ptr<ArrayEngine> make_rtl_array_engine(const NpuConfig& npu);

}  // namespace kiln
