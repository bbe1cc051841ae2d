// Operators: one-op TFLite models that parse but are semantically absurd,
// built from the fuzzer's bytes with the TFLite schema, then read, compiled
// and run by the reference exactly as a model file would be. Dimensions range
// from 0 to 2^31-1 (and negative), scales over 0, NaN, infinities, 1e38,
// denormals and negatives, zero points out of int8, per-channel parameter
// counts that do not match the channels, constants shorter than their shape,
// element-wise operands that repeat or are constants (SUB, MUL),
// float32 edges (QUANTIZE from a float input, DEQUANTIZE to a float or
// wrongly typed output), the unary functions kiln builds as tables (LOGISTIC,
// TANH, HARD_SWISH, LEAKY_RELU with any alpha, ELU) and MAXIMUM/MINIMUM.
// One bit after the model's bytes picks the SoC: the default, or the default with the
// vector unit, whose partition and planners take other paths.
//
// KILN_FUZZ_DUMP_MODEL=FILE writes the model built from the input to FILE,
// to replay a finding through the command line (kiln run FILE).
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <vector>

#include <flatbuffers/flatbuffers.h>

#include "compiler/frontend/tflite_reader.h"
#include "compiler/frontend/tflite_schema_generated.h"
#include "tests/fuzz/model_pipeline.h"
#include "tests/fuzz/tflite_model_bytes.h"

