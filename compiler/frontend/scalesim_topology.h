// SCALE-Sim v2's topology CSV and the synthetic int8 network kiln builds from
// it. Two forms, told apart by the header row:
//   convolution: "Layer name, IFMAP Height, IFMAP Width, Filter Height,
//     Filter Width, Channels, Num Filter, Strides," (one stride for both
//     directions) or with "Stride height, Stride width" (the form SCALE-Sim
//     writes); a layer whose name contains "DP" is depthwise (SCALE-Sim runs
//     it as one single-channel layer per channel);
//   GEMM: "Layer, M, N, K," (C[M][N] = A[M][K] * B[K][N]).
// Every row may end with a comma; spaces around values and CRLF line ends are
// accepted. Convolutions have no padding but where SCALE-Sim's output size,
// ceil((H - R + S) / S), has a last window overhanging the input.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "compiler/ir/graph.h"

namespace kiln::frontend {

struct TopologyLayer {
  std::string name;
  size_t line = 0;  // in the CSV, for messages
  bool gemm = false;
  bool depthwise = false;
  // Convolution: input H x W x channels, filters of R x S; a GEMM row is kept
  // as SCALE-Sim keeps it: ifmap M x K, filter 1 x K, one channel, N filters.
  uint32_t ifmap_h = 0, ifmap_w = 0, filter_h = 0, filter_w = 0, channels = 0, filters = 0;
  uint32_t stride_h = 1, stride_w = 1;

  // SCALE-Sim's output size, ceil((H - R + S) / S): a last window that
  // overhangs the input still counts (kiln pads the bottom and right for it).
  uint32_t ofmap_h() const { return (ifmap_h - filter_h + stride_h - 1) / stride_h + 1; }
  uint32_t ofmap_w() const { return (ifmap_w - filter_w + stride_w - 1) / stride_w + 1; }
  // The layer's GEMM as SCALE-Sim maps it: M output pixels, N filters, K the
  // filter window. A depthwise layer is `channels` such GEMMs with one channel.
  uint64_t gemm_m() const { return uint64_t(ofmap_h()) * ofmap_w(); }
  uint64_t gemm_n() const { return filters; }
  uint64_t gemm_k() const { return uint64_t(filter_h) * filter_w * (depthwise ? 1 : channels); }
  uint64_t gemm_count() const { return depthwise ? channels : 1; }
  uint64_t macs() const { return gemm_count() * gemm_m() * gemm_n() * gemm_k(); }
};

struct Topology {
  std::string source;
  bool gemm = false;  // the file's form (from its header)
  std::vector<TopologyLayer> layers;
};

// Throws kiln::Error "file:line:column: what was expected".
Topology parse_scalesim_topology(const std::string& text, const std::string& source);
Topology load_scalesim_topology(const std::string& path);

// One int8 layer per row, each with an input of its own (SCALE-Sim's layers
// are independent: a row's input need not be the previous row's output), so
// the graph has one input and one output per layer, in row order. Weights,
// biases and quantization are deterministic (the same file gives the same
// network). A convolution row becomes a Conv2d (DepthwiseConv2d
// for "DP" rows, depth multiplier = Num Filter); a GEMM row a 1x1 Conv2d over
// an M x 1 image of K channels, which is the same M x K x N GEMM.
ir::Graph build_topology_graph(const Topology& topology);

}  // namespace kiln::frontend
