#include "explore/tune.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <tuple>
#include <sstream>

#include <fmt/format.h>

#include "arch/error.h"
#include "arch/profile.h"
#include "arch/mcu_profile.h"
#include "arch/soc_config_yaml.h"
#include "compiler/frontend/load_model.h"
#include "compiler/mapping/calibration.h"
#include "compiler/mapping/tiler.h"
#include "explore/gap_attribution.h"
#include "explore/process_pool.h"
#include "explore/run_report.h"

namespace kiln::explore {
namespace fs = std::filesystem;

namespace {

using Clock = std::chrono::steady_clock;

// Tilings per layer the search draws from (best by the analytic model); each
// is tried with every DMA channel assignment.
constexpr size_t kTilingsPerLayer = 24;
// How far behind the best measured candidate (as a factor of its cycles) the
// calibrated model may place a candidate that is still worth simulating.
constexpr double kExplore = 1.15;

// Cascade variants (producer and consumer tilings) per layer, best by the model.
constexpr size_t kCascadeVariants = 4;
// Ranks of cascade variants tried for every cascadable pair.
constexpr unsigned kCascadeRanks = 2;

struct Candidate {
  size_t tiling = 0;               // into LayerSearch::schedules
  mapping::DmaChannels channels;
  std::optional<double> measured;  // simulated NPU cycles of the layer
  bool cascade = false;            // valid only with its pair (mapping::Tiling::*_resident)
};

// Two consecutive NPU layers whose intermediate tensor may stay in the input
// scratchpad (layers_ indices).
struct CascadePair {
  size_t producer = 0, consumer = 0;
};

struct LayerSearch {
  int op = -1;
  std::string name;
  std::vector<mapping::LayerSchedule> schedules;  // one per tiling (default channels)
  std::vector<Candidate> pool;                    // pool[0] is the analytic choice
  size_t best = 0;                                // measured best so far (not a cascade variant)
  std::vector<size_t> producer_variants, consumer_variants;  // cascade candidates in the pool
  std::vector<size_t> middle_variants;  // reading and writing resident: inside a chain

