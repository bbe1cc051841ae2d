#include <catch2/catch.hpp>

#include "kernels/concat2.h"
#include "kernels/copy.h"
#include "kernels/mirror_pad.h"
#include "kernels/pad.h"
#include "kernels/requantize.h"
#include "kernels/requantize_tensor.h"
#include "kernels/resize_bilinear.h"
#include "kernels/resize_nearest.h"
#include "kernels/slice.h"
#include "kernels/transpose.h"
#include "tests/kernels/oracle.h"

using namespace kiln;

TEST_CASE("pad: constant border around each image", "[kernels]") {
  kernels::PadParams p;
  p.batches = 2, p.in_h = 1, p.in_w = 2, p.c = 1, p.pad_top = 1, p.pad_bottom = 0, p.pad_left = 0, p.pad_right = 1;
  p.pad_value = -7;
  const std::vector<int8_t> in = {1, 2, 3, 4};
  std::vector<int8_t> out(2 * 2 * 3);
  kernels::pad(p, in.data(), out.data());
  CHECK(out == std::vector<int8_t>{-7, -7, -7, 1, 2, -7, -7, -7, -7, 3, 4, -7});
  p.pad_value = 200;
  CHECK_THROWS_WITH(kernels::pad(p, in.data(), out.data()), Catch::Contains("pad: pad_value:"));
}

TEST_CASE("transpose: a 2x3 matrix, NCHW to NHWC and a rank-5 shuffle, element by element", "[kernels]") {
  const int32_t matrix[] = {2, 3}, swap[] = {1, 0};
  std::vector<int8_t> out(6);
  kernels::transpose(kernels::transpose_params(matrix, swap, 2), std::vector<int8_t>{1, 2, 3, 4, 5, 6}.data(), out.data());
  CHECK(out == std::vector<int8_t>{1, 4, 2, 5, 3, 6});

  // [1, C=2, H=2, W=3] to [1, H, W, C]: out(h, w, c) = in(c, h, w).
  const int32_t nchw[] = {1, 2, 2, 3}, to_nhwc[] = {0, 2, 3, 1};
  std::vector<int8_t> in(12);
  for (int i = 0; i < 12; ++i) in[size_t(i)] = int8_t(i - 6);
  out.assign(12, 0);
  kernels::transpose(kernels::transpose_params(nchw, to_nhwc, 4), in.data(), out.data());
  for (int h = 0; h < 2; ++h)
    for (int w = 0; w < 3; ++w)
      for (int c = 0; c < 2; ++c) CHECK(out[size_t((h * 3 + w) * 2 + c)] == in[size_t((c * 2 + h) * 3 + w)]);

  // A channel shuffle, [1, 1, 2, 2, 3] with its last two dimensions swapped.
  const int32_t groups[] = {1, 1, 2, 2, 3}, shuffle[] = {0, 1, 2, 4, 3};
  const kernels::TransposeParams p = kernels::transpose_params(groups, shuffle, 5);
  CHECK(p.d0 == 1);  // rank 5 below 6: one leading dimension of 1, left in place
  CHECK(p.p0 == 0);
  CHECK(p.p4 == 5);
  CHECK(p.p5 == 4);
  kernels::transpose(p, in.data(), out.data());
  CHECK(out == std::vector<int8_t>{-6, -3, -5, -2, -4, -1, 0, 3, 1, 4, 2, 5});
}

TEST_CASE("transpose: a perm that is no permutation, a rank past 6 and a zero dimension are errors", "[kernels]") {
  const int32_t shape[] = {2, 3}, repeated[] = {0, 0}, outside[] = {0, 2};
  CHECK_THROWS_WITH(kernels::transpose_params(shape, repeated, 2), Catch::Contains("transpose: p5: 4 repeats"));
  CHECK_THROWS_WITH(kernels::transpose_params(shape, outside, 2), Catch::Contains("transpose: perm: entry 1 is 2"));
  const int32_t seven[] = {1, 1, 1, 1, 1, 1, 1}, identity[] = {0, 1, 2, 3, 4, 5, 6};
  CHECK_THROWS_WITH(kernels::transpose_params(seven, identity, 7), Catch::Contains("transpose: rank: must be in [1, 6]"));
  kernels::TransposeParams p;
  p.d3 = 0;
  CHECK_THROWS_WITH(kernels::validate(p), Catch::Contains("transpose: d3:"));
}

