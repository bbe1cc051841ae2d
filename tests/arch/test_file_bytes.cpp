// read_stream returns every byte of a file as it is (NUL and high bytes, sizes
// past one read block), nothing for an empty file, and only what follows the position.
#include <catch2/catch.hpp>

#include <cstdio>
#include <fstream>
#include <random>
#include <sstream>
#include <string>

#include "arch/file_bytes.h"
#include "tests/support/kiln_cli.h"

using namespace kiln;

TEST_CASE("read_stream returns a file's bytes exactly", "[file_bytes]") {
  test::TempDir dir;
  std::string bytes(200003, '\0');  // several of the stream's blocks, and not a multiple of any
  std::mt19937 rng(3);
  for (auto& b : bytes) b = char(rng());
  bytes[0] = '\0', bytes[1] = '\xff', bytes[2] = '\n';
  const std::string path = dir.file("model.bin");
  std::ofstream(path, std::ios::binary) << bytes;
  std::ifstream in(path, std::ios::binary);
  CHECK(read_stream(in) == bytes);
  CHECK_FALSE(in.bad());

  const std::string empty = dir.file("empty.bin");
  std::ofstream(empty, std::ios::binary).close();
  std::ifstream none(empty, std::ios::binary);
  CHECK(read_stream(none).empty());
  CHECK_FALSE(none.bad());
}

TEST_CASE("read_stream reads what a stream holds after its position", "[file_bytes]") {
  std::istringstream in("header:payload");
  in.ignore(7);
  CHECK(read_stream(in) == "payload");
}