  const mapping::ConvShape& shape() const { return schedules[0].shape; }
  mapping::Tiling tiling_of(const Candidate& c) const {
    mapping::Tiling t = schedules[c.tiling].tiling;
    t.channels = c.channels;
    return t;
  }
  double predicted(const Candidate& c, const mapping::CostModel& model) const {
    return model.predict(schedules[c.tiling], c.channels).cycles;
  }
  mapping::LayerSchedule schedule_of(const Candidate& c) const {
    mapping::LayerSchedule s = schedules[c.tiling];
    s.tiling.channels = c.channels;
    return s;
  }
};

SocConfig load_soc(const TuneOptions& o) {
  SocConfig soc = load_soc_config(o.soc);
  if (!o.mcu_profile.empty()) override_mcu_profile(soc, o.mcu_profile);
  return soc;
}

// What one simulated program measured.
struct ProgramResult {
  uint64_t latency = 0;
  std::vector<double> layer_cycles;  // by op index
};

class Tuner {
 public:
  explicit Tuner(const TuneOptions& o)
      : o_(o), soc_(load_soc(o)), graph_(frontend::load_model(o.model)), begin_(Clock::now()) {
    record_.model = o.model;
    record_.model_fingerprint = model_fingerprint(o.model);
    record_.soc = soc_.name;
    record_.soc_fingerprint = soc_fingerprint(soc_);
    record_.seed = o.seed;
    baseline_ = codegen::compile_model(graph_, soc_);
    const mapping::CostModel analytic(soc_);
    for (const auto& layer : baseline_.layers) {
      record_.roofline_cycles += layer.roofline_ps * soc_.npu.clock_mhz / 1e6;
      if (layer.unit != passes::Unit::Npu) continue;
      LayerSearch s;
      s.op = layer.op_index;
      s.name = layer.name;
      auto ranked = mapping::rank_tilings(layer.shape, soc_, analytic);
      // The analytic choice leads the pool (ties may rank another equal one first).
      const auto chosen = std::find_if(ranked.begin(), ranked.end(),
                                       [&](const mapping::RankedTiling& r) { return r.tiling == layer.chosen; });
      if (chosen != ranked.end()) std::rotate(ranked.begin(), chosen, chosen + 1);
      for (size_t i = 0; i < ranked.size() && i < kTilingsPerLayer; ++i)
        s.schedules.push_back(mapping::build_schedule(layer.shape, ranked[i].tiling));
      if (s.schedules.empty() || !(s.schedules[0].tiling == layer.chosen))
        throw Error(fmt::format("internal: tune: {} is not the analytic choice's first candidate", layer.name));
      for (size_t t = 0; t < s.schedules.size(); ++t)
        for (const auto& ch : mapping::channel_assignments(soc_)) s.pool.push_back({t, ch, std::nullopt});
      // Cascade variants: the best tilings by the model that still fit with
      // the tensor kept in (or read from) the input scratchpad.
      for (auto* variants : {&s.producer_variants, &s.consumer_variants, &s.middle_variants}) {
        for (const auto& r : ranked) {
          if (variants->size() >= kCascadeVariants) break;
          mapping::Tiling t = r.tiling;
          t.output_resident = variants != &s.consumer_variants;
          t.input_resident = variants != &s.producer_variants;
          if (!mapping::fits(layer.shape, t, soc_)) continue;
          s.schedules.push_back(mapping::build_schedule(layer.shape, t));
          variants->push_back(s.pool.size());
          s.pool.push_back({s.schedules.size() - 1, t.channels, std::nullopt, true});
        }
      }
      layers_.push_back(std::move(s));
    }
    const auto placement = passes::partition(graph_, soc_);
    for (size_t i = 0; i + 1 < layers_.size(); ++i)
      if (layers_[i + 1].op == layers_[i].op + 1 && !layers_[i].producer_variants.empty() &&
          !layers_[i + 1].consumer_variants.empty() &&
          codegen::cascade_blocker(graph_, placement, size_t(layers_[i].op)).empty())
        pairs_.push_back({i, i + 1});
    // Pairs that share a layer go to different groups (a layer is a producer or a consumer, not both).
    for (size_t p = 0; p < pairs_.size(); ++p) {
      size_t g = 0;
      while (g < groups_.size() && !groups_[g].empty() && pairs_[groups_[g].back()].consumer == pairs_[p].producer) ++g;
      if (g == groups_.size()) groups_.emplace_back();
      groups_[g].push_back(p);
    }
    // Chains: every pair at once, a layer in two pairs reading and writing
    // resident (a middle variant); a layer with no middle variant that fits
    // ends the chain there.
    chain_role_.assign(layers_.size(), Role::None);
    bool middle = false;
    for (const auto& pair : pairs_) {
      Role& a = chain_role_[pair.producer];
      if (a == Role::Consumer && layers_[pair.producer].middle_variants.empty()) continue;
      middle |= a == Role::Consumer;
      a = a == Role::Consumer ? Role::Middle : Role::Producer;
      chain_role_[pair.consumer] = Role::Consumer;
    }
    if (!middle) chain_role_.clear();  // the pair groups already cover it
    cascade_reserve_ = unsigned(groups_.size() + (chain_role_.empty() ? 0 : 1)) * kCascadeRanks;
  }

