// Independent reference computations for the kernel tests, written from the
// arithmetic definitions (int64, plain loops, padding materialized) rather
// than from the kernels' code, so a wrong kernel disagrees with them.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <random>
#include <vector>

namespace kiln::test {

// floor(a / 2^e) for any sign, without relying on >> of negatives.
inline int64_t floor_div_pot(int64_t a, int e) {
  const int64_t d = int64_t(1) << e;
  int64_t q = a / d;
  if (a % d != 0 && a < 0) --q;
  return q;
}

// gemmlowp's SaturatingRoundingDoublingHighMul is a*b / 2^31 rounded half
// up (towards +infinity), saturating only INT32_MIN * INT32_MIN.
inline int64_t srdhm(int64_t a, int64_t b) {
  if (a == INT32_MIN && b == INT32_MIN) return INT32_MAX;
  return floor_div_pot(a * b + (int64_t(1) << 30), 31);
}

// x / 2^e rounded half away from zero.
inline int64_t rounding_shift(int64_t x, int e) {
  if (e == 0) return x;
  const int64_t d = int64_t(1) << e;
  const int64_t q = (std::llabs(x) + d / 2) / d;
  return x < 0 ? -q : q;
}

// TFLite's MultiplyByQuantizedMultiplier (double rounding) for inputs whose
// left-shifted value fits int32.
inline int64_t requant(int64_t acc, int32_t mult, int shift) {
  const int64_t v = shift > 0 ? acc * (int64_t(1) << shift) : acc;
  return rounding_shift(srdhm(v, mult), shift > 0 ? 0 : -shift);
}

inline int8_t clamp8(int64_t v, int64_t lo = -128, int64_t hi = 127) {
  return static_cast<int8_t>(v < lo ? lo : v > hi ? hi : v);
}

inline std::vector<int8_t> random_i8(std::mt19937& rng, size_t n, int lo = -128, int hi = 127) {
  std::uniform_int_distribution<int> d(lo, hi);
  std::vector<int8_t> v(n);
  for (auto& x : v) x = static_cast<int8_t>(d(rng));
  return v;
}

inline std::vector<int32_t> random_i32(std::mt19937& rng, size_t n, int32_t lo, int32_t hi) {
  std::uniform_int_distribution<int32_t> d(lo, hi);
  std::vector<int32_t> v(n);
  for (auto& x : v) x = d(rng);
  return v;
}

// Generic NHWC convolution by materializing the zero-point-padded input and
// summing w * (x - zp) over every tap. Weights indexed by a callback so the
// same code checks conv2d (OHWI) and depthwise (1HW(C*M)).
struct ConvShape {
  int n = 1, in_h, in_w, in_c, out_h, out_w, out_c, kh, kw, sh = 1, sw = 1, dh = 1, dw = 1, pt = 0, pl = 0;
  int depth_mult = 0;  // 0: full conv; > 0: depthwise
};

// The accumulators (int64, bias included) in NHWC order; weight_zp (one per
// output channel, nullptr: zero) makes every term (w - weight_zp) * (x - in_zp).
inline std::vector<int64_t> conv_accumulator_oracle(const ConvShape& s, const std::vector<int8_t>& in,
                                                    const std::vector<int8_t>& w, const std::vector<int32_t>* bias,
                                                    int in_zp, const std::vector<int32_t>* weight_zp = nullptr) {
  // Padded extent large enough for every tap.
  const int ph = (s.out_h - 1) * s.sh + (s.kh - 1) * s.dh + 1 + s.pt;
  const int pw = (s.out_w - 1) * s.sw + (s.kw - 1) * s.dw + 1 + s.pl;
  const int H = std::max(ph, s.in_h + s.pt), W = std::max(pw, s.in_w + s.pl);
  std::vector<int64_t> out;
  for (int b = 0; b < s.n; ++b) {
    std::vector<int> padded(size_t(H) * W * s.in_c, in_zp);
    for (int y = 0; y < s.in_h; ++y)
      for (int x = 0; x < s.in_w; ++x)
        for (int c = 0; c < s.in_c; ++c)
          padded[(size_t(y + s.pt) * W + (x + s.pl)) * s.in_c + c] =
              in[((size_t(b) * s.in_h + y) * s.in_w + x) * s.in_c + c];
    for (int oy = 0; oy < s.out_h; ++oy)
      for (int ox = 0; ox < s.out_w; ++ox)
        for (int oc = 0; oc < s.out_c; ++oc) {
          const int64_t wz = weight_zp ? (*weight_zp)[oc] : 0;
          int64_t acc = 0;
          for (int ky = 0; ky < s.kh; ++ky)
            for (int kx = 0; kx < s.kw; ++kx) {
              const int y = oy * s.sh + ky * s.dh, x = ox * s.sw + kx * s.dw;
              if (s.depth_mult == 0) {
                for (int c = 0; c < s.in_c; ++c)
                  acc += (int64_t(w[((size_t(oc) * s.kh + ky) * s.kw + kx) * s.in_c + c]) - wz) *
                         (padded[(size_t(y) * W + x) * s.in_c + c] - in_zp);
              } else {
                const int ic = oc / s.depth_mult;
                acc += (int64_t(w[(size_t(ky) * s.kw + kx) * s.out_c + oc]) - wz) *
                       (padded[(size_t(y) * W + x) * s.in_c + ic] - in_zp);
              }
            }
          if (bias) acc += (*bias)[oc];
          out.push_back(acc);
        }
  }
  return out;
}

inline std::vector<int8_t> conv_oracle(const ConvShape& s, const std::vector<int8_t>& in, const std::vector<int8_t>& w,
                                       const std::vector<int32_t>* bias, const std::vector<int32_t>& mult,
                                       const std::vector<int32_t>& shift, int in_zp, int out_zp, int act_min,
                                       int act_max, const std::vector<int32_t>* weight_zp = nullptr) {
  const std::vector<int64_t> acc = conv_accumulator_oracle(s, in, w, bias, in_zp, weight_zp);
  std::vector<int8_t> out;
  for (size_t e = 0; e < acc.size(); ++e) {
    const size_t oc = e % size_t(s.out_c);
    out.push_back(clamp8(requant(acc[e], mult[oc], shift[oc]) + out_zp, act_min, act_max));
  }
  return out;
}

}  // namespace kiln::test
