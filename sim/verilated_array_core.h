// VerilatedCore<Model>: one Verilated kiln_array_core of one size behind the
// RtlCore interface, with the clock loop that serves its operand and
// accumulator ports from a tile. A header because every Verilated build of the
// core (rtl/CMakeLists.txt: the sizes of KILN_RTL_SIZES, and the test-only
// fault-injected variant) instantiates it with its own model class.
// Include only where the Verilated headers are on the include path.
#pragma once

#include <fmt/format.h>
#include <verilated.h>
#include <verilated_vcd_c.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "arch/error.h"
#include "sim/array_engine_rtl.h"

namespace kiln {
namespace rtl_detail {

// Verilator represents a port of up to 64 bits as an integer and a wider one
// as VlWide<words>; these move 32-bit words in and out of either.
template <typename T>
void store_words(T& port, const std::vector<uint32_t>& w) {
  port = static_cast<T>(w[0] | (sizeof(T) > 4 ? uint64_t(w[1]) << 32 : 0));
}
template <std::size_t N>
void store_words(VlWide<N>& port, const std::vector<uint32_t>& w) {
  for (std::size_t i = 0; i < N; ++i) port[i] = w[i];
}
template <typename T>
void load_words(const T& port, std::vector<uint32_t>& w) {
  w[0] = static_cast<uint32_t>(port);
  if (sizeof(T) > 4) w[1] = static_cast<uint32_t>(uint64_t(port) >> 32);
}
template <std::size_t N>
void load_words(const VlWide<N>& port, std::vector<uint32_t>& w) {
  for (std::size_t i = 0; i < N; ++i) w[i] = port[i];
}
template <typename T>
bool test_bit(const T& port, unsigned bit) {
  return (uint64_t(port) >> bit) & 1u;
}
template <std::size_t N>
bool test_bit(const VlWide<N>& port, unsigned bit) {
  return (port[bit / 32] >> (bit % 32)) & 1u;
}

// A row-major matrix as the core's ports see it.
template <typename E>
struct Matrix {
  E* data;
  uint64_t rows, cols;
  // Element l of the vector at (row, col): down a column or along a row.
  bool locate(uint32_t row, uint32_t col, bool down, unsigned l, uint64_t& at) const {
    const uint64_t r = down ? uint64_t(row) + l : row;
    const uint64_t c = down ? col : uint64_t(col) + l;
    at = r * cols + c;
    return r < rows && c < cols;
  }
};

}  // namespace rtl_detail

template <class Model>
class VerilatedCore final : public RtlCore {
  template <typename E>
  using Matrix = rtl_detail::Matrix<E>;
 public:
  VerilatedCore(unsigned rows, unsigned cols, double clock_mhz)
      : context_(std::make_unique<VerilatedContext>()),
        lanes_(std::max(rows, cols)),
        cols_(cols),
        half_period_ps_(std::max<uint64_t>(1, uint64_t(500000.0 / clock_mhz))),
        operand_words_((lanes_ * 8 + 31) / 32 + 1, 0),
        result_words_(cols + 1, 0) {
    context_->traceEverOn(true);
    model_ = std::make_unique<Model>(context_.get(), "kiln_array_core");
    model_->start = 0;
    model_->rst = 1;
    for (int i = 0; i < 2; ++i) clock(nullptr, nullptr, nullptr);
    model_->rst = 0;
  }

  ~VerilatedCore() override {
    close_vcd();
    model_->final();
  }

