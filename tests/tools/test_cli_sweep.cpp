// `kiln sweep` end to end: results of every point, a failing point that does
// not stop the sweep, SIGKILL midway then --resume giving the uninterrupted
// results, and four shards merged giving the unsharded results.
#include <catch2/catch.hpp>
#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/support/kiln_cli.h"
#include "tests/support/test_paths.h"
#include "tests/tools/built_programs.h"

using kiln::test::CliRun;
using kiln::test::run_kiln;
using kiln::test::slurp;
using kiln::test::TempDir;

namespace {

// ResNet-8 on 2 array sizes x 3 SRAM sizes; 16 KiB cannot hold its activations.
std::string write_spec(const TempDir& dir) {
  const std::string path = dir.file("spec.yaml");
  std::ofstream(path) << "base: " << kiln::test::config_path("default") << "\n"
                      << "workloads: [" << kiln::test::source_dir() << "/workloads/resnet8.onnx]\n"
                      << "parameters:\n"
                      << "  npu.array.rows: [8, 16]\n"
                      << "  memories.sram.size_kib: [16, 256, 512]\n"
                      << "  npu.array.dataflow: [weight_stationary, output_stationary]\n"
                      << "seed: 3\n";
  return path;
}

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

std::vector<std::string> sorted_rows(const std::string& csv) {
  auto l = lines(csv);
  std::sort(l.begin() + 1, l.end());
  return l;
}

}  // namespace

TEST_CASE("kiln sweep: every point gets a row and a point that cannot fit fails alone", "[sweep]") {
  TempDir dir;
  const std::string spec = write_spec(dir);
  const CliRun r = run_kiln("sweep " + spec + " -o " + dir.file("out") + " -j 2");
  INFO(r.all());
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("12 design points x workloads = 12 runs: 12 ran (4 failed)") != std::string::npos);
  CHECK(r.out.find("runs per minute") != std::string::npos);
  const auto rows = lines(slurp(dir.file("out/results.csv")));
  REQUIRE(rows.size() == 13);
  CHECK(rows[0].rfind("point,workload,status,npu.array.rows,memories.sram.size_kib,npu.array.dataflow,latency_cycles", 0) ==
        0);
  size_t failed = 0;
  for (size_t i = 1; i < rows.size(); ++i) {
    INFO(rows[i]);
    std::vector<std::string> cells;
    std::istringstream in(rows[i]);
    for (std::string c; std::getline(in, c, ',');) cells.push_back(c);
    REQUIRE(cells.size() > 4);
    const bool small_sram = cells[4] == "16";  // memories.sram.size_kib
    CHECK((cells[2] == "failed") == small_sram);
    if (small_sram) CHECK(rows[i].find("activations need") != std::string::npos);
    failed += small_sram;
  }
  CHECK(failed == 4);
  // The same point with a larger array is faster (a result that depends on the parameters).
  const auto latency = [&](const std::string& prefix) {
    for (const auto& row : rows)
      if (row.find(prefix) != std::string::npos) return std::stoull(row.substr(row.find(prefix) + prefix.size()));
    FAIL("no row " << prefix);
    return 0ull;
  };
  CHECK(latency(",ok,16,512,weight_stationary,") < latency(",ok,8,512,weight_stationary,"));
  // One config per point, loadable by kiln.
  CHECK(run_kiln("config check " + dir.file("out/points/p0011.yaml")).exit_code == 0);
  // Running again into the same directory needs --resume, which then has nothing to do.
  const CliRun again = run_kiln("sweep " + spec + " -o " + dir.file("out"));
  CHECK(again.exit_code == 1);
  CHECK(again.err.find("--resume") != std::string::npos);
  const CliRun resumed = run_kiln("sweep " + spec + " -o " + dir.file("out") + " --resume");
  CHECK(resumed.exit_code == 0);
  CHECK(resumed.out.find("0 ran (0 failed), 12 already done") != std::string::npos);
}

