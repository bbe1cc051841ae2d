// SocConfig: the description of one SoC that the compiler targets and the
// simulator models. Loaded from YAML by load_soc_config (soc_config_yaml.cpp)
// and validated there; everything downstream may assume a validated config.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace kiln {

enum class Dataflow : uint8_t { WeightStationary = 0, OutputStationary = 1, InputStationary = 2 };
enum class Arbitration : uint8_t { RoundRobin = 0, FixedPriority = 1 };
enum class MemoryKind : uint8_t { Flash = 0, Sram = 1, Dram = 2 };

// Cost of one MCU fallback kernel: cycles = fixed + per_mac * macs + per_element * output elements.
struct McuKernelCost {
  double fixed = 0;
  double per_mac = 0;
  double per_element = 0;
};

struct McuConfig {
  double clock_mhz = 200;
  // The core profile the costs start from (configs/mcu/<name>.yaml), as a
  // name or an absolute path; "" when the config gives every cost itself.
  std::string profile;
  // Keyed by kernel name as in arch/mcu_op.h (conv2d, depthwise_conv2d, ...).
  std::map<std::string, McuKernelCost> costs;
  // The config's own mcu.costs entries over a profile, kept so that another
  // profile (kiln run --mcu-profile) can take the profile's place under them.
  std::map<std::string, McuKernelCost> cost_overrides;
};

struct BusConfig {
  unsigned width_bytes = 8;       // data bus width (yaml: width_bits)
  double clock_mhz = 200;
  Arbitration arbitration = Arbitration::RoundRobin;
  unsigned latency_cycles = 2;    // address phase + decode, per burst
  unsigned max_burst_beats = 16;  // a longer transfer is split into bursts
};

struct MemoryConfig {
  std::string name;               // unique, e.g. "flash", "sram"
  MemoryKind kind = MemoryKind::Sram;
  uint64_t base = 0;
  uint64_t size_bytes = 0;
  unsigned wait_states = 0;       // extra bus cycles per access (per read_width word for flash)
  unsigned read_width_bytes = 8;  // flash: bytes delivered per access
  unsigned banks = 1;             // sram: interleaved banks
  unsigned bank_width_bytes = 8;  // sram: interleave granule
  unsigned latency_cycles = 0;    // dram: bus cycles from a burst's address to its first data
  unsigned bytes_per_cycle = 8;   // dram: peak bytes per bus cycle of the device

  // Flash peak read rate in bytes per bus cycle: a word takes its bus beats
  // plus the wait states (sim/flash.cpp charges exactly that).
  double flash_bytes_per_bus_cycle(unsigned bus_width_bytes) const {
    const double word = read_width_bytes ? read_width_bytes : 1;
    return word / (word / bus_width_bytes + wait_states);
  }
  // Bus cycles a DRAM burst of `bytes` takes after its latency: the slower of
  // the bus beats and the device's peak rate (sim/dram.cpp charges exactly that).
  uint64_t dram_data_cycles(uint64_t bytes, unsigned bus_width_bytes) const {
    const uint64_t beats = (bytes + bus_width_bytes - 1) / bus_width_bytes;
    const uint64_t device = (bytes + bytes_per_cycle - 1) / bytes_per_cycle;
    return beats > device ? beats : device;
  }
};

struct DmaConfig {
  unsigned channels = 2;
  unsigned outstanding_bursts = 4;  // per channel
  bool strides_2d = true;
};

struct ScratchpadConfig {
  uint64_t size_bytes = 0;
  unsigned banks = 1;               // banks = 2 lets DMA fill one half while the array reads the other
};

// An optional NPU unit the config enables (npu.units): its name in the unit
// catalogue (arch/unit_catalog.h) and its parameters, every one of its schema
// present (defaults filled in by the loader).
struct UnitConfig {
  std::string name;
  std::map<std::string, uint64_t> params;
  std::map<std::string, std::string> choices = {};  // named choices of its schema (e.g. engine: tlm | rtl)
  // The value of a parameter of the unit's schema; throws kiln::Error for a key it does not have.
  uint64_t param(const std::string& key) const;
  // The value of a choice of the unit's schema; throws kiln::Error for a key it does not have.
  const std::string& choice(const std::string& key) const;
  bool operator==(const UnitConfig& o) const { return name == o.name && params == o.params && choices == o.choices; }
};

struct NpuConfig {
  double clock_mhz = 200;
  uint64_t reg_base = 0x40000000;   // memory-mapped control registers
  unsigned rows = 16;
  unsigned cols = 16;
  Dataflow dataflow = Dataflow::WeightStationary;
  bool fixed_dataflow = false;      // true: every command runs in `dataflow` (the array supports no other)
  std::string engine = "tlm";       // an array engine of the unit catalogue (npu.array.engine)
  ScratchpadConfig input;           // int8 activations (A operand)
  ScratchpadConfig weight;          // int8 weights (B operand) and per-channel post-processing params
  ScratchpadConfig output;          // int8 results of the post-processing unit
  uint64_t accumulator_bytes = 0;   // int32 accumulators (C)
  unsigned ppu_lanes = 16;          // post-processing elements per NPU cycle
  unsigned spm_bytes_per_cycle = 8; // scratchpad port width seen by the DMA
  std::vector<UnitConfig> units;    // optional units enabled (npu.units), sorted by name

  // The enabled optional unit of that name, or nullptr.
  const UnitConfig* unit(const std::string& name) const;
};

struct SocConfig {
  std::string name;
  std::string source;               // file it was loaded from ("" if built in code)
  // Technology (energy and area, arch/technology.h): the name of a shipped one
  // (configs/tech/<name>.yaml), or an absolute file path (a relative path in
  // the YAML is resolved against the SoC file's directory); "" = the default,
  // horowitz45. technology_is_path() in soc_config_yaml.h tells them apart.
  std::string technology;
  McuConfig mcu;
  BusConfig bus;
  std::vector<MemoryConfig> memories;
  DmaConfig dma;
  NpuConfig npu;

  const MemoryConfig* find_memory(uint64_t addr, uint64_t len = 1) const;
  const MemoryConfig* memory_named(const std::string& name) const;
  const MemoryConfig* first_of_kind(MemoryKind kind) const;
};

const char* to_string(Dataflow d);
const char* to_string(Arbitration a);
const char* to_string(MemoryKind k);

}  // namespace kiln
