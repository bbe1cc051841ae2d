// YAML -> SocConfig with validation of every field. The rules and their
// reasons are in docs/soc-config.md; keep the two in step.
#include "arch/soc_config_yaml.h"
#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "arch/error.h"
#include "arch/bundled_files.h"
#include "arch/mcu_op.h"
#include "arch/mcu_profile.h"
#include "arch/unit_yaml.h"
#include "arch/yaml_reader.h"

namespace kiln {

namespace {

using yaml::describe;
using yaml::Field;
using yaml::join;
using yaml::position;
using yaml::shown;

// The MCU is a 32-bit core: every address it or a command can name fits in 32 bits.
constexpr uint64_t kAddressSpaceBytes = uint64_t(1) << 32;
constexpr double kMaxClockMhz = 5000;
constexpr uint64_t kMaxScratchpadKib = 64 * 1024;

std::string hex(uint64_t v) { return fmt::format("0x{:08x}", v); }

class Loader : public yaml::Reader {
 public:
  explicit Loader(std::string source) : Reader(std::move(source)) {}

  // Address in the 32-bit space, a multiple of `align`.
  uint64_t address(const Field& f, uint64_t align) const {
    uint64_t v = integer_in(f, 0, kAddressSpaceBytes - 1, fmt::format("an address below {}", hex(kAddressSpaceBytes)));
    if (v % align != 0)
      fail(f.mark, f.path, fmt::format("expected an address that is a multiple of {} (0x{:x}), got {}", align,
                                       align, hex(v)));
    return v;
  }

  double clock_mhz(const Field& f) const { return real(f, 0, false, kMaxClockMhz, " MHz"); }

  // --- sections ------------------------------------------------------------------

  SocConfig document(const yaml::Node& root) const {
    if (!root.is_defined() || root.is_null())  // an empty file: point at its start
      fail(yaml::Mark{0, 0}, "",
           "expected a map with keys name, technology, mcu, bus, memories, dma, npu; the document is empty");
    Field self{root, "", root.mark(), root.mark()};
    Map top(*this, self, {"name", "technology", "mcu", "bus", "memories", "dma", "npu"});
    SocConfig soc;
    soc.source = source();
    soc.name = top.has("name") ? identifier(*top.get("name")) : default_name();
    if (auto f = top.get("technology")) soc.technology = technology(*f);
    soc.mcu = mcu(top.need("mcu"));
    if (auto f = top.get("bus")) soc.bus = bus(*f);
    Field memories_field = top.need("memories");
    std::vector<yaml::Mark> memory_marks;
    soc.memories = memories(memories_field, &memory_marks);
    if (auto f = top.get("dma")) soc.dma = dma(*f);
    std::optional<Field> reg_base_field;
    soc.npu = npu(top.need("npu"), &reg_base_field);
    check_memory_map(soc, memories_field, memory_marks, reg_base_field);
    return soc;
  }

 private:
  std::string default_name() const {
    std::string stem = source().substr(source().find_last_of('/') + 1);
    stem = stem.substr(0, stem.find('.'));
    return stem.empty() ? "soc" : stem;
  }

  // A shipped technology by name ("horowitz45", resolved by the tools against
  // configs/tech/), or a file: a value with a '/' or ending in .yaml is a path
  // relative to the SoC file, made absolute here so that it means the same
  // file wherever the config is read from. Names keep a config valid when it
  // is copied elsewhere (sweeps write their own configs). Only a file's
  // existence is checked here; arch/technology_yaml.cpp validates contents.
  std::string technology(const Field& f) const {
    const std::string value = text(f, "a technology name or the path of a technology file (YAML)");
    if (!technology_is_path(value)) return identifier(f);
    std::filesystem::path path(value);
    if (path.is_relative()) path = std::filesystem::path(source()).parent_path() / path;
    std::error_code ec;
    path = std::filesystem::absolute(path, ec).lexically_normal();
    if (!std::filesystem::is_regular_file(path, ec))
      fail(f.mark, f.path, fmt::format("no technology file '{}' (looked for {})", shown(value), yaml::printable(path.string())));
    return path.string();
  }

  // A profile's costs (configs/mcu/), then the config's own entries over
  // them; without a profile the config's costs must name every kernel.
  McuConfig mcu(const Field& f) const {
    Map m(*this, f, {"clock_mhz", "profile", "costs"});
    McuConfig c;
    if (auto v = m.get("clock_mhz")) c.clock_mhz = clock_mhz(*v);
    if (auto v = m.get("profile")) {
      const std::string value = text(*v, "an MCU profile name (configs/mcu/) or the path of a profile file");
      if (!names_a_file(value)) identifier(*v);
      const std::string path = mcu_profile_path(value, source());
      if (const std::string why = mcu_profile_missing(value, path); !why.empty()) fail(v->mark, v->path, why);
      if (auto costs = m.get("costs")) c.cost_overrides = read_mcu_costs(*this, *costs, false);
      use_mcu_profile(c, load_mcu_profile(path), names_a_file(value) ? path : value);
      return c;
    }
    c.costs = read_mcu_costs(*this, m.need("costs"), true);
    return c;
  }

