#!/usr/bin/env bash
# Exact continuation (ARCHITECTURE.md, Restart): for ballistic, Brownian,
# velocity Verlet, Langevin and Brownian dynamics under LJ forces, and
# under LJ, harmonic walls on both z faces and gravity (bdwall), on 1 and
# 2 ranks,
#  - checkpoints never change a run: output.checkpoint_every = 37 gives the
#    final.h5, thermo.csv and trajectory.h5 of checkpoint_every = 0, bitwise;
#  - a run stopped at a step that is no list rebuild (137: SIGUSR1 raised
#    there by the test-only fault injection) and resumed with
#    `--restart latest --output DIR` alone (no deck: the checkpoint holds it
#    and its --set overrides) ends bitwise where the uninterrupted run ends,
#    with the same thermo.csv and trajectory.h5;
#    (also verlet and brownian on 4 ranks, a 2 x 2 x 1 grid whose planes
#    move by load balancing);
#  - a run stopped by SIGUSR1 resumes with the command it printed, run
#    exactly as printed, to the same state.
source "$(dirname "$0")/common.sh"

deck_for() {  # deck_for KIND
  case $1 in
    ballistic | brownian) cat <<TOML
[system]
box = [14.0, 10.0, 10.0]
boundary = ["periodic", "periodic", "reflecting"]
[particles]
count = 3000
temperature = 1.0
drift = [2.0, 0.0, 0.0]
[propagator]
type = "$1"
TOML
    ;;
    verlet | langevin | bd | bdwall) cat <<TOML
[system]
density = 0.8442
$([ "$1" = bdwall ] && printf '%s\n' 'boundary = ["periodic", "periodic", "reflecting"]' '[walls]' \
  'faces = ["zlo", "zhi"]' 'type = "harmonic"' 'epsilon = 5.0' 'cutoff = 1.0' '[field]' 'gravity = [0.0, 0.0, -0.5]')
[particles]
count = 2048
placement = "fcc"
temperature = 1.44
[interaction]
type = "lj"
shift = true
[propagator]
type = "$(case $1 in bd*) echo brownian ;; *) echo "$1" ;; esac)"
temperature = 1.2
diffusion = 0.1
TOML
    ;;
  esac
  cat <<TOML
[run]
steps = 300
timestep = $(case $1 in bd*) echo 0.0005 ;; *) echo 0.005 ;; esac)
seed = 42
[output]
thermo_every = 25
trajectory_every = 30
trajectory_fields = ["image", "velocity", "id"]
TOML
}

same() {  # same A B WHAT: final.h5, thermo.csv and trajectory.h5 of two runs agree bitwise
  "$PYTHON" "$PYDIR/compare_states.py" "$1/final.h5" "$2/final.h5" >/dev/null || fail "$3: final.h5 differs"
  cmp -s "$1/thermo.csv" "$2/thermo.csv" || fail "$3: thermo.csv differs"
  "$PYTHON" - "$1/trajectory.h5" "$2/trajectory.h5" <<'PY' || fail "$3: trajectory.h5 differs"
import sys, h5py, numpy as np
a, b = h5py.File(sys.argv[1], "r"), h5py.File(sys.argv[2], "r")
names = []
a.visit(lambda n: names.append(n) if isinstance(a[n], h5py.Dataset) else None)
bad = [n for n in names if n not in b or a[n][()].tobytes() != b[n][()].tobytes()]
sys.exit(1 if bad or not names else 0)
PY
}

for np in 1 2; do
  for kind in ballistic brownian verlet langevin bd bdwall; do
    deck_for "$kind" >"$WORK/$kind.toml"
    base="$WORK/$kind.np$np"
    # A --set override the resume must keep without being told again.
    strata_np "$np" run "$WORK/$kind.toml" --set output.checkpoint_every=0 --set run.seed=7 --output "$base.a" \
      >"$base.a.log" 2>&1 || { cat "$base.a.log"; fail "$kind on $np ranks"; }
    strata_np "$np" run "$WORK/$kind.toml" --set output.checkpoint_every=37 --set run.seed=7 --output "$base.b" \
      >/dev/null 2>&1 || fail "$kind on $np ranks, checkpoint_every 37"
    same "$base.a" "$base.b" "$kind on $np ranks: checkpoint_every 37 vs 0"
    STRATA_FAULT_INJECT="rank=0,step=137,kind=usr1" strata_np "$np" run "$WORK/$kind.toml" --set run.seed=7 \
      --output "$base.c" >"$base.s.log" 2>&1 || { cat "$base.s.log"; fail "$kind on $np ranks stopped at 137"; }
    grep -q "stopped by SIGUSR1 at step 137" "$base.s.log" || { cat "$base.s.log"; fail "$kind: no stop at 137"; }
    strata_np "$np" run --restart latest --output "$base.c" >"$base.c.log" 2>&1 ||
      { cat "$base.c.log"; fail "$kind on $np ranks: resume without the deck"; }
    same "$base.a" "$base.c" "$kind on $np ranks: stopped at 137 and resumed"
    echo "$kind on $np ranks: checkpoints change nothing; stopped at 137 and resumed bitwise"
  done
