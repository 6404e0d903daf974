#!/usr/bin/env bash
# A study on a real Slurm (docs/scale-out.md): starts munged, slurmctld and slurmd on this
# host (one node, 2 CPUs, state under a temporary folder, no accounting), writes the job
# with `frontier study slurm SPEC --shards 3`, submits it with the generated submit.sh (a
# job array of 3 shards, then the merge job after it) with one shard made to fail, checks
# that the merge is held, submits again, waits for the merge and compares the merged
# trials CSV with a single-process run. Installs slurm-wlm and munge with
# apt-get when they are missing (as root); prints SKIP and exits 0 only when they cannot
# be installed. The daemons are stopped on every exit.
#   run-slurm-test.sh FRONTIER SPEC [TIMEOUT_SECONDS]
set -euo pipefail

frontier=$(realpath "$1")
spec=$(realpath "$2")
limit=${3:-600}
shards=3

have_slurm() {
    command -v slurmctld >/dev/null && command -v slurmd >/dev/null \
        && command -v sbatch >/dev/null && command -v munged >/dev/null \
        && command -v mungekey >/dev/null
}
if ! have_slurm; then
    if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
        export DEBIAN_FRONTEND=noninteractive
        apt-get install -y slurm-wlm munge >/dev/null 2>&1 \
            || { apt-get update >/dev/null 2>&1 && apt-get install -y slurm-wlm munge >/dev/null 2>&1; } \
            || true
    fi
    if ! have_slurm; then
        echo "SKIP: slurm-wlm and munge are not installed and cannot be installed here" \
             "(needs root and the Debian archive)"
        exit 0
    fi
fi
if [[ $(id -u) -ne 0 ]]; then
    echo "SKIP: a local slurmd must run as root (SlurmdUser=root); run this test as root"
    exit 0
fi

work=$(mktemp -d /tmp/frontier-slurm.XXXXXX)
chmod 700 "$work"
pids=()
cleanup() {
    local status=$?
    # Let the last job steps end first: killed under slurmd they would stay as zombies.
    for _ in 1 2 3 4 5; do
        [[ -z $(squeue -h 2>/dev/null) ]] && break
        sleep 1
    done
    sleep 1
    for pid in "${pids[@]}"; do
        kill "$pid" 2>/dev/null || true
    done
    for pid in "${pids[@]}"; do
        wait "$pid" 2>/dev/null || true
    done
    if ((status != 0)); then
        for log in slurmctld.log slurmd.log job/logs/*.log; do
            for f in "$work"/$log; do
                [[ -f "$f" ]] && { echo "--- $f"; tail -n 20 "$f"; }
            done
        done
    fi
    rm -rf "$work"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
deadline=$((SECONDS + limit))
wait_for() { # wait_for WHAT COMMAND...: polls until COMMAND succeeds or the time is up
    local what=$1
    shift
    until "$@"; do
        if ((SECONDS > deadline)); then
            echo "FAIL: timed out waiting for $what"
            exit 1
        fi
        sleep 1
    done
}

# munge: a fresh key and a socket of our own.
mkdir -m 700 "$work/munge"
mungekey --create --keyfile="$work/munge/munge.key"
munged --foreground --force --key-file="$work/munge/munge.key" \
    --socket="$work/munge/munge.socket" --log-file="$work/munge/munged.log" \
    --pid-file="$work/munge/munged.pid" --seed-file="$work/munge/munged.seed" \
    >"$work/munge/munged.out" 2>&1 &
pids+=($!)
wait_for munged test -S "$work/munge/munge.socket"

# Slurm: one node (this host, 2 CPUs), ports away from a system Slurm's.
host=$(hostname -s)
port=$((20000 + RANDOM % 20000))
mkdir -p "$work/state" "$work/spool"
cat >"$work/slurm.conf" <<CONF
ClusterName=frontiertest
SlurmctldHost=$host(127.0.0.1)
SlurmUser=root
SlurmdUser=root
SlurmctldPort=$port
SlurmdPort=$((port + 1))
AuthType=auth/munge
AuthInfo=socket=$work/munge/munge.socket
CredType=cred/munge
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/slurmctld.pid
SlurmdPidFile=$work/slurmd.pid
SlurmctldLogFile=$work/slurmctld.log
SlurmdLogFile=$work/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerType=sched/backfill
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
ReturnToService=2
SlurmdParameters=config_overrides
MinJobAge=600
NodeName=$host NodeAddr=127.0.0.1 CPUs=2 State=UNKNOWN
PartitionName=frontier Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF="$work/slurm.conf"
slurmctld -D -i -f "$SLURM_CONF" >"$work/slurmctld.out" 2>&1 &
pids+=($!)
slurmd -D -f "$SLURM_CONF" >"$work/slurmd.out" 2>&1 &
pids+=($!)
node_idle() { [[ $(sinfo -h -n "$host" -o %T 2>/dev/null) == idle* ]]; }
wait_for "the node to be idle" node_idle
echo "slurm: slurmctld and slurmd up on $host (port $port)"

# The reference: one process.
"$frontier" study run "$spec" --project "$work/single.frontier" --threads 2 >/dev/null 2>&1
study=$("$frontier" study list --project "$work/single.frontier" --json \
    | sed -n 's/.*"name": *"\([^"]*\)".*/\1/p' | head -n 1)

# The job: write it; make shard 1 fail on the first submission (its file is garbage), so
# that the merge never starts; then fix it and submit again: every shard resumes (0 and 2
# compute nothing) and the merge follows.
"$frontier" study slurm "$spec" --shards "$shards" --out "$work/job" --partition frontier \
    --time 0:10:00 --cpus-per-task 1
echo "not a project" >"$work/job/shard-1-of-$shards.frontier"
job_state() { scontrol show job "$1" 2>/dev/null | sed -n 's/.*JobState=\([A-Z_]*\).*/\1/p' | head -n 1; }
ended() {
    case $(job_state "$1") in
    COMPLETED | FAILED | CANCELLED | TIMEOUT | NODE_FAIL | OUT_OF_MEMORY) return 0 ;;
    *) return 1 ;;
    esac
}
submit() { # sets $array and $merge
    local submitted
    submitted=$(bash "$work/job/submit.sh")
    echo "$submitted"
    merge=$(sed -n 's/.*merge as job \([0-9]*\).*/\1/p' <<<"$submitted")
    array=$(sed -n 's/.*job array \([0-9]*\),.*/\1/p' <<<"$submitted")
    [[ -n "$merge" && -n "$array" ]] || { echo "FAIL: submit.sh printed no job ids"; exit 1; }
    local dependency
    dependency=$(scontrol show job "$merge" | sed -n 's/.*Dependency=\([^ ]*\).*/\1/p')
    echo "merge job $merge depends on: $dependency"
    [[ "$dependency" == afterok:"$array"* || "$dependency" == "(null)" ]] \
        || { echo "FAIL: the merge job does not wait for the array"; exit 1; }
}
tasks_ended() {
    local i
    for ((i = 0; i < shards; ++i)); do ended "${array}_$i" || return 1; done
}
report_tasks() {
    local i
    for ((i = 0; i < shards; ++i)); do echo "array task $i: $(job_state "${array}_$i")"; done
}

