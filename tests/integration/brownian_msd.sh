#!/usr/bin/env bash
# Brownian physics: for 1e5 free particles the MSD follows 6 D t within 3%,
# with either noise distribution (fixed seed: deterministic, not flaky; the
# statistical error of the MSD of 1e5 particles is ~0.3%).
# Independently of Strata's own MSD column: from the positions and image
# counts in final.h5 and in the initial state (the same deck run to step 0),
# the mean squared displacement along each axis is 2 D t within 4 standard
# errors (0.45% each; tests/python/check_msd_axes.py). The box is 60 x 6 x 3
# with sqrt(2 D t) = 2, so along y and z most particles cross the box, some
# several times, and only right image counts give 2 D t there.
source "$(dirname "$0")/common.sh"

for noise in uniform gaussian; do
  write_deck "$WORK/msd_$noise.toml" <<TOML
[system]
box = [60.0, 6.0, 3.0]
[particles]
count = 100000
[propagator]
type = "brownian"
diffusion = 0.5
noise = "$noise"
[run]
steps = 400
timestep = 0.01
seed = 1234
[output]
thermo_every = 40
TOML
  strata_np 2 run "$WORK/msd_$noise.toml" --output "$WORK/msd_$noise" >"$WORK/msd_$noise.log" 2>&1 ||
    { cat "$WORK/msd_$noise.log"; fail "run with $noise noise"; }
  "$PYTHON" "$PYDIR/check_msd.py" "$WORK/msd_$noise/thermo.csv" --diffusion 0.5 --tolerance 0.03 ||
    fail "MSD with $noise noise"
  strata_np 2 run "$WORK/msd_$noise.toml" --output "$WORK/start_$noise" --set run.steps=0 >/dev/null 2>&1 ||
    fail "initial state with $noise noise"
  "$PYTHON" "$PYDIR/check_msd_axes.py" "$WORK/start_$noise/final.h5" "$WORK/msd_$noise/final.h5" --diffusion 0.5 \
    --sigmas 4 || fail "MSD per axis from final.h5 with $noise noise"
done
