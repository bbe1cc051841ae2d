// The vector unit's timing per command, in closed form, shared by the
// simulator (sim/vector_unit.cpp charges it) and the compiler's cost
// (compiler/mapping/vector_plan.h predicts with it), as arch/array_timing.h
// is for the array. docs/simulator.md, "Vector unit":
//   cycles = 1 + passes * ceil(count / lanes)
// One cycle of handshake, then `lanes` elements per cycle; passes is 2 when
// the two operands share a scratchpad bank (a bank delivers one operand per
// cycle), else 1.
// Pooling (vavgpool, vmaxpool) visits every tap of every window, padding
// included, `lanes` channels per cycle, and the average adds one divide step
// per output pixel and channel group:
//   cycles = 1 + out_h*out_w * (kh*kw + (avg ? 1 : 0)) * ceil(c / lanes)
// Maximum and minimum (vmax, vmin) stream both operands like vadd:
//   cycles = 1 + passes * ceil(count / lanes)
// Subtraction and multiplication (vsub, vmul) stream both operands like vadd
// (vmul's b of b_count bytes, which may repeat):
//   cycles = 1 + passes * ceil(count / lanes)
// A table (vlut) first reads its 256 entries into the lanes' lookup copies,
// `lanes` per cycle, then streams its operand like vrequant:
//   cycles = 1 + ceil(256 / lanes) + passes * ceil(count / lanes)
// with passes 2 when input and output share a bank, else 1.
// Mean (vmean) sums every pixel into `lanes` channels per cycle, then
// rescales each channel group once:
//   cycles = 1 + (h*w + 1) * ceil(c / lanes)
// Depthwise convolution (vdwconv) works through its channels in groups of
// `lanes`: each lane first reads its channel's taps, one per cycle, and its
// record, one int32 per cycle, into lane-local registers (at most
// kVectorDepthwiseMaxTaps taps), then visits every tap of every window,
// padding included, one multiply-accumulate of a tile byte per cycle, and
// rescales each output pixel once:
//   cycles = 1 + ceil(c / lanes) * (kh*kw + 3 + out_h*out_w * (kh*kw + 1))
// The tile is the only operand streamed, so no bank is read twice a cycle.
// Requantize (vrequant) streams its operand like vadd:
//   cycles = 1 + passes * ceil(count / lanes)
// with passes 2 when input and output share a bank, else 1.
#pragma once

#include <cstdint>

#include "arch/command.h"
#include "arch/soc_config.h"

namespace kiln {

// The lanes of the SoC's vector unit; 0 when it has none.
unsigned vector_lanes(const SocConfig& soc);

// 2 when `count` bytes at a and at b touch a common bank of one buffer, else 1.
unsigned vector_operand_passes(const NpuConfig& npu, const SpmAddr& a, const SpmAddr& b, uint64_t count);
// The same for `a_bytes` at a and `b_bytes` at b.
unsigned vector_operand_passes(const NpuConfig& npu, const SpmAddr& a, uint64_t a_bytes, const SpmAddr& b,
                               uint64_t b_bytes);

uint64_t vector_add_cycles(const NpuConfig& npu, const VectorAddCmd& v, unsigned lanes);
uint64_t vector_pool_cycles(const VectorPoolCmd& v, bool average, unsigned lanes);
uint64_t vector_max_min_cycles(const NpuConfig& npu, const VectorMaxMinCmd& v, unsigned lanes);
uint64_t vector_mean_cycles(const VectorMeanCmd& v, unsigned lanes);
uint64_t vector_sub_cycles(const NpuConfig& npu, const VectorAddCmd& v, unsigned lanes);
uint64_t vector_mul_cycles(const NpuConfig& npu, const VectorMulCmd& v, unsigned lanes);
uint64_t vector_lut_cycles(const NpuConfig& npu, const VectorLutCmd& v, unsigned lanes);
// The taps a vector lane holds for vdwconv (a 3x3 to 8x8 window).
constexpr unsigned kVectorDepthwiseMaxTaps = 64;
uint64_t vector_depthwise_cycles(const VectorDepthwiseCmd& v, unsigned lanes);
uint64_t vector_requantize_cycles(const NpuConfig& npu, const VectorRequantizeCmd& v, unsigned lanes);

}  // namespace kiln