TEST_CASE("kiln sweep: killed midway and resumed, the results equal an uninterrupted run", "[sweep]") {
  TempDir dir;
  const std::string spec = write_spec(dir);
  REQUIRE(run_kiln("sweep " + spec + " -o " + dir.file("whole") + " -j 2").exit_code == 0);

  const std::string killed = dir.file("killed");
  const pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    const std::string bin = kiln::test::kiln_bin();
    freopen("/dev/null", "w", stdout);
    freopen("/dev/null", "w", stderr);
    execl(bin.c_str(), bin.c_str(), "sweep", spec.c_str(), "-o", killed.c_str(), "-j", "1", (char*)nullptr);
    _exit(127);
  }
  // Wait for a few finished rows, then SIGKILL the sweep in the middle.
  size_t done = 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while ((done = lines(slurp(killed + "/results.jsonl")).size()) < 3 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  kill(pid, SIGKILL);
  int status = 0;
  waitpid(pid, &status, 0);
  REQUIRE(WIFSIGNALED(status));
  done = lines(slurp(killed + "/results.jsonl")).size();
  INFO(done << " rows finished before the kill");
  REQUIRE(done >= 3);
  REQUIRE(done < 12);

  const CliRun resumed = run_kiln("sweep " + spec + " -o " + killed + " --resume -j 2");
  INFO(resumed.all());
  REQUIRE(resumed.exit_code == 0);
  CHECK(resumed.err.find("resuming, " + std::to_string(done) + " of 12 runs already done") != std::string::npos);
  CHECK(sorted_rows(slurp(killed + "/results.csv")) == sorted_rows(slurp(dir.file("whole/results.csv"))));
  CHECK(lines(slurp(killed + "/results.jsonl")).size() == 12);
}

// `kiln sweep ...` with writes to the file named `file` failing after `after`
// of them, as on a disk that fills up (tests/support/write_fault.c).
CliRun sweep_with_full_disk(const std::string& args, const std::string& file, int after) {
  const char* asan = std::getenv("ASAN_OPTIONS");
  return kiln::test::run_program(
      "/usr/bin/env", "LD_PRELOAD='" + kiln::test::write_fault_library() + "' KILN_FAULT_FILE=" + file +
                          " KILN_FAULT_AFTER=" + std::to_string(after) + " ASAN_OPTIONS='" + (asan ? asan : "") +
                          ":verify_asan_link_order=0' '" + kiln::test::require_kiln() + "' sweep " + args);
}

TEST_CASE("kiln sweep: a write that fails on a full disk leaves whole rows, and the resumed sweep equals an "
          "uninterrupted run",
          "[sweep]") {
  TempDir dir;
  const std::string spec = write_spec(dir);
  REQUIRE(run_kiln("sweep " + spec + " -o " + dir.file("whole") + " -j 2").exit_code == 0);
  const auto whole = sorted_rows(slurp(dir.file("whole/results.csv")));

  // The fourth row's append to results.jsonl is cut short and every later write fails.
  const std::string full = dir.file("full");
  const CliRun failed = sweep_with_full_disk(spec + " -o " + full + " -j 2", "results.jsonl", 3);
  INFO(failed.all());
  CHECK(failed.exit_code == 1);
  CHECK(failed.err.find("results.jsonl: cannot append a result: No space left on device") != std::string::npos);
  const std::string jsonl = slurp(full + "/results.jsonl");
  CHECK(lines(jsonl).size() == 3);  // the torn fourth line was cut back
  CHECK(jsonl.back() == '\n');

  // The regenerated CSV fails too (its temporary file): the one in place stays whole.
  const CliRun csv_failed = sweep_with_full_disk(spec + " -o " + full + " --resume -j 2", "results.csv.tmp", 0);
  INFO(csv_failed.all());
  CHECK(csv_failed.exit_code == 1);
  CHECK(csv_failed.err.find("results.csv: write failed: No space left on device") != std::string::npos);
  CHECK(!kiln::test::file_exists(full + "/results.csv.tmp"));
  CHECK(lines(slurp(full + "/results.jsonl")).size() == 3);

  const CliRun resumed = run_kiln("sweep " + spec + " -o " + full + " --resume -j 2");
  INFO(resumed.all());
  REQUIRE(resumed.exit_code == 0);
  CHECK(resumed.err.find("resuming, 3 of 12 runs already done") != std::string::npos);
  CHECK(sorted_rows(slurp(full + "/results.csv")) == whole);
  CHECK(lines(slurp(full + "/results.jsonl")).size() == 12);
}

