#include "explore/sweep_results.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>

#include "arch/error.h"
#include "arch/profile.h"
#include "explore/json_fields.h"

namespace kiln::explore {
// RFC 4180: quote a field that holds a comma, a quote or a line break.
std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string q = "\"";
  for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c == '\n' || c == '\r' ? ' ' : c);
  return q + "\"";
}

namespace {

std::string optional_number(const std::optional<double>& v) { return v ? fmt::format("{:.6g}", *v) : ""; }

}  // namespace

std::string sweep_csv_header(const std::vector<std::string>& parameter_paths) {
  std::string h = "point,workload,status";
  for (const auto& p : parameter_paths) h += "," + csv_field(p);
  return h + ",latency_cycles,latency_us,energy_uj,area_mm2,edp_uj_us,error\n";
}

std::string sweep_csv_line(const SweepRow& r) {
  std::string l = csv_field(r.point) + "," + csv_field(r.workload) + "," + (r.ok ? "ok" : "failed");
  for (const auto& v : r.values) l += "," + csv_field(v);
  if (r.ok)
    l += fmt::format(",{},{:.6g},{},{},{}", r.latency_cycles, r.latency_us, optional_number(r.energy_uj),
                     optional_number(r.area_mm2), optional_number(r.edp()));
  else
    l += ",,,,,";
  return l + "," + csv_field(r.error) + "\n";
}

nlohmann::json sweep_row_json(const SweepRow& r, const std::vector<std::string>& parameter_paths) {
  nlohmann::json j = {{"point", r.point}, {"workload", r.workload}, {"status", r.ok ? "ok" : "failed"}};
  nlohmann::json params = nlohmann::json::object();
  for (size_t i = 0; i < parameter_paths.size() && i < r.values.size(); ++i) params[parameter_paths[i]] = r.values[i];
  j["parameters"] = params;
  if (r.ok) {
    j["latency_cycles"] = r.latency_cycles;
    j["latency_us"] = r.latency_us;
    if (r.energy_uj) j["energy_uj"] = *r.energy_uj;
    if (r.area_mm2) j["area_mm2"] = *r.area_mm2;
    if (r.edp()) j["edp_uj_us"] = *r.edp();
  } else {
    j["error"] = r.error;
  }
  j["wall_ms"] = r.wall_ms;
  return j;
}

SweepRow sweep_row_from_json(const nlohmann::json& j, const std::vector<std::string>& parameter_paths,
                             const std::string& where) {
  const Fields f(j, where, "");
  SweepRow r;
  r.point = f.str("point");
  r.workload = f.str("workload");
  r.ok = f.str("status") == "ok";
  const Fields parameters = f.object("parameters");
  for (const auto& p : parameter_paths) r.values.push_back(parameters.str(p));
  if (r.ok) {
    r.latency_cycles = f.u64("latency_cycles");
    r.latency_us = f.num("latency_us");
    if (f.has("energy_uj")) r.energy_uj = f.num("energy_uj");
    if (f.has("area_mm2")) r.area_mm2 = f.num("area_mm2");
  } else {
    r.error = f.has("error") ? f.str("error") : "";
  }
  r.wall_ms = f.has("wall_ms") ? f.num("wall_ms") : 0.0;
  return r;
}

namespace {

void append_whole_line(const std::string& path, const std::string& line, const std::string& header, bool sync) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) throw Error(fmt::format("{}: cannot open for appending: {}", path, std::strerror(errno)));
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    const int err = errno;
    ::close(fd);
    throw Error(fmt::format("{}: cannot append a result: {}", path, std::strerror(err)));
  }
  const std::string text = !header.empty() && st.st_size == 0 ? header + line : line;
  const ssize_t n = ::write(fd, text.data(), text.size());
  const int err = n < 0 ? errno : n != ssize_t(text.size()) ? ENOSPC : 0;
  if (err != 0 || (sync && ::fsync(fd) != 0)) {
    // A short write (a full disk) leaves part of a line: cut the file back to
    // its last whole line, so that it stays a valid file to resume from.
    const int why = err != 0 ? err : errno;
    if (::ftruncate(fd, st.st_size) == 0 && sync) ::fsync(fd);
    ::close(fd);
    throw Error(fmt::format("{}: cannot append a result: {}", path, std::strerror(why)));
  }
  ::close(fd);
}

}  // namespace

