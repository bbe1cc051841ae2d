// The analytic cost model that ranks tilings: it times every step of a
// LayerSchedule from the SocConfig (DMA bursts over the bus and memory wait
// states, the array closed form, post-processing lanes) and plays the three
// NPU queues against each other with the schedule's dependencies, as the
// hardware's tokens would, and a DMA channel runs one transfer at a time as
// sim/dma does. It also gives the layer's roofline bound.
#pragma once

#include <string>
#include <vector>

#include "arch/soc_config.h"
#include "compiler/mapping/schedule.h"
#include "compiler/mapping/transfers.h"

namespace kiln::mapping {

enum class Bound : uint8_t { Compute, Dma, Bus, Mcu };
const char* to_string(Bound b);

struct Prediction {
  double cycles = 0;          // predicted NPU cycles for the layer
  double load_busy = 0, compute_busy = 0, store_busy = 0;
  double roofline = 0;        // max(compute bound, bandwidth bound), NPU cycles
  Bound bound = Bound::Compute;  // which queue dominates the prediction
};

// Corrections learned from simulation (compiler/mapping/calibration.h): the
// time of each kind of step is scaled and the fixed cost per command replaced.
// The default is the uncalibrated analytic model.
struct Calibration {
  double load_input = 1, load_weights = 1, compute = 1, post_process = 1, store = 1;
  double command_overhead = 4;  // NPU cycles per command (fetch + dispatch)
  bool operator==(const Calibration& o) const {
    return load_input == o.load_input && load_weights == o.load_weights && compute == o.compute &&
           post_process == o.post_process && store == o.store && command_overhead == o.command_overhead;
  }
};

// Where a program's weights and activations live: flash and the first SRAM,
// unless the compiler spilled them to the SoC's DRAM (compile_model).
struct Residence {
  bool weights_in_dram = false;
  bool activations_in_dram = false;
};

class CostModel {
 public:
  explicit CostModel(const SocConfig& soc, const Calibration& calibration = {}, const Residence& residence = {});

  // NPU cycles of one 2-D transfer between `mem` and a scratchpad.
  double transfer_cycles(const MemoryConfig& mem, const Transfer& t) const;
  // NPU cycles of one step.
  double step_cycles(const LayerSchedule& sched, const Step& step) const;
  Prediction predict(const LayerSchedule& sched) const;
  // The compute queue's busy time (its compute and post-processing steps)
  // of the layer's schedule with tiling `t`, from the tile counts alone: a
  // lower bound of predict(build_schedule(shape, t)).cycles, up to rounding.
  double compute_queue_cycles(const ConvShape& shape, const Tiling& t) const;
  // The same schedule with its DMA traffic on `channels` instead (no step's
  // time depends on the channel, only which steps wait for one another).
  Prediction predict(const LayerSchedule& sched, const DmaChannels& channels) const;
  // Roofline of the layer: the larger of MACs at full array use and the
  // minimum traffic (weights from flash, input and output via SRAM once each)
  // at the memories' and bus's peak bandwidth.
  double roofline_cycles(const ConvShape& shape) const;

  const Calibration& calibration() const { return cal_; }

 private:
  Calibration cal_;
  const SocConfig& soc_;
  const MemoryConfig* flash_;  // where the weights are read from (flash or the DRAM)
  const MemoryConfig* sram_;   // where the activations are (the SRAM or the DRAM)
  double bus_to_npu_;  // NPU cycles per bus cycle
};

// Plays a schedule's steps, each taking durations[i] NPU cycles, on the three
// queues with its dependencies and one transfer per DMA channel at a time
// (operands on `channels`, of `dma_channels`); returns the finish time and
// sets busy[] (load, compute, store).
double play_schedule(const LayerSchedule& sched, const std::vector<double>& durations, const DmaChannels& channels,
                     unsigned dma_channels, double busy[3]);

}  // namespace kiln::mapping
