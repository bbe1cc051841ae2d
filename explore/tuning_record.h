// The tuning record `kiln tune` writes and `kiln compile/run --tuning` reuse:
// the tiling chosen for each NPU layer, keyed by the model's and the SoC's
// fingerprints so that a record made for another model or SoC is refused,
// with what the tuning measured (docs/tune.md has the schema).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "arch/soc_config.h"
#include "compiler/codegen/compile_model.h"
#include "compiler/mapping/cost_model.h"

namespace kiln::explore {

inline constexpr int kTuningRecordVersion = 1;

struct TunedLayer {
  int op = -1;
  std::string name;
  mapping::Tiling analytic, tuned;
  double analytic_cycles = 0, tuned_cycles = 0;  // simulated NPU cycles of the layer
  double roofline_cycles = 0;
  std::string cause;                             // what dominates tuned - roofline
};

struct TuningRecord {
  std::string model, model_fingerprint;
  std::string soc, soc_fingerprint;
  uint64_t seed = 0;
  uint64_t analytic_latency_cycles = 0, tuned_latency_cycles = 0;
  double roofline_cycles = 0;                    // sum over the layers (NPU and MCU)
  double mae_before = 0, mae_after = 0;          // cost model error on the measured candidates, NPU cycles
  size_t simulations = 0;
  mapping::Calibration calibration;
  std::vector<TunedLayer> layers;                // NPU layers, in op order

  codegen::TilingChoices choices() const;
};

// Fingerprints: the model file's bytes; the SoC's timing (every field of
// `kiln config check --json` except its name, source file, array engine and
// technology, none of which changes a cycle).
std::string model_fingerprint(const std::string& model_path);
std::string soc_fingerprint(const SocConfig& soc);

nlohmann::json tiling_json(const mapping::Tiling& t);
nlohmann::json tuning_record_json(const TuningRecord& r);
void write_tuning_record(const TuningRecord& r, const std::string& path);  // atomic
// Throws kiln::Error naming the file and the JSON path of what is wrong.
TuningRecord read_tuning_record(const std::string& path);
// Throws kiln::Error unless the record was made for this model file's content and this SoC.
void check_tuning_record(const TuningRecord& r, const std::string& record_path, const std::string& model_path,
                         const SocConfig& soc);
// What `--tuning FILE` does: read, check, and the choices with the JSON path
// each came from, for compile_model's errors.
struct RecordChoices {
  codegen::TilingChoices choices;
  codegen::ChoiceOrigins origins;
};
RecordChoices load_tuning_choices(const std::string& record_path, const std::string& model_path,
                                  const SocConfig& soc);

}  // namespace kiln::explore
