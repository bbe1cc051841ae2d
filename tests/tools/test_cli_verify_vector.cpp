// `kiln verify` and `kiln run --rtl` with the vector unit: the bundled
// ResNet-8, DS-CNN and MobileNetV1-VWW (their depthwise convolutions on the
// vector unit) and a generated depthwise model on the vector SoC with both
// units on RTL (zero mismatches; for ResNet-8 also the same outputs and
// cycles as the TLM run), a test-only build whose vector
// unit has one faulty lane (caught, with the right first mismatch), and the
// engine's configuration errors. The first five are hidden ([.vector-rtl]):
// tests/CMakeLists.txt runs them as one ctest with label rtl. So are the
// generated single-operator models whose operators compile to vsub, vmul and
// vlut ([.vector-rtl-ops]), another ctest with label rtl.
#include <catch2/catch.hpp>

#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <string>

#include "arch/command_codec.h"
#include "tests/support/kiln_cli.h"
#include "tests/support/test_paths.h"
#include "tests/tools/built_programs.h"

using kiln::test::CliRun;
using kiln::test::run_kiln;
using kiln::test::TempDir;

namespace {

std::string model(const std::string& name) { return kiln::test::source_dir() + "/workloads/" + name; }
std::string vector_soc() { return " --soc " + kiln::test::config_path("default-vector"); }
nlohmann::json read_json(const std::string& path) { return nlohmann::json::parse(kiln::test::slurp(path)); }

}  // namespace

namespace {

// kiln verify on the vector SoC: both units PASS, every vector command compared, none differs.
nlohmann::json verify_vector_clean(const std::string& name, uint64_t min_vector_commands) {
  TempDir dir;
  const CliRun r = run_kiln("verify " + model(name) + vector_soc() + " --seed 7 --report " + dir.file("verify.json"));
  INFO(r.all());
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("vector unit (16 lanes): rtl engine against tlm engine") != std::string::npos);
  CHECK(r.out.find("PASS: the RTL array core matches the TLM engine on every array command") != std::string::npos);
  CHECK(r.out.find("PASS: the RTL vector unit matches the TLM unit on every vector command") != std::string::npos);
  const auto j = read_json(dir.file("verify.json"));
  CHECK(j["result_mismatches"] == 0);
  const auto& v = j["vector"];
  CHECK(v["commands"].get<uint64_t>() >= min_vector_commands);
  CHECK(v["compared"] == v["commands"]);
  CHECK(v["result_mismatches"] == 0);
  CHECK(v["cycle_mismatches"] == 0);
  CHECK(v["tlm_cycles"] == v["rtl_cycles"]);
  CHECK(v["tlm_cycles"].get<uint64_t>() > 0);
  CHECK(v["mismatches"].empty());
  return j;
}

}  // namespace

TEST_CASE("kiln verify: ResNet-8 on the vector SoC has zero mismatches with both units on RTL",
          "[.][vector-rtl]") {
  verify_vector_clean("resnet8.onnx", 5);  // its residual adds (four commands) and the average pool
}

TEST_CASE("kiln verify: DS-CNN on the vector SoC has zero mismatches with both units on RTL", "[.][vector-rtl]") {
  verify_vector_clean("dscnn_kws.onnx", 33);  // 32 depthwise convolutions (vdwconv) and the average pool
}

TEST_CASE("kiln verify: MobileNetV1-VWW on the vector SoC has zero mismatches with both units on RTL",
          "[.][vector-rtl]") {
  verify_vector_clean("mobilenet_v1_025_vww.onnx", 53);  // 52 depthwise convolutions (vdwconv), the average pool
}

TEST_CASE("kiln run --rtl: ResNet-8 on the vector SoC gives the TLM run's outputs and cycles",
          "[.][vector-rtl]") {
  TempDir dir;
  const std::string common = "run " + model("resnet8.onnx") + vector_soc() + " --seed 11 ";
  const CliRun tlm = run_kiln(common + "--output " + dir.file("tlm.npy") + " --report " + dir.file("tlm.json"));
  const CliRun rtl = run_kiln(common + "--rtl --output " + dir.file("rtl.npy") + " --report " + dir.file("rtl.json"));
  INFO(tlm.all() << rtl.all());
  REQUIRE(tlm.exit_code == 0);
  REQUIRE(rtl.exit_code == 0);
  CHECK(kiln::test::slurp(dir.file("tlm.npy")) == kiln::test::slurp(dir.file("rtl.npy")));
  // The vector unit's RTL takes the closed form's cycles, the array's too: the same latency.
  CHECK(read_json(dir.file("tlm.json"))["totals"]["latency_cycles"] ==
        read_json(dir.file("rtl.json"))["totals"]["latency_cycles"]);
}