TEST_CASE("kiln sweep: a second sweep writing to the same directory is refused while the first runs", "[sweep]") {
  TempDir dir;
  const std::string spec = write_spec(dir);
  const std::string out = dir.file("out");
  REQUIRE(run_kiln("sweep " + spec + " -o " + out + " -j 2").exit_code == 0);
  // Hold the directory's lock as a running sweep does (flock on .kiln.lock, with its pid).
  const int fd = ::open((out + "/.kiln.lock").c_str(), O_RDWR);
  REQUIRE(fd >= 0);
  REQUIRE(::flock(fd, LOCK_EX | LOCK_NB) == 0);
  const std::string me = std::to_string(::getpid());
  REQUIRE(::ftruncate(fd, 0) == 0);
  REQUIRE(::pwrite(fd, me.data(), me.size(), 0) == ssize_t(me.size()));
  const CliRun second = run_kiln("sweep " + spec + " -o " + out + " --resume -j 2");
  CHECK(second.exit_code == 1);
  CHECK(second.err == "kiln: error: " + out + ": another kiln sweep (pid " + std::to_string(::getpid()) +
                          ") is writing to this directory; wait for it to end or choose another -o\n");
  const CliRun merge = run_kiln("sweep merge -o " + out + " " + out);
  CHECK(merge.exit_code == 1);
  CHECK(merge.err.find("another kiln sweep") != std::string::npos);
  ::close(fd);  // released: the sweep goes on
  const CliRun third = run_kiln("sweep " + spec + " -o " + out + " --resume -j 2");
  CHECK(third.exit_code == 0);
  CHECK(third.err.find("resuming, 12 of 12 runs already done") != std::string::npos);
}

TEST_CASE("kiln sweep: four shards merged equal the unsharded run", "[sweep]") {
  TempDir dir;
  const std::string spec = write_spec(dir);
  REQUIRE(run_kiln("sweep " + spec + " -o " + dir.file("whole") + " -j 2").exit_code == 0);
  std::string shards;
  size_t rows = 0;
  for (int k = 0; k < 4; ++k) {
    const std::string out = dir.file("shard" + std::to_string(k));
    const CliRun r = run_kiln("sweep " + spec + " -o " + out + " --shard " + std::to_string(k) + "/4");
    INFO(r.all());
    REQUIRE(r.exit_code == 0);
    rows += lines(slurp(out + "/results.csv")).size() - 1;
    shards += " " + out;
  }
  CHECK(rows == 12);  // each point in exactly one shard
  const CliRun m = run_kiln("sweep merge -o " + dir.file("merged") + shards);
  INFO(m.all());
  REQUIRE(m.exit_code == 0);
  CHECK(slurp(dir.file("merged/results.csv")) == slurp(dir.file("whole/results.csv")));
  // A shard given twice, and a bad shard spec, are refused.
  CHECK(run_kiln("sweep merge -o " + dir.file("m2") + " " + dir.file("shard0") + " " + dir.file("shard0")).exit_code ==
        1);
  const CliRun bad = run_kiln("sweep " + spec + " -o " + dir.file("x") + " --shard 4/4");
  CHECK(bad.exit_code == 1);
  CHECK(bad.err.find("expected K/N with 0 <= K < N") != std::string::npos);
}

TEST_CASE("kiln sweep report: the Pareto front and labelled plots", "[sweep]") {
  TempDir dir;
  const std::string spec = write_spec(dir);
  REQUIRE(run_kiln("sweep " + spec + " -o " + dir.file("out") + " -j 2").exit_code == 0);
  const CliRun r = run_kiln("sweep report " + dir.file("out"));
  INFO(r.all());
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("12 design points, 8 with every workload run") != std::string::npos);
  const auto points = lines(slurp(dir.file("out/report/points.csv")));
  const auto front = lines(slurp(dir.file("out/report/pareto.csv")));
  REQUIRE(points.size() == 9);
  // Latency is the only objective of this spec: the front is exactly the fastest point(s).
  const auto cells = [](const std::string& line) {
    std::vector<std::string> c;
    std::istringstream in(line);
    for (std::string x; std::getline(in, x, ',');) c.push_back(x);
    return c;
  };
  const auto header = cells(points[0]);
  const size_t lat = size_t(std::find(header.begin(), header.end(), "latency_us") - header.begin());
  const size_t on = size_t(std::find(header.begin(), header.end(), "on_front") - header.begin());
  REQUIRE(lat < header.size());
  REQUIRE(on < header.size());
  double best = 1e300;
  for (size_t i = 1; i < points.size(); ++i) best = std::min(best, std::stod(cells(points[i])[lat]));
  size_t on_front = 0;
  for (size_t i = 1; i < points.size(); ++i) {
    const auto c = cells(points[i]);
    CHECK((c[on] == "1") == (std::stod(c[lat]) == best));
    on_front += c[on] == "1";
  }
  CHECK(front.size() == on_front + 1);
  // The plots exist, as PNG (magic bytes) and SVG with labelled axes and units.
  for (const char* name : {"latency_vs_area", "latency_vs_energy", "parameter_effect"}) {
    INFO(name);
    CHECK(slurp(dir.file(std::string("out/report/") + name + ".png")).rfind("\x89PNG", 0) == 0);
    const std::string svg = slurp(dir.file(std::string("out/report/") + name + ".svg"));
    CHECK(svg.find("<svg") != std::string::npos);
  }
  const std::string svg = slurp(dir.file("out/report/latency_vs_area.svg"));
  CHECK(svg.find("latency (µs)") != std::string::npos);
  CHECK(svg.find("area (mm²)") != std::string::npos);
  CHECK(svg.find("rows=16") != std::string::npos);  // points are labelled by their parameters
}

