// The command stream: the contract between the compiler (which emits it) and
// the simulator (which executes it). Binary encoding in command_codec.cpp,
// text form in command_text.cpp; see docs/command-stream.md. (C++17: no
// defaulted operator==; command.cpp provides the comparisons.)
//
// Execution model (decoupled access/execute, as in VTA): the NPU has three
// in-order queues, Load (DMA into scratchpads), Compute (array + post-processing)
// and Store (DMA out of scratchpads). Queues synchronize through dependency
// tokens carried by each command (Deps). MCU commands run on the MCU, in program
// order, after every earlier NPU command has finished.
#pragma once

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "arch/soc_config.h"

namespace kiln {

enum class Opcode : uint8_t {
  DmaLoad = 0x01,   // memory -> scratchpad (Load queue)
  DmaStore = 0x02,  // scratchpad -> memory (Store queue)
  Gemm = 0x10,      // array tile, explicit A matrix (Compute queue)
  Conv = 0x11,      // array tile, A gathered from an NHWC input tile (implicit GEMM)
  PostProcess = 0x12,  // accumulators -> int8 (Compute queue)
  Fence = 0x13,     // NPU: dispatch nothing more until every earlier NPU command has finished
  McuOp = 0x20,     // fallback kernel on the MCU
  End = 0xFF,       // end of program: NPU raises its interrupt, MCU stops
};

enum class Queue : uint8_t { Load = 0, Compute = 1, Store = 2, Mcu = 3 };

// NPU-local scratchpad buffers.
enum class Buffer : uint8_t { Input = 0, Weight = 1, Output = 2, Accumulator = 3 };

struct SpmAddr {
  Buffer buf = Buffer::Input;
  uint32_t offset = 0;  // bytes

};

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

// A fallback kernel on the MCU. `kernel` names it (arch/mcu_op.h); `args` are
// its 32-bit arguments (tensor addresses, shapes, quantization), whose meaning
// the kernel's entry in arch/mcu_op.h defines.
struct McuOpCmd {
  uint16_t kernel = 0;
  std::vector<uint32_t> args;

};

// Fence: no fields. Orders what token edges cannot: a layer's loads after the
// previous layer's stores (the load and store queues share no tokens).
struct FenceCmd {};

struct EndCmd {
  bool interrupt = true;

};

using CommandBody = std::variant<DmaCmd, GemmCmd, ConvCmd, PostProcessCmd, McuOpCmd, FenceCmd, EndCmd>;

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

// Equality (field by field) for round-trip tests and tools (command.cpp).
bool operator==(const SpmAddr& a, const SpmAddr& b);
bool operator==(const Deps& a, const Deps& b);
bool operator==(const DmaCmd& a, const DmaCmd& b);
bool operator==(const GemmCmd& a, const GemmCmd& b);
bool operator==(const ConvCmd& a, const ConvCmd& b);
bool operator==(const PostProcessCmd& a, const PostProcessCmd& b);
bool operator==(const McuOpCmd& a, const McuOpCmd& b);
bool operator==(const FenceCmd& a, const FenceCmd& b);
bool operator==(const EndCmd& a, const EndCmd& b);
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