  BusConfig bus(const Field& f) const {
    Map m(*this, f, {"width_bits", "clock_mhz", "arbitration", "latency_cycles", "max_burst_beats"});
    BusConfig b;
    if (auto v = m.get("width_bits")) b.width_bytes = unsigned(power_of_two(*v, 8, 1024, " bits") / 8);
    if (auto v = m.get("clock_mhz")) b.clock_mhz = clock_mhz(*v);
    if (auto v = m.get("arbitration"))
      b.arbitration = choice<Arbitration>(
          *v, {{"round_robin", Arbitration::RoundRobin}, {"fixed_priority", Arbitration::FixedPriority}});
    if (auto v = m.get("latency_cycles")) b.latency_cycles = unsigned(integer(*v, 0, 1024, " cycles"));
    if (auto v = m.get("max_burst_beats")) b.max_burst_beats = unsigned(integer(*v, 1, 256, " beats"));
    return b;
  }

  std::vector<MemoryConfig> memories(const Field& f, std::vector<yaml::Mark>* marks) const {
    if (!f.node.is_sequence())
      fail(f.mark, f.path, fmt::format("expected a list of memories, got {}", describe(f.node)));
    if (f.node.size() == 0) fail(f.mark, f.path, "expected at least one memory, got an empty list");
    std::vector<MemoryConfig> list;
    for (size_t i = 0; i < f.node.size(); ++i) {
      const yaml::Node item = f.node[i];
      Field entry{item, fmt::format("{}[{}]", f.path, i), item.mark(), item.mark()};
      list.push_back(memory(entry, list, *marks));
      marks->push_back(item.mark());
    }
    return list;
  }

  MemoryConfig memory(const Field& f, const std::vector<MemoryConfig>& earlier,
                      const std::vector<yaml::Mark>& earlier_marks) const {
    Map m(*this, f,
          {"name", "kind", "base", "size_kib", "wait_states", "read_width_bits", "banks", "bank_width_bits",
           "latency_cycles", "bandwidth_bytes_per_cycle"});
    MemoryConfig c;
    Field name = m.need("name");
    c.name = identifier(name);
    for (size_t i = 0; i < earlier.size(); ++i)
      if (earlier[i].name == c.name)
        fail(name.mark, name.path,
             fmt::format("duplicate memory name '{}' (first at line {})", c.name, earlier_marks[i].line + 1));
    c.kind = choice<MemoryKind>(m.need("kind"),
                                {{"flash", MemoryKind::Flash}, {"sram", MemoryKind::Sram}, {"dram", MemoryKind::Dram}});
    c.base = address(m.need("base"), 1024);
    Field size = m.need("size_kib");
    c.size_bytes = integer(size, 1, kAddressSpaceBytes / 1024, " KiB") * 1024;
    if (c.size_bytes > kAddressSpaceBytes - c.base)
      fail(size.mark, size.path,
           fmt::format("memory '{}' at {} with {} KiB ends at 0x{:x}, past the 32-bit address space", c.name,
                       hex(c.base), c.size_bytes / 1024, c.base + c.size_bytes));
    // Keys that mean something for some kinds only are refused on the others:
    // a "banks" on flash would silently do nothing.
    struct KindKey { const char* key; std::vector<MemoryKind> kinds; const char* kinds_text; };
    const KindKey kind_keys[] = {
        {"wait_states", {MemoryKind::Flash, MemoryKind::Sram}, "flash and sram"},
        {"read_width_bits", {MemoryKind::Flash}, "flash"},
        {"banks", {MemoryKind::Sram}, "sram"},
        {"bank_width_bits", {MemoryKind::Sram}, "sram"},
        {"latency_cycles", {MemoryKind::Dram}, "dram"},
        {"bandwidth_bytes_per_cycle", {MemoryKind::Dram}, "dram"},
    };
    for (const KindKey& k : kind_keys)
      if (auto v = m.get(k.key))
        if (std::find(k.kinds.begin(), k.kinds.end(), c.kind) == k.kinds.end())
          fail(v->key_mark, v->path,
               fmt::format("'{}' applies only to {} memories, and memory '{}' is of kind {}", k.key, k.kinds_text,
                           c.name, to_string(c.kind)));
    if (auto v = m.get("wait_states")) c.wait_states = unsigned(integer(*v, 0, 255, " cycles"));
    if (auto v = m.get("read_width_bits")) c.read_width_bytes = unsigned(power_of_two(*v, 8, 1024, " bits") / 8);
    if (auto v = m.get("banks")) c.banks = unsigned(power_of_two(*v, 1, 64));
    if (auto v = m.get("bank_width_bits")) c.bank_width_bytes = unsigned(power_of_two(*v, 8, 1024, " bits") / 8);
    if (c.kind == MemoryKind::Dram) {
      c.latency_cycles = unsigned(integer(m.need("latency_cycles"), 0, 10000, " cycles"));
      c.bytes_per_cycle = unsigned(integer(m.need("bandwidth_bytes_per_cycle"), 1, 1024, " bytes per cycle"));
    }
    return c;
  }

