#!/usr/bin/env bash
# kiln against SCALE-Sim v2, side by side on the same topology and config:
# wall time of each and the ratio, and per layer SCALE-Sim's reported compute
# cycles beside kiln's closed form of them and kiln's simulated array cycles.
#
# Usage: scripts/bench_scalesim.sh SCALESIM_DIR [CASE...]
#   SCALESIM_DIR  a checkout of github.com/scalesim-project/scale-sim-v2 (not
#                 part of kiln; fetch it yourself). It runs on Debian's
#                 python3-numpy, python3-pandas and python3-tqdm.
#   CASE          resnet8 (default): SCALE-Sim on ResNet-8's layers
#                 (configs/scalesim/resnet8.csv) against a whole `kiln run` of
#                 the bundled ResNet-8 on the default SoC, and against
#                 `kiln run --topology` of the same CSV;
#                 alexnet: SCALE-Sim's topologies/conv_nets/alexnet.csv against
#                 `kiln run --topology` of it (SCALE-Sim takes tens of minutes);
#                 any other topology CSV path (conv or GEMM form) is run the
#                 same way as alexnet.
# Both run on configs/scalesim/ws16.cfg (16x16 weight-stationary) unless
# SCALESIM_CFG names another cfg. KILN_BIN overrides build/tools/kiln.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ $# -lt 1 ] || [ ! -f "$1/scalesim/scale.py" ]; then
  echo "usage: $0 SCALESIM_DIR [resnet8|alexnet|TOPOLOGY.csv ...]  (SCALESIM_DIR holds scalesim/scale.py)" >&2
  exit 1
fi
scalesim=$(cd "$1" && pwd)
shift
cases=("$@")
[ ${#cases[@]} -eq 0 ] && cases=(resnet8)
kiln=${KILN_BIN:-build/tools/kiln}
cfg=$(realpath "${SCALESIM_CFG:-configs/scalesim/ws16.cfg}")
py=/usr/bin/python3
if ! "$py" -c 'import numpy, pandas, tqdm' 2>/dev/null; then
  echo "SCALE-Sim needs numpy, pandas and tqdm: apt-get install python3-numpy python3-pandas python3-tqdm" >&2
  exit 1
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.0f", a / b }'; }

# Runs a command with its output in file $1; prints "WALL CPU" in seconds
# (CPU: user + system of the process and its children). On a shared machine
# CPU time is the fairer of the two.
timed() {
  "$py" - "$@" <<'PY'
import resource, subprocess, sys, time
out = open(sys.argv[1], "w")
t = time.monotonic()
rc = subprocess.run(sys.argv[2:], stdout=out, stderr=subprocess.STDOUT).returncode
wall = time.monotonic() - t
r = resource.getrusage(resource.RUSAGE_CHILDREN)
print(f"{wall:.3f} {r.ru_utime + r.ru_stime:.3f}")
sys.exit(rc)
PY
}

# SCALE-Sim on a topology: "WALL CPU", its reports in $tmp/ss_NAME.
run_scalesim() {
  local name=$1 topo=$2 form=conv
  head -1 "$topo" | tr -d ' \r' | grep -qi '^[^,]*,M,N,K' && form=gemm
  (cd "$scalesim" && timed "$tmp/ss_$name.log" "$py" -m scalesim.scale -c "$cfg" -t "$topo" -p "$tmp/ss_$name" -i "$form")
}

# A kiln command: "WALL CPU" of the run with the median wall time of 3.
time_kiln() {
  local runs=()
  for i in 1 2 3; do
    runs+=("$(timed "$tmp/kiln_out.txt" "$@")") || { cat "$tmp/kiln_out.txt" >&2; exit 1; }
  done
  printf '%s\n' "${runs[@]}" | sort -g | sed -n 2p
}

compare_layers() {  # SCALE-Sim's COMPUTE_REPORT against kiln's report
  "$py" - "$1" "$2" <<'PY'
import csv, glob, json, sys
report = glob.glob(sys.argv[1] + "/*/COMPUTE_REPORT.csv")
kiln = json.load(open(sys.argv[2]))["scalesim"]
rows = [r for r in csv.reader(open(report[0])) if r and r[0].strip().isdigit()] if report else []
equal = 0
print(f"  {'layer':<16} {'SCALE-Sim':>10} {'stalls':>7} {'kiln closed form':>17} {'kiln array':>11} {'explained':>9}")
ss_layer = 0
for k in kiln:
    # SCALE-Sim reports a depthwise ("DP") layer as one row per channel.
    parts = rows[ss_layer:ss_layer + k["gemms"]]
    ss_layer += k["gemms"]
    ss = sum(int(p[1]) for p in parts) if parts else None
    stalls = sum(int(p[2]) for p in parts) if parts else None
    equal += ss == k["scalesim_compute_cycles"]
    print(f"  {k['name'][:16]:<16} {ss if ss is not None else '-':>10} {stalls if stalls is not None else '-':>7} "
          f"{k['scalesim_compute_cycles']:>17} {k['kiln_array_cycles']:>11} {'yes' if k['explained'] else 'NO':>9}")
print(f"  SCALE-Sim's compute cycles equal kiln's closed form on {equal} of {len(kiln)} layers")
PY
}

# SCALE-Sim's speed differs between its versions: name the one measured.
ss_version=$(git -C "$scalesim" log -1 --format='%h (%cs)' 2>/dev/null || echo "(not a git checkout)")

for c in "${cases[@]}"; do
  case $c in
    resnet8) topo=$(realpath configs/scalesim/resnet8.csv) ;;
    alexnet) topo=$scalesim/topologies/conv_nets/alexnet.csv ;;
    *) topo=$(realpath "$c") ;;
  esac
  name=$(basename "$topo" .csv)
  echo "== $name on $(basename "$cfg"), SCALE-Sim $ss_version"
  read -r ss ss_cpu < <(run_scalesim "$name" "$topo")
  read -r topo_s topo_cpu < <(time_kiln "$kiln" run --topology "$topo" --scalesim-config "$cfg" --seed 1 --report "$tmp/kiln_$name.json")
  grep -q "outputs match the reference" "$tmp/kiln_out.txt" || { echo "kiln: outputs differ from the reference" >&2; exit 2; }
  compare_layers "$tmp/ss_$name" "$tmp/kiln_$name.json"
  printf '  %-34s %10s %10s %12s %12s\n' "" "wall s" "CPU s" "ratio wall" "ratio CPU"
  printf '  %-34s %10.2f %10.2f\n' "SCALE-Sim" "$ss" "$ss_cpu"
  printf '  %-34s %10.3f %10.3f %11sx %11sx\n' "kiln run --topology (same files)" "$topo_s" "$topo_cpu" \
    "$(ratio "$ss" "$topo_s")" "$(ratio "$ss_cpu" "$topo_cpu")"
  if [ "$c" = resnet8 ]; then
    read -r whole_s whole_cpu < <(time_kiln "$kiln" run workloads/resnet8.onnx --soc configs/soc/default.yaml --seed 1)
    printf '  %-34s %10.3f %10.3f %11sx %11sx\n' "kiln run of ResNet-8 (bundled)" "$whole_s" "$whole_cpu" \
      "$(ratio "$ss" "$whole_s")" "$(ratio "$ss_cpu" "$whole_cpu")"
  fi
done