TEST_CASE("kiln sweep: a point's row is what kiln run of its config reports, a model that does not load fails "
          "every point with kiln run's error",
          "[sweep]") {
  TempDir dir;
  const std::string bad = dir.file("broken.onnx");
  std::ofstream(bad) << "not a model";
  const std::string spec = dir.file("spec.yaml");
  std::ofstream(spec) << "base: " << kiln::test::config_path("default") << "\n"
                      << "workloads: [" << kiln::test::source_dir() << "/workloads/fc_autoencoder.onnx, " << bad << "]\n"
                      << "parameters:\n"
                      << "  npu.array.rows: [8, 16]\n"
                      << "seed: 5\n";
  const CliRun r = run_kiln("sweep " + spec + " -o " + dir.file("out") + " -j 2");
  INFO(r.all());
  REQUIRE(r.exit_code == 0);
  const std::string csv = slurp(dir.file("out/results.csv"));
  for (const char* point : {"p0000", "p0001"}) {
    const std::string config = dir.file("out/points/") + point + ".yaml";
    const CliRun run = run_kiln("run " + kiln::test::source_dir() + "/workloads/fc_autoencoder.onnx --soc " + config +
                                " --seed 5 --report " + dir.file("report.json"));
    REQUIRE(run.exit_code == 0);
    const auto report = nlohmann::json::parse(slurp(dir.file("report.json")));
    const std::string cycles = std::to_string(report.at("totals").at("latency_cycles").get<uint64_t>());
    INFO(point << ": " << csv);
    CHECK(csv.find(std::string(point) + ",fc_autoencoder.onnx,ok,") != std::string::npos);
    CHECK(csv.find("," + cycles + ",") != std::string::npos);
    const CliRun broken = run_kiln("run " + bad + " --soc " + config + " --seed 5");
    REQUIRE(broken.exit_code == 1);
    const std::string error = lines(broken.err).at(0).substr(std::string("kiln: error: ").size());
    CHECK(csv.find(std::string(point) + ",broken.onnx,failed,") != std::string::npos);
    bool same_error = false;
    for (const auto& row : lines(slurp(dir.file("out/results.jsonl")))) {
      const auto j = nlohmann::json::parse(row);
      if (j.at("point") == point && j.at("workload") == "broken.onnx") same_error = j.at("error") == error;
    }
    CHECK(same_error);
  }
}

TEST_CASE("kiln sweep: a model with two inputs and two outputs runs at every point", "[sweep]") {
  TempDir dir;
  const std::string spec = dir.file("spec.yaml");
  std::ofstream(spec) << "base: " << kiln::test::config_path("default") << "\n"
                      << "workloads: [" << kiln::test::data_path("models/onnx/qdq_two_inputs_two_outputs.onnx") << "]\n"
                      << "parameters:\n"
                      << "  npu.array.rows: [8, 16]\n"
                      << "seed: 5\n";
  const CliRun r = run_kiln("sweep " + spec + " -o " + dir.file("out") + " -j 2");
  INFO(r.all());
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("2 design points x workloads = 2 runs: 2 ran (0 failed)") != std::string::npos);
  const auto rows = lines(slurp(dir.file("out/results.csv")));
  REQUIRE(rows.size() == 3);
  for (size_t i = 1; i < rows.size(); ++i) CHECK(rows[i].find(",ok,") != std::string::npos);
}
