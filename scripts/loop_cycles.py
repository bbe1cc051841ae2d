#!/usr/bin/python3
"""Cycles per iteration of every loop of a Thumb assembly file, by llvm-mca.

A loop is the code from a label to a later backward branch to it; its
instructions without the branch are timed as straight-line code repeated
200 times (llvm-mca -iterations=200), which is what one iteration costs in
a long loop. Loops with branches inside are printed with their inner labels
counted: llvm-mca then times every path one after the other, so read those
as upper bounds. Loops are also printed with their count of vector (Helium,
MVE) instructions. Used for configs/mcu/data/elementwise_cycles.csv
(scripts/count_elementwise_cycles.sh; docs/silicon.md, Element-wise kernels).

Usage: [LLVM_MCA=llvm-mca-16] scripts/loop_cycles.py FILE.s MCPU [TRIPLE]
(LLVM_MCA names the llvm-mca to run; LLVM 16's has a Cortex-M55 model, which
times Helium instructions, LLVM 14's has none.)
"""
import os
import re
import subprocess
import sys

LABEL = re.compile(r"^(\.?[A-Za-z0-9_$.]+):")
BRANCH = re.compile(r"^\s+(b[a-z.]*|le|letp|cbn?z)\s+(?:[a-z0-9]+,\s*)?(\.?[A-Za-z0-9_$.]+)\s*$")


def is_instruction(line):
    s = line.strip()
    return bool(s) and not s.startswith((".", "@", "//")) and not LABEL.match(s)


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    path, mcpu = sys.argv[1], sys.argv[2]
    triple = sys.argv[3] if len(sys.argv) > 3 else "thumbv7em-none-eabihf"
    lines = open(path).read().split("\n")
    labels = {m.group(1): i for i, l in enumerate(lines) if (m := LABEL.match(l))}
    for i, line in enumerate(lines):
        m = BRANCH.match(line)
        if not m or m.group(2) not in labels or labels[m.group(2)] > i:
            continue
        start = labels[m.group(2)]
        body = [x for x in lines[start + 1:i] if is_instruction(x)]
        inner = sum(1 for x in lines[start + 1:i] if LABEL.match(x))
        p = subprocess.run([os.environ.get("LLVM_MCA", "llvm-mca"), f"-mtriple={triple}", f"-mcpu={mcpu}", "-iterations=200", "-"],
                           input="\n".join(body) + "\n", capture_output=True, text=True)
        total = re.search(r"Total Cycles:\s+(\d+)", p.stdout)
        timing = f"{int(total.group(1)) / 200:.1f} cycles per iteration" if total and p.returncode == 0 else \
            "not timed: " + (p.stderr.strip().split("\n") or ["llvm-mca failed"])[0]
        vector = sum(1 for x in body if x.split()[0].startswith("v"))  # Helium (MVE) instructions
        print(f"{path}: loop {m.group(2)} (lines {start + 1}-{i + 1}): {len(body) + 1} instructions"
              + (f" ({vector} vector)" if vector else "") + f", {timing}"
              + (f", {inner} inner labels" if inner else ""))


if __name__ == "__main__":
    main()