submit
wait_for "the array tasks" tasks_ended
report_tasks
[[ $(job_state "${array}_1") == FAILED && $(job_state "${array}_0") == COMPLETED ]] \
    || { echo "FAIL: task 1 should have failed on its garbage file, task 0 succeeded"; exit 1; }
never() { scontrol show job "$merge" | grep -q 'Reason=DependencyNeverSatisfied'; }
wait_for "the merge job to be held" never
echo "merge job $merge: $(job_state "$merge"), DependencyNeverSatisfied (as it should)"
[[ ! -e "$work/job/merged.frontier" ]] || { echo "FAIL: merged without shard 1"; exit 1; }
scancel "$merge"
rm -f "$work/job/shard-1-of-$shards.frontier"

submit
wait_for "the merge job" ended "$merge"
report_tasks
[[ $(job_state "$merge") == COMPLETED ]] || { echo "FAIL: the merge job $(job_state "$merge")"; exit 1; }
grep -h "0 computed" "$work/job/logs/shard-0-of-$shards.log" >/dev/null \
    || { echo "FAIL: shard 0 computed again on resubmission"; exit 1; }
"$frontier" study status --project "$work/job/shard-*-of-$shards.frontier"
"$frontier" study status --project "$work/job/merged.frontier"

"$frontier" study trials --project "$work/single.frontier" --study "$study" --csv >"$work/single.csv"
"$frontier" study trials --project "$work/job/merged.frontier" --study "$study" --csv >"$work/merged.csv"
if ! cmp -s "$work/single.csv" "$work/merged.csv"; then
    echo "FAIL: the merged trials differ from a single run's"
    diff "$work/single.csv" "$work/merged.csv" | head -n 10
    exit 1
fi
echo "PASS: $(($(wc -l <"$work/merged.csv") - 1)) trials of study $study, $shards shards on Slurm" \
     "(a failed task resubmitted; array job $array, merge job $merge), identical to a single run"
