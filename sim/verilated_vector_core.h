// VerilatedVectorCore<Model>: one Verilated kiln_vector (rtl/) behind the
// VectorRtlCore interface, with the clock loop that streams a command's
// operands into it in lane-wide beats, one beat per cycle, and collects its
// results. A header because every Verilated build of the unit (the lane
// counts of KILN_RTL_VECTOR_LANES, and the test-only fault-injected variant)
// instantiates it with its own model class. Include only where the Verilated
// headers are on the include path.
//
// The beats of a command, in the order the unit's closed-form timing
// (arch/vector_timing.h) counts them:
//   element-wise: one beat per group of LANES elements, each after an idle
//                 cycle when the operands share a bank; vmul's b wrapped
//                 every b_count elements;
//   table (vlut): ceil(256 / LANES) beats of the table, LANES entries each,
//                 then its operand as element-wise;
//   pools:        per output pixel and group of LANES channels, one beat per
//                 tap of the window (padding taps flagged pad), then for the
//                 average one divide step;
//   mean:         per group of LANES channels, one beat per pixel, then the
//                 rescale step;
//   depthwise:    per group of LANES channels, kh*kw load beats of taps and
//                 3 of records (bias, multiplier, shift), then per output
//                 pixel one beat per tap of the window (padding taps flagged
//                 pad) and the rescale step.
#pragma once

#include <fmt/format.h>
#include <verilated.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <vector>

#include "arch/error.h"
#include "arch/vector_timing.h"
#include "sim/vector_rtl_core.h"

namespace kiln::sim {
namespace vector_rtl_detail {

// kiln_vector_lane's OP_* codes.
inline uint8_t op_code(Opcode op) {
  switch (op) {
    case Opcode::VectorRequantize: return 0;
    case Opcode::VectorAdd: return 1;
    case Opcode::VectorMax: return 2;
    case Opcode::VectorMin: return 3;
    case Opcode::VectorMaxPool: return 4;
    case Opcode::VectorAvgPool: return 5;
    case Opcode::VectorMean: return 6;
    case Opcode::VectorSub: return 7;
    case Opcode::VectorMul: return 8;
    case Opcode::VectorLut: return 9;
    case Opcode::VectorDepthwise: return 10;
    default: break;
  }
  throw Error(fmt::format("rtl vector unit: {} has no RTL implementation (rtl/kiln_vector.v)", to_string(op)));
}

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
class VerilatedVectorCore final : public VectorRtlCore {
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

  uint64_t run(const Command& cmd, unsigned passes, const int8_t* a, const int8_t* b, int8_t* out,
               uint64_t out_count) override {
    Model& m = *model_;
    set_command(cmd);
    const bool two_operands = cmd.op == Opcode::VectorAdd || cmd.op == Opcode::VectorSub ||
                              cmd.op == Opcode::VectorMul || cmd.op == Opcode::VectorMax ||
                              cmd.op == Opcode::VectorMin || cmd.op == Opcode::VectorLut ||
                              cmd.op == Opcode::VectorDepthwise;
    if (!a || (two_operands && !b))
      throw Error(fmt::format("rtl vector unit: {} without its operands (internal error)", to_string(cmd.op)));
    m.start = 1;
    clock();
    m.start = 0;
    uint64_t cycles = 1;
    out_ = out;
    out_count_ = out_count;
    switch (cmd.op) {
      case Opcode::VectorAdd:
      case Opcode::VectorMax:
      case Opcode::VectorMin:
      case Opcode::VectorRequantize: cycles += element_wise(out_count, passes, a, b); break;
      case Opcode::VectorAvgPool:
      case Opcode::VectorMaxPool:
        cycles += pool(std::get<VectorPoolCmd>(cmd.body), cmd.op == Opcode::VectorAvgPool, a);
        break;
      case Opcode::VectorMean: cycles += mean(std::get<VectorMeanCmd>(cmd.body), a); break;
      case Opcode::VectorSub: cycles += element_wise(out_count, passes, a, b); break;
      case Opcode::VectorMul:
        cycles += element_wise(out_count, passes, a, wrapped(b, std::get<VectorMulCmd>(cmd.body).b_count, out_count));
        break;
      case Opcode::VectorLut: cycles += table(b) + element_wise(out_count, passes, a, nullptr); break;
      case Opcode::VectorDepthwise: cycles += depthwise(std::get<VectorDepthwiseCmd>(cmd.body), a, b); break;
      default: break;  // set_command refused it
    }
    if (!m.done || m.busy) throw Error("rtl vector unit: no done after the command's last beat (internal error)");
    return cycles;
  }

