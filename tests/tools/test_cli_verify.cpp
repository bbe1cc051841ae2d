// `kiln verify` and `kiln run --rtl` end to end: the bundled ResNet-8 and
// DS-CNN through the TLM and the RTL array engines (zero mismatches, same
// outputs, cycles within 1%), a test-only build whose RTL has one faulty PE
// (caught, with the right first mismatch), waveforms of a chosen command
// range, and bad inputs.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <nlohmann/json.hpp>
#include <regex>
#include <string>
#include <vector>

#include "arch/array_timing.h"
#include "arch/command_codec.h"
#include "arch/command_text.h"
#include "tests/support/kiln_cli.h"
#include "tests/support/npy_by_hand.h"
#include "tests/support/test_paths.h"
#include "tests/tools/built_programs.h"

using kiln::test::CliRun;
using kiln::test::run_kiln;
using kiln::test::TempDir;

namespace {

std::string model(const std::string& name) { return kiln::test::source_dir() + "/workloads/" + name; }

nlohmann::json read_json(const std::string& path) { return nlohmann::json::parse(kiln::test::slurp(path)); }

// Index of the first array command (GEMM or convolution) of a stream.
size_t first_array_command(const kiln::Program& p) {
  for (size_t i = 0; i < p.commands.size(); ++i)
    if (p.commands[i].op == kiln::Opcode::Gemm || p.commands[i].op == kiln::Opcode::Conv) return i;
  FAIL("the stream has no array command");
  return 0;
}

void verify_model_clean(const std::string& name) {
  TempDir dir;
  const CliRun r = run_kiln("verify " + model(name) + " --seed 7 --report " + dir.file("verify.json"));
  INFO(r.all());
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("PASS: the RTL array core matches the TLM engine on every array command") != std::string::npos);
  const auto j = read_json(dir.file("verify.json"));
  CHECK(j["array_commands"].get<uint64_t>() > 10);
  CHECK(j["compared"] == j["array_commands"]);
  CHECK(j["result_mismatches"] == 0);
  CHECK(j["cycle_mismatches"] == 0);
  CHECK(j["tlm_array_cycles"] == j["rtl_array_cycles"]);
  CHECK(j["mismatches"].empty());
}

// The same model and input through `kiln run` with each engine.
void run_on_both_engines(const std::string& name) {
  TempDir dir;
  const std::string common = "run " + model(name) + " --seed 11 ";
  const CliRun tlm = run_kiln(common + "--output " + dir.file("tlm.npy") + " --report " + dir.file("tlm.json"));
  const CliRun rtl =
      run_kiln(common + "--rtl --output " + dir.file("rtl.npy") + " --report " + dir.file("rtl.json"));
  INFO(tlm.all() << rtl.all());
  REQUIRE(tlm.exit_code == 0);
  REQUIRE(rtl.exit_code == 0);
  CHECK(rtl.out.find("rtl engine") != std::string::npos);
  CHECK(kiln::test::slurp(dir.file("tlm.npy")) == kiln::test::slurp(dir.file("rtl.npy")));
  const double tlm_cycles = read_json(dir.file("tlm.json"))["totals"]["latency_cycles"].get<double>();
  const double rtl_cycles = read_json(dir.file("rtl.json"))["totals"]["latency_cycles"].get<double>();
  INFO("TLM " << tlm_cycles << " cycles, RTL " << rtl_cycles << " cycles");
  CHECK(tlm_cycles > 0);
  CHECK(std::abs(rtl_cycles - tlm_cycles) <= 0.01 * tlm_cycles);
}

}  // namespace

TEST_CASE("kiln verify: ResNet-8 on the default SoC has zero mismatches", "[verify][rtl]") {
  verify_model_clean("resnet8.onnx");
}

TEST_CASE("kiln verify: DS-CNN on the default SoC has zero mismatches", "[verify][rtl]") {
  verify_model_clean("dscnn_kws.onnx");
}

TEST_CASE("kiln run --rtl: ResNet-8 gives the TLM run's outputs and cycles", "[verify][rtl]") {
  run_on_both_engines("resnet8.onnx");
}

TEST_CASE("kiln run --rtl: DS-CNN gives the TLM run's outputs and cycles", "[verify][rtl]") {
  run_on_both_engines("dscnn_kws.onnx");
}

