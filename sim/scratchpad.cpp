#include "sim/scratchpad.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>

#include "arch/error.h"
#include "sim/clock.h"

namespace kiln::sim {
namespace {

const char* buffer_name(Buffer b) {
  switch (b) {
    case Buffer::Input: return "input";
    case Buffer::Weight: return "weight";
    case Buffer::Output: return "output";
    case Buffer::Accumulator: return "accumulator";
  }
  return "?";
}

}  // namespace

Scratchpads::Scratchpads(const NpuConfig& npu) : bytes_per_cycle_(std::max(1u, npu.spm_bytes_per_cycle)) {
  auto setup = [&](Buffer b, uint64_t size, unsigned banks) {
    Store& s = bufs_[size_t(b)];
    s.bytes = ZeroedBytes(size);
    banks = std::max(1u, banks);
    s.bank_bytes = Divisor(std::max<uint64_t>(1, ceil_div(size, banks)));
    s.banks.assign(banks, Bank{});
  };
  setup(Buffer::Input, npu.input.size_bytes, npu.input.banks);
  setup(Buffer::Weight, npu.weight.size_bytes, npu.weight.banks);
  setup(Buffer::Output, npu.output.size_bytes, npu.output.banks);
  setup(Buffer::Accumulator, npu.accumulator_bytes, 1);
}

void Scratchpads::check(Buffer buf, uint64_t offset, uint64_t len) const {
  const uint64_t size = bufs_[size_t(buf)].bytes.size();
  if (offset > size || len > size - offset)
    throw Error(fmt::format("{} scratchpad: bytes [0x{:x}, 0x{:x}) are outside its {} bytes", buffer_name(buf), offset,
                            offset + len, size));
}

void Scratchpads::read(Buffer buf, uint64_t offset, void* dst, uint64_t len) const {
  check(buf, offset, len);
  if (len) std::memcpy(dst, bufs_[size_t(buf)].bytes.data() + offset, len);
  bufs_[size_t(buf)].read_bytes += len;
}

void Scratchpads::write(Buffer buf, uint64_t offset, const void* src, uint64_t len) {
  check(buf, offset, len);
  if (len) std::memcpy(bufs_[size_t(buf)].bytes.data() + offset, src, len);
  bufs_[size_t(buf)].written_bytes += len;
}

void ScratchpadIf::read_rows(Buffer buf, uint64_t offset, uint64_t stride, uint64_t rows, void* dst,
                             uint64_t row_bytes) const {
  for (uint64_t i = 0; i < rows; ++i)
    read(buf, offset + i * stride, static_cast<uint8_t*>(dst) + i * row_bytes, row_bytes);
}

void ScratchpadIf::write_rows(Buffer buf, uint64_t offset, uint64_t stride, uint64_t rows, const void* src,
                              uint64_t row_bytes) {
  for (uint64_t i = 0; i < rows; ++i)
    write(buf, offset + i * stride, static_cast<const uint8_t*>(src) + i * row_bytes, row_bytes);
}

bool Scratchpads::known_inside(Buffer buf, uint64_t offset, uint64_t len) const {
  const uint64_t size = bufs_[size_t(buf)].bytes.size();
  return offset <= size && len <= size - offset;
}

// Rows that touch one another and lie inside the buffer are one access: the
// same bytes and counts as a read (write) per row. Otherwise row by row, so
// that a range outside the buffer fails at the same row with the same message.
void Scratchpads::read_rows(Buffer buf, uint64_t offset, uint64_t stride, uint64_t rows, void* dst,
                            uint64_t row_bytes) const {
  if (stride == row_bytes && rows > 0 && row_bytes <= UINT64_MAX / rows && known_inside(buf, offset, rows * row_bytes))
    read(buf, offset, dst, rows * row_bytes);
  else
    ScratchpadIf::read_rows(buf, offset, stride, rows, dst, row_bytes);
}

void Scratchpads::write_rows(Buffer buf, uint64_t offset, uint64_t stride, uint64_t rows, const void* src,
                             uint64_t row_bytes) {
  if (stride == row_bytes && rows > 0 && row_bytes <= UINT64_MAX / rows && known_inside(buf, offset, rows * row_bytes))
    write(buf, offset, src, rows * row_bytes);
  else
    ScratchpadIf::write_rows(buf, offset, stride, rows, src, row_bytes);
}

template <typename F>
void Scratchpads::for_each_bank(const SpmRegion& r, F f) {
  if (r.len == 0) return;
  Store& s = bufs_[size_t(r.buf)];
  const uint64_t first = s.bank_of(r.offset);
  const uint64_t last = std::min<uint64_t>(s.bank_of(r.offset + r.len - 1), s.banks.size() - 1);
  for (uint64_t b = first; b <= last; ++b) f(s.banks[b]);
}

sc_core::sc_time Scratchpads::reserve(const std::vector<SpmRegion>& regions, const sc_core::sc_time& duration) {
  uint64_t start = now_ps();
  for (const auto& r : regions) {
    check(r.buf, r.offset, r.len);
    for_each_bank(r, [&](Bank& b) { start = std::max(start, b.free_ps); });
  }
  const uint64_t end = start + ps(duration);
  for (const auto& r : regions) for_each_bank(r, [&](Bank& b) { b.free_ps = end; });
  return from_ps(start);
}

}  // namespace kiln::sim
