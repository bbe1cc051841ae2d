// Where the reference interpreter spends its time on one model: construction
// (checks, buffers, constants unpacked) and each operator, medians over N runs
// on random int8 inputs, in one process. Not a test: a profile to read beside
// `kiln run --report`'s wall_ms.reference (scripts/bench_reference.sh).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "compiler/frontend/load_model.h"
#include "compiler/reference/interpreter.h"

namespace {

using Clock = std::chrono::steady_clock;

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: bench_reference MODEL [RUNS]\n");
    return 1;
  }
  const int runs = argc > 2 ? std::max(1, std::atoi(argv[2])) : 200;
  const kiln::ir::Graph graph = kiln::frontend::load_model(argv[1]);
  std::mt19937 rng(1);
  std::vector<kiln::reference::TensorData> inputs;
  for (int t : graph.inputs) {
    kiln::reference::TensorData d(size_t(graph.tensors[size_t(t)].byte_size()));
    for (auto& b : d) b = int8_t(rng());
    inputs.push_back(std::move(d));
  }
  std::vector<double> construct, total;
  std::vector<std::vector<double>> per_op(graph.ops.size());
  for (int r = 0; r < runs; ++r) {
    const auto t0 = Clock::now();
    kiln::reference::Interpreter interp(graph);
    const auto t1 = Clock::now();
    auto last = t1;
    interp.after_op = [&](size_t i) {
      const auto now = Clock::now();
      per_op[i].push_back(std::chrono::duration<double, std::micro>(now - last).count());
      last = now;
    };
    interp.run(inputs);
    const auto t2 = Clock::now();
    construct.push_back(std::chrono::duration<double, std::micro>(t1 - t0).count());
    total.push_back(std::chrono::duration<double, std::micro>(t2 - t0).count());
  }
  std::printf("%-4s %-18s %-40s %10s\n", "op", "kind", "output", "median_us");
  std::printf("%-4s %-18s %-40s %10.1f\n", "-", "construct", "", median(construct));
  for (size_t i = 0; i < graph.ops.size(); ++i) {
    const auto& op = graph.ops[i];
    std::printf("%-4zu %-18s %-40.40s %10.1f\n", i, kiln::ir::op_name(op).c_str(),
                graph.tensors[size_t(op.outputs[0])].name.c_str(), median(per_op[i]));
  }
  std::printf("%-4s %-18s %-40s %10.1f\n", "", "total", "", median(total));
  return 0;
}
