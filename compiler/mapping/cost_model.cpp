#include "compiler/mapping/cost_model.h"

#include <algorithm>
#include <cmath>

#include "arch/array_timing.h"
#include "arch/error.h"

namespace kiln::mapping {

const char* to_string(Bound b) {
  switch (b) {
    case Bound::Compute: return "compute";
    case Bound::Dma: return "dma";
    case Bound::Bus: return "bus";
    case Bound::Mcu: return "mcu";
  }
  return "?";
}

CostModel::CostModel(const SocConfig& soc, const Calibration& calibration, const Residence& residence)
    : cal_(calibration),
      soc_(soc),
      flash_(soc.first_of_kind(residence.weights_in_dram ? MemoryKind::Dram : MemoryKind::Flash)),
      sram_(soc.first_of_kind(residence.activations_in_dram ? MemoryKind::Dram : MemoryKind::Sram)),
      bus_to_npu_(soc.npu.clock_mhz / soc.bus.clock_mhz) {
  if (!flash_ || !sram_) throw Error(soc.source + ": the SoC needs a flash and an SRAM memory");
}

double CostModel::transfer_cycles(const MemoryConfig& mem, const Transfer& t) const {
  // A row that is contiguous with the next is moved as part of one stream.
  const bool contiguous = t.rows == 1 || t.mem_stride == t.row_bytes;
  const uint64_t stream_bytes = contiguous ? t.bytes() : t.row_bytes;
  const uint64_t streams = contiguous ? 1 : t.rows;
  const uint64_t burst_bytes = uint64_t(soc_.bus.max_burst_beats) * soc_.bus.width_bytes;
  // One burst of `bytes`: its bus cycles, a whole number.
  const auto burst_cycles = [&](uint64_t bytes) {
    const double beats = std::ceil(double(bytes) / soc_.bus.width_bytes);
    // From flash a word takes its bus beats plus the wait states (sim/flash.cpp).
    double memory = beats;
    if (mem.kind == MemoryKind::Flash) memory += std::ceil(double(bytes) / mem.read_width_bytes) * mem.wait_states;
    // DRAM: its latency, then the slower of the bus beats and the device (sim/dram.cpp).
    if (mem.kind == MemoryKind::Dram) memory = mem.latency_cycles + double(mem.dram_data_cycles(bytes, soc_.bus.width_bytes));
    return soc_.bus.latency_cycles + memory;
  };
  // A stream is full bursts and a shorter last one; every full burst costs
  // the same whole number of cycles, so multiplying gives exactly their sum.
  const uint64_t full = burst_bytes ? stream_bytes / burst_bytes : 0;
  const uint64_t rest = burst_bytes ? stream_bytes % burst_bytes : 0;
  double bus_cycles = full ? double(full) * burst_cycles(burst_bytes) : 0.0;
  if (rest) bus_cycles += burst_cycles(rest);
  bus_cycles *= double(streams);
  const double spm_cycles = double(t.bytes()) / soc_.npu.spm_bytes_per_cycle;
  return std::max(bus_cycles * bus_to_npu_, spm_cycles);
}

double CostModel::step_cycles(const LayerSchedule& sched, const Step& st) const {
  const ConvShape& s = sched.shape;
  if (st.prefetched) return 0;  // loaded during the previous layer
  const double overhead = cal_.command_overhead;
  double cycles = overhead, scale = 1;
  thread_local std::vector<Transfer> transfers;  // kept: the tiler times thousands of steps
  switch (st.kind) {
    case StepKind::LoadInput:
      input_transfers(s, st, &transfers);
      for (const auto& t : transfers) cycles += transfer_cycles(*sram_, t) + overhead;
      scale = cal_.load_input;
      break;
    case StepKind::LoadWeights:
      cycles += transfer_cycles(
          *flash_, weight_transfer(0, uint32_t(chunk_bytes(s, st.c, st.n))));
      scale = cal_.load_weights;
      break;
    case StepKind::Compute:
      cycles += double(array_tile_cycles(sched.tiling.dataflow, soc_.npu.rows, soc_.npu.cols,
                                         uint64_t(st.rows) * st.cols, st.n, uint64_t(s.kh) * s.kw * st.c));
      scale = cal_.compute;
      break;
    case StepKind::PostProcess:
      cycles += std::ceil(double(st.rows) * st.cols * st.n / soc_.npu.ppu_lanes);
      scale = cal_.post_process;
      break;
    case StepKind::Store:
      output_transfers(s, st, &transfers);
      for (const auto& t : transfers) cycles += transfer_cycles(*sram_, t) + overhead;
      scale = cal_.store;
      break;
  }
  return cycles * scale;
}

double CostModel::compute_queue_cycles(const ConvShape& s, const Tiling& t) const {
  // build_schedule's tiles along an axis: `count` of the full size, then at
  // most one shorter remainder.
  struct Pieces {
    uint32_t size[2];
    uint64_t count[2];
  };
  const auto pieces = [](uint32_t extent, uint32_t tile) {
    return Pieces{{tile, extent % tile}, {extent / tile, extent % tile ? 1u : 0u}};
  };
  const double overhead = cal_.command_overhead;
  const Pieces ys = pieces(s.out_h, std::min(t.tile_rows, s.out_h)), xs = pieces(s.out_w, std::min(t.tile_cols, s.out_w));
  const Pieces ns = pieces(s.out_c, std::min(t.tile_out_c, s.out_c)), cs = pieces(s.in_c, std::min(t.tile_in_c, s.in_c));
  const auto compute = [&](uint64_t m, uint32_t n, uint32_t c) {
    return (overhead + double(array_tile_cycles(t.dataflow, soc_.npu.rows, soc_.npu.cols, m, n,
                                                uint64_t(s.kh) * s.kw * c))) *
           cal_.compute;
  };
  double total = 0;
  for (int y = 0; y < 2; ++y)
    for (int x = 0; x < 2; ++x)
      for (int n = 0; n < 2; ++n) {
        const uint64_t tiles = ys.count[y] * xs.count[x] * ns.count[n];
        if (tiles == 0) continue;
        const uint64_t m = uint64_t(ys.size[y]) * xs.size[x];
        const uint32_t tn = ns.size[n];
        double per_tile = (overhead + std::ceil(double(m) * tn / soc_.npu.ppu_lanes)) * cal_.post_process;
        if (s.depthwise) {
          per_tile += compute(m, tn, tn);  // one K step: the tile's own channels
        } else {
          for (int c = 0; c < 2; ++c)
            if (cs.count[c]) per_tile += double(cs.count[c]) * compute(m, tn, cs.size[c]);
        }
        total += double(tiles) * per_tile;
      }
  return total;
}

double play_schedule(const LayerSchedule& sched, const std::vector<double>& durations, const DmaChannels& ch,
                     unsigned dma_channels, double busy[3]) {
  // Scratch kept per thread: the tiler plays thousands of schedules.
  thread_local std::vector<double> end, channel_free;
  end.assign(sched.steps.size(), 0.0);
  double queue_free[3] = {0, 0, 0};
  channel_free.assign(std::max(1u, dma_channels), 0.0);
  for (int q = 0; q < 3; ++q) busy[q] = 0;
  for (size_t i = 0; i < sched.steps.size(); ++i) {
    const Step& st = sched.steps[i];
    const int q = int(queue_of(st.kind));
    double start = queue_free[q];
    for (uint32_t d : st.deps) start = std::max(start, end[d]);
    // DMA steps also wait for their channel (the other queue may hold it).
    int channel = -1;
    if (st.kind == StepKind::LoadInput) channel = ch.input;
    if (st.kind == StepKind::LoadWeights) channel = ch.weight;
    if (st.kind == StepKind::Store) channel = ch.store;
    const bool owns = channel >= 0 && size_t(channel) < channel_free.size();
    if (owns) start = std::max(start, channel_free[size_t(channel)]);
    end[i] = start + durations[i];
    queue_free[q] = end[i];
    if (owns) channel_free[size_t(channel)] = end[i];
    busy[q] += durations[i];
  }
  return std::max({queue_free[0], queue_free[1], queue_free[2]});
}

Prediction CostModel::predict(const LayerSchedule& sched) const { return predict(sched, sched.tiling.channels); }

Prediction CostModel::predict(const LayerSchedule& sched, const DmaChannels& channels) const {
  Prediction p;
  thread_local std::vector<double> durations;  // kept: the tiler predicts thousands of schedules
  durations.clear();
  for (const auto& st : sched.steps) durations.push_back(step_cycles(sched, st));
  double busy[3];
  p.cycles = play_schedule(sched, durations, channels, soc_.dma.channels, busy);
  p.load_busy = busy[0], p.compute_busy = busy[1], p.store_busy = busy[2];
  p.bound = busy[1] >= std::max(busy[0], busy[2]) ? Bound::Compute : Bound::Dma;
  p.roofline = roofline_cycles(sched.shape);
  return p;
}

double CostModel::roofline_cycles(const ConvShape& s) const {
  // A depthwise layer's products are one per array row per cycle at best
  // (ConvShape: block-diagonal weights), not rows * cols.
  const double compute = double(s.macs()) / (double(soc_.npu.rows) * (s.depthwise ? 1 : soc_.npu.cols));
  // Peak bandwidths in bytes per NPU cycle.
  const double bus_bw = soc_.bus.width_bytes / bus_to_npu_;
  const double flash_bw = (flash_->kind == MemoryKind::Dram
                               ? std::min<double>(flash_->bytes_per_cycle, soc_.bus.width_bytes)
                               : flash_->flash_bytes_per_bus_cycle(soc_.bus.width_bytes)) /
                          bus_to_npu_;
  const double weights = double(s.weight_bytes()) / flash_bw;
  const double activations = double(s.input_bytes() + s.output_bytes()) / bus_bw;
  const double bus = double(s.weight_bytes() + s.input_bytes() + s.output_bytes()) / bus_bw;
  return std::max({compute, weights + 0.0, activations, bus});
}

}  // namespace kiln::mapping