namespace {

// kiln verify on the vector SoC for a generated single-operator TFLite model
// whose operator compiles to `op`: every vector command of its stream
// compared, none differs.
void verify_operator_clean(const std::string& name, kiln::Opcode op) {
  TempDir dir;
  const std::string tflite = kiln::test::data_path("models/tflite/" + name + ".tflite");
  const CliRun compiled = run_kiln("compile " + tflite + vector_soc() + " -o " + dir.file("m.kbin"));
  INFO(compiled.all());
  REQUIRE(compiled.exit_code == 0);
  uint64_t vector_commands = 0, of_op = 0;
  for (const kiln::Command& c : kiln::read_program_file(dir.file("m.kbin")).commands) {
    const std::string mnemonic = kiln::to_string(c.op);
    vector_commands += mnemonic[0] == 'v';
    of_op += c.op == op;
  }
  REQUIRE(of_op > 0);  // the operator is on the vector unit
  const CliRun r = run_kiln("verify " + tflite + vector_soc() + " --seed 3 --report " + dir.file("verify.json"));
  INFO(r.all());
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("PASS: the RTL vector unit matches the TLM unit on every vector command") != std::string::npos);
  const auto j = read_json(dir.file("verify.json"));
  CHECK(j["result_mismatches"] == 0);
  const auto& v = j["vector"];
  CHECK(v["engine"] == "rtl");
  CHECK(v["commands"] == vector_commands);
  CHECK(v["compared"] == vector_commands);
  CHECK(v["result_mismatches"] == 0);
  CHECK(v["cycle_mismatches"] == 0);
  CHECK(v["tlm_cycles"] == v["rtl_cycles"]);
  CHECK(v["mismatches"].empty());
}

}  // namespace

TEST_CASE("kiln verify: a depthwise convolution on the vector unit has zero mismatches with both units on RTL",
          "[.][vector-rtl]") {
  // The one generated depthwise model the compiler places on the vector unit
  // (the others run faster on the array).
  verify_operator_clean("depthwise_stride2_valid_relu6", kiln::Opcode::VectorDepthwise);
}

TEST_CASE("kiln verify: vsub, vmul and vlut models on the vector SoC have zero mismatches with both units on RTL",
          "[.][vector-rtl-ops]") {
  verify_operator_clean("sub_two_scales_relu", kiln::Opcode::VectorSub);
  verify_operator_clean("mul_two_activations_relu6", kiln::Opcode::VectorMul);
  verify_operator_clean("mul_scalar_constant_relu", kiln::Opcode::VectorMul);      // b_count 1
  verify_operator_clean("mul_per_channel_constant", kiln::Opcode::VectorMul);      // b_count = channels
  verify_operator_clean("mul_squeeze_excite", kiln::Opcode::VectorMul);            // vmean, vlut, a gate of 8
  verify_operator_clean("logistic", kiln::Opcode::VectorLut);
  verify_operator_clean("tanh", kiln::Opcode::VectorLut);
  verify_operator_clean("hard_swish", kiln::Opcode::VectorLut);
  verify_operator_clean("elu", kiln::Opcode::VectorLut);
  verify_operator_clean("leaky_relu", kiln::Opcode::VectorLut);
}

TEST_CASE("kiln verify: pad models on the vector SoC have zero mismatches with both units on RTL",
          "[.][vector-rtl-ops]") {
  verify_operator_clean("pad_hw", kiln::Opcode::VectorPad);
  verify_operator_clean("padv2_constant", kiln::Opcode::VectorPad);  // a constant other than the zero point
}

TEST_CASE("kiln verify: vsub, vmul and vlut with operands in one bank take the two-pass cycles on RTL",
          "[.][vector-rtl-ops]") {
  TempDir dir;
  const CliRun r = run_kiln("verify " + kiln::test::data_path("rtl/vector_bank_conflicts.kasm") + vector_soc() +
                            " --report " + dir.file("verify.json"));
  INFO(r.all());
  REQUIRE(r.exit_code == 0);
  const auto j = read_json(dir.file("verify.json"));
  const auto& v = j["vector"];
  CHECK(v["compared"] == 4);
  CHECK(v["result_mismatches"] == 0);
  CHECK(v["cycle_mismatches"] == 0);
  // 96 elements on 16 lanes, every operand pair in one bank: 1 + 2 * 6 for
  // vsub and each vmul, 1 + 256 / 16 + 2 * 6 for vlut.
  CHECK(v["rtl_cycles"] == 3 * 13 + 29);
  CHECK(v["tlm_cycles"] == v["rtl_cycles"]);
}