  uint64_t run(const ArrayTile& tile, int32_t* c, uint64_t cycle_limit) override {
    Matrix<const int8_t> a{tile.a, tile.m, tile.k};
    Matrix<const int8_t> b{tile.b, tile.k, tile.n};
    Matrix<int32_t> cm{c, tile.m, tile.n};
    if (!model_->ready) throw Error("rtl array core: not ready for a command (internal error)");
    model_->cmd_dataflow = static_cast<uint8_t>(tile.dataflow);
    model_->cmd_accumulate = tile.accumulate;
    model_->cmd_m = tile.m;
    model_->cmd_n = tile.n;
    model_->cmd_k = tile.k;
    model_->start = 1;
    uint64_t cycles = 0;
    do {
      if (cycles == cycle_limit)
        throw Error(fmt::format("rtl array core: no done after {} cycles (tile m={} n={} k={}, dataflow {})",
                                cycles, tile.m, tile.n, tile.k, int(tile.dataflow)));
      clock(&a, &b, &cm);
      model_->start = 0;
      ++cycles;
    } while (!model_->done);
    return cycles;
  }

  void open_vcd(const std::string& path) override {
    if (vcd_) return;
    vcd_ = std::make_unique<VerilatedVcdC>();
    model_->trace(vcd_.get(), 99);
    vcd_->set_time_unit("1ps");
    vcd_->set_time_resolution("1ps");
    vcd_->open(path.c_str());
    if (!vcd_->isOpen()) {
      vcd_.reset();
      throw Error(fmt::format("{}: cannot open for writing the VCD of the rtl array core", path));
    }
  }

  void close_vcd() override {
    if (!vcd_) return;
    vcd_->close();
    vcd_.reset();
  }

 private:
  void clock(Matrix<const int8_t>* a, Matrix<const int8_t>* b, Matrix<int32_t>* c) {
    Model& m = *model_;
    // The addresses depend on the core's registers only: serve them first.
    if (a && m.a_en) rtl_detail::store_words(m.a_data, gather(*a, m.a_row, m.a_col, m.a_down));
    if (b && m.b_en) rtl_detail::store_words(m.b_data, gather(*b, m.b_row, m.b_col, m.b_down));
    const bool write = c && m.c_en;
    if (write && m.c_add) rtl_detail::store_words(m.c_rd_data, gather_old(*c, m.c_row, m.c_col, m.c_down));
    m.clk = 0;
    m.eval();
    dump();
    if (write) scatter(*c, m.c_row, m.c_col, m.c_down);  // the accumulators take c_wr_data at the edge
    m.clk = 1;
    m.eval();
    dump();
  }

  const std::vector<uint32_t>& gather(const Matrix<const int8_t>& x, uint32_t row, uint32_t col, bool down) {
    std::fill(operand_words_.begin(), operand_words_.end(), 0u);
    uint64_t at = 0;
    for (unsigned l = 0; l < lanes_; ++l)
      if (x.locate(row, col, down, l, at))
        operand_words_[l / 4] |= uint32_t(uint8_t(x.data[at])) << (8 * (l % 4));
    return operand_words_;
  }

  const std::vector<uint32_t>& gather_old(const Matrix<int32_t>& x, uint32_t row, uint32_t col, bool down) {
    uint64_t at = 0;
    for (unsigned l = 0; l < cols_; ++l)
      result_words_[l] = x.locate(row, col, down, l, at) ? uint32_t(x.data[at]) : 0u;
    return result_words_;
  }

  void scatter(Matrix<int32_t>& x, uint32_t row, uint32_t col, bool down) {
    rtl_detail::load_words(model_->c_wr_data, result_words_);
    uint64_t at = 0;
    for (unsigned l = 0; l < cols_; ++l)
      if (rtl_detail::test_bit(model_->c_mask, l) && x.locate(row, col, down, l, at))
        x.data[at] = static_cast<int32_t>(result_words_[l]);
  }

  void dump() {
    if (vcd_) vcd_->dump(time_ps_);
    time_ps_ += half_period_ps_;
  }

  std::unique_ptr<VerilatedContext> context_;
  std::unique_ptr<Model> model_;
  std::unique_ptr<VerilatedVcdC> vcd_;
  unsigned lanes_, cols_;
  uint64_t half_period_ps_;
  uint64_t time_ps_ = 0;
  std::vector<uint32_t> operand_words_, result_words_;
};


}  // namespace kiln
