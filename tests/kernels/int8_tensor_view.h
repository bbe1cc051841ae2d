// The view of an int8 tensor that an MCU kernel's from_op reads: shape and
// one scale and zero point, for the kernel tests that build operators by hand.
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

#include "kernels/mcu_op_view.h"

namespace kiln::test {

inline kernels::McuTensorView int8_tensor(std::vector<int64_t> shape, float scale, int32_t zp) {
  kernels::McuTensorView t;
  t.shape = std::move(shape);
  t.scales = {scale};
  t.zero_points = {zp};
  return t;
}

}  // namespace kiln::test
