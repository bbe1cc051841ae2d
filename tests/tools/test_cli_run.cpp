// `kiln run` end to end, as a user runs it: every bundled and MLPerf Tiny model
// compiled for an SoC, simulated, and checked bit for bit against the reference
// interpreter (the tool exits 2 on any mismatch); the JSON report; bad inputs.
#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "tests/support/kiln_cli.h"
#include "tests/support/test_paths.h"

namespace {

struct Run {
  int exit_code = -1;
  std::string out;  // stdout and stderr
};

Run run(const std::string& args) {
  const kiln::test::CliRun r = kiln::test::run_kiln(args);
  return {r.exit_code, r.all()};
}

bool exists(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0;
}

std::string tmp_path(const std::string& name) {
  const char* dir = std::getenv("TMPDIR");
  return std::string(dir ? dir : "/tmp") + "/kiln_test_run_" + std::to_string(getpid()) + "_" + name;
}

// Runs one model on one SoC with two seeds; each must match the reference.
void check_model(const std::string& model, const std::string& soc) {
  if (!exists(model)) {
    WARN("skipped: " << model << " is absent (../shared/workloads is not beside the checkout)");
    return;
  }
  for (int seed : {1, 2}) {
    const std::string report = tmp_path("report.json");
    const Run r = run("run " + model + " --soc " + kiln::test::config_path(soc) + " --seed " + std::to_string(seed) +
                      " --report " + report);
    INFO(r.out);
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("outputs match the reference interpreter bit for bit") != std::string::npos);
    std::ifstream in(report);
    REQUIRE(in);
    const auto j = nlohmann::json::parse(in);
    CHECK(j["totals"]["outputs_match_reference"] == true);
    CHECK(j["totals"]["latency_cycles"].get<uint64_t>() > 0);
    // Every NPU layer reports simulated cycles no smaller than its roofline bound.
    for (const auto& l : j["layers"])
      if (l["unit"] == "npu") CHECK(l["simulated_cycles"].get<double>() >= l["roofline_cycles"].get<double>());
    std::remove(report.c_str());
  }
}

std::string bundled(const std::string& name) { return kiln::test::source_dir() + "/workloads/" + name; }
std::string mlperf(const std::string& name) { return kiln::test::shared_workload("mlperf-tiny/" + name); }

const char* kModels[] = {"resnet8.onnx", "dscnn_kws.onnx", "mobilenet_v1_025_vww.onnx", "fc_autoencoder.onnx"};
const char* kMlperf[] = {"pretrainedResnet_quant.tflite", "kws_ref_model.tflite", "vww_96_int8.tflite",
                         "ad01_int8.tflite", "str_ww_ref_model.tflite"};

}  // namespace

TEST_CASE("run: bundled ResNet-8 on the default SoC", "[run]") { check_model(bundled("resnet8.onnx"), "default"); }
TEST_CASE("run: bundled DS-CNN on the default SoC", "[run]") { check_model(bundled("dscnn_kws.onnx"), "default"); }
TEST_CASE("run: bundled MobileNetV1 on the default SoC", "[run]") {
  check_model(bundled("mobilenet_v1_025_vww.onnx"), "default");
}
TEST_CASE("run: bundled FC autoencoder on the default SoC", "[run]") {
  check_model(bundled("fc_autoencoder.onnx"), "default");
}
TEST_CASE("run: MLPerf Tiny ResNet-8 on the default SoC", "[run]") {
  check_model(mlperf("pretrainedResnet_quant.tflite"), "default");
}
TEST_CASE("run: MLPerf Tiny DS-CNN on the default SoC", "[run]") { check_model(mlperf("kws_ref_model.tflite"), "default"); }
TEST_CASE("run: MLPerf Tiny VWW on the default SoC", "[run]") { check_model(mlperf("vww_96_int8.tflite"), "default"); }
TEST_CASE("run: MLPerf Tiny autoencoder on the default SoC", "[run]") { check_model(mlperf("ad01_int8.tflite"), "default"); }
TEST_CASE("run: MLPerf Tiny streaming wake word on the default SoC", "[run]") {
  check_model(mlperf("str_ww_ref_model.tflite"), "default");
}

// Every model on the small and large SoCs: run on purpose with the label "slow".
TEST_CASE("run: every model on the small and large SoCs", "[.slow]") {
  for (const char* soc : {"small", "large"}) {
    for (const char* m : kModels) check_model(bundled(m), soc);
    for (const char* m : kMlperf) check_model(mlperf(m), soc);
  }
}

