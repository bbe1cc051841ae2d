// `kiln tune` end to end on the bundled FC autoencoder (the MLPerf Tiny
// anomaly-detection network): the tuned latency is never worse than the
// analytic choice, the calibrated cost model errs less than the analytic one
// on what was measured, the record reproduces the tuned latency exactly
// through `kiln run --tuning`, and it is refused for another model, another
// SoC or a broken file.
#include <catch2/catch.hpp>

#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "tests/support/kiln_cli.h"
#include "tests/support/test_paths.h"

using kiln::test::CliRun;
using kiln::test::run_kiln;
using kiln::test::slurp;
using kiln::test::TempDir;

namespace {

std::string model(const std::string& name) { return kiln::test::source_dir() + "/workloads/" + name; }

// A quick tuning record (4 simulations) for `name`, and the report of running
// it as tuned (dir/plain.json): the baseline an edited record is compared with.
nlohmann::json quick_record_and_run(const TempDir& dir, const std::string& name, int seed) {
  const std::string record = dir.file(name + ".tuning.json");
  REQUIRE(run_kiln("tune " + model(name) + " -j 2 --budget 4 -o " + record).exit_code == 0);
  REQUIRE(run_kiln("run " + model(name) + " --seed " + std::to_string(seed) + " --tuning " + record + " --report " +
                   dir.file("plain.json"))
              .exit_code == 0);
  return nlohmann::json::parse(slurp(record));
}

// Runs `name` with the edited record `j` (saved as dir/<label>.json); checks
// it ran and matched the reference bit for bit; returns its report.
nlohmann::json run_edited_record(const TempDir& dir, const std::string& name, int seed, const nlohmann::json& j,
                                 const std::string& label) {
  std::ofstream(dir.file(label + ".json")) << j.dump(2);
  const CliRun run = run_kiln("run " + model(name) + " --seed " + std::to_string(seed) + " --tuning " +
                              dir.file(label + ".json") + " --report " + dir.file(label + "_report.json"));
  INFO(run.all());
  REQUIRE(run.exit_code == 0);
  CHECK(run.out.find("outputs match the reference interpreter bit for bit") != std::string::npos);
  return nlohmann::json::parse(slurp(dir.file(label + "_report.json")));
}

}  // namespace

TEST_CASE("kiln tune: never worse than the analytic choice, calibration lowers the error, the record reproduces",
          "[tune]") {
  TempDir dir;
  const std::string record = dir.file("ae.tuning.json");
  const CliRun t = run_kiln("tune " + model("fc_autoencoder.onnx") + " -j 2 --budget 16 -o " + record);
  INFO(t.all());
  REQUIRE(t.exit_code == 0);
  CHECK(t.out.find("round  0") != std::string::npos);
  CHECK(t.out.find("cost-model MAE") != std::string::npos);
  const auto r = nlohmann::json::parse(slurp(record));
  const uint64_t analytic = r["latency_cycles"]["analytic"], tuned = r["latency_cycles"]["tuned"];
  CHECK(tuned <= analytic);
  CHECK(r["simulations"].get<unsigned>() <= 16u);
  CHECK(r["cost_model_mae_cycles"]["after"].get<double>() < r["cost_model_mae_cycles"]["before"].get<double>());
  REQUIRE(r["layers"].size() == 10);  // the ten fully connected layers run on the NPU
  for (const auto& l : r["layers"]) {
    CHECK(l["tuned_cycles"].get<double>() >= l["roofline_cycles"].get<double>());
    CHECK(!l["gap_cause"].get<std::string>().empty());
  }

  // The record gives the tuned latency exactly, and the outputs still match the reference.
  const CliRun run = run_kiln("run " + model("fc_autoencoder.onnx") + " --seed 9 --tuning " + record + " --report " +
                              dir.file("run.json"));
  INFO(run.all());
  REQUIRE(run.exit_code == 0);
  CHECK(run.out.find("outputs match the reference interpreter bit for bit") != std::string::npos);
  const auto rep = nlohmann::json::parse(slurp(dir.file("run.json")));
  CHECK(rep["totals"]["latency_cycles"].get<uint64_t>() == tuned);
  // Each layer follows its recorded tiling.
  for (const auto& l : r["layers"])
    CHECK(rep["layers"][l["op"].get<size_t>()]["tiling"] == l["tuned"]["text"]);

  // kiln compile takes the record too, and its program differs from the analytic one when the tiling changed.
  REQUIRE(run_kiln("compile " + model("fc_autoencoder.onnx") + " --tuning " + record + " -o " + dir.file("t.kbin"))
              .exit_code == 0);
  REQUIRE(run_kiln("compile " + model("fc_autoencoder.onnx") + " -o " + dir.file("a.kbin")).exit_code == 0);
  CHECK((slurp(dir.file("t.kbin")) != slurp(dir.file("a.kbin"))) == (tuned != analytic));
}