  TuningRecord run() {
    fs::create_directories(o_.work_dir);
    step(fmt::format("tune: {} on {}: {} NPU layers, {} candidates, budget {} simulations or {:.0f} s, -j {}",
                             o_.model, soc_.name, layers_.size(), pool_size(), o_.budget_simulations,
                             o_.budget_seconds, o_.jobs));
    // Round 0: the analytic choice of every layer.
    std::vector<std::vector<size_t>> programs = {std::vector<size_t>(layers_.size(), 0)};
    const auto baseline = simulate(programs, true);
    record_.analytic_latency_cycles = baseline[0].latency;
    std::vector<double> analytic_cycles;
    for (const auto& l : layers_) analytic_cycles.push_back(baseline[0].layer_cycles[size_t(l.op)]);
    const Profile baseline_profile = read_profile_file(profile_path(0, 0));
    best_latency_ = baseline[0].latency;
    best_program_ = programs[0];
    report_round(round_label(0));

    for (unsigned round = 1;; ++round) {
      const unsigned all_left = remaining_simulations();
      const unsigned left = all_left > cascade_reserve_ ? all_left - cascade_reserve_ : 0;
      if (left == 0 || seconds() >= o_.budget_seconds) {
        step("tune: budget spent");
        break;
      }
      programs = next_programs(std::min(left, std::max(2u, o_.jobs)));
      if (programs.empty()) {
        step(fmt::format("tune: stable: every candidate the calibrated model places within {:.0f}% of its "
                                 "layer's best has been measured",
                                 100 * (kExplore - 1)));
        break;
      }
      const auto results = simulate(programs, false);
      for (size_t p = 0; p < results.size(); ++p)
        if (results[p].latency < best_latency_) best_latency_ = results[p].latency, best_program_ = programs[p];
      report_round(round_label(round));
    }

    // The tuned program: every layer's measured best, with the cascades that
    // measured faster than their two layers' bests apart.
    std::vector<size_t> tuned;
    for (const auto& l : layers_) tuned.push_back(l.best);
    for (const auto& [layer, candidate] : cascade_phase()) tuned[layer] = candidate;
    bool changed = false;
    for (size_t i = 0; i < tuned.size(); ++i) changed |= tuned[i] != 0;
    ProgramResult final_result = baseline[0];
    Profile final_profile = baseline_profile;
    if (changed) {
      final_result = simulate({tuned}, true)[0];
      final_profile = read_profile_file(profile_path(run_counter_ - 1, 0));
      // Layers interact a little (through the MCU work and the queues between
      // them): the combination of per-layer bests may lose to a whole program
      // measured on the way, or even to the analytic choice. Never hand back worse.
      if (final_result.latency > best_latency_) {
        step(fmt::format("tune: the per-layer bests together took {} cycles; a program measured earlier took "
                                 "{}: keeping that one",
                                 final_result.latency, best_latency_));
        tuned = best_program_;
        final_result = simulate({tuned}, true)[0];
        final_profile = read_profile_file(profile_path(run_counter_ - 1, 0));
      }
    }
    // Weight prefetch: every NPU layer's first chunk loaded during the layer
    // before it. Kept when the whole program measures faster with it.
    if (layers_.size() > 1) {
      prefetch_ = true;
      const ProgramResult with = simulate({tuned}, true)[0];
      if (with.latency < final_result.latency) {
        step(fmt::format("prefetch  each layer's first weights loaded during the layer before: {} -> {} "
                                 "cycles, kept",
                                 final_result.latency, with.latency));
        final_result = with;
        final_profile = read_profile_file(profile_path(run_counter_ - 1, 0));
      } else {
        step(fmt::format("prefetch  {} -> {} cycles, not kept", final_result.latency, with.latency));
        prefetch_ = false;
      }
      // Resident weights: every layer whose chunks fit side by side keeps
      // them in place, and (with prefetch) as many stream in during the layer
      // before as its measured time covers at the flash's read rate; the rest
      // load under the layer's own compute. Kept when the whole program
      // measures faster with it.
      resident_weights_ = run_counter_ < o_.budget_simulations;
      const MemoryConfig* flash = soc_.first_of_kind(MemoryKind::Flash);
      const double flash_per_npu_cycle =
          flash->flash_bytes_per_bus_cycle(soc_.bus.width_bytes) * soc_.bus.clock_mhz / soc_.npu.clock_mhz;
      prefetch_chunks_.assign(layers_.size(), 0);
      for (size_t i = 1; i < layers_.size(); ++i) {
        const mapping::Tiling t = tiling_for(i, tuned[i]);
        if (!t.weights_resident) continue;  // does not fit: no chunks to prefetch beyond the first
        const mapping::LayerSchedule sched = mapping::build_schedule(layers_[i].shape(), t);
        const size_t chunks = sched.resident_weight_sizes.size();
        const double chunk_bytes = double(sched.weight_bytes_moved) / double(chunks);
        const double covered = final_result.layer_cycles[size_t(layers_[i - 1].op)] * flash_per_npu_cycle;
        prefetch_chunks_[i] = uint32_t(std::clamp<double>(std::floor(covered / chunk_bytes), 1, double(chunks)));
      }
    }
    if (resident_weights_) {
      const ProgramResult resident = simulate({tuned}, true)[0];
      if (resident.latency < final_result.latency) {
        step(fmt::format("resident  each layer's weight chunks side by side in the weight scratchpad{}: {} -> {} "
                                 "cycles, kept",
                                 prefetch_ ? ", as many loaded during the layer before as its time covers" : "", final_result.latency,
                                 resident.latency));
        final_result = resident;
        final_profile = read_profile_file(profile_path(run_counter_ - 1, 0));
      } else {
        step(fmt::format("resident  {} -> {} cycles, not kept", final_result.latency, resident.latency));
        resident_weights_ = false;
      }
    }
    record_.tuned_latency_cycles = final_result.latency;

    const codegen::CompiledModel final_program = compile(tuned);
    for (size_t i = 0; i < layers_.size(); ++i) {
      const LayerSearch& s = layers_[i];
      const codegen::LayerInfo& info = final_program.layers[size_t(s.op)];
      TunedLayer t;
      t.op = s.op;
      t.name = s.name;
      t.analytic = s.tiling_of(s.pool[0]);
      t.tuned = tiling_for(i, tuned[i]);
      t.analytic_cycles = analytic_cycles[i];
      t.tuned_cycles = final_result.layer_cycles[size_t(s.op)];
      t.roofline_cycles = info.roofline_ps * soc_.npu.clock_mhz / 1e6;
      t.cause = attribute_gap(final_profile, info.first_command, info.end_command, double(info.macs),
                              double(soc_.npu.rows) * soc_.npu.cols)
                    .dominant();
      record_.layers.push_back(t);
    }
    const auto measured = measured_layers();
    record_.calibration = calibration_;
    record_.mae_before = mapping::mean_absolute_error(mapping::CostModel(soc_), measured);
    record_.mae_after = mapping::mean_absolute_error(mapping::CostModel(soc_, calibration_), measured);
    record_.simulations = run_counter_;
    write_tuning_record(record_, o_.record);
    std::error_code ec;
    fs::remove_all(o_.work_dir, ec);
    return record_;
  }

