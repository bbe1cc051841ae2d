#!/usr/bin/python3
"""Writes small int8 TFLite models, one per operator and quantization form,
small networks, and models with several graph inputs and outputs, into
tests/data/models/tflite/ (deterministic: the same bytes on every run).

  /usr/bin/python3 scripts/gen_tflite_models.py [--out DIR] [--check]

They are what `scripts/check_tflm.py` (and its ctest) runs through `kiln run`
and TensorFlow Lite Micro side by side, so each operator kiln reads is checked
bit for bit against TFLite Micro in the quantization forms converters write:
per-tensor and per-channel weights, SAME and VALID padding, strides,
dilation, fused activations, rescaling adds and concatenations; and every
graph input and output of a model is, in the model's order.

The files are written with the FlatBuffers Python runtime
(python3-flatbuffers) through code that flatc generates from the project's
own schema subset (compiler/frontend/tflite_schema.fbs), the same schema the
front end reads with. Quantization parameters are chosen the way a
post-training converter chooses them: weights symmetric per channel (or per
tensor), activations asymmetric over the float range the layer produces on a
random calibration batch. --check only verifies that the files on disk are
the ones this script writes.
"""

import argparse
import importlib
import os
import subprocess
import sys
import tempfile

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCHEMA = os.path.join(ROOT, "compiler", "frontend", "tflite_schema.fbs")


def load_bindings():
    out = tempfile.mkdtemp(prefix="kiln-tflite-py-")
    subprocess.run(["flatc", "--python", "-o", out, SCHEMA], check=True)
    sys.path.insert(0, out)
    names = ["Model", "SubGraph", "Tensor", "Buffer", "Operator", "OperatorCode", "QuantizationParameters",
             "Conv2DOptions", "DepthwiseConv2DOptions", "Pool2DOptions", "FullyConnectedOptions", "SoftmaxOptions",
             "ConcatenationOptions", "AddOptions", "ReshapeOptions", "PadOptions", "ReducerOptions",
             "QuantizeOptions", "LeakyReluOptions", "SubOptions", "MulOptions", "StridedSliceOptions",
             "SplitOptions", "SplitVOptions", "UnpackOptions", "DepthToSpaceOptions", "SpaceToDepthOptions",
             "PackOptions", "TransposeConvOptions", "ResizeNearestNeighborOptions", "ResizeBilinearOptions", "MirrorPadOptions", "MirrorPadMode", "BuiltinOptions", "BuiltinOperator", "TensorType", "Padding",
             "ActivationFunctionType"]
    return {n: importlib.import_module("tflite." + n) for n in names}


T = None  # the generated modules, by table name
import flatbuffers  # noqa: E402  (python3-flatbuffers)
from generated_files import write_or_check  # noqa: E402 (scripts/ is the script's own folder)


def quant_activation(lo, hi):
    """int8 scale and zero point covering [lo, hi] (which must include 0)."""
    lo, hi = min(lo, 0.0), max(hi, 0.0)
    scale = max((hi - lo) / 255.0, 1e-6)
    zp = int(np.clip(round(-128 - lo / scale), -128, 127))
    return np.float32(scale), zp


def quant_weights(w, axis):
    """Symmetric int8 weights; per channel along `axis`, or per tensor when axis is None."""
    if axis is None:
        scale = np.array([max(np.abs(w).max(), 1e-6) / 127.0], dtype=np.float32)
        q = np.clip(np.round(w / scale[0]), -127, 127).astype(np.int8)
        return q, scale
    moved = np.moveaxis(w, axis, 0)
    scale = (np.maximum(np.abs(moved.reshape(moved.shape[0], -1)).max(axis=1), 1e-6) / 127.0).astype(np.float32)
    shape = [1] * w.ndim
    shape[axis] = -1
    q = np.clip(np.round(w / scale.reshape(shape)), -127, 127).astype(np.int8)
    return q, scale


class Tensor:
    def __init__(self, index, shape, dtype, scale, zp, value=None, qdim=0):
        self.index, self.shape, self.dtype = index, list(shape), dtype
        self.scale, self.zp, self.value, self.qdim = scale, zp, value, qdim

    def real(self, q):
        scale = np.asarray(self.scale, dtype=np.float64)
        zp = np.asarray(self.zp, dtype=np.float64)
        if scale.size > 1:
            shape = [1] * len(self.shape)
            shape[self.qdim] = -1
            scale, zp = scale.reshape(shape), zp.reshape(shape)
        return (q.astype(np.float64) - zp) * scale


class Net:
    """An int8 graph, with a float shadow of every activation (the
    calibration batch) from which output scales are chosen. Its first graph
    input is x; add_input appends more."""

    def __init__(self, name, input_shape, seed, lo=-1.0, hi=1.0):
        self.name, self.rng = name, np.random.default_rng(seed)
        self.tensors, self.ops, self.calib = [], [], {}
        scale, zp = quant_activation(lo, hi)
        self.x = self.tensor(input_shape, "int8", scale, zp, name="input")
        self.input = self.x  # the graph input: x, or a float32 tensor quantized into x (float_edges)
        self.extra_inputs = []  # graph inputs after the first, in order
        self.calib[self.x.index] = self.rng.uniform(lo, hi, size=[8] + list(input_shape[1:]))

    def add_input(self, shape, lo, hi, name):
        """Another int8 graph input, quantized over [lo, hi], after those before it."""
        scale, zp = quant_activation(lo, hi)
        t = self.tensor(shape, "int8", scale, zp, name=name)
        self.calib[t.index] = self.rng.uniform(lo, hi, size=[8] + list(shape[1:]))
        self.extra_inputs.append(t)
        return t

    def tensor(self, shape, dtype, scale, zp, value=None, qdim=0, name=None):
        t = Tensor(len(self.tensors), shape, dtype, scale, zp, value, qdim)
        t.name = name or f"t{t.index}"
        self.tensors.append(t)
        return t

    def activation(self, real, name):
        scale, zp = quant_activation(float(real.min()), float(real.max()))
        t = self.tensor([1] + list(real.shape[1:]), "int8", scale, zp, name=name)
        self.calib[t.index] = real
        return t

    def const_weights(self, shape, axis, name, zero_point=0):
        w = self.rng.normal(0, 0.5, size=shape)
        q, scale = quant_weights(w, axis)
        t = self.tensor(shape, "int8", scale, [zero_point] * len(scale), value=q, qdim=axis or 0, name=name)
        return t, t.real(q)

    def const_bias(self, n, in_scale, w_scale, name):
        b = self.rng.normal(0, 0.2, size=n)
        scale = (np.float64(in_scale) * w_scale.astype(np.float64)).astype(np.float32)
        q = np.round(b / scale).astype(np.int32)
        t = self.tensor([n], "int32", scale, [0] * len(scale), value=q, name=name)
        return t, q * scale.astype(np.float64)

    def const_int32(self, array, name):
        return self.tensor(list(array.shape), "int32", None, None, value=array.astype(np.int32), name=name)

    def op(self, code, inputs, outputs, options=None):
        self.ops.append((code, [t.index if t is not None else -1 for t in inputs], [t.index for t in outputs],
                         options))

    def real_of(self, t):
        return self.calib[t.index]


def act(y, fused):
    return {"NONE": y, "RELU": np.maximum(y, 0), "RELU6": np.clip(y, 0, 6)}[fused]


