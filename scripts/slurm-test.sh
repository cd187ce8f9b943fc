#!/usr/bin/env bash
# A sharded check on a real Slurm cluster: a single-node cluster on localhost (munged, slurmctld and slurmd, each
# started here with its own socket, ports, spool and state in a scratch directory, and stopped by its PID at the end),
# the job-array script of `ccbound jobs slurm` submitted with its merge as a dependent job (bash FILE submit --wait),
# and the merged certificate compared byte for byte with the unsharded `check --cert` certificate.
#
#   scripts/slurm-test.sh --install   apt-get install slurm-wlm and munge (Debian), then stop
#   scripts/slurm-test.sh             run the test (needs dist/: npm run build); exit 0 when every certificate matches
#
# Runs as root (slurmd starts jobs as their user). Prints one line per check and "slurm test: N passed, N failed".
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)

if [ "${1-}" = "--install" ]; then
  if command -v sbatch >/dev/null && command -v munged >/dev/null; then exit 0; fi
  sudo=()
  [ "$(id -u)" = 0 ] || sudo=(sudo)
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends slurm-wlm munge >/dev/null
  exit 0
fi

for tool in sbatch slurmctld slurmd munged; do
  command -v "$tool" >/dev/null || { echo "slurm test: $tool is not installed (scripts/slurm-test.sh --install)" >&2; exit 2; }
done
[ "$(id -u)" = 0 ] || { echo "slurm test: must run as root (slurmd starts the jobs)" >&2; exit 2; }
[ -f "$repo/dist/cli/main.js" ] || { echo "slurm test: no dist/ (npm run build)" >&2; exit 2; }

started=$(date +%s)
dir=$(mktemp -d /tmp/ccbound-slurm.XXXXXX)
pids=()
cleanup() {
  local status=$?
  # Only the daemons started here, by PID, newest first.
  for ((k = ${#pids[@]} - 1; k >= 0; k--)); do kill "${pids[k]}" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  done
  if [ "$status" != 0 ]; then
    for log in slurmctld.log slurmd.log munged.log; do
      [ -f "$dir/$log" ] && { echo "--- $log (last lines)" >&2; tail -n 15 "$dir/$log" >&2; }
    done
  fi
  rm -rf "$dir"
  exit "$status"
}
trap cleanup EXIT

# Ports: two free ones, asked of the kernel.
read -r ctld_port slurmd_port < <(node -e '
  const net = require("node:net");
  const free = () => new Promise((ok) => { const s = net.createServer().listen(0, "127.0.0.1", () => { const p = s.address().port; s.close(() => ok(p)); }); });
  (async () => { const a = await free(); let b = await free(); while (b === a) b = await free(); console.log(a, b); })();')

mkdir -p "$dir/munge" "$dir/state" "$dir/spool" "$dir/work"
chmod 700 "$dir/munge"
dd if=/dev/urandom of="$dir/munge/munge.key" bs=1024 count=1 status=none
chmod 400 "$dir/munge/munge.key"
socket="$dir/munge/munge.socket"
munged --foreground --force --socket="$socket" --key-file="$dir/munge/munge.key" --pid-file="$dir/munge/munged.pid" \
  --seed-file="$dir/munge/munged.seed" --log-file="$dir/munged.log" 2>>"$dir/munged.log" &
pids+=($!)
for _ in $(seq 50); do [ -S "$socket" ] && break; sleep 0.1; done
[ -S "$socket" ] || { echo "slurm test: munged did not start" >&2; exit 1; }

node=$(hostname -s)
cpus=$(nproc)
export SLURM_CONF="$dir/slurm.conf"
cat >"$SLURM_CONF" <<EOF
ClusterName=ccbound
SlurmctldHost=$node(127.0.0.1)
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$socket
CredType=cred/munge
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/slurmctld.log
SlurmdLogFile=$dir/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SchedulerType=sched/builtin
SchedulerParameters=sched_interval=1
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
MpiDefault=none
ReturnToService=2
SlurmdTimeout=30
InactiveLimit=0
MinJobAge=300
NodeName=$node NodeAddr=127.0.0.1 CPUs=$cpus State=UNKNOWN
PartitionName=ccbound Nodes=$node Default=YES MaxTime=INFINITE State=UP
EOF

slurmctld -D -i -f "$SLURM_CONF" >>"$dir/slurmctld.log" 2>&1 &
pids+=($!)
slurmd -D -f "$SLURM_CONF" -N "$node" >>"$dir/slurmd.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do
  state=$(sinfo -h -n "$node" -o %T 2>/dev/null || true)
  case "$state" in idle*) break ;; esac
  sleep 0.2
done
case "$state" in idle*) ;; *) echo "slurm test: the node is not idle (state '${state}')" >&2; exit 1 ;; esac
ready=$(($(date +%s) - started))

ccbound() { node "$repo/bin/ccbound.js" "$@"; }
passed=0
failed=0

# One check, unsharded and as a 4-shard job array with its merge: the certificates must be equal byte for byte.
# A model directory with a space and a quote in its name: the script's quoting carries any path.
compare() {
  local label=$1 model=$2
  shift 2
  local work="$dir/work/$label it's" t0 t1 t2
  t0=$(date +%s)
  mkdir -p "$work/alone" "$work/job"
  cp "$model" "$work/alone/m.json"
  cp "$model" "$work/job/m.json"
  local status=0
  (cd "$work/alone" && ccbound check m.json "$@" --workers 1 --cert cert.json >/dev/null) || status=$?
  if [ "$status" != 1 ]; then
    echo "slurm test: $label: the unsharded check exited $status, not 1 (refuted)" >&2
    failed=$((failed + 1))
    return
  fi
  t1=$(date +%s)
  (cd "$work/job" && ccbound jobs slurm m.json "$@" --workers 1 --cert cert.json --shards 4 --out job.sh \
    --ccbound "$repo/bin/ccbound.js" --name ccb >/dev/null)
  status=0
  t2=$(date +%s)
  (cd "$work/job" && bash job.sh submit --wait >/dev/null 2>"$work/submit.err") || status=$?
  # The merge exits 1 (refuted); sbatch --wait exits with the merge job's code.
  if [ "$status" = 1 ] && cmp -s "$work/alone/cert.json" "$work/job/cert.json"; then
    echo "slurm test: $label: the 4 shards' merged certificate is the unsharded one, byte for byte (check $((t1 - t0)) s, jobs $((t2 - t1)) s, array and merge $(($(date +%s) - t2)) s)"
    passed=$((passed + 1))
  else
    echo "slurm test: $label: FAILED (sbatch --wait exited $status)" >&2
    cat "$work/submit.err" "$work/job/ccb-merge.log" 2>/dev/null | tail -n 20 >&2 || true
    ls "$work/job" >&2
    failed=$((failed + 1))
  fi
}

models="$dir/models"
mkdir -p "$models"
ccbound zoo hash-equality --n 64 --bits 20 --seed 2 >"$models/eq.json"
compare "equality, seeded fooling set" "$models/eq.json" --task equality --n 64 --strategy sample --seed 9
# INDEX: the dedup walk partitioned by Alice's first symbols; its first collision is between two shards' prefixes.
ccbound zoo partial-lookup --n 24 --remember 9 >"$models/lookup.json"
compare "index lookup, dedup walk" "$models/lookup.json" --task index-lookup --n 24 --feeds dedup --seed 11

took=$(($(date +%s) - started))
echo "slurm test: cluster up in ${ready} s, ${took} s in all (slurm $(sinfo -V | cut -d' ' -f2))"
echo "slurm test: $passed passed, $failed failed"
[ "$failed" = 0 ]