TEST_CASE("npu.units.vector.engine: a located error for an unknown engine or lanes with no Verilated unit",
          "[verify]") {
  TempDir dir;
  const std::string yaml = kiln::test::slurp(kiln::test::config_path("default-vector"));
  const std::string bad_engine = dir.file("bad_engine.yaml"), odd_lanes = dir.file("odd_lanes.yaml");
  std::ofstream(bad_engine) << std::regex_replace(yaml, std::regex(R"( lanes: 16)"), " lanes: 16\n      engine: verilog");
  std::ofstream(odd_lanes) << std::regex_replace(yaml, std::regex(R"( lanes: 16)"), " lanes: 12\n      engine: rtl");
  const std::string stream = kiln::test::data_path("streams/gemm_tile.kasm");
  struct Case {
    std::string args, message;
  };
  for (const Case& c :
       {Case{"config check " + bad_engine, "bad_engine.yaml:59:"},
        Case{"config check " + bad_engine, "npu.units.vector.engine: expected one of tlm, rtl, got 'verilog'"},
        Case{"run " + model("resnet8.onnx") + " --soc " + odd_lanes, "no Verilated vector unit of 12 lanes"},
        Case{"verify " + stream + " --soc " + odd_lanes, "no Verilated vector unit of 12 lanes"}}) {
    const CliRun r = run_kiln(c.args);
    INFO(c.args << "\n" << r.all());
    CHECK(r.exit_code == 1);
    CHECK(r.err.rfind("kiln: error: ", 0) == 0);
    CHECK(r.err.find(c.message) != std::string::npos);
    CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
  }
}

#ifdef KILN_HAVE_FAULT_VECTOR
// tests/CMakeLists.txt builds kiln_fault_vector: kiln whose 16-lane vector
// unit flips bit 0 of lane 3's vadd results. The first vector command to
// differ is then the stream's first vadd, at output element 3, and of each
// vadd exactly the elements that lane 3 computes differ: one per beat of 16
// that reaches lane 3. Nothing else differs, timing included.
TEST_CASE("kiln verify catches a broken vector lane and reports the first mismatch", "[verify][rtl]") {
  const std::string resnet = model("resnet8.onnx");
  TempDir dir;
  const CliRun compiled = run_kiln("compile " + resnet + vector_soc() + " -o " + dir.file("r.kbin"));
  REQUIRE(compiled.exit_code == 0);
  const kiln::Program program = kiln::read_program_file(dir.file("r.kbin"));
  size_t first_vadd = program.commands.size(), vadds = 0;
  for (size_t i = 0; i < program.commands.size(); ++i) {
    if (program.commands[i].op != kiln::Opcode::VectorAdd) continue;
    if (vadds++ == 0) first_vadd = i;
  }
  REQUIRE(vadds > 0);
  const uint32_t count = std::get<kiln::VectorAddCmd>(program.commands[first_vadd].body).count;
  REQUIRE(count > 3);

  const CliRun bad = kiln::test::run_program(kiln::test::fault_vector_binary(), "verify " + resnet + vector_soc() +
                                                                           " --seed 5 --report " + dir.file("v.json"));
  INFO(bad.all());
  CHECK(bad.exit_code == 2);
  CHECK(bad.out.find("vector unit (16 lanes): rtl[fault-lane 3] engine against tlm engine") != std::string::npos);
  CHECK(bad.out.find("PASS: the RTL array core matches the TLM engine on every array command") != std::string::npos);
  CHECK(bad.out.find("FAIL: " + std::to_string(vadds) + " of ") != std::string::npos);

  const auto j = read_json(dir.file("v.json"));
  CHECK(j["result_mismatches"] == 0);  // the array is the real one
  const auto& v = j["vector"];
  CHECK(v["engine"] == "rtl[fault-lane 3]");
  CHECK(v["cycle_mismatches"] == 0);  // the fault is in the datapath, not in the timing
  CHECK(v["result_mismatches"] == vadds);
  REQUIRE(v["mismatches"].size() == vadds);
  for (const auto& m : v["mismatches"]) CHECK(m["op"] == "vadd");
  const auto& f = v["mismatches"][0];
  CHECK(f["command"] == first_vadd);
  CHECK(f["elements"] == count);
  CHECK(f["first_difference"]["index"] == 3);
  CHECK((f["first_difference"]["rtl"].get<int>() ^ f["first_difference"]["tlm"].get<int>()) == 1);
  CHECK(f["differing_elements"] == count / 16 + (count % 16 > 3 ? 1 : 0));

  // The same first mismatch, in words, on the terminal.
  std::smatch w;
  const std::string text = bad.out;
  REQUIRE(std::regex_search(text, w, std::regex(R"(first vector mismatch: command (\d+) \(vadd )")));
  CHECK(std::stoul(w[1]) == first_vadd);
  CHECK(text.find("element 3 of the output: expected " + f["first_difference"]["tlm"].dump() + " (TLM), got " +
                  f["first_difference"]["rtl"].dump() + " (RTL)") != std::string::npos);
}
#endif
