// `kiln run --topology` end to end: a committed SCALE-Sim-format topology and
// cfg compiled, simulated and checked bit for bit against the reference
// interpreter, with SCALE-Sim's compute cycles beside kiln's array cycles and
// every difference accounted for; bad files and flags.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <string>

#include <nlohmann/json.hpp>

#include "tests/support/kiln_cli.h"
#include "tests/support/test_paths.h"

namespace {

std::string tmp_path(const std::string& name) {
  const char* dir = std::getenv("TMPDIR");
  return std::string(dir ? dir : "/tmp") + "/kiln_test_topology_" + std::to_string(getpid()) + "_" + name;
}

nlohmann::json run_topology(const std::string& csv, const std::string& cfg) {
  const std::string report = tmp_path("report.json");
  const auto r = kiln::test::run_kiln("run --topology " + kiln::test::data_path("scalesim/" + csv) +
                                      " --scalesim-config " + kiln::test::data_path("scalesim/" + cfg) +
                                      " --seed 3 --report " + report);
  INFO(r.all());
  CHECK(r.exit_code == 0);
  CHECK(r.all().find("outputs match the reference interpreter bit for bit") != std::string::npos);
  CHECK(r.all().find("kiln = SCALE-Sim + tiling + folds on every layer(s)") != std::string::npos);
  std::ifstream in(report);
  REQUIRE(in);
  const auto j = nlohmann::json::parse(in);
  std::remove(report.c_str());
  CHECK(j["totals"]["outputs_match_reference"] == true);
  return j;
}

}  // namespace

TEST_CASE("kiln run --topology: a weight-stationary 8x8 run matches the reference and accounts for SCALE-Sim's cycles",
          "[cli][topology]") {
  const auto j = run_topology("tiny.csv", "ws8.cfg");
  const auto& rows = j["scalesim"];
  REQUIRE(rows.size() == 5);
  // SCALE-Sim's compute cycles, by hand: folds x (2R + C + M - 2) - 1 on the 8x8 array.
  CHECK(rows[0]["scalesim_compute_cycles"] == 27 * 122 - 1);  // M 100, N 24, K 72: 9 x 3 folds
  CHECK(rows[1]["scalesim_compute_cycles"] == 40 * 42 - 1);   // M 20, N 32, K 80: 10 x 4 folds
  CHECK(rows[2]["scalesim_compute_cycles"] == 5 * 47 - 1);    // M 25, N 8, K 40
  CHECK(rows[3]["scalesim_compute_cycles"] == 16 * (2 * 86 - 1));  // depthwise: 16 channels of M 64, N 1, K 9
  CHECK(rows[4]["scalesim_compute_cycles"] == 16 * 23 - 1);   // M 1, N 10, K 64: 8 x 2 folds
  for (const auto& r : rows) {
    INFO(r.dump());
    CHECK(r["explained"] == true);
    CHECK(r["kiln_array_cycles"] == r["kiln_closed_form_cycles"]);
    CHECK(r["kiln_array_cycles"].get<int64_t>() ==
          r["scalesim_compute_cycles"].get<int64_t>() + r["tiling_cycles"].get<int64_t>() +
              r["fold_cycles"].get<int64_t>());
    CHECK(r["tiles"].get<int>() >= 1);
  }
  // 2 KiB SRAMs cut the first layer into several tiles: the tiling term is not zero
  // (each tile is a GEMM of its own, counted from 0 by SCALE-Sim's formula).
  CHECK(rows[0]["tiles"].get<int>() > 1);
  CHECK(rows[0]["tiling_cycles"].get<int64_t>() != 0);
  CHECK(j["soc"] == "tiny_ws8");
}

TEST_CASE("kiln run --topology: output- and input-stationary and a GEMM file", "[cli][topology]") {
  const auto os = run_topology("tiny.csv", "os8.cfg");
  CHECK(os["scalesim"][2]["scalesim_compute_cycles"] == 4 * (8 + 8 + 40 - 2) - 1);  // M 25 -> 4 folds of K 40
  const auto is = run_topology("tiny.csv", "is8.cfg");
  CHECK(is["scalesim"][2]["scalesim_compute_cycles"] == 5 * 4 * (16 + 8 + 8 - 2) - 1);  // K 40 x M 25 folds, N 8
  const auto g = run_topology("gemm.csv", "ws8.cfg");
  CHECK(g["scalesim"][0]["scalesim_compute_cycles"] == 5 * 3 * (16 + 8 + 20 - 2) - 1);  // K 40 x N 24 folds, M 20
}

TEST_CASE("kiln run --topology refuses bad files and flags with one located line", "[cli][topology]") {
  const std::string cfg = tmp_path("bad.cfg");
  {
    std::ofstream out(cfg);
    out << "[architecture_presets]\nArrayHeight: 8\nArrayWidth: 8\nIfmapSramSzkB: 2\nFilterSramSzkB: 2\n"
           "OfmapSramSzkB: 2\nDataflow: rs\n";
  }
  auto r = kiln::test::run_kiln("run --topology " + kiln::test::data_path("scalesim/tiny.csv") + " --scalesim-config " + cfg);
  CHECK(r.exit_code == 1);
  CHECK(r.all().find(cfg + ":7:11: Dataflow must be ws, os or is, got 'rs'") != std::string::npos);
  std::remove(cfg.c_str());
  r = kiln::test::run_kiln("run workloads/resnet8.onnx --topology " + kiln::test::data_path("scalesim/tiny.csv"));
  CHECK(r.exit_code == 1);
  CHECK(r.all().find("give either a model") != std::string::npos);
  r = kiln::test::run_kiln("run --scalesim-config " + kiln::test::data_path("scalesim/ws8.cfg"));
  CHECK(r.exit_code == 1);
  CHECK(r.all().find("--scalesim-config needs --topology") != std::string::npos);
}
