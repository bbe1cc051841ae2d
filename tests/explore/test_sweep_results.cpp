// Reading a sweep's results.jsonl back (explore/sweep_results.h): rows read
// back as written, a torn last line dropped, and a line it cannot read is an
// error naming the file, the line and the field.
#include <catch2/catch.hpp>

#include <fstream>
#include <string>
#include <vector>

#include "arch/error.h"
#include "explore/sweep_results.h"
#include "tests/support/kiln_cli.h"

using kiln::explore::SweepRow;
using kiln::test::TempDir;

namespace {

const std::vector<std::string> kParams = {"npu.array.rows", "bus.width_bits"};

SweepRow ok_row() {
  SweepRow r;
  r.point = "p0001";
  r.workload = "resnet8.onnx";
  r.values = {"16", "64"};
  r.ok = true;
  r.latency_cycles = 279839;
  r.latency_us = 1399.195;
  r.energy_uj = 12.5;
  r.area_mm2 = 4.25;
  r.wall_ms = 180;
  return r;
}

}  // namespace

TEST_CASE("sweep results: rows read back as written, a torn last line dropped", "[explore]") {
  TempDir dir;
  const std::string path = dir.file("results.jsonl");
  SweepRow failed = ok_row();
  failed.point = "p0002", failed.ok = false, failed.error = "does not fit";
  std::ofstream(path) << kiln::explore::sweep_row_json(ok_row(), kParams).dump() << "\n"
                      << kiln::explore::sweep_row_json(failed, kParams).dump() << "\n"
                      << "{\"point\": \"p00";
  const auto rows = kiln::explore::read_sweep_rows(path, kParams);
  REQUIRE(rows.size() == 2);
  CHECK(kiln::explore::sweep_csv_line(rows[0]) == kiln::explore::sweep_csv_line(ok_row()));
  CHECK(rows[0].wall_ms == 180);
  CHECK_FALSE(rows[1].ok);
  CHECK(rows[1].error == "does not fit");
  CHECK(kiln::test::slurp(path).back() == '\n');  // truncated to its whole lines
}

TEST_CASE("sweep results: a line it cannot read names the file, the line and the field", "[explore]") {
  TempDir dir;
  const std::string path = dir.file("results.jsonl");
  const auto fails_with = [&](const nlohmann::json& second, const std::string& message) {
    std::ofstream(path) << kiln::explore::sweep_row_json(ok_row(), kParams).dump() << "\n" << second.dump() << "\n";
    CHECK_THROWS_WITH(kiln::explore::read_sweep_rows(path, kParams), path + ":2: " + message);
  };
  nlohmann::json j = kiln::explore::sweep_row_json(ok_row(), kParams);
  nlohmann::json no_latency = j;
  no_latency.erase("latency_us");
  fails_with(no_latency, "latency_us: expected a number (missing)");
  nlohmann::json other_params = j;
  other_params["parameters"].erase("bus.width_bits");
  fails_with(other_params, "parameters.bus.width_bits: expected a string (missing)");
  nlohmann::json bad_cycles = j;
  bad_cycles["latency_cycles"] = "many";
  fails_with(bad_cycles, "latency_cycles: expected an integer >= 0");

  std::ofstream(path) << "not json\n";
  CHECK_THROWS_WITH(kiln::explore::read_sweep_rows(path, kParams), Catch::StartsWith(path + ":1: not a sweep result: "));
  // A number past a double's range is nlohmann's out_of_range, not a parse error: still located.
  std::ofstream(path) << "{\"latency_us\": 1e400}\n";
  CHECK_THROWS_WITH(kiln::explore::read_sweep_rows(path, kParams),
                    Catch::StartsWith(path + ":1: not a sweep result: not readable JSON: "));
}

TEST_CASE("sweep results: the manifest reads back as written, and a bad one names the field", "[explore]") {
  TempDir dir;
  kiln::explore::SweepManifest m;
  m.spec = "/specs/a.yaml";
  m.fingerprint = "0123456789abcdef";
  m.parameters = kParams;
  m.workloads = {"/w/resnet8.onnx"};
  m.objectives = {"latency", "energy"};
  m.points = 7;
  m.shard = std::make_pair(2u, 4u);
  kiln::explore::write_sweep_manifest(dir.path, m);
  const auto back = kiln::explore::read_sweep_manifest(dir.path);
  CHECK(nlohmann::json(back) == nlohmann::json(m));
  CHECK(back.shard == m.shard);
  CHECK_FALSE(back.merged_from);

  nlohmann::json bad = m;
  bad["shard"]["index"] = 4;
  std::ofstream(dir.file("sweep.json")) << bad.dump();
  CHECK_THROWS_WITH(kiln::explore::read_sweep_manifest(dir.path),
                    dir.file("sweep.json") + ": shard.index: expected an integer in [0, 3]");
  bad = m;
  bad["workloads"][0] = 3;
  std::ofstream(dir.file("sweep.json")) << bad.dump();
  CHECK_THROWS_WITH(kiln::explore::read_sweep_manifest(dir.path),
                    dir.file("sweep.json") + ": workloads[0]: expected a string");
  CHECK_THROWS_WITH(kiln::explore::read_sweep_manifest(dir.file("none")),
                    dir.file("none") + ": not a sweep directory (no sweep.json)");
}
