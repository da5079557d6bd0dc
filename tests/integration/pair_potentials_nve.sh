#!/usr/bin/env bash
# NVE energy conservation with every pair potential besides plain LJ
# (lj_nve.sh): the decks of tests/data/lammps_pairs (864 atoms, binary,
# dt 0.005; soft from its overlapping random placement, without the ramp,
# which would change the Hamiltonian) run for 1000 steps on 1 and 3 ranks.
# The relative drift of the total energy (least-squares slope x run length)
# and its largest departure from E(0) must stay below bounds set at 3x what
# was measured when this test was written (the same on 1-4 ranks):
#   potential  drift measured -> bound     departure measured -> bound
#   wca        4.9e-5         -> 1.5e-4    1.34e-3 (melting)  -> 4e-3
#   morse      8.0e-5         -> 2.4e-4    7.1e-5             -> 2.1e-4
#   yukawa     4.6e-6         -> 1.4e-5    2.3e-5             -> 7e-5
#   soft       1.04e-4        -> 3.1e-4    5.95e-4            -> 1.8e-3
# A force that is not minus the gradient of the energy breaks these by
# orders of magnitude.
source "$(dirname "$0")/common.sh"
DATA="$STRATA_SOURCE_DIR/tests/data/lammps_pairs"
check() {  # check NAME DRIFT DEPARTURE [--set ...]
  local name=$1 drift=$2 departure=$3
  shift 3
  for np in 1 3; do
    local out="$WORK/$name.np$np"
    strata_np "$np" run "$DATA/$name.toml" --set run.steps=1000 --set output.thermo_every=10 "$@" \
      --output "$out" >"$out.log" 2>&1 || { cat "$out.log"; fail "$name NVE run on $np ranks"; }
    "$PYTHON" "$PYDIR/check_thermo.py" drift "$out/thermo.csv" --max-relative "$drift" \
      --max-fluctuation "$departure" || fail "$name: energy not conserved on $np ranks"
  done
}
check wca 1.5e-4 4e-3
check morse 2.4e-4 2.1e-4
check yukawa 1.4e-5 7e-5
check soft 3.1e-4 1.8e-3 --set 'interaction.amplitude_ramp=[1.0, 1.0]'
