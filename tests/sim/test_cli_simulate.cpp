// `kiln simulate` end to end through the built executable (KILN_BIN).
#include <catch2/catch.hpp>
#include <sys/wait.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <string>

#include "arch/profile.h"
#include "tests/support/test_paths.h"

namespace {

struct Ran {
  int code = -1;
  std::string output;
};

Ran run(const std::string& args) {
  const char* bin = std::getenv("KILN_BIN");
  Ran r;
  const std::string cmd = std::string(bin) + " " + args + " 2>&1";
  FILE* f = popen(cmd.c_str(), "r");
  if (!f) return r;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, f)) > 0) r.output.append(buf, n);
  const int status = pclose(f);
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

bool have_kiln() {
  const char* bin = std::getenv("KILN_BIN");
  return bin && std::ifstream(bin).good();
}

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

}  // namespace

TEST_CASE("kiln simulate writes the profile, the trace and a dump, and prints the summary") {
  if (!have_kiln()) {
    WARN("KILN_BIN not built; skipped");
    return;
  }
  const std::string stream = kiln::test::data_path("streams/gemm_tile.kasm");
  const std::string soc = kiln::test::config_path("default");
  const Ran r = run("simulate " + stream + " --soc " + soc +
                    " --profile cli_profile.json --trace cli_trace.json --dump sram:0x20000100:32:cli_out.bin");
  INFO(r.output);
  REQUIRE(r.code == 0);
  CHECK(r.output.find("NPU cycles") != std::string::npos);
  CHECK(r.output.find("npu.compute") != std::string::npos);
  CHECK(r.output.find("bus:") != std::string::npos);
  const kiln::Profile p = kiln::read_profile_file("cli_profile.json");
  CHECK(p.total_cycles > 0);
  CHECK(r.output.find(std::to_string(p.total_cycles) + " NPU cycles") != std::string::npos);
  CHECK(nlohmann::json::parse(slurp("cli_trace.json")).at("traceEvents").size() > 0);
  CHECK(slurp("cli_out.bin").size() == 32);
  for (const char* f : {"cli_profile.json", "cli_trace.json", "cli_out.bin"}) std::remove(f);
}

TEST_CASE("kiln simulate: bad inputs give one line and exit code 1") {
  if (!have_kiln()) {
    WARN("KILN_BIN not built; skipped");
    return;
  }
  const std::string soc = " --soc " + kiln::test::config_path("default");
  for (const std::string& args :
       {"simulate " + kiln::test::data_path("streams/bad/truncated.kbin") + soc,
        "simulate " + kiln::test::data_path("streams/bad/token_deadlock.kasm") + soc,
        "simulate " + kiln::test::data_path("streams/gemm_tile.kasm") + soc + " --dump sram:0x10:4",
        "simulate " + kiln::test::data_path("streams/gemm_tile.kasm") + soc + " --dump nowhere:0x10:4:x.bin",
        "simulate /nonexistent.kbin" + soc}) {
    const Ran r = run(args);
    INFO(args << "\n" << r.output);
    CHECK(r.code == 1);
    CHECK(r.output.rfind("kiln: error: ", 0) == 0);
    CHECK(std::count(r.output.begin(), r.output.end(), '\n') == 1);
  }
}
