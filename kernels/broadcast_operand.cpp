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

}  // namespace kiln::kernels
