#include "arch/technology.h"

#include <cmath>

namespace kiln {

double interpolate_log_linear(const std::vector<InterpolationPoint>& points, double x) {
  if (points.empty()) return 0;
  // Clamped, not extrapolated: a macro outside the table costs as its nearest
  // measured size rather than a value the sources do not support.
  if (x <= points.front().x) return points.front().y;
  if (x >= points.back().x) return points.back().y;
  size_t i = 1;
  while (points[i].x < x) ++i;
  const InterpolationPoint& a = points[i - 1];
  const InterpolationPoint& b = points[i];
  return a.y + (b.y - a.y) * std::log(x / a.x) / std::log(b.x / a.x);
}

namespace {

template <class F>
double by_size(const std::vector<SramMacroPoint>& macros, uint64_t bytes, F value) {
  std::vector<InterpolationPoint> points;
  for (const auto& m : macros) points.push_back({m.size_kib, value(m)});
  return interpolate_log_linear(points, double(bytes) / 1024.0);
}

}  // namespace

double Technology::sram_read_pj_per_byte(uint64_t macro_bytes) const {
  return by_size(sram_macros, macro_bytes, [](const SramMacroPoint& m) { return m.read_pj_per_64bit; }) / 8.0;
}

double Technology::sram_write_pj_per_byte(uint64_t macro_bytes) const {
  return by_size(sram_macros, macro_bytes, [](const SramMacroPoint& m) { return m.write_pj_per_64bit; }) / 8.0;
}

double Technology::sram_macro_um2(uint64_t macro_bytes) const {
  return by_size(sram_macros, macro_bytes, [](const SramMacroPoint& m) { return m.area_um2_per_kib; }) *
         double(macro_bytes) / 1024.0;
}

}  // namespace kiln
