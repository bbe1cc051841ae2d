// Every input the fuzzing harnesses found (tests/data/fuzz/<kind>/, one
// folder per harness, docs/robustness.md) through the kiln command that reads
// that kind of file: a refused input ends in exit 1 with exactly one stderr
// line that names the file; an input named ok_* is one kiln now accepts, and
// for a model that means the simulation equals the reference (kiln run).
// The harnesses' own replayers (ctest "fuzz: ...") check the library calls.
#include <catch2/catch.hpp>

#include <dirent.h>

#include <algorithm>
#include <fstream>
#include <string>
#include <vector>

#include "tests/support/kiln_cli.h"
#include "tests/support/test_paths.h"

namespace {

using kiln::test::TempDir;

std::vector<std::string> inputs(const std::string& kind) {
  const std::string dir = kiln::test::source_dir() + "/tests/data/fuzz/" + kind;
  std::vector<std::string> files;
  if (DIR* d = opendir(dir.c_str())) {
    while (const dirent* e = readdir(d))
      if (e->d_name[0] != '.') files.push_back(dir + "/" + e->d_name);
    closedir(d);
  }
  std::sort(files.begin(), files.end());
  return files;
}

bool accepted_by_name(const std::string& path) { return path.rfind("/ok_") != std::string::npos; }

// `kiln ARGS` where ARGS names `file`: refused in one line naming it, or (ok_*) accepted.
void check(const std::string& file, const std::string& args) {
  INFO("kiln " << args);
  const kiln::test::CliRun r = kiln::test::run_kiln(args);
  INFO("stderr: " << r.err);
  if (accepted_by_name(file)) {
    CHECK(r.exit_code == 0);
    return;
  }
  CHECK(r.exit_code == 1);
  CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
  CHECK(r.err.find(file) != std::string::npos);
}

std::string q(const std::string& s) { return "'" + s + "'"; }

}  // namespace

TEST_CASE("fuzz regressions: models through kiln compile and kiln run", "[fuzz]") {
  TempDir dir;
  for (const std::string kind : {"tflite", "onnx"})
    for (const auto& f : inputs(kind))
      check(f, (accepted_by_name(f) ? "run " + q(f) : "compile " + q(f) + " -o " + q(dir.file("out.kbin"))));
}

TEST_CASE("fuzz regressions: SoC configs through kiln config check", "[fuzz]") {
  for (const auto& f : inputs("soc_config")) check(f, "config check " + q(f));
}

TEST_CASE("fuzz regressions: technologies through an SoC config's technology", "[fuzz]") {
  TempDir dir;
  const std::string base = kiln::test::slurp(kiln::test::source_dir() + "/configs/soc/default.yaml");
  for (const auto& f : inputs("technology")) {
    // The default config with its technology replaced by this file.
    std::string soc = base;
    const size_t at = soc.find("\ntechnology:");
    REQUIRE(at != std::string::npos);
    soc.replace(at + 1, soc.find('\n', at + 1) - at - 1, "technology: " + f);
    std::ofstream(dir.file("soc.yaml")) << soc;
    check(f, "config check " + q(dir.file("soc.yaml")));
  }
}

TEST_CASE("fuzz regressions: sweep specs through kiln sweep", "[fuzz]") {
  TempDir dir;
  for (const auto& f : inputs("sweep_spec")) check(f, "sweep " + q(f) + " -o " + q(dir.file("out")));
}

TEST_CASE("fuzz regressions: command streams through kiln asm and kiln disasm", "[fuzz]") {
  TempDir dir;
  const std::string soc = kiln::test::source_dir() + "/configs/soc/default.yaml";
  for (const auto& f : inputs("kasm")) check(f, "asm " + q(f) + " --soc " + q(soc) + " -o " + q(dir.file("o.kbin")));
  for (const auto& f : inputs("kbin")) check(f, "disasm " + q(f) + " --soc " + q(soc) + " -o " + q(dir.file("o.kasm")));
}

TEST_CASE("fuzz regressions: arrays through kiln reference --input", "[fuzz]") {
  TempDir dir;
  const std::string model = kiln::test::source_dir() + "/workloads/dscnn_kws.onnx";
  for (const auto& f : inputs("npy"))
    check(f, "reference " + q(model) + " --input " + q(f) + " --output " + q(dir.file("out.npy")));
}

TEST_CASE("fuzz regressions: tuning records through kiln compile --tuning", "[fuzz]") {
  TempDir dir;
  const std::string model = kiln::test::source_dir() + "/workloads/dscnn_kws.onnx";
  for (const auto& f : inputs("tuning_record"))
    check(f, "compile " + q(model) + " --tuning " + q(f) + " -o " + q(dir.file("out.kbin")));
}
