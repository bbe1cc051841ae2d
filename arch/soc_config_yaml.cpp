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
#include "arch/mcu_op.h"

namespace kiln {

namespace {

// The MCU is a 32-bit core: every address it or a command can name fits in 32 bits.
constexpr uint64_t kAddressSpaceBytes = uint64_t(1) << 32;
constexpr double kMaxClockMhz = 5000;
constexpr uint64_t kMaxScratchpadKib = 64 * 1024;
constexpr double kMaxCost = 1e9;

// A value in the document, the dotted path that names it, and where it is.
struct Field {
  YAML::Node node;
  std::string path;   // "npu.array.rows"; "" for the document itself
  YAML::Mark mark;    // of the value
  YAML::Mark key_mark;  // of the key naming it (the value's own mark when there is no key)
};

std::string position(const std::string& source, const YAML::Mark& mark) {
  if (mark.is_null()) return source;
  return fmt::format("{}:{}:{}", source, mark.line + 1, mark.column + 1);
}

// A scalar as the user wrote it, kept to one short line for the message.
std::string shown(const std::string& text) {
  std::string s;
  for (char c : text) s += (c == '\n' || c == '\r' || c == '\t') ? ' ' : c;
  if (s.size() > 40) s = s.substr(0, 37) + "...";
  return s;
}

bool is_quoted(const YAML::Node& n) { return n.IsScalar() && n.Tag() == "!"; }

std::string describe(const YAML::Node& n) {
  switch (n.Type()) {
    case YAML::NodeType::Scalar:
      return is_quoted(n) ? fmt::format("the quoted string \"{}\"", shown(n.Scalar()))
                          : fmt::format("'{}'", shown(n.Scalar()));
    case YAML::NodeType::Sequence: return "a list";
    case YAML::NodeType::Map: return "a map";
    case YAML::NodeType::Null: return "nothing (null)";
    case YAML::NodeType::Undefined: break;
  }
  return "nothing";
}

std::string join(const std::vector<std::string>& items) {
  std::string s;
  for (const auto& i : items) s += (s.empty() ? "" : ", ") + i;
  return s;
}

std::string in_section(const std::string& path) { return path.empty() ? "at the top level" : "in " + path; }

std::string child_path(const std::string& parent, const std::string& key) {
  return parent.empty() ? key : parent + "." + key;
}

bool is_pow2(uint64_t v) { return v != 0 && (v & (v - 1)) == 0; }

// An integer literal: decimal or 0x hexadecimal, optionally signed.
struct IntLiteral {
  bool negative = false;
  uint64_t magnitude = 0;
};

std::optional<IntLiteral> parse_int(const std::string& text, bool* overflow) {
  *overflow = false;
  IntLiteral lit;
  size_t i = 0;
  if (i < text.size() && (text[i] == '+' || text[i] == '-')) lit.negative = text[i++] == '-';
  unsigned base = 10;
  if (text.size() - i > 2 && text[i] == '0' && (text[i + 1] == 'x' || text[i + 1] == 'X')) {
    base = 16;
    i += 2;
  }
  if (i == text.size()) return std::nullopt;
  for (; i < text.size(); ++i) {
    char c = text[i];
    unsigned digit;
    if (c >= '0' && c <= '9') digit = unsigned(c - '0');
    else if (base == 16 && c >= 'a' && c <= 'f') digit = unsigned(c - 'a' + 10);
    else if (base == 16 && c >= 'A' && c <= 'F') digit = unsigned(c - 'A' + 10);
    else return std::nullopt;
    if (lit.magnitude > (UINT64_MAX - digit) / base) *overflow = true;
    else lit.magnitude = lit.magnitude * base + digit;
  }
  return lit;
}

std::optional<double> parse_real(const std::string& text) {
  if (text.empty()) return std::nullopt;
  // Plain decimal notation only: strtod would also take "inf", "nan" and hex floats.
  for (char c : text)
    if (!((c >= '0' && c <= '9') || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-')) return std::nullopt;
  char* end = nullptr;
  double v = std::strtod(text.c_str(), &end);
  if (end != text.c_str() + text.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

std::string hex(uint64_t v) { return fmt::format("0x{:08x}", v); }

class Loader {
 public:
  explicit Loader(std::string source) : source_(std::move(source)) {}

  [[noreturn]] void fail(const YAML::Mark& mark, const std::string& path, const std::string& message) const {
    std::string prefix = path.empty() ? "" : path + ": ";
    throw Error(fmt::format("{}: {}{}", position(source_, mark), prefix, message));
  }

  // --- scalars ---------------------------------------------------------------

  // An integer literal in [lo, hi]; `expected` describes the range for the message.
  uint64_t integer_in(const Field& f, uint64_t lo, uint64_t hi, const std::string& expected) const {
    if (!f.node.IsScalar() || is_quoted(f.node))
      fail(f.mark, f.path, fmt::format("expected an integer, got {}", describe(f.node)));
    bool overflow = false;
    auto lit = parse_int(f.node.Scalar(), &overflow);
    if (!lit) fail(f.mark, f.path, fmt::format("expected an integer, got {}", describe(f.node)));
    bool below_zero = lit->negative && lit->magnitude != 0;
    if (below_zero || overflow || lit->magnitude < lo || lit->magnitude > hi)
      fail(f.mark, f.path, fmt::format("expected {}, got {}", expected, shown(f.node.Scalar())));
    return lit->magnitude;
  }

  uint64_t integer(const Field& f, uint64_t lo, uint64_t hi, const char* unit = "") const {
    return integer_in(f, lo, hi, fmt::format("an integer from {} to {}{}", lo, hi, unit));
  }

  uint64_t power_of_two(const Field& f, uint64_t lo, uint64_t hi, const char* unit = "") const {
    const std::string expected = fmt::format("a power of two from {} to {}{}", lo, hi, unit);
    uint64_t v = integer_in(f, lo, hi, expected);
    if (!is_pow2(v)) fail(f.mark, f.path, fmt::format("expected {}, got {}", expected, v));
    return v;
  }

  // Address in the 32-bit space, a multiple of `align`.
  uint64_t address(const Field& f, uint64_t align) const {
    uint64_t v = integer_in(f, 0, kAddressSpaceBytes - 1, fmt::format("an address below {}", hex(kAddressSpaceBytes)));
    if (v % align != 0)
      fail(f.mark, f.path, fmt::format("expected an address that is a multiple of {} (0x{:x}), got {}", align,
                                       align, hex(v)));
    return v;
  }

  double real(const Field& f, double lo, bool lo_inclusive, double hi, const char* unit = "") const {
    if (!f.node.IsScalar() || is_quoted(f.node))
      fail(f.mark, f.path, fmt::format("expected a number, got {}", describe(f.node)));
    auto v = parse_real(f.node.Scalar());
    if (!v) fail(f.mark, f.path, fmt::format("expected a number, got {}", describe(f.node)));
    if ((lo_inclusive ? *v < lo : *v <= lo) || *v > hi)
      fail(f.mark, f.path,
           fmt::format("expected a number {} {} and at most {}{}, got {}", lo_inclusive ? "of at least" : "greater than",
                       lo, hi, unit, shown(f.node.Scalar())));
    return *v;
  }

  double clock_mhz(const Field& f) const { return real(f, 0, false, kMaxClockMhz, " MHz"); }

  bool boolean(const Field& f) const {
    if (f.node.IsScalar() && !is_quoted(f.node)) {
      const std::string& s = f.node.Scalar();
      if (s == "true" || s == "True" || s == "TRUE") return true;
      if (s == "false" || s == "False" || s == "FALSE") return false;
    }
    fail(f.mark, f.path, fmt::format("expected true or false, got {}", describe(f.node)));
  }

  // A name used in reports and file names: letters, digits, '_', '-', '.'.
  std::string identifier(const Field& f) const {
    if (!f.node.IsScalar() || f.node.Scalar().empty())
      fail(f.mark, f.path, fmt::format("expected a name, got {}", describe(f.node)));
    const std::string& s = f.node.Scalar();
    for (char c : s)
      if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.'))
        fail(f.mark, f.path,
             fmt::format("expected a name of letters, digits, '_', '-' or '.', got {}", describe(f.node)));
    return s;
  }

  template <class E>
  E choice(const Field& f, const std::vector<std::pair<const char*, E>>& options) const {
    std::vector<std::string> names;
    for (const auto& [name, value] : options) {
      if (f.node.IsScalar() && f.node.Scalar() == name) return value;
      names.push_back(name);
    }
    fail(f.mark, f.path, fmt::format("expected one of {}, got {}", join(names), describe(f.node)));
  }

  // --- maps --------------------------------------------------------------------

  // A map whose keys must come from `allowed`; rejects unknown and repeated keys.
  class Map {
   public:
    Map(const Loader& loader, Field self, std::vector<std::string> allowed)
        : loader_(loader), self_(std::move(self)), allowed_(std::move(allowed)) {
      if (!self_.node.IsMap())
        loader_.fail(self_.mark, self_.path,
                     fmt::format("expected a map with keys {}, got {}", join(allowed_), describe(self_.node)));
      for (const auto& entry : self_.node) {
        const YAML::Node key = entry.first;
        if (!key.IsScalar())
          loader_.fail(key.Mark(), self_.path, fmt::format("expected a key name, got {}", describe(key)));
        const std::string& name = key.Scalar();
        if (std::find(allowed_.begin(), allowed_.end(), name) == allowed_.end())
          loader_.fail(key.Mark(), "",
                       fmt::format("unknown key '{}' {} (allowed: {})", shown(name), in_section(self_.path),
                                   join(allowed_)));
        auto [pos, inserted] = entries_.emplace(name, std::make_pair(key, YAML::Node(entry.second)));
        if (!inserted)
          loader_.fail(key.Mark(), "",
                       fmt::format("duplicate key '{}' {} (first at line {})", name, in_section(self_.path),
                                   pos->second.first.Mark().line + 1));
      }
    }

    bool has(const std::string& key) const { return entries_.count(key) != 0; }

    std::optional<Field> get(const std::string& key) const {
      auto it = entries_.find(key);
      if (it == entries_.end()) return std::nullopt;
      const auto& [k, v] = it->second;
      // An empty value ("key:") is positioned at the next token: point at its key instead.
      YAML::Mark mark = v.Mark().is_null() || v.IsNull() ? k.Mark() : v.Mark();
      return Field{v, child_path(self_.path, key), mark, k.Mark()};
    }

    Field need(const std::string& key) const {
      if (auto f = get(key)) return *f;
      loader_.fail(self_.key_mark, "", fmt::format("missing required key '{}' {}", key, in_section(self_.path)));
    }

    const Field& self() const { return self_; }

   private:
    const Loader& loader_;
    Field self_;
    std::vector<std::string> allowed_;
    std::map<std::string, std::pair<YAML::Node, YAML::Node>> entries_;
  };

  // --- sections ------------------------------------------------------------------

  SocConfig document(const YAML::Node& root) const {
    if (!root.IsDefined() || root.IsNull())  // an empty file: point at its start
      fail(YAML::Mark(), "", "expected a map with keys name, mcu, bus, memories, dma, npu; the document is empty");
    Field self{root, "", root.Mark(), root.Mark()};
    Map top(*this, self, {"name", "mcu", "bus", "memories", "dma", "npu"});
    SocConfig soc;
    soc.source = source_;
    soc.name = top.has("name") ? identifier(*top.get("name")) : default_name();
    soc.mcu = mcu(top.need("mcu"));
    if (auto f = top.get("bus")) soc.bus = bus(*f);
    Field memories_field = top.need("memories");
    std::vector<YAML::Mark> memory_marks;
    soc.memories = memories(memories_field, &memory_marks);
    if (auto f = top.get("dma")) soc.dma = dma(*f);
    std::optional<Field> reg_base_field;
    soc.npu = npu(top.need("npu"), &reg_base_field);
    check_memory_map(soc, memories_field, memory_marks, reg_base_field);
    return soc;
  }

 private:
  std::string default_name() const {
    std::string stem = source_.substr(source_.find_last_of('/') + 1);
    stem = stem.substr(0, stem.find('.'));
    return stem.empty() ? "soc" : stem;
  }

  McuConfig mcu(const Field& f) const {
    Map m(*this, f, {"clock_mhz", "costs"});
    McuConfig c;
    if (auto v = m.get("clock_mhz")) c.clock_mhz = clock_mhz(*v);
    Field costs_field = m.need("costs");
    std::vector<std::string> kernels;
    for (const auto& k : mcu_kernels()) kernels.push_back(k.name);
    if (!costs_field.node.IsMap())
      fail(costs_field.mark, costs_field.path,
           fmt::format("expected a map from kernel name to cost, got {}", describe(costs_field.node)));
    // Name the kernel first so that a misspelling reads as such, not as "unknown key".
    for (const auto& entry : costs_field.node) {
      const YAML::Node key = entry.first;
      if (key.IsScalar() && !find_mcu_kernel(key.Scalar()))
        fail(key.Mark(), costs_field.path,
             fmt::format("unknown MCU kernel '{}' (kernels of arch/mcu_op.h: {})", shown(key.Scalar()),
                         join(kernels)));
    }
    Map costs(*this, costs_field, kernels);
    for (const auto& name : kernels) {
      auto entry = costs.get(name);
      if (!entry)
        fail(costs_field.key_mark, costs_field.path,
             fmt::format("no cost for MCU kernel '{}' (every kernel of arch/mcu_op.h needs one)", name));
      Map cost(*this, *entry, {"fixed", "per_mac", "per_element"});
      McuKernelCost k;
      if (auto v = cost.get("fixed")) k.fixed = real(*v, 0, true, kMaxCost, " cycles");
      if (auto v = cost.get("per_mac")) k.per_mac = real(*v, 0, true, kMaxCost, " cycles");
      if (auto v = cost.get("per_element")) k.per_element = real(*v, 0, true, kMaxCost, " cycles");
      c.costs[name] = k;
    }
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

  std::vector<MemoryConfig> memories(const Field& f, std::vector<YAML::Mark>* marks) const {
    if (!f.node.IsSequence())
      fail(f.mark, f.path, fmt::format("expected a list of memories, got {}", describe(f.node)));
    if (f.node.size() == 0) fail(f.mark, f.path, "expected at least one memory, got an empty list");
    std::vector<MemoryConfig> list;
    for (size_t i = 0; i < f.node.size(); ++i) {
      const YAML::Node item = f.node[i];
      Field entry{item, fmt::format("{}[{}]", f.path, i), item.Mark(), item.Mark()};
      list.push_back(memory(entry, list, *marks));
      marks->push_back(item.Mark());
    }
    return list;
  }

  MemoryConfig memory(const Field& f, const std::vector<MemoryConfig>& earlier,
                      const std::vector<YAML::Mark>& earlier_marks) const {
    Map m(*this, f,
          {"name", "kind", "base", "size_kib", "wait_states", "read_width_bits", "banks", "bank_width_bits"});
    MemoryConfig c;
    Field name = m.need("name");
    c.name = identifier(name);
    for (size_t i = 0; i < earlier.size(); ++i)
      if (earlier[i].name == c.name)
        fail(name.mark, name.path,
             fmt::format("duplicate memory name '{}' (first at line {})", c.name, earlier_marks[i].line + 1));
    c.kind = choice<MemoryKind>(m.need("kind"), {{"flash", MemoryKind::Flash}, {"sram", MemoryKind::Sram}});
    c.base = address(m.need("base"), 1024);
    Field size = m.need("size_kib");
    c.size_bytes = integer(size, 1, kAddressSpaceBytes / 1024, " KiB") * 1024;
    if (c.size_bytes > kAddressSpaceBytes - c.base)
      fail(size.mark, size.path,
           fmt::format("memory '{}' at {} with {} KiB ends at 0x{:x}, past the 32-bit address space", c.name,
                       hex(c.base), c.size_bytes / 1024, c.base + c.size_bytes));
    if (auto v = m.get("wait_states")) c.wait_states = unsigned(integer(*v, 0, 255, " cycles"));
    // Keys that mean something for one kind only are refused on the other: a
    // "banks" on flash would silently do nothing.
    const char* flash_only[] = {"read_width_bits"};
    const char* sram_only[] = {"banks", "bank_width_bits"};
    for (const char* key : c.kind == MemoryKind::Flash ? std::vector<const char*>(std::begin(sram_only), std::end(sram_only))
                                                      : std::vector<const char*>(std::begin(flash_only), std::end(flash_only)))
      if (auto v = m.get(key))
        fail(v->key_mark, v->path,
             fmt::format("'{}' applies only to {} memories, and memory '{}' is of kind {}", key,
                         c.kind == MemoryKind::Flash ? "sram" : "flash", c.name, to_string(c.kind)));
    if (auto v = m.get("read_width_bits")) c.read_width_bytes = unsigned(power_of_two(*v, 8, 1024, " bits") / 8);
    if (auto v = m.get("banks")) c.banks = unsigned(power_of_two(*v, 1, 64));
    if (auto v = m.get("bank_width_bits")) c.bank_width_bytes = unsigned(power_of_two(*v, 8, 1024, " bits") / 8);
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
           "spm_port_bits"});
    NpuConfig n;
    if (auto v = m.get("clock_mhz")) n.clock_mhz = clock_mhz(*v);
    if (auto v = m.get("reg_base")) {
      n.reg_base = address(*v, kNpuRegWindowBytes);
      *reg_base_field = v;
    }
    if (auto v = m.get("array")) {
      Map a(*this, *v, {"rows", "cols", "dataflow", "engine"});
      if (auto r = a.get("rows")) n.rows = unsigned(integer(*r, 1, 256));
      if (auto c = a.get("cols")) n.cols = unsigned(integer(*c, 1, 256));
      if (auto d = a.get("dataflow"))
        n.dataflow = choice<Dataflow>(*d, {{"weight_stationary", Dataflow::WeightStationary},
                                           {"output_stationary", Dataflow::OutputStationary},
                                           {"input_stationary", Dataflow::InputStationary}});
      if (auto e = a.get("engine"))
        n.engine = choice<ArrayEngineKind>(*e, {{"tlm", ArrayEngineKind::Tlm}, {"rtl", ArrayEngineKind::Rtl}});
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

  void check_memory_map(const SocConfig& soc, const Field& memories_field, const std::vector<YAML::Mark>& marks,
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

    const uint64_t reg = soc.npu.reg_base;
    if (reg > kAddressSpaceBytes - kNpuRegWindowBytes)
      fail(reg_base_field ? reg_base_field->mark : YAML::Mark::null_mark(), "npu.reg_base",
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

  std::string source_;
};

}  // namespace

MinimumTileBuffers minimum_tile_buffers(unsigned rows, unsigned cols) {
  const uint64_t r = rows, c = cols, m = std::max(r, c);
  return MinimumTileBuffers{m * r, r * c + kPpuParamRecordBytes * c, m * c, m * c * 4};
}

SocConfig soc_config_from_yaml(const YAML::Node& root, const std::string& source_name) {
  return Loader(source_name).document(root);
}

SocConfig parse_soc_config(const std::string& yaml_text, const std::string& source_name) {
  std::vector<YAML::Node> documents;
  try {
    documents = YAML::LoadAll(yaml_text);
  } catch (const YAML::Exception& e) {
    throw Error(fmt::format("{}: YAML syntax error: {}", position(source_name, e.mark), e.msg));
  }
  if (documents.size() > 1)
    throw Error(fmt::format("{}: expected one YAML document, found {}", position(source_name, documents[1].Mark()),
                            documents.size()));
  YAML::Node root = documents.empty() ? YAML::Node() : documents[0];
  try {
    return soc_config_from_yaml(root, source_name);
  } catch (const YAML::Exception& e) {
    // Should not happen (the loader checks types before reading), but never let it escape unnamed.
    throw Error(fmt::format("{}: {}", position(source_name, e.mark), e.msg));
  }
}

SocConfig load_soc_config(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec))
    throw Error(fmt::format("{}: expected a SoC config file, got a directory", path));
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(fmt::format("{}: cannot open the SoC config file", path));
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) throw Error(fmt::format("{}: cannot read the SoC config file", path));
  return parse_soc_config(text.str(), path);
}

}  // namespace kiln
