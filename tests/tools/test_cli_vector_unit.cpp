// `kiln run` on configs/soc/default-vector.yaml (the default SoC with the
// NPU's vector unit): the MLPerf Tiny models stay bit for bit with the
// reference interpreter, ResNet-8's residual adds run on the vector unit, and
// its latency is less than half of the default SoC's, where they run on the MCU.
#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include <nlohmann/json.hpp>

#include "tests/support/kiln_cli.h"
#include "tests/support/test_paths.h"

namespace {

bool exists(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0;
}

struct Report {
  uint64_t latency = 0;
  size_t vector_layers = 0, add_layers_on_mcu = 0;
};

// Runs the model with a JSON report; the run must match the reference.
Report run_model(const std::string& model, const std::string& soc) {
  const char* dir = std::getenv("TMPDIR");
  const std::string report = std::string(dir ? dir : "/tmp") + "/kiln_test_vector_" + std::to_string(getpid()) + ".json";
  const kiln::test::CliRun r =
      kiln::test::run_kiln("run " + model + " --soc " + kiln::test::config_path(soc) + " --seed 3 --report " + report);
  INFO(r.all());
  REQUIRE(r.exit_code == 0);
  CHECK(r.all().find("outputs match the reference interpreter bit for bit") != std::string::npos);
  std::ifstream in(report);
  REQUIRE(in);
  const auto j = nlohmann::json::parse(in);
  std::remove(report.c_str());
  Report out;
  out.latency = j["totals"]["latency_cycles"].get<uint64_t>();
  for (const auto& l : j["layers"]) {
    out.vector_layers += l["unit"] == "vector";
    out.add_layers_on_mcu += l["unit"] == "mcu" && l["op"] == "add";
  }
  return out;
}

void check_resnet8(const std::string& model) {
  if (!exists(model)) {
    WARN("skipped: " << model << " is absent (../shared/workloads is not beside the checkout)");
    return;
  }
  const Report mcu = run_model(model, "default"), vector = run_model(model, "default-vector");
  CHECK(mcu.vector_layers == 0);
  CHECK(mcu.add_layers_on_mcu == 3);
  CHECK(vector.vector_layers == 3);
  CHECK(vector.add_layers_on_mcu == 0);
  INFO("default " << mcu.latency << " cycles, default-vector " << vector.latency << " cycles");
  CHECK(vector.latency * 2 < mcu.latency);
}

}  // namespace

TEST_CASE("vector unit: bundled ResNet-8's adds run on it, bit for bit, in less than half the time", "[run]") {
  check_resnet8(kiln::test::source_dir() + "/workloads/resnet8.onnx");
}

TEST_CASE("vector unit: MLPerf Tiny ResNet-8's adds run on it, bit for bit, in less than half the time", "[run]") {
  check_resnet8(kiln::test::shared_workload("mlperf-tiny/pretrainedResnet_quant.tflite"));
}

TEST_CASE("vector unit: DS-CNN and MobileNetV1 stay bit for bit on the SoC with the vector unit", "[run]") {
  for (const std::string& model : {kiln::test::shared_workload("mlperf-tiny/kws_ref_model.tflite"),
                                  kiln::test::shared_workload("mlperf-tiny/vww_96_int8.tflite"),
                                  kiln::test::source_dir() + "/workloads/dscnn_kws.onnx",
                                  kiln::test::source_dir() + "/workloads/mobilenet_v1_025_vww.onnx"}) {
    INFO(model);
    if (exists(model)) run_model(model, "default-vector");
  }
}
