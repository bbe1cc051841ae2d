// The typed run report (explore/run_report.h): what to_json writes,
// from_json reads back to the same JSON, and a file it cannot read is an
// error naming the file and the JSON path of the field.
#include <catch2/catch.hpp>

#include <fstream>
#include <string>

#include <nlohmann/json.hpp>

#include "arch/error.h"
#include "explore/run_report.h"
#include "tests/support/kiln_cli.h"

using kiln::explore::RunReport;
using kiln::test::TempDir;

namespace {

// A report with every section, values of every kind (a depthwise SCALE-Sim
// row with negative differences, an MCU layer, a DRAM).
RunReport full_report() {
  RunReport r;
  r.model = "m.onnx";
  r.soc = "default";
  r.layers.push_back({"conv0", "CONV_2D", "npu", 1000, 512.5, 600, 0.6, 0.42, 4096, 400.25, "compute", "7x32x16 k3", "conv2d", 512});
  r.layers.push_back({"softmax", "SOFTMAX", "mcu", 0, 90, 120, 0.12, 0, 40, 80, "mcu", "", "softmax", 10});
  r.total_cycles = 720;
  r.total_us = 0.72;
  r.peak_sram_bytes = 9000;
  r.flash_bytes = 1234;
  r.stream_bytes = 640;
  r.npu_roofline_cycles = 400.25;
  r.npu_simulated_cycles = 600;
  r.outputs_match = true;
  r.wall_ms = kiln::explore::RunWallMs{1.5, 20.25, 3};
  r.array_engine = kiln::explore::RunArrayEngine{"tlm", 12, 480, 0.5};
  kiln::explore::RunEnergy e;
  e.technology = "horowitz45";
  e.technology_file = "/x/horowitz45.yaml";
  e.total_uj = 1.25, e.dynamic_uj = 1, e.leakage_uj = 0.25;
  e.components = {{"array", 0.5, 0.125, 0.625}, {"bus", 0.5, 0.125, 0.625}};
  e.actions.array_macs = 1000;
  e.actions.scratchpads[2] = {7, 8};
  e.actions.memories = {{"dram", "dram", {1, 2}}, {"sram", "sram", {3, 4}}};
  e.actions.npu_cycles = 720;
  r.energy = e;
  r.area = kiln::explore::RunArea{2.5, {{"array", 2}, {"bus", 0.5}}};
  r.scalesim = std::vector<kiln::explore::ScaleSimRow>{{"dw", 64, 1, 9, 8, 16, 310, 340, 320, -30, 20, "dma"}};
  return r;
}

}  // namespace

TEST_CASE("run report: from_json reads back every field to_json writes", "[explore]") {
  const nlohmann::json j = full_report();
  const RunReport back = j.get<RunReport>();
  CHECK(nlohmann::json(back) == j);
  CHECK(back.layers.at(1).kind == "SOFTMAX");
  CHECK(back.total_cycles == 720);
  REQUIRE(back.scalesim);
  CHECK(back.scalesim->at(0).tiling == -30);
  CHECK(back.scalesim->at(0).explained());  // 310 = 320 - 30 + 20
  REQUIRE(back.energy);
  CHECK(back.energy->actions.memories.at(1).traffic.write_bytes == 4);
  // The keys scripts and older sweeps read are where they were.
  CHECK(j.at("totals").at("latency_cycles") == 720);
  CHECK(j.at("totals").at("roofline_to_simulated") == Approx(400.25 / 600));
  CHECK(j.at("energy").at("total_uj") == 1.25);
  CHECK(j.at("area").at("total_mm2") == 2.5);
  CHECK(j.at("layers").at(0).at("op") == "CONV_2D");
}

TEST_CASE("run report: the sections kiln run adds after the totals may be absent", "[explore]") {
  RunReport r = full_report();
  r.wall_ms.reset(), r.array_engine.reset(), r.energy.reset(), r.area.reset(), r.scalesim.reset();
  const nlohmann::json j = r;
  CHECK_FALSE(j.contains("energy"));
  const RunReport back = j.get<RunReport>();
  CHECK_FALSE(back.energy);
  CHECK_FALSE(back.area);
  CHECK(nlohmann::json(back) == j);
}

TEST_CASE("run report: a layer without its MCU kernel fields (an older kiln's) reads as none", "[explore]") {
  nlohmann::json j = full_report();
  CHECK(j["layers"][0]["mcu_kernel"] == "conv2d");
  CHECK(j["layers"][0]["mcu_elements"] == 512);
  for (auto& l : j["layers"]) l.erase("mcu_kernel"), l.erase("mcu_elements");
  const RunReport back = j.get<RunReport>();
  CHECK(back.layers.at(0).mcu_kernel.empty());
  CHECK(back.layers.at(0).mcu_elements == 0);
}

TEST_CASE("run report: a field it cannot read is an error naming the file and the JSON path", "[explore]") {
  TempDir dir;
  nlohmann::json j = full_report();
  const auto fails_with = [&](const nlohmann::json& bad, const std::string& message) {
    const std::string path = dir.file("bad.json");
    std::ofstream(path) << bad.dump(2);
    CHECK_THROWS_WITH(kiln::explore::read_run_report(path), path + ": " + message);
  };
  nlohmann::json missing = j;
  missing["layers"][1].erase("simulated_cycles");
  fails_with(missing, "layers[1].simulated_cycles: expected an integer >= 0 (missing)");
  nlohmann::json wrong = j;
  wrong["totals"]["latency_us"] = "fast";
  fails_with(wrong, "totals.latency_us: expected a number");
  nlohmann::json energy = j;
  energy["energy"]["actions"]["memories"]["sram"].erase("kind");
  fails_with(energy, "energy.actions.memories.sram.kind: expected a string (missing)");
  nlohmann::json negative = j;
  negative["totals"]["latency_cycles"] = -1;
  fails_with(negative, "totals.latency_cycles: expected an integer >= 0");
  fails_with(nlohmann::json::array(), "expected an object");

  const std::string text = dir.file("text.json");
  std::ofstream(text) << "{\"model\": ";
  REQUIRE_THROWS_AS(kiln::explore::read_run_report(text), kiln::Error);
  CHECK_THROWS_WITH(kiln::explore::read_run_report(text), Catch::StartsWith(text + ": not JSON (byte "));
  CHECK_THROWS_WITH(kiln::explore::read_run_report(dir.file("none.json")),
                    Catch::Contains(dir.file("none.json")));
}
