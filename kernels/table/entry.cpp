#include "kernels/table/entry.h"

#include <fmt/ranges.h>

#include <algorithm>
#include <climits>
#include <cstddef>

namespace kiln::kernels::table {

std::vector<uint64_t> weighted(uint64_t in, uint64_t weights, uint64_t channels, uint64_t out) {
  return {in, weights, channels, channels, channels, out};
}

std::vector<int32_t> dims32(const char* kernel, const char* what, const std::vector<int64_t>& v) {
  std::vector<int32_t> out;
  for (int64_t x : v) {
    if (x < INT32_MIN || x > INT32_MAX) check::fail(kernel, what, fmt::format("{} is outside int32", x));
    out.push_back(int32_t(x));
  }
  return out;
}

std::string dims_string(const std::vector<int64_t>& v) { return fmt::format("[{}]", fmt::join(v, ", ")); }

void expect_per_tensor(const char* kernel, const char* role, const McuTensorView& t) {
  if (t.element != McuElement::Int8) check::fail(kernel, role, "expected an int8 tensor");
  if (t.scales.size() != 1 || t.zero_points.size() != 1 || !(t.scales[0] > 0.0f))
    check::fail(kernel, role, fmt::format("expected one positive scale and one zero point, got {} and {}",
                                          t.scales.size(), t.zero_points.size()));
}

void expect_repeats_innermost(const char* kernel, const char* role, const McuTensorView& operand,
                              const McuTensorView& out) {
  std::vector<int64_t> a = operand.shape;
  while (!a.empty() && a.front() == 1) a.erase(a.begin());
  if (a.size() > out.shape.size() || !std::equal(a.begin(), a.end(), out.shape.end() - std::ptrdiff_t(a.size())))
    check::fail(kernel, role,
                fmt::format("shape {} does not repeat along the output {}'s innermost dimensions",
                            dims_string(operand.shape), dims_string(out.shape)));
}

void expect_float32(const char* kernel, const McuOpView& op) {
  for (size_t i = 0; i < op.inputs.size(); ++i)
    if (op.inputs[i].element != McuElement::Float32)
      check::fail(kernel, "input", fmt::format("{} is not a float32 tensor", i));
  for (size_t i = 0; i < op.outputs.size(); ++i)
    if (op.outputs[i].element != McuElement::Float32)
      check::fail(kernel, "output", fmt::format("{} is not a float32 tensor", i));
}

}  // namespace kiln::kernels::table
