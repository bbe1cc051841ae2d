#include "kernels/mcu_op_view.h"

#include <fmt/format.h>

#include "arch/error.h"

namespace kiln::kernels {

int64_t McuTensorView::elements() const {
  int64_t n = 1;
  for (int64_t d : shape) n *= d;
  return n;
}

const std::vector<int64_t>& McuOpView::attr(const std::string& name) const {
  const auto it = attrs.find(name);
  if (it == attrs.end()) throw Error(fmt::format("{}: attribute '{}' is missing", kernel, name));
  return it->second;
}

int64_t McuOpView::attr_or(const std::string& name, int64_t fallback) const {
  const auto it = attrs.find(name);
  if (it == attrs.end()) return fallback;
  if (it->second.size() != 1)
    throw Error(fmt::format("{}: attribute '{}' has {} values, expected 1", kernel, name, it->second.size()));
  return it->second[0];
}

double McuOpView::real_attr(const std::string& name) const {
  const auto it = real_attrs.find(name);
  if (it == real_attrs.end()) throw Error(fmt::format("{}: attribute '{}' is missing", kernel, name));
  return it->second;
}

void McuOpView::expect_tensors(size_t n_in, size_t n_out) const {
  if (inputs.size() != n_in || outputs.size() != n_out)
    throw Error(fmt::format("{}: {} inputs and {} outputs, expected {} and {}", kernel, inputs.size(), outputs.size(),
                            n_in, n_out));
}

void McuOpView::expect_same_quantization(size_t i, size_t o) const {
  const McuTensorView& a = inputs.at(i);
  const McuTensorView& b = outputs.at(o);
  if (a.scales != b.scales || a.zero_points != b.zero_points)
    throw Error(fmt::format("{}: input {} and output {} are quantized differently (scale {} and {}, zero point {} "
                            "and {}); the kernel moves stored values",
                            kernel, i, o, a.scale(), b.scale(), a.zero_point(), b.zero_point()));
}

}  // namespace kiln::kernels
