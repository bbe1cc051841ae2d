#include "compiler/mapping/tiling.h"

#include <algorithm>

#include <fmt/format.h>

namespace kiln::mapping {

TileFootprint footprint(const ConvShape& s, const Tiling& t) {
  const uint32_t rows = std::min(t.tile_rows, s.out_h), cols = std::min(t.tile_cols, s.out_w);
  // An interior tile reads its whole receptive field; padding is not stored.
  const int64_t span_rows = int64_t(rows - 1) * s.stride_h + int64_t(s.kh - 1) * s.dil_h + 1;
  const int64_t span_cols = int64_t(cols - 1) * s.stride_w + int64_t(s.kw - 1) * s.dil_w + 1;
  const uint64_t ih = uint64_t(std::min<int64_t>(span_rows, s.in_h));
  const uint64_t iw = uint64_t(std::min<int64_t>(span_cols, s.in_w));
  const uint64_t out_c = std::min(t.tile_out_c, s.out_c);
  // A depthwise tile reads the input channels of its output channels.
  const uint64_t in_c = s.depthwise ? out_c : std::min(t.tile_in_c, s.in_c);
  TileFootprint f;
  // A depthwise input tile holds every channel of its pixels: each channel
  // tile's conv reads its slice with a pixel stride (ConvCmd::in_pixel_stride),
  // and the DMA moves whole pixels instead of one short row per pixel.
  f.input = ih * iw * (s.depthwise ? s.in_c : in_c);
  f.weight = chunk_bytes(s, in_c, out_c);
  f.accumulator = uint64_t(rows) * cols * out_c * 4;
  f.output = uint64_t(rows) * cols * out_c;
  return f;
}

uint64_t slot_bytes(uint64_t scratchpad_bytes, uint32_t buffers) {
  if (buffers == 0) return 0;
  return (scratchpad_bytes / buffers) & ~uint64_t(15);
}

uint64_t resident_offset(uint64_t input_scratchpad_bytes, uint64_t bytes) {
  return bytes > input_scratchpad_bytes ? 0 : (input_scratchpad_bytes - bytes) & ~uint64_t(15);
}

uint64_t resident_output_offset(const ConvShape& s, const Tiling& t, const SocConfig& soc,
                                uint64_t resident_input_offset) {
  if (t.input_resident && resident_input_offset > 0) return 0;
  return resident_offset(soc.npu.input.size_bytes, s.output_bytes());
}

uint64_t weight_bank_bytes(const SocConfig& soc) {
  return (soc.npu.weight.size_bytes / std::max(1u, soc.npu.weight.banks)) & ~uint64_t(15);
}

uint64_t resident_weight_bank_bytes(const ConvShape& s, const Tiling& t, const SocConfig& soc) {
  const uint32_t tn = std::min(t.tile_out_c, s.out_c), tc = std::min(t.tile_in_c, s.in_c);
  std::vector<uint64_t> bank(std::max(1u, soc.npu.weight.banks), 0);
  size_t chunk = 0;
  for (uint32_t n0 = 0; n0 < s.out_c; n0 += tn) {
    const uint32_t n = std::min(tn, s.out_c - n0);
    for (uint32_t c0 = 0; c0 < (s.depthwise ? 1u : s.in_c); c0 += tc) {
      const uint32_t c = s.depthwise ? n : std::min(tc, s.in_c - c0);
      bank[chunk++ % bank.size()] += resident_chunk_bytes(s, c, n);
    }
  }
  return *std::max_element(bank.begin(), bank.end());
}

uint64_t input_slot_space(const ConvShape& s, const Tiling& t, const SocConfig& soc) {
  const uint64_t size = soc.npu.input.size_bytes;
  if (t.input_resident) return 0;
  return t.output_resident ? resident_offset(size, s.output_bytes()) : size;
}

uint64_t tile_count(const ConvShape& s, const Tiling& t) {
  const auto steps = [](uint64_t extent, uint64_t tile) { return (extent + std::max<uint64_t>(tile, 1) - 1) / std::max<uint64_t>(tile, 1); };
  return steps(s.out_h, t.tile_rows) * steps(s.out_w, t.tile_cols) * steps(s.out_c, t.tile_out_c) *
         (s.depthwise ? 1 : steps(s.in_c, t.tile_in_c));
}

bool fits(const ConvShape& s, const Tiling& t, const SocConfig& soc, std::string* why) {
  const TileFootprint f = footprint(s, t);
  const auto check = [&](const char* name, uint64_t need, uint64_t have) {
    if (need <= have) return true;
    if (why) *why = fmt::format("{} tile needs {} bytes, slot has {}", name, need, have);
    return false;
  };
  const auto refuse = [&](const std::string& what) {
    if (why) *why = what;
    return false;
  };
  // A chained layer's input and output sit at opposite ends, each 16-byte aligned.
  if (t.input_resident && t.output_resident &&
      s.input_bytes() + s.output_bytes() + 32 > soc.npu.input.size_bytes)
    return refuse(fmt::format("resident input and output need {} + {} bytes, the input scratchpad has {}",
                              s.input_bytes(), s.output_bytes(), soc.npu.input.size_bytes));
  if ((t.input_resident || t.output_resident) && std::min(t.tile_cols, s.out_w) < s.out_w)
    return refuse(fmt::format("a cascaded layer needs full-width tiles ({} columns), the tiling has {}", s.out_w,
                              t.tile_cols));
  if (t.input_resident && !s.depthwise && std::min(t.tile_in_c, s.in_c) < s.in_c)
    return refuse(fmt::format("a layer reading a resident input needs K unsplit ({} channels), the tiling has {}",
                              s.in_c, t.tile_in_c));
  if (t.input_resident && s.input_bytes() > soc.npu.input.size_bytes)
    return refuse(fmt::format("resident input needs {} bytes, the input scratchpad has {}", s.input_bytes(),
                              soc.npu.input.size_bytes));
  if (t.output_resident && s.output_bytes() + 16 > soc.npu.input.size_bytes)
    return refuse(fmt::format("resident output needs {} bytes, the input scratchpad has {}", s.output_bytes(),
                              soc.npu.input.size_bytes));
  // Every tile is at least one compute command in the stream, which lives in
  // a flash or a DRAM: a tiling with more tiles than the largest of those can
  // hold is refused here, before its schedule is built (a tiling read from a
  // file could otherwise ask for billions of steps).
  uint64_t stream_space = 0;
  for (const auto& m : soc.memories)
    if (m.kind == MemoryKind::Flash || m.kind == MemoryKind::Dram) stream_space = std::max(stream_space, m.size_bytes);
  const uint64_t tiles = tile_count(s, t);
  if (tiles > stream_space / kMinTileStreamBytes)
    return refuse(fmt::format("it makes {} tiles, whose commands need at least {} bytes each, more than the {} bytes "
                              "of the largest flash or DRAM for the command stream",
                              tiles, kMinTileStreamBytes, stream_space));
  if (std::max({t.channels.input, t.channels.weight, t.channels.store}) >= soc.dma.channels) {
    if (why) *why = fmt::format("DMA channels {} name a channel the SoC's {}-channel DMA lacks", describe(t.channels), soc.dma.channels);
    return false;
  }
  return (t.input_resident || check("input", f.input, slot_bytes(input_slot_space(s, t, soc), t.buffers))) &&
         (t.weights_resident ? check("resident weights (one bank's share)", resident_weight_bank_bytes(s, t, soc),
                                     weight_bank_bytes(soc))
                             : check("weight", f.weight, slot_bytes(soc.npu.weight.size_bytes, t.buffers))) &&
         check("accumulator", f.accumulator, soc.npu.accumulator_bytes) &&
         (t.output_resident || check("output", f.output, slot_bytes(soc.npu.output.size_bytes, t.buffers)));
}

const char* to_string(LoopOrder o) { return o == LoopOrder::WeightsOuter ? "weights_outer" : "inputs_outer"; }

DmaChannels default_channels(const SocConfig& soc) {
  DmaChannels c;
  c.store = soc.dma.channels > 1 ? 1 : 0;
  return c;
}

std::vector<DmaChannels> channel_assignments(const SocConfig& soc) {
  const DmaChannels first = default_channels(soc);
  std::vector<DmaChannels> out{first};
  const unsigned n = std::max(1u, soc.dma.channels);
  for (unsigned i = 0; i < n; ++i)
    for (unsigned w = 0; w < n; ++w)
      for (unsigned s = 0; s < n; ++s) {
        const DmaChannels c{uint8_t(i), uint8_t(w), uint8_t(s)};
        if (!(c == first)) out.push_back(c);
      }
  return out;
}

bool operator==(const Tiling& a, const Tiling& b) {
  return a.tile_rows == b.tile_rows && a.tile_cols == b.tile_cols && a.tile_out_c == b.tile_out_c &&
         a.tile_in_c == b.tile_in_c && a.dataflow == b.dataflow && a.buffers == b.buffers && a.order == b.order &&
         a.channels == b.channels && a.input_resident == b.input_resident && a.output_resident == b.output_resident &&
         a.prefetch_weights == b.prefetch_weights && a.weights_resident == b.weights_resident &&
         a.prefetch_chunks == b.prefetch_chunks;
}

std::string describe(const DmaChannels& c) {
  return fmt::format("dma{}{}{}", unsigned(c.input), unsigned(c.weight), unsigned(c.store));
}

std::string describe(const Tiling& t) {
  return fmt::format("{}x{}x{} k{} {} x{} {} {}{}{}{}{}", t.tile_rows, t.tile_cols, t.tile_out_c, t.tile_in_c,
                     to_string(t.dataflow), t.buffers, to_string(t.order), describe(t.channels),
                     t.input_resident ? " in:spm" : "", t.output_resident ? " out:spm" : "",
                     t.weights_resident ? " w:spm" : "",
                     !t.prefetch_weights                           ? std::string()
                     : t.weights_resident && t.prefetch_chunks > 0 ? fmt::format(" prefetch:{}", t.prefetch_chunks)
                                                                   : std::string(" prefetch"));
}

}  // namespace kiln::mapping
