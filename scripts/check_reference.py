#!/usr/bin/python3
"""Checks kiln's reference interpreter on ONNX models against onnxruntime.

For each model and each of N seeded random inputs, runs `kiln reference
--dump` and onnxruntime-node (CPU, through scripts/check_reference_ort.js) on
the same input, and compares
  - every operator alone: the runtime runs a model cut to that one operator,
    fed kiln's own values of the operator's inputs; every element of its
    output must agree with kiln's within one quantization step;
  - the whole network on the same input: reported (largest difference), and
    with --strict-network also required to agree within one step.
A rounding difference of one step in an early layer can grow through later
layers, so the network's outputs can differ by more than one step although no
operator does; docs/reference-check.md has the details and the numbers.
onnxruntime computes QDQ models in float, which is why this check allows one
step. A model with a float32 input (QuantizeLinear at its edge) gets random
float inputs over the range that QuantizeLinear represents; float32 outputs
(DequantizeLinear at the edge) are compared in steps of their scale. The
float edges themselves are defined alike in both (x / scale rounded half to
even; (q - zero point) * scale), so they must agree exactly, as must int64 indices
(ArgMax, ArgMin: the stored values order as the dequantized ones do, and
both take the first of equals). The float32 tensors of float islands (float
operators that are no QDQ node unit, run by kiln's float kernels) are
compared as they are, in steps of the scale of the QuantizeLinear that next
quantizes them (a DequantizeLinear's output: its own scale; a float graph
output no QuantizeLinear follows: the scale of the DequantizeLinear it is
computed from). TFLite models are checked bit for bit against TFLite Micro
itself by scripts/check_tflm.py.

Install the runtime with scripts/setup_reference_runtimes.sh. Run with
/usr/bin/python3 (the interpreter that sees Debian's python3-onnx):
  /usr/bin/python3 scripts/check_reference.py [MODEL ...] [--inputs N] [--seed S]
      [--kiln PATH] [--skip-missing] [--strict-network] [--ctest]
Exit status: 0 every check within one step; 1 an element off by more, or a
runtime or tool failed; 2 a runtime is missing (without --skip-missing).
With --ctest (the ctest's mode), a missing runtime exits 77 (ctest's skip)
outside CI and fails (1) when CI=true, where .ci/run installs the runtimes.
"""

import argparse
import glob
import json
import os
import shutil
import subprocess
import sys
import tempfile

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ORT_SCRIPT = os.path.join(ROOT, "scripts", "check_reference_ort.js")
TOLERANCE = 1  # quantization steps
# onnxruntime's int8 kernels on x86 without VNNI multiply with vpmaddubsw, whose
# int16 pair sums saturate; its precision mode avoids that. Level "basic"
# keeps the QDQ graph as written (float ops between DequantizeLinear and
# QuantizeLinear) instead of fusing it into those integer kernels.
ORT_SESSION_CONFIG = {"session": {"x64quantprecision": "1"}}
ORT_OPT_LEVEL = os.environ.get("KILN_ORT_OPT_LEVEL", "basic")


class Missing(Exception):
    """A runtime is not installed."""


def default_models():
    found = glob.glob(os.path.join(ROOT, "workloads", "*.onnx"))
    found += glob.glob(os.path.join(ROOT, "tests", "data", "models", "onnx", "*.onnx"))  # scripts/gen_onnx_models.py
    return [os.path.normpath(p) for p in sorted(found)]


def find_kiln(arg):
    for path in (arg, os.environ.get("KILN_BIN"), os.path.join(ROOT, "build", "tools", "kiln")):
        if path:
            return path
    return None


def random_input(shape, seed, float_range=None, scale=None):
    rng = np.random.default_rng(seed)
    if float_range is not None:  # a float input: over its QuantizeLinear's range and a little beyond (saturation)
        lo, hi = float_range
        margin = 0.05 * (hi - lo)
        x = rng.uniform(lo - margin, hi + margin, size=shape).astype(np.float32)
        # Every 7th element an exact tie, x / scale = k + 1/2 in float32: where rounding half to even
        # and half away from zero differ, so the exact check of the float edge sees which one ran.
        flat = x.reshape(-1)
        s = np.float32(scale)
        for i in range(0, flat.size, 7):
            t = np.float32((np.floor(flat[i] / s) + 0.5) * s)
            if np.float32(t / s) == np.floor(flat[i] / s) + 0.5:
                flat[i] = t
        return x
    return rng.integers(-128, 128, size=shape, dtype=np.int16).astype(np.int8)


