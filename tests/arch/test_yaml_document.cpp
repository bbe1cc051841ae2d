// parse_document builds the tree kiln's readers check (types from how a
// scalar is written, marks of every node), refuses what they cannot read
// with a located message, and emit_document writes a tree that reads back
// the same.
#include <catch2/catch.hpp>

#include <string>

#include "arch/error.h"
#include "arch/yaml_document.h"
#include "tests/support/error_of.h"

using namespace kiln;
using kiln::test::error_of;

namespace {

yaml::Node parse(const std::string& text) { return yaml::parse_document(text, "f.yaml"); }
std::string message_of(const std::string& text) {
  return error_of([&] { parse(text); });
}

// The tree as one line: types, texts, quoting; for comparing two trees.
std::string shape(const yaml::Node& n) {
  switch (n.type()) {
    case yaml::Node::Type::Undefined: return "undefined";
    case yaml::Node::Type::Null: return "null";
    case yaml::Node::Type::Scalar: return (n.quoted() ? "q'" : "p'") + n.text() + "'";
    case yaml::Node::Type::Sequence: {
      std::string s = "[";
      for (const auto& item : n.items()) s += shape(item) + ",";
      return s + "]";
    }
    case yaml::Node::Type::Map: {
      std::string s = "{";
      for (const auto& [k, v] : n.entries()) s += shape(k) + ":" + shape(v) + ",";
      return s + "}";
    }
  }
  return "?";
}

}  // namespace

TEST_CASE("parse_document: maps, lists, scalars with their marks", "[yaml]") {
  const yaml::Node n = parse(
      "# heading\n"
      "a: 1  # one\n"
      "b: x#y      # '#' inside a word is not a comment\n"
      "c: {p: 2, q: 3}  # flow map\n"
      "list:\n"
      "  - 4 # four\n"
      "  # a full-line comment inside the list\n"
      "  - 5\n");
  REQUIRE(n.is_map());
  CHECK(n.size() == 4);
  CHECK(n["a"].text() == "1");
  CHECK_FALSE(n["a"].quoted());
  CHECK(n["b"].text() == "x#y");
  CHECK(n["c"]["q"].text() == "3");
  REQUIRE(n["list"].size() == 2);
  CHECK(n["list"][1].text() == "5");
  CHECK(n["list"][1].mark().line == 7);
  CHECK(n["list"][1].mark().column == 4);
  CHECK(n["a"].mark().line == 1);
  CHECK(n["a"].mark().column == 3);
  // Entries keep the document's order; keys carry their own marks.
  CHECK(n.entries()[2].first.text() == "c");
  CHECK(n.entries()[2].first.mark().line == 3);
  CHECK(n.entries()[2].first.mark().column == 0);
  // Missing keys and indexes, and the wrong kind of node, give undefined nodes.
  CHECK_FALSE(n["nope"].is_defined());
  CHECK_FALSE(n["list"][2]);
  CHECK_FALSE(n["a"]["x"]);
  CHECK(n["list"].text().empty());
}

TEST_CASE("parse_document: quoted and block scalars are strings, plain empties are null", "[yaml]") {
  const yaml::Node n = parse(
      "a: \"x # not a comment\"\n"
      "b: 'y # nor this'\n"
      "n: \"64\"\n"
      "t: ! 64\n"
      "c: |\n"
      "  # a line of the block\n"
      "e:\n"
      "f: ~\n"
      "g: null\n"
      "h: ''\n");
  CHECK(n["a"].text() == "x # not a comment");
  CHECK(n["b"].text() == "y # nor this");
  CHECK(n["n"].quoted());
  CHECK(n["t"].quoted());
  CHECK(n["c"].text() == "# a line of the block\n");
  CHECK(n["c"].quoted());
  CHECK(n["e"].is_null());
  CHECK(n["f"].is_null());
  CHECK(n["g"].is_null());
  CHECK(n["h"].is_scalar());
  CHECK(n["h"].text().empty());
}

