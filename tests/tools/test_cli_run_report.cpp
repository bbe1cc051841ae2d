// The file `kiln run --report` writes is the typed run report
// (explore/run_report.h) and nothing else: read back and written again it is
// the same text byte for byte, for a model and for a SCALE-Sim topology.
#include <catch2/catch.hpp>

#include <string>

#include <nlohmann/json.hpp>

#include "explore/run_report.h"
#include "tests/support/kiln_cli.h"
#include "tests/support/test_paths.h"

using kiln::test::run_kiln;
using kiln::test::slurp;
using kiln::test::TempDir;

TEST_CASE("run report: kiln run's report reads back to the same text", "[tools]") {
  TempDir dir;
  const std::string src = kiln::test::source_dir();
  const std::string model = dir.file("model.json"), topology = dir.file("topology.json");
  REQUIRE(run_kiln("run " + src + "/workloads/dscnn_kws.onnx --seed 2 --report " + model).exit_code == 0);
  REQUIRE(run_kiln("run --topology " + src + "/tests/data/scalesim/tiny.csv --scalesim-config " + src +
                   "/tests/data/scalesim/ws8.cfg --seed 1 --report " + topology)
              .exit_code == 0);
  for (const std::string& path : {model, topology}) {
    INFO(path);
    const kiln::explore::RunReport r = kiln::explore::read_run_report(path);
    CHECK(nlohmann::json(r).dump(2) + "\n" == slurp(path));
    CHECK(r.energy);
    CHECK(r.area);
    CHECK(r.wall_ms);
    CHECK(r.array_engine);
    CHECK(r.outputs_match);
  }
  CHECK_FALSE(kiln::explore::read_run_report(model).scalesim);
  REQUIRE(kiln::explore::read_run_report(topology).scalesim);
  CHECK(kiln::explore::read_run_report(topology).scalesim->size() ==
        kiln::explore::read_run_report(topology).layers.size());
}
