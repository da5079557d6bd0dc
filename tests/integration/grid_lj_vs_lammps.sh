#!/usr/bin/env bash
# Agreement with LAMMPS on 3-D grids of ranks: the three systems of
# lj_vs_lammps.sh (the LJ liquid shifted and unshifted, 2048 atoms in a box
# of 13.4; the Kob-Andersen mixture in a box of 12.0) run on a 2 x 2 x 1 grid
# (4 ranks) and a 2 x 2 x 2 grid (8 ranks, bricks of 6.7 and 6.0, above
# cutoff + skin = 2.8): potential, kinetic and total energy, temperature and
# pressure agree with LAMMPS' thermo output to 1e-11 relative at every one of
# the first 100 steps, the bound lj_vs_lammps.sh sets and explains (measured
# there on slabs: at most 7.5e-13). Pairs across edges and corners of the
# bricks, the unshifted cutoff's jumps and the mixture's three cutoffs all
# count here. Measured (GCC 12, Serial): at most 7.0e-13 (at step 0).

source "$(dirname "$0")/common.sh"
DATA="$STRATA_SOURCE_DIR/tests/data/lammps_lj"
for case in . unshifted kob_andersen; do
  name=${case/#./lj_shifted}
  for layout in "4 [2,2,1]" "8 [2,2,2]"; do
    read -r np grid <<<"$layout"
    out="$WORK/$name.np$np"
    strata_np "$np" run "$DATA/$case/strata.toml" --set "decomposition.grid=$grid" --output "$out" >"$out.log" 2>&1 ||
      { cat "$out.log"; fail "$name: run on $np ranks, grid $grid"; }
    "$PYTHON" "$PYDIR/check_grid.py" grid "$out" --grid "$(tr -d '[]' <<<"$grid")" || fail "$name: grid not used"
    "$PYTHON" "$PYDIR/check_thermo.py" agree "$DATA/$case/thermo_lammps.csv" "$out/thermo.csv" \
      --columns potential_energy,kinetic_energy,total_energy,temperature,pressure --rtol 1e-11 ||
      fail "$name disagrees with LAMMPS on $np ranks, grid $grid"
  done
done
