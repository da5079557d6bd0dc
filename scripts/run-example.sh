#!/usr/bin/env bash
# Build Strata (installing missing Debian packages first) and run the example
# deck inputs/brownian.toml (1e6 Brownian particles) on 2 MPI ranks.
#   scripts/run-example.sh [DECK] [extra strata run arguments...]
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
DECK=${1:-inputs/brownian.toml}
shift || true
OUT=output/example-$(basename "$DECK" .toml)
# Open MPI refuses to start as root without these; they are set for this
# script only. --oversubscribe lets 2 ranks start on a 1-core machine.
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
mpirun -q --oversubscribe -np 2 build/strata run "$DECK" --output "$OUT" --overwrite "$@"
echo
echo "output written to $(pwd)/$OUT: thermo.csv (observables), final.h5 (H5MD final state), summary.json"
