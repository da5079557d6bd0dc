#!/usr/bin/env bash
# Regenerate the LAMMPS reference (needs Debian's lammps package):
# initial.h5 (the initial state, as H5MD) and thermo_lammps.csv (per step).
set -euo pipefail
cd "$(dirname "$0")"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp in.lj_reference "$work/"
(cd "$work" && lmp -in in.lj_reference -log log.lammps -screen none)
/usr/bin/python3 data2h5md.py "$work/initial.data" initial.h5
# The thermo block: header "Step Temp PotEng KinEng TotEng Press", 101 rows.
awk '/^ *Step /{on=1; print "step,temperature,potential_energy,kinetic_energy,total_energy,pressure"; next}
     /^Loop time/{on=0} on{ $1=$1; gsub(/ /, ","); print }' "$work/log.lammps" >thermo_lammps.csv
lmp -h | sed -n '2p' >lammps_version.txt
echo "wrote initial.h5 and thermo_lammps.csv ($(($(wc -l <thermo_lammps.csv) - 1)) rows)"
