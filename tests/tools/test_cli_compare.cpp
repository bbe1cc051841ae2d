// `kiln compare` end to end: models under deployment strategies on one SoC.
// The SoC here picks its MCU profile by file, so the strategies find the same
// core's other kernel libraries beside it: portable C costs twice CMSIS-NN's,
// which the latencies and speedups must show.
#include <catch2/catch.hpp>

#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <string>

#include "tests/support/kiln_cli.h"
#include "tests/support/optional_units.h"
#include "tests/support/test_paths.h"

using kiln::test::CliRun;
using kiln::test::file_exists;
using kiln::test::run_kiln;
using kiln::test::slurp;
using kiln::test::TempDir;

namespace {

std::string model(const std::string& name) { return kiln::test::source_dir() + "/workloads/" + name; }

// A profile of core "testcore" with every kernel's cost scaled by `scale`.
void write_profile(const TempDir& dir, const std::string& library, double scale, bool with_core_id = true) {
  std::string text = slurp(kiln::test::source_dir() + "/configs/mcu/generic-cm4-class.yaml");
  text = std::regex_replace(text, std::regex("name: generic-cm4-class"), "name: testcore-" + library);
  text = std::regex_replace(text, std::regex("core_id: cortex-m4"), with_core_id ? "core_id: testcore" : "");
  text = std::regex_replace(text, std::regex("library_id: hand-chosen"), "library_id: " + library);
  // Scale every number inside the cost maps ({fixed: 400, per_mac: 1.0, ...}).
  std::string out;
  std::smatch m;
  const std::regex number("(fixed|per_mac|per_element): ([0-9.]+)");
  auto begin = text.cbegin();
  while (std::regex_search(begin, text.cend(), m, number)) {
    out += std::string(begin, m[0].first) + m[1].str() + ": " + std::to_string(std::stod(m[2].str()) * scale);
    begin = m[0].second;
  }
  out += std::string(begin, text.cend());
  std::ofstream(dir.file("testcore-" + library + ".yaml")) << out;
}

// The default SoC with its MCU profile taken from `profile_file` in `dir`.
std::string write_soc(const TempDir& dir, const std::string& profile_file) {
  std::string text = slurp(kiln::test::config_path("default"));
  text = std::regex_replace(text, std::regex("profile: generic-cm4-class"), "profile: " + profile_file);
  std::ofstream(dir.file("soc.yaml")) << text;
  return dir.file("soc.yaml");
}

nlohmann::json run_of(const nlohmann::json& doc, const std::string& model, const std::string& strategy) {
  for (const auto& r : doc["runs"])
    if (r["model"] == model && r["strategy"] == strategy) return r;
  FAIL("no run " << model << " " << strategy);
  return {};
}

}  // namespace