TEST_CASE("kiln run --tuning: a record for another model, another SoC or a broken file is refused", "[tune]") {
  TempDir dir;
  const std::string record = dir.file("ae.tuning.json");
  REQUIRE(run_kiln("tune " + model("fc_autoencoder.onnx") + " -j 2 --budget 4 -o " + record).exit_code == 0);

  const CliRun other_model = run_kiln("run " + model("resnet8.onnx") + " --seed 1 --tuning " + record);
  CHECK(other_model.exit_code == 1);
  CHECK(other_model.err.find("this tuning record is for model") != std::string::npos);
  CHECK(other_model.err.find("fc_autoencoder.onnx") != std::string::npos);

  const CliRun other_soc = run_kiln("run " + model("fc_autoencoder.onnx") + " --seed 1 --soc " +
                                    kiln::test::config_path("small") + " --tuning " + record);
  CHECK(other_soc.exit_code == 1);
  CHECK(other_soc.err.find("this tuning record is for SoC 'default'") != std::string::npos);

  // The same hardware under another name is the same SoC.
  std::string soc = slurp(kiln::test::config_path("default"));
  soc.replace(soc.find("name: default"), 13, "name: renamed");
  std::ofstream(dir.file("renamed.yaml")) << soc;
  const CliRun renamed = run_kiln("run " + model("fc_autoencoder.onnx") + " --seed 1 --soc " + dir.file("renamed.yaml") +
                                  " --tuning " + record);
  CHECK(renamed.exit_code == 0);

  auto j = nlohmann::json::parse(slurp(record));
  j["layers"][0]["tuned"]["rows"] = "two";
  std::ofstream(dir.file("bad.json")) << j.dump(2);
  const CliRun bad = run_kiln("run " + model("fc_autoencoder.onnx") + " --seed 1 --tuning " + dir.file("bad.json"));
  CHECK(bad.exit_code == 1);
  CHECK(bad.err.find("bad.json: layers[0].tuned.rows: expected an integer") != std::string::npos);

  // A tiling that does not fit the SoC is refused naming the op: the first
  // layer's whole 640x128 weight matrix is larger than a 32 KiB weight slot.
  j = nlohmann::json::parse(slurp(record));
  j["layers"][0]["tuned"]["out_c"] = 100000;
  j["layers"][0]["tuned"]["in_c"] = 100000;
  std::ofstream(dir.file("big.json")) << j.dump(2);
  const CliRun big = run_kiln("run " + model("fc_autoencoder.onnx") + " --seed 1 --tuning " + dir.file("big.json"));
  CHECK(big.exit_code == 1);
  CHECK(big.err.find("does not fit default: weight tile needs") != std::string::npos);
  // ... and against the record's field that chose it, first.
  CHECK(big.err.find("kiln: error: " + dir.file("big.json") + ": layers[0].tuned: ") == 0);

  const CliRun missing = run_kiln("compile " + model("fc_autoencoder.onnx") + " -o " + dir.file("x.kbin") +
                                  " --tuning " + dir.file("none.json"));
  CHECK(missing.exit_code == 1);
  CHECK(missing.err.find("none.json: cannot open the tuning record") != std::string::npos);
}

TEST_CASE("kiln run --tuning: cascaded layers compute the reference bit for bit and move less, bad pairs are refused",
          "[tune]") {
  TempDir dir;
  // ResNet-8's conv_a -> conv_b of each stage (ops 1-2, 4-5, 8-9): nothing else reads conv_a's output.
  auto j = quick_record_and_run(dir, "resnet8.onnx", 4);
  for (auto& l : j["layers"]) {
    const int op = l["op"];
    l["tuned"]["cascade"]["output_resident"] = op == 1 || op == 4 || op == 8;
    l["tuned"]["cascade"]["input_resident"] = op == 2 || op == 5 || op == 9;
  }
  const auto fused = run_edited_record(dir, "resnet8.onnx", 4, j, "cascade");
  const auto plain = nlohmann::json::parse(slurp(dir.file("plain.json")));
  for (int op : {1, 2, 4, 5, 8, 9})
    CHECK(fused["layers"][op]["bytes_moved"].get<uint64_t>() < plain["layers"][op]["bytes_moved"].get<uint64_t>());
  CHECK(fused["layers"][1]["tiling"].get<std::string>().find("out:spm") != std::string::npos);
  CHECK(fused["layers"][2]["tiling"].get<std::string>().find("in:spm") != std::string::npos);

  // conv0's output also feeds the residual add: it cannot stay in the scratchpad.
  for (auto& l : j["layers"]) {
    l["tuned"]["cascade"]["output_resident"] = l["op"] == 0;
    l["tuned"]["cascade"]["input_resident"] = l["op"] == 1;
  }
  std::ofstream(dir.file("bad.json")) << j.dump(2);
  const CliRun bad = run_kiln("run " + model("resnet8.onnx") + " --seed 4 --tuning " + dir.file("bad.json"));
  CHECK(bad.exit_code == 1);
  CHECK(bad.err.find("its output is chosen to stay in the input scratchpad, but") != std::string::npos);
  CHECK(bad.err.find("reads it too") != std::string::npos);
}

