#include "arch/soc_config.h"

#include <fmt/format.h>

#include "arch/error.h"

namespace kiln {

const MemoryConfig* SocConfig::find_memory(uint64_t addr, uint64_t len) const {
  for (const auto& m : memories) {
    // Written so that no sum can overflow: [addr, addr+len) inside [base, base+size).
    if (addr < m.base) continue;
    uint64_t offset = addr - m.base;
    if (offset < m.size_bytes && len <= m.size_bytes - offset) return &m;
  }
  return nullptr;
}

const MemoryConfig* SocConfig::memory_named(const std::string& name) const {
  for (const auto& m : memories)
    if (m.name == name) return &m;
  return nullptr;
}

const MemoryConfig* SocConfig::first_of_kind(MemoryKind kind) const {
  for (const auto& m : memories)
    if (m.kind == kind) return &m;
  return nullptr;
}

uint64_t UnitConfig::param(const std::string& key) const {
  const auto it = params.find(key);
  if (it == params.end()) throw Error(fmt::format("npu.units.{}: the unit has no parameter '{}'", name, key));
  return it->second;
}

const std::string& UnitConfig::choice(const std::string& key) const {
  const auto it = choices.find(key);
  if (it == choices.end()) throw Error(fmt::format("npu.units.{}: the unit has no choice '{}'", name, key));
  return it->second;
}

const UnitConfig* NpuConfig::unit(const std::string& unit_name) const {
  for (const UnitConfig& u : units)
    if (u.name == unit_name) return &u;
  return nullptr;
}

const char* to_string(Dataflow d) {
  switch (d) {
    case Dataflow::WeightStationary: return "weight_stationary";
    case Dataflow::OutputStationary: return "output_stationary";
    case Dataflow::InputStationary: return "input_stationary";
  }
  return "?";
}

const char* to_string(Arbitration a) {
  switch (a) {
    case Arbitration::RoundRobin: return "round_robin";
    case Arbitration::FixedPriority: return "fixed_priority";
  }
  return "?";
}

const char* to_string(MemoryKind k) {
  switch (k) {
    case MemoryKind::Flash: return "flash";
    case MemoryKind::Sram: return "sram";
    case MemoryKind::Dram: return "dram";
  }
  return "?";
}

}  // namespace kiln
