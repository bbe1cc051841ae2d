// The words of a fuzzer's dictionary that kiln's own tables define: for
// .kasm the command table's mnemonics, field names and choices and every MCU
// kernel's name and argument names; for SoC configs the unit catalogue's
// names, parameters and choices and every MCU kernel's name (the cost
// table's keys). scripts/fuzz.sh writes them, with tests/fuzz/dict/KIND.dict
// (the words no table holds: syntax, directives, YAML keys), into the
// dictionary a harness runs with, so that a kernel, command or unit added to
// a table is in the dictionary without an edit of its own.
#pragma once

#include <string>
#include <vector>

namespace kiln::fuzz {

// Words of two letters or more (single letters the fuzzer finds by itself),
// sorted, without repeats; empty for a kind whose dictionary has no table words.
std::vector<std::string> table_words(const std::string& kind);

}  // namespace kiln::fuzz
