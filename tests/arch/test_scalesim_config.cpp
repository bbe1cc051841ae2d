// SCALE-Sim .cfg files (arch/scalesim_config.h): what is read, the SoC built
// from it, and the exact located error of each kind of bad file.
#include <catch2/catch.hpp>

#include <string>

#include "arch/scalesim_config.h"
#include "arch/soc_config_yaml.h"
#include "tests/support/error_of.h"
#include "tests/support/test_paths.h"

using namespace kiln;
using kiln::test::error_of;

namespace {

const char* kGood = R"([general]
run_name = scale_example_run_32x32_os

[architecture_presets]
ArrayHeight:    32
ArrayWidth:     24
IfmapSramSzkB:   64
FilterSramSzkB:  48
OfmapSramSzkB:   16
IfmapOffset:    0
FilterOffset:   10000000
OfmapOffset:    20000000
Bandwidth : 10
Dataflow : os
MemoryBanks:   1

[run_presets]
InterfaceBandwidth: CALC
)";

std::string with(std::string text, const std::string& from, const std::string& to) {
  const auto pos = text.find(from);
  REQUIRE(pos != std::string::npos);
  return text.replace(pos, from.size(), to);
}

std::string parse_error(const std::string& text) {
  return error_of([&] { parse_scalesim_config(text, "a.cfg"); });
}

}  // namespace

TEST_CASE("a SCALE-Sim cfg gives the array, SRAMs, dataflow and bandwidth", "[scalesim_config]") {
  const ScaleSimConfig c = parse_scalesim_config(kGood, "a.cfg");
  CHECK(c.run_name == "scale_example_run_32x32_os");
  CHECK(c.rows == 32);
  CHECK(c.cols == 24);
  CHECK(c.ifmap_kib == 64);
  CHECK(c.filter_kib == 48);
  CHECK(c.ofmap_kib == 16);
  CHECK(c.dataflow == Dataflow::OutputStationary);
  CHECK(c.bandwidth == std::vector<unsigned>{10});
  CHECK_FALSE(c.user_bandwidth);
  CHECK(c.ifmap_at == "a.cfg:7:18");
}

TEST_CASE("cfg keys are case-insensitive, '=' works as ':' and comments are skipped", "[scalesim_config]") {
  const std::string text = with(with(kGood, "Dataflow : os", "# a comment\n; another\ndataflow = WS"),
                                "Bandwidth : 10", "Bandwidth : 10, 20,5");
  const ScaleSimConfig c = parse_scalesim_config(text, "a.cfg");
  CHECK(c.dataflow == Dataflow::WeightStationary);
  CHECK(c.bandwidth == std::vector<unsigned>{10, 20, 5});
}

TEST_CASE("the SoC of a cfg: array, dataflow, double-buffered scratchpads and a DRAM", "[scalesim_config]") {
  const SocConfig base = load_soc_config(test::config_path("default"));
  const SocConfig soc = soc_from_scalesim(parse_scalesim_config(kGood, "a.cfg"), base, 1 << 20);
  CHECK(soc.name == "scale_example_run_32x32_os");
  CHECK(soc.npu.rows == 32);
  CHECK(soc.npu.cols == 24);
  CHECK(soc.npu.dataflow == Dataflow::OutputStationary);
  CHECK(soc.npu.input.size_bytes == 64 * 1024);
  CHECK(soc.npu.input.banks == 2);
  CHECK(soc.npu.weight.size_bytes == 48 * 1024);
  CHECK(soc.npu.output.size_bytes == 16 * 1024);
  // One 32 x 24 tile of int32 accumulators with M = 32: 32 * 24 * 4 bytes, below the default's 64 KiB.
  CHECK(soc.npu.accumulator_bytes == base.npu.accumulator_bytes);
  const MemoryConfig* dram = soc.first_of_kind(MemoryKind::Dram);
  REQUIRE(dram != nullptr);
  CHECK(dram->base == kScaleSimDramBase);
  CHECK(dram->size_bytes == (1u << 20));
  CHECK(dram->bytes_per_cycle == 10);
  CHECK(soc.bus.width_bytes == 16);  // raised to carry 10 bytes per cycle
  CHECK(soc.memories.size() == base.memories.size() + 1);
}

