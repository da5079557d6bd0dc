#!/usr/bin/env bash
# Agreement with LAMMPS: from the same initial state (tests/data/lammps_lj,
# produced once by Debian's lammps with in.lj_reference), potential energy,
# kinetic energy and pressure agree with LAMMPS' thermo output to 1e-8
# relative at every one of the first 100 steps, on 1 and 3 ranks.
source "$(dirname "$0")/common.sh"
DATA="$STRATA_SOURCE_DIR/tests/data/lammps_lj"
for np in 1 3; do
  strata_np "$np" run "$DATA/strata.toml" --output "$WORK/np$np" >"$WORK/np$np.log" 2>&1 ||
    { cat "$WORK/np$np.log"; fail "run on $np ranks"; }
  "$PYTHON" "$PYDIR/check_thermo.py" agree "$DATA/thermo_lammps.csv" "$WORK/np$np/thermo.csv" \
    --columns potential_energy,kinetic_energy,pressure --rtol 1e-8 || fail "disagrees with LAMMPS on $np ranks"
done