  DmaConfig dma(const Field& f) const {
    Map m(*this, f, {"channels", "outstanding_bursts", "strides_2d"});
    DmaConfig d;
    if (auto v = m.get("channels")) d.channels = unsigned(integer(*v, 1, 16));
    if (auto v = m.get("outstanding_bursts")) d.outstanding_bursts = unsigned(integer(*v, 1, 64));
    if (auto v = m.get("strides_2d")) d.strides_2d = boolean(*v);
    return d;
  }

  ScratchpadConfig scratchpad(const Field& f) const {
    Map m(*this, f, {"size_kib", "banks"});
    ScratchpadConfig s;
    s.size_bytes = integer(m.need("size_kib"), 1, kMaxScratchpadKib, " KiB") * 1024;
    if (auto v = m.get("banks")) s.banks = unsigned(power_of_two(*v, 1, 16));
    return s;
  }

  NpuConfig npu(const Field& f, std::optional<Field>* reg_base_field) const {
    Map m(*this, f,
          {"clock_mhz", "reg_base", "array", "scratchpads", "accumulator_kib", "post_processing_lanes",
           "spm_port_bits", "units"});
    NpuConfig n;
    if (auto v = m.get("clock_mhz")) n.clock_mhz = clock_mhz(*v);
    if (auto v = m.get("reg_base")) {
      n.reg_base = address(*v, kNpuRegWindowBytes);
      *reg_base_field = v;
    }
    if (auto v = m.get("array")) {
      Map a(*this, *v, {"rows", "cols", "dataflow", "fixed_dataflow", "engine"});
      if (auto r = a.get("rows")) n.rows = unsigned(integer(*r, 1, 256));
      if (auto c = a.get("cols")) n.cols = unsigned(integer(*c, 1, 256));
      if (auto d = a.get("dataflow"))
        n.dataflow = choice<Dataflow>(*d, {{"weight_stationary", Dataflow::WeightStationary},
                                           {"output_stationary", Dataflow::OutputStationary},
                                           {"input_stationary", Dataflow::InputStationary}});
      if (auto f = a.get("fixed_dataflow")) n.fixed_dataflow = boolean(*f);
      if (auto e = a.get("engine"))
        n.engine = read_unit_name(*this, *e, UnitSlot::ArrayEngine);
    }
    Map spms(*this, m.need("scratchpads"), {"input", "weight", "output"});
    Field input = spms.need("input"), weight = spms.need("weight"), output = spms.need("output");
    n.input = scratchpad(input);
    n.weight = scratchpad(weight);
    n.output = scratchpad(output);
    Field acc = m.need("accumulator_kib");
    n.accumulator_bytes = integer(acc, 1, kMaxScratchpadKib, " KiB") * 1024;
    if (auto v = m.get("post_processing_lanes")) n.ppu_lanes = unsigned(integer(*v, 1, 1024));
    if (auto v = m.get("spm_port_bits")) n.spm_bytes_per_cycle = unsigned(power_of_two(*v, 8, 1024, " bits") / 8);
    if (auto v = m.get("units")) n.units = read_npu_units(*this, *v);

    // One tile of the smallest shape that fills the array must fit (see the header).
    MinimumTileBuffers need = minimum_tile_buffers(n.rows, n.cols);
    uint64_t tile_m = std::max(n.rows, n.cols);
    auto check_bank = [&](const Field& spm, const ScratchpadConfig& s, uint64_t needed, const std::string& what) {
      uint64_t per_bank = s.size_bytes / s.banks;
      if (per_bank < needed)
        fail(spm.mark, spm.path,
             fmt::format("{} KiB in {} bank(s) gives {} bytes per bank, too small for one tile of the {}x{} array: "
                         "{} needs {} bytes per bank",
                         s.size_bytes / 1024, s.banks, per_bank, n.rows, n.cols, what, needed));
    };
    check_bank(input, n.input, need.input_bank_bytes, fmt::format("A (M x K = {} x {} int8)", tile_m, n.rows));
    check_bank(weight, n.weight, need.weight_bank_bytes,
               fmt::format("B (K x N = {} x {} int8) plus {} post-processing records of {} bytes", n.rows, n.cols,
                           n.cols, kPpuParamRecordBytes));
    check_bank(output, n.output, need.output_bank_bytes, fmt::format("the result (M x N = {} x {} int8)", tile_m, n.cols));
    if (n.accumulator_bytes < need.accumulator_bytes)
      fail(acc.mark, acc.path,
           fmt::format("{} bytes of accumulators are too small for one tile of the {}x{} array: M x N = {} x {} "
                       "int32 needs {} bytes",
                       n.accumulator_bytes, n.rows, n.cols, tile_m, n.cols, need.accumulator_bytes));
    return n;
  }

