// `kiln asm` and `kiln disasm` as a user runs them: the built binary
// (KILN_BIN, set by ctest) on a sample stream and on bad ones; exit codes,
// files written, and the one-line error.
#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "tests/support/kiln_cli.h"
#include "tests/support/test_paths.h"

namespace {

using kiln::test::slurp;
using kiln::test::TempDir;
using Run = kiln::test::CliRun;

Run run_kiln(const TempDir&, const std::string& args) { return kiln::test::run_kiln(args); }

size_t lines(const std::string& s) {
  size_t n = 0;
  for (char c : s) n += c == '\n';
  return n;
}

}  // namespace

TEST_CASE("kiln asm and disasm round-trip a sample stream to identical bytes", "[cli][asm]") {
  TempDir dir;
  const std::string sample = kiln::test::data_path("streams/conv_double_buffer.kasm");
  const std::string soc = kiln::test::config_path("default");
  Run a = run_kiln(dir, "asm '" + sample + "' -o '" + dir.path + "/a.kbin' --soc '" + soc + "'");
  INFO(a.err);
  REQUIRE(a.exit_code == 0);
  CHECK(a.out.find("19 commands, 3 images") != std::string::npos);

  Run d = run_kiln(dir, "disasm '" + dir.path + "/a.kbin' -o '" + dir.path + "/b.kasm'");
  REQUIRE(d.exit_code == 0);
  Run b = run_kiln(dir, "asm '" + dir.path + "/b.kasm'");  // default output: b.kbin
  REQUIRE(b.exit_code == 0);
  const std::string first = slurp(dir.path + "/a.kbin"), second = slurp(dir.path + "/b.kbin");
  CHECK(first.size() > 24);
  CHECK(first == second);

  Run to_stdout = run_kiln(dir, "disasm '" + dir.path + "/a.kbin'");
  CHECK(to_stdout.exit_code == 0);
  CHECK(to_stdout.out == slurp(dir.path + "/b.kasm"));
}

TEST_CASE("kiln asm and disasm reject bad streams with one line and exit code 1", "[cli][asm]") {
  TempDir dir;
  const std::string bad = kiln::test::data_path("streams/bad/");
  const std::string soc = kiln::test::config_path("default");

  Run syntax = run_kiln(dir, "asm '" + bad + "unknown_mnemonic.kasm' -o '" + dir.path + "/x.kbin'");
  CHECK(syntax.exit_code == 1);
  CHECK(lines(syntax.err) == 1);
  CHECK(syntax.err.find("unknown_mnemonic.kasm:2:3: unknown mnemonic 'matmul'") != std::string::npos);
  struct stat st;
  CHECK(stat((dir.path + "/x.kbin").c_str(), &st) != 0);  // nothing written

  // Assembles alone; fails validation against the SoC.
  Run plain = run_kiln(dir, "asm '" + bad + "token_deadlock.kasm' -o '" + dir.path + "/y.kbin'");
  CHECK(plain.exit_code == 0);
  Run checked = run_kiln(dir, "asm '" + bad + "token_deadlock.kasm' -o '" + dir.path + "/y.kbin' --soc '" + soc + "'");
  CHECK(checked.exit_code == 1);
  CHECK(checked.err.find("token_deadlock.kasm: command 0: token deadlock") != std::string::npos);

  Run crc = run_kiln(dir, "disasm '" + bad + "bad_checksum.kbin'");
  CHECK(crc.exit_code == 1);
  CHECK(lines(crc.err) == 1);
  CHECK(crc.err.find("bad_checksum.kbin: header: checksum mismatch") != std::string::npos);

  Run truncated = run_kiln(dir, "disasm '" + bad + "truncated_command.kbin'");
  CHECK(truncated.exit_code == 1);
  CHECK(truncated.err.find("command 3: truncated") != std::string::npos);

  Run missing = run_kiln(dir, "disasm '" + dir.path + "/none.kbin'");
  CHECK(missing.exit_code == 1);
  CHECK(missing.err.find("none.kbin: cannot open") != std::string::npos);

  Run help = run_kiln(dir, "disasm --help");
  CHECK(help.exit_code == 0);
  CHECK(help.out.find("IN") != std::string::npos);
}
