// `kiln run` reports energy and area: the terminal breakdown, the "energy" and
// "area" objects of --report beside the unchanged keys, a technology file that
// changes the numbers it should, and a bad technology file named by place.
#include <catch2/catch.hpp>

#include <fstream>
#include <regex>
#include <string>

#include <nlohmann/json.hpp>

#include "tests/support/kiln_cli.h"
#include "tests/support/test_paths.h"

using kiln::test::run_kiln;
using kiln::test::slurp;
using kiln::test::TempDir;

namespace {

std::string shipped_tech() { return kiln::test::source_dir() + "/configs/tech/horowitz45.yaml"; }

// The default SoC with its technology line pointing at `tech` (absolute).
std::string soc_with_technology(const TempDir& dir, const std::string& tech) {
  std::string soc = slurp(kiln::test::config_path("default"));
  soc = std::regex_replace(soc, std::regex("technology: [^\\n]*"), "technology: " + tech);
  const std::string path = dir.file("soc.yaml");
  std::ofstream(path) << soc;
  return path;
}

nlohmann::json run_report(const std::string& soc, const TempDir& dir) {
  const std::string report = dir.file("report.json");
  const auto r = run_kiln("run --seed 1 --soc " + soc + " --report " + report);
  INFO(r.all());
  REQUIRE(r.exit_code == 0);
  return nlohmann::json::parse(slurp(report));
}

}  // namespace

TEST_CASE("run: energy and area in the terminal and in the report", "[run][energy]") {
  TempDir dir;
  const std::string report = dir.file("report.json");
  const auto r = run_kiln("run --seed 1 --report " + report);
  INFO(r.all());
  REQUIRE(r.exit_code == 0);
  CHECK(std::regex_search(r.out, std::regex(R"(energy +[0-9.]+ uJ \([0-9.]+ dynamic \+ [0-9.]+ leakage\), area [0-9.]+ mm\^2; technology horowitz45)")));
  for (const char* c : {"array", "input_spm", "weight_spm", "output_spm", "accumulator", "sram", "flash", "bus", "dma", "mcu"})
    CHECK(std::regex_search(r.out, std::regex(std::string("\n  ") + c + " +[0-9.]+ +[0-9.]+ +[0-9.]+ +[0-9.]+% +[0-9.]+\n")));

  const auto j = nlohmann::json::parse(slurp(report));
  // The keys scripts already read are all still there.
  for (const char* k : {"model", "soc", "layers", "totals", "wall_ms", "array_engine"}) CHECK(j.contains(k));
  CHECK(j["totals"]["outputs_match_reference"] == true);

  const auto& e = j.at("energy");
  double sum = 0, dyn = 0;
  for (const auto& [name, c] : e.at("components").items()) {
    CHECK(c.at("total_uj").get<double>() == Approx(c.at("dynamic_uj").get<double>() + c.at("leakage_uj").get<double>()));
    sum += c.at("total_uj").get<double>();
    dyn += c.at("dynamic_uj").get<double>();
  }
  CHECK(e.at("components").size() == 11);  // vector among them, zero on the default SoC
  CHECK(e.at("total_uj").get<double>() > 0);
  CHECK(e.at("total_uj").get<double>() == Approx(sum));
  CHECK(e.at("dynamic_uj").get<double>() == Approx(dyn));
  // The array's dynamic energy is its MACs at 0.3 pJ, and the MACs are the NPU layers' MACs.
  uint64_t npu_macs = 0;
  for (const auto& l : j["layers"])
    if (l["unit"] == "npu") npu_macs += l["macs"].get<uint64_t>();
  CHECK(e["actions"]["array_macs"].get<uint64_t>() == npu_macs);
  CHECK(e["components"]["array"]["dynamic_uj"].get<double>() == Approx(double(npu_macs) * 0.3e-6));

  const auto& a = j.at("area");
  double area = 0;
  for (const auto& [name, mm2] : a.at("components_mm2").items()) area += mm2.get<double>();
  CHECK(a.at("total_mm2").get<double>() == Approx(area));
  CHECK(a["components_mm2"]["array"].get<double>() == Approx(256 * (282 + 137 + 48 * 5.98) * 1e-6));
}

TEST_CASE("run: the SoC's technology file sets the energy of each action", "[run][energy]") {
  TempDir dir;
  std::string tech = slurp(shipped_tech());
  tech = std::regex_replace(tech, std::regex("mac_pj: 0.3"), "mac_pj: 0.6");
  std::ofstream(dir.file("tech.yaml")) << tech;
  const auto base = run_report(kiln::test::config_path("default"), dir);
  const auto doubled = run_report(soc_with_technology(dir, dir.file("tech.yaml")), dir);
  const auto arr = [](const nlohmann::json& j) { return j["energy"]["components"]["array"]["dynamic_uj"].get<double>(); };
  CHECK(arr(doubled) == Approx(2 * arr(base)));
  CHECK(doubled["energy"]["components"]["sram"]["dynamic_uj"].get<double>() ==
        Approx(base["energy"]["components"]["sram"]["dynamic_uj"].get<double>()));
  CHECK(doubled["totals"]["latency_cycles"] == base["totals"]["latency_cycles"]);  // energy never changes timing
}

TEST_CASE("run: an unknown technology name lists the shipped ones", "[run][energy]") {
  TempDir dir;
  const auto r = run_kiln("run --seed 1 --soc " + soc_with_technology(dir, "tsmc7"));
  CHECK(r.exit_code == 1);
  INFO(r.err);
  CHECK(r.err.rfind("kiln: error: " + dir.file("soc.yaml") + ": technology: no shipped technology 'tsmc7'", 0) == 0);
  CHECK(r.err.find("there are: horowitz45") != std::string::npos);
}

TEST_CASE("run: a bad technology file is one error line naming its place", "[run][energy]") {
  TempDir dir;
  std::string tech = slurp(shipped_tech());
  tech = std::regex_replace(tech, std::regex("mcu_pj_per_cycle: 12.26"), "mcu_pj_per_cycle: lots");
  std::ofstream(dir.file("tech.yaml")) << tech;
  const auto r = run_kiln("run --seed 1 --soc " + soc_with_technology(dir, dir.file("tech.yaml")));
  CHECK(r.exit_code == 1);
  CHECK(std::regex_match(r.err, std::regex("kiln: error: " + dir.file("tech.yaml") +
                                           R"(:[0-9]+:[0-9]+: energy.mcu_pj_per_cycle: expected a number, got 'lots'\n)")));
}