TEST_CASE("run: with no arguments runs the bundled ResNet-8 on the default SoC", "[run]") {
  const Run r = run("run --seed 7");
  INFO(r.out);
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("conv2d") != std::string::npos);
  CHECK(r.out.find("bit for bit") != std::string::npos);
}

TEST_CASE("run: the same input twice gives the same cycles", "[run]") {
  const Run a = run("run --seed 5"), b = run("run --seed 5");
  std::smatch ma, mb;
  const std::regex latency("latency +([0-9]+) NPU cycles");
  REQUIRE(std::regex_search(a.out, ma, latency));
  REQUIRE(std::regex_search(b.out, mb, latency));
  CHECK(ma[1] == mb[1]);
}

TEST_CASE("run: a file that is not a model gets a one-line error", "[run]") {
  const std::string bad = tmp_path("bad.tflite");
  std::ofstream(bad) << "this is not a flatbuffer";
  const Run r = run("run " + bad);
  CHECK(r.exit_code == 1);
  CHECK(r.out.find(bad) != std::string::npos);
  CHECK(std::count(r.out.begin(), r.out.end(), '\n') == 1);
  std::remove(bad.c_str());
}

TEST_CASE("run: a model whose activations exceed the SRAM is refused with the sizes", "[run]") {
  std::ifstream in(kiln::test::config_path("default"));
  std::stringstream yaml;
  yaml << in.rdbuf();
  std::string text = std::regex_replace(yaml.str(), std::regex("size_kib: 512"), "size_kib: 16");
  const std::string soc = tmp_path("tiny_sram.yaml");
  std::ofstream(soc) << text;
  const Run r = run("run " + bundled("mobilenet_v1_025_vww.onnx") + " --soc " + soc);
  INFO(r.out);
  CHECK(r.exit_code == 1);
  CHECK(r.out.find("activations need") != std::string::npos);
  CHECK(r.out.find("16384 bytes") != std::string::npos);
  std::remove(soc.c_str());
}

TEST_CASE("run: a model whose weights exceed the flash is refused with the sizes", "[run]") {
  std::ifstream in(kiln::test::config_path("default"));
  std::stringstream yaml;
  yaml << in.rdbuf();
  REQUIRE(yaml.str().find("size_kib: 1024") != std::string::npos);  // the flash
  const std::string text = std::regex_replace(yaml.str(), std::regex("size_kib: 1024"), "size_kib: 32");
  const std::string soc = tmp_path("tiny_flash.yaml");
  std::ofstream(soc) << text;
  const Run r = run("run " + bundled("resnet8.onnx") + " --soc " + soc);
  INFO(r.out);
  CHECK(r.exit_code == 1);
  CHECK(r.out.find("weights and command stream need") != std::string::npos);
  CHECK(r.out.find("32768 bytes") != std::string::npos);
  CHECK(std::count(r.out.begin(), r.out.end(), '\n') == 1);
  std::remove(soc.c_str());
}

TEST_CASE("run --mcu-only: every layer on the MCU, the same output as with the NPU", "[run]") {
  const std::string a = tmp_path("npu.npy"), b = tmp_path("mcu.npy"), report = tmp_path("mcu.json");
  const std::string model = bundled("dscnn_kws.onnx");
  const Run npu = run("run " + model + " --seed 3 --output " + a);
  const Run mcu = run("run " + model + " --seed 3 --mcu-only --output " + b + " --report " + report);
  INFO(mcu.out);
  REQUIRE(npu.exit_code == 0);
  REQUIRE(mcu.exit_code == 0);
  std::ifstream in(report);
  REQUIRE(in);
  const auto j = nlohmann::json::parse(in);
  size_t on_mcu = 0;
  for (const auto& l : j["layers"]) {
    CHECK(l["unit"] != "npu");
    on_mcu += l["unit"] == "mcu";
  }
  CHECK(on_mcu >= 10);
  auto bytes = [](const std::string& p) {
    std::ifstream f(p, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(f), {});
  };
  CHECK(bytes(a) == bytes(b));
  CHECK_FALSE(bytes(a).empty());
  // Software only is slower than with the array.
  CHECK(j["totals"]["latency_cycles"].get<uint64_t>() > 100000);
  for (const auto& p : {a, b, report}) std::remove(p.c_str());
  CHECK(run("run --topology x.csv --mcu-only").out.find("--mcu-only applies to models") != std::string::npos);
}
