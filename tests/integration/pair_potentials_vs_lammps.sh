#!/usr/bin/env bash
# Agreement with LAMMPS for every pair potential besides plain LJ
# (lj_vs_lammps.sh): from the same initial states (tests/data/lammps_pairs,
# produced once by Debian's lammps with the in.* files there, which spell
# out LAMMPS' equivalent of each deck), potential, kinetic and total energy
# and pressure agree with LAMMPS' thermo output to 1e-11 relative at step 0
# and to 1e-9 at every one of the 100 NVE steps, on 1 and 3 ranks:
#   wca      lj/cut at 2^(1/6) sigma + shift yes, binary, mix arithmetic
#   morse    pair morse, every pair explicit, one with its own cutoff
#   yukawa   pair yukawa, amplitudes mixed geometrically by LAMMPS
#   soft     pair soft from an overlapping random placement, the amplitude
#            ramped 0.1 -> 1 (fix adapt ... scale yes)
#   lj_tail  lj/cut + pair_modify tail yes, binary
#   wall_lj93  LJ between fix wall/lj93 walls on both z faces (boundary
#            p p f; fix_modify energy yes virial yes: the walls' energy and
#            virial in pe and press, as Strata includes them)
# and lj_tail_single: the one-species LJ liquid at density 0.8442 with tail
# corrections at step 0. Measured when written: at most 3.7e-13 anywhere
# (wall_lj93: 2.4e-13 in total energy, 1.7e-13 in pressure, 1 and 3 ranks).
source "$(dirname "$0")/common.sh"
DATA="$STRATA_SOURCE_DIR/tests/data/lammps_pairs"
columns=potential_energy,kinetic_energy,total_energy,pressure
for name in wca morse yukawa soft lj_tail lj_tail_single wall_lj93; do
  for np in 1 3; do
    out="$WORK/$name.np$np"
    strata_np "$np" run "$DATA/$name.toml" --output "$out" >"$out.log" 2>&1 ||
      { cat "$out.log"; fail "$name run on $np ranks"; }
    "$PYTHON" "$PYDIR/check_thermo.py" agree "$DATA/thermo_$name.csv" "$out/thermo.csv" --columns "$columns" \
      --rtol 1e-11 --rows 1 || fail "$name disagrees with LAMMPS at step 0 on $np ranks"
    "$PYTHON" "$PYDIR/check_thermo.py" agree "$DATA/thermo_$name.csv" "$out/thermo.csv" --columns "$columns" \
      --rtol 1e-9 || fail "$name disagrees with LAMMPS over the run on $np ranks"
  done
done