TEST_CASE("slice: forward, backward and strided indices of a 3x4 matrix", "[kernels]") {
  const std::vector<int8_t> in = {0, 1, 2, 3, 10, 11, 12, 13, 20, 21, 22, 23};
  const int32_t shape[] = {3, 4};
  std::vector<int8_t> out(4);
  {
    const int32_t begin[] = {1, 1}, stride[] = {1, 1}, size[] = {2, 2};
    kernels::slice(kernels::slice_params(shape, begin, stride, size, 2), in.data(), out.data());
    CHECK(out == std::vector<int8_t>{11, 12, 21, 22});
  }
  {
    const int32_t begin[] = {2, 3}, stride[] = {-2, -3}, size[] = {2, 2};
    kernels::slice(kernels::slice_params(shape, begin, stride, size, 2), in.data(), out.data());
    CHECK(out == std::vector<int8_t>{23, 20, 3, 0});
  }
}

TEST_CASE("slice: a step of 0 or indices past a dimension are errors", "[kernels]") {
  const int32_t shape[] = {3, 4}, begin[] = {0, 1}, size[] = {2, 2};
  const int32_t zero[] = {1, 0}, long_step[] = {1, 3};
  CHECK_THROWS_WITH(kernels::slice_params(shape, begin, zero, size, 2), Catch::Contains("slice: s5: must not be 0"));
  CHECK_THROWS_WITH(kernels::slice_params(shape, begin, long_step, size, 2),
                    Catch::Contains("slice: n5: 2 steps of 3 from 1 end at 4, outside [0, 3]"));
  const int32_t past[] = {3, 0}, one[] = {1, 1};
  CHECK_THROWS_WITH(kernels::slice_params(shape, past, one, size, 2), Catch::Contains("slice: b4:"));
}

TEST_CASE("resize_nearest: TFLite's indices for each convention, and an image resized by them", "[kernels]") {
  // 5 to 9, floor(x * 5/9): 0 0 1 1 2 2 3 3 4.
  std::vector<int32_t> idx;
  for (int x = 0; x < 9; ++x) idx.push_back(kernels::nearest_index(x, 5, 9, false, false));
  CHECK(idx == std::vector<int32_t>{0, 0, 1, 1, 2, 2, 3, 3, 4});
  // align_corners, 7 to 4: round(y * 2): 0 2 4 6.
  idx.clear();
  for (int y = 0; y < 4; ++y) idx.push_back(kernels::nearest_index(y, 7, 4, true, false));
  CHECK(idx == std::vector<int32_t>{0, 2, 4, 6});
  // half_pixel_centers, 7 to 10: floor((y + 0.5) * 0.7): 0 1 1 2 3 3 4 5 5 6.
  idx.clear();
  for (int y = 0; y < 10; ++y) idx.push_back(kernels::nearest_index(y, 7, 10, false, true));
  CHECK(idx == std::vector<int32_t>{0, 1, 1, 2, 3, 3, 4, 5, 5, 6});

  kernels::ResizeNearestParams p;
  p.in_h = 1, p.in_w = 2, p.c = 2, p.out_h = 2, p.out_w = 4;
  const std::vector<int8_t> in = {1, 2, 3, 4};
  std::vector<int8_t> out(16);
  kernels::resize_nearest(p, in.data(), out.data());
  CHECK(out == std::vector<int8_t>{1, 2, 1, 2, 3, 4, 3, 4, 1, 2, 1, 2, 3, 4, 3, 4});
  p.align_corners = 2;
  CHECK_THROWS_WITH(kernels::resize_nearest(p, in.data(), out.data()), Catch::Contains("resize_nearest: align_corners:"));
}

