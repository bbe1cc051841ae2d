#include "arch/scalesim_config.h"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <map>
#include <sstream>

#include <fmt/format.h>

#include "arch/error.h"
#include "arch/soc_config_yaml.h"

namespace kiln {
namespace {

std::string lower(std::string s) {
  for (char& c : s) c = char(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r'; }

// One value of the file with where it starts.
struct Entry {
  std::string value;
  size_t line = 0, column = 0;  // 1-based, of the value (of the key when the value is empty)
  size_t key_column = 0;
};

class CfgReader {
 public:
  CfgReader(const std::string& text, const std::string& source) : source_(source) { read(text); }

  std::string at(const Entry& e) const { return fmt::format("{}:{}:{}", source_, e.line, e.column); }
  [[noreturn]] void fail(const Entry& e, const std::string& what) const { throw Error(at(e) + ": " + what); }

  const Entry* get(const std::string& section, const std::string& key) const {
    auto s = sections_.find(section);
    if (s == sections_.end()) return nullptr;
    auto k = s->second.find(lower(key));
    return k == s->second.end() ? nullptr : &k->second;
  }
  const Entry& need(const std::string& section, const std::string& key) const {
    if (const Entry* e = get(section, key)) return *e;
    auto s = sections_.find(section);
    if (s == sections_.end())
      throw Error(fmt::format("{}: no [{}] section; expected one with the key {}", source_, section, key));
    throw Error(fmt::format("{}:{}:1: section [{}] has no key {}; expected '{} = VALUE'", source_,
                            section_lines_.at(section), section, key, key));
  }

  uint64_t integer(const Entry& e, const std::string& key, uint64_t lo, uint64_t hi) const {
    const std::string& v = e.value;
    if (v.empty() || !std::all_of(v.begin(), v.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); }))
      fail(e, fmt::format("{} must be a whole number from {} to {}, got '{}'", key, lo, hi, v));
    const uint64_t n = v.size() > 12 ? hi + 1 : std::stoull(v);
    if (n < lo || n > hi) fail(e, fmt::format("{} must be from {} to {}, got {}", key, lo, hi, v));
    return n;
  }

 private:
  void read(const std::string& text) {
    std::istringstream in(text);
    std::string line, section;
    size_t number = 0;
    while (std::getline(in, line)) {
      ++number;
      size_t first = 0;
      while (first < line.size() && is_space(line[first])) ++first;
      if (first == line.size() || line[first] == '#' || line[first] == ';') continue;
      size_t last = line.size();
      while (last > first && is_space(line[last - 1])) --last;
      const Entry where{"", number, first + 1, first + 1};
      if (line[first] == '[') {
        if (line[last - 1] != ']') fail(where, "expected a section header '[name]'");
        section = lower(line.substr(first + 1, last - first - 2));
        if (section.empty()) fail(where, "expected a section name between '[' and ']'");
        if (section_lines_.count(section))
          fail(where, fmt::format("section [{}] appears twice (first at line {})", section, section_lines_[section]));
        section_lines_[section] = number;
        sections_[section];
        continue;
      }
      const size_t sep = line.find_first_of("=:", first);
      if (sep == std::string::npos || sep >= last) fail(where, "expected 'key = value' or 'key: value'");
      if (section.empty()) fail(where, "expected a section header '[name]' before the first key");
      size_t key_end = sep;
      while (key_end > first && is_space(line[key_end - 1])) --key_end;
      if (key_end == first) fail(where, "expected a key before '" + std::string(1, line[sep]) + "'");
      size_t value_start = sep + 1;
      while (value_start < last && is_space(line[value_start])) ++value_start;
      const std::string key = lower(line.substr(first, key_end - first));
      Entry e{line.substr(value_start, last > value_start ? last - value_start : 0), number,
              value_start < last ? value_start + 1 : first + 1, first + 1};
      auto& keys = sections_[section];
      if (keys.count(key))
        fail(where, fmt::format("key {} appears twice in [{}] (first at line {})", line.substr(first, key_end - first),
                                section, keys[key].line));
      keys[key] = e;
    }
  }

  std::string source_;
  std::map<std::string, std::map<std::string, Entry>> sections_;
  std::map<std::string, size_t> section_lines_;
};

constexpr uint64_t kMaxSramKib = 64 * 1024;  // as a YAML scratchpad's size_kib

}  // namespace

ScaleSimConfig parse_scalesim_config(const std::string& text, const std::string& source) {
  const CfgReader r(text, source);
  ScaleSimConfig c;
  c.source = source;
  if (const Entry* e = r.get("general", "run_name")) c.run_name = e->value;
  const std::string arch = "architecture_presets";
  c.rows = unsigned(r.integer(r.need(arch, "ArrayHeight"), "ArrayHeight", 1, 256));
  c.cols = unsigned(r.integer(r.need(arch, "ArrayWidth"), "ArrayWidth", 1, 256));
  const Entry& ifmap = r.need(arch, "IfmapSramSzkB");
  const Entry& filter = r.need(arch, "FilterSramSzkB");
  const Entry& ofmap = r.need(arch, "OfmapSramSzkB");
  c.ifmap_kib = r.integer(ifmap, "IfmapSramSzkB", 1, kMaxSramKib);
  c.filter_kib = r.integer(filter, "FilterSramSzkB", 1, kMaxSramKib);
  c.ofmap_kib = r.integer(ofmap, "OfmapSramSzkB", 1, kMaxSramKib);
  c.ifmap_at = r.at(ifmap), c.filter_at = r.at(filter), c.ofmap_at = r.at(ofmap);
  const Entry& df = r.need(arch, "Dataflow");
  const std::string d = lower(df.value);
  if (d == "ws") c.dataflow = Dataflow::WeightStationary;
  else if (d == "os") c.dataflow = Dataflow::OutputStationary;
  else if (d == "is") c.dataflow = Dataflow::InputStationary;
  else r.fail(df, fmt::format("Dataflow must be ws, os or is, got '{}'", df.value));
  if (const Entry* e = r.get(arch, "Bandwidth")) {
    // A comma list (one value per operand in USER mode); each a whole number.
    std::string item;
    std::istringstream list(e->value);
    size_t column = e->column;
    while (std::getline(list, item, ',')) {
      size_t lead = 0;
      while (lead < item.size() && is_space(item[lead])) ++lead;
      std::string v = item.substr(lead);
      while (!v.empty() && is_space(v.back())) v.pop_back();
      Entry one{v, e->line, column + lead, e->key_column};
      c.bandwidth.push_back(unsigned(r.integer(one, "Bandwidth", 1, 1024)));
      column += item.size() + 1;
    }
    if (c.bandwidth.empty()) r.fail(*e, "Bandwidth must be a whole number of words per cycle (or a comma list)");
  }
  for (const char* key : {"MemoryBanks", "IfmapOffset", "FilterOffset", "OfmapOffset"})
    if (const Entry* e = r.get(arch, key)) r.integer(*e, key, 0, uint64_t(1) << 40);
  if (const Entry* e = r.get("run_presets", "InterfaceBandwidth")) {
    if (e->value == "USER") c.user_bandwidth = true;
    else if (e->value != "CALC") r.fail(*e, fmt::format("InterfaceBandwidth must be CALC or USER, got '{}'", e->value));
  }
  if (c.user_bandwidth && c.bandwidth.empty())
    throw Error(fmt::format("{}: InterfaceBandwidth is USER but [{}] has no Bandwidth", source, arch));
  return c;
}

ScaleSimConfig load_scalesim_config(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(path + ": cannot open the SCALE-Sim config file");
  std::ostringstream text;
  text << in.rdbuf();
  return parse_scalesim_config(text.str(), path);
}

SocConfig soc_from_scalesim(const ScaleSimConfig& cfg, const SocConfig& base, uint64_t dram_bytes) {
  SocConfig soc = base;
  soc.name = cfg.run_name.empty() ? "scalesim" : cfg.run_name;
  soc.source = cfg.source;
  NpuConfig& n = soc.npu;
  n.rows = cfg.rows;
  n.cols = cfg.cols;
  n.dataflow = cfg.dataflow;
  n.fixed_dataflow = true;  // SCALE-Sim's array runs one dataflow
  const MinimumTileBuffers need = minimum_tile_buffers(n.rows, n.cols);
  const auto scratchpad = [&](uint64_t kib, uint64_t needed, const std::string& at, const char* key,
                              const char* what) {
    ScratchpadConfig s{kib * 1024, 2};
    if (s.size_bytes / s.banks < needed)
      throw Error(fmt::format("{}: {} = {} KiB gives {} bytes per half of kiln's double-buffered {} scratchpad; one "
                              "tile of the {}x{} array needs {} bytes per half (at least {} KiB)",
                              at, key, kib, s.size_bytes / s.banks, what, n.rows, n.cols, needed,
                              (2 * needed + 1023) / 1024));
    return s;
  };
  n.input = scratchpad(cfg.ifmap_kib, need.input_bank_bytes, cfg.ifmap_at, "IfmapSramSzkB", "input");
  n.weight = scratchpad(cfg.filter_kib, need.weight_bank_bytes, cfg.filter_at, "FilterSramSzkB", "weight");
  n.output = scratchpad(cfg.ofmap_kib, need.output_bank_bytes, cfg.ofmap_at, "OfmapSramSzkB", "output");
  n.accumulator_bytes = std::max(n.accumulator_bytes, need.accumulator_bytes);

  unsigned rate = soc.bus.width_bytes;
  if (!cfg.bandwidth.empty()) rate = *std::max_element(cfg.bandwidth.begin(), cfg.bandwidth.end());
  while (soc.bus.width_bytes < rate && soc.bus.width_bytes < 128) soc.bus.width_bytes *= 2;
  soc.memories.push_back(scalesim_dram(dram_bytes, rate));
  return soc;
}

MemoryConfig scalesim_dram(uint64_t size_bytes, unsigned bytes_per_cycle) {
  MemoryConfig dram;
  dram.name = "dram";
  dram.kind = MemoryKind::Dram;
  dram.base = kScaleSimDramBase;
  dram.size_bytes = size_bytes;
  dram.latency_cycles = kScaleSimDramLatencyCycles;
  dram.bytes_per_cycle = bytes_per_cycle;
  return dram;
}

}  // namespace kiln