#ifdef KILN_HAVE_FAULT_PE
// tests/CMakeLists.txt builds kiln_fault_pe: kiln whose 8x8 array core has a
// PE (row 2, column 3) that adds one to every product. In the
// weight-stationary dataflow that PE holds B[k0 + 2][n0 + 3] of each fold, and
// every partial sum of output column n0 + 3 passes through it once per K fold
// that has more than two active rows (shorter folds leave the array above
// it). So the first differing element in row-major order is (row 0, col 3),
// off by that number of folds, and the whole of tile column n0 + 3 of every
// N fold differs, nothing else.
namespace {
// The first-mismatch line of `kiln verify` for a report entry.
std::string fmt_element(const nlohmann::json& f) {
  const auto& d = f["first_difference"];
  return "element (row " + d["row"].dump() + ", col " + d["col"].dump() + ") of the tile: expected " + d["tlm"].dump() +
         " (TLM), got " + d["rtl"].dump() + " (RTL)";
}

}  // namespace

TEST_CASE("kiln verify catches a broken PE and reports the first mismatch", "[verify][rtl]") {
  const std::string soc = " --soc " + kiln::test::config_path("small");
  const std::string resnet = model("resnet8.onnx");
  TempDir dir;
  const CliRun compiled = run_kiln("compile " + resnet + soc + " -o " + dir.file("r.kbin"));
  REQUIRE(compiled.exit_code == 0);
  const size_t first = first_array_command(kiln::read_program_file(dir.file("r.kbin")));

  const CliRun good = run_kiln("verify " + resnet + soc + " --seed 5");
  INFO(good.all());
  CHECK(good.exit_code == 0);

  const CliRun bad = kiln::test::run_program(kiln::test::fault_pe_binary(),
                                             "verify " + resnet + soc + " --seed 5 --report " + dir.file("v.json"));
  INFO(bad.all());
  CHECK(bad.exit_code == 2);
  CHECK(bad.out.find("rtl[fault-pe r2c3] engine against tlm engine") != std::string::npos);
  CHECK(bad.out.find("FAIL: ") != std::string::npos);

  const auto j = read_json(dir.file("v.json"));
  REQUIRE(!j["mismatches"].empty());
  const auto& f = j["mismatches"][0];
  CHECK(f["command"] == first);
  REQUIRE(f["dataflow"] == "weight_stationary");
  const uint64_t m = f["m"], n = f["n"], k = f["k"];
  uint64_t folds_through = 0, columns = 0;
  for (uint64_t k0 = 0; k0 < k; k0 += 8) folds_through += (k - k0 > 2);
  for (uint64_t n0 = 0; n0 < n; n0 += 8) columns += (n0 + 3 < n);
  REQUIRE(folds_through > 0);
  CHECK(f["first_difference"]["row"] == 0);
  CHECK(f["first_difference"]["col"] == 3);
  CHECK(f["first_difference"]["rtl"].get<int64_t>() - f["first_difference"]["tlm"].get<int64_t>() ==
        int64_t(folds_through));
  CHECK(f["differing_elements"] == m * columns);
  CHECK(j["cycle_mismatches"] == 0);  // the fault is in the datapath, not in the timing

  // The same first mismatch, in words, on the terminal.
  std::smatch w;
  const std::string text = bad.out;
  REQUIRE(std::regex_search(text, w, std::regex(R"(first mismatch: command (\d+) \(conv )")));
  CHECK(std::stoul(w[1]) == first);
  CHECK(text.find(fmt_element(f)) != std::string::npos);
}
#endif

TEST_CASE("kiln verify --vcd dumps the waveforms of the chosen commands only", "[verify][rtl]") {
  const std::string stream = kiln::test::data_path("streams/conv_double_buffer.kasm");
  const kiln::Program program = kiln::read_program_text_file(stream);
  const size_t first = first_array_command(program);
  TempDir dir;
  const CliRun r = run_kiln("verify " + stream + " --vcd " + dir.file("w.vcd") + " --vcd-commands " +
                            std::to_string(first));
  INFO(r.all());
  REQUIRE(r.exit_code == 0);
  const std::string vcd = kiln::test::slurp(dir.file("w.vcd"));
  CHECK(vcd.find("$enddefinitions") != std::string::npos);
  CHECK(vcd.find("c_wr_data") != std::string::npos);
  // Two time steps (clock low, clock high) per cycle of that one command.
  size_t stamps = 0;
  for (size_t at = vcd.find("\n#"); at != std::string::npos; at = vcd.find("\n#", at + 1)) ++stamps;
  const auto soc = kiln::test::config_path("default");
  const auto& cmd = program.commands[first];
  uint64_t cycles = 0;
  if (cmd.op == kiln::Opcode::Conv) {
    const auto& c = std::get<kiln::ConvCmd>(cmd.body);
    cycles = kiln::array_tile_cycles(c.dataflow, 16, 16, c.gemm_m(), c.n, c.gemm_k());
  } else {
    const auto& g = std::get<kiln::GemmCmd>(cmd.body);
    cycles = kiln::array_tile_cycles(g.dataflow, 16, 16, g.m, g.n, g.k);
  }
  CHECK(stamps == 2 * cycles);
}