 private:
  void set_command(const Command& cmd) {
    Model& m = *model_;
    m.cmd_op = vector_rtl_detail::op_code(cmd.op);
    m.cmd_a_zp = m.cmd_b_zp = m.cmd_out_zp = 0;
    m.cmd_a_mult = m.cmd_b_mult = m.cmd_out_mult = 0;
    m.cmd_a_shift = m.cmd_b_shift = m.cmd_out_shift = 0;
    m.cmd_left_shift = 0;
    m.cmd_act_min = uint8_t(-128);
    m.cmd_act_max = 127;
    m.cmd_h = m.cmd_w = 0;
    m.cmd_taps = 0;
    if (const auto* v = std::get_if<VectorAddCmd>(&cmd.body)) {
      m.cmd_a_zp = uint8_t(v->a_zp), m.cmd_a_mult = uint32_t(v->a_mult), m.cmd_a_shift = uint8_t(v->a_shift);
      m.cmd_b_zp = uint8_t(v->b_zp), m.cmd_b_mult = uint32_t(v->b_mult), m.cmd_b_shift = uint8_t(v->b_shift);
      m.cmd_out_zp = uint8_t(v->out_zp), m.cmd_out_mult = uint32_t(v->out_mult);
      m.cmd_out_shift = uint8_t(v->out_shift);
      m.cmd_left_shift = v->left_shift;
      m.cmd_act_min = uint8_t(v->act_min), m.cmd_act_max = uint8_t(v->act_max);
    } else if (const auto* v = std::get_if<VectorRequantizeCmd>(&cmd.body)) {
      m.cmd_a_zp = uint8_t(v->in_zp), m.cmd_a_mult = uint32_t(v->mult), m.cmd_a_shift = uint8_t(v->shift);
      m.cmd_out_zp = uint8_t(v->out_zp);
      m.cmd_act_min = uint8_t(v->act_min), m.cmd_act_max = uint8_t(v->act_max);
    } else if (const auto* v = std::get_if<VectorPoolCmd>(&cmd.body)) {
      m.cmd_act_min = uint8_t(v->act_min), m.cmd_act_max = uint8_t(v->act_max);
    } else if (const auto* v = std::get_if<VectorMulCmd>(&cmd.body)) {
      m.cmd_a_zp = uint8_t(v->a_zp), m.cmd_b_zp = uint8_t(v->b_zp), m.cmd_out_zp = uint8_t(v->out_zp);
      m.cmd_out_mult = uint32_t(v->mult), m.cmd_out_shift = uint8_t(v->shift);
      m.cmd_act_min = uint8_t(v->act_min), m.cmd_act_max = uint8_t(v->act_max);
    } else if (const auto* v = std::get_if<VectorMeanCmd>(&cmd.body)) {
      m.cmd_a_zp = uint8_t(v->in_zp), m.cmd_out_zp = uint8_t(v->out_zp);
      m.cmd_out_mult = uint32_t(v->mult), m.cmd_out_shift = uint8_t(v->shift);
      m.cmd_h = v->h, m.cmd_w = v->w;
    } else if (const auto* v = std::get_if<VectorDepthwiseCmd>(&cmd.body)) {
      m.cmd_a_zp = uint8_t(v->in_zp), m.cmd_out_zp = uint8_t(v->out_zp);
      m.cmd_act_min = uint8_t(v->act_min), m.cmd_act_max = uint8_t(v->act_max);
      const unsigned taps = unsigned(v->kh) * v->kw;
      if (taps > kVectorDepthwiseMaxTaps)
        throw Error(fmt::format("rtl vector unit: vdwconv with {} taps, more than the {} a lane holds (internal error)",
                                taps, kVectorDepthwiseMaxTaps));
      m.cmd_taps = uint8_t(taps);
    }
  }

