#!/usr/bin/env bash
# scripts/slurm.sh under a real SLURM (Debian's slurmctld, slurmd and munged,
# 22.05), started privately for this test from a scratch directory and
# stopped at its end. The cluster's default MPI plugin is "none", as on many
# sites, so the ranks start only if the script picks PMIx itself.
#
# - Set-up mistakes end the job at once with one line, exit 2 and no
#   requeue: a missing deck; an output directory holding another run
#   (checkpoints of another seed), which is left untouched.
# - No warning: a 1-rank job whose scheduler sends no warning
#   (--signal=B:USR1@0: SLURM never sends a warning with no lead time) runs
#   into its one-minute limit; SLURM's SIGTERM stops it cleanly with a
#   checkpoint and the job requeues itself. Cancelled (scancel) once it has
#   resumed, it stops with a checkpoint again and stays cancelled.
# - Warnings: the same run, resubmitted on 2 ranks with a one-minute limit
#   and --signal=B:USR1@25, stops with a checkpoint at each warning,
#   requeues, resumes from exactly that checkpoint, and ends with a final
#   state bitwise identical to an uninterrupted run.
# The deck's run.steps is out of reach until the second job has been warned
# twice; then the test sets it a little beyond the last checkpoint, as a
# user may between starts, and the third start ends the run: several
# minutes of wall time in all, whatever the machine's speed. Arguments
# after the script reach strata run (--set output.thermo_every=500; the
# deck says 1000). Skipped (exit 77) only where the SLURM packages are
# missing (scripts/setup.sh installs them) or not as root.
source "$(dirname "$0")/common.sh"

skip() {
  echo "SKIP: $*"
  exit 77
}
for cmd in munged slurmctld slurmd sbatch srun scontrol squeue scancel; do
  command -v "$cmd" >/dev/null ||
    skip "$cmd is not installed (scripts/setup.sh installs Debian's slurmctld, slurmd, slurm-client and munge)"
done
[ "$(id -u)" -eq 0 ] || skip "slurmd must run as root to start jobs"