 private:
  size_t pool_size() const {
    size_t n = 0;
    for (const auto& l : layers_) n += l.pool.size();
    return n;
  }
  double seconds() const { return std::chrono::duration<double>(Clock::now() - begin_).count(); }
  unsigned remaining_simulations() const {
    // Four simulations are kept back for the tuned program as a whole (its
    // per-layer bests, a faster program measured earlier, with prefetch, with
    // resident weights).
    const unsigned used = unsigned(run_counter_) + 4;
    return o_.budget_simulations > used ? o_.budget_simulations - used : 0;
  }

  std::vector<mapping::MeasuredLayer> measured_layers() const {
    std::vector<mapping::MeasuredLayer> out;
    for (const auto& l : layers_)
      for (const auto& c : l.pool)
        if (c.measured) out.push_back({l.schedule_of(c), *c.measured});
    return out;
  }

  // Up to `count` programs: program p gives each layer its p-th best
  // unmeasured candidate by the calibrated model (or its best so far when it
  // has no more). Empty when no layer has a candidate left worth measuring.
  std::vector<std::vector<size_t>> next_programs(unsigned count) {
    const mapping::CostModel model(soc_, calibration_);
    std::vector<std::vector<size_t>> picks(layers_.size());
    bool any = false;
    for (size_t i = 0; i < layers_.size(); ++i) {
      const LayerSearch& s = layers_[i];
      std::vector<std::pair<double, size_t>> ranked;
      for (size_t c = 0; c < s.pool.size(); ++c)
        ranked.push_back({s.pool[c].measured ? *s.pool[c].measured : s.predicted(s.pool[c], model), c});
      std::stable_sort(ranked.begin(), ranked.end());
      // Worth measuring: predicted within kExplore of the best measured so
      // far (the calibrated model still errs by some percent; a candidate it
      // places a little behind may be ahead on the simulator).
      const double best = *s.pool[s.best].measured;
      for (const auto& [cycles, c] : ranked) {
        if (picks[i].size() >= count) break;
        if (!s.pool[c].measured && !s.pool[c].cascade && cycles <= best * kExplore) picks[i].push_back(c);
      }
      any |= !picks[i].empty();
    }
    if (!any) return {};
    std::vector<std::vector<size_t>> programs;
    for (unsigned p = 0; p < count; ++p) {
      std::vector<size_t> prog;
      bool new_here = false;
      for (size_t i = 0; i < layers_.size(); ++i) {
        if (p < picks[i].size()) {
          prog.push_back(picks[i][p]);
          new_here = true;
        } else {
          prog.push_back(layers_[i].best);
        }
      }
      if (new_here) programs.push_back(prog);
    }
    return programs;
  }

