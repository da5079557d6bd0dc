#!/usr/bin/env bash
# Scheduler signals: SIGUSR1 (the warning before the wall-time limit) sent
# to mpirun, and SIGTERM sent to the ranks, stop every rank at the same step
# boundary: a checkpoint is written, the run says how to resume, exits 0 and
# writes no final.h5. Resuming with --restart latest then ends in the state
# of an uninterrupted run, bitwise, with the same thermo.csv.
source "$(dirname "$0")/common.sh"

write_deck "$WORK/long.toml" <<'TOML'
[system]
box = [50.0, 50.0, 50.0]
[particles]
count = 100000
[propagator]
type = "brownian"
[run]
steps = 3000
timestep = 0.001
seed = 5
[output]
thermo_every = 100
checkpoint_every = 1000
TOML
strata_np 2 run "$WORK/long.toml" --output "$WORK/straight" >/dev/null || fail "uninterrupted run"

# stop_run NAME SIGNAL TARGET: start a run, signal it once it has made
# progress (TARGET: mpirun, or the ranks), wait for it.
stop_run() {
  local name=$1 sig=$2 target=$3
  "$MPIRUN" -q --oversubscribe -np 2 "$STRATA" run "$WORK/long.toml" --output "$WORK/$name" >"$WORK/$name.log" 2>&1 &
  local pid=$! tries=0
  until [ "$(grep -c . "$WORK/$name/thermo.csv" 2>/dev/null || echo 0)" -ge 4 ]; do
    sleep 0.2
    tries=$((tries + 1))
    [ "$tries" -lt 300 ] || { kill -KILL "$pid"; fail "$name made no progress"; }
  done
  if [ "$target" = mpirun ]; then kill -"$sig" "$pid"; else pkill -"$sig" -P "$pid"; fi
  local rc=0
  wait "$pid" || rc=$?
  [ "$target" = ranks ] || [ "$rc" -eq 0 ] || { cat "$WORK/$name.log"; fail "$name: exit $rc after $sig"; }
  grep -q "strata: stopped by SIG$sig at step" "$WORK/$name.log" || { cat "$WORK/$name.log"; fail "$name: no stop message"; }
  grep -q -- "--restart latest" "$WORK/$name.log" || fail "$name: no resume hint"
  [ ! -e "$WORK/$name/final.h5" ] || fail "$name: final.h5 written by a stopped run"
  local step
  step=$(sed -n 's/.*stopped by SIG[A-Z0-9]* at step \([0-9]*\).*/\1/p' "$WORK/$name.log")
  [ -s "$WORK/$name/checkpoints/$(printf 'checkpoint-%012d.h5' "$step")" ] || fail "$name: no checkpoint at step $step"
  strata_np 2 run "$WORK/long.toml" --output "$WORK/$name" --restart latest >/dev/null || fail "$name: resume"
  "$PYTHON" "$PYDIR/compare_states.py" "$WORK/straight/final.h5" "$WORK/$name/final.h5" >/dev/null ||
    fail "$name: resumed state differs from the uninterrupted run"
  cmp "$WORK/straight/thermo.csv" "$WORK/$name/thermo.csv" || fail "$name: thermo.csv differs"
  echo "$name: stopped by SIG$sig at step $step, resumed to the uninterrupted state"
}
stop_run usr1 USR1 mpirun
stop_run term TERM ranks

# run.walltime: the run stops by itself early enough to checkpoint, exits 0,
# and resumes (with the limit lifted) to the state of an uninterrupted run.
# The deck asks for far more steps than 3 s allow on any machine (a
# Brownian step of 100,000 particles takes about 0.3 ms on 2 ranks here),
# so the limit, not the end, stops it; both runs then end 200 steps after
# the stop (a restart may change run.steps).
rc=0
strata_np 2 run "$WORK/long.toml" --set 'run.walltime="00:00:03"' --set run.steps=10000000 --output "$WORK/wall" \
  >"$WORK/wall.log" 2>&1 || rc=$?
[ "$rc" -eq 0 ] || { cat "$WORK/wall.log"; fail "walltime stop: exit $rc"; }
grep -q "stopped before run.walltime (00:00:03) at step" "$WORK/wall.log" || { cat "$WORK/wall.log"; fail "no walltime stop"; }
[ ! -e "$WORK/wall/final.h5" ] || fail "final.h5 written by a run stopped for run.walltime"
stopped=$(sed -n 's/.*stopped before run.walltime.* at step \([0-9]*\).*/\1/p' "$WORK/wall.log")
[ -n "$stopped" ] || fail "walltime: no stop step in the log"
end=$((stopped + 200))
strata_np 2 run "$WORK/long.toml" --set run.steps=$end --output "$WORK/wall_straight" >/dev/null ||
  fail "uninterrupted run to step $end"
strata_np 2 run --set run.steps=$end --output "$WORK/wall" --restart latest >/dev/null || fail "resume after walltime stop"
"$PYTHON" "$PYDIR/compare_states.py" "$WORK/wall_straight/final.h5" "$WORK/wall/final.h5" >/dev/null ||
  fail "walltime: resumed state differs"
cmp "$WORK/wall_straight/thermo.csv" "$WORK/wall/thermo.csv" || fail "walltime: thermo.csv differs"
echo "run.walltime: $(sed -n 's/.*\(stopped before run.walltime.*step [0-9]*\).*/\1/p' "$WORK/wall.log"), resumed exactly"
