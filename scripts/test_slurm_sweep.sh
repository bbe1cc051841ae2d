#!/usr/bin/env bash
# Runs a kiln sweep as a real Slurm job array on a private single-node Slurm
# (Debian's slurm-wlm and munge) on localhost, merges the shards and checks
# the result equals the same sweep run locally. Needs root (munged and slurmd
# run as root here) and the packages slurm-wlm and munge (scripts/setup.sh).
# Exit 77 (ctest: skipped) when they are missing.
# Usage: scripts/test_slurm_sweep.sh [KILN_BIN]
set -euo pipefail
cd "$(dirname "$0")/.."
kiln=$(realpath "${1:-${KILN_BIN:-build/tools/kiln}}")
for tool in slurmctld slurmd munged sbatch squeue; do
  command -v "$tool" > /dev/null || { echo "test_slurm_sweep: $tool is not installed: skipped"; exit 77; }
done
[ "$(id -u)" -eq 0 ] || { echo "test_slurm_sweep: needs root to start munged and slurmd: skipped"; exit 77; }

work=$(mktemp -d /tmp/kiln-slurm-XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2> /dev/null || true; done
  wait 2> /dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
mkdir -p "$work"/{state,spool,log,munge}
host=$(hostname -s)
# Free ports for this cluster's daemons (not the system's 6817/6818).
read -r ctld_port slurmd_port < <(/usr/bin/python3 -c '
import socket
s = [socket.socket() for _ in range(2)]
for x in s: x.bind(("127.0.0.1", 0))
print(*(x.getsockname()[1] for x in s))')

# munge: its own key and socket.
dd if=/dev/urandom of="$work/munge/munge.key" bs=1024 count=1 status=none
chmod 600 "$work/munge/munge.key"
munged --force --key-file="$work/munge/munge.key" --socket="$work/munge/munge.sock" \
  --pid-file="$work/munge/munged.pid" --log-file="$work/log/munged.log" --seed-file="$work/munge/seed"
pids+=("$(cat "$work/munge/munged.pid")")

cpus=$(nproc)
cat > "$work/slurm.conf" <<CONF
ClusterName=kilntest
SlurmctldHost=$host
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
SlurmUser=root
AuthType=auth/munge
AuthInfo=socket=$work/munge/munge.sock
CredType=cred/munge
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool/slurmd-%n
SlurmctldPidFile=$work/slurmctld.pid
SlurmdPidFile=$work/slurmd.pid
SlurmctldLogFile=$work/log/slurmctld.log
SlurmdLogFile=$work/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SwitchType=switch/none
MpiDefault=none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
ReturnToService=2
SchedulerType=sched/builtin
NodeName=$host CPUs=$cpus State=UNKNOWN
PartitionName=test Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF="$work/slurm.conf"
slurmctld -D -i > "$work/log/slurmctld.out" 2>&1 &
pids+=($!)
slurmd -D > "$work/log/slurmd.out" 2>&1 &
pids+=($!)
# Wait until the node is up.
for _ in $(seq 1 60); do
  if sinfo -h -o '%T' 2> /dev/null | grep -qE 'idle|mixed|alloc'; then break; fi
  sleep 1
done
sinfo -h -o '%T' | grep -qE 'idle|mixed|alloc' || { echo "slurm did not come up:"; tail -20 "$work"/log/*; exit 1; }

# The sweep: ResNet-8 over 8 points, as a 4-task job array, and locally.
cat > "$work/spec.yaml" <<SPEC
base: $PWD/configs/soc/default.yaml
workloads: [$PWD/workloads/resnet8.onnx]
parameters:
  npu.array.rows: [8, 16]
  bus.width_bits: [32, 64]
  npu.array.dataflow: [weight_stationary, output_stationary]
seed: 2
SPEC
KILN_BIN="$kiln" timeout 300 sbatch --wait --array=0-3 --chdir="$work" --output="$work/log/task-%a.log" \
  scripts/slurm_sweep.sbatch "$work/spec.yaml" "$work/array"
"$kiln" sweep merge -o "$work/merged" "$work"/array/shard-{0,1,2,3}
"$kiln" sweep "$work/spec.yaml" -o "$work/local" -j 2 2> /dev/null
if ! cmp "$work/merged/results.csv" "$work/local/results.csv"; then
  echo "test_slurm_sweep: the job array's merged results differ from the local run"
  diff "$work/merged/results.csv" "$work/local/results.csv" || true
  exit 1
fi
rows=$(($(wc -l < "$work/merged/results.csv") - 1))
echo "test_slurm_sweep: 4 Slurm array tasks, $rows rows merged, equal to the local run"
