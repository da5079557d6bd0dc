#!/usr/bin/env bash
# The Langevin thermostat on free particles of two masses (propagator
# langevin, interaction none: velocity Verlet with no forces, then the exact
# Ornstein-Uhlenbeck velocity step), 20000 particles, half of mass 1 and half
# of mass 4, started at T 0.5, thermostat at T 1.5 with damping 0.5, on 2
# ranks. After 5 damping times (the start has relaxed to e^-10), per species:
#   - the velocity variance per component is T/m (m <v^2> / 3 = T);
#   - the velocity autocorrelation at lags of 0.5, 1, 2 and 3 damping times
#     is exp(-t / damping), the same for both masses (friction m / damping).
# Each estimate must be within 4 standard errors of the exact value; the
# errors come from the spread over the independent particles
# (tests/python/check_langevin.py). Measured: every estimate within 1.3
# standard errors; the standard errors are 0.25% of T and 0.001-0.002 in
# the autocorrelation.
# The skin is 1.0 because the neighbour list is built even without an
# interaction, with cells half the list range wide: at the default 0.3 this
# run took 81 s and 150 MB per rank (cells 0.15 wide over the box).
source "$(dirname "$0")/common.sh"

write_deck "$WORK/langevin.toml" <<'TOML'
[system]
box = [20.0, 20.0, 20.0]
[particles]
count = 20000
temperature = 0.5
[species]
names = ["light", "heavy"]
mass = [1.0, 4.0]
fraction = [0.5, 0.5]
[interaction]
type = "none"
skin = 1.0
[propagator]
type = "langevin"
temperature = 1.5
damping = 0.5
[run]
steps = 800
timestep = 0.01
seed = 31
[output]
thermo_every = 100
trajectory_every = 25
trajectory_fields = ["velocity", "species"]
TOML
strata_np 2 run "$WORK/langevin.toml" --output "$WORK/out" >"$WORK/run.log" 2>&1 || { cat "$WORK/run.log"; fail "run"; }
"$PYTHON" "$PYDIR/check_langevin.py" "$WORK/out/trajectory.h5" --temperature 1.5 --damping 0.5 --masses 1,4 \
  --from 2.5 --lags 0.5,1,2,3 --sigmas 4 || fail "Langevin velocity statistics"
