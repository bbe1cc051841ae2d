#!/usr/bin/env bash
# Binary and text compatibility of the command stream: what kiln writes and
# what it measures must not change when the command set's code does.
#
#   scripts/check_stream_compat.sh KILN [--update]
#
# For every model (workloads/*.onnx and the MLPerf Tiny .tflite models in
# ../shared/workloads/mlperf-tiny, or $KILN_MLPERF_TINY) on the small, default,
# default-vector (the NPU with its vector unit) and large SoCs: md5 of the
# .kbin and .kasm that `kiln compile` writes, and of
# `kiln run --seed 1`'s table (cycles per layer, latency, energy; wall-time lines
# dropped). For every stream in tests/data/streams: md5 of `kiln asm`'s .kbin,
# of `kiln disasm`'s .kasm, and a check that the .kasm assembles back to the
# same .kbin. Compares against tests/data/stream_compat.md5 (--update rewrites
# it). Exit 0 equal, 1 different, 77 when the MLPerf Tiny models are missing.
set -euo pipefail

kiln=$(realpath "${1:?usage: check_stream_compat.sh KILN [--update]}")
update=${2:-}
repo=$(cd "$(dirname "$0")/.." && pwd)
tiny=${KILN_MLPERF_TINY:-$repo/../shared/workloads/mlperf-tiny}
manifest=$repo/tests/data/stream_compat.md5
if ! compgen -G "$tiny/*.tflite" > /dev/null; then
  echo "skip: no MLPerf Tiny models in $tiny" >&2
  exit 77
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
out=$tmp/manifest
sum() { md5sum "$1" | cut -d' ' -f1; }

for model in "$repo"/workloads/*.onnx "$tiny"/*.tflite; do
  name=$(basename "$model")
  for soc in small default default-vector large; do
    config=$repo/configs/soc/$soc.yaml
    "$kiln" compile "$model" --soc "$config" -o "$tmp/p.kbin" --emit-asm "$tmp/p.kasm" > /dev/null
    "$kiln" run "$model" --soc "$config" --seed 1 | grep -v -e '^wall time' -e '^array engine' > "$tmp/run.txt"
    echo "$(sum "$tmp/p.kbin")  compile $name $soc kbin" >> "$out"
    echo "$(sum "$tmp/p.kasm")  compile $name $soc kasm" >> "$out"
    echo "$(sum "$tmp/run.txt")  run $name $soc ($(grep '^latency' "$tmp/run.txt" | tr -s ' '))" >> "$out"
  done
done

for stream in "$repo"/tests/data/streams/*.kasm; do
  name=$(basename "$stream")
  "$kiln" asm "$stream" -o "$tmp/s.kbin" > /dev/null
  "$kiln" disasm "$tmp/s.kbin" -o "$tmp/s.kasm" > /dev/null
  "$kiln" asm "$tmp/s.kasm" -o "$tmp/s2.kbin" > /dev/null
  if ! cmp -s "$tmp/s.kbin" "$tmp/s2.kbin"; then
    echo "FAIL: $name: disassembled text does not assemble back to the same .kbin" >&2
    exit 1
  fi
  echo "$(sum "$tmp/s.kbin")  asm $name kbin" >> "$out"
  echo "$(sum "$tmp/s.kasm")  disasm $name kasm" >> "$out"
done

if [ "$update" = "--update" ]; then
  cp "$out" "$manifest"
  echo "wrote $manifest ($(wc -l < "$manifest") entries)"
  exit 0
fi
if diff -u "$manifest" "$out"; then
  echo "stream compatibility: $(wc -l < "$out") outputs identical to $(basename "$manifest")"
else
  echo "FAIL: outputs differ from $manifest (lines with - are expected, + found)." >&2
  echo "If the change is meant (a new tiling, a timing model change), rerun with --update and say why in the commit." >&2
  exit 1
fi
