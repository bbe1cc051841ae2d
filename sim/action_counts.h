// What one simulation did, counted by action, for the energy model
// (sim/energy.h): MACs, bytes through each scratchpad and memory, bus and DMA
// bytes, MCU busy cycles, and the run's length in each clock domain. Plain C++.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "arch/soc_config.h"

namespace kiln {

struct MemoryTraffic {
  std::string name;                // as SocConfig::memories
  MemoryKind kind = MemoryKind::Sram;
  uint64_t read_bytes = 0;         // by bus transfers while the program ran (not the loader)
  uint64_t write_bytes = 0;
};

struct ActionCounts {
  uint64_t array_macs = 0;                  // multiply-accumulates of the NPU array
  uint64_t mcu_macs = 0;                    // of MCU fallback kernels (their energy is in MCU cycles)
  uint64_t vector_rescales = 0;             // vector unit: multiply_by_quantized_multiplier steps
  uint64_t vector_adds = 0;                 // vector unit: add, compare and clamp steps
  uint64_t vector_macs = 0;                 // vector unit: multiply-accumulates (vdwconv's taps)
  std::array<uint64_t, 4> spm_read_bytes{}; // indexed by Buffer (input, weight, output, accumulator)
  std::array<uint64_t, 4> spm_write_bytes{};
  std::vector<MemoryTraffic> memories;      // as SocConfig::memories
  uint64_t bus_bytes = 0;                   // over all bus initiators
  uint64_t dma_bytes = 0;                   // moved by DMA loads and stores
  uint64_t mcu_busy_cycles = 0;             // MCU cycles spent busy (it sleeps otherwise)
  uint64_t npu_cycles = 0;                  // length of the run in cycles of each clock
  uint64_t bus_cycles = 0;
  uint64_t mcu_cycles = 0;
};

}  // namespace kiln
