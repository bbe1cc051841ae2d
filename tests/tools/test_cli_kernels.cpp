// `kiln kernels` as a user runs it: the catalogue from the kernel table, one
// kernel argument by argument, JSON, and an unknown name.
#include <catch2/catch.hpp>

#include <string>

#include <nlohmann/json.hpp>

#include "arch/mcu_op.h"
#include "tests/support/kiln_cli.h"

using namespace kiln;

TEST_CASE("kiln kernels lists the catalogue, describes a kernel argument by argument, and prints JSON",
          "[cli][kernels]") {
  const test::CliRun all = test::run_kiln("kernels");
  REQUIRE(all.exit_code == 0);
  // One line per kernel after the header, each with its id, name and pricing.
  size_t lines = 0;
  for (char c : all.out) lines += c == '\n';
  CHECK(lines == mcu_kernels().size() + 1);
  CHECK(all.out.find(" 13  conv2d_1x1           conv2d       in, weights, bias, mult, shift, out, in_h,") !=
        std::string::npos);

  const test::CliRun one = test::run_kiln("kernels prelu");
  REQUIRE(one.exit_code == 0);
  CHECK(one.out.rfind("prelu (id 33), priced as requantize where a cost table has no entry\n", 0) == 0);
  CHECK(one.out.find("   1  alpha                reads int8             slope, alpha_count elements") !=
        std::string::npos);
  CHECK(one.out.find("   5  in_zp                int                    input zero point") != std::string::npos);

  const test::CliRun json = test::run_kiln("kernels --json conv2d fully_connected");
  REQUIRE(json.exit_code == 0);
  const auto j = nlohmann::json::parse(json.out);
  REQUIRE(j.size() == 2);
  CHECK(j[0]["id"] == 3);
  CHECK(j[0]["priced_as"].is_null());
  CHECK(j[1]["name"] == "fully_connected");
  CHECK(j[1]["args"][2]["name"] == "bias");
  CHECK(j[1]["args"][2]["type"] == "reads int32 (optional)");
  CHECK(j[1]["args"].size() == find_mcu_kernel("fully_connected")->args.size());

  const test::CliRun bad = test::run_kiln("kernels conv3d");
  CHECK(bad.exit_code == 1);
  CHECK(bad.out.empty());
  CHECK(bad.err.rfind("kiln: error: kernels: no MCU kernel named 'conv3d'; known: copy, add, conv2d,", 0) == 0);
}