  // Simulates every cascadable pair fused (its producer and consumer
  // variants best by the calibrated model, kCascadeRanks of each) and returns
  // the cascades worth keeping: layer -> cascade candidate. A pair is kept
  // when its two fused layers measured faster together than the two layers'
  // unfused bests; overlapping pairs are taken by gain, best first.
  std::map<size_t, size_t> cascade_phase() {
    std::map<size_t, size_t> chosen;
    if (pairs_.empty()) return chosen;
    const mapping::CostModel model(soc_, calibration_);
    const auto by_model = [&](const LayerSearch& s, const std::vector<size_t>& variants) {
      std::vector<std::pair<double, size_t>> ranked;
      for (size_t v : variants) ranked.push_back({s.predicted(s.pool[v], model), v});
      std::stable_sort(ranked.begin(), ranked.end());
      std::vector<size_t> out;
      for (const auto& r : ranked) out.push_back(r.second);
      return out;
    };
    std::vector<std::vector<size_t>> producers, consumers;  // per pair, best first
    for (const auto& pair : pairs_) {
      producers.push_back(by_model(layers_[pair.producer], layers_[pair.producer].producer_variants));
      consumers.push_back(by_model(layers_[pair.consumer], layers_[pair.consumer].consumer_variants));
    }
    std::vector<std::vector<size_t>> programs;
    for (unsigned rank = 0; rank < kCascadeRanks; ++rank)
      for (const auto& group : groups_) {
        std::vector<size_t> prog;
        for (const auto& l : layers_) prog.push_back(l.best);
        for (size_t p : group) {
          const auto& a = producers[p];
          const auto& b = consumers[p];
          prog[pairs_[p].producer] = a[std::min<size_t>(rank, a.size() - 1)];
          prog[pairs_[p].consumer] = b[std::min<size_t>(rank, b.size() - 1)];
        }
        if (std::find(programs.begin(), programs.end(), prog) == programs.end()) programs.push_back(prog);
      }
    if (!chain_role_.empty())
      for (unsigned rank = 0; rank < kCascadeRanks; ++rank) {
        std::vector<size_t> prog;
        for (size_t l = 0; l < layers_.size(); ++l) {
          const LayerSearch& s = layers_[l];
          const Role r = chain_role_[l];
          if (r == Role::None) {
            prog.push_back(s.best);
            continue;
          }
          const auto v = by_model(s, r == Role::Producer   ? s.producer_variants
                                     : r == Role::Consumer ? s.consumer_variants
                                                           : s.middle_variants);
          prog.push_back(v[std::min<size_t>(rank, v.size() - 1)]);
        }
        if (std::find(programs.begin(), programs.end(), prog) == programs.end()) programs.push_back(prog);
      }
    programs.resize(std::min<size_t>(programs.size(), remaining_simulations()));
    if (programs.empty()) return chosen;
    const auto results = simulate(programs, false);
    for (size_t p = 0; p < results.size(); ++p)
      if (results[p].latency < best_latency_) best_latency_ = results[p].latency, best_program_ = programs[p];
    // The best measured variant of each role; variants of the two layers combine freely.
    const auto best_variant = [](const LayerSearch& s, const std::vector<size_t>& variants) {
      std::optional<size_t> best;
      for (size_t v : variants)
        if (s.pool[v].measured && (!best || *s.pool[v].measured < *s.pool[*best].measured)) best = v;
      return best;
    };
    std::vector<std::tuple<double, size_t, size_t, size_t>> gains;  // gain, pair, producer cand, consumer cand
    for (size_t p = 0; p < pairs_.size(); ++p) {
      const LayerSearch& a = layers_[pairs_[p].producer];
      const LayerSearch& b = layers_[pairs_[p].consumer];
      const auto va = best_variant(a, a.producer_variants), vb = best_variant(b, b.consumer_variants);
      if (!va || !vb) continue;
      const double apart = *a.pool[a.best].measured + *b.pool[b.best].measured;
      const double fused = *a.pool[*va].measured + *b.pool[*vb].measured;
      if (fused < apart) gains.emplace_back(apart - fused, p, *va, *vb);
    }
    std::sort(gains.begin(), gains.end(), [](const auto& x, const auto& y) { return std::get<0>(x) > std::get<0>(y); });
    for (const auto& [gain, p, va, vb] : gains) {
      if (chosen.count(pairs_[p].producer) || chosen.count(pairs_[p].consumer)) continue;
      chosen[pairs_[p].producer] = va;
      chosen[pairs_[p].consumer] = vb;
    }
    step(fmt::format("cascades {} of {} pairs kept (intermediate tensors left in the input scratchpad){}",
                             chosen.size() / 2, pairs_.size(),
                             chain_role_.empty() ? "" : "; whole chains measured too, kept if faster as a program"));
    report_round("cascade ");
    return chosen;
  }

