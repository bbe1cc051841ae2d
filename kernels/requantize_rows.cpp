#include "kernels/requantize_rows.h"

#include "kernels/requantize.h"

#if defined(__AVX2__)
#include <immintrin.h>
#endif

namespace kiln::kernels {

void requantize_rows_scalar(const RowRequantize& q, const int32_t* acc, int rows, int channels, int8_t* out) {
  for (int r = 0; r < rows; ++r)
    for (int c = 0; c < channels; ++c, ++acc, ++out) {
      const int32_t v = q.bias ? wrapping_add(*acc, q.bias[c]) : *acc;
      *out = requantize_accumulator(v, q.mult[c], q.shift[c], q.out_zp, q.act_min, q.act_max);
    }
}

namespace {

void requantize_uniform_scalar(const int32_t* values, int64_t count, int32_t mult, int shift, int32_t out_zp,
                               int32_t act_min, int32_t act_max, int8_t* out) {
  for (int64_t i = 0; i < count; ++i)
    out[i] = add_zero_point_and_clamp(multiply_by_quantized_multiplier(values[i], mult, shift), out_zp, act_min, act_max);
}

}  // namespace

#if defined(__AVX2__)
namespace {

// Written with intrinsics because no Debian library rescales with TFLite's
// exact rounding per channel on x86 vectors outside its own GEMM. Lane by
// lane this is requantize.h's arithmetic:
//   x << left; (x * m * 2 + nudge) >> 32 with the INT32_MIN*INT32_MIN
//   saturation; a rounding right shift; + zero point (wrapping); clamp.
struct Channels8 {
  __m256i left, right, mult, bias;
};

// The high 32 bits of (a * b * 2 + nudge) rounded as
// saturating_rounding_doubling_high_mul: the 64-bit products of the even and
// the odd lanes, each nudged by +2^30 or 1-2^30 by its sign, divided by 2^31
// toward zero.
inline __m256i high_mul(__m256i a, __m256i b) {
  const __m256i pos_nudge = _mm256_set1_epi64x(int64_t(1) << 30);
  const __m256i neg_nudge = _mm256_set1_epi64x(1 - (int64_t(1) << 30));
  const __m256i round_toward_zero = _mm256_set1_epi64x((int64_t(1) << 31) - 1);
  const __m256i zero = _mm256_setzero_si256();
  auto half = [&](__m256i x, __m256i y) {  // the even lanes of x and y, as int64
    const __m256i ab = _mm256_mul_epi32(x, y);
    const __m256i negative = _mm256_cmpgt_epi64(zero, ab);
    __m256i v = _mm256_add_epi64(ab, _mm256_blendv_epi8(pos_nudge, neg_nudge, negative));
    // Division by 2^31 toward zero: a negative sum is biased up by 2^31 - 1
    // first; the quotient's low 32 bits are then bits 31..62, the same after
    // a logical shift as after an arithmetic one.
    v = _mm256_add_epi64(v, _mm256_and_si256(_mm256_cmpgt_epi64(zero, v), round_toward_zero));
    return _mm256_srli_epi64(v, 31);
  };
  const __m256i even = half(a, b);
  const __m256i odd = half(_mm256_srli_epi64(a, 32), _mm256_srli_epi64(b, 32));
  const __m256i high = _mm256_blend_epi32(even, _mm256_slli_epi64(odd, 32), 0xAA);
  const __m256i int_min = _mm256_set1_epi32(INT32_MIN);
  const __m256i overflow = _mm256_and_si256(_mm256_cmpeq_epi32(a, int_min), _mm256_cmpeq_epi32(b, int_min));
  return _mm256_blendv_epi8(high, _mm256_set1_epi32(INT32_MAX), overflow);
}

// rounding_divide_by_pot with a shift per lane.
inline __m256i rounding_shift_right(__m256i x, __m256i exponent) {
  const __m256i one = _mm256_set1_epi32(1);
  const __m256i mask = _mm256_sub_epi32(_mm256_sllv_epi32(one, exponent), one);
  const __m256i remainder = _mm256_and_si256(x, mask);
  const __m256i negative = _mm256_srli_epi32(x, 31);  // 1 where x < 0
  const __m256i threshold = _mm256_add_epi32(_mm256_srai_epi32(mask, 1), negative);
  const __m256i round_up = _mm256_srli_epi32(_mm256_cmpgt_epi32(remainder, threshold), 31);
  return _mm256_add_epi32(_mm256_srav_epi32(x, exponent), round_up);
}

inline Channels8 load_channels(const RowRequantize& q, int c) {
  const __m256i zero = _mm256_setzero_si256();
  const __m256i shift = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(q.shift + c));
  Channels8 ch;
  ch.left = _mm256_max_epi32(shift, zero);
  ch.right = _mm256_max_epi32(_mm256_sub_epi32(zero, shift), zero);
  ch.mult = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(q.mult + c));
  ch.bias = q.bias ? _mm256_loadu_si256(reinterpret_cast<const __m256i*>(q.bias + c)) : zero;
  return ch;
}

