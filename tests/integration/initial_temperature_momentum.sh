#!/usr/bin/env bash
# The initial state, end to end: with two species of masses 1 and 3 (500
# atoms, fcc at density 0.8, LJ NVE), the temperature in thermo.csv at step
# 0 is particles.temperature = 1.7, and the net momentum is zero, in final.h5
# of the run stopped at step 0 and after 200 NVE steps; on 1 and 3 ranks.
# Tolerances: the velocities are shifted and scaled with sums in fixed point
# (units of 2^-24, so that they are the same on any number of ranks), which
# leaves about sqrt(N / 12) 2^-24 of momentum per axis, 5e-10 of sum m |v|,
# and 1.5e-10 relative in the temperature. Measured: temperature -1.5e-10
# relative, momentum up to 1.3e-9 of sum m |v|, changed by 1.4e-16 in 200
# steps. Bounds: 1e-9 for the temperature, 4e-9 for the momentum, 1e-14 for
# its change. A temperature over 3N instead of 3N - 3 degrees of freedom is
# off by 2e-3; a velocity shift by the mean velocity instead of the
# centre-of-mass velocity leaves a momentum of order 1e-2.
source "$(dirname "$0")/common.sh"

write_deck "$WORK/init.toml" <<'TOML'
[system]
density = 0.8
[particles]
count = 500
placement = "fcc"
temperature = 1.7
[species]
names = ["A", "B"]
mass = [1.0, 3.0]
fraction = [0.5, 0.5]
[interaction]
type = "lj"
shift = true
[propagator]
type = "verlet"
[run]
steps = 200
timestep = 0.004
seed = 77
[output]
thermo_every = 10
TOML
for np in 1 3; do
  strata_np "$np" run "$WORK/init.toml" --output "$WORK/start.np$np" --set run.steps=0 >"$WORK/start.np$np.log" 2>&1 ||
    { cat "$WORK/start.np$np.log"; fail "initial state on $np ranks"; }
  strata_np "$np" run "$WORK/init.toml" --output "$WORK/run.np$np" >"$WORK/run.np$np.log" 2>&1 ||
    { cat "$WORK/run.np$np.log"; fail "NVE run on $np ranks"; }
  "$PYTHON" - "$WORK/run.np$np/thermo.csv" <<'PY' || fail "step-0 temperature on $np ranks"
import csv, sys
row = next(csv.DictReader(open(sys.argv[1])))
rel = float(row["temperature"]) / 1.7 - 1.0
print(f"{sys.argv[1]}: step {row['step']} temperature {row['temperature']} ({rel:+.2e} relative to 1.7; bound 1e-9)")
sys.exit(0 if row["step"] == "0" and abs(rel) <= 1e-9 else 1)
PY
  "$PYTHON" "$PYDIR/check_momentum.py" "$WORK/start.np$np/final.h5" "$WORK/run.np$np/final.h5" --masses 1,3 \
    --max-relative 4e-9 --max-change 1e-14 || fail "net momentum on $np ranks"
done
