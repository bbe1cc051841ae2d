#include "explore/sweep_spec.h"

#include <fmt/format.h>

#include <muParser.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <map>
#include <random>
#include <set>
#include <sstream>

#include "arch/error.h"
#include "arch/escaped.h"
#include "arch/yaml_document.h"
#include "arch/yaml_reader.h"
#include "explore/fingerprint.h"

namespace kiln::explore {
namespace fs = std::filesystem;

namespace {

[[noreturn]] void fail(const std::string& file, const yaml::Node& n, const std::string& what) {
  throw Error(fmt::format("{}: {}", yaml::position(file, n.mark()), yaml::printable(what)));
}

std::string resolve(const std::string& spec_file, const std::string& rel) {
  const fs::path p(rel);
  return p.is_absolute() ? rel : (fs::path(spec_file).parent_path() / p).lexically_normal().string();
}

std::optional<double> as_number(const std::string& s) {
  if (s.empty()) return std::nullopt;
  const char* b = s.c_str();
  char* end = nullptr;
  const bool hex = s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X');
  const double v = hex ? double(std::strtoull(b, &end, 16)) : std::strtod(b, &end);
  if (end != b + s.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

std::string number_text(double v) {
  if (v == std::floor(v) && std::abs(v) < 9e15) return fmt::format("{}", int64_t(v));
  return fmt::format("{}", v);
}

// The node at a dotted path of the config; list items are found by their
// `name` key (or their index). Undefined when there is none.
yaml::Node find_path(yaml::Node node, const std::string& path) {
  std::stringstream ss(path);
  std::string seg;
  while (std::getline(ss, seg, '.')) {
    if (node.is_map()) {
      node = node[seg];
      if (!node) return node;
    } else if (node.is_sequence()) {
      yaml::Node found;
      for (size_t i = 0; i < node.size(); ++i)
        if ((node[i]["name"].is_scalar() && node[i]["name"].text() == seg) || std::to_string(i) == seg)
          found = node[i];
      if (!found) return found;
      node = found;
    } else {
      return yaml::Node();
    }
  }
  return node;
}

std::vector<std::string> parameter_values(const std::string& file, const yaml::Node& v, std::mt19937_64& rng) {
  std::vector<std::string> out;
  if (v.is_sequence()) {
    for (const auto& item : v.items()) {
      if (!item.is_scalar()) fail(file, item, "a parameter value must be a scalar");
      out.push_back(item.text());
    }
  } else if (v.is_map() && v["random"]) {
    const yaml::Node r = v["random"];
    for (const char* key : {"min", "max", "count"})
      if (!r.is_map() || !r[key] || !as_number(r[key].text()))
        fail(file, r, fmt::format("random: needs numbers min, max and count; '{}' is missing or not a number", key));
    const double lo = *as_number(r["min"].text()), hi = *as_number(r["max"].text());
    const double count = *as_number(r["count"].text());
    if (lo > hi || lo != std::floor(lo) || hi != std::floor(hi))
      fail(file, r, "random: min and max must be integers with min <= max");
    if (count < 1 || count != std::floor(count) || count > hi - lo + 1)
      fail(file, r["count"], fmt::format("random: count must be an integer from 1 to {}", hi - lo + 1));
    // rng() modulo the span, not std::uniform_int_distribution: the same
    // values from every standard library.
    const uint64_t span = uint64_t(hi - lo) + 1;
    std::set<int64_t> seen;
    while (seen.size() < size_t(count)) {
      const int64_t x = int64_t(lo) + int64_t(rng() % span);
      if (seen.insert(x).second) out.push_back(std::to_string(x));
    }
  } else if (v.is_map() && v["from"] && v["to"]) {
    const auto from = as_number(v["from"].text()), to = as_number(v["to"].text());
    if (!from || !to) fail(file, v, "a range needs numbers from and to");
    if (v["step"] && v["factor"]) fail(file, v, "a range has step or factor, not both");
    if (v["step"]) {
      const auto step = as_number(v["step"].text());
      if (!step || *step <= 0) fail(file, v["step"], "step must be a number > 0");
      for (double x = *from; x <= *to + 1e-9 && out.size() <= 100000; x += *step) out.push_back(number_text(x));
    } else if (v["factor"]) {
      const auto factor = as_number(v["factor"].text());
      if (!factor || *factor <= 1) fail(file, v["factor"], "factor must be a number > 1");
      if (*from <= 0) fail(file, v["from"], "a range with a factor needs from > 0");
      for (double x = *from; x <= *to * (1 + 1e-12) && out.size() <= 100000; x *= *factor) out.push_back(number_text(x));
    } else {
      fail(file, v, "a range needs step: or factor:");
    }
    for (const auto& entry : v.entries()) {
      const std::string key = entry.first.text();
      if (key != "from" && key != "to" && key != "step" && key != "factor")
        fail(file, entry.first, fmt::format("unknown key '{}' in a range (from, to, step, factor)", key));
    }
  } else {
    fail(file, v, "expected a list of values, a range {from, to, step | factor} or {random: {min, max, count}}");
  }
  if (out.empty()) fail(file, v, "the parameter has no values");
  if (out.size() > 100000) fail(file, v, "more than 100000 values");
  return out;
}

// Evaluates the constraints over the numeric parameters of one point.
class ConstraintSet {
 public:
  explicit ConstraintSet(const SweepSpec& spec) : values_(spec.parameters.size(), 0) {
    // A parameter is named by its path or by any shorter tail of it that no
    // other parameter shares ("rows", "input.size_kib").
    std::map<std::string, int> uses;
    for (const auto& p : spec.parameters)
      for (const auto& t : tails(p.path)) ++uses[t];
    for (size_t i = 0; i < spec.parameters.size(); ++i) {
      const auto& p = spec.parameters[i];
      numeric_.push_back(std::all_of(p.values.begin(), p.values.end(), [](auto& v) { return as_number(v).has_value(); }));
      if (!numeric_.back()) continue;
      names_.push_back({p.path, i});
      for (const auto& t : tails(p.path))
        if (uses[t] == 1 && t != p.path) names_.push_back({t, i});
    }
    for (size_t c = 0; c < spec.constraints.size(); ++c) {
      parsers_.emplace_back();
      mu::Parser& parser = parsers_.back();
      try {
        parser.DefineNameChars("0123456789_abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.");
        for (const auto& [name, i] : names_) parser.DefineVar(name, &values_[i]);
        parser.SetExpr(spec.constraints[c]);
        parser.Eval();  // syntax and unknown names are found here, before anything runs
      } catch (const mu::Parser::exception_type& e) {
        const auto [line, column] = spec.constraint_positions[c];
        const std::string where =
            fmt::format("{}:{}:{}: constraint '{}'", spec.file, line, column + int(e.GetPos()), escaped(spec.constraints[c]));
        // A name muparser cannot assign is a parameter the spec does not define
        // (often one deleted from `parameters` while a constraint still uses it).
        if (e.GetCode() == mu::ecUNASSIGNABLE_TOKEN && is_name(e.GetToken()))
          throw Error(fmt::format("{}: unknown parameter '{}'; the numeric parameters are: {}", where,
                                  escaped(e.GetToken()), known()));
        throw Error(fmt::format("{}: {} (parameters: {})", where, escaped(e.GetMsg()), known()));
      }
    }
  }

  static bool is_name(const std::string& token) {
    return !token.empty() && std::all_of(token.begin(), token.end(), [](char ch) {
      return std::isalnum(static_cast<unsigned char>(ch)) || ch == '_' || ch == '.';
    }) && !std::isdigit(static_cast<unsigned char>(token[0]));
  }

  bool holds(const std::vector<std::string>& point) {
    for (size_t i = 0; i < point.size(); ++i)
      if (numeric_[i]) values_[i] = *as_number(point[i]);
    for (auto& p : parsers_)
      if (p.Eval() == 0) return false;
    return true;
  }

 private:
  // "a.b.c" -> "c", "b.c", "a.b.c"
  static std::vector<std::string> tails(const std::string& path) {
    std::vector<std::string> segments, out;
    std::stringstream ss(path);
    for (std::string seg; std::getline(ss, seg, '.');) segments.push_back(seg);
    std::string tail;
    for (size_t k = segments.size(); k-- > 0;) {
      tail = tail.empty() ? segments[k] : segments[k] + "." + tail;
      out.push_back(tail);
    }
    return out;
  }
  std::string known() const {
    std::string s;
    for (const auto& [name, i] : names_) s += (s.empty() ? "" : ", ") + name;
    return s.empty() ? "none numeric" : s;
  }
  std::vector<double> values_;
  std::vector<bool> numeric_;
  std::vector<std::pair<std::string, size_t>> names_;
  std::vector<mu::Parser> parsers_;
};

const std::vector<std::string> kObjectives = {"latency", "energy", "area", "edp"};

}  // namespace

SweepSpec load_sweep_spec(const std::string& path) {
  SweepSpec spec;
  spec.file = path;
  const yaml::Node doc = yaml::parse_document(yaml::read_file(path, "sweep spec"), path);
  if (!doc.is_map()) fail(path, doc, "a sweep spec is a map (base, parameters, constraints, workloads, objectives)");
  const std::set<std::string> keys = {"base", "parameters", "constraints", "workloads", "objectives",
                                      "seed", "sample", "timeout_s"};
  for (const auto& entry : doc.entries())
    if (!keys.count(entry.first.text()))
      fail(path, entry.first, fmt::format("unknown key '{}' (expected one of: base, parameters, constraints, "
                                          "workloads, objectives, seed, sample, timeout_s)", entry.first.text()));
  for (const char* key : {"base", "parameters", "workloads"})
    if (!doc[key]) fail(path, doc, fmt::format("missing '{}'", key));

  if (!doc["base"].is_scalar()) fail(path, doc["base"], "base: expected the path of an SoC config");
  spec.base = resolve(path, doc["base"].text());
  yaml::Node base;
  try {  // a base that is no file or no YAML is the spec's error too
    spec.base_text = yaml::read_file(spec.base, "base SoC config");
    base = yaml::parse_document(spec.base_text, spec.base);
  } catch (const Error& e) {
    fail(path, doc["base"], e.what());
  }

  if (doc["seed"]) {
    const auto s = as_number(doc["seed"].text());
    if (!s || *s < 0 || *s != std::floor(*s)) fail(path, doc["seed"], "seed: expected an integer >= 0");
    spec.seed = uint64_t(*s);
  }
  if (doc["sample"]) {
    const auto s = as_number(doc["sample"].text());
    if (!s || *s < 1 || *s != std::floor(*s)) fail(path, doc["sample"], "sample: expected an integer >= 1");
    spec.sample = uint64_t(*s);
  }
  if (doc["timeout_s"]) {
    const auto s = as_number(doc["timeout_s"].text());  // no number for a list or map: text() is empty
    if (!s || *s <= 0) fail(path, doc["timeout_s"], "timeout_s: expected seconds > 0");
    spec.timeout_s = *s;
  }

  std::mt19937_64 rng(spec.seed);
  const yaml::Node params = doc["parameters"];
  if (!params.is_map() || params.size() == 0)
    fail(path, params, "parameters: expected a map from SoC field paths to their values");
  for (const auto& [key, values] : params.entries()) {
    SweepParameter p;
    p.path = key.text();
    const yaml::Node field = find_path(base, p.path);
    if (!field.is_defined())
      fail(path, key, fmt::format("'{}' is not a field of the base config {}", p.path, spec.base));
    if (!field.is_scalar())
      fail(path, key, fmt::format("'{}' is a section of the base config, not a value", p.path));
    p.values = parameter_values(path, values, rng);
    spec.parameters.push_back(std::move(p));
  }

  if (doc["constraints"]) {
    if (!doc["constraints"].is_sequence()) fail(path, doc["constraints"], "constraints: expected a list of expressions");
    for (const auto& c : doc["constraints"].items()) {
      if (!c.is_scalar()) fail(path, c, "a constraint is an expression, e.g. 'rows == cols'");
      spec.constraints.push_back(c.text());
      spec.constraint_positions.emplace_back(c.mark().line + 1, c.mark().column + 1);
    }
  }
  ConstraintSet check(spec);  // throws on a bad expression, before anything runs

  const yaml::Node w = doc["workloads"];
  if (!w.is_sequence() || w.size() == 0) fail(path, w, "workloads: expected a list of model files");
  for (const auto& m : w.items()) {
    if (!m.is_scalar()) fail(path, m, "a workload is the path of a model (.onnx, .tflite)");
    const std::string model = resolve(path, m.text());
    std::error_code ec;  // a name too long for the file system is the spec's error, not an exception
    const fs::file_status status = fs::status(model, ec);
    if (!fs::exists(status))
      fail(path, m, ec && ec != std::errc::no_such_file_or_directory
                        ? fmt::format("workload '{}' cannot be read: {}", model, ec.message())
                        : fmt::format("workload '{}' does not exist", model));
    if (!fs::is_regular_file(status)) fail(path, m, fmt::format("workload '{}' is not a file", model));
    spec.workloads.push_back(model);
  }

  if (doc["objectives"]) {
    if (!doc["objectives"].is_sequence()) fail(path, doc["objectives"], "objectives: expected a list");
    for (const auto& o : doc["objectives"].items()) {
      if (!o.is_scalar() || std::find(kObjectives.begin(), kObjectives.end(), o.text()) == kObjectives.end())
        fail(path, o, "objective must be one of latency, energy, area, edp");
      spec.objectives.push_back(o.text());
    }
  } else {
    spec.objectives = {"latency"};
  }

  // What decides the results: the base config, the models, the parameters
  // and everything that selects points. Not the spec's layout or comments.
  std::string canon = spec.base_text;
  for (const auto& p : spec.parameters) canon += "\nparam " + p.path + "=" + fmt::format("{}", fmt::join(p.values, ","));
  for (const auto& c : spec.constraints) canon += "\nconstraint " + c;
  for (const auto& m : spec.workloads) canon += fmt::format("\nworkload {} {:016x}", m, fnv1a(yaml::read_file(m, "workload")));
  canon += fmt::format("\nseed {} sample {} timeout {}", spec.seed, spec.sample ? *spec.sample : 0, spec.timeout_s);
  spec.fingerprint = fmt::format("{:016x}", fnv1a(canon));
  return spec;
}

std::vector<DesignPoint> enumerate_points(const SweepSpec& spec) {
  ConstraintSet check(spec);
  std::vector<DesignPoint> points;
  std::vector<size_t> at(spec.parameters.size(), 0);
  size_t combos = 1;
  for (const auto& p : spec.parameters) {
    combos *= p.values.size();
    if (combos > 10000000) throw Error(spec.file + ": more than 10 million design points before the constraints");
  }
  std::vector<std::string> values(spec.parameters.size());
  for (size_t n = 0; n < combos; ++n) {
    // Mixed-radix counter, the last parameter fastest.
    size_t rest = n;
    for (size_t i = spec.parameters.size(); i-- > 0;) {
      values[i] = spec.parameters[i].values[rest % spec.parameters[i].values.size()];
      rest /= spec.parameters[i].values.size();
    }
    if (check.holds(values)) points.push_back({0, "", values});
  }
  if (spec.sample && *spec.sample < points.size()) {
    // A reproducible sample: shuffle indices with the spec's seed, keep the first `sample`, in order.
    std::vector<size_t> idx(points.size());
    for (size_t i = 0; i < idx.size(); ++i) idx[i] = i;
    std::mt19937_64 rng(spec.seed ^ 0x5eedull);
    std::shuffle(idx.begin(), idx.end(), rng);
    idx.resize(*spec.sample);
    std::sort(idx.begin(), idx.end());
    std::vector<DesignPoint> kept;
    for (size_t i : idx) kept.push_back(points[i]);
    points = std::move(kept);
  }
  for (size_t i = 0; i < points.size(); ++i) {
    points[i].index = i;
    points[i].id = fmt::format("p{:04d}", i);
  }
  return points;
}

std::string point_soc_yaml(const SweepSpec& spec, const DesignPoint& point) {
  yaml::Node base = yaml::parse_document(spec.base_text, spec.base);
  for (size_t i = 0; i < spec.parameters.size(); ++i) {
    // The value as the scalar the spec held, not YAML text parsed again: a
    // quoted value with YAML syntax in it ("a: b", a backslash) stays one
    // scalar, which the config's own reader then accepts or refuses.
    find_path(base, spec.parameters[i].path).set_scalar(point.values[i]);
  }
  // The point's config lives in the sweep's directory: paths in the base
  // config that are relative to it must stay valid.
  // A technology named by a path (not a shipped name, docs/energy.md) is relative to the base.
  if (yaml::Node technology = base["technology"]; technology.is_scalar()) {
    const std::string t = technology.text();
    if (t.find('/') != std::string::npos || (t.size() > 5 && t.compare(t.size() - 5, 5, ".yaml") == 0))
      technology.set_scalar(fs::absolute(resolve(spec.base, t)).lexically_normal().string());
  }
  if (yaml::Node name = base["name"]; name.is_scalar()) name.set_scalar(name.text() + "-" + point.id);
  return yaml::emit_document(base);
}

}  // namespace kiln::explore
