#include "arch/command.h"

#include <utility>

#include <fmt/format.h>

#include "arch/error.h"

namespace kiln {

const CommandSpec* find_command(uint8_t opcode) {
  for (const CommandSpec& c : kCommands)
    if (uint8_t(c.op) == opcode) return &c;
  return nullptr;
}

const CommandSpec* find_command(const std::string& mnemonic) {
  for (const CommandSpec& c : kCommands)
    if (mnemonic == c.mnemonic) return &c;
  return nullptr;
}

const CommandSpec& command_spec(Opcode op) {
  const CommandSpec* c = find_command(uint8_t(op));
  if (!c) throw Error(fmt::format("opcode 0x{:02x} is not in the command table", uint8_t(op)));
  return *c;
}

namespace {
template <size_t... I>
CommandBody make_body(size_t index, std::index_sequence<I...>) {
  CommandBody b;
  ((index == I ? (void)b.emplace<I>() : (void)0), ...);
  return b;
}
}  // namespace

CommandBody make_body(size_t index) {
  return make_body(index, std::make_index_sequence<std::variant_size_v<CommandBody>>{});
}

std::vector<Opcode> unit_commands(const std::string& unit) {
  std::vector<Opcode> out;
  for (const CommandSpec& c : kCommands)
    if (c.unit && unit == c.unit->name) out.push_back(c.op);
  return out;
}

uint64_t command_cycles(const Command& cmd, const NpuConfig& npu, unsigned lanes) {
  const CommandSpec& spec = command_spec(cmd.op);
  if (!spec.cycles)
    throw Error(fmt::format("{}: its row in the command table has no closed-form timing", spec.mnemonic));
  return spec.cycles(cmd, lanes, spec.passes ? spec.passes(npu, cmd) : 1);
}

Queue queue_of(Opcode op) {
  const CommandSpec* c = find_command(uint8_t(op));
  return c ? c->queue : Queue::Mcu;
}

// Opcode names are the mnemonics of the text form (docs/command-stream.md).
const char* to_string(Opcode op) {
  const CommandSpec* c = find_command(uint8_t(op));
  return c ? c->mnemonic : "unknown";
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

bool fields_equal(size_t body, const void* a, const void* b) {
  for (const CommandSpec& c : kCommands) {
    if (c.body != body) continue;
    for (const FieldSpec& f : c.fields) {
      if (f.get && f.get(a) != f.get(b)) return false;
      if (f.get2 && f.get2(a) != f.get2(b)) return false;
      if (f.list && *f.list(a) != *f.list(b)) return false;
    }
    return true;  // load and store share one struct and so one field list
  }
  return false;
}

bool operator==(const Command& a, const Command& b) { return a.op == b.op && a.deps == b.deps && a.body == b.body; }

bool operator==(const MemoryImage& a, const MemoryImage& b) {
  return a.memory == b.memory && a.addr == b.addr && a.bytes == b.bytes;
}

bool operator==(const Program& a, const Program& b) {
  return a.commands == b.commands && a.images == b.images && a.stream_memory == b.stream_memory &&
         a.stream_addr == b.stream_addr;
}

}  // namespace kiln
