// The vector unit's commands, each described by a file of its own in
// sim/vector/ that registers how the unit carries it out:
//   - its executor for the TLM engine: the command's kernel of kernels/ on
//     the scratchpads, and the actions it counts for the energy model (its
//     time and the regions it holds are its row's in arch/command.h, the
//     closed form the compiler predicts with);
//   - its beat program for the RTL engine: the command register it loads
//     into rtl/kiln_vector.v and the lane-wide beats that stream its
//     operands through it (sim/verilated_vector_core.h clocks one per call).
// Which commands the unit executes is the command table's word (the rows
// whose unit is kVectorUnit); a row without an executor here stops the unit
// from being built (check_vector_commands), so a command is never a silent
// no-op. Free of SystemC and of Verilator's headers: both engines include it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "arch/command.h"

namespace kiln::sim {

class VectorContext;  // sim/vector_context.h

// The operations of the lanes' datapath (rtl/kiln_vector_lane.v's OP_*). A
// command's beat program chooses one; a command that none of them computes
// needs new Verilog (docs/extending.md).
enum class VectorRtlOp : uint8_t {
  Requantize = 0,
  Add = 1,
  Max = 2,
  Min = 3,
  MaxPool = 4,
  AvgPool = 5,
  Mean = 6,
  Sub = 7,
  Mul = 8,
  Lut = 9,
  Depthwise = 10,
};

// kiln_vector's command register (its cmd_* ports), latched in the start
// cycle. What a field means depends on the operation (rtl/kiln_vector.v).
struct VectorRtlRegister {
  VectorRtlOp op = VectorRtlOp::Requantize;
  int8_t a_zp = 0, b_zp = 0, out_zp = 0;
  int32_t a_mult = 0, b_mult = 0, out_mult = 0;
  int8_t a_shift = 0, b_shift = 0, out_shift = 0;
  uint8_t left_shift = 0;
  int8_t act_min = -128, act_max = 127;
  uint16_t h = 0, w = 0;  // vmean: the pixels summed are h * w
  uint8_t taps = 0;       // vdwconv: kh * kw
};

// A beat's flags (rtl/kiln_vector_lane.v): first, a new window; pad, a tap
// in the padding (or a divide or rescale step); emit, the output register
// takes the result; last, the command's last beat.
struct BeatFlags {
  bool first = false, pad = false, emit = false, last = false;
};

// Where a beat program sends its beats: the Verilated unit, one clock cycle
// per call.
class VectorBeats {
 public:
  virtual unsigned lanes() const = 0;
  // One beat of n <= lanes() lanes: operand bytes a and b (nullptr: zeros).
  // An emitting beat's results are the command's output bytes [at, at + n).
  virtual void beat(const int8_t* a, const int8_t* b, size_t n, BeatFlags flags, uint64_t at) = 0;
  // One load beat (vdwconv's taps and records): a byte per lane (a), or a
  // 32-bit word per lane (words); `first` restarts the unit's tap counter.
  virtual void load(const int8_t* a, const uint32_t* words, size_t n, bool first) = 0;
  // A cycle without a beat (the scratchpad bank stalls the operands).
  virtual void idle() = 0;

 protected:
  ~VectorBeats() = default;
};

// A command as its beat program streams it: the bytes of the operands its
// row lists (arch/command.h) that it reads, in the row's order, and the
// bytes of the one it writes.
struct VectorRtlCommand {
  const Command& cmd;
  unsigned passes;                  // its row's: 2 when its streamed operands share a bank, else 1
  std::vector<const int8_t*> in;    // the operands it reads
  uint64_t out_bytes = 0;           // the operand it writes

  // Throws an internal kiln::Error unless `in` holds n operands.
  void expect_operands(size_t n) const;
};

// How the vector unit carries out one command.
struct VectorCommand {
  Opcode op = Opcode::End;
  // TLM: computes the command into the scratchpads and counts its actions.
  void (*execute)(VectorContext& unit, const Command& cmd) = nullptr;
  // RTL: the command register and the beats; nullptr when the unit's RTL
  // does not implement the command (the rtl engine refuses it by name).
  VectorRtlRegister (*rtl_register)(const Command& cmd) = nullptr;
  void (*rtl_beats)(const VectorRtlCommand& cmd, VectorBeats& beats) = nullptr;
};

// The registry: one per program (instance()), filled at static
// initialization by KILN_REGISTER_VECTOR_COMMAND; tests build their own.
class VectorCommands {
 public:
  static VectorCommands& instance();

  // Returns true so that it can initialise a static; a second registration
  // of one opcode is kept aside and reported by check_vector_commands.
  bool add(const VectorCommand& c);
  const VectorCommand* find(Opcode op) const;
  const std::vector<Opcode>& duplicates() const { return duplicates_; }

 private:
  std::map<Opcode, VectorCommand> commands_;
  std::vector<Opcode> duplicates_;
};

// Throws kiln::Error naming each command the command table gives the vector
// unit that has no executor in `commands` (or two), and each executor of a
// command the table does not give it. The unit calls it when it is built.
void check_vector_commands(const VectorCommands& commands);

// True when the unit's RTL runs the command (its beat program is registered).
bool vector_rtl_implements(Opcode op);

}  // namespace kiln::sim

#define KILN_VECTOR_CONCAT_(a, b) a##b
#define KILN_VECTOR_CONCAT(a, b) KILN_VECTOR_CONCAT_(a, b)
// Registers how the vector unit carries out OPCODE, at static
// initialization. Use at namespace scope in the command's file.
#define KILN_REGISTER_VECTOR_COMMAND(OPCODE, EXECUTE, RTL_REGISTER, RTL_BEATS)                     \
  namespace {                                                                                     \
  [[maybe_unused]] const bool KILN_VECTOR_CONCAT(kiln_vector_registered_, __LINE__) =             \
      ::kiln::sim::VectorCommands::instance().add({OPCODE, EXECUTE, RTL_REGISTER, RTL_BEATS});    \
  }
