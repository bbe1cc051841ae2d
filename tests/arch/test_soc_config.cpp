// SocConfig loading and validation: the shipped configs, the defaults of
// optional keys, number forms, the tile rule, and the bad-config corpus in
// tests/data/configs/bad (every file's error position and message).
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstring>
#include <dirent.h>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include "arch/error.h"
#include "arch/mcu_op.h"
#include "arch/soc_config.h"
#include "arch/soc_config_json.h"
#include "arch/soc_config_yaml.h"
#include "tests/support/error_of.h"
#include "tests/support/optional_units.h"
#include "tests/support/test_paths.h"

using namespace kiln;

using kiln::test::error_of;

namespace {

// Only the keys without defaults: everything else must come from soc_config.h.
const char* kMinimal = R"(
mcu:
  costs:
    copy: {fixed: 1}
    add: {fixed: 2}
    conv2d: {per_mac: 1}
    depthwise_conv2d: {per_mac: 2}
    fully_connected: {per_mac: 3}
    avg_pool: {per_element: 4}
    max_pool: {per_element: 5}
    mean: {per_element: 6}
    softmax: {per_element: 7}
    pad: {per_element: 8}
    concat2: {per_element: 9}
    requantize: {fixed: 10, per_mac: 0.5, per_element: 11}
memories:
  - {name: rom, kind: flash, base: 0, size_kib: 256}
  - {name: ram, kind: sram, base: 0x20000000, size_kib: 128}
npu:
  scratchpads:
    input: {size_kib: 8}
    weight: {size_kib: 8}
    output: {size_kib: 4}
  accumulator_kib: 16
)";

std::string with(std::string text, const std::string& from, const std::string& to) {
  auto pos = text.find(from);
  REQUIRE(pos != std::string::npos);
  return text.replace(pos, from.size(), to);
}