inline __m256i requantize8(const Channels8& ch, __m256i acc, __m256i zp, __m256i lo, __m256i hi) {
  const __m256i shifted = _mm256_sllv_epi32(_mm256_add_epi32(acc, ch.bias), ch.left);  // both wrap
  const __m256i scaled = rounding_shift_right(high_mul(shifted, ch.mult), ch.right);
  return _mm256_min_epi32(_mm256_max_epi32(_mm256_add_epi32(scaled, zp), lo), hi);
}

// Eight int32 lanes (already within int8) to eight int8 bytes.
inline void store8(int8_t* out, __m256i v) {
  const __m128i words = _mm_packs_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
  _mm_storel_epi64(reinterpret_cast<__m128i*>(out), _mm_packs_epi16(words, words));
}

}  // namespace

void requantize_rows(const RowRequantize& q, const int32_t* acc, int rows, int channels, int8_t* out) {
  const int vector_channels = channels & ~7;
  // Validated kernels clamp inside int8; anything else keeps the scalar form.
  if (vector_channels == 0 || q.act_min < -128 || q.act_max > 127 || q.act_min > q.act_max) {
    requantize_rows_scalar(q, acc, rows, channels, out);
    return;
  }
  const __m256i zp = _mm256_set1_epi32(q.out_zp), lo = _mm256_set1_epi32(q.act_min),
                hi = _mm256_set1_epi32(q.act_max);
  RowRequantize tail = q;
  if (q.bias) tail.bias += vector_channels;
  tail.mult += vector_channels;
  tail.shift += vector_channels;
  for (int c = 0; c < vector_channels; c += 8) {
    const Channels8 ch = load_channels(q, c);
    for (int r = 0; r < rows; ++r) {
      const size_t at = size_t(r) * size_t(channels) + size_t(c);
      store8(out + at, requantize8(ch, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(acc + at)), zp, lo, hi));
    }
  }
  if (vector_channels < channels)
    for (int r = 0; r < rows; ++r) {
      const size_t at = size_t(r) * size_t(channels) + size_t(vector_channels);
      requantize_rows_scalar(tail, acc + at, 1, channels - vector_channels, out + at);
    }
}

void requantize_uniform(const int32_t* values, int64_t count, int32_t mult, int shift, int32_t out_zp, int32_t act_min,
                        int32_t act_max, int8_t* out) {
  const int64_t vector_count = count & ~int64_t(7);
  if (act_min < -128 || act_max > 127 || act_min > act_max || shift < -31 || shift > 31) {
    requantize_uniform_scalar(values, count, mult, shift, out_zp, act_min, act_max, out);
    return;
  }
  Channels8 ch;
  ch.left = _mm256_set1_epi32(shift > 0 ? shift : 0);
  ch.right = _mm256_set1_epi32(shift > 0 ? 0 : -shift);
  ch.mult = _mm256_set1_epi32(mult);
  ch.bias = _mm256_setzero_si256();
  const __m256i zp = _mm256_set1_epi32(out_zp), lo = _mm256_set1_epi32(act_min), hi = _mm256_set1_epi32(act_max);
  for (int64_t i = 0; i < vector_count; i += 8)
    store8(out + i, requantize8(ch, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(values + i)), zp, lo, hi));
  requantize_uniform_scalar(values + vector_count, count - vector_count, mult, shift, out_zp, act_min, act_max,
                            out + vector_count);
}

#else

void requantize_rows(const RowRequantize& q, const int32_t* acc, int rows, int channels, int8_t* out) {
  requantize_rows_scalar(q, acc, rows, channels, out);
}

void requantize_uniform(const int32_t* values, int64_t count, int32_t mult, int shift, int32_t out_zp, int32_t act_min,
                        int32_t act_max, int8_t* out) {
  requantize_uniform_scalar(values, count, mult, shift, out_zp, act_min, act_max, out);
}

#endif

}  // namespace kiln::kernels
