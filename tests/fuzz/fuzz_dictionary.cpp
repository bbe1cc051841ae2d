// fuzz_dictionary KIND: prints the table words of KIND's fuzzing dictionary
// (tests/fuzz/dictionary_words.h) as libFuzzer dictionary lines, for
// scripts/fuzz.sh to add to tests/fuzz/dict/KIND.dict.
#include <cstdio>
#include <string>

#include "tests/fuzz/dictionary_words.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: fuzz_dictionary KIND\n");
    return 1;
  }
  for (const std::string& w : kiln::fuzz::table_words(argv[1])) std::printf("\"%s\"\n", w.c_str());
  return 0;
}
