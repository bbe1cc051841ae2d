#!/usr/bin/python3
"""kiln against TensorFlow Lite Micro, bit for bit, on every .tflite model.

For each model and each of N seeded random inputs (one array per graph
input; and, when a graph input is int8, one more run in which every int8
input holds every int8 value in turn, so that each entry of a 256-entry
table is used), runs
  kiln run MODEL --input IN0.npy [--input IN1.npy ...] --output KILN0.npy ...
      (compile, simulate on the SoC, and check the simulation against kiln's
      reference interpreter)
  tflm_multi_run MODEL --input IN0.npy ... --output TFLM0.npy ...
      (TFLite Micro's reference kernels: kiln's runner scripts/tflm_runner/
      linked against the library of ../shared/reference/tflm, built by
      scripts/build_tflm.sh)
with the inputs and outputs in the model's order, and requires every output
to be identical: same dtype, same number of elements, same bytes. TFLite
Micro is the independent definition of what a TFLite int8 model computes;
kiln shares no code with it.

  /usr/bin/python3 scripts/check_tflm.py [MODEL ...] [--inputs N] [--seed S]
      [--soc CONFIG]... [--kiln PATH] [--tflm PATH] [--ctest]

Models default to the five MLPerf Tiny models in ../shared/workloads/ and
every .tflite under tests/data/ outside tests/data/fuzz/ (inputs kiln must
refuse). A model in BEYOND_TFLITE_MICRO (an operator TFLite Micro has no
kernel for), default or given, is named as not checked and left out. --soc
repeats (default: the default SoC). --tflm is the path of
tflm_multi_run. Exit status: 0 all identical; 1 a difference or a failed
run. With --ctest, a missing tflm_multi_run exits 77 (ctest's skip) outside
CI and fails when CI=true, where .ci/run builds it.
"""

import argparse
import glob
import os
import re
import subprocess
import sys
import tempfile

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


# Test models with an operator TFLite Micro has no kernel for: kiln runs them
# with TFLite's own arithmetic, which their unit tests check instead.
BEYOND_TFLITE_MICRO = {
    "relu_n1_to_1.tflite": "TFLite Micro registers no RELU_N1_TO_1 kernel "
                           "(tests/compiler/test_tflite_reader.cpp checks TFLite's QuantizedReluX)",
}


def default_models():
    shared = glob.glob(os.path.join(ROOT, "..", "shared", "workloads", "mlperf-tiny", "*.tflite"))
    # tests/data/fuzz holds inputs kiln must refuse, not models to run.
    own = [p for p in glob.glob(os.path.join(ROOT, "tests", "data", "**", "*.tflite"), recursive=True)
           if os.sep + "fuzz" + os.sep not in p]
    return sorted(os.path.normpath(p) for p in shared + own)


def checkable(models):
    """The models TFLite Micro can run, naming the others (defaults or given)."""
    for p in models:
        if os.path.basename(p) in BEYOND_TFLITE_MICRO:
            print(f"not checked: {os.path.basename(p)}: {BEYOND_TFLITE_MICRO[os.path.basename(p)]}")
    return [p for p in models if os.path.basename(p) not in BEYOND_TFLITE_MICRO]


TENSOR_LINE = re.compile(r"^(input|output) (\d+): (\w+) \[([^\]]*)\]")


def model_io(tflm, model):
    """([(dtype, shape)] of the graph inputs, number of graph outputs), from `tflm_multi_run --info`."""
    info = subprocess.run([tflm, model, "--info"], capture_output=True, text=True)
    if info.returncode != 0:
        raise RuntimeError(f"tflm_multi_run --info: {info.stderr.strip()}")
    inputs, outputs = {}, 0
    for line in info.stdout.splitlines():
        m = TENSOR_LINE.match(line)
        if not m:
            continue
        if m.group(1) == "input":
            inputs[int(m.group(2))] = (m.group(3), tuple(int(d) for d in m.group(4).split(",") if d.strip()))
        else:
            outputs += 1
    if not inputs or sorted(inputs) != list(range(len(inputs))) or not outputs:
        raise RuntimeError(f"tflm_multi_run --info lists no inputs 0.. and outputs:\n{info.stdout}")
    return [inputs[i] for i in range(len(inputs))], outputs


def random_input(dtype, shape, seed, index):
    """Input `index` of the run with `seed`: input 0 from `seed` alone, the
    others from (seed, index), so that each input has values of its own."""
    rng = np.random.default_rng(seed if index == 0 else [seed, index])
    dtype = dtype.lower()
    if dtype == "int8":
        return rng.integers(-128, 128, shape, dtype=np.int8)
    if dtype == "uint8":
        return rng.integers(0, 256, shape, dtype=np.uint8)
    if dtype == "float32":
        # A float input is quantized at once; values over a few units reach
        # both ends of any int8 range the generated models choose.
        return rng.uniform(-4.0, 4.0, shape).astype(np.float32)
    raise RuntimeError(f"input type {dtype}: this check feeds int8, uint8 and float32 models")


def every_value_input(shape, index):
    """Every int8 value in turn, repeated to the input's size; input k starts
    at the value 37 k places on, so that two inputs do not hold the same."""
    return np.resize(np.roll(np.arange(-128, 128, dtype=np.int8), -37 * index), shape)