TEST_CASE("resize_bilinear: TFLite's 10-bit coordinates, edge clamping and rounding, worked by hand", "[kernels]") {
  kernels::ResizeBilinearParams p;
  p.in_h = 1, p.in_w = 2, p.c = 1, p.out_h = 1, p.out_w = 4;
  std::vector<int8_t> out(4);
  // scale 512 (half a pixel): 0, the midpoint, 100, and the last column
  // clamped to the edge (both neighbours are the last pixel).
  kernels::resize_bilinear(p, std::vector<int8_t>{0, 100}.data(), out.data());
  CHECK(out == std::vector<int8_t>{0, 50, 100, 100});
  // A tie rounds half away from zero: -0.5 -> -1, 0.5 -> 1.
  kernels::resize_bilinear(p, std::vector<int8_t>{-1, 0}.data(), out.data());
  CHECK(out == std::vector<int8_t>{-1, -1, 0, 0});
  kernels::resize_bilinear(p, std::vector<int8_t>{1, 0}.data(), out.data());
  CHECK(out == std::vector<int8_t>{1, 1, 0, 0});
  // half_pixel_centers: coordinates -1/4, 1/4, 3/4, 5/4; the first clamps to pixel 0.
  p.half_pixel_centers = 1;
  kernels::resize_bilinear(p, std::vector<int8_t>{0, 100}.data(), out.data());
  CHECK(out == std::vector<int8_t>{0, 25, 75, 100});
  CHECK(kernels::bilinear_tap(0, 512, true, 2).at_10 == -256);
  // align_corners: 2 to 3 columns, the middle one halfway.
  p.half_pixel_centers = 0, p.align_corners = 1, p.out_w = 3;
  kernels::resize_bilinear(p, std::vector<int8_t>{0, 100}.data(), out.data());
  CHECK(std::vector<int8_t>(out.begin(), out.begin() + 3) == std::vector<int8_t>{0, 50, 100});

  // 2x2 to 3x3 with align_corners, two images of 2 channels: the centre is
  // the mean of the four corners (rounded half away from zero), each image
  // and channel apart.
  kernels::ResizeBilinearParams q;
  q.batches = 2, q.in_h = 2, q.in_w = 2, q.c = 2, q.out_h = 3, q.out_w = 3, q.align_corners = 1;
  const std::vector<int8_t> in = {10, -10, 20, -20, 30, -30, 41, -41,  // image 0: corners (10, 20, 30, 41), negated
                                  0, 1, 0, 1, 0, 1, 0, 2};             // image 1
  std::vector<int8_t> img(2 * 9 * 2);
  kernels::resize_bilinear(q, in.data(), img.data());
  CHECK(img[(1 * 3 + 1) * 2] == 25);       // (10 + 20 + 30 + 41) / 4 = 25.25
  CHECK(img[(1 * 3 + 1) * 2 + 1] == -25);
  CHECK(img[(2 * 3 + 2) * 2] == 41);       // a corner stays a corner
  CHECK(img[18 + (1 * 3 + 1) * 2 + 1] == 1);  // (1 + 1 + 1 + 2) / 4 = 1.25
  CHECK(img[18 + (2 * 3 + 2) * 2 + 1] == 2);

  q.half_pixel_centers = 1;
  CHECK_THROWS_WITH(kernels::validate(q), Catch::StartsWith("resize_bilinear: half_pixel_centers:"));
  q.half_pixel_centers = 0, q.in_w = 1 << 22;
  CHECK_THROWS_WITH(kernels::validate(q), Catch::Contains("overflow TFLite's int32 10-bit fixed point"));
}

TEST_CASE("mirror_pad: REFLECT leaves the edge out of the mirror, SYMMETRIC repeats it", "[kernels]") {
  // One row a b c (1 2 3) padded by 2 before and 2 after.
  const int32_t row[] = {3}, two[] = {2};
  const std::vector<int8_t> abc = {1, 2, 3};
  std::vector<int8_t> out(7);
  kernels::mirror_pad(kernels::mirror_pad_params(row, two, two, 1, false), abc.data(), out.data());
  CHECK(out == std::vector<int8_t>{3, 2, 1, 2, 3, 2, 1});
  kernels::mirror_pad(kernels::mirror_pad_params(row, two, two, 1, true), abc.data(), out.data());
  CHECK(out == std::vector<int8_t>{2, 1, 1, 2, 3, 3, 2});
  // TFLite Micro's index arithmetic, index by index, for a dimension of 4 padded by 3 and 2.
  CHECK(kernels::mirror_index(0, 3, 4, false) == 3);
  CHECK(kernels::mirror_index(2, 3, 4, false) == 1);
  CHECK(kernels::mirror_index(3, 3, 4, false) == 0);
  CHECK(kernels::mirror_index(7, 3, 4, false) == 2);
  CHECK(kernels::mirror_index(8, 3, 4, false) == 1);
  CHECK(kernels::mirror_index(0, 3, 4, true) == 2);
  CHECK(kernels::mirror_index(7, 3, 4, true) == 3);

  // A 2x3 image of 2 channels, H by 1 before (REFLECT) and W by 1 after:
  // every element against the mirrored coordinates written out.
  const int32_t hwc[] = {2, 3, 2}, before[] = {1, 0, 0}, after[] = {0, 1, 0};
  std::vector<int8_t> in(12);
  for (int i = 0; i < 12; ++i) in[size_t(i)] = int8_t(10 * i);
  std::vector<int8_t> img(3 * 4 * 2);
  kernels::mirror_pad(kernels::mirror_pad_params(hwc, before, after, 3, false), in.data(), img.data());
  const int rows[] = {1, 0, 1}, cols[] = {0, 1, 2, 1};
  for (int y = 0; y < 3; ++y)
    for (int x = 0; x < 4; ++x)
      for (int c = 0; c < 2; ++c) {
        INFO(y << "," << x << "," << c);
        CHECK(img[size_t((y * 4 + x) * 2 + c)] == in[size_t((rows[y] * 3 + cols[x]) * 2 + c)]);
      }
}