  codegen::CompiledModel compile(const std::vector<size_t>& program) const {
    return codegen::compile_model(graph_, soc_, choices_of(program));
  }
  mapping::Tiling tiling_for(size_t layer, size_t candidate) const {
    mapping::Tiling t = layers_[layer].tiling_of(layers_[layer].pool[candidate]);
    t.prefetch_weights = prefetch_ && layer > 0;
    if (resident_weights_) {
      t.weights_resident = true;
      t.prefetch_chunks = layer < prefetch_chunks_.size() ? prefetch_chunks_[layer] : 0;
      if (!mapping::fits(layers_[layer].shape(), t, soc_)) t.weights_resident = false, t.prefetch_chunks = 0;
    }
    return t;
  }
  codegen::TilingChoices choices_of(const std::vector<size_t>& program) const {
    codegen::TilingChoices c;
    for (size_t i = 0; i < layers_.size(); ++i) c[layers_[i].op] = tiling_for(i, program[i]);
    return c;
  }

  std::string stem(size_t run, size_t p) const { return fmt::format("{}/run{}-{}", o_.work_dir, run, p); }
  std::string profile_path(size_t run, size_t p) const { return stem(run, p) + ".profile.json"; }

  // Simulates the programs (one `kiln run` child each), records what each
  // layer's candidate measured, refits the calibration.
  std::vector<ProgramResult> simulate(const std::vector<std::vector<size_t>>& programs, bool keep_profile) {
    const size_t run = run_counter_;
    std::vector<ChildJob> jobs;
    for (size_t p = 0; p < programs.size(); ++p) {
      TuningRecord candidate = record_;
      candidate.layers.clear();
      for (const auto& [op, tiling] : choices_of(programs[p])) candidate.layers.push_back({op, "", tiling, tiling, 0, 0, 0, ""});
      const std::string s = stem(run, p);
      write_tuning_record(candidate, s + ".tuning.json");
      std::vector<std::string> argv = {o_.kiln_exe, "run", o_.model,     "--soc",    o_.soc,
                                       "--tuning",  s + ".tuning.json", "--seed", std::to_string(o_.seed),
                                       "--report",  s + ".report.json"};
      if (keep_profile) argv.insert(argv.end(), {"--profile", profile_path(run, p)});
      if (!o_.mcu_profile.empty()) argv.insert(argv.end(), {"--mcu-profile", o_.mcu_profile});
      jobs.push_back({argv, s + ".err"});
    }
    run_counter_ += programs.size();
    std::vector<ProgramResult> results(programs.size());
    size_t done = 0;
    run_children(jobs, o_.jobs, o_.timeout_s, [&](const ChildResult& c) {
      const std::string s = stem(run, c.index);
      if (c.timed_out) throw Error(fmt::format("tune: a candidate's simulation took more than {} s", o_.timeout_s));
      if (c.exit_code == 2)
        throw Error(fmt::format("tune: a candidate's outputs differ from the reference interpreter (a kiln bug: "
                                "please report; the candidate is {}.tuning.json)",
                                s));
      if (c.exit_code != 0)
        throw Error(fmt::format("tune: a candidate's simulation failed: {}",
                                c.signaled ? fmt::format("signal {}", c.signal)
                                           : child_error_line(read_child_file(s + ".err"))));
      const RunReport child = read_run_report(s + ".report.json");
      ProgramResult& r = results[c.index];
      r.latency = child.total_cycles;
      for (const auto& l : child.layers) r.layer_cycles.push_back(double(l.simulated_cycles));
      ++done;
      report({Progress::Kind::Status,
              fmt::format("tune: {}/{} simulations, {:.0f} s", run + done, o_.budget_simulations, seconds()),
              run + done, o_.budget_simulations});
    });
    report({Progress::Kind::StatusEnd, "", run + done, o_.budget_simulations});
    for (size_t p = 0; p < programs.size(); ++p)
      for (size_t i = 0; i < layers_.size(); ++i) {
        LayerSearch& s = layers_[i];
        Candidate& c = s.pool[programs[p][i]];
        if (!c.measured) c.measured = results[p].layer_cycles.at(size_t(s.op));
        if (!c.cascade && *c.measured < *s.pool[s.best].measured) s.best = programs[p][i];
      }
    calibration_ = mapping::fit_calibration(soc_, measured_layers(), calibration_);
    return results;
  }