namespace {

namespace tfl = tflite;
using kiln::fuzz::Bytes;
using kiln::fuzz::ModelBuilder;
using kiln::fuzz::elements;

// Output extent of a window as TFLite computes it (VALID or SAME), or a
// fuzzed one.
int32_t out_extent(Bytes& in, int32_t size, int32_t kernel, int32_t stride, bool same) {
  if (in.u8() >= 240) return in.dim();
  if (stride <= 0) return 1;
  const int64_t v = same ? (int64_t(size) + stride - 1) / stride : (int64_t(size) - kernel + stride) / stride;
  return int32_t(std::max<int64_t>(std::min<int64_t>(v, std::numeric_limits<int32_t>::max()), 0));
}

std::vector<uint8_t> build_model(Bytes& in) {
  ModelBuilder m(in);
  auto& fbb = m.fbb();
  const std::vector<int32_t> in_shape{in.u8() < 240 ? 1 : in.dim(), in.dim(), in.dim(), in.dim()};
  const int x = m.activation(in_shape);
  const auto act = in.pick<tfl::ActivationFunctionType>({tfl::ActivationFunctionType_NONE, tfl::ActivationFunctionType_RELU,
                                                         tfl::ActivationFunctionType_RELU6,
                                                         tfl::ActivationFunctionType_RELU_N1_TO_1,
                                                         tfl::ActivationFunctionType_TANH});
  const auto padding = in.flag() ? tfl::Padding_SAME : tfl::Padding_VALID;
  const bool same = padding == tfl::Padding_SAME;
  // Selectors below 224 keep the operators they picked before the table
  // functions and MAXIMUM/MINIMUM were added, and those below 248 theirs
  // before SUB and MUL, so regression inputs keep building the model they
  // were found with.
  const uint8_t selector = in.u8();
  switch (selector < 224 ? selector % 16 : selector < 248 ? 16 + selector % 2 : 18 + selector % 2) {
    case 0:
    case 1: {  // CONV_2D, DEPTHWISE_CONV_2D
      const bool depthwise = in.u8() & 1;
      const int32_t kh = in.flag() ? in.small(1, 5) : in.dim(), kw = in.flag() ? in.small(1, 5) : in.dim();
      const int32_t sh = in.small(0, 3), sw = in.small(1, 3), dh = in.u8() < 240 ? 1 : in.small(0, 4), dw = 1;
      const int32_t mult = in.u8() < 240 ? 1 : in.small(0, 3);
      const int32_t oc = depthwise ? int32_t(std::min<int64_t>(int64_t(in_shape[3]) * mult, INT32_MAX)) : in.dim();
      const std::vector<int32_t> w_shape = depthwise ? std::vector<int32_t>{1, kh, kw, oc}
                                                     : std::vector<int32_t>{oc, kh, kw, in_shape[3]};
      const int w = m.tensor(w_shape, tfl::TensorType_INT8, m.quant(m.channel_count(oc), depthwise ? 3 : 0),
                             m.constant(w_shape, 1));
      const int b = m.tensor({oc}, tfl::TensorType_INT32, m.quant(m.channel_count(oc), 0), m.constant({oc}, 4));
      const int y = m.activation({in_shape[0], out_extent(in, in_shape[1], kh, sh, same),
                                  out_extent(in, in_shape[2], kw, sw, same), oc});
      if (depthwise)
        return m.finish(tfl::BuiltinOperator_DEPTHWISE_CONV_2D, {x, w, b}, {y},
                        tfl::BuiltinOptions_DepthwiseConv2DOptions,
                        tfl::CreateDepthwiseConv2DOptions(fbb, padding, sw, sh, mult, act, dw, dh).Union(), {x});
      return m.finish(tfl::BuiltinOperator_CONV_2D, {x, w, b}, {y}, tfl::BuiltinOptions_Conv2DOptions,
                      tfl::CreateConv2DOptions(fbb, padding, sw, sh, act, dw, dh).Union(), {x});
    }
    case 2: {  // FULLY_CONNECTED
      const int64_t n = elements(in_shape);
      const int32_t k = in.u8() < 240 ? in_shape[3] : in.dim();
      const int32_t batches = k > 0 && n > 0 ? int32_t(n / k) : 1;
      const int32_t oc = in.dim();
      const int w = m.tensor({oc, k}, tfl::TensorType_INT8, m.quant(m.channel_count(oc), 0), m.constant({oc, k}, 1));
      const int b = m.tensor({oc}, tfl::TensorType_INT32, m.quant(m.channel_count(oc), 0), m.constant({oc}, 4));
      const int y = m.activation({batches, oc});
      return m.finish(tfl::BuiltinOperator_FULLY_CONNECTED, {x, w, in.u8() < 230 ? b : -1}, {y},
                      tfl::BuiltinOptions_FullyConnectedOptions,
                      tfl::CreateFullyConnectedOptions(fbb, act).Union(), {x});
    }
    case 3: {  // ADD
      const int x2 = m.activation(in.u8() < 230 ? in_shape : std::vector<int32_t>{1, in.dim(), in.dim(), in.dim()});
      const int y = m.activation(in_shape);
      return m.finish(tfl::BuiltinOperator_ADD, {x, x2}, {y}, tfl::BuiltinOptions_AddOptions,
                      tfl::CreateAddOptions(fbb, act).Union(), {x, x2});
    }
    case 4:
    case 5: {  // AVERAGE_POOL_2D, MAX_POOL_2D
      const int32_t kh = in.flag() ? in.small(1, 4) : in.dim(), kw = in.flag() ? in.small(1, 4) : in.dim();
      const int32_t sh = in.small(0, 3), sw = in.small(1, 3);
      const int y = m.activation({in_shape[0], out_extent(in, in_shape[1], kh, sh, same),
                                  out_extent(in, in_shape[2], kw, sw, same), in_shape[3]});
      return m.finish(in.flag() ? tfl::BuiltinOperator_AVERAGE_POOL_2D : tfl::BuiltinOperator_MAX_POOL_2D, {x}, {y},
                      tfl::BuiltinOptions_Pool2DOptions,
                      tfl::CreatePool2DOptions(fbb, padding, sw, sh, kw, kh, act).Union(), {x});
    }
    case 6: {  // MEAN
      const int axes = m.int32_constant(in.u8() < 220 ? std::vector<int32_t>{1, 2}
                                                      : std::vector<int32_t>{in.small(-5, 5), in.small(-5, 5)});
      const bool keep = in.flag();
      const int y = m.activation(keep ? std::vector<int32_t>{in_shape[0], 1, 1, in_shape[3]}
                                      : std::vector<int32_t>{in_shape[0], in_shape[3]});
      return m.finish(tfl::BuiltinOperator_MEAN, {x, axes}, {y}, tfl::BuiltinOptions_ReducerOptions,
                      tfl::CreateReducerOptions(fbb, keep).Union(), {x});
    }
    case 7: {  // RESHAPE
      const int64_t n = elements(in_shape);
      std::vector<int32_t> out{1, int32_t(n > 0 && n < (1 << 30) ? n : 1)};
      if (in.u8() >= 220) out = {in.dim(), in.dim()};
      const int shape = m.int32_constant(out);
      const int y = m.activation(out);
      return m.finish(tfl::BuiltinOperator_RESHAPE, {x, shape}, {y}, tfl::BuiltinOptions_NONE, 0, {x});
    }
    case 8: {  // PAD
      std::vector<int32_t> pads(8, 0);
      for (int i = 2; i < 6; ++i) pads[size_t(i)] = in.u8() < 220 ? in.small(0, 2) : in.dim();
      if (in.u8() >= 240) pads[0] = in.dim();
      std::vector<uint8_t> bytes;
      for (int32_t v : pads)
        for (int k = 0; k < 4; ++k) bytes.push_back(uint8_t(uint32_t(v) >> (8 * k)));
      const int p = m.tensor({4, 2}, tfl::TensorType_INT32, 0, m.constant({4, 2}, 4, bytes));
      const int64_t h = int64_t(in_shape[1]) + pads[2] + pads[3], w = int64_t(in_shape[2]) + pads[4] + pads[5];
      const int y = m.activation({in_shape[0], int32_t(h), int32_t(w), in_shape[3]});
      return m.finish(tfl::BuiltinOperator_PAD, {x, p}, {y}, tfl::BuiltinOptions_NONE, 0, {x});
    }
    case 9: {  // SOFTMAX
      const int y = m.activation(in_shape);
      return m.finish(tfl::BuiltinOperator_SOFTMAX, {x}, {y}, tfl::BuiltinOptions_SoftmaxOptions,
                      tfl::CreateSoftmaxOptions(fbb, in.flag() ? 1.0f : in.scale()).Union(), {x});
    }
    case 10:
    case 11:
    case 12: {  // RELU, RELU6, QUANTIZE
      const int y = m.activation(in.u8() < 240 ? in_shape : std::vector<int32_t>{in.dim(), 1, 1, 1});
      const auto code = in.pick<tfl::BuiltinOperator>(
          {tfl::BuiltinOperator_RELU, tfl::BuiltinOperator_RELU6, tfl::BuiltinOperator_QUANTIZE});
      return m.finish(code, {x}, {y}, tfl::BuiltinOptions_NONE, 0, {x});
    }
    case 13: {  // QUANTIZE from a float32 graph input
      const int f = m.tensor(in_shape, tfl::TensorType_FLOAT32, in.u8() < 230 ? 0 : m.quant(1, 0));
      const int y = m.activation(in_shape);
      return m.finish(tfl::BuiltinOperator_QUANTIZE, {f}, {y}, tfl::BuiltinOptions_NONE, 0, {f});
    }
    case 14: {  // DEQUANTIZE to a float32 graph output
      const int y = m.tensor(in.u8() < 240 ? in_shape : std::vector<int32_t>{in.dim(), 1, 1, 1},
                             in.pick<tfl::TensorType>({tfl::TensorType_FLOAT32, tfl::TensorType_FLOAT32,
                                                       tfl::TensorType_INT8, tfl::TensorType_INT32}),
                             in.u8() < 230 ? 0 : m.quant(1, 0));
      return m.finish(tfl::BuiltinOperator_DEQUANTIZE, {x}, {y}, tfl::BuiltinOptions_NONE, 0, {x});
    }
    case 16: {  // LOGISTIC, TANH, HARD_SWISH, LEAKY_RELU, ELU
      const int y = m.activation(in.u8() < 240 ? in_shape : std::vector<int32_t>{in.dim(), 1, 1, 1});
      const auto code = in.pick<tfl::BuiltinOperator>(
          {tfl::BuiltinOperator_LOGISTIC, tfl::BuiltinOperator_TANH, tfl::BuiltinOperator_HARD_SWISH,
           tfl::BuiltinOperator_LEAKY_RELU, tfl::BuiltinOperator_ELU});
      if (code == tfl::BuiltinOperator_LEAKY_RELU) {
        const float alpha = in.flag() ? 0.2f : in.scale() * (in.flag() ? -1.0f : 1.0f);
        return m.finish(code, {x}, {y}, tfl::BuiltinOptions_LeakyReluOptions,
                        tfl::CreateLeakyReluOptions(fbb, alpha).Union(), {x});
      }
      return m.finish(code, {x}, {y}, tfl::BuiltinOptions_NONE, 0, {x});
    }
    case 17: {  // MAXIMUM, MINIMUM
      const int x2 = m.activation(in.u8() < 230 ? in_shape : std::vector<int32_t>{1, in.dim(), in.dim(), in.dim()});
      const int y = m.activation(in.u8() < 240 ? in_shape : std::vector<int32_t>{in.dim(), 1, 1, 1});
      return m.finish(in.flag() ? tfl::BuiltinOperator_MAXIMUM : tfl::BuiltinOperator_MINIMUM, {x, x2}, {y},
                      tfl::BuiltinOptions_NONE, 0, {x, x2});
    }
    case 18:
    case 19: {  // SUB, MUL: an operand that repeats (per channel, scalar, or any shape) or is a constant, either side
      const int x2 = m.activation(in.u8() < 230 ? in_shape : std::vector<int32_t>{1, in.dim(), in.dim(), in.dim()});
      const int y = m.activation(in_shape);
      int b = x2;
      const uint8_t form = in.u8();
      if (form >= 128) {
        const std::vector<int32_t> shape = in.pick<std::vector<int32_t>>(
            {{1, 1, 1, in_shape[3]}, {in_shape[3]}, {1}, {}, {in.dim(), in.dim()}});
        b = form >= 192 ? m.tensor(shape, tfl::TensorType_INT8, m.quant(1, 0), m.constant(shape, 1))
                        : m.activation(shape);
      }
      const bool b_first = in.flag();
      std::vector<int> graph_inputs{x};
      if (form < 192) graph_inputs.push_back(b);
      const std::vector<int> inputs = b_first ? std::vector<int>{b, x} : std::vector<int>{x, b};
      if (selector % 2 == 0)
        return m.finish(tfl::BuiltinOperator_SUB, inputs, {y}, tfl::BuiltinOptions_SubOptions,
                        tfl::CreateSubOptions(fbb, act).Union(), graph_inputs);
      return m.finish(tfl::BuiltinOperator_MUL, inputs, {y}, tfl::BuiltinOptions_MulOptions,
                      tfl::CreateMulOptions(fbb, act).Union(), graph_inputs);
    }
    default: {  // CONCATENATION
      const int32_t axis = in.u8() < 220 ? 3 : in.small(-6, 6);
      std::vector<int32_t> s2 = in_shape;
      s2[3] = in.dim();
      const int x2 = m.activation(s2);
      std::vector<int32_t> out = in_shape;
      out[3] = int32_t(std::min<int64_t>(int64_t(in_shape[3]) + s2[3], std::numeric_limits<int32_t>::max()));
      const int y = m.activation(out);
      return m.finish(tfl::BuiltinOperator_CONCATENATION, {x, x2}, {y}, tfl::BuiltinOptions_ConcatenationOptions,
                      tfl::CreateConcatenationOptions(fbb, axis, act).Union(), {x, x2});
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Bytes in(data, size);
  const std::vector<uint8_t> model = build_model(in);
  // Read after the model, so that an input's model does not depend on it.
  const bool with_vector_unit = in.flag();
  if (const char* dump = std::getenv("KILN_FUZZ_DUMP_MODEL"))
    std::ofstream(dump, std::ios::binary).write(reinterpret_cast<const char*>(model.data()), std::streamsize(model.size()));
  return kiln::fuzz::expect_errors("fuzz_op.tflite", [&] {
    kiln::fuzz::compile_and_run(kiln::frontend::read_tflite_buffer(model.data(), model.size(), "fuzz_op.tflite"),
                                with_vector_unit);
  });
}
