#!/usr/bin/python3
"""tflm_multi_run (scripts/tflm_runner/), the TFLite Micro runner
scripts/check_tflm.py compares kiln with: inputs and outputs in the model's
order with their own types and shapes, and a located error for every wrong
input file.

  /usr/bin/python3 tests/scripts/test_tflm_multi_run.py ROOT [RUNNER]

RUNNER defaults to ROOT/build/tflm_runner/tflm_multi_run. Exit 77 (ctest's
skip) when it is not built, outside CI; a failure when CI=true, where
.ci/run builds it.
"""

import os
import subprocess
import sys
import tempfile

import numpy as np

ROOT = sys.argv[1]
RUNNER = sys.argv[2] if len(sys.argv) > 2 else os.path.join(ROOT, "build", "tflm_runner", "tflm_multi_run")
MODELS = os.path.join(ROOT, "tests", "data", "models", "tflite")
THREE = os.path.join(MODELS, "multi_io_three_inputs_mul_sub_broadcast.tflite")
FLOAT = os.path.join(MODELS, "multi_io_float_two_inputs_two_outputs.tflite")
failures = []


def run(*args):
    return subprocess.run([RUNNER, *args], capture_output=True, text=True)


def expect(cond, what):
    if not cond:
        failures.append(what)


def expect_error(result, pieces, what):
    """Exit status 1 and one error line holding every piece."""
    ok = result.returncode == 1 and result.stderr.startswith("tflm_multi_run: error: ") and \
        all(p in result.stderr for p in pieces)
    expect(ok, f"{what}: expected an error naming {pieces}, got status {result.returncode}: {result.stderr.strip()}")


def save(path, array):
    np.save(path, array)
    return path


def npy_v2(path, descr, shape, data):
    """A version 2.0 .npy file written by hand, with a descr spelled as given."""
    header = f"{{'descr': '{descr}', 'fortran_order': False, 'shape': {shape}, }}".encode()
    header += b" " * ((64 - (12 + len(header) + 1) % 64) % 64) + b"\n"
    with open(path, "wb") as f:
        f.write(b"\x93NUMPY\x02\x00" + len(header).to_bytes(4, "little") + header + data)
    return path


