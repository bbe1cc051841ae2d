#!/usr/bin/env bash
# Builds the libFuzzer harnesses (tests/fuzz/, clang + ASan + UBSan, in
# build-fuzz/) and runs each for SECONDS (default 30), one after another.
#   scripts/fuzz.sh [SECONDS] [KIND...]     KIND: tflite onnx soc_config ... (all by default)
#   scripts/fuzz.sh --ci [KIND...]          CI's gate: a fixed seed and a fixed number
#                                           of executions per harness (about 10 s each)
# Prints per harness the executions, exec/s and coverage (cov = edges, ft =
# features) and any finding; findings are saved in build-fuzz/findings/KIND/
# and the script exits 1 when there is one. Corpora grow in
# build-fuzz/corpus/KIND/ across runs, seeded from the repository's configs,
# test data and workloads (and ../shared's MLPerf Tiny .tflite models when
# present). docs/robustness.md describes each harness.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
# CI is a gate, not a search: with a fixed seed and a fixed count of
# executions from the seed corpus, the same code gives the same run, so CI
# fails only on a change that brings a finding. Searching is what timed runs
# (and their growing corpora) are for.
ci=0
if [ "${1:-}" = --ci ]; then
  ci=1
  shift
  seconds=0
else
  seconds=${1:-30}
  shift || true
fi
declare -A ci_runs=([tflite]=30000 [onnx]=2500 [soc_config]=40000 [technology]=40000 [sweep_spec]=15000
                    [kasm]=100000 [kbin]=700000 [npy]=60000 [tuning_record]=4000 [operator]=30000
                    [kernel_operator]=30000)
kinds=("$@")
[ ${#kinds[@]} -gt 0 ] || kinds=(tflite onnx soc_config technology sweep_spec kasm kbin npy tuning_record operator
                                 kernel_operator)
scripts/setup.sh --deps
build=${KILN_FUZZ_BUILD_DIR:-build-fuzz}
corpus=$build/corpus
if [ "$ci" -eq 1 ]; then  # fresh corpora: only the seeds
  corpus=$build/corpus-ci
  rm -rf "$corpus"
fi
export CCACHE_DIR=${CCACHE_DIR:-$HOME/.cache/ccache} CCACHE_BASEDIR=${CCACHE_BASEDIR:-$root}

CC=clang CXX=clang++ cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DKILN_FUZZ=ON \
  -DKILN_BUILD_TESTS=OFF -DKILN_RTL_SIZES= -DKILN_WERROR=ON >/dev/null
targets=()
for k in "${kinds[@]}"; do targets+=("fuzz_$k"); done
cmake --build "$build" -j "$(nproc)" --target "${targets[@]}" fuzz_dictionary

# Seeds: copied into the corpus once (the corpus keeps what the fuzzer adds).
seed() {  # seed KIND FILES...
  local dir=$corpus/$1
  shift
  for f in "$@"; do [ -f "$f" ] && cp -n "$f" "$dir/" || true; done
}
shared=${KILN_SHARED_DIR:-$root/../shared}
for k in "${kinds[@]}"; do
  mkdir -p "$corpus/$k" "$build/findings/$k"
  case $k in
    tflite) seed tflite "$shared"/workloads/mlperf-tiny/*.tflite tests/data/models/tflite/*.tflite ;;
    onnx) seed onnx workloads/*.onnx ;;
    soc_config) seed soc_config configs/soc/*.yaml tests/data/configs/bad/*.yaml ;;
    technology) seed technology configs/tech/*.yaml ;;
    sweep_spec) seed sweep_spec configs/sweeps/*.yaml ;;
    kasm) seed kasm tests/data/streams/*.kasm tests/data/streams/bad/*.kasm ;;
    kbin) seed kbin tests/data/streams/bad/*.kbin
          KILN_FUZZ_SEED_DIR=$corpus/kbin "$build/tests/fuzz/fuzz_kbin" -runs=0 >/dev/null 2>&1 ;;
    npy) /usr/bin/python3 - "$corpus/npy" <<'PY'
import sys, numpy as np
d = sys.argv[1]
np.save(d + "/int8_1x3x32x32.npy", np.arange(3072, dtype=np.int8).reshape(1, 3, 32, 32))
np.save(d + "/uint8_1x49x10x1.npy", np.zeros((1, 49, 10, 1), dtype=np.uint8))
np.save(d + "/int32_1x10.npy", np.arange(10, dtype=np.int32).reshape(1, 10))
np.save(d + "/int8_scalar.npy", np.array(5, dtype=np.int8))
np.save(d + "/int8_fortran.npy", np.asfortranarray(np.ones((2, 3), dtype=np.int8)))
np.save(d + "/float32.npy", np.ones((2,), dtype=np.float32))
PY
    ;;
    tuning_record) KILN_FUZZ_SEED_DIR=$corpus/tuning_record "$build/tests/fuzz/fuzz_tuning_record" -runs=0 >/dev/null 2>&1 ;;
    operator | kernel_operator) ;;
  esac
done

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
status=0
printf '%-14s %12s %9s %8s %8s %7s  %s\n' harness executions exec/s cov ft seconds result
for k in "${kinds[@]}"; do
  # KILN_FUZZ_ARGS: extra libFuzzer flags (e.g. -only_ascii=1, -jobs=N).
  if [ "$ci" -eq 1 ]; then
    rm -rf "$build/findings/$k" && mkdir -p "$build/findings/$k"
    budget=(-seed=1 -runs="${ci_runs[$k]}")
  else
    budget=(-max_total_time="$seconds")
  fi
  args=(${KILN_FUZZ_ARGS:-} "${budget[@]}" -timeout=30 -rss_limit_mb=2560 -malloc_limit_mb=2048 -print_final_stats=1
        -artifact_prefix="$build/findings/$k/" "$corpus/$k")
  # The dictionary: the hand-kept words and those kiln's tables define
  # (commands, MCU kernels, units; tests/fuzz/dictionary_words.h).
  if [ -f "tests/fuzz/dict/$k.dict" ]; then
    mkdir -p "$build/dict"
    { cat "tests/fuzz/dict/$k.dict"; "$build/tests/fuzz/fuzz_dictionary" "$k"; } > "$build/dict/$k.dict"
    args=(-dict="$build/dict/$k.dict" "${args[@]}")
  fi
  log=$build/findings/$k/last-run.log
  start=$(date +%s)
  rc=0
  "$build/tests/fuzz/fuzz_$k" "${args[@]}" >"$log" 2>&1 || rc=$?
  elapsed=$(( $(date +%s) - start ))
  # A run that stops early may print none of these: `|| true` keeps set -e from ending the script.
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1 || true)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1 || true)
  cov=$(grep -oE 'cov: [0-9]+' "$log" | tail -1 | cut -d' ' -f2 || true)
  ft=$(grep -oE 'ft: [0-9]+' "$log" | tail -1 | cut -d' ' -f2 || true)
  if [ "$rc" -eq 0 ]; then
    result=ok
  else
    status=1
    artifact=$(sed -n 's/.*Test unit written to //p' "$log" | tail -1)
    what=$(grep -m1 -oE 'ERROR: (AddressSanitizer|UndefinedBehaviorSanitizer|libFuzzer): [^(]*|runtime error: .*|^finding: .*' "$log" || true)
    result="FINDING (${what:-exit $rc}) ${artifact:-} log $log"
  fi
  printf '%-14s %12s %9s %8s %8s %7s  %s\n' "$k" "${execs:--}" "${rate:--}" "${cov:--}" "${ft:--}" "$elapsed" "$result"
done
exit $status
