// RtlArrayEngine: the Verilated array core of rtl/ behind the ArrayEngine
// interface. run() clocks the model cycle by cycle in a plain C++ loop, serving
// its operand and accumulator ports from the tile, and returns the cycles from
// start accepted to done; the caller waits them at the NPU clock.
// Built when KILN_RTL_SIZES is not empty (KILN_HAVE_RTL); docs/rtl.md.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "sim/array_engine.h"

namespace kiln {

class RtlArrayEngine : public ArrayEngine {
 public:
  // Dumps the waveforms of run() calls first_call..last_call (0-based,
  // inclusive) to a VCD file at `path` (for GTKWave). The file is opened at
  // the first traced call and closed after the last one or with the engine.
  virtual void set_vcd(const std::string& path, uint64_t first_call, uint64_t last_call) = 0;
  // run() calls so far.
  virtual uint64_t calls() const = 0;
};

// Array sizes (rows, cols) with a Verilated core in this build; empty without RTL.
std::vector<std::pair<unsigned, unsigned>> rtl_array_sizes();

// Throws kiln::Error naming the built sizes when npu.rows x npu.cols has no
// Verilated core (or when this build has none at all).
std::unique_ptr<ArrayEngine> make_rtl_array_engine(const NpuConfig& npu);

}  // namespace kiln