void append_line_durably(const std::string& path, const std::string& line, const std::string& header) {
  append_whole_line(path, line, header, true);
}

void append_line(const std::string& path, const std::string& line, const std::string& header) {
  append_whole_line(path, line, header, false);
}

std::vector<SweepRow> read_sweep_rows(const std::string& jsonl_path, const std::vector<std::string>& parameter_paths) {
  std::vector<SweepRow> rows;
  std::ifstream in(jsonl_path, std::ios::binary);
  if (!in) return rows;
  std::ostringstream all;
  all << in.rdbuf();
  const std::string text = all.str();
  size_t whole = text.rfind('\n');
  whole = whole == std::string::npos ? 0 : whole + 1;
  size_t line_no = 0;
  for (size_t at = 0; at < whole;) {
    const size_t end = text.find('\n', at);
    ++line_no;
    const std::string line = text.substr(at, end - at);
    at = end + 1;
    if (line.empty()) continue;
    const nlohmann::json j = parse_json(line, fmt::format("{}:{}: not a sweep result", jsonl_path, line_no));
    rows.push_back(sweep_row_from_json(j, parameter_paths, fmt::format("{}:{}", jsonl_path, line_no)));
  }
  if (whole < text.size()) std::filesystem::resize_file(jsonl_path, whole);  // a torn last line
  return rows;
}

void to_json(nlohmann::json& j, const SweepManifest& m) {
  j = {{"spec", m.spec},
       {"fingerprint", m.fingerprint},
       {"parameters", m.parameters},
       {"workloads", m.workloads},
       {"objectives", m.objectives},
       {"points", m.points}};
  if (m.shard) j["shard"] = {{"index", m.shard->first}, {"count", m.shard->second}};
  if (m.merged_from) j["merged_from"] = *m.merged_from;
}

void write_sweep_manifest(const std::string& dir, const SweepManifest& m) {
  write_text_file_atomic(dir + "/sweep.json", nlohmann::json(m).dump(2) + "\n");
}

SweepManifest read_sweep_manifest(const std::string& dir) {
  const std::string path = dir + "/sweep.json";
  std::ifstream in(path);
  if (!in) throw Error(fmt::format("{}: not a sweep directory (no sweep.json)", dir));
  const nlohmann::json j = parse_json(std::string(std::istreambuf_iterator<char>(in), {}), path);
  const Fields f(j, path, "");
  SweepManifest m;
  m.spec = f.str("spec");
  m.fingerprint = f.str("fingerprint");
  m.parameters = f.strings("parameters");
  m.workloads = f.strings("workloads");
  m.objectives = f.strings("objectives");
  m.points = f.u64("points");
  if (f.has("shard")) {
    const Fields s = f.object("shard");
    const auto count = unsigned(s.count("count", 1));
    m.shard = std::make_pair(unsigned(s.count("index", 0, count - 1)), count);
  }
  if (f.has("merged_from")) m.merged_from = f.strings("merged_from");
  return m;
}

void write_sweep_csv(const std::string& dir, std::vector<SweepRow> rows, const std::vector<std::string>& parameter_paths) {
  std::sort(rows.begin(), rows.end(), [](const SweepRow& a, const SweepRow& b) { return a.key() < b.key(); });
  std::string text = sweep_csv_header(parameter_paths);
  for (const auto& r : rows) text += sweep_csv_line(r);
  write_text_file_atomic(dir + "/results.csv", text);
}

}  // namespace kiln::explore
