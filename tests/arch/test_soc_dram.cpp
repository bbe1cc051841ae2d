// The dram memory kind in an SoC YAML: what it reads and the located errors of
// its rules (docs/soc-config.md).
#include <catch2/catch.hpp>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <string>

#include "arch/soc_config_yaml.h"
#include "tests/support/error_of.h"
#include "tests/support/test_paths.h"

using namespace kiln;
using kiln::test::error_of;

namespace {

// The default config with `extra` appended to its memory list.
std::string default_with_memory(const std::string& extra) {
  std::ifstream in(test::config_path("default"));
  std::stringstream text;
  text << in.rdbuf();
  std::string s = text.str();
  const std::string anchor = "\ndma:";
  const auto pos = s.find(anchor);
  REQUIRE(pos != std::string::npos);
  return s.insert(pos, "\n" + extra);
}

size_t line_of(const std::string& text, const std::string& what) {
  const auto pos = text.find(what);
  REQUIRE(pos != std::string::npos);
  return size_t(std::count(text.begin(), text.begin() + long(pos), '\n')) + 1;
}

const char* kDram =
    "  - name: dram\n"
    "    kind: dram\n"
    "    base: 0x80000000\n"
    "    size_kib: 262144\n"
    "    latency_cycles: 30\n"
    "    bandwidth_bytes_per_cycle: 16\n";

}  // namespace

TEST_CASE("a dram memory reads its latency and bandwidth", "[soc_config][dram]") {
  const SocConfig soc = parse_soc_config(default_with_memory(kDram), "d.yaml");
  const MemoryConfig* d = soc.first_of_kind(MemoryKind::Dram);
  REQUIRE(d != nullptr);
  CHECK(d->name == "dram");
  CHECK(d->base == 0x80000000u);
  CHECK(d->size_bytes == 256u << 20);
  CHECK(d->latency_cycles == 30);
  CHECK(d->bytes_per_cycle == 16);
  CHECK(std::string(to_string(d->kind)) == "dram");
  // A 128-byte burst over the 8-byte bus: 16 beats against 8 device cycles.
  CHECK(d->dram_data_cycles(128, 8) == 16);
  CHECK(d->dram_data_cycles(128, 32) == 8);
}

TEST_CASE("dram rules give located errors", "[soc_config][dram]") {
  std::string text = default_with_memory(std::string(kDram) + "    wait_states: 1\n");
  CHECK(error_of([&] { parse_soc_config(text, "d.yaml"); }) ==
        "d.yaml:" + std::to_string(line_of(text, "    wait_states: 1")) +
            ":5: memories[2].wait_states: 'wait_states' applies only to flash and sram memories, and memory 'dram' is "
            "of kind dram");
  text = default_with_memory(
      "  - {name: dram, kind: dram, base: 0x80000000, size_kib: 1024, bandwidth_bytes_per_cycle: 8}\n");
  CHECK(error_of([&] { parse_soc_config(text, "d.yaml"); }).find("latency_cycles") != std::string::npos);
  text = default_with_memory(
      "  - {name: sram2, kind: sram, base: 0x30000000, size_kib: 64, latency_cycles: 3}\n");
  CHECK(error_of([&] { parse_soc_config(text, "d.yaml"); }).find("'latency_cycles' applies only to dram memories") !=
        std::string::npos);
  text = default_with_memory(std::string(kDram) +
                             "  - {name: dram2, kind: dram, base: 0x90000000, size_kib: 1024, latency_cycles: 1, "
                             "bandwidth_bytes_per_cycle: 8}\n");
  CHECK(error_of([&] { parse_soc_config(text, "d.yaml"); }) ==
        "d.yaml:" + std::to_string(line_of(text, "  - {name: dram2")) +
            ":5: memories[3]: a second dram memory 'dram2' (at most one is allowed; the first is 'dram')");
  text = default_with_memory(std::string(kDram) + "    bandwidth_bytes_per_cycle: 0\n");
  CHECK_FALSE(error_of([&] { parse_soc_config(text, "d.yaml"); }).empty());
}
