// A YAML document as kiln's readers see it: maps, lists and scalars, each
// with the line and column it starts at, parsed by libyaml (the C reference
// parser, which reads a config in microseconds where yaml-cpp took most of a
// run's start-up), and written back by libyaml's emitter.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace kiln::yaml {

// Where a node starts: 0-based line and column; null for nodes made in code.
struct Mark {
  int line = -1;
  int column = -1;
  bool is_null() const { return line < 0; }
};

// A handle to a node of a document: copies share the node, as a reader
// passes sub-nodes around while the document lives; `set_scalar` writes
// through to the document.
class Node {
 public:
  enum class Type { Undefined, Null, Scalar, Sequence, Map };
  using Entry = std::pair<Node, Node>;

  Node() = default;  // undefined: what a missing key or index gives
  static Node null(Mark mark);
  static Node scalar(std::string text, bool quoted, Mark mark);
  static Node sequence(Mark mark);
  static Node map(Mark mark);

  Type type() const { return d_ ? d_->type : Type::Undefined; }
  bool is_defined() const { return type() != Type::Undefined; }
  bool is_null() const { return type() == Type::Null; }
  bool is_scalar() const { return type() == Type::Scalar; }
  bool is_sequence() const { return type() == Type::Sequence; }
  bool is_map() const { return type() == Type::Map; }
  explicit operator bool() const { return is_defined(); }

  // The scalar's text; empty for any other node.
  const std::string& text() const;
  // Written in quotes or as a block scalar: a string, never read as a number.
  bool quoted() const { return d_ && d_->quoted; }
  Mark mark() const { return d_ ? d_->mark : Mark{}; }

  // Items of a list, entries of a map (in document order); empty otherwise.
  const std::vector<Node>& items() const;
  const std::vector<Entry>& entries() const;
  size_t size() const { return is_map() ? entries().size() : items().size(); }
  // An item of a list, or undefined.
  Node operator[](size_t i) const;
  // The value of the first entry whose key is the scalar `key`, or undefined.
  Node operator[](const std::string& key) const;

  // Building a document (the parser) and editing one (a sweep point's config).
  void push_back(Node item);
  void add_entry(Node key, Node value);
  // Makes this node the plain scalar `text` (the emitter quotes it if needed).
  void set_scalar(std::string text);

 private:
  struct Data {
    Type type = Type::Undefined;
    std::string text;
    bool quoted = false;
    Mark mark;
    std::vector<Node> items;
    std::vector<Entry> entries;
  };
  std::shared_ptr<Data> d_;
};

// "file:line:column" (1-based), or just "file" for a null mark.
std::string position(const std::string& source, const Mark& mark);

// Parses `text` as exactly one YAML document. An empty stream gives an
// undefined node. Syntax errors, a second document, an undefined alias, an
// explicit tag and nesting deeper than kMaxDepth throw kiln::Error naming
// `source` and the line and column.
Node parse_document(const std::string& text, const std::string& source);
constexpr int kMaxDepth = 256;

// The document as YAML text (block style; scalars plain where YAML allows,
// quoted scalars kept quoted), ending in a newline.
std::string emit_document(const Node& root);

}  // namespace kiln::yaml