std::vector<std::string> yaml_files_in(const std::string& dir) {
  std::vector<std::string> names;
  DIR* d = opendir(dir.c_str());
  REQUIRE(d != nullptr);
  while (dirent* e = readdir(d)) {
    std::string n = e->d_name;
    if (n.size() > 5 && n.compare(n.size() - 5, 5, ".yaml") == 0) names.push_back(n);
  }
  closedir(d);
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace

TEST_CASE("the default config loads with the values of configs/soc/default.yaml", "[soc_config]") {
  const std::string path = test::config_path("default");
  SocConfig soc = load_soc_config(path);
  CHECK(soc.name == "default");
  CHECK(soc.source == path);
  CHECK(soc.mcu.clock_mhz == 200);
  // Every kernel but those priced as another (the conv2d variants, which
  // generic-cm4-class prices as conv2d; the float edges and lut, priced as requantize, maximum and minimum, priced as add).
  const size_t own = size_t(std::count_if(mcu_kernels().begin(), mcu_kernels().end(),
                                          [](const McuKernelSpec& k) { return k.priced_as == nullptr; }));
  REQUIRE(soc.mcu.costs.size() == own);
  CHECK(find_mcu_cost(soc.mcu.costs, "conv2d_1x1") == &soc.mcu.costs.at("conv2d"));
  CHECK(find_mcu_cost(soc.mcu.costs, "conv2d_shallow") == &soc.mcu.costs.at("conv2d"));
  CHECK(find_mcu_cost(soc.mcu.costs, "quantize") == &soc.mcu.costs.at("requantize"));
  CHECK(find_mcu_cost(soc.mcu.costs, "dequantize") == &soc.mcu.costs.at("requantize"));
  CHECK(find_mcu_cost(soc.mcu.costs, "lut") == &soc.mcu.costs.at("requantize"));
  CHECK(soc.mcu.costs.at("copy").fixed == 20);
  CHECK(soc.mcu.costs.at("copy").per_mac == 0);  // not given: 0
  CHECK(soc.mcu.costs.at("copy").per_element == 0.25);
  CHECK(soc.mcu.costs.at("fully_connected").per_mac == 0.75);
  CHECK(soc.bus.width_bytes == 64 / 8);
  CHECK(soc.bus.clock_mhz == 200);
  CHECK(soc.bus.arbitration == Arbitration::RoundRobin);
  CHECK(soc.bus.latency_cycles == 2);
  CHECK(soc.bus.max_burst_beats == 16);
  REQUIRE(soc.memories.size() == 2);
  const MemoryConfig& flash = soc.memories[0];
  CHECK(flash.name == "flash");
  CHECK(flash.kind == MemoryKind::Flash);
  CHECK(flash.base == 0);
  CHECK(flash.size_bytes == 1024u * 1024);
  CHECK(flash.wait_states == 3);
  CHECK(flash.read_width_bytes == 128 / 8);
  const MemoryConfig& sram = soc.memories[1];
  CHECK(sram.kind == MemoryKind::Sram);
  CHECK(sram.base == 0x20000000);
  CHECK(sram.size_bytes == 512u * 1024);
  CHECK(sram.banks == 4);
  CHECK(sram.bank_width_bytes == 64 / 8);
  CHECK(soc.dma.channels == 2);
  CHECK(soc.dma.outstanding_bursts == 4);
  CHECK(soc.dma.strides_2d);
  CHECK(soc.npu.clock_mhz == 200);
  CHECK(soc.npu.reg_base == 0x40000000);
  CHECK(soc.npu.rows == 16);
  CHECK(soc.npu.cols == 16);
  CHECK(soc.npu.dataflow == Dataflow::WeightStationary);
  CHECK(soc.npu.engine == "tlm");
  CHECK(soc.npu.input.size_bytes == 64u * 1024);
  CHECK(soc.npu.input.banks == 2);
  CHECK(soc.npu.weight.size_bytes == 64u * 1024);
  CHECK(soc.npu.output.size_bytes == 16u * 1024);
  CHECK(soc.npu.output.banks == 2);
  CHECK(soc.npu.accumulator_bytes == 64u * 1024);
  CHECK(soc.npu.ppu_lanes == 16);
  CHECK(soc.npu.spm_bytes_per_cycle == 64 / 8);
}

TEST_CASE("the small config is an 8x8 array on a 32-bit bus", "[soc_config]") {
  SocConfig soc = load_soc_config(test::config_path("small"));
  CHECK(soc.name == "small");
  CHECK(soc.mcu.clock_mhz == 100);
  CHECK(soc.bus.width_bytes == 4);
  CHECK(soc.npu.rows == 8);
  CHECK(soc.npu.cols == 8);
  CHECK(soc.npu.input.size_bytes == 16u * 1024);
  CHECK(soc.npu.weight.size_bytes == 16u * 1024);
  CHECK(soc.npu.output.size_bytes == 8u * 1024);
  CHECK(soc.npu.accumulator_bytes == 16u * 1024);
  CHECK(soc.dma.channels == 1);
  REQUIRE(soc.memory_named("sram") != nullptr);
  CHECK(soc.memory_named("sram")->size_bytes == 256u * 1024);
  CHECK(soc.memory_named("sram")->bank_width_bytes == 4);
  CHECK(soc.memory_named("flash")->size_bytes == 512u * 1024);
  CHECK(soc.memory_named("flash")->read_width_bytes == 8);
  CHECK(soc.mcu.costs.at("softmax").per_element == 80);
}

TEST_CASE("the large config is a 32x32 array on a 128-bit bus with 4 DMA channels", "[soc_config]") {
  SocConfig soc = load_soc_config(test::config_path("large"));
  CHECK(soc.name == "large");
  CHECK(soc.bus.width_bytes == 16);
  CHECK(soc.bus.clock_mhz == 400);
  CHECK(soc.dma.channels == 4);
  CHECK(soc.dma.outstanding_bursts == 8);
  CHECK(soc.npu.rows == 32);
  CHECK(soc.npu.cols == 32);
  CHECK(soc.npu.input.size_bytes == 256u * 1024);
  CHECK(soc.npu.accumulator_bytes == 256u * 1024);
  CHECK(soc.npu.spm_bytes_per_cycle == 16);
  CHECK(soc.npu.ppu_lanes == 32);
  CHECK(soc.memory_named("sram")->size_bytes == 2048u * 1024);
  CHECK(soc.memory_named("sram")->banks == 8);
  CHECK(soc.memory_named("flash")->size_bytes == 4096u * 1024);
  CHECK(soc.memory_named("flash")->wait_states == 4);
}

TEST_CASE("optional keys take the defaults of soc_config.h", "[soc_config]") {
  SocConfig soc = parse_soc_config(kMinimal, "dir/minimal.v1.yaml");
  const BusConfig bus;
  const DmaConfig dma;
  const NpuConfig npu;
  const MemoryConfig mem;
  const McuConfig mcu;
  CHECK(soc.name == "minimal");  // the file name up to its first dot
  CHECK(soc.source == "dir/minimal.v1.yaml");
  CHECK(soc.mcu.clock_mhz == mcu.clock_mhz);
  CHECK(soc.bus.width_bytes == bus.width_bytes);
  CHECK(soc.bus.clock_mhz == bus.clock_mhz);
  CHECK(soc.bus.arbitration == bus.arbitration);
  CHECK(soc.bus.latency_cycles == bus.latency_cycles);
  CHECK(soc.bus.max_burst_beats == bus.max_burst_beats);
  CHECK(soc.dma.channels == dma.channels);
  CHECK(soc.dma.outstanding_bursts == dma.outstanding_bursts);
  CHECK(soc.dma.strides_2d == dma.strides_2d);
  CHECK(soc.memories[0].wait_states == mem.wait_states);
  CHECK(soc.memories[0].read_width_bytes == mem.read_width_bytes);
  CHECK(soc.memories[1].banks == mem.banks);
  CHECK(soc.memories[1].bank_width_bytes == mem.bank_width_bytes);
  CHECK(soc.npu.clock_mhz == npu.clock_mhz);
  CHECK(soc.npu.reg_base == npu.reg_base);
  CHECK(soc.npu.rows == npu.rows);
  CHECK(soc.npu.cols == npu.cols);
  CHECK(soc.npu.dataflow == npu.dataflow);
  CHECK(soc.npu.engine == npu.engine);
  CHECK(soc.npu.input.banks == 1);
  CHECK(soc.npu.ppu_lanes == npu.ppu_lanes);
  CHECK(soc.npu.spm_bytes_per_cycle == npu.spm_bytes_per_cycle);
  // Cost fields not given are 0; given ones are kept per kernel.
  CHECK(soc.mcu.costs.at("requantize").fixed == 10);
  CHECK(soc.mcu.costs.at("requantize").per_mac == 0.5);
  CHECK(soc.mcu.costs.at("requantize").per_element == 11);
  CHECK(soc.mcu.costs.at("concat2").fixed == 0);
  CHECK(soc.mcu.costs.at("concat2").per_element == 9);
}

TEST_CASE("numbers may be decimal or hexadecimal, enums take every listed value", "[soc_config]") {
  std::string text = with(kMinimal, "base: 0x20000000", "base: 536870912");
  text = with(text, "npu:\n", "npu:\n  reg_base: 0X5000F000\n  array: {rows: 0x20, cols: 8, dataflow: input_stationary, engine: rtl}\n");
  text += "bus: {width_bits: 0x100, arbitration: fixed_priority, latency_cycles: 0}\ndma: {strides_2d: false}\n";
  SocConfig soc = parse_soc_config(text, "t.yaml");
  CHECK(soc.memories[1].base == 0x20000000);
  CHECK(soc.npu.reg_base == 0x5000F000);
  CHECK(soc.npu.rows == 32);
  CHECK(soc.npu.cols == 8);
  CHECK(soc.npu.dataflow == Dataflow::InputStationary);
  CHECK(soc.npu.engine == "rtl");
  CHECK(soc.bus.width_bytes == 32);
  CHECK(soc.bus.arbitration == Arbitration::FixedPriority);
  CHECK(soc.bus.latency_cycles == 0);
  CHECK_FALSE(soc.dma.strides_2d);
  std::string os = with(kMinimal, "npu:\n", "npu:\n  array: {dataflow: output_stationary}\n");
  CHECK(parse_soc_config(os, "t.yaml").npu.dataflow == Dataflow::OutputStationary);
}

// "line:column" (1-based) of the first `needle` in `text`, counted here, not by the loader.
std::string position_of(const std::string& text, const std::string& needle, size_t from = 0) {
  auto at = text.find(needle, from);
  REQUIRE(at != std::string::npos);
  auto line_start = text.rfind('\n', at);
  size_t col = at - (line_start == std::string::npos ? 0 : line_start + 1) + 1;
  size_t line = 1 + size_t(std::count(text.begin(), text.begin() + long(at), '\n'));
  return std::to_string(line) + ":" + std::to_string(col);
}

TEST_CASE("range errors state the accepted range at the value's position", "[soc_config]") {
  struct Case {
    std::string yaml, value, message;
  };
  const Case cases[] = {
      {"bus: {width_bits: 2048}\n", "2048", "bus.width_bits: expected a power of two from 8 to 1024 bits, got 2048"},
      {"bus: {width_bits: -8}\n", "-8", "bus.width_bits: expected a power of two from 8 to 1024 bits, got -8"},
      {"bus: {max_burst_beats: 257}\n", "257", "bus.max_burst_beats: expected an integer from 1 to 256 beats, got 257"},
      {"bus: {clock_mhz: 1.5e4}\n", "1.5e4",
       "bus.clock_mhz: expected a number greater than 0 and at most 5000 MHz, got 1.5e4"},
      {"bus: {clock_mhz: .nan}\n", ".nan", "bus.clock_mhz: expected a number, got '.nan'"},
      {"dma: {channels: 2.0}\n", "2.0", "dma.channels: expected an integer, got '2.0'"},
      {"dma: {channels: [1, 2]}\n", "[1, 2]", "dma.channels: expected an integer, got a list"},
  };
  for (const auto& c : cases) {
    const std::string text = std::string(kMinimal) + c.yaml;
    INFO(c.yaml);
    std::string msg = error_of([&] { parse_soc_config(text, "t.yaml"); });
    const size_t appended = std::strlen(kMinimal);  // the value is on the appended line
    CHECK(msg == "t.yaml:" + position_of(text, c.value, appended) + ": " + c.message);
  }
  const std::string reg = with(kMinimal, "npu:\n", "npu:\n  reg_base: 0x100000000\n");
  CHECK(error_of([&] { parse_soc_config(reg, "t.yaml"); }) ==
        "t.yaml:" + position_of(reg, "0x100000000") + ": npu.reg_base: expected an address below 0x100000000, got 0x100000000");
}

TEST_CASE("the smallest full tile sets the minimum buffer sizes", "[soc_config]") {
  // M = max(rows, cols), K = rows, N = cols; 12-byte PPU record per column.
  MinimumTileBuffers b = minimum_tile_buffers(16, 16);
  CHECK(b.input_bank_bytes == 16 * 16);
  CHECK(b.weight_bank_bytes == 16 * 16 + 12 * 16);
  CHECK(b.output_bank_bytes == 16 * 16);
  CHECK(b.accumulator_bytes == 16 * 16 * 4);
  MinimumTileBuffers tall = minimum_tile_buffers(48, 8);  // M = 48
  CHECK(tall.input_bank_bytes == 48 * 48);
  CHECK(tall.weight_bank_bytes == 48 * 8 + 12 * 8);
  CHECK(tall.output_bank_bytes == 48 * 8);
  CHECK(tall.accumulator_bytes == 48 * 8 * 4);
}

TEST_CASE("a scratchpad bank exactly one tile large is accepted, a smaller one is not", "[soc_config]") {
  // 64x64: A needs 64*64 = 4096 bytes per bank; 8 KiB in 2 banks is exactly that.
  std::string text = with(kMinimal, "npu:\n", "npu:\n  array: {rows: 64, cols: 64}\n");
  text = with(text, "input: {size_kib: 8}", "input: {size_kib: 8, banks: 2}");
  text = with(text, "weight: {size_kib: 8}", "weight: {size_kib: 16}");
  text = with(text, "output: {size_kib: 4}", "output: {size_kib: 4}");
  text = with(text, "accumulator_kib: 16", "accumulator_kib: 16");
  SocConfig soc = parse_soc_config(text, "t.yaml");
  CHECK(soc.npu.input.size_bytes / soc.npu.input.banks == minimum_tile_buffers(64, 64).input_bank_bytes);
  std::string smaller = with(text, "input: {size_kib: 8, banks: 2}", "input: {size_kib: 8, banks: 4}");
  std::string msg = error_of([&] { parse_soc_config(smaller, "t.yaml"); });
  CHECK_THAT(msg, Catch::Contains("2048 bytes per bank") && Catch::Contains("needs 4096 bytes per bank"));
}

TEST_CASE("find_memory, memory_named and first_of_kind", "[soc_config]") {
  SocConfig soc = load_soc_config(test::config_path("default"));
  const MemoryConfig* sram = soc.memory_named("sram");
  REQUIRE(sram != nullptr);
  CHECK(soc.memory_named("dram") == nullptr);
  CHECK(soc.first_of_kind(MemoryKind::Flash) == soc.memory_named("flash"));
  CHECK(soc.first_of_kind(MemoryKind::Sram) == sram);
  const uint64_t end = sram->base + sram->size_bytes;
  CHECK(soc.find_memory(sram->base) == sram);
  CHECK(soc.find_memory(end - 1) == sram);
  CHECK(soc.find_memory(end) == nullptr);
  CHECK(soc.find_memory(sram->base, sram->size_bytes) == sram);
  CHECK(soc.find_memory(sram->base + 1, sram->size_bytes) == nullptr);  // runs one byte past the end
  CHECK(soc.find_memory(end - 4, 4) == sram);
  CHECK(soc.find_memory(end - 4, UINT64_MAX) == nullptr);  // no wrap-around
  CHECK(soc.find_memory(soc.npu.reg_base) == nullptr);
  CHECK(soc.find_memory(0) == soc.memory_named("flash"));
}

TEST_CASE("to_string spells each enum as the YAML does", "[soc_config]") {
  CHECK(std::string(to_string(Dataflow::WeightStationary)) == "weight_stationary");
  CHECK(std::string(to_string(Dataflow::OutputStationary)) == "output_stationary");
  CHECK(std::string(to_string(Dataflow::InputStationary)) == "input_stationary");
  CHECK(std::string(to_string(Arbitration::RoundRobin)) == "round_robin");
  CHECK(std::string(to_string(Arbitration::FixedPriority)) == "fixed_priority");
  CHECK(std::string(to_string(MemoryKind::Flash)) == "flash");
  CHECK(std::string(to_string(MemoryKind::Sram)) == "sram");
}

TEST_CASE("a missing file is a one-line error naming it", "[soc_config]") {
  const std::string path = test::data_path("configs/no_such_config.yaml");
  std::string msg = error_of([&] { load_soc_config(path); });
  CHECK(msg == path + ": cannot open the SoC config file");
}

TEST_CASE("YAML nested past the parser limit says so, with a position", "[soc_config]") {
  const std::string deep = std::string(3000, '[') + std::string(3000, ']') + "\n";
  const std::string msg = error_of([&] { parse_soc_config(deep, "deep.yaml"); });
  CHECK_THAT(msg, Catch::StartsWith("deep.yaml:"));
  CHECK_THAT(msg, Catch::Contains(": YAML nesting deeper than the limit of "));
  std::string nested;
  for (int i = 0; i < 3000; ++i) nested += "{a: ";
  nested += "1" + std::string(3000, '}');
  CHECK_THAT(error_of([&] { parse_soc_config(nested, "maps.yaml"); }), Catch::Contains("YAML nesting deeper"));
}

TEST_CASE("every bad config in the corpus fails with its position and message", "[soc_config]") {
  const std::string dir = test::data_path("configs/bad");
  std::ifstream in(dir + "/expected.txt");
  REQUIRE(in);
  std::set<std::string> listed;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    auto bar1 = line.find('|'), bar2 = line.find('|', bar1 + 1);
    REQUIRE(bar2 != std::string::npos);
    const std::string file = line.substr(0, bar1);
    const std::string where = line.substr(bar1 + 1, bar2 - bar1 - 1);
    const std::string phrase = line.substr(bar2 + 1);
    INFO(file);
    CHECK(listed.insert(file).second);  // listed once
    const std::string path = dir + "/" + file;
    std::string msg = error_of([&] { load_soc_config(path); });
    REQUIRE_FALSE(msg.empty());
    CHECK(msg.find('\n') == std::string::npos);
    CHECK_THAT(msg, Catch::StartsWith(path + ":" + where + ": "));
    CHECK_THAT(msg, Catch::Contains(phrase));
  }
  CHECK(listed.size() >= 15);
  for (const auto& file : yaml_files_in(dir)) {
    INFO(file << " is in the corpus folder but not in expected.txt");
    CHECK(listed.count(file) == 1);
  }
}

