#include "arch/yaml_document.h"

#include <map>

#include <fmt/format.h>
#include <yaml.h>

#include "arch/error.h"

namespace kiln::yaml {

namespace {

const std::string kNoText;
const std::vector<Node> kNoItems;
const std::vector<Node::Entry> kNoEntries;

// The place of byte `offset` of the text (libyaml's reader reports bytes it
// cannot decode by offset only).
Mark mark_at(const std::string& text, size_t offset) {
  Mark m{0, 0};
  for (size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++m.line;
      m.column = 0;
    } else {
      ++m.column;
    }
  }
  return m;
}

Mark mark_of(const yaml_mark_t& m) { return Mark{int(m.line), int(m.column)}; }

// An error at the end of the input: libyaml places it on a line after the
// last; the end of the last line is where a reader looks.
Mark error_mark(const yaml_mark_t& m, const std::string& text) {
  if (m.index < text.size()) return mark_of(m);
  const bool newline_last = !text.empty() && text.back() == '\n';
  return mark_at(text, newline_last ? text.size() - 1 : text.size());
}

bool is_null_text(const std::string& s) { return s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL"; }

// libyaml's parser, released however parsing ends.
struct Parser {
  yaml_parser_t parser;
  Parser() {
    if (!yaml_parser_initialize(&parser)) throw Error("out of memory while starting the YAML parser");
  }
  ~Parser() { yaml_parser_delete(&parser); }
  Parser(const Parser&) = delete;
  Parser& operator=(const Parser&) = delete;
};

struct Event {
  yaml_event_t event;
  bool filled = false;
  ~Event() { clear(); }
  void clear() {
    if (filled) yaml_event_delete(&event);
    filled = false;
  }
};

[[noreturn]] void syntax_error(const Parser& p, const std::string& text, const std::string& source) {
  const yaml_parser_t& y = p.parser;
  const std::string problem = y.problem ? y.problem : "malformed YAML";
  switch (y.error) {
    case YAML_MEMORY_ERROR: throw Error(fmt::format("{}: out of memory while reading YAML", source));
    case YAML_READER_ERROR:
      throw Error(fmt::format("{}: YAML syntax error: {}{}", position(source, mark_at(text, y.problem_offset)),
                              problem, y.problem_value >= 0 ? fmt::format(" (byte 0x{:02x})", y.problem_value) : ""));
    default: break;
  }
  std::string context;
  if (y.context) {
    const Mark at = error_mark(y.context_mark, text);
    context = fmt::format(" ({} at line {}, column {})", y.context, at.line + 1, at.column + 1);
  }
  throw Error(fmt::format("{}: YAML syntax error: {}{}", position(source, error_mark(y.problem_mark, text)), problem,
                          context));
}

// An open list or map while the tree is built, its anchor, and in a map the
// key waiting for its value (undefined when none is).
struct Frame {
  Node collection;
  std::string anchor;
  Node key;
};

class TreeBuilder {
 public:
  TreeBuilder(const std::string& source) : source_(source) {}

  void open(Node collection, const yaml_char_t* anchor) {
    if (int(open_.size()) >= kMaxDepth)
      throw Error(fmt::format("{}: YAML nesting deeper than the limit of {} levels of maps and lists; kiln's files "
                              "nest a few levels",
                              position(source_, collection.mark()), kMaxDepth));
    open_.push_back(Frame{std::move(collection), anchor ? reinterpret_cast<const char*>(anchor) : "", Node()});
  }

  void close() {
    Frame done = std::move(open_.back());
    open_.pop_back();
    if (!done.anchor.empty()) anchors_[done.anchor] = done.collection;
    attach(std::move(done.collection));
  }

  void scalar(const yaml_event_t& e) {
    const auto& s = e.data.scalar;
    std::string text(reinterpret_cast<const char*>(s.value), s.length);
    // The non-specific tag "!" says "a string", as quotes do (check_tag refuses other tags).
    const bool plain = s.style == YAML_PLAIN_SCALAR_STYLE && !s.tag;
    const Mark mark = mark_of(e.start_mark);
    Node n = plain && is_null_text(text) ? Node::null(mark) : Node::scalar(std::move(text), !plain, mark);
    if (s.anchor) anchors_[reinterpret_cast<const char*>(s.anchor)] = n;
    attach(std::move(n));
  }

  void alias(const yaml_event_t& e) {
    auto it = anchors_.find(reinterpret_cast<const char*>(e.data.alias.anchor));
    if (it == anchors_.end())
      throw Error(fmt::format("{}: YAML syntax error: the referenced anchor is not defined",
                              position(source_, mark_of(e.start_mark))));
    attach(it->second);
  }

  Node root() const { return root_; }

 private:
  void attach(Node n) {
    if (open_.empty()) {
      root_ = std::move(n);
      return;
    }
    Frame& f = open_.back();
    if (f.collection.is_sequence()) {
      f.collection.push_back(std::move(n));
    } else if (!f.key) {
      f.key = std::move(n);
    } else {
      f.collection.add_entry(std::move(f.key), std::move(n));
      f.key = Node();
    }
  }

  const std::string& source_;
  std::vector<Frame> open_;
  // Anchors of finished nodes only: an alias inside its own anchor's node
  // would make a cycle, and is reported as undefined.
  std::map<std::string, Node> anchors_;
  Node root_;
};

// kiln reads a scalar's type from how it is written (plain or quoted); a tag
// would say otherwise, so it is refused rather than ignored. "!" (the
// non-specific tag) only says "a string", as quotes do.
void check_tag(const yaml_char_t* tag, const yaml_mark_t& mark, const std::string& source) {
  if (!tag) return;
  const std::string t = reinterpret_cast<const char*>(tag);
  if (t == "!") return;
  throw Error(fmt::format("{}: YAML tag '{}' is not supported: write numbers plain and strings in quotes",
                          position(source, mark_of(mark)), t));
}

int append_to_string(void* out, unsigned char* buffer, size_t size) {
  static_cast<std::string*>(out)->append(reinterpret_cast<const char*>(buffer), size);
  return 1;
}

// libyaml's emitter, released however emitting ends.
struct Emitter {
  yaml_emitter_t emitter;
  std::string out;
  Emitter() {
    if (!yaml_emitter_initialize(&emitter)) throw Error("out of memory while starting the YAML emitter");
    yaml_emitter_set_output(&emitter, append_to_string, &out);
    yaml_emitter_set_unicode(&emitter, 1);
    yaml_emitter_set_width(&emitter, -1);  // never fold a long scalar
  }
  ~Emitter() { yaml_emitter_delete(&emitter); }
  Emitter(const Emitter&) = delete;
  Emitter& operator=(const Emitter&) = delete;

  // `made` is the result of a yaml_*_event_initialize call.
  void emit(int made, yaml_event_t* event) {
    if (!made) throw Error("out of memory while writing YAML");
    if (!yaml_emitter_emit(&emitter, event))
      throw Error(fmt::format("cannot write YAML: {}", emitter.problem ? emitter.problem : "emitter error"));
  }

  void node(const Node& n) {
    yaml_event_t e;
    switch (n.type()) {
      case Node::Type::Undefined:
      case Node::Type::Null: scalar("~", false); break;
      case Node::Type::Scalar: scalar(n.text(), n.quoted()); break;
      case Node::Type::Sequence:
        emit(yaml_sequence_start_event_initialize(&e, nullptr, nullptr, 1, YAML_BLOCK_SEQUENCE_STYLE), &e);
        for (const auto& item : n.items()) node(item);
        emit(yaml_sequence_end_event_initialize(&e), &e);
        break;
      case Node::Type::Map:
        emit(yaml_mapping_start_event_initialize(&e, nullptr, nullptr, 1, YAML_BLOCK_MAPPING_STYLE), &e);
        for (const auto& [key, value] : n.entries()) {
          node(key);
          node(value);
        }
        emit(yaml_mapping_end_event_initialize(&e), &e);
        break;
    }
  }

  void scalar(const std::string& text, bool quoted) {
    yaml_event_t e;
    auto* bytes = reinterpret_cast<yaml_char_t*>(const_cast<char*>(text.data()));
    // A plain scalar may be written plain (the emitter quotes it when YAML
    // would read it otherwise); a quoted one stays quoted, so it stays a string.
    emit(yaml_scalar_event_initialize(&e, nullptr, nullptr, bytes, int(text.size()), quoted ? 0 : 1, 1,
                                      quoted ? YAML_DOUBLE_QUOTED_SCALAR_STYLE : YAML_ANY_SCALAR_STYLE),
         &e);
  }
};

}  // namespace

Node Node::null(Mark mark) {
  Node n;
  n.d_ = std::make_shared<Data>();
  n.d_->type = Type::Null;
  n.d_->mark = mark;
  return n;
}

Node Node::scalar(std::string text, bool quoted, Mark mark) {
  Node n = null(mark);
  n.d_->type = Type::Scalar;
  n.d_->text = std::move(text);
  n.d_->quoted = quoted;
  return n;
}

Node Node::sequence(Mark mark) {
  Node n = null(mark);
  n.d_->type = Type::Sequence;
  return n;
}

Node Node::map(Mark mark) {
  Node n = null(mark);
  n.d_->type = Type::Map;
  return n;
}

const std::string& Node::text() const { return is_scalar() ? d_->text : kNoText; }
const std::vector<Node>& Node::items() const { return is_sequence() ? d_->items : kNoItems; }
const std::vector<Node::Entry>& Node::entries() const { return is_map() ? d_->entries : kNoEntries; }

Node Node::operator[](size_t i) const { return i < items().size() ? items()[i] : Node(); }

Node Node::operator[](const std::string& key) const {
  for (const auto& [k, v] : entries())
    if (k.is_scalar() && k.text() == key) return v;
  return Node();
}

void Node::push_back(Node item) { d_->items.push_back(std::move(item)); }
void Node::add_entry(Node key, Node value) { d_->entries.emplace_back(std::move(key), std::move(value)); }

void Node::set_scalar(std::string text) {
  d_->type = Type::Scalar;
  d_->text = std::move(text);
  d_->quoted = false;
  d_->items.clear();
  d_->entries.clear();
}

std::string position(const std::string& source, const Mark& mark) {
  if (mark.is_null()) return source;
  return fmt::format("{}:{}:{}", source, mark.line + 1, mark.column + 1);
}

Node parse_document(const std::string& text, const std::string& source) {
  Parser p;
  yaml_parser_set_input_string(&p.parser, reinterpret_cast<const unsigned char*>(text.data()), text.size());
  TreeBuilder tree(source);
  int documents = 0;
  Mark second_root;  // where the second document's root starts
  bool awaiting_root = false;
  Event ev;
  for (bool done = false; !done;) {
    ev.clear();
    if (!yaml_parser_parse(&p.parser, &ev.event)) syntax_error(p, text, source);
    ev.filled = true;
    const yaml_event_t& e = ev.event;
    const bool is_node = e.type == YAML_SCALAR_EVENT || e.type == YAML_ALIAS_EVENT ||
                         e.type == YAML_SEQUENCE_START_EVENT || e.type == YAML_MAPPING_START_EVENT;
    if (is_node && awaiting_root) {
      second_root = mark_of(e.start_mark);
      awaiting_root = false;
    }
    if (documents > 1) {  // later documents are only counted and checked for syntax
      if (e.type == YAML_DOCUMENT_START_EVENT) ++documents;
      done = e.type == YAML_STREAM_END_EVENT;
      continue;
    }
    switch (e.type) {
      case YAML_DOCUMENT_START_EVENT:
        if (++documents == 2) {
          second_root = mark_of(e.start_mark);
          awaiting_root = true;
        }
        break;
      case YAML_SCALAR_EVENT:
        check_tag(e.data.scalar.tag, e.start_mark, source);
        tree.scalar(e);
        break;
      case YAML_ALIAS_EVENT: tree.alias(e); break;
      case YAML_SEQUENCE_START_EVENT:
        check_tag(e.data.sequence_start.tag, e.start_mark, source);
        tree.open(Node::sequence(mark_of(e.start_mark)), e.data.sequence_start.anchor);
        break;
      case YAML_MAPPING_START_EVENT:
        check_tag(e.data.mapping_start.tag, e.start_mark, source);
        tree.open(Node::map(mark_of(e.start_mark)), e.data.mapping_start.anchor);
        break;
      case YAML_SEQUENCE_END_EVENT:
      case YAML_MAPPING_END_EVENT: tree.close(); break;
      case YAML_STREAM_END_EVENT: done = true; break;
      default: break;
    }
  }
  if (documents > 1)
    throw Error(fmt::format("{}: expected one YAML document, found {}", position(source, second_root), documents));
  return tree.root();
}

std::string emit_document(const Node& root) {
  Emitter em;
  yaml_event_t e;
  em.emit(yaml_stream_start_event_initialize(&e, YAML_UTF8_ENCODING), &e);
  em.emit(yaml_document_start_event_initialize(&e, nullptr, nullptr, nullptr, 1), &e);
  em.node(root);
  em.emit(yaml_document_end_event_initialize(&e, 1), &e);
  em.emit(yaml_stream_end_event_initialize(&e), &e);
  if (!yaml_emitter_flush(&em.emitter)) throw Error("cannot write YAML: flush failed");
  return em.out;
}

}  // namespace kiln::yaml
