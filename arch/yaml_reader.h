// Validating reads of YAML documents, shared by the loaders of arch/ (SoC
// config, technology file): every scalar is checked for its type and range,
// every map for unknown, repeated and missing keys, and every error is one
// line "file:line:column: key.path: message" (kiln::Error). Nodes made in
// code have no position; their errors read "file: key.path: message".
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "arch/yaml_document.h"

namespace kiln::yaml {

// A value in the document, the dotted path that names it, and where it is.
struct Field {
  Node node;
  std::string path;     // "npu.array.rows"; "" for the document itself
  Mark mark;      // of the value
  Mark key_mark;  // of the key naming it (the value's own mark when there is no key)
};

// A scalar as the user wrote it, kept to one short line for a message.
std::string shown(const std::string& text);
// Text from a file made safe for a one-line message: control bytes as \xNN.
std::string printable(const std::string& text);
// "'abc'", "the quoted string \"64\"", "a list", "a map", "nothing (null)".
std::string describe(const Node& n);
std::string join(const std::vector<std::string>& items);
std::string child_path(const std::string& parent, const std::string& key);

// The whole of a file; `what` names it in errors ("SoC config file").
std::string read_file(const std::string& path, const std::string& what);

class Reader {
 public:
  explicit Reader(std::string source) : source_(std::move(source)) {}
  const std::string& source() const { return source_; }

  [[noreturn]] void fail(const Mark& mark, const std::string& path, const std::string& message) const;

  // --- scalars ---------------------------------------------------------------
  // An integer literal (decimal or 0x hex) in [lo, hi]; `expected` describes the range.
  uint64_t integer_in(const Field& f, uint64_t lo, uint64_t hi, const std::string& expected) const;
  uint64_t integer(const Field& f, uint64_t lo, uint64_t hi, const char* unit = "") const;
  uint64_t power_of_two(const Field& f, uint64_t lo, uint64_t hi, const char* unit = "") const;
  // A plain decimal number in (lo or [lo, hi]; no inf, nan, hex floats or quotes.
  double real(const Field& f, double lo, bool lo_inclusive, double hi, const char* unit = "") const;
  bool boolean(const Field& f) const;
  // A name used in reports and file names: letters, digits, '_', '-', '.'.
  std::string identifier(const Field& f) const;
  // A non-empty plain string (file names).
  std::string text(const Field& f, const std::string& expected) const;

  template <class E>
  E choice(const Field& f, const std::vector<std::pair<const char*, E>>& options) const {
    std::vector<std::string> names;
    for (const auto& [name, value] : options) {
      if (f.node.is_scalar() && f.node.text() == name) return value;
      names.push_back(name);
    }
    fail(f.mark, f.path, fmt::format("expected one of {}, got {}", join(names), describe(f.node)));
  }

  // --- maps --------------------------------------------------------------------
  // A map whose keys must come from `allowed`; rejects unknown and repeated keys.
  class Map {
   public:
    Map(const Reader& reader, Field self, std::vector<std::string> allowed);
    bool has(const std::string& key) const { return entries_.count(key) != 0; }
    std::optional<Field> get(const std::string& key) const;
    Field need(const std::string& key) const;  // fails naming the map when absent
    const Field& self() const { return self_; }

   private:
    const Reader& reader_;
    Field self_;
    std::vector<std::string> allowed_;
    std::map<std::string, Node::Entry> entries_;
  };

 private:
  std::string source_;
};

}  // namespace kiln::yaml
