#include "sim/vector_command.h"

#include <algorithm>

#include <fmt/format.h>

#include "arch/error.h"

namespace kiln::sim {

void VectorRtlCommand::expect_operands(size_t n) const {
  if (in.size() != n)
    throw Error(fmt::format("rtl vector unit: {} with {} operands, expected {} (internal error)", to_string(cmd.op),
                            in.size(), n));
  for (const int8_t* p : in)
    if (!p) throw Error(fmt::format("rtl vector unit: {} without its operands (internal error)", to_string(cmd.op)));
}

VectorCommands& VectorCommands::instance() {
  static VectorCommands commands;  // built on first use: safe from any static initializer
  return commands;
}

bool VectorCommands::add(const VectorCommand& c) {
  if (!commands_.emplace(c.op, c).second) duplicates_.push_back(c.op);
  return true;
}

const VectorCommand* VectorCommands::find(Opcode op) const {
  const auto it = commands_.find(op);
  return it == commands_.end() ? nullptr : &it->second;
}

void check_vector_commands(const VectorCommands& commands) {
  const std::vector<Opcode> table = unit_commands(kVectorUnit.name);
  std::string problems;
  const auto add = [&](const std::string& p) { problems += (problems.empty() ? "" : "; ") + p; };
  for (const Opcode op : table)
    if (!commands.find(op) || !commands.find(op)->execute)
      add(fmt::format("{} has no executor (a file of sim/vector/ that registers it)", to_string(op)));
  for (const Opcode op : commands.duplicates()) add(fmt::format("{} is registered twice", to_string(op)));
  for (unsigned code = 0; code < 256; ++code)
    if (commands.find(Opcode(code)) && std::find(table.begin(), table.end(), Opcode(code)) == table.end())
      add(fmt::format("an executor is registered for opcode 0x{:02x}, which the command table does not give the "
                      "vector unit",
                      code));
  if (!problems.empty())
    throw Error("vector unit: the command table (arch/command.h) and the unit's executors disagree: " + problems);
}

bool vector_rtl_implements(Opcode op) {
  const VectorCommand* c = VectorCommands::instance().find(op);
  return c && c->rtl_register && c->rtl_beats;
}

}  // namespace kiln::sim