  void report(const Progress& p) const {
    if (o_.progress) o_.progress(p);
  }
  void step(const std::string& line) const { report({Progress::Kind::Step, line, 0, 0}); }

  static std::string round_label(unsigned round) { return fmt::format("round {:>2}", round); }

  void report_round(const std::string& label) const {
    const auto measured = measured_layers();
    const double before = mapping::mean_absolute_error(mapping::CostModel(soc_), measured);
    const double after = mapping::mean_absolute_error(mapping::CostModel(soc_, calibration_), measured);
    double layer_gain = 0;
    for (const auto& l : layers_) layer_gain += *l.pool[0].measured - *l.pool[l.best].measured;  // unfused
    step(fmt::format(
        "{}  {:>3} simulations  best program {:>9} cycles ({:+.1f}% vs analytic)  layers' bests save {:.0f} "
        "cycles  cost-model MAE {:.0f} -> {:.0f} cycles on {} measured  {:.1f} s",
        label, run_counter_, best_latency_,
        100.0 * (double(best_latency_) - double(record_.analytic_latency_cycles)) /
            double(std::max<uint64_t>(1, record_.analytic_latency_cycles)),
        layer_gain, before, after, measured.size(), seconds()));
  }

  TuneOptions o_;
  SocConfig soc_;
  ir::Graph graph_;
  Clock::time_point begin_;
  codegen::CompiledModel baseline_;
  std::vector<LayerSearch> layers_;
  mapping::Calibration calibration_;
  TuningRecord record_;
  size_t run_counter_ = 0;
  uint64_t best_latency_ = 0;
  std::vector<size_t> best_program_;  // the whole program with the lowest measured latency
  std::vector<CascadePair> pairs_;
  std::vector<std::vector<size_t>> groups_;  // pairs_ indices, no two sharing a layer
  enum class Role { None, Producer, Consumer, Middle };
  std::vector<Role> chain_role_;  // per layer in the all-pairs chain program; empty: no chain
  unsigned cascade_reserve_ = 0;             // simulations kept for cascade_phase
  bool resident_weights_ = false;           // Tiling::weights_resident wherever it fits
  std::vector<uint32_t> prefetch_chunks_;    // per layer, with resident weights
  bool prefetch_ = false;                    // Tiling::prefetch_weights on every NPU layer but the first
};

}  // namespace

TuningRecord run_tune(const TuneOptions& options) {
  if (options.budget_simulations < 4)
    throw Error(fmt::format("--budget {}: tuning needs at least 4 simulations (the analytic choice, a candidate, the "
                            "tuned program and its prefetch)",
                            options.budget_simulations));
  return Tuner(options).run();
}

}  // namespace kiln::explore