TEST_CASE("an empty npu.units enables nothing and leaves the config's JSON as it was", "[soc_config]") {
  const SocConfig plain = parse_soc_config(kMinimal, "t.yaml");
  for (const char* empty : {"  units: {}\n", "  units:\n"}) {
    const SocConfig soc = parse_soc_config(std::string(kMinimal) + empty, "t.yaml");
    CHECK(soc.npu.units.empty());
    CHECK(soc.npu.unit("array") == nullptr);
    CHECK(soc_config_json(soc).dump() == soc_config_json(plain).dump());
    CHECK(soc_config_json(soc).at("npu").count("units") == 0);
  }
}

TEST_CASE("an array engine is any registered name, and an unknown one lists them", "[soc_config]") {
  CHECK(parse_soc_config(with(kMinimal, "npu:\n", "npu:\n  array: {engine: rtl}\n"), "t.yaml").npu.engine == "rtl");
  const std::string msg =
      error_of([&] { parse_soc_config(with(kMinimal, "npu:\n", "npu:\n  array: {engine: tlm2}\n"), "t.yaml"); });
  CHECK(msg == "t.yaml:20:19: npu.array.engine: expected a registered array engine: one of tlm, rtl, got 'tlm2'");
}

TEST_CASE("npu.units enables the vector unit with its lanes, defaults filled in, and in the JSON", "[soc_config]") {
  const SocConfig soc = parse_soc_config(std::string(kMinimal) + "  units:\n    vector: {lanes: 8}\n", "t.yaml");
  REQUIRE(soc.npu.units.size() == 1);
  REQUIRE(soc.npu.unit("vector") != nullptr);
  CHECK(soc.npu.unit("vector")->param("lanes") == 8);
  CHECK(soc_config_json(soc).at("npu").at("units").dump() == R"({"vector":{"lanes":8}})");
  CHECK_THROWS_AS(soc.npu.unit("vector")->param("width"), Error);
  const SocConfig defaults = parse_soc_config(std::string(kMinimal) + "  units:\n    vector:\n", "t.yaml");
  CHECK(defaults.npu.unit("vector")->param("lanes") == 16);
  CHECK(defaults.npu.unit("vector")->choice("engine") == "tlm");
}

