// `kiln config check` as a user runs it: the built binary (KILN_BIN, set by
// ctest) on a good and a bad config; exit codes, stdout, and the one-line error.
#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "tests/support/kiln_cli.h"
#include "tests/support/test_paths.h"

namespace {

using kiln::test::run_kiln;
using Run = kiln::test::CliRun;

size_t count_lines(const std::string& s) {
  size_t n = 0;
  for (char c : s) n += c == '\n';
  return n;
}

}  // namespace

TEST_CASE("kiln config check accepts the default config and summarises it", "[cli][config]") {
  Run r = run_kiln("config check '" + kiln::test::config_path("default") + "'");
  CHECK(r.exit_code == 0);
  CHECK(r.err.empty());
  CHECK_THAT(r.out, Catch::Contains("SoC 'default'"));
  CHECK_THAT(r.out, Catch::Contains("16x16 int8 array at 200 MHz"));
  CHECK_THAT(r.out, Catch::Contains("0x20000000  0x20080000"));  // SRAM: 512 KiB at 0x20000000
  char macs[64];
  std::snprintf(macs, sizeof macs, "%.2f GMAC/s", 16.0 * 16 * 200e6 / 1e9);  // rows * cols * NPU clock
  CHECK_THAT(r.out, Catch::Contains(macs));
}

TEST_CASE("kiln config check --json dumps the loaded config", "[cli][config]") {
  Run r = run_kiln("config check --json '" + kiln::test::config_path("small") + "'");
  REQUIRE(r.exit_code == 0);
  nlohmann::json j = nlohmann::json::parse(r.out);
  CHECK(j["name"] == "small");
  CHECK(j["npu"]["rows"] == 8);
  CHECK(j["npu"]["cols"] == 8);
  CHECK(j["bus"]["width_bytes"] == 32 / 8);
  CHECK(j["memories"][1]["name"] == "sram");
  CHECK(j["memories"][1]["base"] == 0x20000000);
  CHECK(j["memories"][1]["size_bytes"] == 256 * 1024);
  CHECK(j["npu"]["input"]["size_bytes"] == 16 * 1024);
  CHECK(j["derived"]["peak_macs_per_s"].get<double>() == Approx(8.0 * 8 * 100e6));
  CHECK(j["derived"]["bus_bytes_per_s"].get<double>() == Approx(4.0 * 100e6));
  // The technology is loaded with the config; the area covers the 8x8 array's 64 PEs.
  CHECK(j["technology"]["name"] == "horowitz45");
  CHECK(j["area"]["components_mm2"]["array"].get<double>() == Approx(64 * (282 + 137 + 48 * 5.98) * 1e-6));
}

TEST_CASE("kiln config check rejects a bad config with one line and exit code 1", "[cli][config]") {
  const std::string path = kiln::test::data_path("configs/bad/rows_zero.yaml");
  Run r = run_kiln("config check '" + path + "'");
  CHECK(r.exit_code == 1);
  CHECK(r.out.empty());
  CHECK(count_lines(r.err) == 1);
  // rows_zero.yaml line 27: "    rows: 0"; the value starts in column 11.
  CHECK_THAT(r.err, Catch::StartsWith("kiln: error: " + path + ":27:11: "));
  CHECK_THAT(r.err, Catch::Contains("expected an integer from 1 to 256, got 0"));

  Run missing = run_kiln("config check /nonexistent/soc.yaml");
  CHECK(missing.exit_code == 1);
  CHECK(count_lines(missing.err) == 1);
  CHECK_THAT(missing.err, Catch::Contains("/nonexistent/soc.yaml: cannot open"));
}

TEST_CASE("kiln config check --help exits 0", "[cli][config]") {
  Run r = run_kiln("config check --help");
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains("--json"));
}
