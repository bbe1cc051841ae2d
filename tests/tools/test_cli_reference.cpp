// `kiln reference` as scripts/check_reference.py runs it: the built binary
// (KILN_BIN) on a bundled workload with a hand-written .npy input; the output
// file, the per-op dump, and the one-line errors for inputs that do not fit.
// (Agreement with other runtimes is the ctest "tools: reference interpreter
// agrees with Arm NN and onnxruntime".) Skipped when the binary is missing.
#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "tests/support/kiln_cli.h"
#include "tests/support/npy_by_hand.h"
#include "tests/support/test_paths.h"

namespace {

using kiln::test::slurp;
using kiln::test::TempDir;
using Run = kiln::test::CliRun;

Run run_kiln(const TempDir&, const std::string& args) { return kiln::test::run_kiln(args); }

// The raw elements after a .npy header.
std::string npy_payload(const std::string& path) {
  const std::string bytes = slurp(path);
  REQUIRE(bytes.size() > 10);
  REQUIRE(bytes.compare(0, 6, "\x93NUMPY") == 0);
  const size_t header_len = uint8_t(bytes[8]) | (size_t(uint8_t(bytes[9])) << 8);
  return bytes.substr(10 + header_len);
}

const std::string kModel = kiln::test::source_dir() + "/workloads/fc_autoencoder.onnx";  // 1x640 in, 1x640 out

}  // namespace

TEST_CASE("kiln reference writes the network output and every op's output", "[cli][reference]") {
  TempDir dir;
  std::vector<uint8_t> x(640);
  for (size_t i = 0; i < x.size(); ++i) x[i] = uint8_t(i * 37 % 256);
  kiln::test::write_npy_by_hand(dir.path + "/in.npy", "|i1", "(1, 640)", x);

  const Run r = run_kiln(dir, "reference '" + kModel + "' --input '" + dir.path + "/in.npy' --output '" + dir.path +
                                  "/out.npy' --dump '" + dir.path + "/dump'");
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const std::string out = slurp(dir.path + "/out.npy");
  CHECK(out.find("'descr': '|i1'") != std::string::npos);
  CHECK(out.find("'shape': (1, 640)") != std::string::npos);
  CHECK(npy_payload(dir.path + "/out.npy").size() == 640);

  // Ten FC layers (fc0..fc9, docs/workloads.md): ten dumps, the last being the output.
  const std::string manifest = slurp(dir.path + "/dump/manifest.json");
  size_t entries = 0;
  for (size_t at = manifest.find("\"file\""); at != std::string::npos; at = manifest.find("\"file\"", at + 1)) ++entries;
  CHECK(entries == 10);
  CHECK(npy_payload(dir.path + "/dump/009_fc9.npy") == npy_payload(dir.path + "/out.npy"));

  // The same input gives the same output (no state kept between runs).
  REQUIRE(run_kiln(dir, "reference '" + kModel + "' --input '" + dir.path + "/in.npy' --output '" + dir.path +
                            "/again.npy'").exit_code == 0);
  CHECK(slurp(dir.path + "/again.npy") == out);
}

TEST_CASE("kiln reference rejects inputs that do not fit the model", "[cli][reference]") {
  TempDir dir;
  const std::string args_tail = " --output '" + dir.path + "/out.npy'";

  kiln::test::write_npy_by_hand(dir.path + "/shape.npy", "|i1", "(1, 639)", std::vector<uint8_t>(639));
  Run r = run_kiln(dir, "reference '" + kModel + "' --input '" + dir.path + "/shape.npy'" + args_tail);
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("shape.npy: shape 1x639; expected 1x640") != std::string::npos);

  kiln::test::write_npy_by_hand(dir.path + "/type.npy", "|u1", "(1, 640)", std::vector<uint8_t>(640));
  r = run_kiln(dir, "reference '" + kModel + "' --input '" + dir.path + "/type.npy'" + args_tail);
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("type.npy: input") != std::string::npos);
  CHECK(r.err.find("needs 640 int8 ('|i1') elements (shape 1x640), the file has dtype |u1") != std::string::npos);

  kiln::test::write_npy_by_hand(dir.path + "/ok.npy", "|i1", "(1, 640)", std::vector<uint8_t>(640));
  r = run_kiln(dir, "reference '" + kModel + "' --input '" + dir.path + "/ok.npy'" + args_tail + " --output-index 1");
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("--output-index 1 out of range; the model has 1 output(s)") != std::string::npos);

  r = run_kiln(dir, "reference '" + kModel + "' --input '" + dir.path + "/ok.npy' --input '" + dir.path + "/ok.npy'" +
                        args_tail);
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("the model has 1 input(s); 2 --input given") != std::string::npos);

  std::ofstream(dir.path + "/text.npy") << "not numpy";
  r = run_kiln(dir, "reference '" + kModel + "' --input '" + dir.path + "/text.npy'" + args_tail);
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("text.npy: not a NumPy .npy file") != std::string::npos);
  CHECK(r.err.find('\n') == r.err.size() - 1);  // one line
}
