// Sweep specs (YAML: kiln sweep SPEC): read, design points enumerated and
// each point's SoC config built and read, as `kiln sweep` does before it
// simulates anything. The spec is written to <work>/configs/sweeps/ next to
// links to the repository's configs/soc, configs/tech and workloads/, so
// that the seeds' relative paths resolve.
#include <sys/stat.h>
#include <unistd.h>

#include "arch/soc_config_yaml.h"
#include "explore/sweep_spec.h"
#include "tests/fuzz/fuzz_support.h"

namespace {

std::string prepare_tree() {
  const std::string w = kiln::fuzz::work_dir(), src = kiln::fuzz::source_dir();
  mkdir((w + "/configs").c_str(), 0700);
  mkdir((w + "/configs/sweeps").c_str(), 0700);
  symlink((src + "/configs/soc").c_str(), (w + "/configs/soc").c_str());
  symlink((src + "/configs/tech").c_str(), (w + "/configs/tech").c_str());
  symlink((src + "/workloads").c_str(), (w + "/workloads").c_str());
  return "configs/sweeps/fuzz_sweep.yaml";
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::string relative = prepare_tree();
  const std::string path = kiln::fuzz::input_file(data, size, relative);
  return kiln::fuzz::expect_errors("fuzz_sweep.yaml", [&] {
    const kiln::explore::SweepSpec spec = kiln::explore::load_sweep_spec(path);
    const auto points = kiln::explore::enumerate_points(spec);
    // The runner reads every point's config; a few are enough here.
    for (size_t i = 0; i < points.size() && i < 4; ++i)
      kiln::parse_soc_config(kiln::explore::point_soc_yaml(spec, points[i]), spec.file + " (" + points[i].id + ")");
  });
}
