// VerilatedVectorCore<Model>: one Verilated kiln_vector (rtl/) behind the
// VectorRtlCore interface. It loads a command's register, clocks the start
// cycle, then lets the command's beat program (registered by its file in
// sim/vector/, sim/vector_command.h) stream the operands in lane-wide beats,
// one clock cycle per beat, load beat or idle cycle, collecting the emitted
// results. The beats of each command are its program's, in the order its
// closed-form timing (its row in arch/command.h) counts them. A header
// because every Verilated build of the unit (the lane counts of
// KILN_RTL_VECTOR_LANES, and the test-only fault-injected variant)
// instantiates it with its own model class. Include only where the Verilated
// headers are on the include path.
#pragma once

#include <fmt/format.h>
#include <verilated.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <vector>

#include "arch/error.h"
#include "sim/vector_rtl_core.h"

namespace kiln::sim {
namespace vector_rtl_detail {

// A port of up to 64 bits is an integer in Verilator, a wider one VlWide<words>.
template <typename T>
void store_bytes(T& port, const std::vector<uint32_t>& w) {
  port = static_cast<T>(w[0] | (sizeof(T) > 4 ? uint64_t(w[1]) << 32 : 0));
}
template <std::size_t N>
void store_bytes(VlWide<N>& port, const std::vector<uint32_t>& w) {
  for (std::size_t i = 0; i < N; ++i) port[i] = w[i];
}
template <typename T>
uint8_t byte_of(const T& port, unsigned lane) {
  return uint8_t(uint64_t(port) >> (8 * lane));
}
template <std::size_t N>
uint8_t byte_of(const VlWide<N>& port, unsigned lane) {
  return uint8_t(port[lane / 4] >> (8 * (lane % 4)));
}

}  // namespace vector_rtl_detail

template <class Model>
class VerilatedVectorCore final : public VectorRtlCore, private VectorBeats {
 public:
  explicit VerilatedVectorCore(unsigned lanes)
      : context_(std::make_unique<VerilatedContext>()),
        lanes_(lanes),
        a_words_(lanes / 4 + 2),
        b_words_(lanes / 4 + 2),
        w_words_(lanes + 2) {
    model_ = std::make_unique<Model>(context_.get(), "kiln_vector");
    model_->start = 0;
    model_->beat = 0;
    model_->beat_load = 0;
    model_->rst = 1;
    for (int i = 0; i < 2; ++i) clock();
    model_->rst = 0;
  }

  ~VerilatedVectorCore() override { model_->final(); }

  uint64_t run(const VectorRtlCommand& cmd, int8_t* out) override {
    const VectorCommand* c = VectorCommands::instance().find(cmd.cmd.op);
    if (!c || !c->rtl_register || !c->rtl_beats)
      throw Error(fmt::format("rtl vector unit: {} has no RTL implementation (rtl/kiln_vector.v)",
                              to_string(cmd.cmd.op)));
    Model& m = *model_;
    set_register(c->rtl_register(cmd.cmd));
    m.start = 1;
    clock();
    m.start = 0;
    cycles_ = 1;
    out_ = out;
    out_count_ = cmd.out_bytes;
    c->rtl_beats(cmd, *this);
    if (!m.done || m.busy) throw Error("rtl vector unit: no done after the command's last beat (internal error)");
    return cycles_;
  }

 private:
  void set_register(const VectorRtlRegister& r) {
    Model& m = *model_;
    m.cmd_op = uint8_t(r.op);
    m.cmd_a_zp = uint8_t(r.a_zp), m.cmd_a_mult = uint32_t(r.a_mult), m.cmd_a_shift = uint8_t(r.a_shift);
    m.cmd_b_zp = uint8_t(r.b_zp), m.cmd_b_mult = uint32_t(r.b_mult), m.cmd_b_shift = uint8_t(r.b_shift);
    m.cmd_out_zp = uint8_t(r.out_zp), m.cmd_out_mult = uint32_t(r.out_mult), m.cmd_out_shift = uint8_t(r.out_shift);
    m.cmd_left_shift = r.left_shift;
    m.cmd_act_min = uint8_t(r.act_min), m.cmd_act_max = uint8_t(r.act_max);
    m.cmd_h = r.h, m.cmd_w = r.w;
    m.cmd_taps = r.taps;
  }

  // Elements [0, n) of x (null: none) into the lanes of `words`.
  void pack(std::vector<uint32_t>& words, const int8_t* x, size_t n) {
    std::fill(words.begin(), words.end(), 0u);
    if (!x) return;
    for (size_t l = 0; l < n; ++l) words[l / 4] |= uint32_t(uint8_t(x[l])) << (8 * (l % 4));
  }

  // VectorBeats: what the command's beat program calls, one cycle each.
  unsigned lanes() const override { return lanes_; }

  void beat(const int8_t* a, const int8_t* b, size_t n, BeatFlags f, uint64_t at) override {
    Model& m = *model_;
    if (n > lanes_) throw Error("rtl vector unit: a beat wider than the lanes (internal error)");
    pack(a_words_, a, n);
    pack(b_words_, b, n);
    vector_rtl_detail::store_bytes(m.beat_a, a_words_);
    vector_rtl_detail::store_bytes(m.beat_b, b_words_);
    m.beat = 1;
    m.beat_load = 0;
    m.beat_first = f.first;
    m.beat_pad = f.pad;
    m.beat_emit = f.emit;
    m.beat_last = f.last;
    clock();
    m.beat = 0;
    ++cycles_;
    if (!f.emit) return;
    if (!m.out_valid) throw Error("rtl vector unit: no result after an emitting beat (internal error)");
    if (at + n > out_count_) throw Error("rtl vector unit: a result past the command's output (internal error)");
    for (size_t l = 0; l < n; ++l) out_[at + l] = int8_t(vector_rtl_detail::byte_of(m.out, unsigned(l)));
  }

  void load(const int8_t* a, const uint32_t* words, size_t n, bool first) override {
    Model& m = *model_;
    if (n > lanes_) throw Error("rtl vector unit: a load beat wider than the lanes (internal error)");
    pack(a_words_, a, n);
    std::fill(w_words_.begin(), w_words_.end(), 0u);
    if (words) std::copy(words, words + n, w_words_.begin());
    vector_rtl_detail::store_bytes(m.beat_a, a_words_);
    vector_rtl_detail::store_bytes(m.beat_w, w_words_);
    m.beat = 1;
    m.beat_load = 1;
    m.beat_first = first;
    m.beat_pad = 0;
    m.beat_emit = 0;
    m.beat_last = 0;
    clock();
    m.beat = 0;
    m.beat_load = 0;
    ++cycles_;
  }

  void idle() override {
    model_->beat = 0;
    clock();
    ++cycles_;
  }

  void clock() {
    model_->clk = 0;
    model_->eval();
    model_->clk = 1;
    model_->eval();
  }

  std::unique_ptr<VerilatedContext> context_;
  std::unique_ptr<Model> model_;
  unsigned lanes_;
  std::vector<uint32_t> a_words_, b_words_, w_words_;
  int8_t* out_ = nullptr;
  uint64_t out_count_ = 0;
  uint64_t cycles_ = 0;
};

}  // namespace kiln::sim
