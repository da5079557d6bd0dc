#!/usr/bin/env bash
# NVE energy conservation of the LJ liquid (fcc, density 0.8442, T 1.44,
# cutoff 2.5 shifted, dt 0.005, 4000 atoms) on 1, 2, 3 and 4 ranks: the
# relative drift of the total energy over 1000 steps (least-squares slope x
# run length) is below 2.5e-5, no row departs from E(0) by more than 6.5e-4,
# and the drift does not grow with the number of ranks (each within 2x the
# 1-rank drift, or below 1e-5).
# Measured (GCC 12, Serial): drift 8.18e-6 and largest departure 2.16e-4 on
# every rank count (the departure is the lattice melting in the first
# steps); seeds 1-5 give drifts 2.5e-6 to 1.5e-5 and departures 1.98e-4 to
# 2.05e-4. The bounds are 3x this seed's values: a second half-kick off by
# 0.2% (0.499 dt instead of 0.5 dt) drifts by 6.0e-5, which the former bound
# (1e-4) let pass.
source "$(dirname "$0")/common.sh"

write_lj_nve_deck "$WORK/nve.toml"
for np in 1 2 3 4; do
  strata_np "$np" run "$WORK/nve.toml" --output "$WORK/nve.np$np" >"$WORK/nve.np$np.log" 2>&1 ||
    { cat "$WORK/nve.np$np.log"; fail "NVE run on $np ranks"; }
  "$PYTHON" "$PYDIR/check_thermo.py" drift "$WORK/nve.np$np/thermo.csv" --max-relative 2.5e-5 \
    --max-fluctuation 6.5e-4 ||
    fail "energy drift on $np ranks"
done
"$PYTHON" "$PYDIR/check_thermo.py" drift-ratio "$WORK/nve.np1/thermo.csv" "$WORK"/nve.np{2,3,4}/thermo.csv \
  --max-ratio 2 --floor 1e-5 || fail "energy drift grows with the number of ranks"
