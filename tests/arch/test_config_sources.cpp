// Every number of the shipped board configs (configs/soc/boards/) and MCU
// profiles (configs/mcu/) names its source in a comment on its line, and no
// shipped config or data file says UNSOURCED. A number of kiln's model that no
// document states says "no document" and points at the table that shows how
// far it moves the MLPerf Tiny latencies ("sensitivity: docs/silicon.md",
// written by scripts/board_sensitivity.py).
#include <catch2/catch.hpp>

#include <cctype>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "arch/soc_config_yaml.h"
#include "tests/support/test_paths.h"

using namespace kiln;

namespace {

std::vector<std::string> files_in(const std::string& dir, const std::string& ext) {
  std::vector<std::string> out;
  for (const auto& e : std::filesystem::directory_iterator(test::source_dir() + "/" + dir))
    if (e.path().extension() == ext) out.push_back(e.path().string());
  return out;
}

std::string trim(const std::string& s) {
  const size_t b = s.find_first_not_of(" \t"), e = s.find_last_not_of(" \t");
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

// A line of these YAML files: "key: value  # comment", possibly a list item ("- key: ..."). The
// comment starts at a '#' that opens the line or follows a blank (no value here holds a '#').
struct Line {
  std::string value, comment;
  bool keyed = false;
};

Line split(const std::string& text) {
  Line l;
  size_t hash = std::string::npos;
  for (size_t i = 0; i < text.size(); ++i)
    if (text[i] == '#' && (i == 0 || text[i - 1] == ' ' || text[i - 1] == '\t')) {
      hash = i;
      break;
    }
  std::string body = trim(text.substr(0, hash));
  if (hash != std::string::npos) l.comment = trim(text.substr(hash + 1));
  if (body.rfind("- ", 0) == 0) body = trim(body.substr(2));
  const size_t colon = body.find(':');
  if (colon == std::string::npos || colon == 0) return l;
  for (size_t i = 0; i < colon; ++i)
    if (!(std::isalnum(static_cast<unsigned char>(body[i])) || body[i] == '_')) return l;
  l.keyed = true;
  l.value = trim(body.substr(colon + 1));
  return l;
}

// A YAML number as these files write them: decimal, with a fraction or exponent, or 0x hex.
bool is_number(const std::string& s) {
  size_t i = s.rfind('-', 0) == 0 ? 1 : 0;
  if (s.compare(i, 2, "0x") == 0) {
    if (s.size() == i + 2) return false;
    for (size_t j = i + 2; j < s.size(); ++j)
      if (!std::isxdigit(static_cast<unsigned char>(s[j]))) return false;
    return true;
  }
  bool digit = false;
  for (; i < s.size(); ++i) {
    const char c = s[i];
    if (std::isdigit(static_cast<unsigned char>(c))) digit = true;
    else if (!(c == '.' || c == 'e' || c == 'E' || ((c == '-' || c == '+') && i > 0 && (s[i - 1] == 'e' || s[i - 1] == 'E'))))
      return false;
  }
  return digit;
}

// The value holds a number: a number itself, or a flow map with a numeric entry ({size_kib: 64, ...}).
bool holds_number(const std::string& value) {
  if (is_number(value)) return true;
  if (value.empty() || value[0] != '{') return false;
  size_t at = 1;
  while (at < value.size()) {
    const size_t colon = value.find(':', at);
    if (colon == std::string::npos) break;
    size_t end = value.find_first_of(",}", colon);
    if (end == std::string::npos) end = value.size();
    if (is_number(trim(value.substr(colon + 1, end - colon - 1)))) return true;
    at = end + 1;
  }
  return false;
}

// Checks every numeric line of a file for a comment; a "no document" comment must name its sensitivity table.
void check_sources(const std::string& path) {
  std::ifstream in(path);
  REQUIRE(in);
  std::string text;
  int line_no = 0, numbers = 0;
  while (std::getline(in, text)) {
    ++line_no;
    INFO(path << ":" << line_no << ": " << text);
    CHECK(text.find("UNSOURCED") == std::string::npos);
    const Line l = split(text);
    if (!l.keyed || !holds_number(l.value)) continue;
    ++numbers;
    CHECK_FALSE(l.comment.empty());  // a comment naming the number's source
    if (l.comment.find("no document") != std::string::npos)
      CHECK(l.comment.find("sensitivity: docs/silicon.md") != std::string::npos);
  }
  CHECK(numbers > 0);
}

}  // namespace

TEST_CASE("the number finder of these checks reads YAML numbers and comments") {
  CHECK(is_number("64"));
  CHECK(is_number("0x20000000"));
  CHECK(is_number("0.1388"));
  CHECK(is_number("1e3"));
  CHECK_FALSE(is_number("cortex-m4"));
  CHECK_FALSE(is_number("horowitz45"));
  CHECK_FALSE(is_number("X-CUBE-AI 9.0"));
  CHECK(holds_number("{size_kib: 64, banks: 2}"));
  CHECK(holds_number("{fixed: 0, per_element: 0.25}"));
  CHECK_FALSE(holds_number("{rows_name: a, dataflow: weight_stationary}"));
  const Line l = split("    - base: 0x08000000   # the flash alias (RM0432 §2.2)");
  CHECK(l.keyed);
  CHECK(l.value == "0x08000000");
  CHECK(l.comment == "the flash alias (RM0432 §2.2)");
  CHECK(split("  clock_mhz: 120").comment.empty());
  CHECK_FALSE(split("# name: 3").keyed);
}

TEST_CASE("every board config loads and names the source of each number") {
  const auto files = files_in("configs/soc/boards", ".yaml");
  CHECK(files.size() >= 6);
  for (const auto& path : files) {
    INFO(path);
    const SocConfig soc = load_soc_config(path);
    CHECK(soc.mcu.costs.size() > 0);
    check_sources(path);
  }
}

TEST_CASE("every MCU profile names the source of each number") {
  const auto files = files_in("configs/mcu", ".yaml");
  CHECK(files.size() >= 3);
  for (const auto& path : files) check_sources(path);
}

TEST_CASE("no shipped config or data file says UNSOURCED") {
  int files = 0;
  for (const auto& e : std::filesystem::recursive_directory_iterator(test::source_dir() + "/configs")) {
    if (!e.is_regular_file()) continue;
    ++files;
    std::ifstream in(e.path());
    std::string text;
    int line_no = 0;
    while (std::getline(in, text)) {
      ++line_no;
      INFO(e.path().string() << ":" << line_no);
      CHECK(text.find("UNSOURCED") == std::string::npos);
    }
  }
  CHECK(files > 10);
}
