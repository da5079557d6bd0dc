#!/usr/bin/env bash
# Brownian dynamics with forces samples the Boltzmann distribution at the
# bath temperature, with mobility D / kT: at kT = 2 (where a mobility of D
# would sample kT = 1, and D / sqrt(kT) kT = 1.41), the mean potential energy
# of an LJ fluid (500 atoms, density 0.5, cutoff 2.5 shifted) under BD equals
# that of a Langevin run at the same temperature, within 4 combined standard
# errors (block averages, tests/python/check_thermo.py same-mean); 1 rank
# (20000 short steps: on 2 oversubscribed ranks the per-step messages made
# the BD run 5x slower on a loaded 2-core machine).
# Measured (GCC 12, Serial; means over the last 3/4 of each run): Langevin
# -2.6230 +- 0.0057, BD -2.6201 +- 0.0045 (-0.4 combined errors); over
# seeds 1-6 (uniform noise in Langevin), Langevin -2.6173 +- 0.0016 and BD
# -2.6165 +- 0.0022, with spreads that match the block errors. Langevin at
# kT = 1.5 gives -2.785 and at kT = 1 -3.063, about 20 and 60 combined
# errors away.
# Why this fluid: at density 0.5 and kT = 1.5 the potential energy relaxes
# so slowly in a 500-atom box that block errors underestimate the spread
# over seeds 3x; at kT = 2 they match. Why Gaussian noise: with the default
# uniform noise, BD sat 0.0076 +- 0.0021 above Langevin over 12 runs (at
# D dt = 1e-4 and 5e-5 alike; a 1% higher effective temperature), under
# the 4-error bound of one run but a systematic difference worth its own
# investigation, so this test measures the mobility alone.
source "$(dirname "$0")/common.sh"

write_deck "$WORK/fluid.toml" <<'TOML'
[system]
density = 0.5
[particles]
count = 500
placement = "fcc"
temperature = 2.0
[interaction]
type = "lj"
shift = true
[propagator]
type = "langevin"
temperature = 2.0
damping = 0.5
diffusion = 1.0
noise = "gaussian"
[run]
seed = 1
TOML
# Langevin: 20 tau; BD: 2 time units at D dt = 1e-4.
strata_np 1 run "$WORK/fluid.toml" --output "$WORK/langevin" --set run.timestep=0.005 --set run.steps=4000 \
  --set output.thermo_every=10 >"$WORK/langevin.log" 2>&1 || { cat "$WORK/langevin.log"; fail "Langevin run"; }
strata_np 1 run "$WORK/fluid.toml" --output "$WORK/bd" --set 'propagator.type="brownian"' --set run.timestep=0.0001 \
  --set run.steps=20000 --set output.thermo_every=50 >"$WORK/bd.log" 2>&1 || { cat "$WORK/bd.log"; fail "BD run"; }
"$PYTHON" "$PYDIR/check_thermo.py" same-mean "$WORK/langevin/thermo.csv" "$WORK/bd/thermo.csv" \
  --column potential_energy --skip 0.25 --blocks 10 --sigmas 4 || fail "BD at kT 2 samples another temperature"