class KilnRun:
    """One `kiln reference --dump` run: the network output and every op's output."""

    def __init__(self, kiln, model, xs_nhwc, n_outputs, workdir, tag):
        self.dir = os.path.join(workdir, tag)
        os.makedirs(self.dir, exist_ok=True)
        cmd = [kiln, "reference", model]
        for j, x in enumerate(xs_nhwc):  # --input and --output repeat, in the model's order
            np.save(os.path.join(self.dir, f"in{j}.npy"), x)
            cmd += ["--input", os.path.join(self.dir, f"in{j}.npy")]
        for k in range(n_outputs):
            cmd += ["--output", os.path.join(self.dir, f"out{k}.npy")]
        cmd += ["--dump", os.path.join(self.dir, "dump")]
        proc = subprocess.run(cmd, capture_output=True, text=True)
        if proc.returncode != 0:
            raise RuntimeError(f"{' '.join(cmd)} failed ({proc.returncode}): {proc.stderr.strip()}")
        self.outputs = [np.load(os.path.join(self.dir, f"out{k}.npy")) for k in range(n_outputs)]
        with open(os.path.join(self.dir, "dump", "manifest.json")) as f:
            self.ops = json.load(f)

    def value(self, entry):
        return np.load(os.path.join(self.dir, "dump", entry["file"]))


# --- ONNX through onnxruntime-node -----------------------------------------


def node_ort_modules():
    return os.path.join(os.environ.get("KILN_NODE_ORT_DIR", os.path.join(ROOT, "build", "node_ort")), "node_modules")


def to_model_layout(x_nhwc):
    return x_nhwc.transpose(0, 3, 1, 2) if x_nhwc.ndim == 4 else x_nhwc


def to_nhwc(y):
    return y.transpose(0, 2, 3, 1) if y.ndim == 4 else y


