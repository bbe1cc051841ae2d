// The Pareto front against a brute-force check, and by hand.
#include <catch2/catch.hpp>

#include <random>
#include <set>

#include "explore/pareto.h"

using kiln::explore::pareto_front;

TEST_CASE("pareto: a hand-made set", "[sweep][pareto]") {
  // (latency, area): b dominates d; a, b, c trade off; e equals b.
  const std::vector<std::vector<double>> p = {{1, 9}, {3, 3}, {9, 1}, {4, 4}, {3, 3}, {10, 10}};
  CHECK(pareto_front(p) == std::vector<size_t>{0, 1, 2, 4});
  CHECK(pareto_front({}).empty());
  CHECK(pareto_front({{5, 5}}) == std::vector<size_t>{0});
}

TEST_CASE("pareto: random sets equal a brute-force check in 2 to 4 objectives", "[sweep][pareto]") {
  std::mt19937 rng(7);
  for (int trial = 0; trial < 200; ++trial) {
    const size_t n = 1 + rng() % 40, dims = 2 + rng() % 3;
    std::vector<std::vector<double>> p(n, std::vector<double>(dims));
    for (auto& v : p)
      for (auto& x : v) x = double(rng() % 8);  // small range: many ties
    // Brute force: i is on the front unless some j is <= everywhere and < somewhere.
    std::vector<size_t> expected;
    for (size_t i = 0; i < n; ++i) {
      bool beaten = false;
      for (size_t j = 0; j < n; ++j) {
        bool le = true, lt = false;
        for (size_t d = 0; d < dims; ++d) {
          le = le && p[j][d] <= p[i][d];
          lt = lt || p[j][d] < p[i][d];
        }
        beaten = beaten || (le && lt);
      }
      if (!beaten) expected.push_back(i);
    }
    INFO("trial " << trial);
    CHECK(pareto_front(p) == expected);
  }
}
