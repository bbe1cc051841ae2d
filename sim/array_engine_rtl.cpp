// The RTL array engine: drives the Verilated kiln_array_core (rtl/) of the
// configured size through its command handshake and serves its three ports
// from the tile, as the scratchpads and the accumulator buffer would:
//   A, B: combinational reads of one int8 vector (a row or a column slice),
//   C:    read of the old accumulators and masked write of the new ones.
// One loop iteration is one NPU clock cycle; the cycles from the edge that
// accepts start to the edge after which done is high are the command's cost.
#include "sim/array_engine_rtl.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "arch/array_timing.h"
#include "arch/error.h"

#ifdef KILN_HAVE_RTL
#include <verilated.h>
#include <verilated_vcd_c.h>

#include <algorithm>

#include "kiln_rtl_models.h"
#endif

namespace kiln {

#ifndef KILN_HAVE_RTL

std::vector<std::pair<unsigned, unsigned>> rtl_array_sizes() { return {}; }

std::unique_ptr<ArrayEngine> make_rtl_array_engine(const NpuConfig&) {
  throw Error("npu.array.engine: rtl: this build of kiln has no Verilated array core "
              "(configure with -DKILN_RTL_SIZES=\"8x8;16x16;32x32\", docs/rtl.md)");
}

#else

namespace {

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

// One Verilated model of one size, with its clock loop.
class RtlCore {
 public:
  virtual ~RtlCore() = default;
  virtual uint64_t run(const ArrayTile& tile, int32_t* c, uint64_t cycle_limit) = 0;
  virtual void open_vcd(const std::string& path) = 0;
  virtual void close_vcd() = 0;
};

template <class Model>
class VerilatedCore final : public RtlCore {
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
    if (a && m.a_en) store_words(m.a_data, gather(*a, m.a_row, m.a_col, m.a_down));
    if (b && m.b_en) store_words(m.b_data, gather(*b, m.b_row, m.b_col, m.b_down));
    const bool write = c && m.c_en;
    if (write && m.c_add) store_words(m.c_rd_data, gather_old(*c, m.c_row, m.c_col, m.c_down));
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
    load_words(model_->c_wr_data, result_words_);
    uint64_t at = 0;
    for (unsigned l = 0; l < cols_; ++l)
      if (test_bit(model_->c_mask, l) && x.locate(row, col, down, l, at))
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

std::unique_ptr<RtlCore> make_core(const NpuConfig& npu) {
#define KILN_RTL_MAKE_CORE(R, C, MODEL) \
  if (npu.rows == R && npu.cols == C) return std::make_unique<VerilatedCore<MODEL>>(R, C, npu.clock_mhz);
  KILN_RTL_MODELS(KILN_RTL_MAKE_CORE)
#undef KILN_RTL_MAKE_CORE
  return nullptr;
}

class VerilatedArrayEngine final : public RtlArrayEngine {
 public:
  VerilatedArrayEngine(const NpuConfig& npu, std::unique_ptr<RtlCore> core)
      : rows_(npu.rows), cols_(npu.cols), core_(std::move(core)) {}

  ArrayResult run(const ArrayTile& t, int32_t* c) override {
    constexpr uint32_t kMaxDim = 1u << 30;  // keeps the core's 32-bit fold arithmetic exact
    if (t.m >= kMaxDim || t.n >= kMaxDim || t.k >= kMaxDim)
      throw Error(fmt::format("rtl array core: tile {}x{}x{} exceeds the core's 2^30 limit per dimension", t.m,
                              t.n, t.k));
    const uint64_t call = calls_++;
    if (vcd_ && call == vcd_first_) core_->open_vcd(vcd_path_);
    // The core performs no MAC for K = 0; an overwriting command still
    // defines C as zero, which the accumulator buffer's clear provides.
    if (t.k == 0 && !t.accumulate) std::fill(c, c + size_t(t.m) * t.n, 0);
    const uint64_t expected = array_tile_cycles(t.dataflow, rows_, cols_, t.m, t.n, t.k);
    const uint64_t cycles = core_->run(t, c, 2 * expected + 64);
    if (vcd_ && call == vcd_last_) core_->close_vcd();
    return {cycles, uint64_t(t.m) * t.n * t.k};
  }

  std::string name() const override { return "rtl"; }

  void set_vcd(const std::string& path, uint64_t first_call, uint64_t last_call) override {
    if (first_call > last_call)
      throw Error(fmt::format("--vcd: command range {}..{} is empty", first_call, last_call));
    core_->close_vcd();
    vcd_ = true;
    vcd_path_ = path;
    vcd_first_ = first_call;
    vcd_last_ = last_call;
  }

  uint64_t calls() const override { return calls_; }

 private:
  unsigned rows_, cols_;
  std::unique_ptr<RtlCore> core_;
  uint64_t calls_ = 0;
  bool vcd_ = false;
  std::string vcd_path_;
  uint64_t vcd_first_ = 0, vcd_last_ = 0;
};

}  // namespace

std::vector<std::pair<unsigned, unsigned>> rtl_array_sizes() {
  std::vector<std::pair<unsigned, unsigned>> sizes;
#define KILN_RTL_LIST_SIZE(R, C, MODEL) sizes.emplace_back(R, C);
  KILN_RTL_MODELS(KILN_RTL_LIST_SIZE)
#undef KILN_RTL_LIST_SIZE
  return sizes;
}

std::unique_ptr<ArrayEngine> make_rtl_array_engine(const NpuConfig& npu) {
  auto core = make_core(npu);
  if (!core) {
    std::vector<std::string> built;
    for (const auto& [r, c] : rtl_array_sizes()) built.push_back(fmt::format("{}x{}", r, c));
    throw Error(fmt::format(
        "npu.array: {}x{}: no Verilated array core of this size in this build (built: {}); add it to "
        "KILN_RTL_SIZES and rebuild, e.g. cmake -DKILN_RTL_SIZES=\"{};{}x{}\" (docs/rtl.md)",
        npu.rows, npu.cols, fmt::join(built, ", "), fmt::join(built, ";"), npu.rows, npu.cols));
  }
  return std::make_unique<VerilatedArrayEngine>(npu, std::move(core));
}

#endif  // KILN_HAVE_RTL

}  // namespace kiln
