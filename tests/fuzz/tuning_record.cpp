// Tuning records (JSON: kiln compile / run --tuning RECORD), read, checked
// against the model and SoC they name and used to compile that model, as
// `kiln compile --tuning` does. The model is the bundled DS-CNN.
//
// KILN_FUZZ_SEED_DIR=DIR makes the harness write a valid record for that
// model there first (scripts/fuzz.sh seeds the corpus with it).
#include <cstdlib>

#include "compiler/frontend/load_model.h"
#include "explore/tuning_record.h"
#include "tests/fuzz/model_pipeline.h"

namespace {

const std::string& model_path() {
  static const std::string path = kiln::fuzz::source_dir() + "/workloads/dscnn_kws.onnx";
  return path;
}

const kiln::ir::Graph& model() {
  static const kiln::ir::Graph graph = kiln::frontend::load_model(model_path());
  return graph;
}

void write_seed(const std::string& dir) {
  const kiln::codegen::CompiledModel compiled = kiln::codegen::compile_model(model(), kiln::fuzz::default_soc());
  kiln::explore::TuningRecord r;
  r.model = model_path();
  r.model_fingerprint = kiln::explore::model_fingerprint(model_path());
  r.soc = kiln::fuzz::default_soc().name;
  r.soc_fingerprint = kiln::explore::soc_fingerprint(kiln::fuzz::default_soc());
  for (const auto& l : compiled.layers) {
    if (l.unit != kiln::passes::Unit::Npu) continue;
    kiln::explore::TunedLayer t;
    t.op = l.op_index;
    t.name = l.name;
    t.analytic = t.tuned = l.chosen;
    r.layers.push_back(t);
  }
  kiln::explore::write_tuning_record(r, dir + "/dscnn_default.json");
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  if (const char* dir = std::getenv("KILN_FUZZ_SEED_DIR")) write_seed(dir);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string path = kiln::fuzz::input_file(data, size, "fuzz_record.json");
  return kiln::fuzz::expect_errors("fuzz_record.json", [&] {
    const auto tuned = kiln::explore::load_tuning_choices(path, model_path(), kiln::fuzz::default_soc());
    kiln::codegen::compile_model(model(), kiln::fuzz::default_soc(), tuned.choices, tuned.origins);
  });
}
