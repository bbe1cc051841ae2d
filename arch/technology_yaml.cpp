// YAML -> Technology. Every number is required: a technology file is a table
// of sourced figures, and a silently defaulted one would hide a missing source.
#include "arch/technology_yaml.h"

#include <fmt/format.h>

#include "arch/error.h"
#include "arch/yaml_reader.h"

namespace kiln {

namespace {

using yaml::Field;

// Generous bounds: they catch unit slips (J for pJ, mm² for µm²), not physics.
constexpr double kMaxPicojoules = 1e6;
constexpr double kMaxUm2 = 1e10;
constexpr double kMaxLeakageUwPerMm2 = 1e7;

class Loader : public yaml::Reader {
 public:
  explicit Loader(std::string source) : Reader(std::move(source)) {}

  Technology document(const yaml::Node& root) const {
    if (!root.is_defined() || root.is_null())
      fail(yaml::Mark{0, 0}, "", "expected a map with keys name, node_nm, energy, sram_macros, leakage, area; the document is empty");
    Map top(*this, Field{root, "", root.mark(), root.mark()},
            {"name", "node_nm", "energy", "sram_macros", "leakage", "area", "vector"});
    Technology t;
    t.source = source();
    t.name = identifier(top.need("name"));
    t.node_nm = real(top.need("node_nm"), 0, false, 1000, " nm");
    t.energy = energy(top.need("energy"));
    t.sram_macros = sram_macros(top.need("sram_macros"));
    t.leakage = leakage(top.need("leakage"));
    t.area = area(top.need("area"));
    if (auto v = top.get("vector")) t.vector_unit = vector_unit(*v);
    return t;
  }

 private:
  double pj(const Field& f) const { return real(f, 0, true, kMaxPicojoules, " pJ"); }
  double um2(const Field& f) const { return real(f, 0, true, kMaxUm2, " um^2"); }

  TechEnergy energy(const Field& f) const {
    Map m(*this, f,
          {"mac_pj", "flash_read_pj_per_byte", "bus_pj_per_byte", "dma_pj_per_byte", "mcu_pj_per_cycle"});
    TechEnergy e;
    e.mac_pj = pj(m.need("mac_pj"));
    e.flash_read_pj_per_byte = pj(m.need("flash_read_pj_per_byte"));
    e.bus_pj_per_byte = pj(m.need("bus_pj_per_byte"));
    e.dma_pj_per_byte = pj(m.need("dma_pj_per_byte"));
    e.mcu_pj_per_cycle = pj(m.need("mcu_pj_per_cycle"));
    return e;
  }

  std::vector<SramMacroPoint> sram_macros(const Field& f) const {
    if (!f.node.is_sequence())
      fail(f.mark, f.path, fmt::format("expected a list of SRAM macro sizes, got {}", yaml::describe(f.node)));
    if (f.node.size() == 0) fail(f.mark, f.path, "expected at least one SRAM macro size, got an empty list");
    std::vector<SramMacroPoint> list;
    for (size_t i = 0; i < f.node.size(); ++i) {
      const yaml::Node item = f.node[i];
      Map m(*this, Field{item, fmt::format("{}[{}]", f.path, i), item.mark(), item.mark()},
            {"size_kib", "read_pj_per_64bit", "write_pj_per_64bit", "area_um2_per_kib"});
      SramMacroPoint p;
      const Field size = m.need("size_kib");
      p.size_kib = real(size, 0, false, 1e7, " KiB");
      // Interpolation needs strictly increasing sizes; say so at the entry that breaks it.
      if (!list.empty() && p.size_kib <= list.back().size_kib)
        fail(size.mark, size.path,
             fmt::format("expected a size larger than the previous entry's {} KiB (sizes must increase), got {}",
                         list.back().size_kib, yaml::shown(size.node.text())));
      p.read_pj_per_64bit = pj(m.need("read_pj_per_64bit"));
      p.write_pj_per_64bit = pj(m.need("write_pj_per_64bit"));
      p.area_um2_per_kib = um2(m.need("area_um2_per_kib"));
      list.push_back(p);
    }
    return list;
  }

  TechLeakage leakage(const Field& f) const {
    Map m(*this, f, {"logic_uw_per_mm2", "sram_uw_per_mm2", "flash_uw_per_mm2"});
    auto density = [&](const char* key) { return real(m.need(key), 0, true, kMaxLeakageUwPerMm2, " uW/mm^2"); };
    TechLeakage l;
    l.logic_uw_per_mm2 = density("logic_uw_per_mm2");
    l.sram_uw_per_mm2 = density("sram_uw_per_mm2");
    l.flash_uw_per_mm2 = density("flash_uw_per_mm2");
    return l;
  }

  // Optional as a whole (only an SoC with npu.units.vector needs it); every
  // number in it is required.
  TechVectorUnit vector_unit(const Field& f) const {
    Map m(*this, f, {"rescale_pj", "add_pj", "lane_um2"});
    TechVectorUnit v;
    v.rescale_pj = pj(m.need("rescale_pj"));
    v.add_pj = pj(m.need("add_pj"));
    v.lane_um2 = um2(m.need("lane_um2"));
    return v;
  }

  TechArea area(const Field& f) const {
    Map m(*this, f,
          {"pe_multiplier_um2", "pe_adder_um2", "pe_register_bits", "register_um2_per_bit", "flash_um2_per_kib",
           "bus_um2_per_bit_port", "dma_channel_um2", "mcu_um2"});
    TechArea a;
    a.pe_multiplier_um2 = um2(m.need("pe_multiplier_um2"));
    a.pe_adder_um2 = um2(m.need("pe_adder_um2"));
    a.pe_register_bits = unsigned(integer(m.need("pe_register_bits"), 0, 4096, " bits"));
    a.register_um2_per_bit = um2(m.need("register_um2_per_bit"));
    a.flash_um2_per_kib = um2(m.need("flash_um2_per_kib"));
    a.bus_um2_per_bit_port = um2(m.need("bus_um2_per_bit_port"));
    a.dma_channel_um2 = um2(m.need("dma_channel_um2"));
    a.mcu_um2 = um2(m.need("mcu_um2"));
    return a;
  }
};

}  // namespace

Technology parse_technology(const std::string& yaml_text, const std::string& source_name) {
  return Loader(source_name).document(yaml::parse_document(yaml_text, source_name));
}

Technology load_technology(const std::string& path) {
  return parse_technology(yaml::read_file(path, "technology file"), path);
}

}  // namespace kiln
