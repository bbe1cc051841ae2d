#include "explore/tuning_record.h"

#include <fmt/format.h>

#include "arch/error.h"
#include "arch/profile.h"
#include "arch/soc_config_json.h"
#include "arch/yaml_reader.h"
#include "explore/fingerprint.h"
#include "explore/json_fields.h"

namespace kiln::explore {
namespace {

using json = nlohmann::json;

mapping::Tiling read_tiling(const Fields& f) {
  mapping::Tiling t;
  t.tile_rows = uint32_t(f.count("rows", 1));
  t.tile_cols = uint32_t(f.count("cols", 1));
  t.tile_out_c = uint32_t(f.count("out_c", 1));
  t.tile_in_c = uint32_t(f.count("in_c", 1));
  t.buffers = uint32_t(f.count("buffers", 1, 2));
  const std::string dataflow = f.str("dataflow");
  bool known = false;
  for (Dataflow d : {Dataflow::WeightStationary, Dataflow::OutputStationary, Dataflow::InputStationary})
    if (dataflow == to_string(d)) t.dataflow = d, known = true;
  if (!known) f.fail("dataflow", "weight_stationary, output_stationary or input_stationary");
  const std::string order = f.str("order");
  if (order == to_string(mapping::LoopOrder::WeightsOuter))
    t.order = mapping::LoopOrder::WeightsOuter;
  else if (order == to_string(mapping::LoopOrder::InputsOuter))
    t.order = mapping::LoopOrder::InputsOuter;
  else
    f.fail("order", "weights_outer or inputs_outer");
  const Fields ch = f.object("dma_channels");
  t.channels.input = uint8_t(ch.count("input", 0, 255));
  t.channels.weight = uint8_t(ch.count("weight", 0, 255));
  t.channels.store = uint8_t(ch.count("store", 0, 255));
  const Fields cascade = f.object("cascade");
  t.input_resident = cascade.flag("input_resident");
  t.output_resident = cascade.flag("output_resident");
  t.prefetch_weights = f.flag("prefetch_weights");
  t.weights_resident = f.flag_or("weights_resident", false);
  t.prefetch_chunks = uint32_t(f.count_or("prefetch_chunks", 0));
  return t;
}


}  // namespace

codegen::TilingChoices TuningRecord::choices() const {
  codegen::TilingChoices c;
  for (const auto& l : layers) c[l.op] = l.tuned;
  return c;
}

std::string model_fingerprint(const std::string& model_path) { return fingerprint_text(yaml::read_file(model_path, "model file")); }

std::string soc_fingerprint(const SocConfig& soc) {
  nlohmann::ordered_json j = soc_config_json(soc);
  j.erase("name");
  j.erase("source");
  j["npu"].erase("engine");  // the RTL array takes the same cycles (kiln verify checks it)
  return fingerprint_text(j.dump());
}

json tiling_json(const mapping::Tiling& t) {
  return {{"rows", t.tile_rows},
          {"cols", t.tile_cols},
          {"out_c", t.tile_out_c},
          {"in_c", t.tile_in_c},
          {"dataflow", to_string(t.dataflow)},
          {"buffers", t.buffers},
          {"order", to_string(t.order)},
          {"dma_channels", {{"input", t.channels.input}, {"weight", t.channels.weight}, {"store", t.channels.store}}},
          {"cascade", {{"input_resident", t.input_resident}, {"output_resident", t.output_resident}}},
          {"prefetch_weights", t.prefetch_weights},
          {"weights_resident", t.weights_resident},
          {"prefetch_chunks", t.prefetch_chunks},
          {"text", mapping::describe(t)}};
}

json tuning_record_json(const TuningRecord& r) {
  json layers = json::array();
  for (const auto& l : r.layers)
    layers.push_back({{"op", l.op},
                      {"name", l.name},
                      {"analytic", tiling_json(l.analytic)},
                      {"tuned", tiling_json(l.tuned)},
                      {"analytic_cycles", l.analytic_cycles},
                      {"tuned_cycles", l.tuned_cycles},
                      {"roofline_cycles", l.roofline_cycles},
                      {"gap_cause", l.cause}});
  const auto& c = r.calibration;
  return {{"format", "kiln-tuning"},
          {"version", kTuningRecordVersion},
          {"model", {{"file", r.model}, {"fingerprint", r.model_fingerprint}}},
          {"soc", {{"name", r.soc}, {"fingerprint", r.soc_fingerprint}}},
          {"seed", r.seed},
          {"simulations", r.simulations},
          {"latency_cycles", {{"analytic", r.analytic_latency_cycles}, {"tuned", r.tuned_latency_cycles}}},
          {"roofline_cycles", r.roofline_cycles},
          {"cost_model_mae_cycles", {{"before", r.mae_before}, {"after", r.mae_after}}},
          {"calibration",
           {{"load_input", c.load_input},
            {"load_weights", c.load_weights},
            {"compute", c.compute},
            {"post_process", c.post_process},
            {"store", c.store},
            {"command_overhead", c.command_overhead}}},
          {"layers", layers}};
}

void write_tuning_record(const TuningRecord& r, const std::string& path) {
  write_text_file_atomic(path, tuning_record_json(r).dump(2) + "\n");
}

TuningRecord read_tuning_record(const std::string& path) {
  const json j = parse_json(yaml::read_file(path, "tuning record"), path);
  const Fields top(j, path, "");
  if (top.str("format") != "kiln-tuning") top.fail("format", "\"kiln-tuning\" (this is not a kiln tuning record)");
  if (top.count("version") != uint64_t(kTuningRecordVersion))
    top.fail("version", fmt::format("{} (written by another kiln)", kTuningRecordVersion));
  TuningRecord r;
  const Fields model = top.object("model"), soc = top.object("soc");
  r.model = model.str("file");
  r.model_fingerprint = model.str("fingerprint");
  r.soc = soc.str("name");
  r.soc_fingerprint = soc.str("fingerprint");
  r.seed = top.count("seed", 0, UINT64_MAX);
  r.simulations = top.count("simulations");
  const Fields latency = top.object("latency_cycles");
  r.analytic_latency_cycles = latency.count("analytic", 0, UINT64_MAX);
  r.tuned_latency_cycles = latency.count("tuned", 0, UINT64_MAX);
  r.roofline_cycles = top.num("roofline_cycles");
  const Fields mae = top.object("cost_model_mae_cycles");
  r.mae_before = mae.num("before");
  r.mae_after = mae.num("after");
  const Fields cal = top.object("calibration");
  r.calibration = {cal.num("load_input"), cal.num("load_weights"), cal.num("compute"),
                   cal.num("post_process"), cal.num("store"),        cal.num("command_overhead")};
  const json& layers = top.at("layers", "an array");
  if (!layers.is_array()) top.fail("layers", "an array");
  for (size_t i = 0; i < layers.size(); ++i) {
    const Fields l(layers[i], path, fmt::format("layers[{}]", i));
    TunedLayer t;
    t.op = int(l.count("op", 0, INT32_MAX));
    t.name = l.str("name");
    t.analytic = read_tiling(l.object("analytic"));
    t.tuned = read_tiling(l.object("tuned"));
    t.analytic_cycles = l.num("analytic_cycles");
    t.tuned_cycles = l.num("tuned_cycles");
    t.roofline_cycles = l.num("roofline_cycles");
    t.cause = l.str("gap_cause");
    r.layers.push_back(t);
  }
  return r;
}

void check_tuning_record(const TuningRecord& r, const std::string& record_path, const std::string& model_path,
                         const SocConfig& soc) {
  const std::string model_fp = model_fingerprint(model_path);
  if (r.model_fingerprint != model_fp)
    throw Error(fmt::format("{}: this tuning record is for model {} (fingerprint {}), not {} (fingerprint {}): "
                            "tune this model with kiln tune",
                            record_path, r.model, r.model_fingerprint, model_path, model_fp));
  const std::string soc_fp = soc_fingerprint(soc);
  if (r.soc_fingerprint != soc_fp)
    throw Error(fmt::format("{}: this tuning record is for SoC '{}' (fingerprint {}), not '{}' from {} "
                            "(fingerprint {}): the hardware differs, tune again for it",
                            record_path, r.soc, r.soc_fingerprint, soc.name, soc.source, soc_fp));
}

RecordChoices load_tuning_choices(const std::string& record_path, const std::string& model_path,
                                  const SocConfig& soc) {
  const TuningRecord r = read_tuning_record(record_path);
  check_tuning_record(r, record_path, model_path, soc);
  RecordChoices out{r.choices(), {}};
  for (size_t i = 0; i < r.layers.size(); ++i)
    out.origins[r.layers[i].op] = fmt::format("{}: layers[{}].tuned", record_path, i);
  return out;
}

}  // namespace kiln::explore
