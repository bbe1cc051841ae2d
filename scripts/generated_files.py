"""Writes a generator's files atomically, or checks them (--check): shared by
scripts/gen_tflite_models.py and scripts/gen_onnx_models.py."""
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def write_or_check(files, out_dir, ext, check, generator):
    """files: {name: bytes}. Returns the exit code: 1 when --check finds a
    file missing or different, naming them and the generator to run."""
    stale = []
    for name, data in sorted(files.items()):
        path = os.path.join(out_dir, name + ext)
        if check:
            if not os.path.isfile(path) or open(path, "rb").read() != data:
                stale.append(path)
            continue
        os.makedirs(out_dir, exist_ok=True)
        tmp = path + ".tmp"
        with open(tmp, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
        print(f"wrote {os.path.relpath(path, ROOT)} ({len(data)} bytes)")
    if stale:
        print(f"differ from the generator (run {generator}): " + ", ".join(stale), file=sys.stderr)
        return 1
    return 0