TEST_CASE("the accumulator grows to one tile of a large array", "[scalesim_config]") {
  std::string text = with(with(kGood, "ArrayHeight:    32", "ArrayHeight: 256"), "ArrayWidth:     24", "ArrayWidth: 256");
  text = with(with(with(text, "IfmapSramSzkB:   64", "IfmapSramSzkB: 8192"), "FilterSramSzkB:  48", "FilterSramSzkB: 8192"),
              "OfmapSramSzkB:   16", "OfmapSramSzkB: 8192");
  const SocConfig soc =
      soc_from_scalesim(parse_scalesim_config(text, "a.cfg"), load_soc_config(test::config_path("default")), 1 << 20);
  CHECK(soc.npu.accumulator_bytes == 256u * 256u * 4u);
}

TEST_CASE("bad cfg files get located errors", "[scalesim_config]") {
  CHECK(parse_error(with(kGood, "Dataflow : os", "Dataflow : xs")) ==
        "a.cfg:14:12: Dataflow must be ws, os or is, got 'xs'");
  CHECK(parse_error(with(kGood, "ArrayHeight:    32", "ArrayHeight:    3x2")) ==
        "a.cfg:5:17: ArrayHeight must be a whole number from 1 to 256, got '3x2'");
  CHECK(parse_error(with(kGood, "ArrayWidth:     24", "ArrayWidth:     512")) ==
        "a.cfg:6:17: ArrayWidth must be from 1 to 256, got 512");
  CHECK(parse_error(with(kGood, "IfmapSramSzkB:   64\n", "")) ==
        "a.cfg:4:1: section [architecture_presets] has no key IfmapSramSzkB; expected 'IfmapSramSzkB = VALUE'");
  CHECK(parse_error(with(kGood, "MemoryBanks:   1", "MemoryBanks")) ==
        "a.cfg:15:1: expected 'key = value' or 'key: value'");
  CHECK(parse_error("ArrayHeight: 8\n") == "a.cfg:1:1: expected a section header '[name]' before the first key");
  CHECK(parse_error(with(kGood, "[run_presets]", "[run_presets")) == "a.cfg:17:1: expected a section header '[name]'");
  CHECK(parse_error(with(kGood, "Bandwidth : 10", "Bandwidth : 10, x")) ==
        "a.cfg:13:17: Bandwidth must be a whole number from 1 to 1024, got 'x'");
  CHECK(parse_error(with(kGood, "InterfaceBandwidth: CALC", "InterfaceBandwidth: AUTO")) ==
        "a.cfg:18:21: InterfaceBandwidth must be CALC or USER, got 'AUTO'");
  CHECK(parse_error(with(kGood, "OfmapOffset:    20000000", "OfmapOffset:    20000000\nArrayWidth: 8")) ==
        "a.cfg:13:1: key ArrayWidth appears twice in [architecture_presets] (first at line 6)");
  CHECK(parse_error("[general]\nrun_name = x\n") ==
        "a.cfg: no [architecture_presets] section; expected one with the key ArrayHeight");
}

TEST_CASE("an SRAM too small for one tile is refused at its cfg line", "[scalesim_config]") {
  const ScaleSimConfig c = parse_scalesim_config(with(kGood, "FilterSramSzkB:  48", "FilterSramSzkB:  1"), "a.cfg");
  const std::string e = error_of([&] { soc_from_scalesim(c, load_soc_config(test::config_path("default")), 1 << 20); });
  // B of 32 x 24 int8 plus 24 post-processing records per half.
  CHECK(e.rfind("a.cfg:8:18: FilterSramSzkB = 1 KiB gives 512 bytes per half of kiln's double-buffered weight "
                "scratchpad; one tile of the 32x24 array needs ",
                0) == 0);
}

TEST_CASE("the committed test cfgs read", "[scalesim_config]") {
  const ScaleSimConfig c = load_scalesim_config(test::data_path("scalesim/ws8.cfg"));
  CHECK(c.rows == 8);
  CHECK(c.dataflow == Dataflow::WeightStationary);
  CHECK(error_of([] { load_scalesim_config(test::data_path("scalesim/none.cfg")); })
            .find("cannot open the SCALE-Sim config file") != std::string::npos);
}