  // Elements [from, from + n) of x (null: none) into the lanes of `words`.
  void pack(std::vector<uint32_t>& words, const int8_t* x, size_t n) {
    std::fill(words.begin(), words.end(), 0u);
    if (!x) return;
    for (size_t l = 0; l < n; ++l) words[l / 4] |= uint32_t(uint8_t(x[l])) << (8 * (l % 4));
  }

  // One beat: operands of n lanes (null: padding or a step without data);
  // an emitted result goes to out_[at, at + n).
  void beat(const int8_t* a, const int8_t* b, size_t n, bool first, bool pad, bool emit, bool last, uint64_t at) {
    Model& m = *model_;
    pack(a_words_, a, n);
    pack(b_words_, b, n);
    vector_rtl_detail::store_bytes(m.beat_a, a_words_);
    vector_rtl_detail::store_bytes(m.beat_b, b_words_);
    m.beat = 1;
    m.beat_load = 0;
    m.beat_first = first;
    m.beat_pad = pad;
    m.beat_emit = emit;
    m.beat_last = last;
    clock();
    m.beat = 0;
    if (!emit) return;
    if (!m.out_valid) throw Error("rtl vector unit: no result after an emitting beat (internal error)");
    if (at + n > out_count_) throw Error("rtl vector unit: a result past the command's output (internal error)");
    for (size_t l = 0; l < n; ++l) out_[at + l] = int8_t(vector_rtl_detail::byte_of(m.out, unsigned(l)));
  }

  // One load beat of vdwconv: a tap byte per lane (a), or a record word per
  // lane (words, n of them).
  void load_beat(const int8_t* a, const uint32_t* words, size_t n, bool first) {
    Model& m = *model_;
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
  }

  void idle() {
    model_->beat = 0;
    clock();
  }

  uint64_t element_wise(uint64_t count, unsigned passes, const int8_t* a, const int8_t* b) {
    uint64_t cycles = 0;
    for (uint64_t i = 0; i < count; i += lanes_) {
      const size_t n = size_t(std::min<uint64_t>(lanes_, count - i));
      if (passes == 2) idle(), ++cycles;
      beat(a + i, b ? b + i : nullptr, n, true, false, true, i + lanes_ >= count, i);
      ++cycles;
    }
    return cycles;
  }

  // vmul's b of b_count elements repeated to count: element i is b[i % b_count].
  const int8_t* wrapped(const int8_t* b, uint32_t b_count, uint64_t count) {
    if (b_count == 0 || b_count >= count) return b;
    b_wrapped_.resize(count);
    for (uint64_t i = 0; i < count; ++i) b_wrapped_[i] = b[i % b_count];
    return b_wrapped_.data();
  }

  // vlut's table, 256 entries, LANES a beat in entry order.
  uint64_t table(const int8_t* entries) {
    uint64_t cycles = 0;
    for (size_t e = 0; e < 256; e += lanes_) {
      beat(entries + e, nullptr, std::min<size_t>(lanes_, 256 - e), false, false, false, false, 0);
      ++cycles;
    }
    return cycles;
  }

  uint64_t pool(const VectorPoolCmd& v, bool average, const int8_t* in) {
    uint64_t cycles = 0;
    const size_t row = size_t(v.in_w) * v.c;
    for (int oy = 0; oy < v.out_h; ++oy)
      for (int ox = 0; ox < v.out_w; ++ox)
        for (unsigned c0 = 0; c0 < v.c; c0 += lanes_) {
          const size_t n = std::min<size_t>(lanes_, v.c - c0);
          const uint64_t at = (uint64_t(oy) * v.out_w + ox) * v.c + c0;
          const bool final_group = oy + 1 == v.out_h && ox + 1 == v.out_w && c0 + lanes_ >= v.c;
          for (int ky = 0; ky < v.kh; ++ky)
            for (int kx = 0; kx < v.kw; ++kx) {
              const int y = oy * v.stride_h - v.pad_top + ky, x = ox * v.stride_w - v.pad_left + kx;
              const bool inside = y >= 0 && y < v.in_h && x >= 0 && x < v.in_w;
              const bool last_tap = ky + 1 == v.kh && kx + 1 == v.kw;
              const bool emit = last_tap && !average;
              beat(inside ? in + size_t(y) * row + size_t(x) * v.c + c0 : nullptr, nullptr, n, ky == 0 && kx == 0,
                   !inside, emit, emit && final_group, at);
              ++cycles;
            }
          if (average) {
            beat(nullptr, nullptr, n, false, true, true, final_group, at);  // the divide step
            ++cycles;
          }
        }
    return cycles;
  }

