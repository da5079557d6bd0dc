#!/usr/bin/env bash
# Regenerate the LAMMPS references (needs Debian's lammps package). Each case
# is a directory holding one LAMMPS input (in.*) and Strata's deck for the
# same system (strata.toml); from the input this writes, in that directory,
# initial.h5 (the state LAMMPS starts from, as H5MD, which the deck reads)
# and thermo_lammps.csv (LAMMPS' thermo output at every step).
#   make_reference.sh                 every case
#   make_reference.sh unshifted       one case (a directory name)
# Cases: .            the LJ liquid of bench/in.lj, shifted at the cutoff
#        unshifted    the same liquid as bench/in.lj has it, not shifted
#        kob_andersen the Kob-Andersen binary mixture, explicit pairs
set -euo pipefail
cd "$(dirname "$0")"
cases=("$@")
[ ${#cases[@]} -gt 0 ] || cases=(. unshifted kob_andersen)
for c in "${cases[@]}"; do
  inputs=("$c"/in.*)
  [ ${#inputs[@]} -eq 1 ] && [ -f "${inputs[0]}" ] || { echo "$c: expected exactly one in.* file" >&2; exit 1; }
  work=$(mktemp -d)
  cp "${inputs[0]}" "$work/"
  (cd "$work" && lmp -in "$(basename "${inputs[0]}")" -log log.lammps -screen none)
  /usr/bin/python3 data2h5md.py "$work/initial.data" "$c/initial.h5"
  # The thermo block: header "Step Temp PotEng KinEng TotEng Press", 101 rows.
  awk '/^ *Step /{on=1; print "step,temperature,potential_energy,kinetic_energy,total_energy,pressure"; next}
       /^Loop time/{on=0} on{ $1=$1; gsub(/ /, ","); print }' "$work/log.lammps" >"$c/thermo_lammps.csv"
  rm -rf "$work"
  echo "$c: wrote initial.h5 and thermo_lammps.csv ($(($(wc -l <"$c/thermo_lammps.csv") - 1)) rows)"
done
lmp -h | sed -n '2p' >lammps_version.txt
