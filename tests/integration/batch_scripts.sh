#!/usr/bin/env bash
# The batch scripts: every script in scripts/ passes bash -n and shellcheck;
# scripts/slurm.sh (with stand-ins for srun and scontrol), scripts/pbs.sh and
# scripts/run-local.sh each stop a run cleanly on the wall-time warning and,
# started again, resume it from the newest checkpoint to the uninterrupted
# run's final state. slurm.sh also picks srun's MPI plugin (PMIx when srun
# lists it, SLURM_MPI_TYPE when set), passes its arguments on to strata run,
# and refuses set-up mistakes with one line and exit 2. The real scheduler
# is in slurm_scheduler.sh.
source "$(dirname "$0")/common.sh"
cd "$STRATA_SOURCE_DIR"
for f in scripts/*.sh scripts/bench/*.sh .ci/run; do
  bash -n "$f" || fail "bash -n $f"
done
shellcheck scripts/*.sh .ci/run || fail "shellcheck"
shellcheck --severity=warning scripts/bench/*.sh || fail "shellcheck (benchmarks)"

# 300,000 particles: the PBS case's timer warns 2 s after the start, and the
# run must still be going then (at 100,000 it took 1.7 s once the Brownian
# step got faster, and the warning came after the end).
write_deck "$WORK/deck.toml" <<'TOML'
[system]
box = [50.0, 50.0, 50.0]
[particles]
count = 300000
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

# Stand-ins: srun lists PMIx among its MPI plugins, records how it was
# called and runs the ranks with mpirun; scontrol records the requeue.
mkdir -p "$WORK/bin"
cat >"$WORK/bin/srun" <<SH
#!/usr/bin/env bash
if [ "\$1" = --mpi=list ]; then
  printf 'MPI plugin types are...\\n\\tnone\\n\\tpmi2\\n\\tpmix\\nspecific pmix plugin versions available: pmix_v4\\n'
  exit 0
fi
echo "\$*" >>"$WORK/srun.calls"
[ "\${1#--mpi=}" = "\$1" ] || shift
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
# The deck ends at step 2000; the run's own arguments, given to both starts,
# take it to 3000.
sed 's/^steps = 3000$/steps = 2000/' "$WORK/deck.toml" >"$WORK/slurm.toml"
export PATH="$WORK/bin:$PATH" STRATA DECK="$WORK/slurm.toml" OUT="$WORK/slurm" SLURM_JOB_ID=4242 SLURM_JOB_NAME=t
bash scripts/slurm.sh --set run.steps=3000 >"$WORK/slurm.log" 2>&1 &
pid=$!
wait_for_progress "$WORK/slurm" "$pid"
kill -USR1 "$pid"
wait "$pid" || { cat "$WORK/slurm.log"; fail "slurm.sh exit after the warning"; }
grep -q "stopped by SIGUSR1" "$WORK/slurm.log" || { cat "$WORK/slurm.log"; fail "slurm.sh: run did not stop cleanly"; }
grep -q "requeue 4242" "$WORK/scontrol.calls" || fail "slurm.sh did not requeue"
bash scripts/slurm.sh --set run.steps=3000 >>"$WORK/slurm.log" 2>&1 || { cat "$WORK/slurm.log"; fail "slurm.sh second start"; }
grep -q "resuming from the newest valid checkpoint" "$WORK/slurm.log" || fail "slurm.sh did not resume"
check_resumed slurm
# Both starts asked srun for PMIx and passed the run's arguments on.
[ "$(grep -c -- "^--mpi=pmix $STRATA run $WORK/slurm.toml --output $WORK/slurm .*--set run.steps=3000\$" "$WORK/srun.calls")" -eq 2 ] ||
  { cat "$WORK/srun.calls"; fail "slurm.sh: srun not asked for PMIx, or the arguments not passed on"; }

# SLURM_MPI_TYPE is the user's choice: no --mpi of the script's own.
SLURM_MPI_TYPE=pmi2 bash scripts/slurm.sh --set run.steps=3000 >>"$WORK/slurm.log" 2>&1 || fail "slurm.sh with SLURM_MPI_TYPE"
[ "$(tail -n 1 "$WORK/srun.calls" | cut -d ' ' -f 1)" = "$STRATA" ] ||
  { tail -n 1 "$WORK/srun.calls"; fail "slurm.sh overrode SLURM_MPI_TYPE"; }

# Set-up mistakes: one line, exit 2, srun never started.
expect_refusal() {  # expect_refusal PATTERN [VAR=VALUE...] -- [ARGS...]
  local pattern=$1 env=() rc=0 calls
  shift
  while [ "$1" != -- ]; do env+=("$1"); shift; done
  shift
  calls=$(wc -l <"$WORK/srun.calls")
  env "${env[@]}" bash scripts/slurm.sh "$@" >"$WORK/refused.log" 2>&1 || rc=$?
  [ "$rc" -eq 2 ] && grep -q "^slurm.sh: error: $pattern" "$WORK/refused.log" &&
    [ "$(wc -l <"$WORK/refused.log")" -eq 1 ] && [ "$(wc -l <"$WORK/srun.calls")" -eq "$calls" ] ||
    { cat "$WORK/refused.log"; fail "slurm.sh: exit $rc, expected 2 and one line matching '$pattern'"; }
}
expect_refusal "deck '$WORK/nothing.toml' not found" DECK="$WORK/nothing.toml" --
expect_refusal "no strata binary at '$WORK/nothing'" STRATA="$WORK/nothing" --
expect_refusal "'--output' among the arguments for strata run" -- --output "$WORK/elsewhere"
expect_refusal "'--restart=latest' among the arguments for strata run" -- --restart=latest
echo "slurm.sh: PMIx by default, SLURM_MPI_TYPE respected, arguments passed on, set-up mistakes refused"

# PBS: the script's own timer sends the warning 1 s before a 3 s limit.
export DECK="$WORK/deck.toml" OUT="$WORK/pbs" WALLTIME_SECONDS=3 MARGIN_SECONDS=1 PBS_O_WORKDIR="$STRATA_SOURCE_DIR"
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
# Open MPI gives each rank a process group of its own, so the ranks outlive
# that kill by the seconds they take to notice mpirun is gone, and write on
# meanwhile: end them (ours: their command line names this test's
# directory) before looking at what the run left.
for rank in $(pgrep -f -- "--output $WORK/early" || true); do kill -KILL "$rank" 2>/dev/null || true; done
while pgrep -f -- "--output $WORK/early" >/dev/null; do sleep 0.1; done
! compgen -G "$WORK/early/checkpoints/checkpoint-*.h5" >/dev/null || fail "the early kill came after a checkpoint"
# That start belongs to this deck's run: slurm.sh does not start another
# deck's run over it, and leaves it as it was.
cp "$WORK/deck.toml" "$WORK/other.toml"
(cd "$WORK/early" && find . -type f -print0 | sort -z | xargs -0 sha256sum) >"$WORK/early.before"
expect_refusal "$WORK/early holds the start of a run of another deck" DECK="$WORK/other.toml" OUT="$WORK/early" --
(cd "$WORK/early" && find . -type f -print0 | sort -z | xargs -0 sha256sum) | cmp -s - "$WORK/early.before" ||
  fail "slurm.sh changed another deck's output directory"
STRATA="$STRATA" bash scripts/run-local.sh "$WORK/deck.toml" 2 "$WORK/early" >"$WORK/early.log" 2>&1 ||
  { cat "$WORK/early.log"; fail "run-local.sh after a kill before the first checkpoint"; }
grep -q "starting again from step 0" "$WORK/early.log" || fail "run-local.sh did not say it starts over"
"$PYTHON" "$PYDIR/compare_states.py" "$WORK/straight/final.h5" "$WORK/early/final.h5" >/dev/null ||
  fail "restarted-from-scratch run differs from the uninterrupted one"
echo "run-local.sh: killed before the first checkpoint, started over to the uninterrupted state"