  void check_memory_map(const SocConfig& soc, const Field& memories_field, const std::vector<yaml::Mark>& marks,
                        const std::optional<Field>& reg_base_field) const {
    const auto& mems = soc.memories;
    auto range = [](uint64_t base, uint64_t size) { return fmt::format("[{}, {})", hex(base), hex(base + size)); };
    for (size_t j = 0; j < mems.size(); ++j)
      for (size_t i = 0; i < j; ++i)
        if (mems[j].base < mems[i].base + mems[i].size_bytes && mems[i].base < mems[j].base + mems[j].size_bytes)
          fail(marks[j], fmt::format("memories[{}]", j),
               fmt::format("memory '{}' {} overlaps memory '{}' {} at line {}", mems[j].name,
                           range(mems[j].base, mems[j].size_bytes), mems[i].name,
                           range(mems[i].base, mems[i].size_bytes), marks[i].line + 1));

    // Exactly one flash: the compiler puts the weight image there.
    const MemoryConfig* flash = nullptr;
    for (size_t i = 0; i < mems.size(); ++i) {
      if (mems[i].kind != MemoryKind::Flash) continue;
      if (flash)
        fail(marks[i], fmt::format("memories[{}]", i),
             fmt::format("a second flash memory '{}' (exactly one is allowed; the first is '{}')", mems[i].name,
                         flash->name));
      flash = &mems[i];
    }
    if (!flash)
      fail(memories_field.key_mark, memories_field.path,
           "no memory of kind flash (exactly one is needed: the weights live there)");
    if (!soc.first_of_kind(MemoryKind::Sram))
      fail(memories_field.key_mark, memories_field.path,
           "no memory of kind sram (at least one is needed: the activations live there)");
    // At most one DRAM: the compiler spills to it what flash and SRAM cannot hold.
    const MemoryConfig* dram = nullptr;
    for (size_t i = 0; i < mems.size(); ++i) {
      if (mems[i].kind != MemoryKind::Dram) continue;
      if (dram)
        fail(marks[i], fmt::format("memories[{}]", i),
             fmt::format("a second dram memory '{}' (at most one is allowed; the first is '{}')", mems[i].name,
                         dram->name));
      dram = &mems[i];
    }

    const uint64_t reg = soc.npu.reg_base;
    if (reg > kAddressSpaceBytes - kNpuRegWindowBytes)
      fail(reg_base_field ? reg_base_field->mark : yaml::Mark(), "npu.reg_base",
           fmt::format("the {}-byte register window at {} ends past the 32-bit address space", kNpuRegWindowBytes,
                       hex(reg)));
    for (size_t i = 0; i < mems.size(); ++i)
      if (reg < mems[i].base + mems[i].size_bytes && mems[i].base < reg + kNpuRegWindowBytes) {
        std::string message =
            fmt::format("the NPU register window {} overlaps memory '{}' {}", range(reg, kNpuRegWindowBytes),
                        mems[i].name, range(mems[i].base, mems[i].size_bytes));
        if (reg_base_field) fail(reg_base_field->mark, reg_base_field->path, message);
        fail(marks[i], fmt::format("memories[{}]", i), message + " (npu.reg_base defaults to " + hex(reg) + ")");
      }
  }
};

}  // namespace

bool technology_is_path(const std::string& value) { return names_a_file(value); }

bool names_a_file(const std::string& value) {
  auto ends_with = [&](const char* suffix) {
    const std::string s(suffix);
    return value.size() >= s.size() && value.compare(value.size() - s.size(), s.size(), s) == 0;
  };
  return value.find('/') != std::string::npos || ends_with(".yaml") || ends_with(".yml");
}

MinimumTileBuffers minimum_tile_buffers(unsigned rows, unsigned cols) {
  const uint64_t r = rows, c = cols, m = std::max(r, c);
  return MinimumTileBuffers{m * r, r * c + kPpuParamRecordBytes * c, m * c, m * c * 4};
}

SocConfig parse_soc_config(const std::string& yaml_text, const std::string& source_name) {
  return Loader(source_name).document(yaml::parse_document(yaml_text, source_name));
}

SocConfig load_soc_config(const std::string& path) {
  return parse_soc_config(yaml::read_file(path, "SoC config file"), path);
}

}  // namespace kiln
