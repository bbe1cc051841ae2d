// The NPU's local buffers (Input, Weight, Output, Accumulator). Each is split
// into `banks` equal contiguous banks; a bank serves one user at a time, so the
// DMA filling one half of a double-buffered scratchpad proceeds while the array
// reads the other half, and two users of the same bank serialize (bank wait).
// Occupancy is reserved first come, first served: reserve() returns the
// earliest time every bank touched is free and marks them busy from then on.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <systemc>
#include <utility>
#include <vector>

#include "arch/command.h"
#include "arch/soc_config.h"
#include "sim/divisor.h"
#include "sim/zeroed_bytes.h"

namespace kiln::sim {

struct SpmRegion {
  Buffer buf = Buffer::Input;
  uint64_t offset = 0;
  uint64_t len = 0;
};

class ScratchpadIf : public virtual sc_core::sc_interface {
 public:
  // Functional access; throws kiln::Error when the range is outside the buffer.
  virtual void read(Buffer buf, uint64_t offset, void* dst, uint64_t len) const = 0;
  virtual void write(Buffer buf, uint64_t offset, const void* src, uint64_t len) = 0;
  // `rows` rows of `row_bytes` bytes, `stride` apart, packed at dst (src):
  // what a read (write) per row does, in that order.
  virtual void read_rows(Buffer buf, uint64_t offset, uint64_t stride, uint64_t rows, void* dst,
                         uint64_t row_bytes) const;
  virtual void write_rows(Buffer buf, uint64_t offset, uint64_t stride, uint64_t rows, const void* src,
                          uint64_t row_bytes);
  // Whether [offset, offset + len) lies inside the buffer, for a unit that
  // batches row accesses when none can fail midway; a port that does not say
  // (the default) gets them row by row.
  virtual bool known_inside(Buffer, uint64_t, uint64_t) const { return false; }
  // Reserves the banks under `regions` for `duration` from the earliest time,
  // not before now, at which all of them are free; returns that start time.
  virtual sc_core::sc_time reserve(const std::vector<SpmRegion>& regions, const sc_core::sc_time& duration) = 0;
  // Bytes per NPU cycle through the DMA's local port.
  virtual unsigned port_bytes_per_cycle() const = 0;
};

class Scratchpads final : public ScratchpadIf {
 public:
  explicit Scratchpads(const NpuConfig& npu);

  void read(Buffer buf, uint64_t offset, void* dst, uint64_t len) const override;
  void write(Buffer buf, uint64_t offset, const void* src, uint64_t len) override;
  bool known_inside(Buffer buf, uint64_t offset, uint64_t len) const override;
  // Contiguous rows inside the buffer in one access, not one per row.
  void read_rows(Buffer buf, uint64_t offset, uint64_t stride, uint64_t rows, void* dst,
                 uint64_t row_bytes) const override;
  void write_rows(Buffer buf, uint64_t offset, uint64_t stride, uint64_t rows, const void* src,
                  uint64_t row_bytes) override;
  sc_core::sc_time reserve(const std::vector<SpmRegion>& regions, const sc_core::sc_time& duration) override;
  unsigned port_bytes_per_cycle() const override { return bytes_per_cycle_; }

  const ZeroedBytes& contents(Buffer buf) const { return bufs_[size_t(buf)].bytes; }
  // The contents moved out, once the simulation has ended (no copy of every
  // buffer per run); the buffer holds nothing afterwards.
  ZeroedBytes take_contents(Buffer buf) { return std::move(bufs_[size_t(buf)].bytes); }
  // Bytes read and written by functional accesses (the energy model's action counts).
  uint64_t read_bytes(Buffer buf) const { return bufs_[size_t(buf)].read_bytes; }
  uint64_t written_bytes(Buffer buf) const { return bufs_[size_t(buf)].written_bytes; }
  uint64_t size(Buffer buf) const { return bufs_[size_t(buf)].bytes.size(); }

 private:
  struct Bank {
    uint64_t free_ps = 0;
  };
  struct Store {
    ZeroedBytes bytes;  // untouched pages are never cleared nor faulted in (sim/zeroed_bytes.h)
    Divisor bank_bytes;  // reservations find a bank per region
    uint64_t bank_of(uint64_t offset) const { return bank_bytes.divide(offset); }
    std::vector<Bank> banks;
    mutable uint64_t read_bytes = 0;  // counting a read does not change the buffer
    uint64_t written_bytes = 0;
  };
  void check(Buffer buf, uint64_t offset, uint64_t len) const;
  template <typename F>
  void for_each_bank(const SpmRegion& r, F f);

  std::array<Store, 4> bufs_;
  unsigned bytes_per_cycle_;
};

}  // namespace kiln::sim