def main():
    if not os.access(RUNNER, os.X_OK):
        print(f"no tflm_multi_run at {RUNNER} (scripts/build_tflm.sh builds it)", file=sys.stderr)
        return 1 if os.environ.get("CI") == "true" else 77
    with tempfile.TemporaryDirectory() as tmp:
        p = lambda name: os.path.join(tmp, name)  # noqa: E731
        rng = np.random.default_rng(5)

        # --info: every input and output in order, with type and shape.
        info = run(THREE, "--info")
        expect(info.returncode == 0, f"--info failed: {info.stderr}")
        for line in ("inputs 3 outputs 1", "input 0: int8 [1, 5, 5, 8] tensor 0 'input'",
                     "input 1: int8 [1, 1, 1, 8] tensor 1 'gate'", "input 2: int8 [1, 1, 5, 8] tensor 2 'row_offset'",
                     "output 0: int8 [1, 5, 5, 8]", "ops: MUL SUB"):
            expect(line in info.stdout, f"--info lacks '{line}':\n{info.stdout}")

        # Two float32 inputs; outputs of two types written in the model's order.
        a = save(p("a.npy"), rng.uniform(-1, 1, (1, 4, 4, 6)).astype(np.float32))
        b = save(p("b.npy"), rng.uniform(-2, 2, (1, 4, 4, 6)).astype(np.float32))
        r = run(FLOAT, "--input", a, "--input", b, "--output", p("o0.npy"), "--output", p("o1.npy"))
        expect(r.returncode == 0, f"run of the float model failed: {r.stderr}")
        if r.returncode == 0:
            o0, o1 = np.load(p("o0.npy")), np.load(p("o1.npy"))
            expect(o0.dtype == np.int8 and o0.shape == (1, 4, 4, 4), f"output 0 is {o0.dtype} {o0.shape}")
            expect(o1.dtype == np.float32 and o1.shape == (1, 4, 4, 6), f"output 1 is {o1.dtype} {o1.shape}")
            # Output 1 is the dequantized sum of the two inputs (each within its own range): a + b within a
            # few steps.
            err = np.abs(o1 - (np.load(a) + np.load(b))).max()
            expect(err < 0.1, f"output 1 is not a + b (largest difference {err})")
            # The inputs are not interchangeable: different scales give a different sum when swapped.
            r2 = run(FLOAT, "--input", b, "--input", a, "--output", p("s0.npy"))
            expect(r2.returncode == 0 and not np.array_equal(np.load(p("s0.npy")), o0),
                   "swapping the inputs changed nothing: are they set in order?")
            # Fewer --output than outputs: the first ones.
            r3 = run(FLOAT, "--input", a, "--input", b, "--output", p("f0.npy"))
            expect(r3.returncode == 0 and np.array_equal(np.load(p("f0.npy")), o0), "--output once: not output 0")

        x = save(p("x.npy"), rng.integers(-128, 128, (1, 5, 5, 8), dtype=np.int8))
        g = save(p("g.npy"), rng.integers(-128, 128, (1, 1, 1, 8), dtype=np.int8))
        o = save(p("o.npy"), rng.integers(-128, 128, (1, 1, 5, 8), dtype=np.int8))
        r = run(THREE, "--input", x, "--input", g, "--input", o, "--output", p("y.npy"))
        expect(r.returncode == 0, f"run of the three-input model failed: {r.stderr}")
        # A version 2.0 file with '<i1' for int8 is the same input.
        g2 = npy_v2(p("g2.npy"), "<i1", "(1, 1, 1, 8)", np.load(g).tobytes())
        r = run(THREE, "--input", x, "--input", g2, "--input", o, "--output", p("y2.npy"))
        expect(r.returncode == 0 and np.array_equal(np.load(p("y.npy")), np.load(p("y2.npy"))),
               f"a version 2.0 '<i1' file reads differently: {r.stderr}")

        # Wrong inputs: each error names the file, the input and what was expected.
        expect_error(run(THREE, "--input", x),
                     ["--input given 1 time(s)", "3 input(s)", "input 2, tensor 2 'row_offset', int8 [1, 1, 5, 8]"],
                     "one input of three")
        expect_error(run(THREE, "--input", x, "--input", save(p("i16.npy"), np.zeros((1, 1, 1, 8), np.int16)),
                         "--input", o), ["i16.npy", "input 1, tensor 1 'gate'", "int16 [1, 1, 1, 8]",
                                         "expected int8 [1, 1, 1, 8]"], "int16 for an int8 input")
        expect_error(run(THREE, "--input", x, "--input", save(p("r3.npy"), np.zeros((1, 1, 8), np.int8)),
                         "--input", o), ["r3.npy", "input 1", "int8 [1, 1, 8]", "expected int8 [1, 1, 1, 8]"],
                     "a shape of the same size")
        fortran = save(p("fortran.npy"), np.asfortranarray(np.zeros((5, 40), np.int8)))
        expect_error(run(THREE, "--input", fortran, "--input", g, "--input", o),
                     ["fortran.npy", "input 0", "Fortran"], "a Fortran-order file")
        short = npy_v2(p("short.npy"), "|i1", "(1, 1, 5, 8)", bytes(39))
        expect_error(run(THREE, "--input", x, "--input", g, "--input", short),
                     ["short.npy", "input 2", "40 data bytes", "has 39"], "a file shorter than its shape")
        big = npy_v2(p("big.npy"), ">i2", "(1, 1, 1, 8)", bytes(16))
        expect_error(run(THREE, "--input", x, "--input", big, "--input", o),
                     ["big.npy", "input 1", "dtype '>i2'"], "a big-endian file")
        with open(p("junk.npy"), "wb") as f:
            f.write(b"not an array")
        expect_error(run(THREE, "--input", p("junk.npy"), "--input", g, "--input", o),
                     ["junk.npy", "input 0", "not a .npy file"], "a file that is no .npy")
        expect_error(run(THREE, "--input", x, "--input", g, "--input", o, "--output", p("1.npy"),
                         "--output", p("2.npy")), ["--output given 2 times", "1 output(s)"], "two --output for one")
        expect(run(THREE, "--input").returncode == 2, "--input without a value is not a usage error")
    for f in failures:
        print("FAIL: " + f)
    print(f"{'all passed' if not failures else str(len(failures)) + ' failure(s)'}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
