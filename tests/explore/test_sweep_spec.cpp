// The sweep spec (explore/sweep_spec.h): values, ranges, random values,
// constraints, sampling, the point configs, and every error with its place.
#include <catch2/catch.hpp>

#include <fstream>
#include <set>
#include <string>

#include "arch/error.h"
#include "arch/soc_config_yaml.h"
#include "explore/sweep_spec.h"
#include "tests/support/kiln_cli.h"
#include "tests/support/test_paths.h"

using kiln::test::TempDir;
using namespace kiln::explore;

namespace {

// A spec in a temp dir whose base and workload point into the source tree.
std::string write_spec(const TempDir& dir, const std::string& body) {
  const std::string path = dir.file("spec.yaml");
  std::ofstream(path) << "base: " << kiln::test::config_path("default") << "\n"
                      << "workloads: [" << kiln::test::source_dir() << "/workloads/fc_autoencoder.onnx]\n"
                      << body;
  return path;
}

std::string error_of(const std::string& path) {
  try {
    load_sweep_spec(path);
  } catch (const kiln::Error& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("sweep spec: lists, ranges and constraints give the product in order", "[sweep]") {
  TempDir dir;
  const auto spec = load_sweep_spec(write_spec(dir, R"(parameters:
  npu.array.rows: [8, 16, 32]
  npu.array.cols: {from: 8, to: 32, factor: 2}
  npu.scratchpads.input.size_kib: {from: 16, to: 48, step: 16}
constraints:
  - rows == cols
  - input.size_kib >= rows
)"));
  REQUIRE(spec.parameters.size() == 3);
  CHECK(spec.parameters[1].values == std::vector<std::string>{"8", "16", "32"});
  CHECK(spec.parameters[2].values == std::vector<std::string>{"16", "32", "48"});
  const auto points = enumerate_points(spec);
  // rows == cols: 3 sizes; input >= rows: 3 + 3 + 2 (32 needs input 32 or 48).
  REQUIRE(points.size() == 8);
  CHECK(points[0].values == std::vector<std::string>{"8", "8", "16"});
  CHECK(points[7].values == std::vector<std::string>{"32", "32", "48"});
  CHECK(points[7].id == "p0007");
  CHECK(spec.objectives == std::vector<std::string>{"latency"});
}

TEST_CASE("sweep spec: random values and samples are reproducible from the seed", "[sweep]") {
  TempDir dir;
  const std::string body = R"(parameters:
  npu.scratchpads.input.size_kib: {random: {min: 16, max: 256, count: 5}}
  npu.array.rows: [8, 16]
sample: 4
seed: 9
)";
  const auto a = load_sweep_spec(write_spec(dir, body));
  const auto b = load_sweep_spec(write_spec(dir, body));
  REQUIRE(a.parameters[0].values.size() == 5);
  CHECK(a.parameters[0].values == b.parameters[0].values);
  CHECK(std::set<std::string>(a.parameters[0].values.begin(), a.parameters[0].values.end()).size() == 5);
  for (const auto& v : a.parameters[0].values) {
    CHECK(std::stoi(v) >= 16);
    CHECK(std::stoi(v) <= 256);
  }
  const auto pa = enumerate_points(a), pb = enumerate_points(b);
  REQUIRE(pa.size() == 4);
  for (size_t i = 0; i < pa.size(); ++i) CHECK(pa[i].values == pb[i].values);
  CHECK(a.fingerprint == b.fingerprint);
  const auto c = load_sweep_spec(write_spec(dir, std::string(body).replace(body.find("seed: 9"), 7, "seed: 8")));
  CHECK(c.fingerprint != a.fingerprint);
}

TEST_CASE("sweep spec: a point's config is the base with its values, and loads", "[sweep]") {
  TempDir dir;
  const auto spec = load_sweep_spec(write_spec(dir, R"(parameters:
  npu.array.rows: [8]
  memories.sram.size_kib: [256]
  npu.array.dataflow: [output_stationary]
)"));
  const auto points = enumerate_points(spec);
  REQUIRE(points.size() == 1);
  const std::string yaml = point_soc_yaml(spec, points[0]);
  const kiln::SocConfig soc = kiln::parse_soc_config(yaml, "point.yaml");
  CHECK(soc.npu.rows == 8);
  CHECK(soc.npu.cols == 16);  // untouched
  CHECK(soc.npu.dataflow == kiln::Dataflow::OutputStationary);
  CHECK(soc.memory_named("sram")->size_bytes == 256 * 1024);
  CHECK(soc.name == "default-p0000");
}

TEST_CASE("sweep spec: a quoted value with YAML syntax in it stays one scalar in the point's config", "[sweep]") {
  TempDir dir;
  // Quoted, these are scalars; parsed again they would be a map and a bad escape.
  const auto spec = load_sweep_spec(write_spec(dir, R"(parameters:
  npu.array.rows: ["rows: 8", '"\6']
)"));
  const auto points = enumerate_points(spec);
  REQUIRE(points.size() == 2);
  for (const auto& p : points) {
    INFO(p.values[0]);
    const std::string yaml = point_soc_yaml(spec, p);
    CHECK_THROWS_AS(kiln::parse_soc_config(yaml, "point.yaml"), kiln::Error);  // refused by the config, located
  }
}

TEST_CASE("sweep spec: every error names the file, line and column", "[sweep]") {
  TempDir dir;
  struct Case {
    std::string body, where, what;
  };
  for (const Case& c : {
           Case{"parameters:\n  npu.array.rowz: [8]\n", ":4:3:", "'npu.array.rowz' is not a field of the base config"},
           Case{"parameters:\n  npu.array: [8]\n", ":4:3:", "is a section of the base config"},
           Case{"parameters:\n  npu.array.rows: [8]\nconstraints:\n  - rows == colz\n", ":6:13:",
                "constraint 'rows == colz'"},
           Case{"parameters:\n  npu.array.rows: {from: 8, to: 32}\n", ":4:19:", "a range needs step: or factor:"},
           Case{"parameters:\n  npu.array.rows: {from: 8, to: 32, factor: 1}\n", ":4:45:", "factor must be"},
           Case{"parameters:\n  npu.array.rows: {random: {min: 1, max: 3, count: 5}}\n", ":4:52:",
                "count must be an integer from 1 to 3"},
           Case{"parameters:\n  npu.array.rows: [8]\nobjectives: [speed]\n", ":5:14:", "objective must be one of"},
           Case{"parameters:\n  npu.array.rows: [8]\nbogus: 1\n", ":5:1:", "unknown key 'bogus'"},
           Case{"parameters:\n  npu.array.rows: [8]\nsample: 0\n", ":5:9:", "sample: expected an integer >= 1"},
       }) {
    const std::string path = write_spec(dir, c.body);
    const std::string e = error_of(path);
    INFO(c.body << "\n" << e);
    CHECK(e.rfind(path + c.where, 0) == 0);
    CHECK(e.find(c.what) != std::string::npos);
  }
  // A constraint over a parameter the spec no longer defines names it and the defined ones.
  {
    const std::string path = write_spec(dir, "parameters:\n  npu.array.rows: [8, 16]\n  npu.array.cols: [8, 16]\n"
                                             "constraints:\n  - input.size_kib * 1024 >= rows\n");
    CHECK(error_of(path) == path + ":7:5: constraint 'input.size_kib * 1024 >= rows': unknown parameter "
                                   "'input.size_kib'; the numeric parameters are: npu.array.rows, rows, array.rows, "
                                   "npu.array.cols, cols, array.cols");
  }
  // A workload that does not exist.
  const std::string path = dir.file("w.yaml");
  std::ofstream(path) << "base: " << kiln::test::config_path("default")
                      << "\nworkloads: [nowhere.onnx]\nparameters:\n  npu.array.rows: [8]\n";
  CHECK(error_of(path).find(path + ":2:13: workload") == 0);
}