def same_pads(size, k, stride, dil):
    eff = (k - 1) * dil + 1
    out = -(-size // stride)
    total = max((out - 1) * stride + eff - size, 0)
    return out, total // 2


def conv_real(x, w, b, stride, dil, padding, depthwise):
    """x [N,H,W,C]; w OHWI (conv) or [1,kh,kw,C] (depthwise)."""
    n, h, wd, c = x.shape
    kh, kw = w.shape[1], w.shape[2]
    if padding == "SAME":
        oh, pt = same_pads(h, kh, stride, dil)
        ow, pl = same_pads(wd, kw, stride, dil)
    else:
        oh = (h - ((kh - 1) * dil + 1)) // stride + 1
        ow = (wd - ((kw - 1) * dil + 1)) // stride + 1
        pt = pl = 0
    cout = w.shape[3] if depthwise else w.shape[0]
    y = np.zeros((n, oh, ow, cout))
    for oy in range(oh):
        for ox in range(ow):
            for ky in range(kh):
                for kx in range(kw):
                    iy, ix = oy * stride - pt + ky * dil, ox * stride - pl + kx * dil
                    if 0 <= iy < h and 0 <= ix < wd:
                        if depthwise:
                            y[:, oy, ox, :] += x[:, iy, ix, :] * w[0, ky, kx, :]
                        else:
                            y[:, oy, ox, :] += x[:, iy, ix, :] @ w[:, ky, kx, :].T
    return y + b


def conv(net, x, cout, k, stride=1, dil=1, padding="SAME", fused="NONE", per_channel=True, name="conv",
         bias=True, weights=None, weight_zero_point=0):
    cin = x.shape[3]
    w, wr = weights or net.const_weights([cout, k, k, cin], 0 if per_channel else None, name + "/weights",
                                         weight_zero_point)
    if bias:
        b, br = net.const_bias(cout, x.scale, np.asarray(w.scale), name + "/bias")
    else:  # an absent optional input: index -1
        b, br = None, 0.0
    y = act(conv_real(net.real_of(x), wr, br, stride, dil, padding, False), fused)
    out = net.activation(y, name)
    net.op("CONV_2D", [x, w, b], [out], ("Conv2DOptions", dict(padding=padding, stride=stride, fused=fused,
                                                                   dilation=dil)))
    return out


def tflite_transpose_pad(out, k, stride, padding):
    """TFLite's padding of TRANSPOSE_CONV: a convolution's from the output's extent (ComputePaddingHeightWidth)."""
    n = -(-out // stride) if padding == "SAME" else (out - k + stride) // stride
    return max((n - 1) * stride + k - out, 0) // 2


def transpose_conv_real(x, w, b, stride, pad, out_hw):
    """x [N,H,W,C], w [O,kh,kw,I]: each input pixel times the kernel added into the output window it covers."""
    n, h, wd, _ = x.shape
    y = np.zeros((n, out_hw[0], out_hw[1], w.shape[0]))
    for iy in range(h):
        for ix in range(wd):
            for ky in range(w.shape[1]):
                for kx in range(w.shape[2]):
                    oy, ox = iy * stride[0] - pad[0] + ky, ix * stride[1] - pad[1] + kx
                    if 0 <= oy < out_hw[0] and 0 <= ox < out_hw[1]:
                        y[:, oy, ox, :] += x[:, iy, ix, :] @ w[:, ky, kx, :].T
    return y + b


def transpose_conv(net, x, cout, k, stride, padding="SAME", fused="NONE", per_channel=True, bias="yes",
                   name="transpose_conv"):
    """TRANSPOSE_CONV with TF's output size: input * stride (SAME) or (input - 1) * stride + k (VALID); k and
    stride are (rows, columns). bias: "yes", "absent" (input index -1) or "omitted" (three inputs)."""
    (kh, kw), (sh, sw) = k, stride
    h, wd, cin = x.shape[1], x.shape[2], x.shape[3]
    oh, ow = (h * sh, wd * sw) if padding == "SAME" else ((h - 1) * sh + kh, (wd - 1) * sw + kw)
    pad = (tflite_transpose_pad(oh, kh, sh, padding), tflite_transpose_pad(ow, kw, sw, padding))
    w, wr = net.const_weights([cout, kh, kw, cin], 0 if per_channel else None, name + "/weights")
    if bias == "yes":
        b, br = net.const_bias(cout, x.scale, np.asarray(w.scale), name + "/bias")
    else:
        b, br = None, 0.0
    y = act(transpose_conv_real(net.real_of(x), wr, br, (sh, sw), pad, (oh, ow)), fused)
    out = net.activation(y, name)
    shape = net.const_int32(np.array([1, oh, ow, cout]), name + "/output_shape")
    net.op("TRANSPOSE_CONV", [shape, w, x] + ([] if bias == "omitted" else [b]), [out],
           ("TransposeConvOptions", dict(padding=padding, stride_h=sh, stride_w=sw, fused=fused)))
    return out


def depthwise(net, x, k, stride=1, dil=1, padding="SAME", fused="NONE", per_channel=True, name="dw"):
    c = x.shape[3]
    w, wr = net.const_weights([1, k, k, c], 3 if per_channel else None, name + "/weights")
    b, br = net.const_bias(c, x.scale, np.asarray(w.scale), name + "/bias")
    y = act(conv_real(net.real_of(x), wr, br, stride, dil, padding, True), fused)
    out = net.activation(y, name)
    net.op("DEPTHWISE_CONV_2D", [x, w, b], [out],
           ("DepthwiseConv2DOptions", dict(padding=padding, stride=stride, fused=fused, dilation=dil)))
    return out


def fully_connected(net, x, units, fused="NONE", name="fc", weight_zero_point=0):
    xr = net.real_of(x).reshape(net.real_of(x).shape[0], -1)
    w, wr = net.const_weights([units, xr.shape[1]], None, name + "/weights", weight_zero_point)
    b, br = net.const_bias(units, x.scale, np.asarray(w.scale), name + "/bias")
    out = net.activation(act(xr @ wr.T + br, fused), name)
    net.op("FULLY_CONNECTED", [x, w, b], [out], ("FullyConnectedOptions", dict(fused=fused)))
    return out


def add(net, a, b, fused="NONE", name="add"):
    out = net.activation(act(net.real_of(a) + net.real_of(b), fused), name)
    net.op("ADD", [a, b], [out], ("AddOptions", dict(fused=fused)))
    return out


def sub_mul(net, a, b, kind, fused="NONE", name=None):
    """SUB or MUL; either operand may be a constant, and one may repeat along
    the other's innermost dimensions (numpy broadcasting of a per-channel
    vector or a scalar)."""
    real = lambda t: t.real(t.value) if t.value is not None else net.real_of(t)
    y = act((np.subtract if kind == "SUB" else np.multiply)(real(a), real(b)), fused)
    out = net.activation(y, name or kind.lower())
    net.op(kind, [a, b], [out], (kind.capitalize() + "Options", dict(fused=fused)))
    return out


def const_operand(net, shape, name):
    """A per-tensor int8 constant operand (symmetric, zero point 0)."""
    t, _ = net.const_weights(shape, None, name)
    return t


def squared_difference(net, a, b, name="squared_difference"):
    """SQUARED_DIFFERENCE; either operand may be a constant, and one may repeat along the other's innermost
    dimensions, as SUB's."""
    real = lambda t: t.real(t.value) if t.value is not None else net.real_of(t)
    out = net.activation(np.square(real(a) - real(b)), name)
    net.op("SQUARED_DIFFERENCE", [a, b], [out])
    return out


def prelu(net, x, alpha_shape, name="prelu"):
    """PRELU with a constant per-tensor int8 slope of `alpha_shape` (per channel [1, 1, C], or [1])."""
    a = const_operand(net, alpha_shape, name + "/alpha")
    xr = net.real_of(x)
    out = net.activation(np.where(xr >= 0, xr, xr * a.real(a.value)), name)
    net.op("PRELU", [x, a], [out])
    return out


def max_min(net, a, b, kind, name):
    """MAXIMUM or MINIMUM of two tensors of one quantization, which the output keeps."""
    assert a.scale == b.scale and a.zp == b.zp
    y = (np.maximum if kind == "MAXIMUM" else np.minimum)(net.real_of(a), net.real_of(b))
    out = net.tensor([1] + list(y.shape[1:]), "int8", a.scale, a.zp, name=name)
    net.calib[out.index] = y
    net.op(kind, [a, b], [out])
    return out


def reduce_max_min(net, x, kind, axes, keep_dims, name):
    """REDUCE_MAX or REDUCE_MIN over `axes` (TFLite's: negative from the back, repeats allowed); the output keeps
    the input's quantization, as TFLite Micro requires."""
    xr = net.real_of(x)
    resolved = tuple(sorted({a % xr.ndim for a in axes}))
    y = (np.max if kind == "REDUCE_MAX" else np.min)(xr, axis=resolved, keepdims=keep_dims)
    out = net.tensor([1] + list(y.shape[1:]), "int8", x.scale, x.zp, name=name)
    net.calib[out.index] = y
    net.op(kind, [x, net.const_int32(np.array(axes), name + "/axis")], [out],
           ("ReducerOptions", dict(keep_dims=keep_dims)))
    return out


def reduce_sum(net, x, axes, keep_dims, name="sum"):
    """SUM over `axes`; the output has a scale of its own (the sums' range)."""
    xr = net.real_of(x)
    resolved = tuple(sorted({a % xr.ndim for a in axes}))
    out = net.activation(np.sum(xr, axis=resolved, keepdims=keep_dims), name)
    net.op("SUM", [x, net.const_int32(np.array(axes), name + "/axis")], [out],
           ("ReducerOptions", dict(keep_dims=keep_dims)))
    return out


def space_to_batch(net, x, block, paddings, name="space_to_batch"):
    """SPACE_TO_BATCH_ND of an NHWC (or NHC) tensor; the output keeps the input's quantization and is padded with
    its zero point."""
    spatial = [x.shape[1 + i] + paddings[i][0] + paddings[i][1] for i in range(len(block))]
    shape = [x.shape[0] * int(np.prod(block))] + [d // b for d, b in zip(spatial, block)] + [x.shape[-1]]
    out = net.tensor(shape, "int8", x.scale, x.zp, name=name)
    net.op("SPACE_TO_BATCH_ND", [x, net.const_int32(np.array(block), name + "/block_shape"),
                                 net.const_int32(np.array(paddings), name + "/paddings")], [out])
    return out


def gather(net, x, indices, axis, batch_dims=0, name="gather"):
    """GATHER of an activation by constant int32 indices along `axis`; the output keeps the input's quantization."""
    idx = np.array(indices)
    xr = net.real_of(x)
    a = axis % len(x.shape)
    shape = list(x.shape[:a]) + list(idx.shape[batch_dims:]) + list(x.shape[a + 1:])
    out = net.tensor(shape, "int8", x.scale, x.zp, name=name)
    if batch_dims == 0:
        net.calib[out.index] = np.take(xr, idx, axis=a)
    net.op("GATHER", [x, net.const_int32(idx, name + "/indices")], [out],
           ("GatherOptions", dict(fields=[(0, "PrependInt32Slot", axis), (1, "PrependInt32Slot", batch_dims)])))
    return out


def batch_matmul(net, a, b, adj_x=False, adj_y=False, name="batch_matmul"):
    """BATCH_MATMUL of two int8 operands (activations, or a constant for one), their batch dimensions broadcast;
    adj_x / adj_y: that operand's matrices are stored transposed. The output has a scale of its own."""
    rank = max(len(a.shape), len(b.shape))

    def real(t, adj):
        if t.value is not None:  # a constant: its own shape, broadcast from the front
            r = t.real(t.value)
        else:  # an activation: samples in dimension 0, its batch dimensions after them
            r = net.real_of(t)
            r = r.reshape([r.shape[0]] + [1] * (rank - r.ndim) + list(r.shape[1:]))
        return np.swapaxes(r, -1, -2) if adj else r

    ext = lambda t: [1] * (rank - len(t.shape)) + list(t.shape)
    la, lb = ext(a), ext(b)
    rows, cols = la[-1] if adj_x else la[-2], lb[-2] if adj_y else lb[-1]
    shape = [max(x, y) for x, y in zip(la[:-2], lb[:-2])] + [rows, cols]
    y = np.matmul(real(a, adj_x), real(b, adj_y))
    scale, zp = quant_activation(float(y.min()), float(y.max()))
    out = net.tensor(shape, "int8", scale, zp, name=name)
    net.calib[out.index] = y
    net.op("BATCH_MATMUL", [a, b], [out],
           ("BatchMatMulOptions", dict(fields=[(0, "PrependBoolSlot", adj_x), (1, "PrependBoolSlot", adj_y)])))
    return out


def batch_to_space(net, x, block, crops, name="batch_to_space"):
    """BATCH_TO_SPACE_ND, the inverse; the output keeps the input's quantization."""
    shape = ([x.shape[0] // int(np.prod(block))] +
             [x.shape[1 + i] * block[i] - crops[i][0] - crops[i][1] for i in range(len(block))] + [x.shape[-1]])
    out = net.tensor(shape, "int8", x.scale, x.zp, name=name)
    net.op("BATCH_TO_SPACE_ND", [x, net.const_int32(np.array(block), name + "/block_shape"),
                                 net.const_int32(np.array(crops), name + "/crops")], [out])
    return out


def pool(net, x, kind, k, stride, padding="VALID", name="pool"):
    xr = net.real_of(x)
    n, h, w, c = xr.shape
    if padding == "SAME":
        oh, pt = same_pads(h, k, stride, 1)
        ow, pl = same_pads(w, k, stride, 1)
    else:
        oh, ow, pt, pl = (h - k) // stride + 1, (w - k) // stride + 1, 0, 0
    y = np.zeros((n, oh, ow, c))
    for oy in range(oh):
        for ox in range(ow):
            y0, x0 = max(oy * stride - pt, 0), max(ox * stride - pl, 0)
            y1, x1 = min(oy * stride - pt + k, h), min(ox * stride - pl + k, w)
            window = xr[:, y0:y1, x0:x1, :]
            y[:, oy, ox, :] = window.max(axis=(1, 2)) if kind == "MAX_POOL_2D" else window.mean(axis=(1, 2))
    # TFLite pools keep the input's quantization.
    out = net.tensor([1, oh, ow, c], "int8", x.scale, x.zp, name=name)
    net.calib[out.index] = y
    net.op(kind, [x], [out], ("Pool2DOptions", dict(padding=padding, stride=stride, k=k)))
    return out


def mean_hw(net, x, name="mean", keep_dims=True):
    axes = net.const_int32(np.array([1, 2]), name + "/axes")
    y = net.real_of(x).mean(axis=(1, 2), keepdims=keep_dims)
    out = net.activation(y, name)
    net.op("MEAN", [x, axes], [out], ("ReducerOptions", dict(keep_dims=keep_dims)))
    return out


def softmax(net, x, name="softmax"):
    # TFLite's int8 softmax output: scale 1/256, zero point -128.
    out = net.tensor(x.shape, "int8", np.float32(1.0 / 256), -128, name=name)
    xr = net.real_of(x)
    e = np.exp(xr - xr.max(axis=-1, keepdims=True))
    net.calib[out.index] = e / e.sum(axis=-1, keepdims=True)
    net.op("SOFTMAX", [x], [out], ("SoftmaxOptions", dict(beta=1.0)))
    return out


def log_softmax(net, x, name="log_softmax"):
    """LOG_SOFTMAX over the last axis; TFLite's int8 output: scale 16/256, zero point 127."""
    out = net.tensor(x.shape, "int8", np.float32(16.0 / 256), 127, name=name)
    xr = net.real_of(x)
    d = xr - xr.max(axis=-1, keepdims=True)
    net.calib[out.index] = d - np.log(np.exp(d).sum(axis=-1, keepdims=True))
    net.op("LOG_SOFTMAX", [x], [out])
    return out


def arg_min_max(net, x, kind, axis, name):
    """ARG_MAX or ARG_MIN along `axis` (a constant int32 input): int32 indices, unquantized, the axis dropped;
    ArgMaxOptions / ArgMinOptions name INT32 as the output type, as a converter writes them."""
    shape = list(x.shape)
    del shape[axis]
    out = net.tensor(shape, "int32", None, None, name=name)
    options = "ArgMaxOptions" if kind == "ARG_MAX" else "ArgMinOptions"
    net.op(kind, [x, net.const_int32(np.array([axis]), name + "/axis")], [out],
           (options, dict(fields=[(0, "PrependInt8Slot", 2)])))  # output_type: TensorType INT32
    return out


def pad(net, x, pads, name="pad"):
    p = net.const_int32(np.array(pads), name + "/paddings")
    xr = np.pad(net.real_of(x), pads)
    out = net.tensor([1] + list(xr.shape[1:]), "int8", x.scale, x.zp, name=name)
    net.calib[out.index] = xr
    net.op("PAD", [x, p], [out], ("PadOptions", {}))
    return out


def padv2(net, x, pads, value, name="padv2"):
    """PADV2 with a constant: an int8 scalar in the input's (and output's) quantization."""
    p = net.const_int32(np.array(pads), name + "/paddings")
    q = int(np.clip(np.round(value / x.scale) + x.zp, -128, 127))
    v = net.tensor([1], "int8", x.scale, x.zp, np.array([q], dtype=np.int8), name=name + "/constant_values")
    xr = np.pad(net.real_of(x), pads, constant_values=(q - x.zp) * float(x.scale))
    out = net.tensor([1] + list(xr.shape[1:]), "int8", x.scale, x.zp, name=name)
    net.calib[out.index] = xr
    net.op("PADV2", [x, p, v], [out])
    return out


def mirror_pad(net, x, pads, mode, name="mirror_pad"):
    """MIRROR_PAD, mode REFLECT or SYMMETRIC (numpy's 'reflect' and 'symmetric' are the same mirrors)."""
    p = net.const_int32(np.array(pads), name + "/paddings")
    xr = np.pad(net.real_of(x), pads, mode=mode.lower())
    out = net.tensor([1] + list(xr.shape[1:]), "int8", x.scale, x.zp, name=name)
    net.calib[out.index] = xr
    net.op("MIRROR_PAD", [x, p], [out], ("MirrorPadOptions", dict(mode=mode)))
    return out


def concat(net, parts, name="concat"):
    # TFLite Micro's int8 concatenation requires one quantization for inputs and output.
    real = np.concatenate([net.real_of(t) for t in parts], axis=3)
    out = net.tensor([1] + list(real.shape[1:]), "int8", parts[0].scale, parts[0].zp, name=name)
    net.calib[out.index] = real
    net.op("CONCATENATION", parts, [out], ("ConcatenationOptions", dict(axis=3)))
    return out


def float_edges(net, body):
    """A float32 graph input quantized at once (QUANTIZE into the int8 input x),
    the int8 network `body`, and its output dequantized into a float32 graph
    output (DEQUANTIZE): how a converter lays out a model with float I/O."""
    xf = net.tensor(net.x.shape, "float32", None, None, name="input_float")
    net.input = xf
    net.op("QUANTIZE", [xf], [net.x])
    y = body(net)
    yf = net.tensor(y.shape, "float32", None, None, name="output_float")
    net.op("DEQUANTIZE", [y], [yf])
    return yf


def float_graph_input(net, q, name):
    """Puts a float32 graph input in the place of the int8 graph input q, and
    QUANTIZE from it into q (float_edges does this for a one-input network)."""
    f = net.tensor(q.shape, "float32", None, None, name=name)
    if q is net.input:
        net.input = f
    else:
        net.extra_inputs[net.extra_inputs.index(q)] = f
    net.op("QUANTIZE", [f], [q])
    return q


def dequantize(net, y, name):
    yf = net.tensor(y.shape, "float32", None, None, name=name)
    net.op("DEQUANTIZE", [y], [yf])
    return yf


def requantize(net, x, name="quantize"):
    out = net.activation(net.real_of(x) * 1.0, name)
    out.scale = np.float32(out.scale * 1.37)  # a different scale and zero point than the input
    out.zp = int(np.clip(out.zp + 5, -128, 127))
    net.op("QUANTIZE", [x], [out], ("QuantizeOptions", {}))
    return out


def unary(net, x, code, fn, name, out_quant=None, options=None):
    """A unary int8 function; its output quantization as the converter sets
    it: fixed for LOGISTIC (1/256, -128) and TANH (1/128, 0), else calibrated."""
    y = fn(net.real_of(x))
    if out_quant:
        out = net.tensor(x.shape, "int8", np.float32(out_quant[0]), out_quant[1], name=name)
        net.calib[out.index] = y
    else:
        out = net.activation(y, name)
    net.op(code, [x], [out], options)
    return out


def reshape(net, x, shape, name="reshape"):
    s = net.const_int32(np.array(shape), name + "/shape")
    out = net.tensor(shape, "int8", x.scale, x.zp, name=name)
    net.calib[out.index] = net.real_of(x).reshape([-1] + shape[1:])
    net.op("RESHAPE", [x, s], [out], ("ReshapeOptions", dict(new_shape=shape)))
    return out


def transpose(net, x, perm, name="transpose"):
    """Calibration arrays hold samples in dimension 0 where the tensor has its
    batch of 1; the output keeps the input's quantization, so its calibration
    only needs the values, in any order of samples."""
    p = net.const_int32(np.array(perm), name + "/perm")
    out = net.tensor([x.shape[i] for i in perm], "int8", x.scale, x.zp, name=name)
    net.calib[out.index] = np.transpose(net.real_of(x), perm)
    net.op("TRANSPOSE", [x, p], [out])
    return out


def squeeze(net, x, name="squeeze"):
    """SQUEEZE without options: every dimension of 1 goes (TFLite Micro's default)."""
    shape = [d for d in x.shape if d != 1] or [1]
    out = net.tensor(shape, "int8", x.scale, x.zp, name=name)
    real = net.real_of(x)
    net.calib[out.index] = real.reshape([real.shape[0], -1])
    net.op("SQUEEZE", [x], [out])
    return out


def expand_dims(net, x, axis, name="expand_dims"):
    a = net.const_int32(np.array([axis]), name + "/axis")
    shape = list(x.shape)
    shape.insert(axis, 1)
    out = net.tensor(shape, "int8", x.scale, x.zp, name=name)
    net.calib[out.index] = np.expand_dims(net.real_of(x), axis)
    net.op("EXPAND_DIMS", [x, a], [out])
    return out


def reshape_to(net, x, shape, name):
    """A RESHAPE to any rank that keeps the batch dimension first."""
    s = net.const_int32(np.array(shape), name + "/shape")
    out = net.tensor(shape, "int8", x.scale, x.zp, name=name)
    net.calib[out.index] = net.real_of(x).reshape([-1] + shape[1:])
    net.op("RESHAPE", [x, s], [out], ("ReshapeOptions", dict(new_shape=shape)))
    return out


def slice_indices(extent, begin, end, stride, whole_begin, whole_end, shrink):
    """The indices STRIDED_SLICE takes along one axis, as TFLite Micro computes
    them (strided_slice_logic.h: StridedSliceStartForAxis, ...EndForAxis)."""
    start = begin + extent if begin < 0 else begin
    start = min(max(start, 0), extent) if stride > 0 else min(max(start, -1), extent - 1)
    if whole_begin:
        start = 0 if stride > 0 else extent - 1
    if shrink:
        stop = start if start >= extent else start + 1
    else:
        stop = end + extent if end < 0 else end
        stop = min(max(stop, 0), extent) if stride > 0 else min(max(stop, -1), extent - 1)
        if whole_end:
            stop = extent if stride > 0 else -1
    return list(range(start, stop, stride))


def strided_slice(net, x, begin, end, strides, begin_mask=0, end_mask=0, shrink_axis_mask=0, name="strided_slice"):
    real = net.real_of(x)
    shape = []
    for k, extent in enumerate(x.shape):
        idx = slice_indices(extent, begin[k], end[k], strides[k], begin_mask >> k & 1, end_mask >> k & 1,
                            shrink_axis_mask >> k & 1)
        if k > 0:  # dimension 0 of the calibration array holds its samples
            real = np.take(real, idx, axis=k)
        if not shrink_axis_mask >> k & 1:
            shape.append(len(idx))
    real = real.reshape([real.shape[0]] + shape[1:]) if shape and shape[0] == 1 else real
    out = net.tensor(shape, "int8", x.scale, x.zp, name=name)
    net.calib[out.index] = real
    ins = [x] + [net.const_int32(np.array(v), f"{name}/{n}") for v, n in ((begin, "begin"), (end, "end"),
                                                                          (strides, "strides"))]
    net.op("STRIDED_SLICE", ins, [out], ("StridedSliceOptions", dict(begin_mask=begin_mask, end_mask=end_mask,
                                                                     shrink_axis_mask=shrink_axis_mask)))
    return out


def slice_(net, x, begin, size, name="slice", int64=False):
    real = net.real_of(x)
    full = [s if s != -1 else x.shape[k] - begin[k] for k, s in enumerate(size)]
    index = tuple([slice(None)] + [slice(b, b + n) for b, n in zip(begin[1:], full[1:])])
    out = net.tensor(full, "int8", x.scale, x.zp, name=name)
    net.calib[out.index] = real[index]
    if int64:  # as TensorFlow graphs often write them
        begin_t = net.tensor([len(begin)], "int64", None, None, value=np.array(begin, np.int64), name=name + "/begin")
        size_t = net.tensor([len(size)], "int64", None, None, value=np.array(size, np.int64), name=name + "/size")
    else:
        begin_t, size_t = net.const_int32(np.array(begin), name + "/begin"), net.const_int32(np.array(size), name + "/size")
    net.op("SLICE", [x, begin_t, size_t], [out])
    return out


def split(net, x, axis, sizes, name="split", variable=False):
    """SPLIT into equal parts, or SPLIT_V into `sizes` (one may be -1), along `axis` (not 0)."""
    real = net.real_of(x)
    full = [s if s != -1 else x.shape[axis] - sum(v for v in sizes if v != -1) for s in sizes]
    outs, at = [], 0
    for k, n in enumerate(full):
        shape = list(x.shape)
        shape[axis] = n
        out = net.tensor(shape, "int8", x.scale, x.zp, name=f"{name}/{k}")
        net.calib[out.index] = np.take(real, range(at, at + n), axis=axis)
        outs.append(out)
        at += n
    a = net.const_int32(np.array([axis]), name + "/axis")
    if variable:
        net.op("SPLIT_V", [x, net.const_int32(np.array(sizes), name + "/size_splits"), a], outs,
               ("SplitVOptions", dict(num_splits=len(sizes))))
    else:
        net.op("SPLIT", [a, x], outs, ("SplitOptions", dict(num_splits=len(sizes))))
    return outs


def unpack(net, x, axis, name="unpack"):
    real = net.real_of(x)
    outs = []
    for k in range(x.shape[axis]):
        shape = list(x.shape)
        del shape[axis]
        out = net.tensor(shape, "int8", x.scale, x.zp, name=f"{name}/{k}")
        net.calib[out.index] = np.take(real, k, axis=axis)
        outs.append(out)
    net.op("UNPACK", [x], outs, ("UnpackOptions", dict(num=len(outs), axis=axis)))
    return outs


def depth_space(net, x, block, to_space, name):
    """DEPTH_TO_SPACE (input channel (i * block + j) * out_c + c goes to pixel (h * block + i, w * block + j)) or
    SPACE_TO_DEPTH, its inverse."""
    real = net.real_of(x)
    s, (n, h, w, c) = real.shape[0], x.shape
    if to_space:
        oc = c // (block * block)
        y = real.reshape(s, h, w, block, block, oc).transpose(0, 1, 3, 2, 4, 5).reshape(s, h * block, w * block, oc)
        shape = [n, h * block, w * block, oc]
    else:
        y = real.reshape(s, h // block, block, w // block, block, c).transpose(0, 1, 3, 2, 4, 5)
        y = y.reshape(s, h // block, w // block, block * block * c)
        shape = [n, h // block, w // block, block * block * c]
    out = net.tensor(shape, "int8", x.scale, x.zp, name=name)
    net.calib[out.index] = y
    kind = "DepthToSpaceOptions" if to_space else "SpaceToDepthOptions"
    net.op("DEPTH_TO_SPACE" if to_space else "SPACE_TO_DEPTH", [x], [out], (kind, dict(block_size=block)))
    return out


def resize_nearest(net, x, size, align_corners=False, half_pixel_centers=False, name="resize"):
    """RESIZE_NEAREST_NEIGHBOR; the calibration takes TFLite's indices, in float32 as TFLite Micro computes them."""
    def index(o, n_in, n_out):
        f32 = np.float32
        scale = (f32(n_in - 1) / f32(n_out - 1)) if align_corners and n_out > 1 else f32(n_in) / f32(n_out)
        at = (f32(o) + f32(0.5 if half_pixel_centers else 0.0)) * scale
        v = int(np.floor(at + f32(0.5)) if align_corners and at >= 0 else np.floor(at))
        v = min(v, n_in - 1)
        return max(0, v) if half_pixel_centers else v
    real = net.real_of(x)
    ys = [index(y, x.shape[1], size[0]) for y in range(size[0])]
    xs = [index(v, x.shape[2], size[1]) for v in range(size[1])]
    out = net.tensor([1, size[0], size[1], x.shape[3]], "int8", x.scale, x.zp, name=name)
    net.calib[out.index] = real[:, ys][:, :, xs]
    net.op("RESIZE_NEAREST_NEIGHBOR", [x, net.const_int32(np.array(size), name + "/size")], [out],
           ("ResizeNearestNeighborOptions", dict(align_corners=align_corners, half_pixel_centers=half_pixel_centers)))
    return out


def resize_bilinear(net, x, size, align_corners=False, half_pixel_centers=False, name="resize_bilinear"):
    """RESIZE_BILINEAR; the calibration interpolates in float (it only sets the scales of later layers: the output
    keeps the input's quantization)."""
    def taps(n_in, n_out):
        scale = (n_in - 1) / (n_out - 1) if align_corners and n_out > 1 else n_in / n_out
        at = [((o + 0.5) * scale - 0.5) if half_pixel_centers else o * scale for o in range(n_out)]
        lo = [min(max(int(np.floor(a)), 0), n_in - 1) for a in at]
        hi = [min(v + 1, n_in - 1) for v in lo]
        w = np.array([min(max(a - np.floor(a), 0.0), 1.0) if a >= 0 else 0.0 for a in at])
        return lo, hi, w
    real = net.real_of(x)
    y0, y1, wy = taps(x.shape[1], size[0])
    x0, x1, wx = taps(x.shape[2], size[1])
    rows = real[:, y0] * (1 - wy)[None, :, None, None] + real[:, y1] * wy[None, :, None, None]
    y = rows[:, :, x0] * (1 - wx)[None, None, :, None] + rows[:, :, x1] * wx[None, None, :, None]
    out = net.tensor([x.shape[0], size[0], size[1], x.shape[3]], "int8", x.scale, x.zp, name=name)
    net.calib[out.index] = y
    net.op("RESIZE_BILINEAR", [x, net.const_int32(np.array(size), name + "/size")], [out],
           ("ResizeBilinearOptions", dict(align_corners=align_corners, half_pixel_centers=half_pixel_centers)))
    return out


def pack(net, parts, axis, name="pack"):
    real = np.stack([net.real_of(t) for t in parts], axis=axis)
    shape = list(parts[0].shape)
    shape.insert(axis, len(parts))
    out = net.tensor(shape, "int8", parts[0].scale, parts[0].zp, name=name)
    net.calib[out.index] = real
    net.op("PACK", parts, [out], ("PackOptions", dict(values_count=len(parts), axis=axis)))
    return out


def concat_axis(net, parts, axis, name):
    real = np.concatenate([net.real_of(t) for t in parts], axis=axis)
    shape = list(parts[0].shape)
    shape[axis] = sum(t.shape[axis] for t in parts)
    out = net.tensor(shape, "int8", parts[0].scale, parts[0].zp, name=name)
    net.calib[out.index] = real
    net.op("CONCATENATION", parts, [out], ("ConcatenationOptions", dict(axis=axis)))
    return out


# --- serialization -------------------------------------------------------------

TYPES = {"int8": "INT8", "int32": "INT32", "int64": "INT64", "float32": "FLOAT32"}


# Options tables the schema subset (compiler/frontend/tflite_schema.fbs) does
# not hold, written field by field: their union type in TFLite's schema and
# (field id, Builder slot method, value) per field.
RAW_OPTIONS = {"GatherOptions": 23, "ArgMaxOptions": 40, "ArgMinOptions": 57, "BatchMatMulOptions": 101}


def raw_options_table(b, o):
    b.StartObject(max(f[0] for f in o["fields"]) + 1)
    for field_id, slot, value in o["fields"]:
        getattr(b, slot)(field_id, value, 0)
    return b.EndObject()


def options_table(b, kind, o):
    if kind in RAW_OPTIONS:
        return raw_options_table(b, o)
    mod = T[kind]
    acts = T["ActivationFunctionType"].ActivationFunctionType
    pads = T["Padding"].Padding

    def call(suffix, *args):
        return getattr(mod, kind + suffix)(b, *args)

    if kind == "ReshapeOptions":
        mod.ReshapeOptionsStartNewShapeVector(b, len(o["new_shape"]))
        for d in reversed(o["new_shape"]):
            b.PrependInt32(d)
        shape = b.EndVector()
    call("Start")
    if kind in ("Conv2DOptions", "DepthwiseConv2DOptions"):
        call("AddPadding", getattr(pads, o["padding"]))
        call("AddStrideW", o["stride"])
        call("AddStrideH", o["stride"])
        call("AddFusedActivationFunction", getattr(acts, o["fused"]))
        call("AddDilationWFactor", o["dilation"])
        call("AddDilationHFactor", o["dilation"])
        if kind == "DepthwiseConv2DOptions":
            call("AddDepthMultiplier", 1)
    elif kind == "TransposeConvOptions":
        call("AddPadding", getattr(pads, o["padding"]))
        call("AddStrideW", o["stride_w"])
        call("AddStrideH", o["stride_h"])
        call("AddFusedActivationFunction", getattr(acts, o["fused"]))
    elif kind == "Pool2DOptions":
        call("AddPadding", getattr(pads, o["padding"]))
        call("AddStrideW", o["stride"])
        call("AddStrideH", o["stride"])
        call("AddFilterWidth", o["k"])
        call("AddFilterHeight", o["k"])
    elif kind in ("FullyConnectedOptions", "AddOptions", "SubOptions", "MulOptions"):
        call("AddFusedActivationFunction", getattr(acts, o["fused"]))
    elif kind == "SoftmaxOptions":
        call("AddBeta", o["beta"])
    elif kind == "ConcatenationOptions":
        call("AddAxis", o["axis"])
    elif kind == "ReducerOptions":
        call("AddKeepDims", o["keep_dims"])
    elif kind == "ReshapeOptions":
        call("AddNewShape", shape)
    elif kind == "LeakyReluOptions":
        call("AddAlpha", o["alpha"])
    elif kind == "StridedSliceOptions":
        call("AddBeginMask", o.get("begin_mask", 0))
        call("AddEndMask", o.get("end_mask", 0))
        call("AddShrinkAxisMask", o.get("shrink_axis_mask", 0))
    elif kind in ("SplitOptions", "SplitVOptions"):
        call("AddNumSplits", o["num_splits"])
    elif kind in ("DepthToSpaceOptions", "SpaceToDepthOptions"):
        call("AddBlockSize", o["block_size"])
    elif kind in ("ResizeNearestNeighborOptions", "ResizeBilinearOptions"):
        call("AddAlignCorners", o["align_corners"])
        call("AddHalfPixelCenters", o["half_pixel_centers"])
    elif kind == "MirrorPadOptions":
        call("AddMode", getattr(T["MirrorPadMode"].MirrorPadMode, o["mode"]))
    elif kind == "PackOptions":
        call("AddValuesCount", o["values_count"])
        call("AddAxis", o["axis"])
    elif kind == "UnpackOptions":
        call("AddNum", o["num"])
        call("AddAxis", o["axis"])
    return call("End")


def int_vector(b, start, values, prepend):
    start(b, len(values))
    for v in reversed(values):
        prepend(v)
    return b.EndVector()


def serialize(net, outputs):
    """The model's bytes; `outputs` is the graph output tensor or a list of them, in order."""
    outputs = list(outputs) if isinstance(outputs, (list, tuple)) else [outputs]
    b = flatbuffers.Builder(4096)
    # Buffers: 0 is the empty buffer; each constant gets its own.
    buffers, buffer_of = [None], {}
    for t in net.tensors:
        if t.value is not None:
            buffer_of[t.index] = len(buffers)
            buffers.append(np.ascontiguousarray(t.value).astype(t.value.dtype.newbyteorder("<")).tobytes())
    buffer_offsets = []
    for data in buffers:
        vec = None
        if data:
            b.StartVector(1, len(data), 16)
            b.head = b.head - len(data)
            b.Bytes[b.head:b.head + len(data)] = data
            vec = b.EndVector()
        T["Buffer"].BufferStart(b)
        if vec is not None:
            T["Buffer"].BufferAddData(b, vec)
        buffer_offsets.append(T["Buffer"].BufferEnd(b))
    tensor_offsets = []
    for t in net.tensors:
        name = b.CreateString(t.name)
        shape = int_vector(b, T["Tensor"].TensorStartShapeVector, t.shape, b.PrependInt32)
        quant = None
        if t.scale is not None:
            scales = np.atleast_1d(np.asarray(t.scale, dtype=np.float32))
            zps = np.atleast_1d(np.asarray(t.zp, dtype=np.int64))
            sv = int_vector(b, T["QuantizationParameters"].QuantizationParametersStartScaleVector,
                            [float(s) for s in scales], b.PrependFloat32)
            zv = int_vector(b, T["QuantizationParameters"].QuantizationParametersStartZeroPointVector,
                            [int(z) for z in zps], b.PrependInt64)
            Q = T["QuantizationParameters"]
            Q.QuantizationParametersStart(b)
            Q.QuantizationParametersAddScale(b, sv)
            Q.QuantizationParametersAddZeroPoint(b, zv)
            Q.QuantizationParametersAddQuantizedDimension(b, t.qdim if scales.size > 1 else 0)
            quant = Q.QuantizationParametersEnd(b)
        M = T["Tensor"]
        M.TensorStart(b)
        M.TensorAddShape(b, shape)
        M.TensorAddType(b, getattr(T["TensorType"].TensorType, TYPES[t.dtype]))
        M.TensorAddBuffer(b, buffer_of.get(t.index, 0))
        M.TensorAddName(b, name)
        if quant is not None:
            M.TensorAddQuantization(b, quant)
        tensor_offsets.append(M.TensorEnd(b))
    codes = []
    for code, _, _, _ in net.ops:
        if code not in codes:
            codes.append(code)
    code_offsets = []
    for code in codes:
        value = getattr(T["BuiltinOperator"].BuiltinOperator, code)
        C = T["OperatorCode"]
        C.OperatorCodeStart(b)
        C.OperatorCodeAddDeprecatedBuiltinCode(b, min(value, 127))
        C.OperatorCodeAddBuiltinCode(b, value)
        C.OperatorCodeAddVersion(b, 1)
        code_offsets.append(C.OperatorCodeEnd(b))
    op_offsets = []
    for code, ins, outs, options in net.ops:
        O = T["Operator"]
        iv = int_vector(b, O.OperatorStartInputsVector, ins, b.PrependInt32)
        ov = int_vector(b, O.OperatorStartOutputsVector, outs, b.PrependInt32)
        opt = options_table(b, options[0], options[1]) if options else None
        O.OperatorStart(b)
        O.OperatorAddOpcodeIndex(b, codes.index(code))
        O.OperatorAddInputs(b, iv)
        O.OperatorAddOutputs(b, ov)
        if opt is not None:
            O.OperatorAddBuiltinOptionsType(b, RAW_OPTIONS[options[0]] if options[0] in RAW_OPTIONS else
                                            getattr(T["BuiltinOptions"].BuiltinOptions, options[0]))
            O.OperatorAddBuiltinOptions(b, opt)
        op_offsets.append(O.OperatorEnd(b))

    def table_vector(start, offsets):
        start(b, len(offsets))
        for o in reversed(offsets):
            b.PrependUOffsetTRelative(o)
        return b.EndVector()

    S = T["SubGraph"]
    tv = table_vector(S.SubGraphStartTensorsVector, tensor_offsets)
    inputs = int_vector(b, S.SubGraphStartInputsVector, [t.index for t in [net.input] + net.extra_inputs],
                        b.PrependInt32)
    output_vector = int_vector(b, S.SubGraphStartOutputsVector, [t.index for t in outputs], b.PrependInt32)
    opv = table_vector(S.SubGraphStartOperatorsVector, op_offsets)
    sg_name = b.CreateString("main")
    S.SubGraphStart(b)
    S.SubGraphAddTensors(b, tv)
    S.SubGraphAddInputs(b, inputs)
    S.SubGraphAddOutputs(b, output_vector)
    S.SubGraphAddOperators(b, opv)
    S.SubGraphAddName(b, sg_name)
    sg = S.SubGraphEnd(b)
    M = T["Model"]
    sgv = table_vector(M.ModelStartSubgraphsVector, [sg])
    cv = table_vector(M.ModelStartOperatorCodesVector, code_offsets)
    bv = table_vector(M.ModelStartBuffersVector, buffer_offsets)
    desc = b.CreateString(f"kiln scripts/gen_tflite_models.py: {net.name}")
    M.ModelStart(b)
    M.ModelAddVersion(b, 3)
    M.ModelAddOperatorCodes(b, cv)
    M.ModelAddSubgraphs(b, sgv)
    M.ModelAddDescription(b, desc)
    M.ModelAddBuffers(b, bv)
    b.Finish(M.ModelEnd(b), file_identifier=b"TFL3")
    return bytes(b.Output())


# --- the models ----------------------------------------------------------------

def mobilenet_v2_like(net):
    """A MobileNetV2-shaped network as PyTorch exports reach TFLite: an NCHW
    input transposed to NHWC, a strided stem with hard-swish, two inverted
    residual blocks (expand 1x1, depthwise 3x3, project 1x1; the second
    added to its input), a 1x1 head with hard-swish, global mean, a
    classifier and softmax."""
    hswish = lambda v: v * np.clip(v + 3, 0, 6) / 6  # noqa: E731
    x = transpose(net, net.x, [0, 2, 3, 1], name="to_nhwc")
    x = unary(net, conv(net, x, 8, 3, stride=2, name="stem"), "HARD_SWISH", hswish, "stem_hswish")
    for b, stride in enumerate([2, 1]):
        e = conv(net, x, 24, 1, fused="RELU6", name=f"block{b}_expand")
        d = depthwise(net, e, 3, stride=stride, fused="RELU6", name=f"block{b}_dw")
        p = conv(net, d, 8, 1, name=f"block{b}_project")
        x = add(net, x, p, name=f"block{b}_add") if stride == 1 else p
    h = unary(net, conv(net, x, 32, 1, name="head"), "HARD_SWISH", hswish, "head_hswish")
    return softmax(net, fully_connected(net, mean_hw(net, h, keep_dims=False), 10, name="classifier"))


def encoder_decoder(net):
    """A small U-Net-shaped encoder-decoder: two strided convolutions down,
    RESIZE_NEAREST_NEIGHBOR up, the encoder's skip requantized by QUANTIZE
    to the decoder's quantization and joined by CONCATENATION (TFLite
    Micro's needs one quantization), a TRANSPOSE_CONV back to the input's
    size, and a 1x1 convolution to two output channels."""
    e1 = conv(net, net.x, 8, 3, stride=2, fused="RELU", name="enc1")
    e2 = conv(net, e1, 16, 3, stride=2, fused="RELU", name="enc2")
    up = resize_nearest(net, e2, [e1.shape[1], e1.shape[2]], name="up")
    skip = net.tensor(e1.shape, "int8", up.scale, up.zp, name="skip")
    net.calib[skip.index] = net.real_of(e1)
    net.op("QUANTIZE", [e1], [skip], ("QuantizeOptions", {}))
    d = transpose_conv(net, concat(net, [up, skip], name="join"), 8, (3, 3), (2, 2), fused="RELU", name="dec")
    return conv(net, d, 2, 1, name="head")


def audio_gated(net):
    """A small keyword-spotting network with gated linear units: each block's
    convolution doubles the channels, SPLIT halves them, LOGISTIC gates one
    half and MUL applies it to the other; then a global mean, a classifier
    and softmax."""
    x = net.x
    for b, ch in enumerate([8, 12]):
        c = conv(net, x, 2 * ch, 3, stride=1 if b == 0 else 2, name=f"block{b}_conv")
        value, gate = split(net, c, 3, [ch, ch], name=f"block{b}_split")
        g = unary(net, gate, "LOGISTIC", lambda v: 1 / (1 + np.exp(-v)), f"block{b}_sigmoid", (1 / 256, -128))
        x = sub_mul(net, value, g, "MUL", name=f"block{b}_gate")
    return softmax(net, fully_connected(net, mean_hw(net, x, keep_dims=False), 12, name="classifier"))


def models():
    out = {}

    def model(name, shape, build, seed, lo=-1.0, hi=1.0):
        net = Net(name, shape, seed, lo, hi)
        out[name] = serialize(net, build(net))

    model("conv2d_per_channel_same_relu", [1, 9, 9, 3], lambda n: conv(n, n.x, 8, 3, fused="RELU"), 1)
    model("conv2d_per_tensor_valid_stride2_relu6", [1, 11, 11, 4],
          lambda n: conv(n, n.x, 6, 3, stride=2, padding="VALID", fused="RELU6", per_channel=False), 2)
    model("conv2d_dilation2_same", [1, 10, 10, 5], lambda n: conv(n, n.x, 7, 3, dil=2), 3)
    model("conv2d_1x1_stride2", [1, 8, 8, 16], lambda n: conv(n, n.x, 24, 1, stride=2, fused="RELU"), 4)
    model("depthwise_per_channel_same_relu", [1, 9, 9, 8], lambda n: depthwise(n, n.x, 3, fused="RELU"), 5)
    model("depthwise_stride2_valid_relu6", [1, 12, 12, 16],
          lambda n: depthwise(n, n.x, 3, stride=2, padding="VALID", fused="RELU6"), 6)
    model("fully_connected_per_tensor", [1, 64], lambda n: fully_connected(n, n.x, 10), 7)
    model("fully_connected_relu_4d_input", [1, 4, 4, 8], lambda n: fully_connected(n, n.x, 12, fused="RELU"), 8)
    model("add_two_scales_relu", [1, 6, 6, 8],
          lambda n: add(n, conv(n, n.x, 8, 1, name="a"), conv(n, n.x, 8, 3, name="b"), fused="RELU"), 9)
    model("avg_pool_2x2_stride2", [1, 8, 8, 6], lambda n: pool(n, n.x, "AVERAGE_POOL_2D", 2, 2), 10)
    model("avg_pool_3x3_same", [1, 7, 7, 4], lambda n: pool(n, n.x, "AVERAGE_POOL_2D", 3, 1, "SAME"), 11)
    model("max_pool_3x3_stride2_same", [1, 9, 9, 5], lambda n: pool(n, n.x, "MAX_POOL_2D", 3, 2, "SAME"), 12)
    model("mean_over_hw", [1, 5, 5, 12], lambda n: mean_hw(n, n.x), 13)
    model("softmax_after_fc", [1, 32], lambda n: softmax(n, fully_connected(n, n.x, 10)), 14)
    model("pad_hw", [1, 6, 6, 3], lambda n: pad(n, n.x, [[0, 0], [1, 2], [2, 1], [0, 0]]), 15)
    model("concat_channels", [1, 6, 6, 4],
          lambda n: concat(n, [n.x, n.x]), 16)
    model("quantize_rescale", [1, 5, 5, 8], lambda n: requantize(n, n.x), 17)
    model("concat_four_inputs", [1, 5, 5, 3],
          lambda n: concat(n, [n.x, pad(n, pool(n, n.x, "MAX_POOL_2D", 2, 1), [[0, 0], [0, 1], [0, 1], [0, 0]]), n.x,
                               n.x]), 29)
    model("mean_over_hw_without_keep_dims", [1, 5, 5, 12], lambda n: mean_hw(n, n.x, keep_dims=False), 24)
    model("add_relu6", [1, 4, 4, 8],
          lambda n: add(n, conv(n, n.x, 8, 1, name="a"), conv(n, n.x, 8, 1, name="b"), fused="RELU6"), 25)
    model("max_pool_2x2_valid", [1, 8, 8, 3], lambda n: pool(n, n.x, "MAX_POOL_2D", 2, 2), 26)
    model("conv2d_stride2_same_even_input", [1, 8, 8, 3], lambda n: conv(n, n.x, 4, 3, stride=2), 27)
    model("depthwise_dilation2_same", [1, 10, 10, 4], lambda n: depthwise(n, n.x, 3, dil=2), 28)
    # Quirks trained models carry, which TFLite Micro accepts.
    model("depthwise_per_tensor_weights", [1, 8, 8, 6], lambda n: depthwise(n, n.x, 3, per_channel=False), 19)
    model("conv2d_without_bias", [1, 6, 6, 4], lambda n: conv(n, n.x, 8, 3, bias=False), 20)

    def shared_weights(n):
        w = n.const_weights([8, 3, 3, 8], 0, "shared/weights")
        a = conv(n, n.x, 8, 3, name="first", weights=w)
        return conv(n, a, 8, 3, name="second", weights=w, fused="RELU")

    model("conv2d_weights_shared_by_two_ops", [1, 6, 6, 8], shared_weights, 21)
    # Older converters wrote a zero point on int8 weights; TFLite Micro's
    # convolutions ignore it, its per-tensor fully connected honours it.
    model("fully_connected_weight_zero_point", [1, 24], lambda n: fully_connected(n, n.x, 6, weight_zero_point=3), 22)
    model("conv2d_per_tensor_weight_zero_point", [1, 6, 6, 4],
          lambda n: conv(n, n.x, 5, 3, per_channel=False, weight_zero_point=-2), 23)
    # Float input and output around an int8 network.
    model("float_io_conv", [1, 6, 6, 3], lambda n: float_edges(n, lambda m: conv(m, m.x, 4, 3, fused="RELU")), 30)
    model("float_io_fully_connected_softmax", [1, 20],
          lambda n: float_edges(n, lambda m: softmax(m, fully_connected(m, m.x, 6))), 31)
    # Unary int8 functions (one 256-entry table each in kiln), over inputs wide
    # enough to reach their saturation.
    model("logistic", [1, 8, 8, 4], lambda n: unary(n, n.x, "LOGISTIC", lambda v: 1 / (1 + np.exp(-v)), "logistic",
                                                    (1 / 256, -128)), 32, -8.0, 6.0)
    model("tanh", [1, 8, 8, 4], lambda n: unary(n, n.x, "TANH", np.tanh, "tanh", (1 / 128, 0)), 33, -3.0, 4.0)
    model("hard_swish", [1, 8, 8, 4],
          lambda n: unary(n, n.x, "HARD_SWISH", lambda v: v * np.clip(v + 3, 0, 6) / 6, "hard_swish"), 34, -5.0, 5.0)
    model("leaky_relu", [1, 8, 8, 4],
          lambda n: unary(n, n.x, "LEAKY_RELU", lambda v: np.where(v < 0, 0.2 * v, v), "leaky_relu",
                          options=("LeakyReluOptions", dict(alpha=0.2))), 35, -3.0, 3.0)
    model("elu", [1, 8, 8, 4],
          lambda n: unary(n, n.x, "ELU", lambda v: np.where(v < 0, np.expm1(v), v), "elu"), 36, -4.0, 2.0)
    # Standalone RELU (requantized to its calibrated output) and RELU6 (TFLite
    # Micro clamps the input's own values: the output keeps its quantization).
    model("relu", [1, 8, 8, 4], lambda n: unary(n, n.x, "RELU", lambda v: np.maximum(v, 0), "relu"), 37, -3.0, 3.0)
    model("relu6", [1, 8, 8, 4],
          lambda n: unary(n, n.x, "RELU6", lambda v: np.clip(v, 0, 6), "relu6", (n.x.scale, n.x.zp)), 38, -4.0, 8.0)
    # Standalone RELU_N1_TO_1, requantized to its calibrated output. TFLite
    # Micro registers no kernel for it (scripts/check_tflm.py names it).
    model("relu_n1_to_1", [1, 8, 8, 4],
          lambda n: unary(n, n.x, "RELU_N1_TO_1", lambda v: np.clip(v, -1, 1), "relu_n1_to_1"), 443, -3.0, 3.0)
    model("reshape_then_fc", [1, 4, 4, 4],
          lambda n: fully_connected(n, reshape(n, n.x, [1, 64]), 8), 18)
    # Each pixel against its 3x3 neighbourhood's average (pools keep the input's quantization).
    model("maximum_with_avg_pool", [1, 6, 6, 5],
          lambda n: max_min(n, n.x, pool(n, n.x, "AVERAGE_POOL_2D", 3, 1, "SAME"), "MAXIMUM", "maximum"), 32)
    model("minimum_with_avg_pool", [1, 6, 6, 5],
          lambda n: max_min(n, pool(n, n.x, "AVERAGE_POOL_2D", 3, 1, "SAME"), n.x, "MINIMUM", "minimum"), 33)
    # SUB and MUL: two activations of their own scales, a constant operand
    # (per channel, scalar), and the squeeze-and-excite scale (a per-channel
    # activation repeated over every pixel).
    model("sub_two_scales_relu", [1, 6, 6, 8],
          lambda n: sub_mul(n, conv(n, n.x, 8, 1, name="a"), conv(n, n.x, 8, 3, name="b"), "SUB", "RELU"), 40)
    model("sub_mean_per_channel", [1, 6, 6, 8], lambda n: sub_mul(n, n.x, mean_hw(n, n.x), "SUB"), 41)
    model("sub_scalar_constant_from", [1, 5, 5, 4], lambda n: sub_mul(n, const_operand(n, [1], "c"), n.x, "SUB"), 42)
    model("mul_two_activations_relu6", [1, 6, 6, 8],
          lambda n: sub_mul(n, conv(n, n.x, 8, 1, name="a"), conv(n, n.x, 8, 3, name="b"), "MUL", "RELU6"), 43)
    def squeeze_excite(n):
        squeezed = conv(n, mean_hw(n, n.x), 4, 1, fused="RELU", name="squeeze")
        gate = unary(n, conv(n, squeezed, 8, 1, name="excite"), "LOGISTIC", lambda v: 1 / (1 + np.exp(-v)), "gate",
                     (1 / 256, -128))
        return sub_mul(n, n.x, gate, "MUL")

    model("mul_squeeze_excite", [1, 6, 6, 8], squeeze_excite, 44)
    model("mul_per_channel_constant", [1, 5, 5, 6], lambda n: sub_mul(n, n.x, const_operand(n, [6], "c"), "MUL"), 45)
    model("mul_scalar_constant_relu", [1, 5, 5, 4],
          lambda n: sub_mul(n, const_operand(n, [1], "c"), n.x, "MUL", "RELU"), 46)
    # Layout and rank changes: a network exported from PyTorch begins with an
    # NCHW -> NHWC TRANSPOSE; a channel shuffle is a rank-5 TRANSPOSE between
    # RESHAPEs; SQUEEZE and EXPAND_DIMS are reshapes by other names.
    model("transpose_nchw_input_conv", [1, 3, 8, 8],
          lambda n: conv(n, transpose(n, n.x, [0, 2, 3, 1]), 4, 3, fused="RELU"), 47)
    model("transpose_rank3", [1, 6, 10], lambda n: transpose(n, n.x, [2, 0, 1]), 48)
    model("transpose_channel_shuffle", [1, 4, 4, 8],
          lambda n: reshape_to(n, transpose(n, reshape_to(n, conv(n, n.x, 8, 1, name="conv"), [1, 4, 4, 2, 4], "split"),
                                            [0, 1, 2, 4, 3]), [1, 4, 4, 8], "shuffled"), 49)
    # Slices: SLICE, STRIDED_SLICE (masks, a negative stride, a shrunk axis),
    # and SPLIT, SPLIT_V and UNPACK, whose outputs are joined again.
    model("slice_hw_to_end", [1, 6, 6, 4], lambda n: slice_(n, n.x, [0, 1, 2, 0], [1, 4, -1, 3]), 51)
    model("strided_slice_masks_negative_stride", [1, 8, 7, 6],
          lambda n: strided_slice(n, n.x, [0, 1, -2, 5], [1, 8, 0, 0], [1, 2, -2, -2], begin_mask=0b0001,
                                  end_mask=0b0100), 52)
    model("strided_slice_shrink_axis", [1, 5, 6],
          lambda n: strided_slice(n, n.x, [0, 2, 0], [1, 3, 6], [1, 1, 2], shrink_axis_mask=0b010), 53)
    model("split_channels_maximum", [1, 4, 4, 8],
          lambda n: max_min(n, *split(n, n.x, 3, [4, 4]), "MAXIMUM", "maximum"), 54)
    model("split_v_reordered_concat", [1, 4, 4, 8],
          lambda n: concat(n, list(reversed(split(n, n.x, 3, [3, -1], variable=True)))), 55)
    model("unpack_concat", [1, 3, 8], lambda n: concat_axis(n, unpack(n, n.x, 1), 1, "concat"), 56)
    # Depth and space: a sub-pixel upsampling (conv to 4x channels, then
    # DEPTH_TO_SPACE) and its inverse; PACK of slices of the input.
    model("depth_to_space_after_conv", [1, 4, 5, 3],
          lambda n: depth_space(n, conv(n, n.x, 12, 3, name="conv"), 2, True, "depth_to_space"), 57)
    model("space_to_depth_then_conv", [1, 6, 8, 2],
          lambda n: conv(n, depth_space(n, n.x, 2, False, "space_to_depth"), 4, 1, name="conv"), 58)
    model("pack_of_split", [1, 4, 6],
          lambda n: pack(n, split(n, n.x, 2, [3, 3]), 2), 59)
    # Nearest-neighbour upsampling (an FPN or YOLO neck) and resizes by
    # non-integer factors with each of TFLite's index conventions.
    model("resize_nearest_2x_then_add", [1, 3, 4, 4],
          lambda n: add(n, resize_nearest(n, n.x, [6, 8]), conv(n, resize_nearest(n, n.x, [6, 8], name="r2"), 4, 1,
                                                                 name="conv")), 60)
    model("resize_nearest_7x5_to_5x9", [1, 7, 5, 3], lambda n: resize_nearest(n, n.x, [5, 9]), 61)
    model("resize_nearest_align_corners", [1, 7, 5, 3],
          lambda n: resize_nearest(n, n.x, [4, 11], align_corners=True), 62)
    model("resize_nearest_half_pixel_centers", [1, 7, 5, 3],
          lambda n: resize_nearest(n, n.x, [10, 3], half_pixel_centers=True), 63)
    # PADV2 with a constant other than the zero point, written into the border.
    model("padv2_constant", [1, 5, 5, 3], lambda n: padv2(n, n.x, [[0, 0], [1, 2], [2, 1], [0, 0]], 0.5), 64)
    # Bilinear upsampling before a convolution (a segmentation decoder), and
    # resizes by non-integer factors with each of TFLite's conventions.
    model("resize_bilinear_2x_then_conv", [1, 4, 5, 3],
          lambda n: conv(n, resize_bilinear(n, n.x, [8, 10]), 4, 3, name="conv"), 67)
    model("resize_bilinear_align_corners", [1, 5, 7, 2],
          lambda n: resize_bilinear(n, n.x, [9, 4], align_corners=True), 68)
    model("resize_bilinear_half_pixel_centers", [1, 6, 3, 4],
          lambda n: resize_bilinear(n, n.x, [4, 11], half_pixel_centers=True), 69)
    # SQUARED_DIFFERENCE: of two activations of their own scales, and against
    # the per-channel mean (the variance term of a normalization).
    model("squared_difference_two_activations", [1, 5, 5, 6],
          lambda n: squared_difference(n, conv(n, n.x, 6, 1, name="a"), conv(n, n.x, 6, 3, name="b")), 72)
    model("squared_difference_mean_per_channel", [1, 6, 6, 8],
          lambda n: squared_difference(n, n.x, mean_hw(n, n.x)), 73)
    # PRELU: a learned slope per channel after a convolution (face and
    # super-resolution networks), and one slope for a rank-3 tensor.
    model("prelu_per_channel_after_conv", [1, 6, 6, 3],
          lambda n: prelu(n, conv(n, n.x, 8, 3, name="conv"), [1, 1, 8]), 70)
    model("prelu_scalar_slope", [1, 5, 7], lambda n: prelu(n, n.x, [1]), 71)
    # Mirror padding before a convolution (style transfer, super-resolution)
    # and on a rank-3 tensor with the edge repeated.
    model("mirror_pad_reflect_hw", [1, 5, 6, 3],
          lambda n: conv(n, mirror_pad(n, n.x, [[0, 0], [2, 1], [1, 3], [0, 0]], "REFLECT"), 4, 3, name="conv"), 65)
    model("mirror_pad_symmetric_rank3", [1, 4, 5],
          lambda n: mirror_pad(n, n.x, [[0, 0], [1, 2], [3, 0]], "SYMMETRIC"), 66)
    # REDUCE_MAX and REDUCE_MIN: a global max pool kept as 1x1 (a channel
    # attention's squeeze), the minimum over channels, and axes written
    # negative and twice.
    model("reduce_max_hw_keep_dims", [1, 5, 6, 3],
          lambda n: reduce_max_min(n, conv(n, n.x, 6, 3, name="conv"), "REDUCE_MAX", [1, 2], True, "reduce_max"), 74)
    model("reduce_min_channels", [1, 4, 5, 6],
          lambda n: reduce_max_min(n, n.x, "REDUCE_MIN", [-1], False, "reduce_min"), 75)
    model("reduce_max_negative_repeated_axes", [1, 3, 4, 5],
          lambda n: reduce_max_min(n, n.x, "REDUCE_MAX", [3, -1, 1], False, "reduce_max"), 76)
    # SUM: over the channels, and over height and width kept as 1x1 after a
    # convolution (a global sum pool).
    model("sum_channels", [1, 4, 5, 6], lambda n: reduce_sum(n, n.x, [3], False), 84)
    model("sum_hw_keep_dims", [1, 6, 5, 3],
          lambda n: reduce_sum(n, conv(n, n.x, 8, 3, name="conv"), [1, -2], True), 85)
    # SPACE_TO_BATCH_ND and BATCH_TO_SPACE_ND: padded into 2x3 blocks, the
    # pair a converter writes around a dilated convolution (padding, then the
    # crop), a rank-3 tensor, and blocks of a batch reassembled with a crop.
    model("space_to_batch_2x3_padded", [1, 5, 6, 3],
          lambda n: space_to_batch(n, n.x, [2, 3], [[1, 0], [0, 0]]), 77)
    model("space_to_batch_then_batch_to_space", [1, 6, 6, 3],
          lambda n: batch_to_space(n, space_to_batch(n, n.x, [2, 2], [[1, 1], [1, 1]]), [2, 2], [[1, 1], [1, 1]]),
          78)
    model("space_to_batch_rank3", [1, 6, 4], lambda n: space_to_batch(n, n.x, [2], [[0, 2]]), 79)
    model("batch_to_space_cropped", [4, 3, 3, 2], lambda n: batch_to_space(n, n.x, [2, 2], [[1, 0], [0, 1]]), 80)
    # GATHER: channels picked and repeated (a channel shuffle), rows by a 2-D
    # index (an embedding-style lookup) along a negative axis, and one index
    # list per batch (batch_dims 1).
    model("gather_channels", [1, 5, 6, 4], lambda n: gather(n, n.x, [3, 0, 0, 2, 1], 3), 81)
    model("gather_rows_2d_indices", [1, 7, 3],
          lambda n: gather(n, n.x, [[0, 6], [2, 2], [5, 1]], -2), 82)
    model("gather_batch_dims", [2, 5, 3],
          lambda n: gather(n, n.x, [[4, 0, 1], [2, 2, 3]], 1, batch_dims=1), 83)
    # BATCH_MATMUL: two activations with batch dimensions ([1, 2, 3, 4] times
    # [1, 2, 4, 5]), an attention block (scores q k^T by adj_y, softmax, times
    # v), adj_x, adj_x with adj_y, a rank-3 right operand broadcast over the
    # heads and a rank-5 batched constant broadcast both ways (the MCU's
    # batch_matmul); constant weights, as they are, under adj_y with adj_x,
    # and with a zero point (that one on the MCU: the array's weights are
    # symmetric).
    model("batch_matmul_two_activations", [1, 2, 4, 3],
          lambda n: batch_matmul(n, transpose(n, n.x, [0, 1, 3, 2]), conv(n, n.x, 5, 1, name="rhs")), 86)

    def attention(n):
        q, k, v = (conv(n, n.x, c, 1, name=name) for c, name in ((4, "q"), (4, "k"), (5, "v")))
        scores = softmax(n, batch_matmul(n, q, k, adj_y=True, name="scores"))
        return batch_matmul(n, scores, v, name="attention")

    model("batch_matmul_attention", [1, 3, 6, 4], attention, 87)
    model("batch_matmul_adj_x", [1, 2, 4, 3], lambda n: batch_matmul(n, n.x, conv(n, n.x, 5, 1, name="rhs"),
                                                                     adj_x=True), 88)
    model("batch_matmul_adj_x_adj_y", [1, 2, 4, 3],
          lambda n: batch_matmul(n, n.x, transpose(n, conv(n, n.x, 5, 1, name="rhs"), [0, 1, 3, 2]), adj_x=True,
                                 adj_y=True), 89)
    model("batch_matmul_broadcast_rank3_rhs", [1, 2, 4, 3],
          lambda n: batch_matmul(n, transpose(n, n.x, [0, 1, 3, 2]),
                                 reduce_max_min(n, conv(n, n.x, 5, 1, name="rhs"), "REDUCE_MAX", [1], False,
                                                "rhs_max")), 90)
    model("batch_matmul_rank5_batched_constant", [1, 2, 4, 3],
          lambda n: batch_matmul(n, reshape_to(n, n.x, [1, 2, 1, 4, 3], "rank5"),
                                 const_operand(n, [1, 1, 3, 3, 5], "rhs")), 91)
    model("batch_matmul_constant_weights", [1, 4, 8, 32],
          lambda n: batch_matmul(n, n.x, const_operand(n, [32, 24], "weights")), 92)
    model("batch_matmul_constant_weights_adj_x_adj_y", [1, 2, 16, 6],
          lambda n: batch_matmul(n, n.x, const_operand(n, [1, 24, 16], "weights"), adj_x=True, adj_y=True), 93)
    model("batch_matmul_constant_zero_point", [1, 3, 8],
          lambda n: batch_matmul(n, n.x, n.const_weights([8, 6], None, "weights", zero_point=3)[0]), 94)
    model("squeeze_fc_expand_dims", [1, 4, 4, 8],
          lambda n: expand_dims(n, fully_connected(n, squeeze(n, mean_hw(n, n.x)), 5), 1), 50)
    # INT64 begin and size, as TensorFlow graphs often write them.
    model("slice_int64_begin_size", [1, 6, 5, 4], lambda n: slice_(n, n.x, [0, 2, 1, 1], [1, 3, -1, 2], int64=True),
          88)
    # Whole networks built from the operators above.
    model("net_mobilenet_v2_like", [1, 3, 32, 32], mobilenet_v2_like, 86)
    model("net_audio_gated", [1, 49, 10, 1], audio_gated, 87)
    model("net_encoder_decoder", [1, 16, 16, 3], encoder_decoder, 89)
    # TRANSPOSE_CONV (a decoder's or a segmentation head's upsampling): stride
    # 2 SAME with a bias and per-channel weights; VALID stride 3 without bias
    # (index -1) on per-tensor weights; a 4x4 kernel (even: SAME pads less
    # before) with a fused RELU; a 3x2 kernel at strides 2x1 with no bias input
    # at all; and stride 1 after a convolution.
    model("transpose_conv_stride2_same", [1, 4, 5, 6], lambda n: transpose_conv(n, n.x, 8, (3, 3), (2, 2)), 86)
    model("transpose_conv_valid_stride3_no_bias", [1, 3, 3, 4],
          lambda n: transpose_conv(n, n.x, 5, (3, 3), (3, 3), "VALID", per_channel=False, bias="absent"), 87)
    model("transpose_conv_4x4_relu", [1, 4, 4, 8],
          lambda n: transpose_conv(n, n.x, 4, (4, 4), (2, 2), fused="RELU"), 88)
    model("transpose_conv_3x2_strides_2x1", [1, 5, 4, 3],
          lambda n: transpose_conv(n, n.x, 6, (3, 2), (2, 1), bias="omitted"), 89)
    model("transpose_conv_stride1_after_conv", [1, 6, 6, 4],
          lambda n: transpose_conv(n, conv(n, n.x, 8, 3, fused="RELU", name="conv"), 3, (3, 3), (1, 1),
                                   fused="RELU6"), 90)
    # LOG_SOFTMAX over the last axis: a classifier's scores, a rank-3 tensor
    # with differences past the output's range (-16), and the channels of a
    # convolution's rank-4 output.
    model("log_softmax_after_fc", [1, 32], lambda n: log_softmax(n, fully_connected(n, n.x, 10)), 430)
    model("log_softmax_rank3", [1, 4, 7], lambda n: log_softmax(n, n.x), 431, lo=-12.0, hi=12.0)
    model("log_softmax_conv_channels", [1, 5, 5, 3], lambda n: log_softmax(n, conv(n, n.x, 8, 3, name="conv")), 432)
    # ARG_MAX over the last axis after a fully connected layer (a classifier
    # head); ARG_MIN along the height of an image input (the all-values input
    # gives ties); ARG_MAX over a convolution's channels (per-pixel classes).
    model("arg_max_after_fc", [1, 32],
          lambda n: arg_min_max(n, fully_connected(n, n.x, 10), "ARG_MAX", -1, "arg_max"), 440)
    model("arg_min_height", [1, 6, 5, 4], lambda n: arg_min_max(n, n.x, "ARG_MIN", 1, "arg_min"), 441)
    model("arg_max_conv_channels", [1, 6, 6, 3],
          lambda n: arg_min_max(n, conv(n, n.x, 5, 3, name="conv"), "ARG_MAX", 3, "arg_max"), 442)
    # Several graph inputs and outputs, in the order the subgraph lists them
    # (kiln run takes one --input and --output each in that order): two
    # inputs of their own scales added; two inputs of one quantization (as
    # TFLite Micro's concatenation needs) of 3 and 5 channels joined and
    # convolved; a convolution that is a graph output and feeds a second
    # one; three inputs of three shapes (an image, a per-channel gate, a
    # per-row offset) joined by MUL and SUB, the smaller repeated along the
    # innermost dimensions; two float32 inputs quantized and added, the sum
    # dequantized into a float32 output listed after an int8 convolution of
    # it computed later; and both outputs of one SPLIT_V as graph outputs.
    model("multi_io_add_two_inputs_two_scales", [1, 6, 6, 8],
          lambda n: add(n, n.x, n.add_input([1, 6, 6, 8], -3.0, 2.0, "input_b")), 450)
    model("multi_io_concat_two_inputs_conv", [1, 6, 6, 3],
          lambda n: conv(n, concat(n, [n.x, n.add_input([1, 6, 6, 5], -1.0, 1.0, "input_b")]), 6, 3, fused="RELU",
                         name="conv"), 451)

    def conv_two_outputs(n):
        # The features stay an output while three more layers run after their last reader.
        features = conv(n, n.x, 8, 3, fused="RELU", name="features")
        head = conv(n, conv(n, features, 8, 1, stride=2, fused="RELU6", name="reduce"), 6, 3, name="head")
        return [features, softmax(n, pool(n, head, "AVERAGE_POOL_2D", 2, 2, name="pool"), name="softmax")]

    model("multi_io_conv_two_outputs", [1, 8, 8, 3], conv_two_outputs, 452)

    def three_inputs(n):
        gate = n.add_input([1, 1, 1, 8], 0.0, 1.0, "gate")
        offset = n.add_input([1, 1, 5, 8], -0.5, 0.5, "row_offset")
        return sub_mul(n, sub_mul(n, n.x, gate, "MUL", name="gated"), offset, "SUB", name="offset")

    model("multi_io_three_inputs_mul_sub_broadcast", [1, 5, 5, 8], three_inputs, 453)

    def float_two_inputs_two_outputs(n):
        a = float_graph_input(n, n.x, "input_float")
        b = float_graph_input(n, n.add_input([1, 4, 4, 6], -2.0, 2.0, "input_b"), "input_b_float")
        total = add(n, a, b, name="sum")
        total_float = dequantize(n, total, "sum_float")
        return [conv(n, total, 4, 3, name="conv"), total_float]

    model("multi_io_float_two_inputs_two_outputs", [1, 4, 4, 6], float_two_inputs_two_outputs, 454)
    model("multi_io_split_v_two_outputs", [1, 5, 5, 4],
          lambda n: split(n, conv(n, n.x, 8, 3, fused="RELU", name="conv"), 3, [3, -1], variable=True), 455)
    return out


def main():
    global T
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", default=os.path.join(ROOT, "tests", "data", "models", "tflite"))
    ap.add_argument("--check", action="store_true", help="fail if the files on disk differ from what would be written")
    args = ap.parse_args()
    T = load_bindings()
    written = models()
    return write_or_check(written, args.out, ".tflite", args.check, "scripts/gen_tflite_models.py")


if __name__ == "__main__":
    sys.exit(main())
