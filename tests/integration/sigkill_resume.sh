#!/usr/bin/env bash
# A job killed with SIGKILL (no chance to clean up) at arbitrary moments,
# including inside checkpoint writes, and resumed each time with
# --restart latest (or from scratch when no checkpoint exists yet, as the
# batch scripts do), ends in exactly the state of an uninterrupted run: the
# same final.h5 bitwise, the same thermo.csv, the same trajectory frames.
# Kill moments come from a fixed seed, in steps of this machine's speed
# (measured on the uninterrupted run), so a faster build or machine does not
# let the run end before the kills land; 2 ranks.
source "$(dirname "$0")/common.sh"

write_deck "$WORK/lj.toml" <<'TOML'
[system]
density = 0.8442
[particles]
count = 4000
placement = "fcc"
temperature = 1.44
[propagator]
type = "langevin"
temperature = 1.0
damping = 1.0
[interaction]
type = "lj"
cutoff = 2.5
shift = true
[run]
steps = 1200
timestep = 0.005
seed = 11
[output]
thermo_every = 10
checkpoint_every = 20
checkpoint_keep = 3
trajectory_every = 40
TOML
strata_np 2 run "$WORK/lj.toml" --output "$WORK/straight" >/dev/null || fail "uninterrupted run"

out="$WORK/killed"
ATTEMPT=0
# attempt [ENV...]: one launch (fresh or resumed), in its own process group;
# sets PID.
attempt() {
  local args=(run "$WORK/lj.toml" --output "$out")
  if compgen -G "$out/checkpoints/checkpoint-*.h5" >/dev/null; then
    args+=(--restart latest)
  elif [ -e "$out" ]; then
    args+=(--overwrite)  # killed before its first checkpoint: start over
  fi
  ATTEMPT=$((ATTEMPT + 1))
  : >"$WORK/attempt-$ATTEMPT.log"  # exists before the background launch opens it
  env "$@" setsid "$MPIRUN" -q --oversubscribe -np 2 "$STRATA" "${args[@]}" >"$WORK/attempt-$ATTEMPT.log" 2>&1 &
  PID=$!
}

# Kill the launcher and both ranks at once: nothing gets to clean up.
kill_all() {
  local pids
  pids="$1 $(pgrep -P "$1" | tr '\n' ' ' || true)"
  # shellcheck disable=SC2086
  kill -KILL $pids 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}

# Kills inside a checkpoint write, on each rank: after the data went out,
# before the file is published (test-only fault switch, kind=kill).
for spec in "rank=1,step=60,kind=kill,at=checkpoint" "rank=0,step=100,kind=kill,at=checkpoint"; do
  attempt STRATA_FAULT_INJECT="$spec"
  rc=0
  wait "$PID" || rc=$?
  [ "$rc" -ne 0 ] || fail "run with '$spec' was not killed"
  compgen -G "$out/checkpoints/*.tmp" >/dev/null || fail "'$spec': no unfinished checkpoint left behind"
  echo "killed inside the checkpoint write of '$spec' (exit $rc)"
done

# Kills at moments drawn from a fixed seed: once the run has passed a drawn
# step (read from its progress lines), after a further drawn 0-30 steps'
# worth of time at the uninterrupted run's rate. The moments fall anywhere
# in a step or a checkpoint write (every 20 steps), and the last one lands
# well before the end even when polling lags by tens of steps.
step_s=$(sed -n 's|^ *steps/s *\([0-9.eE+-]*\)$|\1|p' "$WORK/straight/log.txt")
[ -n "$step_s" ] || fail "no steps/s in the uninterrupted run's log.txt"
kills=0
mapfile -t moments < <("$PYTHON" -c "
import random
r = random.Random(20261122)
steps = sorted(r.sample(range(120, 1000), 10))
print('\n'.join('%d %.4f' % (s, r.uniform(0.0, 30.0) / $step_s) for s in steps))")
# The step this attempt has reached, from its own progress lines.
last_step() { sed -n 's|^step *\([0-9]*\)/.*|\1|p' "$WORK/attempt-$ATTEMPT.log" 2>/dev/null | tail -1 || true; }
for moment in "${moments[@]}"; do
  read -r target delay <<<"$moment"
  [ ! -e "$out/final.h5" ] || break
  attempt
  waited=0
  while kill -0 "$PID" 2>/dev/null; do
    reached=$(last_step)
    [ -z "$reached" ] || [ "$reached" -lt "$target" ] || break
    sleep 0.01
    waited=$((waited + 1))
    [ "$waited" -lt 12000 ] || fail "no progress towards step $target"
  done
  sleep "$delay"
  if kill -0 "$PID" 2>/dev/null; then
    kill_all "$PID"
    kills=$((kills + 1))
    temps=$(find "$out/checkpoints" -name '*.tmp' 2>/dev/null | wc -l)
    echo "SIGKILL past step $target + ${delay}s (thermo at step $(last_step), unfinished checkpoint files: $temps)"
  else
    wait "$PID" || { cat "$WORK/attempt-$ATTEMPT.log"; fail "an attempt failed on its own"; }
  fi
done
# Then run to the end.
while [ ! -e "$out/final.h5" ]; do
  attempt
  wait "$PID" || { cat "$WORK/attempt-$ATTEMPT.log"; fail "the final resume failed"; }
done
echo "$kills SIGKILLs at random moments + 2 inside checkpoint writes, then resumed to the end"
[ "$kills" -ge 8 ] || fail "only $kills of the 10 random kills landed before the run ended"

"$PYTHON" "$PYDIR/compare_states.py" "$WORK/straight/final.h5" "$out/final.h5" ||
  fail "final state differs from the uninterrupted run"
cmp "$WORK/straight/thermo.csv" "$out/thermo.csv" || fail "thermo.csv differs from the uninterrupted run"
"$PYTHON" "$PYDIR/compare_trajectories.py" "$WORK/straight/trajectory.h5" "$out/trajectory.h5" ||
  fail "trajectory.h5 differs from the uninterrupted run"
grep -q "skipping damaged checkpoint .*tmp" "$out/log.txt" || fail "log.txt does not record the unfinished checkpoint"
echo "PASS: killed runs resumed to the uninterrupted final state, thermo and trajectory"