TEST_CASE("kiln run --tuning: a chain of nine cascaded layers computes the reference bit for bit", "[tune]") {
  TempDir dir;
  // DS-CNN's conv0 -> dw0 -> pw0 -> ... -> pw3 (ops 0-8): every tensor between them stays on chip.
  auto j = quick_record_and_run(dir, "dscnn_kws.onnx", 5);
  for (auto& l : j["layers"]) {
    const int op = l["op"];
    l["tuned"]["cascade"]["output_resident"] = op <= 7;
    l["tuned"]["cascade"]["input_resident"] = op >= 1 && op <= 8;
    // Full-width tiles, K unsplit: what a resident tensor needs.
    if (op <= 8) l["tuned"]["cols"] = 5;
    if (op <= 8 && op % 2 == 0) l["tuned"]["in_c"] = 64;  // depthwise layers (odd ops) keep in_c == out_c
  }
  const auto chain = run_edited_record(dir, "dscnn_kws.onnx", 5, j, "chain");
  const auto plain = nlohmann::json::parse(slurp(dir.file("plain.json")));
  for (int op = 0; op <= 8; ++op)
    CHECK(chain["layers"][op]["bytes_moved"].get<uint64_t>() < plain["layers"][op]["bytes_moved"].get<uint64_t>());
  for (int op = 1; op <= 7; ++op)
    CHECK(chain["layers"][op]["tiling"].get<std::string>().find("in:spm out:spm") != std::string::npos);
  CHECK(chain["totals"]["latency_cycles"].get<uint64_t>() < plain["totals"]["latency_cycles"].get<uint64_t>());
}

TEST_CASE("kiln run --tuning: resident weights, partly prefetched, compute the reference bit for bit", "[tune]") {
  TempDir dir;
  auto j = quick_record_and_run(dir, "dscnn_kws.onnx", 6);
  for (size_t i = 0; i < j["layers"].size(); ++i) {
    j["layers"][i]["tuned"]["weights_resident"] = true;
    j["layers"][i]["tuned"]["prefetch_weights"] = i > 0;
    j["layers"][i]["tuned"]["prefetch_chunks"] = i % 3;  // 0: all of them
  }
  const auto report = run_edited_record(dir, "dscnn_kws.onnx", 6, j, "resident");
  CHECK(report["layers"][1]["tiling"].get<std::string>().find("w:spm prefetch:1") != std::string::npos);
  CHECK(report["layers"][2]["tiling"].get<std::string>().find("w:spm prefetch:2") != std::string::npos);
  CHECK(report["layers"][3]["tiling"].get<std::string>().find("w:spm prefetch") != std::string::npos);
}

TEST_CASE("kiln run --tuning: prefetched weights compute the reference bit for bit and start layers sooner", "[tune]") {
  TempDir dir;
  const std::string record = dir.file("ds.tuning.json");
  REQUIRE(run_kiln("tune " + model("dscnn_kws.onnx") + " -j 2 --budget 4 -o " + record).exit_code == 0);
  auto j = nlohmann::json::parse(slurp(record));
  const auto with = [&](bool on, const std::string& name) {
    for (size_t i = 0; i < j["layers"].size(); ++i) j["layers"][i]["tuned"]["prefetch_weights"] = on && i > 0;
    std::ofstream(dir.file(name)) << j.dump(2);
    const CliRun run = run_kiln("run " + model("dscnn_kws.onnx") + " --seed 2 --tuning " + dir.file(name) +
                                " --report " + dir.file(name + ".report"));
    INFO(run.all());
    REQUIRE(run.exit_code == 0);
    CHECK(run.out.find("outputs match the reference interpreter bit for bit") != std::string::npos);
    return nlohmann::json::parse(slurp(dir.file(name + ".report")));
  };
  const auto off = with(false, "off.json"), on = with(true, "on.json");
  CHECK(on["totals"]["latency_cycles"].get<uint64_t>() < off["totals"]["latency_cycles"].get<uint64_t>());
  // The NPU layers together take less time (a layer's window now also holds
  // the next layer's prefetch, so single layers may grow).
  CHECK(on["totals"]["npu_simulated_cycles"].get<double>() < off["totals"]["npu_simulated_cycles"].get<double>());

  // The first NPU layer has nothing before it to prefetch during.
  j["layers"][0]["tuned"]["prefetch_weights"] = true;
  std::ofstream(dir.file("first.json")) << j.dump(2);
  const CliRun first = run_kiln("run " + model("dscnn_kws.onnx") + " --seed 2 --tuning " + dir.file("first.json"));
  CHECK(first.exit_code == 1);
  CHECK(first.err.find("it is the first layer on the NPU") != std::string::npos);
}
