// The command stream: the contract between the compiler (which emits it) and
// the simulator (which executes it). Each command is described once, here:
// its struct, its field list (arch/command_fields.h: binary position and
// width, text name, checks) and its row in kCommands (opcode, mnemonic,
// queue, size; for a command of an NPU unit, the unit, its scratchpad
// operands and its closed-form timing). The binary codec
// (command_codec.cpp), the text form (command_text.cpp), equality
// (command.cpp), command_problem and validate_program's checks against an
// SoC read the description; the simulator times a unit's command by its row
// and the compiler predicts with the same row. See docs/command-stream.md
// and docs/extending.md.
//
// Execution model (decoupled access/execute, as in VTA): the NPU has three
// in-order queues, Load (DMA into scratchpads), Compute (array + post-processing)
// and Store (DMA out of scratchpads). Queues synchronize through dependency
// tokens carried by each command (Deps). MCU commands run on the MCU, in program
// order, after every earlier NPU command has finished.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <type_traits>
#include <variant>
#include <vector>

#include "arch/command_fields.h"
#include "arch/soc_config.h"

namespace kiln {

enum class Opcode : uint8_t {
  DmaLoad = 0x01,   // memory -> scratchpad (Load queue)
  DmaStore = 0x02,  // scratchpad -> memory (Store queue)
  Gemm = 0x10,      // array tile, explicit A matrix (Compute queue)
  Conv = 0x11,      // array tile, A gathered from an NHWC input tile (implicit GEMM)
  PostProcess = 0x12,  // accumulators -> int8 (Compute queue)
  Fence = 0x13,     // NPU: dispatch nothing more until every earlier NPU command has finished
  VectorAdd = 0x14, // vector unit: element-wise int8 add with rescaling (Compute queue)
  VectorAvgPool = 0x15,     // vector unit: int8 average pooling of an NHWC tile (Compute queue)
  VectorMaxPool = 0x16,     // vector unit: int8 max pooling of an NHWC tile (Compute queue)
  VectorRequantize = 0x17,  // vector unit: element-wise int8 requantize and clamp (Compute queue)
  VectorMean = 0x18,        // vector unit: int8 mean over H and W of an NHWC tile (Compute queue)
  VectorMax = 0x19,         // vector unit: element-wise int8 maximum (Compute queue)
  VectorMin = 0x1A,         // vector unit: element-wise int8 minimum (Compute queue)
  VectorSub = 0x1B,         // vector unit: element-wise int8 subtraction (Compute queue)
  VectorMul = 0x1C,         // vector unit: element-wise int8 multiplication (Compute queue)
  VectorLut = 0x1D,         // vector unit: a unary int8 function as a 256-entry table (Compute queue)
  VectorDepthwise = 0x1E,   // vector unit: int8 depthwise convolution of an NHWC tile (Compute queue)
  VectorPad = 0x1F,         // vector unit: int8 padding of an NHWC tile with a constant (Compute queue)
  McuOp = 0x20,     // fallback kernel on the MCU
  // 0x80..0xFE: the commands of units kept outside this tree (docs/extending.md's template takes 0x80).
  End = 0xFF,       // end of program: NPU raises its interrupt, MCU stops
};

enum class Queue : uint8_t { Load = 0, Compute = 1, Store = 2, Mcu = 3 };

// NPU-local scratchpad buffers.
enum class Buffer : uint8_t { Input = 0, Weight = 1, Output = 2, Accumulator = 3 };

struct SpmAddr {
  Buffer buf = Buffer::Input;
  uint32_t offset = 0;  // bytes
};

inline constexpr const char* kBufferNames[] = {"input", "weight", "output", "accumulator"};
inline constexpr Choices kBuffers{"scratchpad buffer", kBufferNames, 4};
inline constexpr const char* kDataflowNames[] = {"ws", "os", "is"};
inline constexpr Choices kDataflows{"dataflow", kDataflowNames, 3};

// Dependency tokens. Queues form a chain Load <-> Compute <-> Store; "prev" and
// "next" name the neighbour (Load's next is Compute, Store's prev is Compute).
// wait_*: pop one token sent by that neighbour before starting.
// signal_*: push one token to that neighbour after finishing.
struct Deps {
  bool wait_prev = false, wait_next = false;
  bool signal_prev = false, signal_next = false;
};

// 2-D strided DMA: `rows` rows of `row_bytes` bytes; consecutive rows are
// `mem_stride` bytes apart in memory and `spm_stride` bytes apart in the scratchpad.
struct DmaCmd {
  uint8_t channel = 0;
  uint64_t mem_addr = 0;
  SpmAddr spm;
  uint32_t rows = 1;
  uint32_t row_bytes = 0;
  uint32_t mem_stride = 0;
  uint32_t spm_stride = 0;
};

// Encoded in 9 words: header (buffer id in the flags), then the fields at
// the byte offsets below; bytes 33..35 are reserved.
inline constexpr FieldSpec kDmaFields[] = {
    number<&DmaCmd::channel>("ch", at(32, 8)),
    address<&DmaCmd::mem_addr>("mem", at(4, 64)),
    scratchpad<&DmaCmd::spm, &SpmAddr::buf, &SpmAddr::offset>("spm", flag_bits(0, 2), at(12, 32), kBuffers),
    number<&DmaCmd::rows>("rows", at(16, 32)).optional(1).at_least_1(),
    number<&DmaCmd::row_bytes>("row_bytes", at(20, 32)).at_least_1(),
    number<&DmaCmd::mem_stride>("mem_stride", at(24, 32)).optional(0),
    number<&DmaCmd::spm_stride>("spm_stride", at(28, 32)).optional(0),
};

// C[m][n] (+)= sum_k A[m][k] * B[k][n]; int8 x int8 -> int32.
// A: Input buffer, row-major, row m at a_addr + m*a_stride.
// B: Weight buffer, row-major K x N, row k at b_addr + k*b_stride.
// C: Accumulator buffer, int32, element (m,n) at byte c_addr + 4*(m*c_stride + n).
struct GemmCmd {
  uint32_t m = 0, n = 0, k = 0;
  uint32_t a_addr = 0, a_stride = 0;
  uint32_t b_addr = 0, b_stride = 0;
  uint32_t c_addr = 0, c_stride = 0;
  Dataflow dataflow = Dataflow::WeightStationary;
  bool accumulate = false;  // false: overwrite C; true: add to C
};

inline constexpr FieldSpec kGemmFields[] = {
    number<&GemmCmd::m>("m", at(4, 32)).at_least_1(),
    number<&GemmCmd::n>("n", at(8, 32)).at_least_1(),
    number<&GemmCmd::k>("k", at(12, 32)).at_least_1(),
    address<&GemmCmd::a_addr>("a", at(16, 32)),
    number<&GemmCmd::a_stride>("a_stride", at(20, 32)),
    address<&GemmCmd::b_addr>("b", at(24, 32)),
    number<&GemmCmd::b_stride>("b_stride", at(28, 32)),
    address<&GemmCmd::c_addr>("c", at(32, 32)).aligned(4, "int32 accumulators"),
    number<&GemmCmd::c_stride>("c_stride", at(36, 32)),
    choice<&GemmCmd::dataflow>("dataflow", flag_bits(0, 2), kDataflows).optional(0),
    flag<&GemmCmd::accumulate>("accumulate", flag_bits(2)),
};

// Convolution tile as an implicit GEMM. The input tile is NHWC int8 in the Input
// buffer at in_addr: pixel (y, x) channel c at in_addr + (y*in_w + x)*in_c + c.
// Output pixel (oy, ox) is GEMM row m = oy*out_w + ox; GEMM column k enumerates
// (ky, kx, c) as k = (ky*kw + kx)*in_c + c, so K = kh*kw*in_c; B is K x N as in
// GemmCmd. Input positions outside [0,in_h) x [0,in_w) read pad_value.
//
// Depthwise (flag): output channel j reads input channel j only (in_c == n).
// B in the Weight buffer is compact, kh*kw rows of n bytes (row t = ky*kw + kx
// at b_addr + t*b_stride), and the weight-fetch path expands it to the
// block-diagonal K x N the array multiplies by: B'[t*n + c][j] = c == j ?
// B[t][j] : 0. The array is unchanged; flash traffic and weight-buffer space
// are n times smaller than a stored block-diagonal B.
struct ConvCmd {
  uint32_t in_h = 0, in_w = 0, in_c = 0;
  uint32_t out_h = 0, out_w = 0, n = 0;
  uint8_t kh = 1, kw = 1, stride_h = 1, stride_w = 1, dil_h = 1, dil_w = 1;
  uint8_t pad_top = 0, pad_left = 0;
  int8_t pad_value = 0;
  uint32_t in_addr = 0;
  uint32_t b_addr = 0, b_stride = 0;
  uint32_t c_addr = 0, c_stride = 0;
  Dataflow dataflow = Dataflow::WeightStationary;
  bool accumulate = false;
  bool depthwise = false;
  // Bytes from one input pixel to the next (24 bits); 0 means in_c, a dense
  // tile. A larger stride reads a slice of in_c channels from a tile that
  // holds more (a depthwise tile's channels out of the whole tensor's).
  uint32_t in_pixel_stride = 0;
  uint32_t gemm_m() const { return out_h * out_w; }
  uint32_t gemm_k() const { return uint32_t(kh) * kw * in_c; }
  // Rows of B as stored in the Weight buffer.
  uint32_t weight_rows() const { return depthwise ? uint32_t(kh) * kw : gemm_k(); }
  uint32_t pixel_stride() const { return in_pixel_stride ? in_pixel_stride : in_c; }
  // Input-buffer bytes from in_addr to the end of the last pixel read.
  uint64_t input_extent() const { return (uint64_t(in_h) * in_w - 1) * pixel_stride() + in_c; }
};

inline constexpr FieldSpec kConvFields[] = {
    number<&ConvCmd::in_h>("in_h", at(4, 32)).at_least_1(),
    number<&ConvCmd::in_w>("in_w", at(8, 32)).at_least_1(),
    number<&ConvCmd::in_c>("in_c", at(12, 32)).at_least_1(),
    number<&ConvCmd::out_h>("out_h", at(16, 32)).at_least_1(),
    number<&ConvCmd::out_w>("out_w", at(20, 32)).at_least_1(),
    number<&ConvCmd::n>("n", at(24, 32)).at_least_1(),
    number<&ConvCmd::kh>("kh", at(28, 8)).at_least_1(),
    number<&ConvCmd::kw>("kw", at(29, 8)).at_least_1(),
    number<&ConvCmd::stride_h>("stride_h", at(30, 8)).optional(1).at_least_1(),
    number<&ConvCmd::stride_w>("stride_w", at(31, 8)).optional(1).at_least_1(),
    number<&ConvCmd::dil_h>("dil_h", at(32, 8)).optional(1).at_least_1(),
    number<&ConvCmd::dil_w>("dil_w", at(33, 8)).optional(1).at_least_1(),
    number<&ConvCmd::pad_top>("pad_top", at(34, 8)).optional(0),
    number<&ConvCmd::pad_left>("pad_left", at(35, 8)).optional(0),
    number<&ConvCmd::pad_value>("pad_value", at(36, 8)).optional(0),
    address<&ConvCmd::in_addr>("in", at(40, 32)),
    address<&ConvCmd::b_addr>("b", at(44, 32)),
    number<&ConvCmd::b_stride>("b_stride", at(48, 32)),
    address<&ConvCmd::c_addr>("c", at(52, 32)).aligned(4, "int32 accumulators"),
    number<&ConvCmd::c_stride>("c_stride", at(56, 32)),
    choice<&ConvCmd::dataflow>("dataflow", flag_bits(0, 2), kDataflows).optional(0),
    number<&ConvCmd::in_pixel_stride>("in_stride", at(37, 24)).optional(0).omitted_when_default(),
    flag<&ConvCmd::accumulate>("accumulate", flag_bits(2)),
    flag<&ConvCmd::depthwise>("depthwise", flag_bits(3)),
};

enum class Activation : uint8_t { None = 0, Relu = 1, Relu6 = 2 };

// Post-processing: for each of m x n accumulators,
//   v = acc + bias[n]; v = requantize(v, multiplier[n], shift[n]) + out_zero_point;
//   clamp to [act_min, act_max]; store int8 at out + m*out_stride + n.
// Per-channel parameters are 12-byte records {int32 bias, int32 multiplier,
// int32 shift} in the Weight buffer at params_addr + 12*n (TFLite convention:
// shift > 0 is a left shift).
struct PostProcessCmd {
  uint32_t m = 0, n = 0;
  uint32_t acc_addr = 0, acc_stride = 0;  // int32 elements, as GemmCmd's C
  uint32_t params_addr = 0;
  SpmAddr out;
  uint32_t out_stride = 0;
  int32_t out_zero_point = 0;
  int32_t act_min = -128, act_max = 127;
};

inline constexpr FieldSpec kPostProcessFields[] = {
    number<&PostProcessCmd::m>("m", at(4, 32)).at_least_1(),
    number<&PostProcessCmd::n>("n", at(8, 32)).at_least_1(),
    address<&PostProcessCmd::acc_addr>("acc", at(12, 32)).aligned(4, "int32 accumulators"),
    number<&PostProcessCmd::acc_stride>("acc_stride", at(16, 32)),
    address<&PostProcessCmd::params_addr>("params", at(20, 32)).aligned(4, "int32 records"),
    scratchpad<&PostProcessCmd::out, &SpmAddr::buf, &SpmAddr::offset>("out", flag_bits(0, 2), at(24, 32), kBuffers),
    number<&PostProcessCmd::out_stride>("out_stride", at(28, 32)),
    number<&PostProcessCmd::out_zero_point>("zp", at(32, 32)).optional(0).range(-128, 127, "the int8 range"),
    number<&PostProcessCmd::act_min>("min", at(36, 32)).optional(-128).range(-128, 127, "the int8 range"),
    number<&PostProcessCmd::act_max>("max", at(40, 32)).optional(127).range(-128, 127, "the int8 range"),
};

// ---- What the command table says of a command an NPU unit executes
// (CommandSpec::on): the unit, the scratchpad regions the command reads and
// writes, and its time there in closed form.

// A scratchpad region of a command, named as its field is. Validation checks
// it against the SoC; the unit holds it while the command runs.
struct SpmOperand {
  const char* name;
  SpmAddr at;
  uint64_t bytes = 0;
  bool written = false;  // the command's result; the others it reads
};

// A unit of the NPU: its name (npu.units, or one every NPU has) and the
// scratchpad buffers it reaches.
struct CommandUnit {
  const char* name;
  uint8_t buffers;      // bit b set: it reads and writes Buffer(b)
  const char* reaches;  // the same in words, for errors
};
constexpr uint8_t buffer_bit(Buffer b) { return uint8_t(1u << unsigned(b)); }

inline constexpr CommandUnit kArrayUnit{"array", 0xF, "reaches every buffer"};
inline constexpr CommandUnit kPostProcessUnit{"post_process", 0xF, "reaches every buffer"};
// npu.units.vector (sim/vector_unit.h): int8 work on the activation buffers.
inline constexpr CommandUnit kVectorUnit{"vector", buffer_bit(Buffer::Input) | buffer_bit(Buffer::Output),
                                         "reads and writes the input and output buffers"};

// 2 when `a_bytes` at a and `b_bytes` at b touch a common bank of one buffer
// (a bank delivers one of them per cycle), else 1 (arch/vector_timing.cpp).
unsigned vector_operand_passes(const NpuConfig& npu, const SpmAddr& a, uint64_t a_bytes, const SpmAddr& b,
                               uint64_t b_bytes);

// ceil(n / lanes): the cycles of n elements on `lanes` lanes.
constexpr uint64_t lane_groups(uint64_t n, unsigned lanes) {
  const uint64_t l = lanes ? lanes : 1;
  return (n + l - 1) / l;
}

// Vector unit (npu.units.vector): element-wise add of two int8 vectors with
// TFLite's rescaling, bit for bit kernels/add.h (reference_integer_ops::Add):
//   x = multiply_by_quantized_multiplier((a[i] - a_zp) << left_shift, a_mult, a_shift)
//   y = the same of b
//   out[i] = clamp(multiply_by_quantized_multiplier(x + y, mult, shift) + zp, min, max)
// for i < count; a, b and out are contiguous int8 in the scratchpads. The
// ranges are the kernel's: real multipliers below one (shifts <= 0) and a
// left shift that keeps the scaled sum inside int32.
struct VectorAddCmd {
  SpmAddr a, b, out;
  uint32_t count = 0;
  int8_t a_zp = 0;
  int32_t a_mult = 0;
  int8_t a_shift = 0;
  int8_t b_zp = 0;
  int32_t b_mult = 0;
  int8_t b_shift = 0;
  int8_t out_zp = 0;
  int32_t out_mult = 0;
  int8_t out_shift = 0;
  uint8_t left_shift = 20;
  int8_t act_min = -128, act_max = 127;
};

// 11 words: header (the three buffer ids in the flags), then the fields at
// the byte offsets below; bytes 41..43 are reserved.
inline constexpr FieldSpec kVectorAddFields[] = {
    scratchpad<&VectorAddCmd::a, &SpmAddr::buf, &SpmAddr::offset>("a", flag_bits(0, 2), at(4, 32), kBuffers),
    scratchpad<&VectorAddCmd::b, &SpmAddr::buf, &SpmAddr::offset>("b", flag_bits(2, 2), at(8, 32), kBuffers),
    scratchpad<&VectorAddCmd::out, &SpmAddr::buf, &SpmAddr::offset>("out", flag_bits(4, 2), at(12, 32), kBuffers),
    number<&VectorAddCmd::count>("count", at(16, 32)).at_least_1(),
    number<&VectorAddCmd::a_zp>("a_zp", at(20, 8)).optional(0),
    number<&VectorAddCmd::a_mult>("a_mult", at(24, 32)).range(0, 0x7fffffff, "a non-negative multiplier"),
    number<&VectorAddCmd::a_shift>("a_shift", at(36, 8)).optional(0).range(-31, 0, "[-31, 0]"),
    number<&VectorAddCmd::b_zp>("b_zp", at(21, 8)).optional(0),
    number<&VectorAddCmd::b_mult>("b_mult", at(28, 32)).range(0, 0x7fffffff, "a non-negative multiplier"),
    number<&VectorAddCmd::b_shift>("b_shift", at(37, 8)).optional(0).range(-31, 0, "[-31, 0]"),
    number<&VectorAddCmd::out_zp>("zp", at(22, 8)).optional(0),
    number<&VectorAddCmd::out_mult>("mult", at(32, 32)).range(0, 0x7fffffff, "a non-negative multiplier"),
    number<&VectorAddCmd::out_shift>("shift", at(38, 8)).optional(0).range(-31, 0, "[-31, 0]"),
    number<&VectorAddCmd::left_shift>("left_shift", at(23, 8)).optional(20).range(0, 22, "[0, 22]"),
    number<&VectorAddCmd::act_min>("min", at(39, 8)).optional(-128),
    number<&VectorAddCmd::act_max>("max", at(40, 8)).optional(127),
};

// vadd and vsub stream a and b `lanes` elements a cycle after one cycle of
// handshake, in two passes when a and b share a bank (the write of out goes
// through the bank's write port and costs no pass):
//   cycles = 1 + passes * ceil(count / lanes)
inline std::vector<SpmOperand> vadd_operands(const VectorAddCmd& v) {
  return {{"a", v.a, v.count}, {"b", v.b, v.count}, {"out", v.out, v.count, true}};
}
inline unsigned vadd_passes(const NpuConfig& npu, const VectorAddCmd& v) {
  return vector_operand_passes(npu, v.a, v.count, v.b, v.count);
}
inline uint64_t vadd_cycles(const VectorAddCmd& v, unsigned lanes, unsigned passes) {
  return 1 + passes * lane_groups(v.count, lanes);
}

// Vector unit: pooling of one NHWC int8 tile of c channels, bit for bit
// kernels/avg_pool.h (vavgpool) or kernels/max_pool.h (vmaxpool), which are
// TFLite's reference_integer_ops::AveragePool and MaxPool: the window is
// clipped to the tile (padding never counts), the average divides with
// rounding half away from zero, and the result is clamped to [min, max].
// Pixel (y, x) channel j is at in + (y*in_w + x)*c + j, output pixel (oy, ox)
// at out + (oy*out_w + ox)*c. Input and output share scale and zero point.
struct VectorPoolCmd {
  SpmAddr in, out;
  uint16_t in_h = 0, in_w = 0, c = 0;
  uint16_t out_h = 0, out_w = 0;
  uint8_t kh = 1, kw = 1, stride_h = 1, stride_w = 1;
  uint8_t pad_top = 0, pad_left = 0;
  int8_t act_min = -128, act_max = 127;
};

// 8 words: header (the two buffer ids in the flags), then the fields at the
// byte offsets below; bytes 30..31 are reserved.
inline constexpr FieldSpec kVectorPoolFields[] = {
    scratchpad<&VectorPoolCmd::in, &SpmAddr::buf, &SpmAddr::offset>("in", flag_bits(0, 2), at(4, 32), kBuffers),
    scratchpad<&VectorPoolCmd::out, &SpmAddr::buf, &SpmAddr::offset>("out", flag_bits(2, 2), at(8, 32), kBuffers),
    number<&VectorPoolCmd::in_h>("in_h", at(12, 16)).at_least_1(),
    number<&VectorPoolCmd::in_w>("in_w", at(14, 16)).at_least_1(),
    number<&VectorPoolCmd::c>("c", at(16, 16)).at_least_1(),
    number<&VectorPoolCmd::out_h>("out_h", at(18, 16)).at_least_1(),
    number<&VectorPoolCmd::out_w>("out_w", at(20, 16)).at_least_1(),
    number<&VectorPoolCmd::kh>("kh", at(22, 8)).at_least_1(),
    number<&VectorPoolCmd::kw>("kw", at(23, 8)).at_least_1(),
    number<&VectorPoolCmd::stride_h>("stride_h", at(24, 8)).optional(1).at_least_1(),
    number<&VectorPoolCmd::stride_w>("stride_w", at(25, 8)).optional(1).at_least_1(),
    number<&VectorPoolCmd::pad_top>("pad_top", at(26, 8)).optional(0),
    number<&VectorPoolCmd::pad_left>("pad_left", at(27, 8)).optional(0),
    number<&VectorPoolCmd::act_min>("min", at(28, 8)).optional(-128),
    number<&VectorPoolCmd::act_max>("max", at(29, 8)).optional(127),
};

// vavgpool and vmaxpool give each lane one channel of an output pixel: a
// group of `lanes` channels visits every tap of the window, padding
// included, and the average adds one divide step per pixel and group:
//   cycles = 1 + out_h*out_w * (kh*kw + (avg ? 1 : 0)) * ceil(c / lanes)
inline std::vector<SpmOperand> vpool_operands(const VectorPoolCmd& v) {
  return {{"in", v.in, uint64_t(v.in_h) * v.in_w * v.c}, {"out", v.out, uint64_t(v.out_h) * v.out_w * v.c, true}};
}
inline uint64_t vpool_cycles(const VectorPoolCmd& v, unsigned lanes, bool average) {
  return 1 + uint64_t(v.out_h) * v.out_w * (uint64_t(v.kh) * v.kw + (average ? 1 : 0)) * lane_groups(v.c, lanes);
}
inline uint64_t vavgpool_cycles(const VectorPoolCmd& v, unsigned lanes, unsigned) {
  return vpool_cycles(v, lanes, true);
}
inline uint64_t vmaxpool_cycles(const VectorPoolCmd& v, unsigned lanes, unsigned) {
  return vpool_cycles(v, lanes, false);
}

// Vector unit: element-wise requantize and clamp, bit for bit
// kernels/requantize_tensor.h (TFLite's int8 QUANTIZE, RELU, RELU6, RELU_N1_TO_1):
//   out[i] = clamp(multiply_by_quantized_multiplier(in[i] - in_zp, mult, shift) + zp, min, max)
struct VectorRequantizeCmd {
  SpmAddr in, out;
  uint32_t count = 0;
  int8_t in_zp = 0;
  int32_t mult = 0;
  int8_t shift = 0;
  int8_t out_zp = 0;
  int8_t act_min = -128, act_max = 127;
};

// 7 words: header (the two buffer ids in the flags), then the fields at the
// byte offsets below; bytes 25..27 are reserved.
inline constexpr FieldSpec kVectorRequantizeFields[] = {
    scratchpad<&VectorRequantizeCmd::in, &SpmAddr::buf, &SpmAddr::offset>("in", flag_bits(0, 2), at(4, 32), kBuffers),
    scratchpad<&VectorRequantizeCmd::out, &SpmAddr::buf, &SpmAddr::offset>("out", flag_bits(2, 2), at(8, 32),
                                                                            kBuffers),
    number<&VectorRequantizeCmd::count>("count", at(12, 32)).at_least_1(),
    number<&VectorRequantizeCmd::in_zp>("in_zp", at(20, 8)).optional(0),
    number<&VectorRequantizeCmd::mult>("mult", at(16, 32)).range(0, 0x7fffffff, "a non-negative multiplier"),
    number<&VectorRequantizeCmd::shift>("shift", at(22, 8)).optional(0).range(-31, 30, "[-31, 30]"),
    number<&VectorRequantizeCmd::out_zp>("zp", at(21, 8)).optional(0),
    number<&VectorRequantizeCmd::act_min>("min", at(23, 8)).optional(-128),
    number<&VectorRequantizeCmd::act_max>("max", at(24, 8)).optional(127),
};

// vrequant streams its operand as vadd does, in two passes when in and out
// share a bank:
//   cycles = 1 + passes * ceil(count / lanes)
inline std::vector<SpmOperand> vrequant_operands(const VectorRequantizeCmd& v) {
  return {{"in", v.in, v.count}, {"out", v.out, v.count, true}};
}
inline unsigned vrequant_passes(const NpuConfig& npu, const VectorRequantizeCmd& v) {
  return vector_operand_passes(npu, v.in, v.count, v.out, v.count);
}
inline uint64_t vrequant_cycles(const VectorRequantizeCmd& v, unsigned lanes, unsigned passes) {
  return 1 + passes * lane_groups(v.count, lanes);
}

// Vector unit: mean over H and W of one NHWC int8 tile of c channels, bit for
// bit kernels/mean.h (TFLite's MEAN over axes {1, 2}): per channel j,
//   sum = sum over (y, x) of in[(y*w + x)*c + j]
//   out[j] = clamp(multiply_by_quantized_multiplier(sum - in_zp*h*w, mult', shift') + zp, -128, 127)
// where (mult', shift') fold 1/(h*w) into (mult, shift), the multiplier of
// input_scale / output_scale, as kernels::mean_folded_multiplier does.
struct VectorMeanCmd {
  SpmAddr in, out;
  uint16_t h = 0, w = 0, c = 0;
  int8_t in_zp = 0;
  int32_t mult = 0;
  int8_t shift = 0;
  int8_t out_zp = 0;
};

// 7 words: header (the two buffer ids in the flags), then the fields at the
// byte offsets below; bytes 25..27 are reserved.
inline constexpr FieldSpec kVectorMeanFields[] = {
    scratchpad<&VectorMeanCmd::in, &SpmAddr::buf, &SpmAddr::offset>("in", flag_bits(0, 2), at(4, 32), kBuffers),
    scratchpad<&VectorMeanCmd::out, &SpmAddr::buf, &SpmAddr::offset>("out", flag_bits(2, 2), at(8, 32), kBuffers),
    number<&VectorMeanCmd::h>("h", at(12, 16)).at_least_1(),
    number<&VectorMeanCmd::w>("w", at(14, 16)).at_least_1(),
    number<&VectorMeanCmd::c>("c", at(16, 16)).at_least_1(),
    number<&VectorMeanCmd::in_zp>("in_zp", at(18, 8)).optional(0),
    number<&VectorMeanCmd::mult>("mult", at(20, 32)).range(0, 0x7fffffff, "a non-negative multiplier"),
    number<&VectorMeanCmd::shift>("shift", at(24, 8)).optional(0).range(-31, 30, "[-31, 30]"),
    number<&VectorMeanCmd::out_zp>("zp", at(19, 8)).optional(0),
};

// vmean sums every pixel into a group of `lanes` channels, one pixel a
// cycle, then rescales the group once:
//   cycles = 1 + (h*w + 1) * ceil(c / lanes)
inline std::vector<SpmOperand> vmean_operands(const VectorMeanCmd& v) {
  return {{"in", v.in, uint64_t(v.h) * v.w * v.c}, {"out", v.out, v.c, true}};
}
inline uint64_t vmean_cycles(const VectorMeanCmd& v, unsigned lanes, unsigned) {
  return 1 + (uint64_t(v.h) * v.w + 1) * lane_groups(v.c, lanes);
}

// Vector unit: element-wise maximum (vmax) or minimum (vmin) of two int8
// vectors of `count` elements on their stored values, bit for bit
// kernels/maximum_minimum.h (TFLite Micro's MAXIMUM, MINIMUM).
struct VectorMaxMinCmd {
  SpmAddr a, b, out;
  uint32_t count = 0;
};

// 5 words: header (the three buffer ids in the flags), then the fields.
inline constexpr FieldSpec kVectorMaxMinFields[] = {
    scratchpad<&VectorMaxMinCmd::a, &SpmAddr::buf, &SpmAddr::offset>("a", flag_bits(0, 2), at(4, 32), kBuffers),
    scratchpad<&VectorMaxMinCmd::b, &SpmAddr::buf, &SpmAddr::offset>("b", flag_bits(2, 2), at(8, 32), kBuffers),
    scratchpad<&VectorMaxMinCmd::out, &SpmAddr::buf, &SpmAddr::offset>("out", flag_bits(4, 2), at(12, 32), kBuffers),
    number<&VectorMaxMinCmd::count>("count", at(16, 32)).at_least_1(),
};

// vmax and vmin stream a and b as vadd does:
//   cycles = 1 + passes * ceil(count / lanes)
inline std::vector<SpmOperand> vmaxmin_operands(const VectorMaxMinCmd& v) {
  return {{"a", v.a, v.count}, {"b", v.b, v.count}, {"out", v.out, v.count, true}};
}
inline unsigned vmaxmin_passes(const NpuConfig& npu, const VectorMaxMinCmd& v) {
  return vector_operand_passes(npu, v.a, v.count, v.b, v.count);
}
inline uint64_t vmaxmin_cycles(const VectorMaxMinCmd& v, unsigned lanes, unsigned passes) {
  return 1 + passes * lane_groups(v.count, lanes);
}

// Vector unit: element-wise subtraction (vsub) a - b, with vadd's fields and
// layout (VectorAddCmd, kVectorAddFields): both operands rescaled as vadd
// rescales them, then subtracted, bit for bit kernels/sub.h (TFLite Micro's
// SUB without broadcasting).

// Vector unit: element-wise multiplication (vmul), bit for bit kernels/mul.h
// (TFLite Micro's MUL):
//   out[i] = clamp(multiply_by_quantized_multiplier((a[i] - a_zp) * (b[i % b_count] - b_zp), mult, shift) + zp,
//                  min, max)
// (mult, shift) carry in1_scale * in2_scale / out_scale, which may exceed one.
// b holds b_count elements, which divides count: count of them for two
// operands of one shape, fewer for one that repeats (a per-channel gate of
// b_count channels over every pixel).
struct VectorMulCmd {
  SpmAddr a, b, out;
  uint32_t count = 0;
  uint32_t b_count = 0;
  int8_t a_zp = 0, b_zp = 0;
  int32_t mult = 0;
  int8_t shift = 0;
  int8_t out_zp = 0;
  int8_t act_min = -128, act_max = 127;
};

// 9 words: header (the three buffer ids in the flags), then the fields at the
// byte offsets below; bytes 30..31 are reserved.
inline constexpr FieldSpec kVectorMulFields[] = {
    scratchpad<&VectorMulCmd::a, &SpmAddr::buf, &SpmAddr::offset>("a", flag_bits(0, 2), at(4, 32), kBuffers),
    scratchpad<&VectorMulCmd::b, &SpmAddr::buf, &SpmAddr::offset>("b", flag_bits(2, 2), at(8, 32), kBuffers),
    scratchpad<&VectorMulCmd::out, &SpmAddr::buf, &SpmAddr::offset>("out", flag_bits(4, 2), at(12, 32), kBuffers),
    number<&VectorMulCmd::count>("count", at(16, 32)).at_least_1(),
    number<&VectorMulCmd::b_count>("b_count", at(32, 32)).at_least_1(),
    number<&VectorMulCmd::a_zp>("a_zp", at(24, 8)).optional(0),
    number<&VectorMulCmd::b_zp>("b_zp", at(25, 8)).optional(0),
    number<&VectorMulCmd::mult>("mult", at(20, 32)).range(0, 0x7fffffff, "a non-negative multiplier"),
    number<&VectorMulCmd::shift>("shift", at(27, 8)).optional(0).range(-31, 30, "[-31, 30]"),
    number<&VectorMulCmd::out_zp>("zp", at(26, 8)).optional(0),
    number<&VectorMulCmd::act_min>("min", at(28, 8)).optional(-128),
    number<&VectorMulCmd::act_max>("max", at(29, 8)).optional(127),
};

// vmul streams a and b as vadd does (b's b_count bytes may repeat):
//   cycles = 1 + passes * ceil(count / lanes)
inline std::vector<SpmOperand> vmul_operands(const VectorMulCmd& v) {
  return {{"a", v.a, v.count}, {"b", v.b, v.b_count}, {"out", v.out, v.count, true}};
}
inline unsigned vmul_passes(const NpuConfig& npu, const VectorMulCmd& v) {
  return vector_operand_passes(npu, v.a, v.count, v.b, v.b_count);
}
inline uint64_t vmul_cycles(const VectorMulCmd& v, unsigned lanes, unsigned passes) {
  return 1 + passes * lane_groups(v.count, lanes);
}

// Vector unit: a unary int8 function as a 256-entry table (vlut), bit for bit
// kernels/lut.h: out[i] = table[uint8(in[i])]. The table is 256 int8 bytes in
// a scratchpad, which the compiler builds from the model's quantization
// (kernels/lut_tables.h) and loads from flash as the MCU's `lut` reads it.
struct VectorLutCmd {
  SpmAddr in, table, out;
  uint32_t count = 0;
};

// 5 words: header (the three buffer ids in the flags), then the fields.
inline constexpr FieldSpec kVectorLutFields[] = {
    scratchpad<&VectorLutCmd::in, &SpmAddr::buf, &SpmAddr::offset>("in", flag_bits(0, 2), at(4, 32), kBuffers),
    scratchpad<&VectorLutCmd::table, &SpmAddr::buf, &SpmAddr::offset>("table", flag_bits(2, 2), at(8, 32), kBuffers),
    scratchpad<&VectorLutCmd::out, &SpmAddr::buf, &SpmAddr::offset>("out", flag_bits(4, 2), at(12, 32), kBuffers),
    number<&VectorLutCmd::count>("count", at(16, 32)).at_least_1(),
};

// vlut first reads its 256 entries into the lanes' table, `lanes` a cycle,
// then streams its operand as vrequant does (two passes when in and out
// share a bank):
//   cycles = 1 + ceil(256 / lanes) + passes * ceil(count / lanes)
inline std::vector<SpmOperand> vlut_operands(const VectorLutCmd& v) {
  return {{"in", v.in, v.count}, {"table", v.table, 256}, {"out", v.out, v.count, true}};
}
inline unsigned vlut_passes(const NpuConfig& npu, const VectorLutCmd& v) {
  return vector_operand_passes(npu, v.in, v.count, v.out, v.count);
}
inline uint64_t vlut_cycles(const VectorLutCmd& v, unsigned lanes, unsigned passes) {
  return 1 + lane_groups(256, lanes) + passes * lane_groups(v.count, lanes);
}

// Vector unit: depthwise convolution (depth multiplier 1) of one NHWC int8
// tile of c channels, bit for bit kernels/depthwise_conv2d.h (TFLite's
// DepthwiseConvPerChannel): per output pixel (oy, ox) and channel j,
//   acc = bias[j] + sum over the taps inside the tile of w[t][j] * (in[y][x][j] - in_zp)
//   out = clamp(multiply_by_quantized_multiplier(acc, mult[j], shift[j]) + zp, min, max)
// with y = oy*stride_h - pad_top + ky*dil_h (x likewise) and tap
// t = ky*kw + kx; taps in the padding are skipped. Pixel (y, x) channel j is
// at in + (y*in_w + x)*c + j, tap t of channel j at weights + t*c + j (the
// model's [1, kh, kw, c] layout), channel j's record {int32 bias,
// multiplier, shift} at params + 12*j (as ppu's, bias not folded), output
// pixel (oy, ox) at out + (oy*out_w + ox)*c.
struct VectorDepthwiseCmd {
  SpmAddr in, weights, params, out;
  uint16_t in_h = 0, in_w = 0, c = 0;
  uint16_t out_h = 0, out_w = 0;
  uint8_t kh = 1, kw = 1, stride_h = 1, stride_w = 1, dil_h = 1, dil_w = 1;
  uint8_t pad_top = 0, pad_left = 0;
  int8_t in_zp = 0, out_zp = 0;
  int8_t act_min = -128, act_max = 127;
};

// 11 words: header (the four buffer ids in the flags), then the fields at
// the byte offsets below; bytes 42..43 are reserved.
inline constexpr FieldSpec kVectorDepthwiseFields[] = {
    scratchpad<&VectorDepthwiseCmd::in, &SpmAddr::buf, &SpmAddr::offset>("in", flag_bits(0, 2), at(4, 32), kBuffers),
    scratchpad<&VectorDepthwiseCmd::weights, &SpmAddr::buf, &SpmAddr::offset>("weights", flag_bits(2, 2), at(8, 32),
                                                                               kBuffers),
    scratchpad<&VectorDepthwiseCmd::params, &SpmAddr::buf, &SpmAddr::offset>("params", flag_bits(4, 2), at(12, 32),
                                                                              kBuffers),
    scratchpad<&VectorDepthwiseCmd::out, &SpmAddr::buf, &SpmAddr::offset>("out", flag_bits(6, 2), at(16, 32), kBuffers),
    number<&VectorDepthwiseCmd::in_h>("in_h", at(20, 16)).at_least_1(),
    number<&VectorDepthwiseCmd::in_w>("in_w", at(22, 16)).at_least_1(),
    number<&VectorDepthwiseCmd::c>("c", at(24, 16)).at_least_1(),
    number<&VectorDepthwiseCmd::out_h>("out_h", at(26, 16)).at_least_1(),
    number<&VectorDepthwiseCmd::out_w>("out_w", at(28, 16)).at_least_1(),
    number<&VectorDepthwiseCmd::kh>("kh", at(30, 8)).at_least_1(),
    number<&VectorDepthwiseCmd::kw>("kw", at(31, 8)).at_least_1(),
    number<&VectorDepthwiseCmd::stride_h>("stride_h", at(32, 8)).optional(1).at_least_1(),
    number<&VectorDepthwiseCmd::stride_w>("stride_w", at(33, 8)).optional(1).at_least_1(),
    number<&VectorDepthwiseCmd::dil_h>("dil_h", at(34, 8)).optional(1).at_least_1(),
    number<&VectorDepthwiseCmd::dil_w>("dil_w", at(35, 8)).optional(1).at_least_1(),
    number<&VectorDepthwiseCmd::pad_top>("pad_top", at(36, 8)).optional(0),
    number<&VectorDepthwiseCmd::pad_left>("pad_left", at(37, 8)).optional(0),
    number<&VectorDepthwiseCmd::in_zp>("in_zp", at(38, 8)).optional(0),
    number<&VectorDepthwiseCmd::out_zp>("zp", at(39, 8)).optional(0),
    number<&VectorDepthwiseCmd::act_min>("min", at(40, 8)).optional(-128),
    number<&VectorDepthwiseCmd::act_max>("max", at(41, 8)).optional(127),
};

// The taps a vector lane holds for vdwconv (a 3x3 to 8x8 window).
constexpr unsigned kVectorDepthwiseMaxTaps = 64;

// vdwconv works through its channels in groups of `lanes`: each lane reads
// its channel's taps, one a cycle, and its record, one int32 a cycle, into
// registers of its own, then visits every tap of every window, padding
// included, one multiply-accumulate of a tile byte a cycle, and rescales
// each output pixel once. The tile is the only operand streamed: no bank is
// read twice a cycle.
//   cycles = 1 + ceil(c / lanes) * (kh*kw + 3 + out_h*out_w * (kh*kw + 1))
inline std::vector<SpmOperand> vdwconv_operands(const VectorDepthwiseCmd& v) {
  return {{"in", v.in, uint64_t(v.in_h) * v.in_w * v.c},
          {"weights", v.weights, uint64_t(v.kh) * v.kw * v.c},
          {"params", v.params, 12 * uint64_t(v.c)},
          {"out", v.out, uint64_t(v.out_h) * v.out_w * v.c, true}};
}
inline uint64_t vdwconv_cycles(const VectorDepthwiseCmd& v, unsigned lanes, unsigned) {
  const uint64_t taps = uint64_t(v.kh) * v.kw;
  return 1 + lane_groups(v.c, lanes) * (taps + 3 + uint64_t(v.out_h) * v.out_w * (taps + 1));
}

// Vector unit: padding of one NHWC int8 tile of c channels with a constant,
// bit for bit kernels/pad.h (TFLite's PAD and PADV2 over H and W): tile
// pixel (y, x) goes to output pixel (pad_top + y, pad_left + x), every other
// output byte is `value`. Pixel (y, x) channel j of the tile is at
// in + (y*in_w + x)*c + j, output pixel (oy, ox) at out + (oy*out_w() + ox)*c.
struct VectorPadCmd {
  SpmAddr in, out;
  uint16_t in_h = 0, in_w = 0, c = 0;
  uint8_t pad_top = 0, pad_bottom = 0, pad_left = 0, pad_right = 0;
  int8_t value = 0;
  uint32_t out_h() const { return uint32_t(pad_top) + in_h + pad_bottom; }
  uint32_t out_w() const { return uint32_t(pad_left) + in_w + pad_right; }
};

// 6 words: header (the two buffer ids in the flags), then the fields at the
// byte offsets below; byte 23 is reserved.
inline constexpr FieldSpec kVectorPadFields[] = {
    scratchpad<&VectorPadCmd::in, &SpmAddr::buf, &SpmAddr::offset>("in", flag_bits(0, 2), at(4, 32), kBuffers),
    scratchpad<&VectorPadCmd::out, &SpmAddr::buf, &SpmAddr::offset>("out", flag_bits(2, 2), at(8, 32), kBuffers),
    number<&VectorPadCmd::in_h>("in_h", at(12, 16)).at_least_1(),
    number<&VectorPadCmd::in_w>("in_w", at(14, 16)).at_least_1(),
    number<&VectorPadCmd::c>("c", at(16, 16)).at_least_1(),
    number<&VectorPadCmd::pad_top>("pad_top", at(18, 8)).optional(0),
    number<&VectorPadCmd::pad_bottom>("pad_bottom", at(19, 8)).optional(0),
    number<&VectorPadCmd::pad_left>("pad_left", at(20, 8)).optional(0),
    number<&VectorPadCmd::pad_right>("pad_right", at(21, 8)).optional(0),
    number<&VectorPadCmd::value>("value", at(22, 8)).optional(0),
};

// vpad streams its output a row at a time, `lanes` bytes a cycle: each beat a
// span of one output row, the tile's bytes where the tile lies and `value`
// elsewhere, in two passes when in and out share a bank:
//   cycles = 1 + passes * out_h * ceil(out_w * c / lanes)
inline std::vector<SpmOperand> vpad_operands(const VectorPadCmd& v) {
  return {{"in", v.in, uint64_t(v.in_h) * v.in_w * v.c}, {"out", v.out, uint64_t(v.out_h()) * v.out_w() * v.c, true}};
}
inline unsigned vpad_passes(const NpuConfig& npu, const VectorPadCmd& v) {
  return vector_operand_passes(npu, v.in, uint64_t(v.in_h) * v.in_w * v.c, v.out,
                               uint64_t(v.out_h()) * v.out_w() * v.c);
}
inline uint64_t vpad_cycles(const VectorPadCmd& v, unsigned lanes, unsigned passes) {
  return 1 + passes * v.out_h() * lane_groups(uint64_t(v.out_w()) * v.c, lanes);
}

// A fallback kernel on the MCU. `kernel` names it (arch/mcu_op.h); `args` are
// its 32-bit arguments (tensor addresses, shapes, quantization), whose meaning
// the kernel's entry in arch/mcu_op.h defines.
struct McuOpCmd {
  uint16_t kernel = 0;
  std::vector<uint32_t> args;
};

// Encoded in 2 words plus one per argument.
inline constexpr FieldSpec kMcuOpFields[] = {
    mcu_kernel<&McuOpCmd::kernel>("kernel", at(4, 16)),
    mcu_args<&McuOpCmd::args>("args", at(6, 16)),
};

// Fence: no fields. Orders what token edges cannot: a layer's loads after the
// previous layer's stores (the load and store queues share no tokens).
struct FenceCmd {};

struct EndCmd {
  bool interrupt = true;
};

inline constexpr FieldSpec kEndFields[] = {
    no_flag<&EndCmd::interrupt>("no_interrupt", flag_bits(0)),
};

// ---- Commands of units kept outside this tree (opcodes 0x80..0xFE; docs/extending.md).

// Every command's struct, one alternative each (the order means nothing to the stream).
using CommandBody = std::variant<DmaCmd,
                                 // the structs of commands of units kept outside this tree
                                 GemmCmd, ConvCmd, PostProcessCmd, McuOpCmd, FenceCmd, EndCmd,
                                 VectorAddCmd, VectorPoolCmd, VectorRequantizeCmd, VectorMeanCmd, VectorMaxMinCmd,
                                 VectorMulCmd, VectorLutCmd, VectorDepthwiseCmd, VectorPadCmd>;

struct Command {
  Opcode op = Opcode::End;
  Deps deps;
  CommandBody body;
};

Queue queue_of(Opcode op);
const char* to_string(Opcode op);
const char* to_string(Queue q);
const char* to_string(Buffer b);
const char* to_string(Activation a);

// A program: the command stream and the memory images it runs against.
struct MemoryImage {
  std::string memory;      // name of the SocConfig memory it is loaded into
  uint64_t addr = 0;       // absolute address
  std::vector<uint8_t> bytes;
};

// ---- The command table: one row per opcode.

// Index of a command struct among CommandBody's alternatives.
template <class T, class... Ts>
constexpr size_t index_in(const std::variant<Ts...>*) {
  constexpr bool same[] = {std::is_same_v<T, Ts>...};
  for (size_t i = 0; i < sizeof...(Ts); ++i)
    if (same[i]) return i;
  return sizeof...(Ts);
}
template <class T>
inline constexpr size_t kBodyIndex = index_in<T>(static_cast<const CommandBody*>(nullptr));
template <class T>
inline constexpr bool kIsCommandBody = kBodyIndex<T> < std::variant_size_v<CommandBody>;

// Checks of a command beyond each field's own ("" if nothing is wrong, else
// "<mnemonic>: what was expected"): on its own (command_checks.cpp) and
// against an SoC (command_validate.cpp).
std::string conv_problem(const Command& c);
std::string ppu_problem(const Command& c);
std::string mcu_problem(const Command& c);
std::string dma_soc_problem(const Command& c, const SocConfig& soc);
std::string gemm_soc_problem(const Command& c, const SocConfig& soc);
std::string conv_soc_problem(const Command& c, const SocConfig& soc);
std::string ppu_soc_problem(const Command& c, const SocConfig& soc);
std::string vadd_problem(const Command& c);
std::string vpool_problem(const Command& c);
std::string vrequant_problem(const Command& c);
std::string vmean_problem(const Command& c);
std::string vsub_problem(const Command& c);
std::string vmul_problem(const Command& c);
std::string vdwconv_problem(const Command& c);

namespace command_detail {
// The struct a unit's operands function takes.
template <class F>
struct operands_body;
template <class B>
struct operands_body<std::vector<SpmOperand> (*)(const B&)> {
  using type = B;
};
}  // namespace command_detail

struct CommandSpec {
  Opcode op;
  const char* mnemonic;  // text form, messages, profile events
  Queue queue;           // Mcu: runs in program order, outside the NPU queues
  uint8_t words;         // encoded size in 4-byte words, header included (McuOp: plus one per argument)
  size_t body;           // index of its struct in CommandBody
  FieldList fields;      // in text order; the disassembler writes them so
  std::string (*problem)(const Command&);
  std::string (*soc_problem)(const Command&, const SocConfig&);
  // A command of the compute queue: the NPU unit that executes it (the NPU
  // refuses to start when that unit is built and does not claim it).
  const CommandUnit* unit = nullptr;
  // Its scratchpad regions: checked against the SoC (inside buffers the unit
  // reaches, the SoC has the unit) and held while it runs. nullptr: the row's
  // soc_problem checks it, and its unit says what it holds.
  std::vector<SpmOperand> (*operands)(const Command&) = nullptr;
  // Its time on its unit in closed form, in NPU cycles, given the unit's
  // lanes and the command's operand passes (nullptr passes: 1). The
  // simulator charges it and the compiler predicts with it.
  unsigned (*passes)(const NpuConfig&, const Command&) = nullptr;
  uint64_t (*cycles)(const Command&, unsigned lanes, unsigned passes) = nullptr;