class OnnxCheck:
    runtime_name = "onnxruntime-node"

    def __init__(self, model, workdir):
        if not shutil.which("node"):
            raise Missing("node not found; install nodejs")
        if not os.path.isfile(os.path.join(node_ort_modules(), "onnxruntime-node", "package.json")):
            raise Missing(f"onnxruntime-node not found in {node_ort_modules()}; run scripts/setup_reference_runtimes.sh")
        import onnx
        from onnx import TensorProto, numpy_helper, shape_inference
        self.onnx = onnx
        self.path, self.workdir = model, workdir
        m = shape_inference.infer_shapes(onnx.load(model))
        self.graph = m.graph
        self.initializers = {t.name for t in m.graph.initializer}
        self.types = {v.name: v.type.tensor_type.elem_type
                      for v in list(m.graph.value_info) + list(m.graph.input) + list(m.graph.output)}
        self.int_types = {TensorProto.INT8: np.int8, TensorProto.UINT8: np.uint8}
        # Indices (ArgMax, ArgMin): integers that are no quantized values, compared exactly.
        self.index_types = {TensorProto.INT64, TensorProto.INT32}
        # Shape inference does not type com.microsoft QLinear outputs: the unary
        # ones (and QLinearMul of two inputs of one shape) have their first
        # input's shape and their output zero point's type (the last input).
        # A copy with those types is what sub-models are cut from.
        self.extract_source = model
        consts0 = {t.name: t.data_type for t in m.graph.initializer}
        infos = {v.name: v for v in list(m.graph.value_info) + list(m.graph.input)}
        for n in m.graph.node:
            if n.domain == "com.microsoft" and n.output[0] not in self.types and len(n.input) > 4 and \
                    n.input[0] in infos:
                self.types[n.output[0]] = consts0.get(n.input[-1], TensorProto.UINT8)
                dims = [d.dim_value for d in infos[n.input[0]].type.tensor_type.shape.dim]
                m.graph.value_info.append(onnx.helper.make_tensor_value_info(n.output[0], self.types[n.output[0]], dims))
                self.extract_source = os.path.join(workdir, os.path.basename(model) + ".typed.onnx")
        if self.extract_source != model:
            onnx.save(m, self.extract_source)
        self.dtypes = {**self.int_types, TensorProto.FLOAT: np.float32}
        consts = {t.name: numpy_helper.to_array(t) for t in m.graph.initializer}
        self.producer = {o: n for n in m.graph.node for o in n.output}
        self.consumers = {}
        for n in m.graph.node:
            for i in n.input:
                self.consumers.setdefault(i, []).append(n)
        inputs = [v for v in m.graph.input if v.name not in self.initializers]
        self.input_names = [v.name for v in inputs]
        # A float input: the float range its QuantizeLinear represents, and its scale.
        self.input_ranges, self.input_scales = [], []
        for name in self.input_names:
            rng = scale = None
            if self.types.get(name) == TensorProto.FLOAT:
                q = next(n for n in self.consumers.get(name, []) if n.op_type == "QuantizeLinear")
                scale, zp = float(consts[q.input[1]]), consts[q.input[2]] if len(q.input) > 2 else np.uint8(0)
                qmin, qmax = (0, 255) if zp.dtype == np.uint8 else (-128, 127)
                rng = ((qmin - int(zp)) * scale, (qmax - int(zp)) * scale)
            self.input_ranges.append(rng)
            self.input_scales.append(scale)
        # Float outputs of DequantizeLinear: compared in steps of its scale.
        self.float_step = {n.output[0]: float(consts[n.input[1]]) for n in m.graph.node
                           if n.op_type == "DequantizeLinear" and self.types.get(n.output[0]) == TensorProto.FLOAT
                           and n.output[0] in {o.name for o in m.graph.output} and n.input[1] in consts}
        self.input_shapes = []
        for v in inputs:
            dims = [d.dim_value for d in v.type.tensor_type.shape.dim]
            self.input_shapes.append(tuple([dims[0], dims[2], dims[3], dims[1]] if len(dims) == 4 else dims))
        self.output_names = [o.name for o in m.graph.output]
        self.consts = consts
        self.island_step = {}  # float tensors of float islands: _float_step
        self.sub_models = {}
        self.jobs = []  # (model path, feeds) queued for one node process

    def _onnx_name(self, ir_name):
        """The int8/uint8 ONNX tensor holding an IR tensor: itself, or the QuantizeLinear of a float one;
        a float graph output of DequantizeLinear is itself."""
        if self.types.get(ir_name) in self.int_types or ir_name in self.float_step or \
                self.types.get(ir_name) in self.index_types:
            return ir_name
        for n in self.consumers.get(ir_name, []):
            if n.op_type == "QuantizeLinear" and self.types.get(n.output[0]) in self.int_types:
                return n.output[0]
        return None

    def _float_step(self, name):
        """The step of a float tensor: its DequantizeLinear's scale, else that of the QuantizeLinear reached
        first through float operators after it, else that of the DequantizeLinear reached first before it."""
        def scale_of(n):
            return float(self.consts[n.input[1]]) if len(n.input) > 1 and n.input[1] in self.consts else None
        p = self.producer.get(name)
        if p is not None and p.op_type == "DequantizeLinear" and scale_of(p):
            return scale_of(p)
        queue, seen = [name], {name}
        while queue:  # forward, breadth first
            t = queue.pop(0)
            for n in self.consumers.get(t, []):
                if n.op_type == "QuantizeLinear" and n.input[0] == t and scale_of(n):
                    return scale_of(n)
                for o in n.output:
                    if o and o not in seen and self.types.get(o) == self.onnx.TensorProto.FLOAT:
                        seen.add(o)
                        queue.append(o)
        queue, seen = [name], {name}
        while queue:  # backward
            t = queue.pop(0)
            n = self.producer.get(t)
            if n is None:
                continue
            if n.op_type == "DequantizeLinear" and scale_of(n):
                return scale_of(n)
            for i in n.input:
                if i and i not in seen and i not in self.initializers:
                    seen.add(i)
                    queue.append(i)
        raise RuntimeError(f"{self.path}: float tensor '{name}' has no QuantizeLinear or DequantizeLinear near it")

    def _boundary(self, name, available):
        """The available int8 tensors that `name` is computed from, or None when one is missing."""
        found, stack, seen = [], list(self.producer[name].input), set()
        while stack:
            t = stack.pop()
            if not t or t in seen or t in self.initializers:
                continue
            seen.add(t)
            if t in available:
                found.append(t)
            elif t in self.producer and self.types.get(t) not in self.int_types:
                stack.extend(self.producer[t].input)  # float or int32 between DQ and Q: keep walking
            elif t in self.producer and self.producer[t].op_type == "DequantizeLinear" and \
                    self.producer[t].input[0] in self.initializers:
                continue
            else:
                return None
        return sorted(found)

    def _feed(self, name, value_nhwc, path):
        dtype = self.dtypes[self.types[name]]
        x = to_model_layout(value_nhwc)
        if dtype != np.float32:
            x = x.astype(np.int16)
        if dtype == np.uint8:
            x = x + 128  # the front end's uint8 -> int8 is q - 128
        x.astype(dtype).tofile(path)
        return {"name": name, "file": path, "dtype": np.dtype(dtype).name, "dims": list(x.shape)}

    def _queue(self, model_path, feeds, out):
        self.jobs.append({"path": model_path, "runs": [{"out": out, "feeds": feeds}]})
        return len(self.jobs) - 1

    def queue_network(self, xs_nhwc, tag):
        out = os.path.join(self.workdir, f"{tag}.net")
        feeds = [self._feed(name, x, f"{out}.in{j}.bin") for j, (name, x) in enumerate(zip(self.input_names, xs_nhwc))]
        return self._queue(self.path, feeds, out)

    def queue_ops(self, run, xs_nhwc, tag):
        values = dict(zip(self.input_names, xs_nhwc))
        names = {}
        for entry in run.ops:
            name = self._onnx_name(entry["tensor"])
            # A float tensor of a float island holds the ONNX float tensor of its name.
            if entry["tensor"] in self.producer and self.types.get(entry["tensor"]) == self.onnx.TensorProto.FLOAT \
                    and run.value(entry).dtype == np.float32:
                name = entry["tensor"]
            if name:
                values[name] = run.value(entry)
                names[entry["file"]] = name
        queued = []
        for k, entry in enumerate(run.ops):
            name = names.get(entry["file"])
            ins = self._boundary(name, set(values) - {name}) if name in self.producer else None
            label = f"op {entry['op']} {entry['kind']} '{entry['tensor']}'"
            if not ins:
                queued.append((label, run.value(entry), None, name))
                continue
            key = (name, tuple(ins))
            if key not in self.sub_models:
                path = os.path.join(self.workdir, f"{os.path.basename(self.path)}.{len(self.sub_models)}.onnx")
                self.onnx.utils.extract_model(self.extract_source, path, list(ins), [name])
                self.sub_models[key] = path
            out = os.path.join(self.workdir, f"{tag}.op{k}")
            feeds = [self._feed(t, values[t], f"{out}.in{j}.bin") for j, t in enumerate(ins)]
            queued.append((label, run.value(entry), self._queue(self.sub_models[key], feeds, out), name))
        return queued

    def steps(self, name, y):
        """A float tensor in steps (_float_step; a DequantizeLinear's output in its scale gives (q - zero point))."""
        if y.dtype != np.float32:
            return y
        if name not in self.float_step and name not in self.island_step:
            self.island_step[name] = self._float_step(name)
        step = self.float_step.get(name) or self.island_step[name]
        return np.round(y.astype(np.float64) / step).astype(np.int32)

    def run_queued(self):
        """Runs every queued job in one node process; returns per job its outputs in the IR's form."""
        job = {"graphOptimizationLevel": ORT_OPT_LEVEL, "extra": ORT_SESSION_CONFIG, "models": self.jobs}
        job_path = os.path.join(self.workdir, f"{os.path.basename(self.path)}.ort.json")
        with open(job_path, "w") as f:
            json.dump(job, f)
        env = dict(os.environ, NODE_PATH=node_ort_modules())
        proc = subprocess.run(["node", ORT_SCRIPT, job_path], capture_output=True, text=True, env=env)
        if proc.returncode != 0:
            raise RuntimeError(f"onnxruntime-node failed on {self.path}: {proc.stderr.strip()}")
        metas = [json.loads(line) for line in proc.stdout.splitlines() if line.startswith("[")]
        if len(metas) != len(self.jobs):
            raise RuntimeError(f"onnxruntime-node printed {len(metas)} results for {len(self.jobs)} runs")
        results = []
        for entry, meta in zip(self.jobs, metas):
            outs = []
            for k, m in enumerate(meta):
                if m["dtype"] not in ("int8", "uint8", "float32", "int32", "int64"):
                    raise RuntimeError(f"{entry['path']}: output {k} is {m['dtype']}; expected int8, uint8, float32 "
                                       "or int32/int64 indices")
                y = np.fromfile(f"{entry['runs'][0]['out']}.out{k}.bin", dtype=np.dtype(m["dtype"]))
                if m["dtype"] in ("int32", "int64"):  # indices: int64, the type the comparison tells apart
                    outs.append(to_nhwc(y.reshape(m["dims"])).astype(np.int64))
                    continue
                if m["dtype"] == "float32":
                    outs.append(self.steps(m["name"], to_nhwc(y.reshape(m["dims"]))))
                    continue
                y = y.reshape(m["dims"]).astype(np.int16)
                outs.append(to_nhwc(y - 128 if m["dtype"] == "uint8" else y).astype(np.int8))
            results.append(outs)
        self.jobs = []
        return results


