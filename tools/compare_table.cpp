#include "tools/compare_table.h"

#include <filesystem>

#include <fmt/format.h>

namespace kiln::tools {

using namespace kiln::explore;

std::string format_compare(const CompareResult& r) {
  std::string out;
  std::string model;
  for (const auto& x : r.runs) {
    if (x.model != model) {
      model = x.model;
      out += fmt::format("\n{} ({}) on {} ({})\n", x.model, x.model_path, r.soc_name, r.soc_source);
      out += fmt::format("{:<14} {:<24} {:>12} {:>10} {:>8} {:>10} {:>9} {:>9} {:>6} {:>6} {:<9}\n", "strategy",
                         "MCU profile", "MCU cycles", "ms", "speedup", "energy uJ", "SRAM KiB", "flash KiB", "MCU %",
                         "NPU %", "bit-exact");
    }
    // A profile given as a file shows as its name (the file's stem).
    std::string shown = x.mcu_profile.empty() ? "(the SoC's)" : std::filesystem::path(x.mcu_profile).stem().string();
    if (shown.size() > 24) shown = shown.substr(0, 21) + "...";
    if (!x.ok) {
      out += fmt::format("{:<14} {:<24} failed: {}\n", x.strategy, shown, x.error);
      continue;
    }
    const auto& rep = x.report;
    const auto share = [&](const char* unit) {
      auto it = x.unit_share.find(unit);
      return 100 * (it == x.unit_share.end() ? 0.0 : it->second);
    };
    out += fmt::format("{:<14} {:<24} {:>12} {:>10.3f} {:>7.2f}x {:>10.2f} {:>9.1f} {:>9.1f} {:>5.1f}% {:>5.1f}% {:<9}\n",
                       x.strategy, shown, x.mcu_cycles(), rep.total_us / 1e3, x.speedup,
                       rep.energy ? rep.energy->total_uj : 0.0, rep.peak_sram_bytes / 1024.0,
                       rep.flash_bytes / 1024.0, share("mcu"), share("npu"), rep.outputs_match ? "yes" : "NO");
    if (!x.error.empty()) out += fmt::format("{:<14} {}\n", "", x.error);
  }
  out += fmt::format("\nspeedup: against {} on the same model; SRAM: peak; flash: constants; MCU % / NPU %: "
                     "share of layer time\n",
                     r.baseline);
  return out;
}

}  // namespace kiln::tools
