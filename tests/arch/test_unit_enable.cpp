// Enabling an optional NPU unit on a loaded SoC config (kiln run --npu-unit,
// the npu-vector strategy): the same SoC as a config whose npu.units names it.
#include <catch2/catch.hpp>

#include <string>

#include "arch/error.h"
#include "arch/soc_config_json.h"
#include "arch/soc_config_yaml.h"
#include "arch/unit_enable.h"
#include "tests/support/optional_units.h"
#include "tests/support/test_paths.h"

using namespace kiln;

TEST_CASE("enabling the vector unit on the default SoC gives the shipped default-vector SoC's NPU", "[soc_config]") {
  SocConfig soc = load_soc_config(kiln::test::config_path("default"));
  const SocConfig shipped = load_soc_config(kiln::test::config_path("default-vector"));
  REQUIRE(soc.npu.unit("vector") == nullptr);
  enable_npu_unit(soc, "vector", "test");
  REQUIRE(soc.npu.unit("vector") != nullptr);
  CHECK(soc.npu.unit("vector")->param("lanes") == 16);  // the catalogue's default
  CHECK(soc_config_json(soc).at("npu").dump() == soc_config_json(shipped).at("npu").dump());
}

TEST_CASE("enabling a unit the SoC config enables already keeps the config's own section", "[soc_config]") {
  SocConfig soc = load_soc_config(kiln::test::config_path("default-vector"));
  soc.npu.units.front().params["lanes"] = 8;
  enable_npu_unit(soc, "vector", "test");
  REQUIRE(soc.npu.units.size() == 1);
  CHECK(soc.npu.unit("vector")->param("lanes") == 8);
}

TEST_CASE("a unit that is not an optional NPU unit is refused naming the ones there are", "[soc_config]") {
  SocConfig soc = load_soc_config(kiln::test::config_path("default"));
  auto message = [&](const std::string& name) {
    try {
      enable_npu_unit(soc, name, "strategy 'x'");
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  CHECK_THAT(message("array"), Catch::StartsWith("strategy 'x': cannot enable NPU unit 'array' on SoC config "));
  CHECK_THAT(message("array"),
             Catch::EndsWith("it is part of every NPU (optional NPU units: " + test::optional_npu_units() + ")"));
  CHECK_THAT(message("gather"), Catch::EndsWith("no such unit (optional NPU units: " + test::optional_npu_units() + ")"));
  CHECK(soc.npu.units.empty());
}

TEST_CASE("use_rtl_engines puts the array and the enabled vector unit on RTL (kiln run --rtl)", "[soc_config]") {
  SocConfig soc = load_soc_config(kiln::test::config_path("default-vector"));
  REQUIRE(soc.npu.engine == "tlm");
  REQUIRE(soc.npu.unit("vector")->choice("engine") == "tlm");
  use_rtl_engines(soc);
  CHECK(soc.npu.engine == "rtl");
  CHECK(soc.npu.unit("vector")->choice("engine") == "rtl");
  // Without a vector unit, only the array.
  SocConfig plain = load_soc_config(kiln::test::config_path("default"));
  use_rtl_engines(plain);
  CHECK(plain.npu.engine == "rtl");
  CHECK(plain.npu.units.empty());
}
