#!/usr/bin/env bash
# Regenerates the Serial reference of tests/integration/backend_matches_serial.sh
# from a build against the Serial Kokkos backend (Debian's, as CI builds):
#   tests/data/serial_reference/make_reference.sh build/strata
# Writes brownian.h5 and ballistic.h5 (final states; the same bitwise on any
# number of ranks, so the 1-rank run stands for all) and lj.np<N>.csv (thermo
# of the LJ run on N = 1..4 ranks). Run it only when a change is meant to alter
# Serial results, and say why in the commit.
set -euo pipefail
strata=$(realpath "${1:?usage: make_reference.sh path/to/strata (a Serial build)}")
here=$(cd "$(dirname "$0")" && pwd)
"$strata" --version | grep -q " Serial " || { echo "make_reference.sh: $strata is not a Serial build" >&2; exit 2; }
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for name in brownian ballistic; do
  mpirun -q -np 1 "$strata" run "$here/$name.toml" --output "$work/$name" >/dev/null
  cp "$work/$name/final.h5" "$here/$name.h5"
done
for np in 1 2 3 4; do
  mpirun -q --oversubscribe -np "$np" "$strata" run "$here/lj.toml" --output "$work/lj.np$np" >/dev/null
  cp "$work/lj.np$np/thermo.csv" "$here/lj.np$np.csv"
done
"$strata" --version >"$here/made_with.txt"
echo "make_reference.sh: wrote $(ls "$here"/*.h5 "$here"/*.csv | wc -l) files with $(cat "$here/made_with.txt")"
