#!/usr/bin/env bash
# Velocity Verlet is of second order: halving the time step cuts the energy
# error about 4x. The same LJ liquid (2048 atoms, fcc at density 0.8442,
# T 1.44, cutoff 2.5 shifted) runs for 0.5 tau at dt 0.005 and at dt 0.0025,
# on 2 ranks; the root mean square of E(t) - E(0) over the run (mostly the
# lattice melting, which both runs follow along nearly the same path) must
# shrink by a factor in [3.5, 4.5].
# Measured (GCC 12, Serial): 3.86 to 4.00 over seeds 1-5 (mean 3.96, spread
# 0.06), 4.03 and 4.09 for dt 0.01 -> 0.005 -> 0.0025 over 1 tau. Broken
# on purpose: a drift with the old velocity (first order) gives 2.46, a
# second half-kick 0.2% short gives 1.04.
source "$(dirname "$0")/common.sh"

write_deck "$WORK/nve.toml" <<'TOML'
[system]
density = 0.8442
[particles]
count = 2048
placement = "fcc"
temperature = 1.44
[interaction]
type = "lj"
cutoff = 2.5
skin = 0.3
shift = true
[propagator]
type = "verlet"
[run]
seed = 2718
TOML
# Rows at the same times: every step at dt, every second step at dt/2.
strata_np 2 run "$WORK/nve.toml" --output "$WORK/dt" --set run.timestep=0.005 --set run.steps=100 \
  --set output.thermo_every=1 >"$WORK/dt.log" 2>&1 || { cat "$WORK/dt.log"; fail "run at dt"; }
strata_np 2 run "$WORK/nve.toml" --output "$WORK/half" --set run.timestep=0.0025 --set run.steps=200 \
  --set output.thermo_every=2 >"$WORK/half.log" 2>&1 || { cat "$WORK/half.log"; fail "run at dt/2"; }
"$PYTHON" "$PYDIR/check_thermo.py" order "$WORK/dt/thermo.csv" "$WORK/half/thermo.csv" --min 3.5 --max 4.5 ||
  fail "energy error does not shrink 4x when dt halves"
