#include "compiler/ir/broadcast.h"

#include <fmt/format.h>

#include <algorithm>

namespace kiln::ir {

bool repeats_innermost(const Shape& operand, const Shape& output) {
  size_t first = 0;
  while (first < operand.size() && operand[first] == 1) ++first;
  const size_t n = operand.size() - first;
  if (n > output.size()) return false;
  return std::equal(operand.begin() + std::ptrdiff_t(first), operand.end(), output.end() - std::ptrdiff_t(n));
}

Shape innermost_broadcast(const Shape& a, const Shape& b, std::string* why) {
  // The larger operand is the output's shape when the other repeats inside it
  // (the rank is the larger of the two, as numpy's).
  const bool a_whole = num_elements(a) > num_elements(b) || (num_elements(a) == num_elements(b) && a.size() >= b.size());
  const Shape& whole = a_whole ? a : b;
  const Shape& part = a_whole ? b : a;
  if (repeats_innermost(part, whole)) return whole;
  *why = fmt::format(
      "input shapes {} and {} do not broadcast as supported: one input of the output's shape and the other equal to "
      "it, a per-channel vector of its last dimension (or its last dimensions) or a scalar",
      shape_string(a), shape_string(b));
  return {};
}

}  // namespace kiln::ir
