#include "kernels/broadcast_operand.h"

#include <fmt/format.h>

#include "arch/error.h"
#include "kernels/check.h"

namespace kiln::kernels {

void check_broadcast_operand(const char* op, const char* param, int64_t operand_count, int64_t count) {
  check::range(op, param, operand_count, 1, count);
  if (count % operand_count != 0)
    throw Error(fmt::format("{}: {}: {} does not divide count {} (an operand repeats whole)", op, param, operand_count,
                            count));
}

void check_repeating_operands(const char* op, int64_t count, int64_t in1_count, int64_t in2_count, int32_t in1_zp,
                              int32_t in2_zp, int32_t out_zp) {
  check::range(op, "count", count, 1, check::kMaxElements);
  check_broadcast_operand(op, "in1_count", in1_count, count);
  check_broadcast_operand(op, "in2_count", in2_count, count);
  check::zero_point(op, "in1_zp", in1_zp);
  check::zero_point(op, "in2_zp", in2_zp);
  check::zero_point(op, "out_zp", out_zp);
}

}  // namespace kiln::kernels