  uint64_t mean(const VectorMeanCmd& v, const int8_t* in) {
    uint64_t cycles = 0;
    const uint64_t pixels = uint64_t(v.h) * v.w;
    for (unsigned c0 = 0; c0 < v.c; c0 += lanes_) {
      const size_t n = std::min<size_t>(lanes_, v.c - c0);
      for (uint64_t p = 0; p < pixels; ++p) {
        beat(in + p * v.c + c0, nullptr, n, p == 0, false, false, false, 0);
        ++cycles;
      }
      beat(nullptr, nullptr, n, false, true, true, c0 + lanes_ >= v.c, c0);  // the rescale step
      ++cycles;
    }
    return cycles;
  }

  // vdwconv: `taps` holds kh*kw*c weights (tap t of channel j at t*c + j),
  // then the c records of 12 bytes (int32 bias, multiplier, shift, little
  // endian), as the scratchpads hold them.
  uint64_t depthwise(const VectorDepthwiseCmd& v, const int8_t* in, const int8_t* taps) {
    uint64_t cycles = 0;
    const unsigned kernel = unsigned(v.kh) * v.kw;
    const int8_t* records = taps + size_t(kernel) * v.c;
    const size_t row = size_t(v.in_w) * v.c;
    std::vector<uint32_t> words(lanes_);
    for (unsigned c0 = 0; c0 < v.c; c0 += lanes_) {
      const size_t n = std::min<size_t>(lanes_, v.c - c0);
      const bool final_group = c0 + lanes_ >= v.c;
      for (unsigned t = 0; t < kernel; ++t) {
        load_beat(taps + size_t(t) * v.c + c0, nullptr, n, t == 0);
        ++cycles;
      }
      for (unsigned r = 0; r < 3; ++r) {
        for (size_t l = 0; l < n; ++l) {
          const auto* at = reinterpret_cast<const uint8_t*>(records + 12 * (c0 + l) + 4 * r);
          words[l] = uint32_t(at[0]) | uint32_t(at[1]) << 8 | uint32_t(at[2]) << 16 | uint32_t(at[3]) << 24;
        }
        load_beat(nullptr, words.data(), n, false);
        ++cycles;
      }
      for (int oy = 0; oy < v.out_h; ++oy)
        for (int ox = 0; ox < v.out_w; ++ox) {
          const uint64_t at = (uint64_t(oy) * v.out_w + ox) * v.c + c0;
          for (int ky = 0; ky < v.kh; ++ky)
            for (int kx = 0; kx < v.kw; ++kx) {
              const int y = oy * v.stride_h - v.pad_top + ky * v.dil_h;
              const int x = ox * v.stride_w - v.pad_left + kx * v.dil_w;
              const bool inside = y >= 0 && y < v.in_h && x >= 0 && x < v.in_w;
              beat(inside ? in + size_t(y) * row + size_t(x) * v.c + c0 : nullptr, nullptr, n, ky == 0 && kx == 0,
                   !inside, false, false, at);
              ++cycles;
            }
          const bool final_pixel = oy + 1 == v.out_h && ox + 1 == v.out_w;
          beat(nullptr, nullptr, n, false, true, true, final_group && final_pixel, at);  // the rescale step
          ++cycles;
        }
    }
    return cycles;
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
  std::vector<int8_t> b_wrapped_;
  int8_t* out_ = nullptr;
  uint64_t out_count_ = 0;
};

}  // namespace kiln::sim