TEST_CASE("npu.units.vector.engine picks tlm or rtl, the JSON names it only when it is not tlm", "[soc_config]") {
  const SocConfig tlm =
      parse_soc_config(std::string(kMinimal) + "  units:\n    vector: {lanes: 8, engine: tlm}\n", "t.yaml");
  CHECK(tlm.npu.unit("vector")->choice("engine") == "tlm");
  // A config written before the unit had engines keeps its JSON and fingerprints.
  CHECK(soc_config_json(tlm).at("npu").at("units").dump() == R"({"vector":{"lanes":8}})");
  const SocConfig rtl =
      parse_soc_config(std::string(kMinimal) + "  units:\n    vector: {lanes: 8, engine: rtl}\n", "t.yaml");
  CHECK(rtl.npu.unit("vector")->choice("engine") == "rtl");
  CHECK(soc_config_json(rtl).at("npu").at("units").dump() == R"({"vector":{"lanes":8,"engine":"rtl"}})");
  CHECK_FALSE(*tlm.npu.unit("vector") == *rtl.npu.unit("vector"));
  CHECK_THROWS_AS(tlm.npu.unit("vector")->choice("lanes"), Error);
  CHECK_THAT(error_of([] {
               parse_soc_config(std::string(kMinimal) + "  units:\n    vector: {engine: verilog}\n", "t.yaml");
             }),
             Catch::StartsWith("t.yaml:26:22: npu.units.vector.engine: expected one of tlm, rtl, got 'verilog'"));
}

TEST_CASE("a unit's section is checked against its parameters, at their positions", "[soc_config]") {
  auto error_with = [](const std::string& units) {
    return error_of([&] { parse_soc_config(std::string(kMinimal) + "  units:\n" + units, "t.yaml"); });
  };
  CHECK_THAT(error_with("    vector: {lanes: 0}\n"),
             Catch::StartsWith("t.yaml:26:21: npu.units.vector.lanes: expected an integer from 1 to 1024 lanes"));
  CHECK_THAT(error_with("    vector: {lane: 4}\n"),
             Catch::StartsWith("t.yaml:26:14: unknown key 'lane' in npu.units.vector (allowed: lanes, engine)"));
  CHECK_THAT(error_with("    vector: 16\n"),
             Catch::StartsWith("t.yaml:26:13: npu.units.vector: expected the section of unit 'vector': a map with keys "
                               "lanes, engine, or nothing for the defaults, got '16'"));
  CHECK_THAT(error_with("    vectro: {}\n"),
             Catch::StartsWith("t.yaml:26:5: npu.units: unknown NPU unit 'vectro' (registered: " +
                               test::optional_npu_units() + "; built into every NPU: array, post_process)"));
}
