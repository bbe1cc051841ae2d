// The technology file: the shipped horowitz45.yaml, log-linear interpolation
// of SRAM macro figures, and errors that name file:line:column.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <string>

#include "arch/error.h"
#include "arch/soc_config_yaml.h"
#include "arch/technology.h"
#include "arch/technology_yaml.h"
#include "arch/yaml_reader.h"
#include "tests/support/error_of.h"
#include "tests/support/test_paths.h"

using namespace kiln;

using kiln::test::error_of;

namespace {

std::string shipped_path() { return test::source_dir() + "/configs/tech/horowitz45.yaml"; }
std::string shipped_text() { return yaml::read_file(shipped_path(), "technology file"); }

// Replaces the first `from` after `anchor` with `to`; returns the 1-based
// "line:column" where `to` starts, so a test can expect the error there.
std::string replace_at(std::string& text, const std::string& anchor, const std::string& from, const std::string& to) {
  size_t pos = text.find(anchor);
  REQUIRE(pos != std::string::npos);
  pos = text.find(from, pos);
  REQUIRE(pos != std::string::npos);
  text.replace(pos, from.size(), to);
  const size_t line_start = text.rfind('\n', pos) + 1;  // npos + 1 == 0 on the first line
  const size_t line = size_t(std::count(text.begin(), text.begin() + long(pos), '\n')) + 1;
  return std::to_string(line) + ":" + std::to_string(pos - line_start + 1);
}

}  // namespace

TEST_CASE("the shipped technology file loads with the published Horowitz figures", "[technology]") {
  const Technology t = load_technology(shipped_path());
  CHECK(t.name == "horowitz45");
  CHECK(t.node_nm == 45);
  CHECK(t.energy.mac_pj == Approx(0.2 + 0.1));  // 8-bit mult + 32-bit add
  REQUIRE(t.sram_macros.size() == 3);
  CHECK(t.sram_macros[0].read_pj_per_64bit == 10);
  CHECK(t.sram_macros[1].read_pj_per_64bit == 20);
  CHECK(t.sram_macros[2].read_pj_per_64bit == 100);
  CHECK(t.area.pe_um2() == Approx(282 + 137 + 48 * 5.98));
  REQUIRE(t.vector_unit);
  CHECK(t.vector_unit->rescale_pj == Approx(3.1 + 0.1));  // 32-bit mult + 32-bit add
  CHECK(t.vector_unit->add_pj == Approx(0.1));
  CHECK(t.vector_unit->lane_um2 == Approx(3 * 6350 + 5 * 137 + 120 * 5.98).epsilon(1e-4));
}

TEST_CASE("SRAM energy per byte is interpolated log-linearly by macro size and clamped", "[technology]") {
  const Technology t = load_technology(shipped_path());
  CHECK(t.sram_read_pj_per_byte(8 * 1024) == Approx(10.0 / 8));
  CHECK(t.sram_read_pj_per_byte(32 * 1024) == Approx(20.0 / 8));
  // 16 KiB is half way between 8 and 32 KiB on a log scale.
  CHECK(t.sram_read_pj_per_byte(16 * 1024) == Approx(15.0 / 8));
  // 64 KiB: 20 + 80 * ln 2 / ln 32 = 36 pJ per 64 bits (the file's accumulator figure).
  CHECK(t.sram_read_pj_per_byte(64 * 1024) == Approx(36.0 / 8));
  // Outside the table: the end points, not an extrapolation.
  CHECK(t.sram_read_pj_per_byte(1024) == Approx(10.0 / 8));
  CHECK(t.sram_read_pj_per_byte(4096 * 1024) == Approx(100.0 / 8));
}

TEST_CASE("a larger scratchpad costs more energy per access", "[technology]") {
  const Technology t = load_technology(shipped_path());
  double previous = 0;
  for (uint64_t kib : {1, 8, 16, 32, 64, 256, 1024}) {
    const double e = t.sram_read_pj_per_byte(kib * 1024);
    if (kib > 8) CHECK(e > previous);
    CHECK(t.sram_write_pj_per_byte(kib * 1024) >= 0);
    previous = e;
  }
}

