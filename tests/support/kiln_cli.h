// Running the built kiln executable from a test, as a user would: its exit
// code and its stdout and stderr apart (a one-line error must go to stderr
// and nothing else may precede it). KILN_BIN is set by catch_main.cpp.
#pragma once

#include <catch2/catch.hpp>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

namespace kiln::test {

inline std::string kiln_bin() {
  const char* bin = std::getenv("KILN_BIN");
  return bin ? bin : "";
}

// scripts/test.sh always builds kiln; a test run without it is a broken build.
inline std::string require_kiln() {
  const std::string bin = kiln_bin();
  struct stat st;
  REQUIRE(!bin.empty());
  REQUIRE(stat(bin.c_str(), &st) == 0);
  return bin;
}

inline std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

inline bool file_exists(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0;
}

// A private directory for one test's files, removed with it.
struct TempDir {
  std::string path;
  TempDir() {
    const char* base = std::getenv("TMPDIR");
    std::string t = std::string(base ? base : "/tmp") + "/kiln_test_XXXXXX";
    REQUIRE(mkdtemp(t.data()) != nullptr);
    path = t;
  }
  ~TempDir() { std::system(("rm -rf '" + path + "'").c_str()); }
  std::string file(const std::string& name) const { return path + "/" + name; }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
};

struct CliRun {
  int exit_code = -1;  // -1: killed by a signal
  std::string out, err;
  std::string all() const { return out + err; }
};

// Runs `binary args` (args are passed to the shell as written).
inline CliRun run_program(const std::string& binary, const std::string& args) {
  TempDir dir;
  const std::string cmd = "'" + binary + "' " + args + " >'" + dir.file("stdout") + "' 2>'" + dir.file("stderr") + "'";
  const int status = std::system(cmd.c_str());
  CliRun r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = slurp(dir.file("stdout"));
  r.err = slurp(dir.file("stderr"));
  return r;
}

inline CliRun run_kiln(const std::string& args) { return run_program(require_kiln(), args); }

}  // namespace kiln::test
