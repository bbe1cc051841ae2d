#include "tests/fuzz/dictionary_words.h"

#include <set>

#include "arch/command.h"
#include "arch/mcu_op.h"
#include "arch/unit_catalog.h"

namespace kiln::fuzz {

std::vector<std::string> table_words(const std::string& kind) {
  std::set<std::string> words;
  if (kind == "kasm") {
    for (const CommandSpec& c : kCommands) {
      words.insert(c.mnemonic);
      for (const FieldSpec& f : c.fields) {
        words.insert(f.name);
        if (f.choices)
          for (uint8_t i = 0; i < f.choices->count; ++i) words.insert(f.choices->names[i]);
      }
    }
    for (const McuKernelSpec& k : mcu_kernels()) {
      words.insert(k.name);
      for (const McuArg& a : k.args) words.insert(a.name);
    }
  } else if (kind == "soc_config") {
    words = {"units", "profile"};
    for (const UnitSchema& u : unit_catalog()) {
      words.insert(u.name);
      for (const UnitParam& p : u.params) words.insert(p.key);
      for (const UnitChoice& c : u.choices) {
        words.insert(c.key);
        words.insert(c.values.begin(), c.values.end());
      }
    }
    for (const McuKernelSpec& k : mcu_kernels()) words.insert(k.name);
  }
  std::vector<std::string> out;
  for (const std::string& w : words)
    if (w.size() > 1) out.push_back(w);
  return out;
}

}  // namespace kiln::fuzz
