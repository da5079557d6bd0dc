#!/usr/bin/env bash
# The batch scripts: every script in scripts/ passes bash -n and shellcheck;
# scripts/slurm.sh (with stand-ins for srun and scontrol), scripts/pbs.sh and
# scripts/run-local.sh each stop a run cleanly on the wall-time warning and,
# started again, resume it from the newest checkpoint to the uninterrupted
# run's final state.
source "$(dirname "$0")/common.sh"
cd "$STRATA_SOURCE_DIR"
for f in scripts/*.sh scripts/bench/*.sh .ci/run; do
  bash -n "$f" || fail "bash -n $f"
done
shellcheck scripts/*.sh .ci/run || fail "shellcheck"
shellcheck --severity=warning scripts/bench/*.sh || fail "shellcheck (benchmarks)"

write_deck "$WORK/deck.toml" <<'TOML'
[system]
box = [50.0, 50.0, 50.0]
[particles]
count = 100000
[propagator]
type = "brownian"
[run]
steps = 3000
timestep = 0.001
seed = 8
[output]
thermo_every = 100
checkpoint_every = 1000
TOML
strata_np 2 run "$WORK/deck.toml" --output "$WORK/straight" >/dev/null || fail "uninterrupted run"

# Stand-ins: srun runs the ranks with mpirun; scontrol records the requeue.
mkdir -p "$WORK/bin"
cat >"$WORK/bin/srun" <<SH
#!/usr/bin/env bash
exec "$MPIRUN" -q --oversubscribe -np 2 "\$@"
SH
cat >"$WORK/bin/scontrol" <<SH
#!/usr/bin/env bash
echo "\$@" >>"$WORK/scontrol.calls"
SH
chmod +x "$WORK/bin/srun" "$WORK/bin/scontrol"

wait_for_progress() {  # wait_for_progress DIR PID
  local tries=0
  until [ -s "$1/thermo.csv" ] && [ "$(wc -l <"$1/thermo.csv")" -ge 4 ]; do
    sleep 0.2
    tries=$((tries + 1))
    [ "$tries" -lt 300 ] || { kill -KILL "$2"; fail "no progress in $1"; }
  done
}

check_resumed() {  # check_resumed NAME
  "$PYTHON" "$PYDIR/compare_states.py" "$WORK/straight/final.h5" "$WORK/$1/final.h5" >/dev/null ||
    fail "$1: resumed state differs from the uninterrupted run"
  cmp -s "$WORK/straight/thermo.csv" "$WORK/$1/thermo.csv" || fail "$1: thermo.csv differs"
  echo "$1: stopped on the warning, resumed to the uninterrupted state"
}

# SLURM: the warning (SIGUSR1 to the batch shell), a requeue, the next start.
export PATH="$WORK/bin:$PATH" STRATA DECK="$WORK/deck.toml" OUT="$WORK/slurm" SLURM_JOB_ID=4242 SLURM_JOB_NAME=t
bash scripts/slurm.sh >"$WORK/slurm.log" 2>&1 &
pid=$!
wait_for_progress "$WORK/slurm" "$pid"
kill -USR1 "$pid"
wait "$pid" || { cat "$WORK/slurm.log"; fail "slurm.sh exit after the warning"; }
grep -q "stopped by SIGUSR1" "$WORK/slurm.log" || { cat "$WORK/slurm.log"; fail "slurm.sh: run did not stop cleanly"; }
grep -q "requeue 4242" "$WORK/scontrol.calls" || fail "slurm.sh did not requeue"
bash scripts/slurm.sh >>"$WORK/slurm.log" 2>&1 || { cat "$WORK/slurm.log"; fail "slurm.sh second start"; }
grep -q "resuming from the newest valid checkpoint" "$WORK/slurm.log" || fail "slurm.sh did not resume"
check_resumed slurm

# PBS: the script's own timer sends the warning 1 s before a 3 s limit.
export OUT="$WORK/pbs" WALLTIME_SECONDS=3 MARGIN_SECONDS=1 PBS_O_WORKDIR="$STRATA_SOURCE_DIR"
bash scripts/pbs.sh >"$WORK/pbs.log" 2>&1 || { cat "$WORK/pbs.log"; fail "pbs.sh first start"; }
grep -q "stopped by SIGUSR1" "$WORK/pbs.log" || { cat "$WORK/pbs.log"; fail "pbs.sh: no clean stop"; }
WALLTIME_SECONDS=600 bash scripts/pbs.sh >>"$WORK/pbs.log" 2>&1 || fail "pbs.sh second start"
check_resumed pbs

# Workstation: Ctrl-C (SIGINT) once, then the same command again.
STRATA="$STRATA" bash scripts/run-local.sh "$WORK/deck.toml" 2 "$WORK/local" >"$WORK/local.log" 2>&1 &
pid=$!
wait_for_progress "$WORK/local" "$pid"
kill -INT "$pid"
wait "$pid" || true
grep -q "stopped by SIG" "$WORK/local.log" || { cat "$WORK/local.log"; fail "run-local.sh: no clean stop"; }
STRATA="$STRATA" bash scripts/run-local.sh "$WORK/deck.toml" 2 "$WORK/local" >>"$WORK/local.log" 2>&1 ||
  fail "run-local.sh second start"
check_resumed local

# A job killed (SIGKILL) before its first checkpoint leaves thermo.csv and
# no checkpoint: the scripts start it again from step 0 rather than refuse
# the directory. Killed on its first thermo rows, with checkpoints only at
# the end of the run.
STRATA="$STRATA" setsid bash scripts/run-local.sh "$WORK/deck.toml" 2 "$WORK/early" -- --set output.checkpoint_every=0 \
  >"$WORK/early.log" 2>&1 &
pid=$!
wait_for_progress "$WORK/early" "$pid"
kill -KILL -- -"$pid"
wait "$pid" || true
! compgen -G "$WORK/early/checkpoints/checkpoint-*.h5" >/dev/null || fail "the early kill came after a checkpoint"
STRATA="$STRATA" bash scripts/run-local.sh "$WORK/deck.toml" 2 "$WORK/early" >"$WORK/early.log" 2>&1 ||
  { cat "$WORK/early.log"; fail "run-local.sh after a kill before the first checkpoint"; }
grep -q "starting again from step 0" "$WORK/early.log" || fail "run-local.sh did not say it starts over"
"$PYTHON" "$PYDIR/compare_states.py" "$WORK/straight/final.h5" "$WORK/early/final.h5" >/dev/null ||
  fail "restarted-from-scratch run differs from the uninterrupted one"
echo "run-local.sh: killed before the first checkpoint, started over to the uninterrupted state"
