// The int8 GEMM of int8_gemm.h as an AVX2 kernel for the small, narrow
// products of kiln's networks and array tiles (N of 8 to 256, K of 8 to a few
// thousand). Written by hand because the libraries measured on these shapes
// lose to it (scripts/bench_gemm.sh): gemmlowp packs both operands into its
// own formats and unpacks the result on every call, more than half its time
// here; oneDNN's VNNI kernels are faster per call but loading and
// JIT-compiling them costs 10-25 ms per process, more than a whole kiln run.
// Exact: operands widened to int16 after their zero points are subtracted,
// pairs multiplied and summed into int32 lanes by vpmaddwd, which wraps only
// where the int32 result itself wraps.
#pragma once

#include <cstdint>

#include "kernels/int8_gemm.h"

namespace kiln::kernels {

// Computes the product into c as int8_gemm does and returns true, or returns
// false and leaves c alone when this build has no AVX2 or a zero point puts
// an operand outside int16. On a core with AVX-512 VNNI the products run
// sixteen columns wide in fused multiply-adds unless `allow_avx512` is false
// (tests compare both).
bool int8_gemm_avx2(const Int8GemmArgs& args, int32_t* c, bool allow_avx512 = true);

}  // namespace kiln::kernels