TEST_CASE("parse_document: anchors and aliases share the node", "[yaml]") {
  const yaml::Node n = parse("base: &b {rows: 16}\ncopy: *b\n");
  CHECK(n["copy"]["rows"].text() == "16");
  CHECK(message_of("a: *nowhere\n") == "f.yaml:1:4: YAML syntax error: the referenced anchor is not defined");
  // An alias inside the node its anchor names would be a cycle.
  CHECK(message_of("a: &x [1, *x]\n") == "f.yaml:1:11: YAML syntax error: the referenced anchor is not defined");
}

TEST_CASE("parse_document: located errors", "[yaml]") {
  CHECK(message_of("a: [1, 2\nb: 3\n").rfind("f.yaml:", 0) == 0);
  // An error at the end of the input is at the end of the last line, with or without its newline.
  CHECK_THAT(message_of("name: ["), Catch::StartsWith("f.yaml:1:8: YAML syntax error: "));
  CHECK_THAT(message_of("name: [\n"), Catch::StartsWith("f.yaml:1:8: YAML syntax error: "));
  CHECK_THAT(message_of("a: b: c\n"), Catch::StartsWith("f.yaml:1:5: YAML syntax error: mapping values are not allowed"));
  CHECK_THAT(message_of("a: 1\n]\n"), Catch::StartsWith("f.yaml:2:1: YAML syntax error: "));
  CHECK_THAT(message_of("a: 1\n,\n"), Catch::StartsWith("f.yaml:2:1: YAML syntax error: "));
  CHECK(message_of("a: 1\n---\nb: 2\n---\nc: 3\n") == "f.yaml:3:1: expected one YAML document, found 3");
  CHECK(message_of("a: !!int 5\n") ==
        "f.yaml:1:4: YAML tag 'tag:yaml.org,2002:int' is not supported: write numbers plain and strings in quotes");
  // A control byte is named by value at its line and column.
  CHECK(message_of("a: 1\nb: x\x01y\n") == "f.yaml:2:5: YAML syntax error: control characters are not allowed (byte 0x01)");
  CHECK_THAT(message_of("a: \xff\n"), Catch::StartsWith("f.yaml:1:4: YAML syntax error: invalid leading UTF-8 octet"));
  const std::string deep = std::string(3000, '[') + std::string(3000, ']') + "\n";
  CHECK(message_of(deep) == "f.yaml:1:257: YAML nesting deeper than the limit of 256 levels of maps and lists; kiln's "
                            "files nest a few levels");
  // Just under the limit reads.
  const std::string ok = std::string(yaml::kMaxDepth, '[') + std::string(yaml::kMaxDepth, ']') + "\n";
  CHECK(parse(ok).is_sequence());
}

TEST_CASE("parse_document: an empty stream is undefined, an empty document null", "[yaml]") {
  CHECK_FALSE(parse("").is_defined());
  CHECK_FALSE(parse("# only a comment\n").is_defined());
  CHECK(parse("---\n").is_null());
}

TEST_CASE("emit_document: the text reads back as the same tree, quoting kept", "[yaml]") {
  const std::string text =
      "name: x\n"
      "quoted: \"64\"\n"
      "hex: 0x4000\n"
      "empty:\n"
      "list: [1, 'two', {k: v}]\n"
      "nested: {a: {b: [3, 4]}}\n"
      "odd: \"a: b # c\"\n"
      "none: {}\n";
  const yaml::Node n = parse(text);
  const yaml::Node again = parse(yaml::emit_document(n));
  CHECK(shape(again) == shape(n));
  CHECK(again["quoted"].quoted());
  CHECK_FALSE(again["hex"].quoted());
}

TEST_CASE("set_scalar writes through to the document and is emitted plain or quoted as YAML needs", "[yaml]") {
  yaml::Node n = parse("npu:\n  rows: 16\nname: soc\n");
  yaml::Node rows = n["npu"]["rows"];
  rows.set_scalar("32");
  n["name"].set_scalar("a: b #c");  // text that would be YAML syntax if written plain
  const yaml::Node again = parse(yaml::emit_document(n));
  CHECK(again["npu"]["rows"].text() == "32");
  CHECK_FALSE(again["npu"]["rows"].quoted());
  CHECK(again["name"].text() == "a: b #c");
}
