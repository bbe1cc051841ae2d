// The .npy reader (arch/npy.h): headers as NumPy writes them in any key
// order, and every malformed header a located one-line error, read in time
// linear in its length (no std::regex, no recursion) and with no allocation
// before the shape's size is checked against the file.
#include <catch2/catch.hpp>

#include <fstream>
#include <string>
#include <vector>

#include "arch/error.h"
#include "arch/npy.h"
#include "tests/support/error_of.h"
#include "tests/support/kiln_cli.h"
#include "tests/support/npy_by_hand.h"

using kiln::test::error_of;
using kiln::test::TempDir;
using kiln::NpyArray;
using kiln::read_npy;

namespace {

// A version 1.0 file with exactly this header text (no padding) and data.
std::string raw_npy(const TempDir& dir, const std::string& header, const std::string& data = "") {
  const std::string path = dir.file("raw.npy");
  std::ofstream out(path, std::ios::binary);
  out << "\x93NUMPY" << char(1) << char(0) << char(header.size() & 0xff) << char(header.size() >> 8) << header << data;
  return path;
}

std::string header_error(const TempDir& dir, const std::string& header, const std::string& data = "") {
  const std::string path = raw_npy(dir, header, data);
  const std::string e = error_of([&] { read_npy(path); });
  return e.rfind(path + ": ", 0) == 0 ? e.substr(path.size() + 2) : "(not located) " + e;
}

}  // namespace

TEST_CASE("npy: NumPy's layouts read, in any key order, scalars and empty arrays too", "[npy]") {
  TempDir dir;
  kiln::test::write_npy_by_hand(dir.file("a.npy"), "|i1", "(2, 3)", {1, 2, 3, 4, 5, 6});
  const NpyArray a = read_npy(dir.file("a.npy"));
  CHECK(a.dtype == "|i1");
  CHECK(a.shape == std::vector<int64_t>{2, 3});
  CHECK(a.data == std::vector<uint8_t>{1, 2, 3, 4, 5, 6});

  const NpyArray b = read_npy(raw_npy(dir, "{'shape': (2,), 'fortran_order': False, 'descr': '<i4'}\n", std::string(8, 'x')));
  CHECK(b.shape == std::vector<int64_t>{2});
  CHECK(b.dtype == "<i4");
  CHECK(b.data.size() == 8);

  const NpyArray scalar = read_npy(raw_npy(dir, "{'descr': '|u1', 'fortran_order': False, 'shape': (), }", "\x07"));
  CHECK(scalar.shape.empty());
  CHECK(scalar.data == std::vector<uint8_t>{7});

  const NpyArray empty = read_npy(raw_npy(dir, "{'descr': '|i1', 'fortran_order': False, 'shape': (0, 5), }"));
  CHECK(empty.shape == std::vector<int64_t>{0, 5});
  CHECK(empty.data.empty());

  // Round trip through kiln's own writer.
  kiln::write_npy(dir.file("w.npy"), a);
  const NpyArray w = read_npy(dir.file("w.npy"));
  CHECK(w.shape == a.shape);
  CHECK(w.data == a.data);
}

TEST_CASE("npy: every malformed header names the byte and what was expected", "[npy]") {
  TempDir dir;
  const std::string ok_tail = "'fortran_order': False, 'shape': (1,), }";
  // Bytes count from the file's start: the header begins at byte 10.
  CHECK(header_error(dir, "['descr']") == ".npy header, byte 10: expected '{'");
  CHECK(header_error(dir, "{descr: '|i1'}") == ".npy header, byte 11: expected a quoted string");
  CHECK(header_error(dir, "{'descr': '|i1") == ".npy header, byte 20: unterminated string");
  CHECK(header_error(dir, "{'descr': '|i1' 'shape': (1,)}") == ".npy header, byte 26: expected ',' or '}'");
  CHECK(header_error(dir, "{'descr': '|i1', 'colour': 1}") ==
        ".npy header, byte 27: unknown key 'colour'; expected 'descr', 'fortran_order' or 'shape'");
  CHECK(header_error(dir, "{'descr': '|i1', 'fortran_order': Maybe}") == ".npy header, byte 44: expected True or False");
  CHECK(header_error(dir, "{'descr': '|i1', 'shape': (1 2)}") == ".npy header, byte 39: expected ',' or ')' in the shape");
  CHECK(header_error(dir, "{'descr': '|i1', 'shape': (-5,)}") ==
        ".npy header, byte 37: a negative dimension; expected a size of 0 or more");
  CHECK(header_error(dir, "{'descr': '|i1', 'shape': (x,)}") ==
        ".npy header, byte 37: expected a dimension (a non-negative integer)");
  CHECK(header_error(dir, "{'descr': '|i1', 'shape': (9223372036854775808,)}") ==
        ".npy header, byte 55: a dimension larger than 2^63-1");
  CHECK(header_error(dir, "{'fortran_order': False, 'shape': (1,)}") == ".npy header has no 'descr'");
  CHECK(header_error(dir, "{'descr': '|i1', 'fortran_order': False}") == ".npy header has no 'shape'");
  CHECK(header_error(dir, "{'descr': '|i1', 'fortran_order': True, 'shape': (1,)}", "x") ==
        "Fortran-order arrays are not supported; save with C order");
  CHECK(header_error(dir, "{'descr': '<f8', " + ok_tail, std::string(8, 'x')) ==
        "dtype '<f8' not supported; expected int8 ('|i1'), uint8 ('|u1'), int32 ('<i4'), int64 ('<i8') or float32 ('<f4')");
  CHECK(header_error(dir, "{'descr': '|i1', " + ok_tail, "xy") == "data has 2 bytes, the shape and dtype need 1");
}

TEST_CASE("npy: shapes that claim too much are refused before any allocation", "[npy]") {
  TempDir dir;
  // 2^32 * 2^32 * 16 bytes overflows 64 bits.
  CHECK(header_error(dir, "{'descr': '|i1', 'fortran_order': False, 'shape': (4294967296, 4294967296, 16), }") ==
        "the shape's byte size overflows 64 bits");
  // 2^40 elements: a size no file here has; compared with the file, not allocated.
  CHECK(header_error(dir, "{'descr': '<i4', 'fortran_order': False, 'shape': (1099511627776,), }") ==
        "data has 0 bytes, the shape and dtype need 4398046511104");
  // A shape tuple of 20000 dimensions and a 60000-byte descr: located errors, no stack overflow.
  std::string dims;
  for (int i = 0; i < 20000; ++i) dims += "1, ";
  CHECK(header_error(dir, "{'descr': '|i1', 'fortran_order': False, 'shape': (" + dims + "), }") ==
        ".npy header, byte 253: more than 64 dimensions");
  const std::string e = header_error(dir, "{'descr': '" + std::string(60000, 'x') + "', " + "'fortran_order': False, 'shape': (1,), }");
  CHECK_THAT(e, Catch::StartsWith("dtype 'xxxx"));
  CHECK(e.size() < 400);
}
