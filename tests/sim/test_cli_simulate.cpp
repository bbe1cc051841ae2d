// `kiln simulate` end to end through the built executable (KILN_BIN).
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <string>

#include "arch/profile.h"
#include "tests/support/kiln_cli.h"
#include "tests/support/test_paths.h"

namespace {

using kiln::test::CliRun;
using kiln::test::run_kiln;
using kiln::test::slurp;
using kiln::test::TempDir;

}  // namespace

TEST_CASE("kiln simulate writes the profile, the trace and a dump, and prints the summary") {
  const std::string stream = kiln::test::data_path("streams/gemm_tile.kasm");
  const std::string soc = kiln::test::config_path("default");
  const TempDir dir;
  const CliRun r = run_kiln("simulate " + stream + " --soc " + soc + " --profile " + dir.file("p.json") + " --trace " +
                            dir.file("t.json") + " --dump sram:0x20000100:32:" + dir.file("out.bin"));
  INFO(r.all());
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("NPU cycles") != std::string::npos);
  CHECK(r.out.find("npu.compute") != std::string::npos);
  CHECK(r.out.find("bus:") != std::string::npos);
  CHECK(r.err.empty());
  const kiln::Profile p = kiln::read_profile_file(dir.file("p.json"));
  CHECK(p.total_cycles > 0);
  CHECK(r.out.find(std::to_string(p.total_cycles) + " NPU cycles") != std::string::npos);
  CHECK(nlohmann::json::parse(slurp(dir.file("t.json"))).at("traceEvents").size() > 0);
  CHECK(slurp(dir.file("out.bin")).size() == 32);
}

TEST_CASE("kiln simulate: bad inputs give one line and exit code 1") {
  const std::string soc = " --soc " + kiln::test::config_path("default");
  for (const std::string& args :
       {"simulate " + kiln::test::data_path("streams/bad/truncated.kbin") + soc,
        "simulate " + kiln::test::data_path("streams/bad/token_deadlock.kasm") + soc,
        "simulate " + kiln::test::data_path("streams/gemm_tile.kasm") + soc + " --dump sram:0x10:4",
        "simulate " + kiln::test::data_path("streams/gemm_tile.kasm") + soc + " --dump nowhere:0x10:4:x.bin",
        "simulate " + kiln::test::data_path("streams/gemm_tile.kasm") + soc + " --dump sram:-16:4:x.bin",
        "simulate " + kiln::test::data_path("streams/gemm_tile.kasm") + soc + " --dump input:0x10:999999:x.bin",
        "simulate /nonexistent.kbin" + soc}) {
    const CliRun r = run_kiln(args);
    INFO(args << "\n" << r.all());
    CHECK(r.exit_code == 1);
    CHECK(r.out.empty());
    CHECK(r.err.rfind("kiln: error: ", 0) == 0);
    CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
  }
}