TEST_CASE("bad technology files give file:line:column and what was expected", "[technology]") {
  struct Case {
    const char* anchor;
    const char* from;
    const char* to;
    const char* phrase;
  };
  const Case cases[] = {
      {"mac_pj:", "0.3", "-0.3", "energy.mac_pj: expected a number of at least 0 and at most"},
      {"mac_pj:", "0.3", "\"0.3\"", "energy.mac_pj: expected a number, got the quoted string \"0.3\""},
      {"mcu_pj_per_cycle:", "mcu_pj_per_cycle", "mcu_pj_per_cycles", "unknown key 'mcu_pj_per_cycles' in energy"},
      {"size_kib: 32,", "32", "4", "sram_macros[1].size_kib: expected a size larger than the previous entry's 8 KiB"},
      {"pe_register_bits:", "48", "4.5", "area.pe_register_bits: expected an integer, got '4.5'"},
      {"logic_uw_per_mm2:", "10000", "abc", "leakage.logic_uw_per_mm2: expected a number, got 'abc'"},
      {"node_nm:", "45", "[45]", "node_nm: expected a number, got a list"},
      {"rescale_pj:", "3.2", "-1", "vector.rescale_pj: expected a number of at least 0 and at most"},
      {"lane_um2:", "lane_um2", "lanes_um2", "unknown key 'lanes_um2' in vector"},
  };
  for (const Case& c : cases) {
    std::string text = shipped_text();
    const std::string where = replace_at(text, c.anchor, c.from, c.to);
    const std::string err = error_of([&] { parse_technology(text, "tech.yaml"); });
    INFO(err);
    CHECK(err.rfind("tech.yaml:" + where + ": ", 0) == 0);
    CHECK(err.find(c.phrase) != std::string::npos);
  }
}

TEST_CASE("a technology file without a required key names the map that lacks it", "[technology]") {
  std::string text = shipped_text();
  const std::string where = replace_at(text, "dma_channel_um2:", "dma_channel_um2: 1518", "");
  (void)where;
  const std::string err = error_of([&] { parse_technology(text, "tech.yaml"); });
  INFO(err);
  CHECK(err.find("missing required key 'dma_channel_um2' in area") != std::string::npos);
  CHECK(err.rfind("tech.yaml:", 0) == 0);
  // The vector section is optional as a whole; in it every key is required.
  std::string no_vector = shipped_text();
  no_vector.erase(no_vector.find("\nvector:"));
  CHECK_FALSE(parse_technology(no_vector, "tech.yaml").vector_unit);
  std::string partial = shipped_text();
  replace_at(partial, "add_pj:", "add_pj: 0.1", "");
  CHECK(error_of([&] { parse_technology(partial, "tech.yaml"); }).find("missing required key 'add_pj' in vector") !=
        std::string::npos);
  CHECK(error_of([&] { parse_technology("", "empty.yaml"); }).find("empty.yaml:1:1: expected a map") == 0);
  CHECK(error_of([&] { parse_technology("name: [", "syntax.yaml"); }).find("syntax.yaml:1:") == 0);
  CHECK(error_of([&] { load_technology("/nonexistent/tech.yaml"); }) ==
        "/nonexistent/tech.yaml: cannot open the technology file");
}

TEST_CASE("SoC configs name a shipped technology, or a file relative to themselves", "[technology][soc]") {
  for (const char* name : {"default", "small", "large"}) {
    const SocConfig soc = load_soc_config(test::config_path(name));
    CHECK(soc.technology == "horowitz45");
    CHECK_FALSE(technology_is_path(soc.technology));
  }
  // A path is resolved against the SoC file's directory and kept absolute.
  std::string text = yaml::read_file(test::config_path("default"), "SoC config file");
  const size_t at = text.find("technology: horowitz45");
  REQUIRE(at != std::string::npos);
  text.replace(at, 22, "technology: ../tech/horowitz45.yaml");
  const SocConfig soc = parse_soc_config(text, test::config_path("default"));
  CHECK(soc.technology == test::source_dir() + "/configs/tech/horowitz45.yaml");
  CHECK(technology_is_path(soc.technology));
  CHECK_NOTHROW(load_technology(soc.technology));
  CHECK(technology_is_path("tech.yml"));
  CHECK_FALSE(technology_is_path("tsmc28"));
}
