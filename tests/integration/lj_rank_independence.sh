#!/usr/bin/env bash
# LJ thermo values after 200 steps agree between 1, 2, 3 and 4 ranks to
# 1e-9 relative (summation order differs with the decomposition, so bitwise
# equality is not expected; chaos amplifies rounding only to ~1e-12 here).
# Covers NVE, Langevin, and Brownian dynamics under LJ forces (their noise is
# keyed by particle id and step).
source "$(dirname "$0")/common.sh"

for kind in verlet langevin brownian; do
  # Overdamped steps must stay small next to the LJ core: dt D / kT ~ 4e-5.
  dt=0.005
  [ "$kind" = brownian ] && dt=0.0005
  write_deck "$WORK/$kind.toml" <<TOML
[system]
density = 0.8442
[particles]
count = 4000
placement = "fcc"
temperature = 1.44
[interaction]
type = "lj"
shift = true
[propagator]
type = "$kind"
temperature = 1.2
diffusion = 0.1
[run]
steps = 200
timestep = $dt
seed = 11
[output]
thermo_every = 50
TOML
  columns=temperature,kinetic_energy,potential_energy,total_energy,pressure
  # Overdamped particles carry no dynamic velocities: compare what they have.
  [ "$kind" = brownian ] && columns=potential_energy,pressure,msd
  for np in 1 2 3 4; do
    strata_np "$np" run "$WORK/$kind.toml" --output "$WORK/$kind.np$np" >"$WORK/$kind.np$np.log" 2>&1 ||
      { cat "$WORK/$kind.np$np.log"; fail "$kind on $np ranks"; }
  done
  "$PYTHON" "$PYDIR/check_thermo.py" agree "$WORK/$kind.np1/thermo.csv" "$WORK/$kind.np2/thermo.csv" \
    "$WORK/$kind.np3/thermo.csv" "$WORK/$kind.np4/thermo.csv" \
    --columns "$columns" --rtol 1e-9 ||
    fail "$kind thermo depends on the number of ranks"
done
