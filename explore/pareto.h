// The Pareto front of a set of design points under objectives that are all
// minimized (latency, energy, area, energy-delay product).
#pragma once

#include <cstddef>
#include <vector>

namespace kiln::explore {

// True when a is no worse than b in every objective and better in one.
bool dominates(const std::vector<double>& a, const std::vector<double>& b);

// Indices of the points no other point dominates, in input order. Equal
// points are all kept. O(n^2) in the points: sweeps have thousands at most.
std::vector<size_t> pareto_front(const std::vector<std::vector<double>>& points);

}  // namespace kiln::explore
