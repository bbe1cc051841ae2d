// Progress from the library (explore/progress.h): a sweep and a tuning
// report what they do through the callback they are given, in order, with
// counts that add up: one Status per finished run, a StatusEnd closing each
// batch, the resumed runs as a Step. The command line's printing of these is
// checked byte for byte against the sweep and tune outputs elsewhere.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "explore/progress.h"
#include "explore/sweep_runner.h"
#include "explore/tune.h"
#include "tests/support/kiln_cli.h"
#include "tests/support/test_paths.h"

using kiln::explore::Progress;
using kiln::test::TempDir;

TEST_CASE("progress: a sweep reports each finished run, then the end, and a resume as a step", "[explore]") {
  TempDir dir;
  const std::string spec = dir.file("spec.yaml");
  std::ofstream(spec) << "base: " << kiln::test::config_path("default") << "\n"
                      << "workloads: [" << kiln::test::source_dir() << "/workloads/fc_autoencoder.onnx]\n"
                      << "parameters:\n"
                      << "  npu.array.rows: [8, 16]\n"
                      << "  memories.sram.size_kib: [16, 256]\n"
                      << "seed: 1\n";
  kiln::explore::SweepOptions o;
  o.spec = spec;
  o.out_dir = dir.file("out");
  o.jobs = 2;
  std::vector<Progress> seen;
  o.progress = [&](const Progress& p) { seen.push_back(p); };
  const auto sum = kiln::explore::run_sweep(o);
  REQUIRE(sum.ran == 4);
  REQUIRE(seen.size() == 5);
  for (size_t i = 0; i < 4; ++i) {
    CHECK(seen[i].kind == Progress::Kind::Status);
    CHECK(seen[i].done == i + 1);
    CHECK(seen[i].total == 4);
    CHECK(seen[i].text.find("sweep: " + std::to_string(i + 1) + "/4 done, ") == 0);
  }
  CHECK(seen[4].kind == Progress::Kind::StatusEnd);
  CHECK(seen[4].done == 4);
  CHECK(seen[4].text.find("sweep: 4/4 done, " + std::to_string(sum.failed) + " failed") == 0);

  // Resumed with nothing left: the step says so and no run is reported.
  seen.clear();
  o.resume = true;
  kiln::explore::run_sweep(o);
  REQUIRE(seen.size() == 1);
  CHECK(seen[0].kind == Progress::Kind::Step);
  CHECK(seen[0].text == "sweep: resuming, 4 of 4 runs already done");
}

TEST_CASE("progress: a tuning reports its rounds as steps and every simulation as a status", "[explore]") {
  TempDir dir;
  kiln::explore::TuneOptions o;
  o.model = kiln::test::source_dir() + "/workloads/fc_autoencoder.onnx";
  o.soc = kiln::test::config_path("default");
  o.record = dir.file("record.json");
  o.work_dir = dir.file("work");
  o.kiln_exe = kiln::test::require_kiln();
  o.jobs = 2;
  o.budget_simulations = 6;
  std::vector<Progress> seen;
  o.progress = [&](const Progress& p) { seen.push_back(p); };
  const auto record = kiln::explore::run_tune(o);
  REQUIRE(!seen.empty());
  CHECK(seen.front().kind == Progress::Kind::Step);
  CHECK(seen.front().text.find("tune: " + o.model + " on ") == 0);
  size_t statuses = 0, last_done = 0, steps = 0;
  bool round0 = false;
  for (const auto& p : seen) {
    if (p.kind == Progress::Kind::Status) {
      ++statuses;
      CHECK(p.done == last_done + 1);  // one per simulation, in order
      CHECK(p.total == 6);
      last_done = p.done;
    } else if (p.kind == Progress::Kind::Step) {
      ++steps;
      CHECK(p.text.find('\n') == std::string::npos);  // one line each
      round0 |= p.text.find("round  0    1 simulations") == 0;
    }
  }
  CHECK(round0);
  CHECK(statuses == record.simulations);
  CHECK(last_done == record.simulations);
  CHECK(seen.back().kind != Progress::Kind::Status);  // every batch is closed
  CHECK(steps >= 3);
  CHECK(std::filesystem::exists(o.record));
}