# --- comparison ----------------------------------------------------------------


class Diff:
    """Element counts and the largest difference, with where it is."""

    def __init__(self):
        self.elements = self.exact = self.max = 0
        self.worst = ""

    def add(self, ours, theirs, where):
        if ours.size != theirs.size:
            raise RuntimeError(f"{where}: kiln gives {ours.shape}, the runtime {theirs.shape}")
        d = np.abs(ours.reshape(-1).astype(np.int32) - theirs.reshape(-1).astype(np.int32))
        self.elements += d.size
        self.exact += int(np.count_nonzero(d == 0))
        k = int(d.argmax()) if d.size else 0
        if d.size and int(d[k]) > self.max:
            self.max = int(d[k])
            self.worst = f"{where} element {k}: kiln {ours.reshape(-1)[k]}, runtime {theirs.reshape(-1)[k]}"


class Result:
    def __init__(self, runtime_name):
        self.runtime = runtime_name
        self.inputs = 0
        self.ops = Diff()
        self.network = Diff()
        self.ops_compared = set()
        self.ops_total = set()
        self.edges = Diff()  # the float edges (Quantize, Dequantize ops): exact
        self.indices = Diff()  # ArgMax / ArgMin indices: exact


def check_model(model, kiln, n_inputs, seed, workdir):
    if not model.endswith(".onnx"):
        raise RuntimeError(f"{model}: not .onnx (TFLite models: scripts/check_tflm.py)")
    check = OnnxCheck(model, workdir)
    res = Result(check.runtime_name)
    tag = os.path.splitext(os.path.basename(model))[0]
    pending = []  # ONNX: (input, network job, op jobs), resolved after one node run
    for i in range(n_inputs):
        # One tensor per model input; the first from seed + i, each further one from a seed of its own.
        xs = [random_input(shape, seed + i + 1000 * j, rng, scale)
              for j, (shape, rng, scale) in enumerate(zip(check.input_shapes, check.input_ranges, check.input_scales))]
        run = KilnRun(kiln, model, xs, len(check.output_names), workdir, f"{tag}.{i}")
        where = f"input {i} (seed {seed + i})"
        pending.append((i, where, run, check.queue_network(xs, f"{tag}.{i}"), check.queue_ops(run, xs, f"{tag}.{i}")))
        res.inputs += 1
    if pending:
        results = check.run_queued()
        for i, where, run, net_job, op_jobs in pending:
            for k, theirs in enumerate(results[net_job]):
                res.network.add(check.steps(check.output_names[k], run.outputs[k]), theirs, f"{where} output {k}")
                if theirs.dtype == np.int64:
                    res.indices.add(run.outputs[k], theirs, f"{where} output {k}")
            for name, ours, job, tensor in op_jobs:
                res.ops_total.add(name)
                if job is not None:
                    res.ops_compared.add(name)
                    ours = check.steps(tensor, ours)
                    res.ops.add(ours, results[job][0], f"{where} {name}")
                    if " quantize " in name or " dequantize " in name:
                        res.edges.add(ours, results[job][0], f"{where} {name}")
                    if results[job][0].dtype == np.int64:
                        res.indices.add(ours, results[job][0], f"{where} {name}")
    return res


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("models", nargs="*", help="ONNX models; default: workloads/*.onnx, tests/data/models/onnx/*.onnx")
    ap.add_argument("--inputs", type=int, default=3, help="random inputs per model (default 3)")
    ap.add_argument("--seed", type=int, default=1, help="seed of the first input; input i uses seed+i")
    ap.add_argument("--kiln", help="kiln executable (default: $KILN_BIN, else build/tools/kiln)")
    ap.add_argument("--skip-missing", action="store_true", help="skip models whose runtime is not installed")
    ap.add_argument("--strict-network", action="store_true",
                    help="also fail when a network output differs by more than one step")
    ap.add_argument("--ctest", action="store_true", help="a missing runtime exits 77 (skip), or fails when CI=true")
    args = ap.parse_args()

    models = args.models or default_models()
    if not models:
        print("check_reference: no models found", file=sys.stderr)
        return 1
    kiln = find_kiln(args.kiln)
    if not os.access(kiln, os.X_OK):
        print(f"check_reference: kiln executable not found at {kiln} (build it, or pass --kiln / KILN_BIN)",
              file=sys.stderr)
        return 1
    header = (f"{'model':30} {'runtime':16} {'inputs':>6} {'ops':>7} {'op elems':>9} {'op exact':>9} "
              f"{'op max':>6} {'net elems':>9} {'net exact':>9} {'net max':>7}  result")
    print(header)
    print("-" * len(header))
    failed = missing = 0
    failures = []
    with tempfile.TemporaryDirectory(prefix="kiln-xref-") as workdir:
        for model in models:
            name = os.path.basename(model)
            try:
                r = check_model(model, kiln, args.inputs, args.seed, workdir)
            except Missing as e:
                missing += 1
                print(f"{name:30} {'SKIP' if args.skip_missing else 'MISSING'}: {e}", flush=True)
                continue
            except (RuntimeError, OSError, subprocess.CalledProcessError) as e:
                failed += 1
                print(f"{name:30} ERROR: {e}", flush=True)
                continue
            bad = []
            if r.ops.max > TOLERANCE:
                bad.append(f"op: {r.ops.worst}")
            if not r.ops_compared:
                bad.append("no operator could be compared")
            if r.edges.max > 0:
                bad.append(f"float edge not exact: {r.edges.worst}")
            if r.indices.max > 0:
                bad.append(f"indices not exact: {r.indices.worst}")
            if args.strict_network and r.network.max > TOLERANCE:
                bad.append(f"network: {r.network.worst}")
            failed += 1 if bad else 0
            failures += [f"{name}: {b}" for b in bad]
            ops = f"{len(r.ops_compared)}/{len(r.ops_total)}"
            print(f"{name:30} {r.runtime:16} {r.inputs:>6} {ops:>7} {r.ops.elements:>9} {r.ops.exact:>9} "
                  f"{r.ops.max:>6} {r.network.elements:>9} {r.network.exact:>9} {r.network.max:>7}  "
                  f"{'FAIL' if bad else 'pass'}", flush=True)
    for f in failures:
        print(f"  FAIL {f}")
    checked = len(models) - missing
    ci_missing = missing if args.ctest and os.environ.get("CI", "").lower() == "true" else 0
    if ci_missing:
        checked, failed, missing = len(models), failed + missing, 0  # in CI a missing runtime is a failure
    print(f"\n{checked - failed} passed, {failed} failed" + (f", {missing} skipped" if missing else ""))
    if failed:
        if ci_missing:
            print("check_reference: in CI every runtime must be installed; .ci/run runs "
                  "scripts/setup_reference_runtimes.sh before the tests", file=sys.stderr)
        return 1
    if missing and args.ctest:
        print("check_reference: SKIP: a runtime is missing (not in CI); install with "
              "scripts/setup_reference_runtimes.sh", file=sys.stderr)
        return 77
    if missing and not args.skip_missing:
        print("check_reference: a runtime is missing; run scripts/setup_reference_runtimes.sh "
              "(or pass --skip-missing)", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
