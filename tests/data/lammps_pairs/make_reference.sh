#!/usr/bin/env bash
# Regenerate the LAMMPS references of the pair potentials and walls (needs
# Debian's lammps package): the initial states lattice.h5 and random.h5 (from
# in.initial's write_data, as H5MD) and walls.h5 (in.walls_initial), and per
# potential (and wall_lj93) thermo_<name>.csv
# (every step of in.<name>). The Strata decks <name>.toml spell out the same
# potentials; tests/integration/pair_potentials_vs_lammps.sh compares them.
set -euo pipefail
cd "$(dirname "$0")"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp in.* "$work/"
run() { (cd "$work" && lmp -in "in.$1" -log "log.$1" -screen none); }
thermo() {  # the thermo block of log.$1: header "Step Temp PotEng KinEng TotEng Press"
  awk '/^ *Step /{on=1; print "step,temperature,potential_energy,kinetic_energy,total_energy,pressure"; next}
       /^Loop time/{on=0} on{ $1=$1; gsub(/ /, ","); print }' "$work/log.$1" >"thermo_$1.csv"
  echo "thermo_$1.csv: $(($(wc -l <"thermo_$1.csv") - 1)) rows"
}
run initial
/usr/bin/python3 ../lammps_lj/data2h5md.py "$work/lattice.data" lattice.h5
/usr/bin/python3 ../lammps_lj/data2h5md.py "$work/random.data" random.h5
# The wall reference's slit (boundary p p f): z is not periodic in the file.
run walls_initial
/usr/bin/python3 ../lammps_lj/data2h5md.py "$work/walls.data" walls.h5
/usr/bin/python3 -c 'import sys, h5py, numpy as np
h5py.File(sys.argv[1], "r+")["particles/all/box"].attrs["boundary"] = np.array([b"periodic", b"periodic", b"none"], dtype="S8")' walls.h5
for name in wca morse yukawa soft lj_tail lj_tail_single wall_lj93; do
  run "$name"
  thermo "$name"
done
# lj_tail_single rebuilt ../lammps_lj's state: it must be the very same one.
/usr/bin/python3 ../lammps_lj/data2h5md.py "$work/lj_single.data" "$work/lj_single.h5" >/dev/null
/usr/bin/python3 - "$work/lj_single.h5" ../lammps_lj/initial.h5 <<'PY'
import sys
import h5py
import numpy as np
a, b = (h5py.File(p, "r") for p in sys.argv[1:])
for k in ("position", "velocity", "id", "species"):
    if not np.array_equal(a[f"particles/all/{k}/value"][()], b[f"particles/all/{k}/value"][()]):
        sys.exit(f"lj_tail_single: {k} differs from ../lammps_lj/initial.h5")
print("lj_tail_single: the state of ../lammps_lj/initial.h5")
PY
lmp -h | sed -n '2p' >lammps_version.txt
