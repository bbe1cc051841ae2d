// `kiln run` on configs/soc/default-vector.yaml (the default SoC with the
// NPU's vector unit): the MLPerf Tiny models stay bit for bit with the
// reference interpreter, ResNet-8's residual adds run on the vector unit, and
// its latency is less than half of the default SoC's, where they run on the MCU;
// the models' average pools run on it too, in channel chunks when the
// scratchpads are small, and the unit's energy and area are reported.
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
  size_t vector_layers = 0, add_layers_on_mcu = 0, pools_on_vector = 0, depthwise_on_vector = 0, depthwise = 0;
  double vector_uj = 0, vector_mm2 = 0;
  uint64_t vector_rescales = 0, vector_adds = 0;
  std::string pool_tiling;
};

// Runs the model with a JSON report; the run must match the reference.
// `soc`: a shipped config's name, or a path.
Report run_model(const std::string& model, const std::string& soc) {
  const char* dir = std::getenv("TMPDIR");
  const std::string report = std::string(dir ? dir : "/tmp") + "/kiln_test_vector_" + std::to_string(getpid()) + ".json";
  const kiln::test::CliRun r =
      kiln::test::run_kiln("run " + model + " --soc " +
                           (soc.find('/') != std::string::npos ? soc : kiln::test::config_path(soc)) +
                           " --seed 3 --report " + report);
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
    out.pools_on_vector += l["unit"] == "vector" && l["op"] == "avg_pool";
    out.depthwise += l["op"] == "depthwise_conv2d";
    out.depthwise_on_vector += l["unit"] == "vector" && l["op"] == "depthwise_conv2d";
    if (l["op"] == "avg_pool") out.pool_tiling = l["tiling"].get<std::string>();
  }
  out.vector_uj = j["energy"]["components"]["vector"]["total_uj"].get<double>();
  out.vector_mm2 = j["area"]["components_mm2"]["vector"].get<double>();
  out.vector_rescales = j["energy"]["actions"]["vector"]["rescales"].get<uint64_t>();
  out.vector_adds = j["energy"]["actions"]["vector"]["adds"].get<uint64_t>();
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
  CHECK(vector.vector_layers == 4);  // the three adds and the average pool
  CHECK(vector.pools_on_vector == 1);
  CHECK(vector.add_layers_on_mcu == 0);
  // The default SoC prices no vector unit; default-vector its 16 lanes of horowitz45.
  CHECK(mcu.vector_uj == 0);
  CHECK(mcu.vector_mm2 == 0);
  CHECK(mcu.vector_adds == 0);
  CHECK(vector.vector_mm2 == Approx(16 * 20453e-6));
  CHECK(vector.vector_rescales > 0);
  CHECK(vector.vector_uj > 0);
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
    if (exists(model)) CHECK(run_model(model, "default-vector").pools_on_vector == 1);
  }
}

// Depthwise convolutions go where the models predict them fastest: DS-CNN's
// four 25x5x64 layers on the vector unit (vdwconv), MobileNetV1's first two
// (8 and 16 channels, the lanes half used or less) on the array and the
// other eleven on the unit; both faster than on the default SoC's array
// alone, bit for bit.
TEST_CASE("vector unit: depthwise convolutions run on it where it is faster than the array, bit for bit", "[run]") {
  const Report dscnn = run_model(kiln::test::source_dir() + "/workloads/dscnn_kws.onnx", "default-vector");
  CHECK(dscnn.depthwise == 4);
  CHECK(dscnn.depthwise_on_vector == 4);
  const Report mobilenet =
      run_model(kiln::test::source_dir() + "/workloads/mobilenet_v1_025_vww.onnx", "default-vector");
  CHECK(mobilenet.depthwise == 13);
  CHECK(mobilenet.depthwise_on_vector == 11);
  CHECK(run_model(kiln::test::source_dir() + "/workloads/dscnn_kws.onnx", "default").latency > dscnn.latency);
  CHECK(run_model(kiln::test::source_dir() + "/workloads/mobilenet_v1_025_vww.onnx", "default").latency >
        mobilenet.latency);
  // A strided single-operator model lands on it too.
  const Report strided =
      run_model(kiln::test::source_dir() + "/tests/data/models/tflite/depthwise_stride2_valid_relu6.tflite",
                "default-vector");
  CHECK(strided.depthwise_on_vector == 1);
}

// With a 4 KiB input buffer a slot holds 2 KiB: DS-CNN's 25x5x64 average pool
// runs as four chunks of 16 channels, loaded and stored with strided DMA.
TEST_CASE("vector unit: a pool larger than a slot runs in channel chunks, bit for bit", "[run]") {
  const char* dir = std::getenv("TMPDIR");
  const std::string soc = std::string(dir ? dir : "/tmp") + "/kiln_test_small_input_" + std::to_string(getpid()) + ".yaml";
  {
    std::ifstream in(kiln::test::config_path("default-vector"));
    std::ofstream out(soc);
    std::string line;
    while (std::getline(in, line)) {
      if (line.find("input:  {size_kib: 64") != std::string::npos) line = "    input:  {size_kib: 4, banks: 2}";
      out << line << "\n";
    }
  }
  const Report r = run_model(kiln::test::source_dir() + "/workloads/dscnn_kws.onnx", soc);
  std::remove(soc.c_str());
  CHECK(r.pools_on_vector == 1);
  CHECK(r.pool_tiling == "vector: 4 chunk(s) of 16 channels");
}

// The single-operator models of the ops the unit runs: on it, bit for bit.
TEST_CASE("vector unit: pooling, requantize, mean, maximum and minimum models run on it bit for bit", "[run]") {
  struct Case {
    const char* model;
    size_t vector_layers;
  };
  for (const Case c : {Case{"avg_pool_3x3_same", 1}, Case{"max_pool_3x3_stride2_same", 1}, Case{"quantize_rescale", 1},
                       Case{"mean_over_hw", 1}, Case{"mean_over_hw_without_keep_dims", 1},
                       Case{"maximum_with_avg_pool", 2}, Case{"minimum_with_avg_pool", 2}}) {
    INFO(c.model);
    const Report r = run_model(kiln::test::source_dir() + "/tests/data/models/tflite/" + c.model + ".tflite",
                               "default-vector");
    CHECK(r.vector_layers == c.vector_layers);
  }
}

// SUB and MUL of two activations (vsub, vmul), MUL by a repeating operand
// (a squeeze-and-excite gate, constants per channel and scalar) and the
// unary functions as tables (vlut): on the unit, bit for bit (kiln run checks
// the simulation against the reference interpreter); a SUB of a repeating
// operand stays on the MCU.
TEST_CASE("vector unit: sub, mul and table models run on it bit for bit", "[run]") {
  struct Case {
    const char* model;
    size_t vector_layers;
  };
  for (const Case c : {Case{"sub_two_scales_relu", 1}, Case{"mul_two_activations_relu6", 1}, Case{"logistic", 1},
                       Case{"tanh", 1}, Case{"hard_swish", 1}, Case{"leaky_relu", 1}, Case{"elu", 1},
                       Case{"mul_squeeze_excite", 3}, Case{"mul_per_channel_constant", 1},
                       Case{"mul_scalar_constant_relu", 1}, Case{"sub_mean_per_channel", 1}}) {
    INFO(c.model);
    const Report r = run_model(kiln::test::source_dir() + "/tests/data/models/tflite/" + c.model + ".tflite",
                               "default-vector");
    CHECK(r.vector_layers == c.vector_layers);
  }
}
