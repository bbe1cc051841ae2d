// The fuzzers' dictionaries name every word the readers know: a command,
// field, choice, MCU kernel or unit missing from them would leave the fuzzer
// guessing it byte by byte. A harness's dictionary is tests/fuzz/dict/KIND.dict
// (the words no table holds) with the table words scripts/fuzz.sh adds
// (tests/fuzz/dictionary_words.h); the tables, walked here on their own, are
// checked against the two together, and the hand-kept file against repeating
// what is generated.
#include <catch2/catch.hpp>

#include <algorithm>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include "arch/command.h"
#include "arch/mcu_op.h"
#include "arch/unit_catalog.h"
#include "tests/fuzz/dictionary_words.h"
#include "tests/support/test_paths.h"

using namespace kiln;

namespace {

// The quoted entries of a libFuzzer dictionary (`"word"` or `name="word"`).
std::set<std::string> dictionary(const std::string& name) {
  std::ifstream in(test::source_dir() + "/tests/fuzz/dict/" + name);
  REQUIRE(in.good());
  std::set<std::string> words;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    const auto open = line.find('"'), close = line.rfind('"');
    if (open != std::string::npos && close > open) words.insert(line.substr(open + 1, close - open - 1));
  }
  return words;
}

// The dictionary a harness runs with: the hand-kept words and the table words.
std::set<std::string> full_dictionary(const std::string& kind) {
  std::set<std::string> words = dictionary(kind + ".dict");
  for (const std::string& w : fuzz::table_words(kind)) words.insert(w);
  return words;
}

// Words of two letters or more (single letters the fuzzer finds by itself)
// that the dictionary lacks.
std::vector<std::string> missing(const std::set<std::string>& dict, const std::vector<std::string>& words) {
  std::vector<std::string> out;
  for (const auto& w : words)
    if (w.size() > 1 && !dict.count(w)) out.push_back(w);
  return out;
}

// Hand-kept words that the tables already give.
std::vector<std::string> repeated(const std::string& kind) {
  std::vector<std::string> out;
  const std::vector<std::string> generated = fuzz::table_words(kind);
  for (const std::string& w : dictionary(kind + ".dict"))
    if (std::find(generated.begin(), generated.end(), w) != generated.end()) out.push_back(w);
  return out;
}

}  // namespace

TEST_CASE("the kasm dictionary names every mnemonic, field, choice and MCU kernel of the tables", "[fuzz][dict]") {
  std::vector<std::string> words;
  for (const CommandSpec& c : kCommands) {
    words.push_back(c.mnemonic);
    for (const FieldSpec& f : c.fields) {
      words.push_back(f.name);
      if (f.choices)
        for (uint8_t i = 0; i < f.choices->count; ++i) words.push_back(f.choices->names[i]);
    }
  }
  for (const McuKernelSpec& k : mcu_kernels()) {
    words.push_back(k.name);
    for (const McuArg& a : k.args) words.push_back(a.name);
  }
  CHECK(missing(full_dictionary("kasm"), words) == std::vector<std::string>{});
  CHECK(repeated("kasm") == std::vector<std::string>{});
}

TEST_CASE("the soc_config dictionary names every unit, its parameters and choices and every MCU cost class",
          "[fuzz][dict]") {
  std::vector<std::string> words{"units", "profile"};
  for (const UnitSchema& u : unit_catalog()) {
    words.push_back(u.name);
    for (const UnitParam& p : u.params) words.push_back(p.key);
    for (const UnitChoice& c : u.choices) {
      words.push_back(c.key);
      words.insert(words.end(), c.values.begin(), c.values.end());
    }
  }
  for (const McuKernelSpec& k : mcu_kernels()) words.push_back(k.name);
  CHECK(missing(full_dictionary("soc_config"), words) == std::vector<std::string>{});
  CHECK(repeated("soc_config") == std::vector<std::string>{});
}