  // The row of a command `unit` executes, with its operands, closed form and
  // (optionally) passes, each a function of the row's struct.
  template <auto Operands, auto Cycles, auto Passes = nullptr>
  constexpr CommandSpec on(const CommandUnit& u) const {
    using Body = typename command_detail::operands_body<decltype(Operands)>::type;
    CommandSpec s = *this;
    if (kBodyIndex<Body> != body) throw "a unit's operands function must take the row's struct";
    s.unit = &u;
    s.operands = [](const Command& c) { return Operands(std::get<Body>(c.body)); };
    s.cycles = [](const Command& c, unsigned lanes, unsigned passes) {
      return Cycles(std::get<Body>(c.body), lanes, passes);
    };
    if constexpr (!std::is_same_v<decltype(Passes), std::nullptr_t>)
      s.passes = [](const NpuConfig& npu, const Command& c) { return Passes(npu, std::get<Body>(c.body)); };
    return s;
  }
  // The row of a command `unit` executes and checks itself (soc_problem).
  constexpr CommandSpec on(const CommandUnit& u) const {
    CommandSpec s = *this;
    s.unit = &u;
    return s;
  }
};

template <class Body, size_t N>
constexpr CommandSpec command(Opcode op, const char* mnemonic, Queue queue, uint8_t words,
                              const FieldSpec (&fields)[N], std::string (*problem)(const Command&) = nullptr,
                              std::string (*soc_problem)(const Command&, const SocConfig&) = nullptr) {
  static_assert(kIsCommandBody<Body>, "a command's struct must be an alternative of CommandBody");
  static_assert(field_detail::member_count<Body>() == N, "each member of a command's struct needs one field");
  return {op, mnemonic, queue, words, kBodyIndex<Body>, fields_of(fields), problem, soc_problem};
}
// A command without fields.
template <class Body>
constexpr CommandSpec command(Opcode op, const char* mnemonic, Queue queue, uint8_t words) {
  static_assert(kIsCommandBody<Body>, "a command's struct must be an alternative of CommandBody");
  static_assert(field_detail::member_count<Body>() == 0, "each member of a command's struct needs one field");
  return {op, mnemonic, queue, words, kBodyIndex<Body>, FieldList{}, nullptr, nullptr};
}

// In opcode order (the assembler lists mnemonics in this order).
inline constexpr CommandSpec kCommands[] = {
    command<DmaCmd>(Opcode::DmaLoad, "load", Queue::Load, 9, kDmaFields, nullptr, dma_soc_problem),
    command<DmaCmd>(Opcode::DmaStore, "store", Queue::Store, 9, kDmaFields, nullptr, dma_soc_problem),
    command<GemmCmd>(Opcode::Gemm, "gemm", Queue::Compute, 10, kGemmFields, nullptr, gemm_soc_problem)
        .on(kArrayUnit),
    command<ConvCmd>(Opcode::Conv, "conv", Queue::Compute, 15, kConvFields, conv_problem, conv_soc_problem)
        .on(kArrayUnit),
    command<PostProcessCmd>(Opcode::PostProcess, "ppu", Queue::Compute, 11, kPostProcessFields, ppu_problem,
                            ppu_soc_problem)
        .on(kPostProcessUnit),
    command<FenceCmd>(Opcode::Fence, "fence", Queue::Mcu, 1),
    command<VectorAddCmd>(Opcode::VectorAdd, "vadd", Queue::Compute, 11, kVectorAddFields, vadd_problem)
        .on<vadd_operands, vadd_cycles, vadd_passes>(kVectorUnit),
    command<VectorPoolCmd>(Opcode::VectorAvgPool, "vavgpool", Queue::Compute, 8, kVectorPoolFields, vpool_problem)
        .on<vpool_operands, vavgpool_cycles>(kVectorUnit),
    command<VectorPoolCmd>(Opcode::VectorMaxPool, "vmaxpool", Queue::Compute, 8, kVectorPoolFields, vpool_problem)
        .on<vpool_operands, vmaxpool_cycles>(kVectorUnit),
    command<VectorRequantizeCmd>(Opcode::VectorRequantize, "vrequant", Queue::Compute, 7, kVectorRequantizeFields,
                                 vrequant_problem)
        .on<vrequant_operands, vrequant_cycles, vrequant_passes>(kVectorUnit),
    command<VectorMeanCmd>(Opcode::VectorMean, "vmean", Queue::Compute, 7, kVectorMeanFields, vmean_problem)
        .on<vmean_operands, vmean_cycles>(kVectorUnit),
    command<VectorMaxMinCmd>(Opcode::VectorMax, "vmax", Queue::Compute, 5, kVectorMaxMinFields)
        .on<vmaxmin_operands, vmaxmin_cycles, vmaxmin_passes>(kVectorUnit),
    command<VectorMaxMinCmd>(Opcode::VectorMin, "vmin", Queue::Compute, 5, kVectorMaxMinFields)
        .on<vmaxmin_operands, vmaxmin_cycles, vmaxmin_passes>(kVectorUnit),
    command<VectorAddCmd>(Opcode::VectorSub, "vsub", Queue::Compute, 11, kVectorAddFields, vsub_problem)
        .on<vadd_operands, vadd_cycles, vadd_passes>(kVectorUnit),
    command<VectorMulCmd>(Opcode::VectorMul, "vmul", Queue::Compute, 9, kVectorMulFields, vmul_problem)
        .on<vmul_operands, vmul_cycles, vmul_passes>(kVectorUnit),
    command<VectorLutCmd>(Opcode::VectorLut, "vlut", Queue::Compute, 5, kVectorLutFields)
        .on<vlut_operands, vlut_cycles, vlut_passes>(kVectorUnit),
    command<VectorDepthwiseCmd>(Opcode::VectorDepthwise, "vdwconv", Queue::Compute, 11, kVectorDepthwiseFields,
                                vdwconv_problem)
        .on<vdwconv_operands, vdwconv_cycles>(kVectorUnit),
    command<VectorPadCmd>(Opcode::VectorPad, "vpad", Queue::Compute, 6, kVectorPadFields)
        .on<vpad_operands, vpad_cycles, vpad_passes>(kVectorUnit),
    command<McuOpCmd>(Opcode::McuOp, "mcu", Queue::Mcu, 2, kMcuOpFields, mcu_problem),
    // 0x80..0xFE: the rows of units kept outside this tree.
    command<EndCmd>(Opcode::End, "end", Queue::Mcu, 1, kEndFields),
};

// The row of an opcode; nullptr for a byte that is no opcode.
const CommandSpec* find_command(uint8_t opcode);
const CommandSpec* find_command(const std::string& mnemonic);
const CommandSpec& command_spec(Opcode op);  // op must be one of kCommands
// A default-constructed body of CommandBody's alternative `index`.
CommandBody make_body(size_t index);
// The commands the table gives the unit named `unit`, in table order.
std::vector<Opcode> unit_commands(const std::string& unit);
// A unit command's closed-form NPU cycles on `lanes` lanes (its row's cycles
// and passes); throws kiln::Error for a row without a closed form.
uint64_t command_cycles(const Command& cmd, const NpuConfig& npu, unsigned lanes);

// True when `entries` (anything with an `op`) has an entry for every command
// of kCommands: the simulator static_asserts it of its executors.
template <class T, size_t N>
constexpr bool covers_every_command(const T (&entries)[N]) {
  for (const CommandSpec& c : kCommands) {
    bool found = false;
    for (const T& e : entries) found = found || e.op == c.op;
    if (!found) return false;
  }
  return true;
}

// True when `entries` has an entry for every command of kCommands outside
// queue `q`: the simulator's executors cover every command but those of the
// compute queue, each of which runs on the NPU unit that claims it.
template <class T, size_t N>
constexpr bool covers_every_command_outside(const T (&entries)[N], Queue q) {
  for (const CommandSpec& c : kCommands) {
    bool found = c.queue == q;
    for (const T& e : entries) found = found || e.op == c.op;
    if (!found) return false;
  }
  return true;
}

// Equality for round-trip tests and tools: commands field by field as their
// table rows list them (command.cpp).
bool operator==(const SpmAddr& a, const SpmAddr& b);
bool operator==(const Deps& a, const Deps& b);
bool fields_equal(size_t body, const void* a, const void* b);
template <class T, std::enable_if_t<kIsCommandBody<T>, int> = 0>
bool operator==(const T& a, const T& b) {
  return fields_equal(kBodyIndex<T>, &a, &b);
}
bool operator==(const Command& a, const Command& b);
inline bool operator!=(const Command& a, const Command& b) { return !(a == b); }

struct Program {
  std::vector<Command> commands;
  std::vector<MemoryImage> images;
  // Where the encoded command stream is placed in simulated memory for the
  // NPU's command fetch. stream_memory empty: the loader places it after the
  // last image of the first flash memory, 16-byte aligned.
  std::string stream_memory;
  uint64_t stream_addr = 0;
};

bool operator==(const MemoryImage& a, const MemoryImage& b);
bool operator==(const Program& a, const Program& b);
inline bool operator!=(const Program& a, const Program& b) { return !(a == b); }

}  // namespace kiln