TEST_CASE("kiln compare: software-only and NPU strategies, bit-exact, speedups, files, reuse", "[compare]") {
  TempDir dir;
  write_profile(dir, "cmsis-nn", 1.0);
  write_profile(dir, "portable-c", 2.0);
  const std::string soc = write_soc(dir, "testcore-cmsis-nn.yaml");
  const std::string out = dir.file("out");
  const std::string args = "compare " + model("dscnn_kws.onnx") + " " + model("fc_autoencoder.onnx") + " --soc " + soc +
                           " --strategy mcu-reference --strategy mcu-optimized --strategy npu -j 2 -o " + out;
  const CliRun first = run_kiln(args);
  INFO(first.all());
  REQUIRE(first.exit_code == 0);
  CHECK(first.out.find("every run's outputs match the reference interpreter bit for bit") != std::string::npos);
  CHECK(first.out.find("6 runs: 6 run, 0 reused") != std::string::npos);
  CHECK(first.out.find("dscnn_kws (") != std::string::npos);
  CHECK(file_exists(out + "/compare.csv"));
  CHECK(file_exists(out + "/compare.png"));
  CHECK(file_exists(out + "/compare.svg"));

  const auto doc = nlohmann::json::parse(slurp(out + "/compare.json"));
  CHECK(doc["baseline"] == "mcu-reference");
  for (const std::string m : {"dscnn_kws", "fc_autoencoder"}) {
    INFO(m);
    const auto ref = run_of(doc, m, "mcu-reference"), opt = run_of(doc, m, "mcu-optimized"), npu = run_of(doc, m, "npu");
    for (const auto& r : {ref, opt, npu}) CHECK(r["bit_exact"] == true);
    // Software only: every layer on the MCU; the NPU strategy puts work on the NPU.
    CHECK(ref["layers_on_mcu"] == ref["layers"]);
    CHECK(opt["layers_on_mcu"] == opt["layers"]);
    CHECK(ref["unit_share"]["mcu"].get<double>() == Approx(1.0));
    CHECK(npu["unit_share"]["npu"].get<double>() > 0.3);
    CHECK(ref["mcu_profile"].get<std::string>().find("testcore-portable-c.yaml") != std::string::npos);
    CHECK(opt["mcu_profile"].get<std::string>().find("testcore-cmsis-nn.yaml") != std::string::npos);
    // Twice the cost per kernel: the reference strategy is slower, and the
    // speedup column is the ratio of latencies against it.
    const double t_ref = ref["latency_ms"], t_opt = opt["latency_ms"], t_npu = npu["latency_ms"];
    CHECK(t_ref > 1.5 * t_opt);  // the kernels cost twice; memory and bus time do not
    CHECK(t_ref < 2.01 * t_opt);
    CHECK(ref["speedup"].get<double>() == Approx(1.0));
    CHECK(opt["speedup"].get<double>() == Approx(t_ref / t_opt).epsilon(1e-9));
    CHECK(npu["speedup"].get<double>() == Approx(t_ref / t_npu).epsilon(1e-9));
    CHECK(t_npu < t_opt);
    CHECK(ref["energy_uj"].get<double>() > 0);
    CHECK(ref["latency_mcu_cycles"].get<double>() == Approx(t_ref * 1e3 * 200).margin(1));
  }
  const std::string csv = slurp(out + "/compare.csv");
  CHECK(csv.rfind("model,strategy,mcu_profile,ok,bit_exact,", 0) == 0);
  CHECK(std::count(csv.begin(), csv.end(), '\n') == 7);

  // The same compare again reuses every run; a changed profile re-runs the
  // strategies that use it, and only those.
  const CliRun again = run_kiln(args + " --no-plot");
  INFO(again.all());
  REQUIRE(again.exit_code == 0);
  CHECK(again.out.find("6 runs: 0 run, 6 reused") != std::string::npos);
  CHECK(nlohmann::json::parse(slurp(out + "/compare.json"))["runs"][0]["latency_ms"] ==
        run_of(doc, "dscnn_kws", "mcu-reference")["latency_ms"]);
  write_profile(dir, "portable-c", 3.0);
  const CliRun changed = run_kiln(args + " --no-plot");
  INFO(changed.all());
  REQUIRE(changed.exit_code == 0);
  CHECK(changed.out.find("6 runs: 2 run, 4 reused") != std::string::npos);
  const auto doc3 = nlohmann::json::parse(slurp(out + "/compare.json"));
  CHECK(run_of(doc3, "dscnn_kws", "mcu-reference")["latency_ms"].get<double>() >
        1.4 * run_of(doc, "dscnn_kws", "mcu-reference")["latency_ms"].get<double>());
}

TEST_CASE("kiln compare: npu-tuned tunes once and reuses its record", "[compare]") {
  TempDir dir;
  write_profile(dir, "cmsis-nn", 1.0);
  const std::string soc = write_soc(dir, "testcore-cmsis-nn.yaml");
  const std::string args = "compare " + model("fc_autoencoder.onnx") + " --soc " + soc +
                           " --strategy npu --strategy npu-tuned --tune-budget 4 --no-plot -j 2 -o " + dir.file("out");
  const CliRun first = run_kiln(args);
  INFO(first.all());
  REQUIRE(first.exit_code == 0);
  CHECK(first.err.find("fc_autoencoder: tuning (budget 4 simulations)") != std::string::npos);
  CHECK(file_exists(dir.file("out/tuning/fc_autoencoder.tuning.json")));
  const auto doc = nlohmann::json::parse(slurp(dir.file("out/compare.json")));
  CHECK(doc["baseline"] == "npu");
  const auto npu = run_of(doc, "fc_autoencoder", "npu"), tuned = run_of(doc, "fc_autoencoder", "npu-tuned");
  CHECK(tuned["bit_exact"] == true);
  // kiln tune never keeps a tiling slower than the analytic one.
  CHECK(tuned["latency_ms"].get<double>() <= npu["latency_ms"].get<double>());
  const CliRun again = run_kiln(args);
  INFO(again.all());
  REQUIRE(again.exit_code == 0);
  CHECK(again.err.find("reusing tuning record") != std::string::npos);
  CHECK(again.out.find("2 runs: 0 run, 2 reused") != std::string::npos);
}

