// Text form of the graph IR (for `kiln compile --emit-ir` and test failures):
// one line per tensor that is a graph input, output or constant, then one line
// per op with its attributes and derived integer parameters.
#pragma once

#include <string>

#include "compiler/ir/graph.h"

namespace kiln::ir {

std::string tensor_string(const Graph& graph, int id);  // "%3 'name' int8 1x8x8x16 q(0.1, -128)"
std::string op_string(const Graph& graph, const Op& op);
std::string print_graph(const Graph& graph);

}  // namespace kiln::ir
