#include "kernels/fixed_point.h"

#include <limits>

#include "kernels/requantize.h"

namespace kiln::kernels::fixed_point {

namespace {

constexpr int32_t kInt32Max = std::numeric_limits<int32_t>::max();
constexpr int32_t kInt32Min = std::numeric_limits<int32_t>::min();

// Q(a) x Q(b) -> Q(a+b).
int32_t mul(int32_t a, int32_t b) { return saturating_rounding_doubling_high_mul(a, b); }

// Raw word of 2^exponent in Q(integer_bits).
int32_t constant_pot(int integer_bits, int exponent) { return int32_t(1) << (31 - integer_bits + exponent); }

// Fixed-point addition wraps as gemmlowp's int32 Add does on the target; done
// in unsigned arithmetic so it is defined behaviour here.
int32_t add(int32_t a, int32_t b) { return static_cast<int32_t>(static_cast<uint32_t>(a) + static_cast<uint32_t>(b)); }
int32_t sub(int32_t a, int32_t b) { return static_cast<int32_t>(static_cast<uint32_t>(a) - static_cast<uint32_t>(b)); }

int count_leading_zeros(uint32_t x) {
  int n = 0;
  while (n < 32 && !(x & (uint32_t(1) << (31 - n)))) ++n;
  return n;
}

// A sum or difference clamped to int32 (TFLite's SaturatingAddNonGemmlowp, SaturatingSub).
int32_t saturating(int64_t v) {
  return int32_t(v > int64_t(kInt32Max) ? int64_t(kInt32Max) : v < int64_t(kInt32Min) ? int64_t(kInt32Min) : v);
}

}  // namespace

int32_t one(int integer_bits) { return integer_bits == 0 ? kInt32Max : int32_t(1) << (31 - integer_bits); }

int32_t rounding_half_sum(int32_t a, int32_t b) {
  const int64_t sum = int64_t(a) + int64_t(b);
  const int64_t sign = sum >= 0 ? 1 : -1;
  return static_cast<int32_t>((sum + sign) / 2);
}

int32_t saturating_rounding_multiply_by_pot(int32_t x, int exponent) {
  if (exponent == 0) return x;
  if (exponent < 0) return rounding_divide_by_pot(x, -exponent);
  const int32_t threshold = static_cast<int32_t>((int64_t(1) << (31 - exponent)) - 1);
  if (x > threshold) return kInt32Max;
  if (x < -threshold) return kInt32Min;
  return static_cast<int32_t>(static_cast<uint32_t>(x) << exponent);
}

int32_t rescale(int32_t raw, int src_integer_bits, int dst_integer_bits) {
  return saturating_rounding_multiply_by_pot(raw, src_integer_bits - dst_integer_bits);
}

int32_t exp_on_interval_between_negative_one_quarter_and_0_excl(int32_t a) {
  const int32_t exp_minus_one_eighth = 1895147668;  // exp(-1/8) in Q0.31
  const int32_t one_third = 715827883;              // 1/3 in Q0.31
  // Taylor expansion around -1/8: x = a + 1/8.
  const int32_t x = add(a, constant_pot(0, -3));
  const int32_t x2 = mul(x, x);
  const int32_t x3 = mul(x2, x);
  const int32_t x4 = mul(x2, x2);
  const int32_t x4_over_4 = saturating_rounding_multiply_by_pot(x4, -2);
  const int32_t x4_over_24_plus_x3_over_6_plus_x2_over_2 =
      saturating_rounding_multiply_by_pot(add(mul(add(x4_over_4, x3), one_third), x2), -1);
  return add(exp_minus_one_eighth, mul(exp_minus_one_eighth, add(x, x4_over_24_plus_x3_over_6_plus_x2_over_2)));
}

int32_t exp_on_negative_values(int32_t a, int integer_bits) {
  const int fractional_bits = 31 - integer_bits;
  const int32_t one_quarter = constant_pot(integer_bits, -2);
  const int32_t mask = one_quarter - 1;
  // a = (a mod 1/4) - 1/4 - remainder, remainder a non-negative multiple of 1/4.
  const int32_t a_mod_quarter_minus_one_quarter = sub(a & mask, one_quarter);
  int32_t result = exp_on_interval_between_negative_one_quarter_and_0_excl(
      rescale(a_mod_quarter_minus_one_quarter, integer_bits, 0));
  const int32_t remainder = sub(a_mod_quarter_minus_one_quarter, a);

  // exp(-2^k) in Q0.31 for k = -2..4, applied for each set bit of the remainder.
  struct Factor {
    int exponent;
    int32_t multiplier;
  };
  static constexpr Factor kFactors[] = {{-2, 1672461947}, {-1, 1302514674}, {0, 790015084}, {1, 290630308},
                                        {2, 39332535},    {3, 720401},      {4, 242}};
  for (const Factor& f : kFactors) {
    if (integer_bits > f.exponent) {
      const int shift_amount = fractional_bits + f.exponent;
      if (remainder & (int32_t(1) << shift_amount)) result = mul(result, f.multiplier);
    }
  }
  // Below -32 the result is zero (only formats with more than 5 integer bits reach there).
  if (integer_bits > 5) {
    const int32_t clamp = -(int32_t(1) << (36 - integer_bits));  // -32
    if (a < clamp) result = 0;
  }
  if (a == 0) result = one(0);
  return result;
}

int32_t one_over_one_plus_x_for_x_in_0_1(int32_t a) {
  const int32_t half_denominator = rounding_half_sum(a, one(0));  // Q0
  const int32_t constant_48_over_17 = 1515870810;                  // Q2
  const int32_t constant_neg_32_over_17 = -1010580540;             // Q2
  int32_t x = add(constant_48_over_17, mul(half_denominator, constant_neg_32_over_17));  // Q2
  for (int i = 0; i < 3; ++i) {
    const int32_t half_denominator_times_x = mul(half_denominator, x);               // Q2
    const int32_t one_minus_half_denominator_times_x = sub(one(2), half_denominator_times_x);  // Q2
    x = add(x, rescale(mul(x, one_minus_half_denominator_times_x), 4, 2));
  }
  // x / 2 taken exactly as Q1 (same raw word), then back to Q0.
  return rescale(x, 1, 0);
}

int32_t get_reciprocal(int32_t x, int x_integer_digits, int* num_bits_over_unit) {
  const uint32_t ux = static_cast<uint32_t>(x);
  const int headroom_plus_one = count_leading_zeros(ux);
  *num_bits_over_unit = x_integer_digits - headroom_plus_one;
  // x normalized into [1, 2), minus 1, as Q0.31.
  const int32_t shifted_minus_one =
      static_cast<int32_t>((ux << headroom_plus_one) - (uint32_t(1) << 31));
  return one_over_one_plus_x_for_x_in_0_1(shifted_minus_one);
}

int32_t log_x_for_x_greater_than_or_equal_to_1(int32_t x, int input_integer_bits, int output_integer_bits) {
  // Q0.31 constants: ln 2, 2^-1/4, 2^-1/2, 1/4 and the rational
  // approximation's coefficients (TFLite's, each named by the value it holds).
  const int32_t log_2 = 1488522236;
  const int32_t sqrt_sqrt_half = 1805811301;
  const int32_t sqrt_half = 1518500250;
  const int32_t one_quarter = 536870912;
  const int32_t alpha_n = 117049297;   // 11/240 * 2^(1/4)
  const int32_t alpha_d = 127690142;   // 1/20 * 2^(1/4)
  const int32_t alpha_i = 1057819769;  // 2 / 2^(1/4) - 2^(1/4)
  const int32_t alpha_f = 638450708;   // 1/4 * 2^(1/4)
  // One integer bit more than the result: the exponent times ln 2 may saturate.
  const int accum_bits = output_integer_bits + 1;
  const int32_t shifted_quarter = rescale(one_quarter, 0, accum_bits);

  // x's raw word read as Q0.31; the exponent is found from its leading zeros.
  const int32_t z_a = x;
  const int z_a_headroom_plus_1 = count_leading_zeros(uint32_t(z_a));
  const int32_t r_a_tmp = saturating_rounding_multiply_by_pot(z_a, z_a_headroom_plus_1 - 1);
  const int32_t r_a = saturating_rounding_multiply_by_pot(mul(r_a_tmp, sqrt_half), 1);
  const int32_t z_a_pow_2_adj =
      saturating(int64_t(saturating_rounding_multiply_by_pot(input_integer_bits - z_a_headroom_plus_1,
                                                             31 - accum_bits)) +
                 shifted_quarter);
  // The same, x premultiplied by 2^-1/2.
  const int32_t z_b = mul(z_a, sqrt_half);
  const int z_b_headroom = count_leading_zeros(uint32_t(z_b)) - 1;
  const int32_t r_b = saturating_rounding_multiply_by_pot(z_a, z_b_headroom);
  const int32_t z_b_pow_2_adj = saturating(
      int64_t(saturating_rounding_multiply_by_pot(input_integer_bits - z_b_headroom, 31 - accum_bits)) -
      shifted_quarter);

  const int32_t r = r_a < r_b ? r_a : r_b;
  const int32_t z_pow_2_adj = z_a_pow_2_adj > z_b_pow_2_adj ? z_a_pow_2_adj : z_b_pow_2_adj;

  const int32_t p = rounding_half_sum(r, sqrt_sqrt_half);
  int32_t q = sub(r, sqrt_sqrt_half);
  q = add(q, q);
  const int32_t common_sq = mul(q, q);
  const int32_t num = add(mul(q, r), mul(mul(q, common_sq), alpha_n));
  const int32_t denom_minus_one = add(mul(p, add(add(alpha_i, q), mul(alpha_d, common_sq))), mul(alpha_f, q));
  const int32_t recip_denom = one_over_one_plus_x_for_x_in_0_1(denom_minus_one);
  const int32_t num_scaled = rescale(num, 0, accum_bits);
  // Q(accum_bits) x Q0 stays Q(accum_bits).
  return rescale(add(mul(z_pow_2_adj, log_2), mul(num_scaled, recip_denom)), accum_bits, output_integer_bits);
}

}  // namespace kiln::kernels::fixed_point
