// parse_document reads a document the same with and without its comments,
// and its messages point at the same line and column either way.
#include <catch2/catch.hpp>

#include <string>

#include "arch/error.h"
#include "arch/yaml_reader.h"

using namespace kiln;

namespace {

std::string message_of(const std::string& text) {
  try {
    yaml::parse_document(text, "f.yaml");
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("parse_document: comments are cut, values are not", "[yaml]") {
  const YAML::Node n = yaml::parse_document(
      "# heading\n"
      "a: 1  # one\n"
      "b: x#y      # '#' inside a word is not a comment\n"
      "c: {p: 2, q: 3}  # flow map\n"
      "list:\n"
      "  - 4 # four\n"
      "  # a full-line comment inside the list\n"
      "  - 5\n",
      "f.yaml");
  CHECK(n["a"].as<int>() == 1);
  CHECK(n["b"].as<std::string>() == "x#y");
  CHECK(n["c"]["q"].as<int>() == 3);
  REQUIRE(n["list"].size() == 2);
  CHECK(n["list"][1].as<int>() == 5);
  // Marks are those of the original text.
  CHECK(n["list"][1].Mark().line == 7);
  CHECK(n["list"][1].Mark().column == 4);
}

TEST_CASE("parse_document: quotes and block scalars keep their '#'", "[yaml]") {
  const YAML::Node n = yaml::parse_document(
      "a: \"x # not a comment\"\n"
      "b: 'y # nor this'\n"
      "c: |\n"
      "  # a line of the block\n",
      "f.yaml");
  CHECK(n["a"].as<std::string>() == "x # not a comment");
  CHECK(n["b"].as<std::string>() == "y # nor this");
  CHECK(n["c"].as<std::string>() == "# a line of the block\n");
}

TEST_CASE("parse_document: a syntax error is located the same with comments", "[yaml]") {
  const std::string with = message_of("# one\n# two\na: [1, 2  # unclosed\nb: 3\n");
  const std::string without = message_of("\n\na: [1, 2\nb: 3\n");
  REQUIRE_FALSE(with.empty());
  CHECK(with == without);
  CHECK(with.rfind("f.yaml:", 0) == 0);
}
