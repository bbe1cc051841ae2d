// Reads the fields of one object of a JSON file kiln wrote (a tuning record,
// a run report), naming the file and the JSON path of the first field that is
// missing or of the wrong kind: "run.json: layers[3].simulated_cycles: expected
// an integer (missing)".
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "arch/error.h"

namespace kiln::explore {

// `text` parsed as JSON; anything nlohmann refuses is a kiln::Error naming
// `where` ("run.json", "results.jsonl:7"): a syntax error with its byte, and
// the rest too (a number past a double's range, 1e400, is an out_of_range).
inline nlohmann::json parse_json(const std::string& text, const std::string& where) {
  try {
    return nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    throw Error(fmt::format("{}: not JSON (byte {}): {}", where, e.byte, e.what()));
  } catch (const nlohmann::json::exception& e) {
    throw Error(fmt::format("{}: not readable JSON: {}", where, e.what()));
  }
}

class Fields {
 public:
  using json = nlohmann::json;
  Fields(const json& j, std::string file, std::string path) : j_(j), file_(std::move(file)), path_(std::move(path)) {
    if (!j_.is_object()) fail("", "an object");
  }
  [[noreturn]] void fail(const std::string& key, const std::string& expected) const {
    const std::string where = path_ + (path_.empty() || key.empty() ? "" : ".") + key;
    throw Error(fmt::format("{}: {}{}expected {}", file_, where, where.empty() ? "" : ": ", expected));
  }
  bool has(const std::string& key) const { return j_.contains(key); }
  const json& at(const std::string& key, const char* expected) const {
    if (!j_.contains(key)) fail(key, std::string(expected) + " (missing)");
    return j_.at(key);
  }
  std::string str(const std::string& key) const {
    const json& v = at(key, "a string");
    if (!v.is_string()) fail(key, "a string");
    return v.get<std::string>();
  }
  double num(const std::string& key) const {
    const json& v = at(key, "a number");
    if (!v.is_number()) fail(key, "a number");
    return v.get<double>();
  }
  uint64_t count(const std::string& key, uint64_t lo = 0, uint64_t hi = UINT32_MAX) const {
    const json& v = at(key, "an integer");
    if (!v.is_number_integer() || v.get<int64_t>() < int64_t(lo) || uint64_t(v.get<int64_t>()) > hi)
      fail(key, fmt::format("an integer in [{}, {}]", lo, hi));
    return v.get<uint64_t>();
  }
  // Any integer >= 0 (cycles, bytes: they may pass 2^63 only in theory).
  uint64_t u64(const std::string& key) const {
    const json& v = at(key, "an integer >= 0");
    if (!v.is_number_unsigned() && !(v.is_number_integer() && v.get<int64_t>() >= 0)) fail(key, "an integer >= 0");
    return v.get<uint64_t>();
  }
  int64_t i64(const std::string& key) const {
    const json& v = at(key, "an integer");
    if (!v.is_number_integer() || (v.is_number_unsigned() && v.get<uint64_t>() > uint64_t(INT64_MAX)))
      fail(key, "an integer");
    return v.get<int64_t>();
  }
  bool flag(const std::string& key) const {
    const json& v = at(key, "true or false");
    if (!v.is_boolean()) fail(key, "true or false");
    return v.get<bool>();
  }
  // Optional fields (added after a format's first files): absent is `otherwise`.
  bool flag_or(const std::string& key, bool otherwise) const { return j_.contains(key) ? flag(key) : otherwise; }
  uint64_t count_or(const std::string& key, uint64_t otherwise) const {
    return j_.contains(key) ? count(key) : otherwise;
  }
  Fields object(const std::string& key) const { return Fields(at(key, "an object"), file_, sub(key)); }
  // The array `key`: its size, and its element i as an object.
  size_t size_of(const std::string& key) const {
    const json& v = at(key, "an array");
    if (!v.is_array()) fail(key, "an array");
    return v.size();
  }
  std::vector<std::string> strings(const std::string& key) const {
    std::vector<std::string> out;
    for (size_t i = 0, n = size_of(key); i < n; ++i) {
      const json& v = j_.at(key).at(i);
      if (!v.is_string()) fail(fmt::format("{}[{}]", key, i), "a string");
      out.push_back(v.get<std::string>());
    }
    return out;
  }
  Fields element(const std::string& key, size_t i) const {
    return Fields(j_.at(key).at(i), file_, fmt::format("{}[{}]", sub(key), i));
  }
  const json& value() const { return j_; }
  const std::string& file() const { return file_; }
  const std::string& path() const { return path_; }

 private:
  std::string sub(const std::string& key) const { return path_.empty() ? key : path_ + "." + key; }
  const json& j_;
  std::string file_, path_;
};

}  // namespace kiln::explore