SL=$WORK/slurm
mkdir -p "$SL/ctld" "$SL/spool" "$SL/munge" "$WORK/tmp"
daemons=()
ref_pid=""
stop_slurm() {
  if [ -e "$SL/slurm.conf" ]; then
    # Jobs first (their slurmstepd outlives slurmd), then the daemons.
    scancel --quiet --user=root 2>/dev/null || true
    local tries=0
    while [ -n "$(squeue -h 2>/dev/null)" ] && [ "$tries" -lt 60 ]; do
      sleep 0.5
      tries=$((tries + 1))
    done
  fi
  local pid
  for pid in $ref_pid "${daemons[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in $ref_pid "${daemons[@]}"; do wait "$pid" 2>/dev/null || true; done
  # A job that would not end (a script that requeues itself after scancel)
  # outlives slurmd. Its processes carry this run's mark, except slurmstepd,
  # which writes over its environment but keeps slurmd's log open: end
  # whatever has either.
  local fd
  for pid in /proc/[0-9]*; do
    pid=${pid#/proc/}
    [ "$pid" != $$ ] && [ "$pid" != "$BASHPID" ] || continue
    if grep -qzxF "STRATA_SLURM_TEST_RUN=$WORK" "/proc/$pid/environ" 2>/dev/null; then
      kill -KILL "$pid" 2>/dev/null || true
      continue
    fi
    for fd in /proc/"$pid"/fd/*; do
      case "$(readlink "$fd" 2>/dev/null)" in
        "$WORK"/*) kill -KILL "$pid" 2>/dev/null || true; break ;;
      esac
    done
  done
  rm -rf "$WORK"
}
trap stop_slurm EXIT
# Every process of this test's cluster inherits this mark: the daemons, and
# the jobs (sbatch hands them the submitting environment).
export STRATA_SLURM_TEST_RUN=$WORK

# Free ports, and job ids of its own: another run of this test may have a
# cluster of its own at the same time.
read -r CTLD_PORT SLURMD_PORT < <("$PYTHON" -c '
import socket
s = [socket.socket() for _ in range(2)]
for x in s: x.bind(("127.0.0.1", 0))
print(*(x.getsockname()[1] for x in s))')
FIRST_JOB=$((1000 + RANDOM * 1000))

# Times shortened for the test: the controller checks time limits and
# warnings only every 30 s, whatever the configuration, but the rest can be
# quick. A requeued job may start again only after its credential expires
# (cred_expire, 20 minutes by default; 15 s here, so a requeued job starts
# about 20 s after its warning and runs about 10 s to the next one); the
# scheduler runs every 2 s (sched_interval) so it starts the job right after.
cat >"$SL/slurm.conf" <<CONF
ClusterName=strata
SlurmctldHost=$(hostname -s)(127.0.0.1)
SlurmctldPort=$CTLD_PORT
SlurmdPort=$SLURMD_PORT
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$SL/munge/socket,cred_expire=15
StateSaveLocation=$SL/ctld
SlurmdSpoolDir=$SL/spool
SlurmctldPidFile=$SL/slurmctld.pid
SlurmdPidFile=$SL/slurmd.pid
SlurmctldLogFile=$SL/slurmctld.log
SlurmdLogFile=$SL/slurmd.log
SlurmctldDebug=debug2
TmpFS=$WORK/tmp
FirstJobId=$FIRST_JOB
MpiDefault=none
ProctrackType=proctrack/pgid
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SchedulerType=sched/builtin
SchedulerParameters=sched_interval=2
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SlurmdParameters=config_overrides
ReturnToService=2
OverTimeLimit=0
KillWait=15
MinJobAge=3600
InactiveLimit=0
NodeName=strata-node NodeHostname=$(hostname -s) NodeAddr=127.0.0.1 CPUs=2 State=UNKNOWN
PartitionName=test Nodes=strata-node Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF=$SL/slurm.conf

# munged with its own key and socket; --force: the socket's directory is
# private to this test, which munged would otherwise refuse.
head -c 1024 /dev/urandom >"$SL/munge/key"
chmod 600 "$SL/munge/key"
munged --foreground --force --socket="$SL/munge/socket" --key-file="$SL/munge/key" \
  --pid-file="$SL/munge/pid" --log-file="$SL/munge/log" --seed-file="$SL/munge/seed" >"$SL/munged.out" 2>&1 &
daemons+=($!)
slurmctld -D -i -f "$SL/slurm.conf" >"$SL/slurmctld.out" 2>&1 &
daemons+=($!)
slurmd -D -N strata-node -f "$SL/slurm.conf" >"$SL/slurmd.out" 2>&1 &
daemons+=($!)
tries=0
until [ "$(sinfo -h -o %T 2>/dev/null)" = idle ]; do
  sleep 0.5
  tries=$((tries + 1))
  [ "$tries" -lt 120 ] || { tail -n 20 "$SL"/*.log "$SL"/*.out "$SL/munge/log"; fail "the private SLURM did not come up"; }
done

# The ranks share this machine's cores with other tests, which Open MPI
# cannot know under srun: let them yield while they wait. Jobs take the
# submitting environment (sbatch's default), so this and TMPDIR reach them.
export OMPI_MCA_mpi_yield_when_idle=1 TMPDIR=$WORK/tmp

job_field() {  # job_field ID FIELD: a field of scontrol show job
  scontrol show job -o "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"
}
wait_gone() {  # wait_gone ID SECONDS: until the job is neither pending nor running
  local deadline=$((SECONDS + $2))
  while [ -n "$(squeue -h -j "$1" 2>/dev/null)" ]; do
    [ "$SECONDS" -lt "$deadline" ] || { cat "$WORK/strata-$1.log"; fail "job $1 still in the queue after $2 s"; }
    sleep 1
  done
}
# submit NTASKS SBATCH-OPTIONS... [-- SCRIPT-ARGUMENTS...]: the job id. DECK,
# OUT and the rest of the environment are the caller's.
submit() {
  local ntasks=$1 opts=()
  shift
  while [ $# -gt 0 ] && [ "$1" != -- ]; do opts+=("$1"); shift; done
  [ $# -eq 0 ] || shift
  sbatch --parsable --chdir="$WORK" --nodes=1 --ntasks-per-node="$ntasks" "${opts[@]}" \
    "$STRATA_SOURCE_DIR/scripts/slurm.sh" "$@"
}
snapshot() { (cd "$1" && find . -type f -print0 | sort -z | xargs -0 sha256sum); }

# Brownian particles: each one's path depends only on its id and the step,
# so the run continues bitwise on any number of ranks. Checkpoints only when
# a run stops (and at its end), so each checkpoint marks one stop.
write_deck "$WORK/deck.toml" <<'TOML'
[system]
box = [50.0, 50.0, 50.0]
[particles]
count = 100000
[propagator]
type = "brownian"
[run]
steps = 100000000
timestep = 0.001
seed = 8
[output]
thermo_every = 1000
checkpoint_every = 0
TOML
export STRATA

# -- Set-up mistakes: one line, exit 2, no requeue. -------------------------
sed 's/^seed = 8/seed = 9/' "$WORK/deck.toml" >"$WORK/other.toml"
strata_np 1 run "$WORK/other.toml" --output "$WORK/other" --set run.steps=100 >/dev/null || fail "the other run"
snapshot "$WORK/other" >"$WORK/other.before"
missing=$(DECK=$WORK/missing.toml OUT=$WORK/missing submit 1 --time=1)
foreign=$(DECK=$WORK/deck.toml OUT=$WORK/other submit 1 --time=1)
wait_gone "$missing" 120
wait_gone "$foreign" 120
for id in "$missing" "$foreign"; do
  [ "$(job_field "$id" JobState)" = FAILED ] && [ "$(job_field "$id" ExitCode)" = 2:0 ] &&
    [ "$(job_field "$id" Restarts)" = 0 ] ||
    { cat "$WORK/strata-$id.log"; fail "job $id: $(job_field "$id" JobState) exit $(job_field "$id" ExitCode), expected FAILED with exit 2 and no requeue"; }
done
grep -qF "slurm.sh: error: deck '$WORK/missing.toml' not found" "$WORK/strata-$missing.log" ||
  { cat "$WORK/strata-$missing.log"; fail "no clear line for a missing deck"; }
[ ! -e "$WORK/missing" ] || fail "a job with a missing deck made its output directory"
grep -q "strata: error: .*run.seed is 8 but .* was written with 9" "$WORK/strata-$foreign.log" &&
  grep -q "slurm.sh: error: could not resume .*another run's results" "$WORK/strata-$foreign.log" ||
  { cat "$WORK/strata-$foreign.log"; fail "no clear line for an output directory of another run"; }
snapshot "$WORK/other" | cmp -s - "$WORK/other.before" || fail "the other run's output directory was changed"
echo "set-up mistakes: missing deck and another run's output directory refused with one line, exit 2, no requeue"

# -- No warning: SLURM's SIGTERM at the time limit. --------------------------
# The controller looks at time limits and warnings only every 30 s (its log
# says when, at debug2): a job ends at the first look at or after its limit,
# and is warned at the first look at or after 30 s before the warning's time.
# So a job started just before a look ends after 60 s, one started just after
# it after 90 s. Submitting in step with the looks keeps the jobs, and the
# uninterrupted run that must repeat their steps, short.
sleep_to_phase() {  # sleep_to_phase S: until S seconds after a look
  local last deadline=$((SECONDS + 40))
  until grep -q "Testing job time limits" "$SL/slurmctld.log" || [ "$SECONDS" -ge "$deadline" ]; do sleep 0.5; done
  last=$(sed -n 's/^\[\([^].]*\).*Testing job time limits.*/\1/p' "$SL/slurmctld.log" | tail -n 1)
  [ -z "$last" ] || sleep $(((($(date -d "$last" +%s) + $1 - $(date +%s)) % 30 + 30) % 30))
}
sleep_to_phase 26
export DECK=$WORK/deck.toml OUT=$WORK/run
t_a=$SECONDS
a=$(submit 1 --time=1 --signal=B:USR1@0 -- --set output.thermo_every=500)
log_a=$WORK/strata-$a.log
# Each stop is asked for twice: slurmstepd sends SIGTERM to the ranks, and
# slurm.sh, on its own SIGTERM, passes SIGUSR1 to them through srun; Strata
# names whichever arrived first (both have been seen), so either counts.
stops_a() { sed -n 's/^strata: stopped by SIG\(TERM\|USR1\) at step \([0-9]*\) of .*checkpoint written.*/\2/p' "$log_a"; }
last_step_a() { sed -n 's/^step *\([0-9]*\)\/.*/\1/p' "$log_a" | tail -n 1; }
deadline=$((SECONDS + 200))
until [ "$(job_field "$a" Restarts)" -ge 1 ] || [ -z "$(squeue -h -j "$a")" ]; do
  [ "$SECONDS" -lt "$deadline" ] || { cat "$log_a"; fail "job $a neither stopped nor requeued"; }
  sleep 0.5
done
grep -q "DUE TO TIME LIMIT" "$log_a" || { cat "$log_a"; fail "job $a was not stopped by its time limit"; }
grep -q "slurm.sh: SIGTERM with no wall-time warning before it" "$log_a" || { cat "$log_a"; fail "no clear line for a stop without warning"; }
k_a=$(stops_a | head -n 1)
[ -n "$k_a" ] && [ "$k_a" -gt 0 ] || { cat "$log_a"; fail "job $a did not stop with a checkpoint at its time limit"; }
grep -q "slurm.sh: stopped before the end; requeueing job $a" "$log_a" || { cat "$log_a"; fail "job $a did not requeue"; }
echo "no warning: stopped at the time limit with a checkpoint at step $k_a, requeued ($((SECONDS - t_a)) s)"

# Requeued, it would run into its limit at every start. Cancelled once it
# has stepped on from the checkpoint: scancel's SIGTERM stops it with a
# checkpoint as well, and a cancelled job must stay cancelled.
until [ "$(last_step_a)" -gt "$k_a" ] 2>/dev/null; do
  [ "$SECONDS" -lt "$deadline" ] || { cat "$log_a"; fail "job $a did not resume after its requeue"; }
  sleep 0.5
done
scancel "$a"
wait_gone "$a" 60
[ "$(job_field "$a" JobState)" = CANCELLED ] || { cat "$log_a"; fail "job $a came back after scancel"; }
grep -q "slurm.sh: job $a was stopped before its time limit (scancel or a preemption); this script does not requeue it" "$log_a" || { cat "$log_a"; fail "no clear line after scancel"; }
k_cancel=$(stops_a | sed -n 2p)
[ -n "$k_cancel" ] && [ "$k_cancel" -gt "$k_a" ] || { cat "$log_a"; fail "job $a did not stop with a checkpoint at scancel"; }
! grep -q "slurm.sh: wall-time warning" "$log_a" || { cat "$log_a"; fail "job $a was warned; this part needs no warning"; }
echo "scancel: resumed from step $k_a, stopped with a checkpoint at step $k_cancel, not requeued"

# -- Warnings on 2 ranks, to the end. ----------------------------------------
# --signal=B:USR1@25 with a one-minute limit: warned at the first look 5 s
# or more after the start. The job starts 20 s after a look, so it is warned
# about 10 s in; each requeued start comes about 20 s after a warning, so it
# is warned about 10 s in. Short starts keep the steps that the
# uninterrupted run must repeat few.
t_b=$SECONDS
sleep_to_phase 19
b=$(submit 2 --time=1 --signal=B:USR1@25 -- --set output.thermo_every=500)
log_b=$WORK/strata-$b.log
requeues_b() {
  local n
  n=$(grep -c "slurm.sh: stopped before the end; requeueing job $b" "$log_b" 2>/dev/null) || true
  echo "${n:-0}"
}
deadline=$((SECONDS + 300))
until [ "$(requeues_b)" -ge 2 ]; do
  [ -n "$(squeue -h -j "$b")" ] && [ "$SECONDS" -lt "$deadline" ] || { cat "$log_b"; fail "job $b was not requeued twice"; }
  sleep 0.5
done
# Requeued twice: the next start (15 s or more away) ends the run a little
# beyond the last checkpoint. The deck is replaced whole, never half-written.
k_b=$(sed -n 's/^strata: stopped by SIGUSR1 at step \([0-9]*\) of .*/\1/p' "$log_b" | tail -n 1)
last=$(((k_b / 500 + 2) * 500))
sed "s/^steps = 100000000\$/steps = $last/" "$WORK/deck.toml" >"$WORK/deck.new"
mv "$WORK/deck.new" "$WORK/deck.toml"
"$MPIRUN" -q --oversubscribe -np 1 "$STRATA" run "$WORK/deck.toml" --output "$WORK/straight" \
  --set output.thermo_every=500 >"$WORK/straight.log" 2>&1 &
ref_pid=$!
wait_gone "$b" 300
[ "$(job_field "$b" JobState)" = COMPLETED ] && [ "$(job_field "$b" ExitCode)" = 0:0 ] ||
  { cat "$log_b"; fail "job $b: $(job_field "$b" JobState) exit $(job_field "$b" ExitCode)"; }
grep -q "particles, 2 ranks" "$log_b" || { cat "$log_b"; fail "job $b did not run on 2 ranks"; }
! grep -q "SIGTERM with no wall-time warning" "$log_b" || { cat "$log_b"; fail "job $b ran into its time limit"; }
warnings=$(grep -c "slurm.sh: wall-time warning" "$log_b" || true)
stops=$(sed -n 's/^strata: stopped by SIGUSR1 at step \([0-9]*\) of .*checkpoint written.*/\1/p' "$log_b" | paste -sd ' ')
starts=$(sed -n 's/^strata: continuing from .*checkpoint-0*\([0-9][0-9]*\)\.h5 (step [0-9]*, exactly)$/\1/p' "$log_b" | paste -sd ' ')
restarts=$(job_field "$b" Restarts)
echo "job $b: $warnings warnings; stops at steps $stops; starts from steps $starts; $restarts restarts; ends at step $last"
[ "$warnings" -ge 2 ] || { cat "$log_b"; fail "job $b was warned $warnings times, expected 2 or more"; }
[ "$(echo "$stops" | wc -w)" -eq "$warnings" ] || { cat "$log_b"; fail "not one checkpoint per warning"; }
[ "$(requeues_b)" -eq "$warnings" ] && [ "$restarts" -eq "$warnings" ] ||
  { cat "$log_b"; fail "$(requeues_b) requeues and $restarts restarts after $warnings warnings"; }
# Each start continues from the checkpoint the stop before it wrote: the
# first from the cancelled job's, then each warning's.
expected="$k_cancel${stops:+ $stops}"
[ "$starts" = "$expected" ] || { cat "$log_b"; fail "starts from steps $starts, expected $expected"; }
wait "$ref_pid" || { cat "$WORK/straight.log"; fail "uninterrupted run"; }
ref_pid=""
"$PYTHON" "$PYDIR/compare_states.py" "$WORK/straight/final.h5" "$WORK/run/final.h5" ||
  fail "the final state differs from the uninterrupted run"
# thermo.csv: every row once, every 500 steps from step 0 to the end (the
# MSD is a sum over ranks, so 1 and 2 ranks round it differently in the
# last bits).
"$PYTHON" "$PYDIR/check_thermo.py" agree "$WORK/straight/thermo.csv" "$WORK/run/thermo.csv" --columns msd --rtol 1e-12 ||
  fail "thermo.csv differs from the uninterrupted run"
echo "warnings: $warnings stops with a checkpoint, requeued and resumed; bitwise the uninterrupted final state ($((SECONDS - t_b)) s)"
