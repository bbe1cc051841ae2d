// The results of a sweep: one row per design point and workload, in two
// files of one directory that only ever grow by whole lines:
//   results.csv    every parameter and metric, for spreadsheets and scripts
//   results.jsonl  the same plus wall time, one JSON object per line
// A line is written with one write() on a file opened O_APPEND and flushed
// to disk, so a killed sweep leaves every finished row whole; a torn last
// line (no newline) is dropped when the files are read back.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace kiln::explore {

struct SweepRow {
  std::string point, workload;          // "p0007", the model's file name
  std::vector<std::string> values;      // one per parameter, as in the spec
  bool ok = false;
  std::string error;                    // why it failed (one line)
  uint64_t latency_cycles = 0;
  double latency_us = 0;
  std::optional<double> energy_uj, area_mm2;
  double wall_ms = 0;                   // not in the CSV: it differs between runs

  std::optional<double> edp() const {   // energy-delay product, uJ x us
    if (!energy_uj) return std::nullopt;
    return *energy_uj * latency_us;
  }
  std::string key() const { return point + "\t" + workload; }
};

// One CSV field, quoted as RFC 4180 asks when it holds a comma, a quote or a
// line break (line breaks become spaces: a row is one line).
std::string csv_field(const std::string& s);

// The CSV header for these parameters.
std::string sweep_csv_header(const std::vector<std::string>& parameter_paths);
std::string sweep_csv_line(const SweepRow& row);
nlohmann::json sweep_row_json(const SweepRow& row, const std::vector<std::string>& parameter_paths);
// Throws kiln::Error "<where>: <JSON path>: expected ..." for a field it cannot read.
SweepRow sweep_row_from_json(const nlohmann::json& j, const std::vector<std::string>& parameter_paths,
                             const std::string& where);

// Appends one line (ending in '\n') to `path` whole, creating the file with
// `header` first when it does not exist. Throws kiln::Error on failure.
void append_line_durably(const std::string& path, const std::string& line, const std::string& header = "");
// The same without waiting for the disk (no fsync), for a file rebuilt from a
// durable one after a crash (results.csv from results.jsonl).
void append_line(const std::string& path, const std::string& line, const std::string& header = "");

// The rows of a results.jsonl; a last line without its newline (a write cut
// short by a kill) is dropped, and the file is truncated to its whole lines.
// A line it cannot read is an error naming the file, the line and the field.
std::vector<SweepRow> read_sweep_rows(const std::string& jsonl_path, const std::vector<std::string>& parameter_paths);

// DIR/sweep.json: what the sweep in DIR was run from.
struct SweepManifest {
  std::string spec;         // the spec file, absolute
  std::string fingerprint;  // of everything that decides the results (SweepSpec::fingerprint)
  std::vector<std::string> parameters, workloads, objectives;
  uint64_t points = 0;      // design points in this directory's shard
  std::optional<std::pair<unsigned, unsigned>> shard;    // index, count
  std::optional<std::vector<std::string>> merged_from;  // `kiln sweep merge`: the directories joined
};
void to_json(nlohmann::json& j, const SweepManifest& m);
void write_sweep_manifest(const std::string& dir, const SweepManifest& m);  // atomic
// Throws kiln::Error when DIR holds no sweep, or naming the JSON path of a
// field it cannot read.
SweepManifest read_sweep_manifest(const std::string& dir);

// Rewrites results.csv of `dir` from rows (sorted by point, then workload),
// atomically.
void write_sweep_csv(const std::string& dir, std::vector<SweepRow> rows, const std::vector<std::string>& parameter_paths);

}  // namespace kiln::explore
