// Replays saved inputs through a harness outside libFuzzer (the normal gcc
// build, under ctest): `replay_<kind> [--accept-ok] FILE_OR_DIR...`. Each
// input must end in kiln::Error (the harness aborts on anything worse),
// except those named ok_* (inputs kiln now accepts) or, with --accept-ok,
// any (seed corpora). Exits 1 when an input that must be refused is accepted.
#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "tests/fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace {

void collect(const std::string& path, std::vector<std::string>& files) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0) {
    std::fprintf(stderr, "replay: no such file or directory: %s\n", path.c_str());
    std::exit(2);
  }
  if (!S_ISDIR(st.st_mode)) {
    files.push_back(path);
    return;
  }
  DIR* dir = opendir(path.c_str());
  std::vector<std::string> names;
  while (const dirent* e = readdir(dir))
    if (e->d_name[0] != '.') names.push_back(e->d_name);
  closedir(dir);
  std::sort(names.begin(), names.end());
  for (const auto& n : names) collect(path + "/" + n, files);
}

}  // namespace

int main(int argc, char** argv) {
  bool accept_ok = false;
  std::vector<std::string> files;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--accept-ok") accept_ok = true;
    else collect(arg, files);
  }
  int accepted = 0;
  for (const auto& f : files) {
    std::ifstream in(f, std::ios::binary);
    const std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    LLVMFuzzerTestOneInput(bytes.data(), bytes.size());
    const auto& o = kiln::fuzz::last_outcome();
    if (o.rejected) {
      std::printf("%s: refused: %s\n", f.c_str(), o.message.c_str());
    } else {
      std::printf("%s: accepted\n", f.c_str());
      const size_t slash = f.find_last_of('/');
      accepted += !accept_ok && f.compare(slash == std::string::npos ? 0 : slash + 1, 3, "ok_") != 0;
    }
  }
  std::printf("%zu inputs, %d accepted that should be refused\n", files.size(), accepted);
  return accepted ? 1 : 0;
}
