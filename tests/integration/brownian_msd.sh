#!/usr/bin/env bash
# Brownian physics: for 1e5 free particles the MSD follows 6 D t within 3%,
# with either noise distribution (fixed seed: deterministic, not flaky; the
# statistical error of the MSD of 1e5 particles is ~0.3%).
source "$(dirname "$0")/common.sh"

for noise in uniform gaussian; do
  write_deck "$WORK/msd_$noise.toml" <<TOML
[system]
box = [60.0, 60.0, 60.0]
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
done
