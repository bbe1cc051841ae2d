// The committed workloads/*.onnx are what scripts/gen_workloads.py writes:
// the script's --check mode regenerates them into a temporary directory and
// compares sha256 with the committed files (under a second on this machine).
#include <cstdlib>
#include <string>

#include <catch2/catch.hpp>

#include "tests/support/test_paths.h"

TEST_CASE("workloads generator reproduces the committed models byte for byte", "[onnx][workloads]") {
  const std::string python = "/usr/bin/python3";
  if (std::system((python + " -c 'import onnx, numpy' 2>/dev/null").c_str()) != 0) {
    WARN("python3-onnx or python3-numpy is not installed: generator check skipped");
    return;
  }
  const std::string cmd = python + " " + kiln::test::source_dir() + "/scripts/gen_workloads.py --check";
  INFO(cmd);
  CHECK(std::system(cmd.c_str()) == 0);
}