TEST_CASE("kiln compare: unknown strategies and profiles without a core are clear errors", "[compare]") {
  TempDir dir;
  const std::string m = model("fc_autoencoder.onnx");
  const CliRun unknown = run_kiln("compare " + m + " --strategy mcu-fastest -o " + dir.file("o1"));
  CHECK(unknown.exit_code == 1);
  CHECK(unknown.err.find("no deployment strategy 'mcu-fastest' (strategies: mcu-reference, mcu-optimized, npu, "
                         "npu-tuned, npu-vector)") != std::string::npos);

  write_profile(dir, "cmsis-nn", 1.0, false);
  const std::string soc = write_soc(dir, "testcore-cmsis-nn.yaml");
  const CliRun no_core = run_kiln("compare " + m + " --soc " + soc + " --strategy mcu-optimized -o " + dir.file("o2"));
  CHECK(no_core.exit_code == 1);
  CHECK(no_core.err.find("testcore-cmsis-nn.yaml: MCU profile 'testcore-cmsis-nn' has no core_id") !=
        std::string::npos);

  write_profile(dir, "cmsis-nn", 1.0);
  const CliRun missing = run_kiln("compare " + m + " --soc " + soc + " --strategy mcu-reference -o " + dir.file("o3"));
  CHECK(missing.exit_code == 1);
  CHECK(missing.err.find("strategy 'mcu-reference' runs the MCU with the portable-c kernels of core 'testcore'") !=
        std::string::npos);
  CHECK(missing.err.find("no MCU profile 'testcore-portable-c'") != std::string::npos);
  CHECK_FALSE(file_exists(dir.file("o3/compare.csv")));

  const CliRun not_model = run_kiln("compare " + soc + " -o " + dir.file("o4"));
  CHECK(not_model.exit_code == 1);
  CHECK(not_model.err.find("not a model file") != std::string::npos);
}

TEST_CASE("kiln compare: npu-vector enables the NPU's vector unit on the given SoC", "[compare]") {
  TempDir dir;
  write_profile(dir, "cmsis-nn", 1.0);
  const std::string soc = write_soc(dir, "testcore-cmsis-nn.yaml");
  const CliRun r = run_kiln("compare " + model("resnet8.onnx") + " --soc " + soc +
                            " --strategy npu --strategy npu-vector --no-plot -j 2 -o " + dir.file("out"));
  INFO(r.all());
  REQUIRE(r.exit_code == 0);
  const auto doc = nlohmann::json::parse(slurp(dir.file("out/compare.json")));
  const auto npu = run_of(doc, "resnet8", "npu"), vec = run_of(doc, "resnet8", "npu-vector");
  CHECK(vec["bit_exact"] == true);
  // ResNet-8's residual adds leave the MCU for the vector unit: fewer MCU layers, less time.
  CHECK(vec["layers_on_mcu"].get<int>() < npu["layers_on_mcu"].get<int>());
  CHECK(vec["latency_ms"].get<double>() < npu["latency_ms"].get<double>());
  CHECK(vec["mcu_profile"] == npu["mcu_profile"]);

  // The strategy's SoC is kiln run --npu-unit vector, which is the shipped config that enables the unit.
  const CliRun flag = run_kiln("run " + model("resnet8.onnx") + " --npu-unit vector");
  const CliRun shipped = run_kiln("run " + model("resnet8.onnx") + " --soc " + kiln::test::config_path("default-vector"));
  REQUIRE(flag.exit_code == 0);
  REQUIRE(shipped.exit_code == 0);
  const std::regex latency("latency +([0-9]+) NPU cycles");
  std::smatch a, b;
  REQUIRE(std::regex_search(flag.out, a, latency));
  REQUIRE(std::regex_search(shipped.out, b, latency));
  CHECK(a[1].str() == b[1].str());

  const CliRun built_in = run_kiln("run " + model("resnet8.onnx") + " --npu-unit array");
  CHECK(built_in.exit_code == 1);
  CHECK(built_in.err.find("--npu-unit: cannot enable NPU unit 'array' on SoC config") != std::string::npos);
  CHECK(built_in.err.find("it is part of every NPU (optional NPU units: " + kiln::test::optional_npu_units() + ")") !=
        std::string::npos);
  const CliRun unknown = run_kiln("run " + model("resnet8.onnx") + " --npu-unit gather");
  CHECK(unknown.exit_code == 1);
  CHECK(unknown.err.find("cannot enable NPU unit 'gather'") != std::string::npos);
  CHECK(unknown.err.find("no such unit") != std::string::npos);
}
