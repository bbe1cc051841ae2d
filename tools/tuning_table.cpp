#include "tools/tuning_table.h"

#include <fmt/format.h>

namespace kiln::tools {

using namespace kiln::explore;

std::string format_tuning(const TuningRecord& r) {
  std::string out = fmt::format("{:<4} {:<28} {:<52} {:<52} {:>9} {:>9} {:>9} {:<13}\n", "op", "layer",
                                "analytic choice", "tuned choice", "analytic", "tuned", "roofline", "gap cause");
  double npu_roofline = 0, npu_tuned = 0;
  for (const auto& l : r.layers) {
    const std::string name = l.name.size() > 28 ? "..." + l.name.substr(l.name.size() - 25) : l.name;
    const bool same = l.analytic == l.tuned;
    out += fmt::format("{:<4} {:<28} {:<52} {:<52} {:>9.0f} {:>9.0f} {:>9.0f} {:<13}\n", l.op, name,
                       mapping::describe(l.analytic), same ? "=" : mapping::describe(l.tuned), l.analytic_cycles,
                       l.tuned_cycles, l.roofline_cycles, l.cause);
    npu_roofline += l.roofline_cycles;
    npu_tuned += l.tuned_cycles;
  }
  const double a = double(r.analytic_latency_cycles), t = double(r.tuned_latency_cycles);
  out += fmt::format("\nlatency      analytic {} cycles, tuned {} cycles: {:.3f}x ({:+.2f}%)\n", r.analytic_latency_cycles,
                     r.tuned_latency_cycles, t > 0 ? a / t : 0.0, a > 0 ? 100 * (t - a) / a : 0.0);
  out += fmt::format("roofline     whole network: tuned / sum of per-layer bounds = {:.0f} / {:.0f} = {:.2f}x;"
                     " NPU layers: {:.0f} / {:.0f} = {:.2f}x\n",
                     t, r.roofline_cycles, r.roofline_cycles > 0 ? t / r.roofline_cycles : 0.0, npu_tuned,
                     npu_roofline, npu_roofline > 0 ? npu_tuned / npu_roofline : 0.0);
  out += fmt::format("cost model   MAE on the measured candidates: {:.0f} cycles before calibration, {:.0f} after\n",
                     r.mae_before, r.mae_after);
  const auto& c = r.calibration;
  out += fmt::format("calibration  load_input x{:.3f} load_weights x{:.3f} compute x{:.3f} post_process x{:.3f} "
                     "store x{:.3f} command {:.2f} cycles\n",
                     c.load_input, c.load_weights, c.compute, c.post_process, c.store, c.command_overhead);
  out += fmt::format("simulations  {}\n", r.simulations);
  return out;
}

}  // namespace kiln::tools