done

# On a 2 x 2 x 1 grid whose planes move (load balancing by particle count
# every 20 steps, whenever max/mean > 1): the planes and the next balance
# step are in the checkpoint, so a stop at 137 resumes bitwise too.
for kind in verlet brownian; do
  deck_for "$kind" >"$WORK/$kind.toml"
  base="$WORK/$kind.grid"
  grid=(--set 'decomposition.grid=[2,2,1]' --set decomposition.balance_every=20
    --set decomposition.balance_threshold=1.0 --set run.seed=7)
  strata_np 4 run "$WORK/$kind.toml" "${grid[@]}" --output "$base.a" >"$base.a.log" 2>&1 ||
    { cat "$base.a.log"; fail "$kind on a 2x2x1 grid"; }
  grep -Eq "planes moved [1-9][0-9]* times" "$base.a.log" || { cat "$base.a.log"; fail "$kind: the planes never moved"; }
  STRATA_FAULT_INJECT="rank=0,step=137,kind=usr1" strata_np 4 run "$WORK/$kind.toml" "${grid[@]}" \
    --output "$base.c" >"$base.s.log" 2>&1 || { cat "$base.s.log"; fail "$kind on a grid stopped at 137"; }
  strata_np 4 run --restart latest --output "$base.c" >"$base.c.log" 2>&1 ||
    { cat "$base.c.log"; fail "$kind on a grid: resume"; }
  same "$base.a" "$base.c" "$kind on a balanced 2x2x1 grid: stopped at 137 and resumed"
  echo "$kind on a balanced 2x2x1 grid: stopped at 137 and resumed bitwise"
done

# A stop while a balance check is pending: checks every 20 steps, lists
# checked only every 25, so the check due at step 120 waits for the rebuild
# check at 125; stopped at 122, the resumed run must still balance at 125
# (the pending step is in the checkpoint; recomputing it from the resume
# step would say 140, and the run would differ).
deck_for verlet >"$WORK/pending.toml"
pending=(--set 'decomposition.grid=[2,2,1]' --set decomposition.balance_every=20
  --set decomposition.balance_threshold=1.0 --set interaction.rebuild_check_every=25 --set run.seed=7)
strata_np 4 run "$WORK/pending.toml" "${pending[@]}" --output "$WORK/pending.a" >"$WORK/pending.a.log" 2>&1 ||
  { cat "$WORK/pending.a.log"; fail "pending balance: straight run"; }
STRATA_FAULT_INJECT="rank=0,step=122,kind=usr1" strata_np 4 run "$WORK/pending.toml" "${pending[@]}" \
  --output "$WORK/pending.c" >"$WORK/pending.s.log" 2>&1 || { cat "$WORK/pending.s.log"; fail "pending balance: stop at 122"; }
strata_np 4 run --restart latest --output "$WORK/pending.c" >"$WORK/pending.c.log" 2>&1 ||
  { cat "$WORK/pending.c.log"; fail "pending balance: resume"; }
"$PYTHON" "$PYDIR/compare_states.py" "$WORK/pending.a/final.h5" "$WORK/pending.c/final.h5" >/dev/null ||
  fail "stopped at 122 with a balance check pending: the resumed run differs"
echo "verlet, balance check pending at the stop (122): resumed bitwise"

# A signal stop, resumed with the printed command, as printed.
deck_for verlet >"$WORK/long.toml"
sed -i 's/^steps = 300/steps = 4000/' "$WORK/long.toml"
strata_np 2 run "$WORK/long.toml" --set run.seed=9 --output "$WORK/long.a" >/dev/null 2>&1 || fail "long run"
"$MPIRUN" -q --oversubscribe -np 2 "$STRATA" run "$WORK/long.toml" --set run.seed=9 --output "$WORK/long.s" \
  >"$WORK/long.s.log" 2>&1 &
pid=$!
tries=0
until [ "$(grep -c . "$WORK/long.s/thermo.csv" 2>/dev/null || echo 0)" -ge 6 ]; do
  sleep 0.2
  tries=$((tries + 1))
  [ "$tries" -lt 600 ] || { kill -KILL "$pid"; fail "signal run made no progress"; }
done
kill -USR1 "$pid"
wait "$pid" || { cat "$WORK/long.s.log"; fail "signal stop: non-zero exit"; }
printed=$(sed -n 's/^strata: resume with: //p' "$WORK/long.s.log")
[ -n "$printed" ] || { cat "$WORK/long.s.log"; fail "no resume command printed"; }
echo "printed: $printed"
eval "$printed" >"$WORK/long.r.log" 2>&1 || { cat "$WORK/long.r.log"; fail "the printed command failed"; }
same "$WORK/long.a" "$WORK/long.s" "signal stop resumed with the printed command"
echo "SIGUSR1 at $(sed -n 's/.*stopped by SIGUSR1 at step \([0-9]*\).*/\1/p' "$WORK/long.s.log"), resumed as printed, bitwise"