TEST_CASE("kiln verify: bad inputs give one line and exit code 1", "[verify]") {
  TempDir dir;
  // An array size with no Verilated core in this build.
  const std::string odd_soc = dir.file("odd.yaml");
  {
    std::string yaml = kiln::test::slurp(kiln::test::config_path("default"));
    yaml = std::regex_replace(yaml, std::regex(R"(rows: 16)"), "rows: 12");
    yaml = std::regex_replace(yaml, std::regex(R"(cols: 16)"), "cols: 12");
    std::ofstream(odd_soc) << yaml;
  }
  const std::string stream = kiln::test::data_path("streams/gemm_tile.kasm");
  struct Case {
    std::string args, message;
  };
  for (const Case& c : {Case{"verify " + stream + " --soc " + odd_soc, "12x12"},
                        Case{"verify " + stream + " --seed 3", "--input and --seed apply to a model"},
                        Case{"verify " + stream + " --vcd-commands 1:2", "--vcd-commands needs --vcd FILE"},
                        Case{"verify " + stream + " --vcd x.vcd --vcd-commands 5:2", "FIRST is after LAST"},
                        Case{"verify " + stream + " --vcd x.vcd --vcd-commands 1:-2", "'-2' is not a number"},
                        Case{"verify " + stream + " --vcd x.vcd --vcd-commands 0x1g", "'0x1g' is not a number"},
                        Case{"verify /nonexistent.kasm", "/nonexistent.kasm"}}) {
    const CliRun r = run_kiln(c.args);
    INFO(c.args << "\n" << r.all());
    CHECK(r.exit_code == 1);
    CHECK(r.out.empty());
    CHECK(r.err.rfind("kiln: error: ", 0) == 0);
    CHECK(r.err.find(c.message) != std::string::npos);
    CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
  }
}

TEST_CASE("kiln verify: --input repeats in the model's order for a model with two inputs", "[verify][rtl]") {
  // Float inputs 'input' and 'other' (NCHW 1x4x6x6, NHWC 1x6x6x4); a convolution of the first runs on the array.
  const std::string two = kiln::test::data_path("models/onnx/qdq_two_inputs_two_outputs.onnx");
  TempDir dir;
  for (const char* name : {"a", "b"}) {
    std::vector<float> x(144);
    for (size_t i = 0; i < x.size(); ++i) x[i] = std::sin(float(i) * 0.3f + (name[0] == 'a' ? 0.0f : 1.0f));
    std::vector<uint8_t> bytes(x.size() * 4);
    std::memcpy(bytes.data(), x.data(), bytes.size());
    kiln::test::write_npy_by_hand(dir.file(std::string(name) + ".npy"), "<f4", "(1, 6, 6, 4)", bytes);
  }
  const CliRun r = run_kiln("verify " + two + " --input " + dir.file("a.npy") + " --input " + dir.file("b.npy") +
                            " --report " + dir.file("verify.json"));
  INFO(r.all());
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("input: " + dir.file("a.npy") + ", " + dir.file("b.npy")) != std::string::npos);
  const auto j = read_json(dir.file("verify.json"));
  CHECK(j["array_commands"].get<uint64_t>() > 0);
  CHECK(j["result_mismatches"] == 0);
  CHECK(j["cycle_mismatches"] == 0);
  const CliRun one = run_kiln("verify " + two + " --input " + dir.file("a.npy"));
  CHECK(one.exit_code == 1);
  CHECK(one.err.find("--input given 1 time(s), the model has 2 input(s): 'input', 'other'") != std::string::npos);
}
