#include "explore/compare.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "arch/error.h"
#include "arch/mcu_profile.h"
#include "arch/profile.h"
#include "arch/soc_config_yaml.h"
#include "explore/directory_lock.h"
#include "explore/fingerprint.h"
#include "explore/model_run.h"
#include "explore/process_pool.h"
#include "explore/strategy.h"
#include "explore/tune.h"
#include "explore/tuning_record.h"

namespace kiln::explore {
namespace fs = std::filesystem;

namespace {

struct Planned {
  size_t model = 0;
  const Strategy* strategy = nullptr;
  std::string mcu_profile, tuning_record, key;
};

std::string run_stem(const std::string& out_dir, const CompareRun& r) {
  return fmt::format("{}/runs/{}/{}", out_dir, r.model, r.strategy);
}

// Ids from the files' stems, "-2", "-3" ... for a stem seen before.
std::vector<std::string> model_ids(const std::vector<std::string>& models) {
  std::vector<std::string> ids;
  std::set<std::string> seen;
  for (const auto& m : models) {
    std::string id = fs::path(m).stem().string();
    for (int n = 2; seen.count(id); ++n) id = fs::path(m).stem().string() + "-" + std::to_string(n);
    seen.insert(id);
    ids.push_back(id);
  }
  return ids;
}

SocConfig soc_for(const SocConfig& base, const std::string& mcu_profile) {
  SocConfig soc = base;
  if (!mcu_profile.empty()) override_mcu_profile(soc, mcu_profile, "strategy MCU profile");
  return soc;
}

// The tuning record a tuned strategy uses for `model`: a matching record in
// the given tuning directory, else a matching one from an earlier compare
// (OUT/tuning), else a fresh kiln tune into OUT/tuning.
std::string tuning_record_for(const CompareOptions& o, const std::string& model, const std::string& id,
                              const SocConfig& soc, const std::string& mcu_profile) {
  const std::string name = fs::path(model).stem().string() + ".tuning.json";
  if (!o.tuning_dir.empty()) {
    const std::string given = (fs::path(o.tuning_dir) / name).string();
    if (fs::exists(given)) {
      check_tuning_record(read_tuning_record(given), given, model, soc);  // a record the user gave must fit
      if (o.progress) o.progress({Progress::Kind::Step, fmt::format("{}: reusing tuning record {}", id, given), 0, 0});
      return given;
    }
  }
  const std::string own = o.out_dir + "/tuning/" + id + ".tuning.json";
  if (fs::exists(own)) {
    try {
      check_tuning_record(read_tuning_record(own), own, model, soc);
      if (o.progress) o.progress({Progress::Kind::Step, fmt::format("{}: reusing tuning record {}", id, own), 0, 0});
      return own;
    } catch (const Error&) {
      // made for another model file or SoC: tune again below
    }
  }
  if (o.progress)
    o.progress({Progress::Kind::Step, fmt::format("{}: tuning (budget {} simulations)", id, o.tune_budget), 0, 0});
  fs::create_directories(o.out_dir + "/tuning");
  TuneOptions t;
  t.model = model;
  t.soc = o.soc;
  t.mcu_profile = mcu_profile;
  t.record = own;
  t.work_dir = own + ".work";
  t.kiln_exe = o.kiln_exe;
  t.jobs = o.jobs;
  t.budget_simulations = o.tune_budget;
  t.budget_seconds = o.tune_budget_seconds;
  t.seed = o.seed;
  t.timeout_s = o.timeout_s;
  run_tune(t);
  return own;
}

// What a run is made from: a run whose key is unchanged is not repeated.
std::string run_key(const CompareOptions& o, const std::string& model, const SocConfig& soc, const Strategy& s,
                    const std::string& mcu_profile, const std::string& record) {
  nlohmann::json j = {{"model", model_fingerprint(model)},
                      {"soc", soc_fingerprint(soc)},
                      {"technology", soc.technology},
                      {"strategy", s.name},
                      {"mcu_only", s.mcu_only},
                      {"mcu_profile", mcu_profile},
                      {"tuning", record.empty() ? "" : fingerprint_text(read_child_file(record))},
                      {"seed", o.seed},
                      {"kiln", fingerprint_text(read_child_file(o.kiln_exe))}};
  return fingerprint_text(j.dump());
}

ChildJob run_job(const CompareOptions& o, const CompareRun& r, const Planned& p) {
  const std::string stem = run_stem(o.out_dir, r);
  std::vector<std::string> argv = {o.kiln_exe, "run",          r.model_path, "--soc", o.soc, "--seed",
                                   std::to_string(o.seed), "--report", stem + ".json"};
  if (p.strategy->mcu_only) argv.push_back("--mcu-only");
  if (!p.mcu_profile.empty()) argv.insert(argv.end(), {"--mcu-profile", p.mcu_profile});
  if (!p.tuning_record.empty()) argv.insert(argv.end(), {"--tuning", p.tuning_record});
  for (const auto& unit : p.strategy->npu_units) argv.insert(argv.end(), {"--npu-unit", unit});
  return {argv, stem + ".err"};
}

void derive(CompareRun& r, const Strategy& s) {
  double total = 0;
  r.unit_share.clear();
  r.layers_on_mcu = 0;
  r.layers = 0;
  for (const auto& l : r.report.layers) {
    if (l.unit == "-") continue;  // no work (a reshape): runs nowhere
    r.unit_share[l.unit] += l.time_us;
    total += l.time_us;
    ++r.layers;
    r.layers_on_mcu += l.unit == "mcu";
  }
  for (auto& [unit, t] : r.unit_share) t = total > 0 ? t / total : 0;
  if (s.mcu_only && r.layers_on_mcu != r.layers) {
    for (const auto& l : r.report.layers)
      if (l.unit != "mcu" && l.unit != "-") {
        r.error = fmt::format("layer '{}' ran on the {}, not the MCU", l.name, l.unit);
        break;
      }
  }
}

void finish(const CompareOptions& o, CompareRun& r, const Planned& p, const ChildResult& c) {
  const std::string stem = run_stem(o.out_dir, r);
  const std::string err = stem + ".err";
  if (c.timed_out) {
    r.error = fmt::format("timeout: no result after {} s", o.timeout_s);
  } else if (c.signaled) {
    r.error = fmt::format("crashed: killed by signal {} ({})", c.signal, strsignal(c.signal));
  } else if (c.exit_code == 0 || c.exit_code == 2) {  // 2: the outputs differ; the report says where
    try {
      r.report = read_run_report(stem + ".json");
      r.ok = true;
      if (c.exit_code == 2) r.error = "outputs differ from the reference interpreter (a kiln bug: please report)";
    } catch (const std::exception& e) {
      r.error = fmt::format("the run's report is unreadable: {}", e.what());
    }
  } else if (c.exit_code == 127) {
    r.error = "cannot execute the kiln binary";
  } else {
    r.error = child_error_line(read_child_file(err));
    if (r.error.empty()) r.error = fmt::format("exit code {}", c.exit_code);
  }
  if (r.ok && c.exit_code == 0) {
    write_text_file_atomic(stem + ".key", p.key + "\n");
    std::remove(err.c_str());
  } else {
    std::remove((stem + ".key").c_str());
  }
}

}  // namespace

uint64_t CompareRun::mcu_cycles() const { return uint64_t(std::llround(report.total_us * mcu_clock_mhz)); }

CompareResult run_compare(const CompareOptions& o) {
  if (o.models.empty()) throw Error("kiln compare: name at least one model (.tflite or .onnx)");
  for (const auto& m : o.models) {
    if (!is_model_file(m)) throw Error(fmt::format("{}: not a model file (expected .tflite or .onnx)", m));
    if (!fs::is_regular_file(m)) throw Error(fmt::format("{}: no such model file", m));
  }
  std::vector<const Strategy*> chosen;
  if (o.strategies.empty()) {
    for (const auto& s : strategies()) chosen.push_back(&s);
  } else {
    std::set<std::string> seen;
    for (const auto& name : o.strategies) {
      const Strategy& s = find_strategy(name);
      if (!seen.insert(s.name).second) throw Error(fmt::format("--strategy {} is given twice", name));
      chosen.push_back(&s);
    }
  }
  const SocConfig soc = load_soc_config(o.soc);
  std::vector<std::string> profiles;  // per chosen strategy, checked before anything runs
  std::vector<SocConfig> socs;        // the SoC each strategy runs on (its MCU profile in place)
  for (const auto* s : chosen) {
    // kiln tune takes the SoC as given: a tuned strategy's record would not fit the SoC with units enabled.
    if (s->tuned && !s->npu_units.empty())
      throw Error(fmt::format("strategy '{}' is tuned and enables NPU units, which kiln compare does not support",
                              s->name));
    profiles.push_back(strategy_mcu_profile(*s, soc));
    socs.push_back(soc_for(strategy_soc(*s, soc), profiles.back()));
  }

  CompareResult result;
  result.soc_name = soc.name;
  result.soc_source = soc.source;
  for (const auto* s : chosen) result.strategies.push_back(s->name);
  fs::create_directories(o.out_dir);
  const DirectoryLock lock(o.out_dir, "kiln compare");

  const auto ids = model_ids(o.models);
  std::vector<Planned> plan;
  std::vector<size_t> to_run;
  for (size_t m = 0; m < o.models.size(); ++m) {
    fs::create_directories(o.out_dir + "/runs/" + ids[m]);
    for (size_t k = 0; k < chosen.size(); ++k) {
      const Strategy& s = *chosen[k];
      CompareRun r;
      r.model = ids[m];
      r.model_path = o.models[m];
      r.strategy = s.name;
      r.mcu_profile = profiles[k];
      const SocConfig& run_soc = socs[k];
      r.mcu_clock_mhz = run_soc.mcu.clock_mhz;
      Planned p{m, &s, profiles[k], "", ""};
      if (s.tuned) p.tuning_record = tuning_record_for(o, o.models[m], ids[m], run_soc, profiles[k]);
      p.key = run_key(o, o.models[m], run_soc, s, profiles[k], p.tuning_record);
      const std::string stem = run_stem(o.out_dir, r);
      if (fs::exists(stem + ".json") && read_child_file(stem + ".key") == p.key + "\n") {
        try {
          r.report = read_run_report(stem + ".json");
          r.ok = r.reused = true;
          ++result.reused;
        } catch (const Error&) {
          // unreadable: run it again
        }
      }
      if (!r.reused) to_run.push_back(result.runs.size());
      result.runs.push_back(std::move(r));
      plan.push_back(std::move(p));
    }
  }
  if (result.reused && o.progress)
    o.progress({Progress::Kind::Step,
                fmt::format("compare: {} of {} runs reused from {} (same model, SoC, strategy and kiln)",
                            result.reused, result.runs.size(), o.out_dir),
                0, 0});

  std::vector<ChildJob> jobs;
  for (size_t i : to_run) jobs.push_back(run_job(o, result.runs[i], plan[i]));
  size_t done = 0;
  run_children(jobs, o.jobs, o.timeout_s, [&](const ChildResult& c) {
    const size_t i = to_run[c.index];
    finish(o, result.runs[i], plan[i], c);
    ++done;
    if (o.progress)
      o.progress({done == jobs.size() ? Progress::Kind::StatusEnd : Progress::Kind::Status,
                  fmt::format("compare: {}/{} runs done ({} {})", done, jobs.size(), result.runs[i].model,
                              result.runs[i].strategy),
                  done, jobs.size()});
  });
  result.ran = jobs.size();

  result.baseline = chosen.front()->name;
  for (size_t i = 0; i < result.runs.size(); ++i) {
    CompareRun& r = result.runs[i];
    if (r.ok) derive(r, *plan[i].strategy);
    const CompareRun& base = result.runs[i - i % chosen.size()];  // the model's first strategy
    if (r.ok && base.ok && r.report.total_us > 0) r.speedup = base.report.total_us / r.report.total_us;
    result.failed += !r.ok || !r.error.empty();
    result.mismatched += r.ok && !r.report.outputs_match;
  }
  write_compare_files(result, o.out_dir);
  return result;
}

void write_compare_files(const CompareResult& r, const std::string& out_dir) {
  nlohmann::ordered_json runs = nlohmann::ordered_json::array();
  std::string csv =
      "model,strategy,mcu_profile,ok,bit_exact,latency_npu_cycles,latency_mcu_cycles,latency_ms,speedup,energy_uj,"
      "peak_sram_bytes,flash_bytes,share_mcu,share_npu,layers,layers_on_mcu,error\n";
  const auto quoted = [](std::string s) {  // RFC 4180, where a field needs it
    if (s.find_first_of(",\"\n") == std::string::npos) return s;
    for (size_t p = s.find('"'); p != std::string::npos; p = s.find('"', p + 2)) s.insert(p, "\"");
    return "\"" + s + "\"";
  };
  for (const auto& x : r.runs) {
    const auto& rep = x.report;
    const double energy = rep.energy ? rep.energy->total_uj : 0;
    const auto share = [&](const char* unit) {
      auto it = x.unit_share.find(unit);
      return it == x.unit_share.end() ? 0.0 : it->second;
    };
    nlohmann::ordered_json j = {{"model", x.model},
                                {"model_path", x.model_path},
                                {"strategy", x.strategy},
                                {"summary", find_strategy(x.strategy).summary},
                                {"mcu_profile", x.mcu_profile},
                                {"ok", x.ok},
                                {"bit_exact", x.bit_exact()},
                                {"reused", x.reused}};
    if (!x.error.empty()) j["error"] = x.error;
    if (x.ok) {
      j["latency_npu_cycles"] = rep.total_cycles;
      j["latency_mcu_cycles"] = x.mcu_cycles();
      j["latency_ms"] = rep.total_us / 1e3;
      j["speedup"] = x.speedup;
      j["energy_uj"] = energy;
      j["peak_sram_bytes"] = rep.peak_sram_bytes;
      j["flash_bytes"] = rep.flash_bytes;
      j["unit_share"] = x.unit_share;
      j["layers"] = x.layers;
      j["layers_on_mcu"] = x.layers_on_mcu;
      // What dominates: the layers that take the most time, with the cause
      // kiln attributes to each (the run report's bound).
      std::vector<const LayerRow*> by_time;
      double total_us = 0;
      for (const auto& l : rep.layers) by_time.push_back(&l), total_us += l.time_us;
      std::stable_sort(by_time.begin(), by_time.end(),
                       [](const LayerRow* a, const LayerRow* b) { return a->time_us > b->time_us; });
      nlohmann::ordered_json top = nlohmann::ordered_json::array();
      for (size_t i = 0; i < std::min<size_t>(3, by_time.size()); ++i)
        top.push_back({{"layer", by_time[i]->name},
                       {"op", by_time[i]->kind},
                       {"unit", by_time[i]->unit},
                       {"bound", by_time[i]->bound},
                       {"mcu_kernel", by_time[i]->unit == "mcu" ? by_time[i]->mcu_kernel : ""},
                       {"time_us", by_time[i]->time_us},
                       {"share", total_us > 0 ? by_time[i]->time_us / total_us : 0}});
      j["top_layers"] = top;
    }
    runs.push_back(j);
    if (x.ok)
      csv += fmt::format("{},{},{},1,{},{},{},{:.6g},{:.6g},{:.6g},{},{},{:.4f},{:.4f},{},{},{}\n", quoted(x.model),
                         x.strategy, quoted(x.mcu_profile), int(x.bit_exact()), rep.total_cycles, x.mcu_cycles(), rep.total_us / 1e3,
                         x.speedup, energy, rep.peak_sram_bytes, rep.flash_bytes, share("mcu"), share("npu"),
                         x.layers, x.layers_on_mcu, quoted(x.error));
    else
      csv += fmt::format("{},{},{},0,0,,,,,,,,,,,,{}\n", quoted(x.model), x.strategy, quoted(x.mcu_profile),
                         quoted(x.error));
  }
  nlohmann::ordered_json doc = {{"soc", {{"name", r.soc_name}, {"source", r.soc_source}}},
                                {"baseline", r.baseline},
                                {"strategies", r.strategies},
                                {"runs", runs}};
  write_text_file_atomic(out_dir + "/compare.json", doc.dump(2) + "\n");
  write_text_file_atomic(out_dir + "/compare.csv", csv);
}

void plot_compare(const std::string& out_dir, const std::string& plot_script) {
  // Debian's interpreter, where apt put matplotlib (not whatever python3 is first on PATH).
  const std::string err = out_dir + "/plot.err";
  bool ok = false;
  run_children({{{"/usr/bin/python3", plot_script, out_dir}, err}}, 1, 300,
               [&](const ChildResult& c) { ok = !c.signaled && c.exit_code == 0; });
  const std::string why = read_child_file(err);
  std::remove(err.c_str());
  if (!ok)
    throw Error(fmt::format("{}: the plots could not be drawn ({} failed{}; is python3-matplotlib installed? "
                            "scripts/setup.sh installs it)",
                            out_dir, plot_script, why.empty() ? "" : ": " + child_error_line(why)));
}

}  // namespace kiln::explore
