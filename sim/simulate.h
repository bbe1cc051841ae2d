// Running a program on the SoC model: the one entry point of sim/ for tools
// and tests.
//
// One elaboration per process: SystemC cannot elaborate a second model in a
// process, so simulate() may be called ONCE per process (a second call throws
// kiln::Error). A sweep or a test that needs several runs uses one process per
// run (ctest runs each test case in its own process).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "arch/command.h"
#include "arch/profile.h"
#include "arch/soc_config.h"
#include "sim/action_counts.h"
#include "sim/array_engine.h"
#include "sim/npu_unit_factory.h"
#include "sim/zeroed_bytes.h"

namespace kiln {

struct SimOptions {
  std::string source = "program";  // names the stream in error messages and the profile
  // When set, builds the array engine instead of npu.array.engine (kiln verify).
  ArrayEngineFactory array_engine;
  // When set, may build an NPU unit instead of its registered implementation (kiln verify).
  sim::NpuUnitFactory npu_unit;
};

struct MemoryContents {
  std::string name;
  uint64_t base = 0;
  sim::ZeroedBytes bytes;
};

struct SimResult {
  uint64_t total_ps = 0;      // time at which the MCU finished
  uint64_t total_cycles = 0;  // the same in NPU cycles (the profile's reference clock)
  Profile profile;
  std::vector<MemoryContents> memories;               // final contents, as SocConfig::memories
  std::array<sim::ZeroedBytes, 4> scratchpads;        // final contents, indexed by Buffer
  ArrayEngineStats array;                             // the array engine's work and wall time
  ActionCounts actions;                               // what the run did, for the energy model

  // Bytes at an absolute SoC address; throws kiln::Error if not inside one memory.
  std::vector<uint8_t> read(uint64_t addr, uint64_t len) const;
  const sim::ZeroedBytes& scratchpad(Buffer b) const { return scratchpads[size_t(b)]; }
};

// Loads the program, runs it to its end, and returns what it computed and
// measured. Throws kiln::Error for a program that fails at run time (bad
// address, token deadlock, ...) with "<source>: command N: ..." where known.
// The program is assumed validated (validate_program); the simulator still
// checks what it touches.
SimResult simulate(const SocConfig& soc, const Program& program, const SimOptions& options = {});

}  // namespace kiln