TEST_CASE("mirror_pad: padding past what the mirror holds is an error", "[kernels]") {
  const int32_t row[] = {3}, three[] = {3}, none[] = {0};
  CHECK_THROWS_WITH(kernels::mirror_pad_params(row, three, none, 1, false),
                    "mirror_pad: b5: must be in [0, 2], got 3");
  CHECK_NOTHROW(kernels::mirror_pad_params(row, three, none, 1, true));
  CHECK_THROWS_WITH(kernels::mirror_pad_params(row, none, none, 7, false), "mirror_pad: rank: must be in [1, 6], got 7");
  kernels::MirrorPadParams p;
  p.symmetric = 2;
  CHECK_THROWS_WITH(kernels::validate(p), "mirror_pad: symmetric: must be in [0, 1], got 2");
}

TEST_CASE("concat2: rows interleave", "[kernels]") {
  kernels::Concat2Params p;
  p.outer = 2, p.in1_inner = 3, p.in2_inner = 1;
  const std::vector<int8_t> a = {1, 2, 3, 4, 5, 6}, b = {-1, -2};
  std::vector<int8_t> out(8);
  kernels::concat2(p, a.data(), b.data(), out.data());
  CHECK(out == std::vector<int8_t>{1, 2, 3, -1, 4, 5, 6, -2});
  p.in1_inner = 0;
  kernels::concat2(p, a.data(), b.data(), out.data());
  CHECK(out[0] == -1);
  CHECK(out[1] == -2);
  p.in2_inner = 0;
  CHECK_THROWS_WITH(kernels::concat2(p, a.data(), b.data(), out.data()), Catch::Contains("concat2:"));
}

TEST_CASE("copy: overlapping ranges", "[kernels]") {
  std::vector<int8_t> v = {1, 2, 3, 4, 5};
  kernels::copy(4, v.data(), v.data() + 1);
  CHECK(v == std::vector<int8_t>{1, 1, 2, 3, 4});
  CHECK_THROWS_WITH(kernels::copy(-1, v.data(), v.data()), Catch::Contains("copy: bytes:"));
}

TEST_CASE("requantize: halving, negative tie and ReLU bounds", "[kernels]") {
  kernels::RequantizeParams p;
  p.count = 4, p.mult = 1 << 30, p.shift = 0;  // scale 0.5
  const std::vector<int8_t> in = {3, -3, -6, 127};
  std::vector<int8_t> out(4);
  kernels::requantize(p, in.data(), out.data());
  // 1.5 -> 2; -1.5 -> -1 (the high multiply rounds ties up); -3; 63.5 -> 64.
  CHECK(out == std::vector<int8_t>{2, -1, -3, 64});
  // ReLU with zero points: in_zp = out_zp = -10, same scale, act_min = out_zp.
  p.in_zp = -10, p.out_zp = -10, p.mult = 1 << 30, p.shift = 1, p.act_min = -10;
  const std::vector<int8_t> r = {-20, -10, 5, 127};
  kernels::requantize(p, r.data(), out.data());
  CHECK(out == std::vector<int8_t>{-10, -10, 5, 127});
  // Scale 3 saturates.
  p.in_zp = 0, p.out_zp = 0, p.act_min = -128;
  kernels::quantize_multiplier(3.0, &p.mult, &p.shift);
  const std::vector<int8_t> s = {50, -50, 10, -43};
  kernels::requantize(p, s.data(), out.data());
  CHECK(out == std::vector<int8_t>{127, -128, 30, -128});
  p.shift = 31;
  CHECK_THROWS_WITH(kernels::requantize(p, s.data(), out.data()), Catch::Contains("requantize: shift:"));
}
