// The NPU: memory-mapped registers (regs_socket, from the bus), a command
// fetch unit that reads a run of the encoded stream over the bus
// (fetch_socket) and decodes it, three in-order queues (load, compute, store),
// each an SC_THREAD, synchronized by dependency tokens; the scratchpads; and
// its units, built by name (sim/npu_unit.h): the array and the post-processing
// unit of every NPU, plus the optional units the config enables. When a run
// has drained it raises `irq` (unless it ended with `end` without interrupt).
#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>
#include <vector>

#include "arch/command.h"
#include "arch/soc_config.h"
#include "sim/array_engine.h"
#include "sim/array_unit.h"
#include "sim/clock.h"
#include "sim/dma.h"
#include "sim/npu_unit.h"
#include "sim/scratchpad.h"
#include "sim/sim_context.h"
#include "sim/tokens.h"

namespace kiln::sim {

class Npu final : public sc_core::sc_module {
 public:
  tlm_utils::simple_target_socket<Npu> regs_socket;      // control registers, from the bus
  tlm_utils::simple_initiator_socket<Npu> fetch_socket;  // command fetch, to the bus
  sc_core::sc_port<DmaIf> dma_port;                      // load and store queues drive the DMA
  sc_core::sc_export<ScratchpadIf> spm_export;           // the DMA's local port into the scratchpads
  sc_core::sc_out<bool> irq;

  Npu(sc_core::sc_module_name name, const SocConfig& soc, SimContext& ctx);

  const Scratchpads& scratchpads() const { return spm_; }
  Scratchpads& scratchpads() { return spm_; }
  const ArrayEngineStats& array_stats() const { return array_->stats(); }
  // Names of the units built, in the order built (built-in units first).
  std::vector<std::string> unit_names() const;
  const std::vector<std::unique_ptr<NpuUnit>>& units() const { return units_; }
  // Commands stuck on a token, for the deadlock report ("command 5 (gemm) in
  // the compute queue waits for a token from the load queue").
  std::vector<std::string> blocked_commands() const;
  bool running() const { return running_; }

 private:
  struct Entry {
    int64_t index;
    Command cmd;
  };
  struct Blocked {
    int64_t index;
    Opcode op;
    Queue from;
    int edge;
  };

  // How the NPU carries out each command of arch's table (kCommands). Queued
  // commands run on their queue's thread; program-order commands (queue Mcu)
  // at fetch. npu.cpp static_asserts that every command has an executor.
  using Executor = void (Npu::*)(const Entry& e, ProfileEvent& ev);
  struct ExecutorEntry {
    Opcode op;
    Executor run;
  };
  static Executor executor_of(Opcode op);
  void build_units();
  void run_dma(const Entry& e, ProfileEvent& ev);
  // A compute command: executed by the unit that claims its opcode.
  void run_on_unit(const Entry& e, ProfileEvent& ev);
  void run_fence(const Entry& e, ProfileEvent& ev);
  void run_end(const Entry& e, ProfileEvent& ev);
  void refuse_mcu(const Entry& e, ProfileEvent& ev);
  // Occupy the scratchpad regions a compute command touches for `cycles`.
  void hold(const std::vector<SpmRegion>& regions, uint64_t cycles, ProfileEvent& ev);

  void reg_access(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);
  void fetch_thread();
  void load_thread() { queue_thread(Queue::Load); }
  void compute_thread() { queue_thread(Queue::Compute); }
  void store_thread() { queue_thread(Queue::Store); }
  void drive_irq() { irq.write(irq_pending_); }
  void queue_thread(Queue q);
  void dispatch(int64_t index, Command cmd);
  void check_drain();
  void check_deadlock();
  void wait_token(Queue q, const Entry& e, bool from_next);

  SocConfig soc_;
  SimContext& ctx_;
  Clock npu_clock_;
  Clock bus_clock_;
  uint64_t fetch_burst_;
  Scratchpads spm_;
  std::vector<std::unique_ptr<NpuUnit>> units_;
  std::array<NpuUnit*, 256> unit_of_{};  // by opcode
  const ArrayUnit* array_ = nullptr;
  Tokens tokens_;

  // Registers.
  uint64_t stream_addr_ = 0;
  uint32_t stream_bytes_ = 0;
  uint32_t first_command_ = 0;
  sc_core::sc_event start_;

  // Run state.
  bool running_ = false;
  bool done_ = false;
  bool fetch_done_ = false;
  uint64_t dispatched_ = 0, completed_ = 0;
  sc_core::sc_event completed_event_;  // a queued command finished (fences wait on it)
  std::optional<Entry> end_;  // the run's `end` command, if it has one
  bool irq_pending_ = false;
  sc_core::sc_event irq_changed_;

  std::array<std::deque<Entry>, 3> queues_;
  std::array<sc_core::sc_event, 3> queued_;
  std::array<std::optional<Blocked>, 3> blocked_;
  std::array<bool, 3> executing_{};
};

}  // namespace kiln::sim
