// MCU core profiles (configs/mcu/<name>.yaml): what an SoC config's
// mcu.profile picks, how mcu.costs overrides it, and the located errors.
#include <catch2/catch.hpp>

#include <cstdio>
#include <filesystem>
#include <vector>
#include <fstream>
#include <string>

#include "arch/bundled_files.h"
#include "arch/error.h"
#include "arch/mcu_op.h"
#include "arch/mcu_profile.h"
#include "arch/soc_config_yaml.h"
#include "tests/support/error_of.h"
#include "tests/support/test_paths.h"

using namespace kiln;
using kiln::test::error_of;

namespace {

const char* kRest = R"(
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

SocConfig soc_with_mcu(const std::string& mcu, const std::string& source = "board.yaml") {
  return parse_soc_config("mcu:\n" + mcu + kRest, source);
}

// Kernels every cost table names (the others may borrow their priced_as kernel's entry).
size_t required_kernels() {
  size_t n = 0;
  for (const auto& k : mcu_kernels()) n += !k.priced_as;
  return n;
}

bool same(const McuKernelCost& a, const McuKernelCost& b) {
  return a.fixed == b.fixed && a.per_mac == b.per_mac && a.per_element == b.per_element;
}

}  // namespace

TEST_CASE("every shipped MCU profile loads and costs every kernel") {
  std::vector<std::string> names;
  for (const auto& e : std::filesystem::directory_iterator(mcu_profile_dir()))
    if (e.path().extension() == ".yaml") names.push_back(e.path().stem().string());
  CHECK(names.size() >= 3);
  for (const std::string& name : names) {
    INFO(name);
    const McuProfile p = load_mcu_profile(mcu_profile_dir() + "/" + name + ".yaml");
    CHECK(p.name == name);
    CHECK_FALSE(p.core.empty());
    CHECK_FALSE(p.library.empty());
    for (const auto& k : mcu_kernels()) {
      INFO(k.name);
      CHECK(find_mcu_cost(p.costs, k.name));  // its own entry or, for a variant, its priced_as kernel's
      if (!k.priced_as) CHECK(p.costs.count(k.name));
    }
  }
}

TEST_CASE("an SoC config picks a profile by name and overrides entries") {
  const SocConfig reference = load_soc_config(test::config_path("default"));
  CHECK(reference.mcu.profile == "generic-cm4-class");
  const SocConfig picked = soc_with_mcu("  clock_mhz: 200\n  profile: generic-cm4-class\n");
  CHECK(picked.mcu.profile == "generic-cm4-class");
  REQUIRE(picked.mcu.costs.size() == required_kernels());
  // Two entries of configs/mcu/generic-cm4-class.yaml, as written there.
  CHECK(same(picked.mcu.costs.at("conv2d"), McuKernelCost{400, 1.0, 8}));
  CHECK(same(picked.mcu.costs.at("add"), McuKernelCost{60, 0, 6}));
  // An override replaces that kernel's entry whole and nothing else.
  const SocConfig tuned =
      soc_with_mcu("  profile: generic-cm4-class\n  costs:\n    add: {fixed: 7, per_element: 2.5}\n");
  CHECK(same(tuned.mcu.costs.at("add"), McuKernelCost{7, 0, 2.5}));
  CHECK(same(tuned.mcu.costs.at("conv2d"), reference.mcu.costs.at("conv2d")));
  // Without a profile the config still costs every kernel itself.
  CHECK_THAT(error_of([] { soc_with_mcu("  costs:\n    add: {fixed: 7}\n"); }),
             Catch::Contains("no cost for MCU kernel 'copy'"));
}

TEST_CASE("an unknown profile or kernel is a located error") {
  CHECK(error_of([] { soc_with_mcu("  profile: cortex-m99\n"); }).rfind(
            "board.yaml:2:12: mcu.profile: no MCU profile 'cortex-m99' (looked for " + mcu_profile_dir() +
                "/cortex-m99.yaml); shipped profiles: ",
            0) == 0);
  CHECK_THAT(error_of([] { soc_with_mcu("  profile: generic-cm4-class\n  costs:\n    adds: {fixed: 1}\n"); }),
             Catch::StartsWith("board.yaml:4:5: mcu.costs: unknown MCU kernel 'adds'"));
  CHECK_THAT(error_of([] { soc_with_mcu("  profile: [a]\n"); }), Catch::StartsWith("board.yaml:2:12: mcu.profile:"));
}

TEST_CASE("a profile given as a path is read relative to the SoC config and checked whole") {
  const std::string dir = "test_mcu_profile_dir";
  REQUIRE(std::system(("mkdir -p " + dir).c_str()) == 0);
  {
    std::ofstream(dir + "/mine.yaml") << "name: mine\ncore: Cortex-M0+\nlibrary: portable C\ncosts:\n"
                                         "  copy: {fixed: 3}\n";
  }
  const std::string error = error_of([&] { soc_with_mcu("  profile: mine.yaml\n", dir + "/board.yaml"); });
  CHECK_THAT(error, Catch::Contains("mine.yaml:4:1: costs: no cost for MCU kernel 'add'"));
  REQUIRE(std::system(("rm -rf " + dir).c_str()) == 0);
}

TEST_CASE("a profile's core_id and library_id name the same core's profile with another kernel library") {
  const McuProfile cm4 = load_mcu_profile(mcu_profile_dir() + "/generic-cm4-class.yaml");
  CHECK(cm4.core_id == "cortex-m4");
  CHECK(cm4.library_id == "hand-chosen");
  CHECK(mcu_profile_for_library(cm4, "portable-c") == "cortex-m4-portable-c");

  std::string costs;
  for (const auto& k : mcu_kernels()) costs += std::string("  ") + k.name + ": {fixed: 1}\n";
  const McuProfile bare = parse_mcu_profile("name: bare\ncore: X\nlibrary: Y\ncosts:\n" + costs, "bare.yaml");
  CHECK(bare.core_id.empty());
  const std::string e = error_of([&] { mcu_profile_for_library(bare, "cmsis-nn"); });
  CHECK_THAT(e, Catch::Contains("bare.yaml") && Catch::Contains("no core_id") && Catch::Contains("cmsis-nn"));
  const std::string bad =
      error_of([&] { parse_mcu_profile("name: b\ncore: X\nlibrary: Y\ncore_id: 'a b'\ncosts:\n" + costs, "b.yaml"); });
  CHECK_THAT(bad, Catch::Contains("b.yaml:4:") && Catch::Contains("expected a name"));
}
