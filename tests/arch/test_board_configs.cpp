// The board configs (configs/soc/boards/): each loads, and every number of
// the board itself (technology, mcu, bus, memories) says where it comes from
// in a comment on its line. The attached NPU is explained once, in the header.
#include <catch2/catch.hpp>

#include <dirent.h>
#include <fstream>
#include <regex>
#include <string>
#include <vector>

#include "arch/soc_config_yaml.h"
#include "tests/support/test_paths.h"

using namespace kiln;

namespace {

std::vector<std::string> board_files() {
  const std::string dir = test::source_dir() + "/configs/soc/boards";
  std::vector<std::string> out;
  if (DIR* d = opendir(dir.c_str())) {
    while (const dirent* e = readdir(d)) {
      const std::string name = e->d_name;
      if (name.size() > 5 && name.compare(name.size() - 5, 5, ".yaml") == 0) out.push_back(dir + "/" + name);
    }
    closedir(d);
  }
  return out;
}

}  // namespace

TEST_CASE("every board config loads and names the source of each board number") {
  const auto files = board_files();
  CHECK(files.size() >= 6);
  const std::regex number_line(R"(^\s*(-\s*)?[a-z_]+:\s*(0x[0-9a-fA-F]+|[0-9][0-9.]*)\s*(#.*)?$)");
  for (const auto& path : files) {
    INFO(path);
    const SocConfig soc = load_soc_config(path);
    CHECK(soc.mcu.costs.size() > 0);
    std::ifstream in(path);
    std::string line, section;
    int line_no = 0;
    while (std::getline(in, line)) {
      ++line_no;
      if (!line.empty() && line[0] != ' ' && line[0] != '#') section = line.substr(0, line.find(':'));
      if (section == "npu" || section == "dma" || section == "name") continue;
      std::smatch m;
      if (!std::regex_match(line, m, number_line) || line.find(":") == line.size() - 1) continue;
      if (line.rfind("  profile:", 0) == 0 || line.find("arbitration") != std::string::npos) continue;
      INFO("line " << line_no << ": " << line);
      CHECK(m[3].matched);  // a comment naming the source (or UNSOURCED)
    }
  }
}
