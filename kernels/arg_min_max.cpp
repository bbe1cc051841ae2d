#include "kernels/arg_min_max.h"

#include "kernels/check.h"

namespace kiln::kernels {

void validate(const ArgMinMaxParams& p, const char* op) {
  check::range(op, "outer", p.outer, 1, check::kMaxElements);
  check::range(op, "axis_size", p.axis_size, 1, check::kMaxElements);
  check::range(op, "inner", p.inner, 1, check::kMaxElements);
  check::elements(op, "input", p.in_elements());
}

namespace {

// `better(a, b)`: a replaces the current pick b (strictly, so the first of equals stays).
template <class Better>
void arg_pick(const ArgMinMaxParams& p, const int8_t* in, int32_t* out, Better better) {
  const int64_t row = int64_t(p.axis_size) * p.inner;
  for (int64_t o = 0; o < p.outer; ++o)
    for (int64_t i = 0; i < p.inner; ++i) {
      const int8_t* v = in + o * row + i;
      int8_t pick = v[0];
      int32_t index = 0;
      for (int32_t k = 1; k < p.axis_size; ++k)
        if (better(v[k * int64_t(p.inner)], pick)) pick = v[k * int64_t(p.inner)], index = k;
      out[o * p.inner + i] = index;
    }
}

}  // namespace

void arg_max(const ArgMinMaxParams& p, const int8_t* in, int32_t* out) {
  validate(p, "arg_max");
  arg_pick(p, in, out, [](int8_t a, int8_t b) { return a > b; });
}

void arg_min(const ArgMinMaxParams& p, const int8_t* in, int32_t* out) {
  validate(p, "arg_min");
  arg_pick(p, in, out, [](int8_t a, int8_t b) { return a < b; });
}

}  // namespace kiln::kernels