def same_bits(a, b):
    """Element-wise equality; float32 compared bit for bit (-0.0 is not 0.0, NaN is what it is)."""
    if a.dtype == np.float32:
        return a.reshape(-1).view(np.int32) == b.reshape(-1).view(np.int32)
    return a.reshape(-1) == b.reshape(-1)


def last_line(run):
    return " ".join((run.stderr or run.stdout).strip().splitlines()[-1:])


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("models", nargs="*")
    ap.add_argument("--inputs", type=int, default=3, help="random runs per model and SoC (one array per input each)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--soc", action="append")
    ap.add_argument("--kiln", default=os.path.join(ROOT, "build", "tools", "kiln"))
    ap.add_argument("--tflm", default=os.path.join(ROOT, "build", "tflm_runner", "tflm_multi_run"),
                    help="tflm_multi_run (scripts/build_tflm.sh)")
    ap.add_argument("--ctest", action="store_true")
    a = ap.parse_args()
    if not os.access(a.tflm, os.X_OK):
        print(f"check_tflm: no tflm_multi_run at {a.tflm} (build it with scripts/build_tflm.sh)", file=sys.stderr)
        if a.ctest and os.environ.get("CI") != "true":
            return 77
        return 1
    models = checkable(a.models or default_models())
    if not models:
        print("check_tflm: no .tflite models found", file=sys.stderr)
        return 1
    socs = a.soc or [os.path.join(ROOT, "configs", "soc", "default.yaml")]
    failures = []
    rows = passed = 0
    width = max(len(os.path.basename(m)) for m in models)
    soc_width = max(len(os.path.splitext(os.path.basename(s))[0]) for s in socs)
    print(f"{'model':{width}} {'soc':{soc_width}} {'in/out':>6} {'runs':>4} {'elements':>9} {'identical':>9}  result")
    with tempfile.TemporaryDirectory() as tmp:
        for model in models:
            name = os.path.basename(model)
            try:
                inputs, n_out = model_io(a.tflm, model)
            except RuntimeError as e:
                failures.append(f"{name}: {e}")
                rows += 1
                print(f"{name:{width}} {'':{soc_width}} {'':>6} {'':>4} {'':>9} {'':>9}  FAIL")
                continue
            io = f"{len(inputs)}/{n_out}"
            any_int8 = any(dtype.lower() == "int8" for dtype, _ in inputs)
            runs = a.inputs + any_int8
            for soc in socs:
                soc_name = os.path.splitext(os.path.basename(soc))[0]
                elements = identical = 0
                ok = True
                for k in range(runs):
                    seed = a.seed + k
                    in_files, kiln_outs, tflm_outs = [], [], []
                    for i, (dtype, shape) in enumerate(inputs):
                        f = os.path.join(tmp, f"in{i}_{seed}.npy")
                        every = k >= a.inputs and dtype.lower() == "int8"
                        np.save(f, every_value_input(shape, i) if every else random_input(dtype, shape, seed, i))
                        in_files.append(f)
                    for j in range(n_out):
                        kiln_outs.append(os.path.join(tmp, f"kiln{j}.npy"))
                        tflm_outs.append(os.path.join(tmp, f"tflm{j}.npy"))
                    for f in kiln_outs + tflm_outs:
                        if os.path.exists(f):
                            os.remove(f)
                    ins = [arg for f in in_files for arg in ("--input", f)]
                    k_run = subprocess.run([a.kiln, "run", model, "--soc", soc] + ins +
                                           [arg for f in kiln_outs for arg in ("--output", f)],
                                           capture_output=True, text=True)
                    t_run = subprocess.run([a.tflm, model] + ins + [arg for f in tflm_outs for arg in ("--output", f)],
                                           capture_output=True, text=True)
                    if k_run.returncode != 0 or t_run.returncode != 0:
                        ok = False
                        who, run = ("kiln run", k_run) if k_run.returncode else ("tflm_multi_run", t_run)
                        failures.append(f"{name} on {soc_name}, seed {seed}: {who} failed: {last_line(run)}")
                        continue
                    for j in range(n_out):
                        ko, to = np.load(kiln_outs[j]), np.load(tflm_outs[j])
                        where = f"{name} on {soc_name}, seed {seed}, output {j}"
                        if ko.dtype != to.dtype or ko.size != to.size:
                            ok = False
                            failures.append(f"{where}: kiln wrote {ko.dtype} {ko.shape}, "
                                            f"TFLite Micro {to.dtype} {to.shape}")
                            continue
                        same = same_bits(ko, to)
                        elements += ko.size
                        identical += int(same.sum())
                        if not same.all():
                            ok = False
                            e = int(np.argmin(same))
                            failures.append(f"{where}: element {e}: kiln {ko.reshape(-1)[e]}, TFLite Micro "
                                            f"{to.reshape(-1)[e]} ({int((~same).sum())} of {ko.size} differ)")
                rows += 1
                passed += ok
                print(f"{name:{width}} {soc_name:{soc_width}} {io:>6} {runs:4} {elements:9} {identical:9}  "
                      f"{'pass' if ok else 'FAIL'}", flush=True)
    for f in failures:
        print("  " + f)
    print(f"{passed} of {rows} model and SoC pairs identical; "
          f"{'all identical' if not failures else str(len(failures)) + ' failure(s)'}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
