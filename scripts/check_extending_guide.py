#!/usr/bin/env python3
"""Keeps docs/extending.md's template unit and the guide true to each other.

  scripts/check_extending_guide.py           the patch applies to the tree, and
                                             every line of the guide's template
                                             code is a line the patch adds
  scripts/check_extending_guide.py --build   also: copy the tree to a scratch
                                             directory, configure a build, run
                                             the guide's commands there in order
                                             and check what `od` prints

Exit 0 when everything holds; else one line per problem and exit 1.
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GUIDE = os.path.join(ROOT, "docs", "extending.md")
PATCH = os.path.join("templates", "npu_unit", "filler.patch")
EXPECTED_OD = "0 1 2 3 -5 -5 -5 -5 -5 -5 -5 -5 12 13 14 15"


def fail(msg):
    print(f"check_extending_guide: {msg}", file=sys.stderr)
    sys.exit(1)


def guide_commands(text):
    m = re.search(r"<!-- guide-commands -->\n```sh\n(.*?)```\n<!-- end guide-commands -->", text, re.S)
    if not m:
        fail(f"{GUIDE}: no ```sh block between <!-- guide-commands --> and <!-- end guide-commands -->")
    return [line for line in m.group(1).splitlines() if line.strip()]


def template_code_lines(text):
    """Lines of the ```cpp blocks of the sections that build the template."""
    start, end = text.find("## Add an NPU command"), text.find("## Add an MCU kernel")
    if start < 0 or end < start:
        fail(f"{GUIDE}: sections 'Add an NPU command' .. 'Add an MCU kernel' not found")
    lines = []
    for block in re.findall(r"```cpp\n(.*?)```", text[start:end], re.S):
        for line in block.splitlines():
            line = line.strip()
            if line and "..." not in line:  # "..." marks an elision
                lines.append(line)
    return lines


def check_static():
    text = open(GUIDE).read()
    commands = guide_commands(text)
    if commands[0] != f"git apply {PATCH}":
        fail(f"{GUIDE}: the guide's commands must start with 'git apply {PATCH}', not '{commands[0]}'")
    r = subprocess.run(["git", "apply", "--check", PATCH], cwd=ROOT, capture_output=True, text=True)
    if r.returncode != 0:
        fail(f"{PATCH} no longer applies to the tree (regenerate it, docs/extending.md): {r.stderr.strip()}")
    added = {line[1:].strip() for line in open(os.path.join(ROOT, PATCH)) if line.startswith("+")
             and not line.startswith("+++")}
    missing = [line for line in template_code_lines(text) if line not in added]
    if missing:
        fail(f"{GUIDE}: {len(missing)} line(s) of the template's code are not in {PATCH}, first: '{missing[0]}'")
    return commands


def check_build(commands):
    scratch = tempfile.mkdtemp(prefix="kiln-guide-")
    try:
        files = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
        for name in files.decode().split("\0"):
            if name and os.path.isfile(os.path.join(ROOT, name)):
                os.makedirs(os.path.dirname(os.path.join(scratch, name)) or scratch, exist_ok=True)
                shutil.copy2(os.path.join(ROOT, name), os.path.join(scratch, name))
        env = dict(os.environ, CCACHE_BASEDIR=scratch)
        env.setdefault("CCACHE_DIR", os.path.expanduser("~/.cache/ccache"))
        # The reader's one-time setup (README): a configured build directory.
        subprocess.run(["cmake", "-S", ".", "-B", "build", "-G", "Ninja", "-DCMAKE_BUILD_TYPE=RelWithDebInfo",
                        "-DKILN_WERROR=ON", "-DKILN_RTL_SIZES="], cwd=scratch, env=env, check=True,
                       stdout=subprocess.DEVNULL)
        os.makedirs(os.path.join(scratch, "out"), exist_ok=True)
        for command in commands:
            print(f"$ {command}", flush=True)
            r = subprocess.run(["bash", "-c", command], cwd=scratch, env=env, capture_output=True, text=True)
            if r.returncode != 0:
                # Ninja reports a failed compile on stdout; CMake's notes go to stderr.
                fail(f"'{command}' exited {r.returncode}: {(r.stdout + r.stderr).strip()[-3000:]}")
            if command.startswith("od "):
                got = " ".join(r.stdout.split())
                if got != EXPECTED_OD:
                    fail(f"'{command}' printed '{got}', the guide says '{EXPECTED_OD}'")
            if "ctest" in command and "tests passed" not in r.stdout:
                fail(f"'{command}' ran no test: {r.stdout.strip()[-500:]}")
        print(f"the guide's {len(commands)} commands ran and gave what it says")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", action="store_true", help="apply the patch in a scratch copy, build, run the commands")
    args = ap.parse_args()
    commands = check_static()
    if args.build:
        check_build(commands)
    else:
        print(f"{PATCH} applies and the guide's template code is in it")


if __name__ == "__main__":
    main()
