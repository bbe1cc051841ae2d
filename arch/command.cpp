#include "arch/command.h"

namespace kiln {

Queue queue_of(Opcode op) {
  switch (op) {
    case Opcode::DmaLoad: return Queue::Load;
    case Opcode::DmaStore: return Queue::Store;
    case Opcode::Gemm:
    case Opcode::Conv:
    case Opcode::PostProcess: return Queue::Compute;
    case Opcode::McuOp:
    case Opcode::Fence:
    case Opcode::End: return Queue::Mcu;  // program-order barriers, no tokens
  }
  return Queue::Mcu;
}

// Opcode names are the mnemonics of the text form (docs/command-stream.md).
const char* to_string(Opcode op) {
  switch (op) {
    case Opcode::DmaLoad: return "load";
    case Opcode::DmaStore: return "store";
    case Opcode::Gemm: return "gemm";
    case Opcode::Conv: return "conv";
    case Opcode::PostProcess: return "ppu";
    case Opcode::McuOp: return "mcu";
    case Opcode::Fence: return "fence";
    case Opcode::End: return "end";
  }
  return "unknown";
}

const char* to_string(Queue q) {
  switch (q) {
    case Queue::Load: return "load";
    case Queue::Compute: return "compute";
    case Queue::Store: return "store";
    case Queue::Mcu: return "mcu";
  }
  return "unknown";
}

const char* to_string(Buffer b) {
  switch (b) {
    case Buffer::Input: return "input";
    case Buffer::Weight: return "weight";
    case Buffer::Output: return "output";
    case Buffer::Accumulator: return "accumulator";
  }
  return "unknown";
}

const char* to_string(Activation a) {
  switch (a) {
    case Activation::None: return "none";
    case Activation::Relu: return "relu";
    case Activation::Relu6: return "relu6";
  }
  return "unknown";
}

bool operator==(const SpmAddr& a, const SpmAddr& b) { return a.buf == b.buf && a.offset == b.offset; }

bool operator==(const Deps& a, const Deps& b) {
  return a.wait_prev == b.wait_prev && a.wait_next == b.wait_next && a.signal_prev == b.signal_prev &&
         a.signal_next == b.signal_next;
}

bool operator==(const DmaCmd& a, const DmaCmd& b) {
  return a.channel == b.channel && a.mem_addr == b.mem_addr && a.spm == b.spm && a.rows == b.rows &&
         a.row_bytes == b.row_bytes && a.mem_stride == b.mem_stride && a.spm_stride == b.spm_stride;
}

bool operator==(const GemmCmd& a, const GemmCmd& b) {
  return a.m == b.m && a.n == b.n && a.k == b.k && a.a_addr == b.a_addr && a.a_stride == b.a_stride &&
         a.b_addr == b.b_addr && a.b_stride == b.b_stride && a.c_addr == b.c_addr && a.c_stride == b.c_stride &&
         a.dataflow == b.dataflow && a.accumulate == b.accumulate;
}

bool operator==(const ConvCmd& a, const ConvCmd& b) {
  return a.in_h == b.in_h && a.in_w == b.in_w && a.in_c == b.in_c && a.out_h == b.out_h && a.out_w == b.out_w &&
         a.n == b.n && a.kh == b.kh && a.kw == b.kw && a.stride_h == b.stride_h && a.stride_w == b.stride_w &&
         a.dil_h == b.dil_h && a.dil_w == b.dil_w && a.pad_top == b.pad_top && a.pad_left == b.pad_left &&
         a.pad_value == b.pad_value && a.in_addr == b.in_addr && a.b_addr == b.b_addr && a.b_stride == b.b_stride &&
         a.c_addr == b.c_addr && a.c_stride == b.c_stride && a.dataflow == b.dataflow &&
         a.accumulate == b.accumulate && a.in_pixel_stride == b.in_pixel_stride && a.depthwise == b.depthwise;
}

bool operator==(const PostProcessCmd& a, const PostProcessCmd& b) {
  return a.m == b.m && a.n == b.n && a.acc_addr == b.acc_addr && a.acc_stride == b.acc_stride &&
         a.params_addr == b.params_addr && a.out == b.out && a.out_stride == b.out_stride &&
         a.out_zero_point == b.out_zero_point && a.act_min == b.act_min && a.act_max == b.act_max;
}

bool operator==(const McuOpCmd& a, const McuOpCmd& b) { return a.kernel == b.kernel && a.args == b.args; }

bool operator==(const FenceCmd&, const FenceCmd&) { return true; }
bool operator==(const EndCmd& a, const EndCmd& b) { return a.interrupt == b.interrupt; }

bool operator==(const Command& a, const Command& b) { return a.op == b.op && a.deps == b.deps && a.body == b.body; }

bool operator==(const MemoryImage& a, const MemoryImage& b) {
  return a.memory == b.memory && a.addr == b.addr && a.bytes == b.bytes;
}

bool operator==(const Program& a, const Program& b) {
  return a.commands == b.commands && a.images == b.images && a.stream_memory == b.stream_memory &&
         a.stream_addr == b.stream_addr;
}

}  // namespace kiln
