#!/usr/bin/env bash
# Run Strata on a workstation with automatic resume.
#
#   scripts/run-local.sh DECK [RANKS] [OUTPUT_DIR] [-- extra strata run arguments]
#
# RANKS defaults to the number of cores; OUTPUT_DIR to the deck's output.dir
# (passed as --output when given). If OUTPUT_DIR already holds a checkpoint,
# the run continues from the newest valid one (--restart latest); run the
# same command again after an interruption to finish the run. Ctrl-C once
# stops every rank at the next step with a checkpoint; twice ends at once.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
[ $# -ge 1 ] || { sed -n '2,10p' "$0"; exit 2; }
deck=$1
ranks=${2:-$(nproc)}
out=${3:-}
shift $(($# < 3 ? $# : 3))
[ "${1:-}" = "--" ] && shift
strata=${STRATA:-$here/build/strata}
[ -x "$strata" ] || "$here/scripts/setup.sh"

args=(run "$deck")
[ -n "$out" ] && args+=(--output "$out")
if [ -n "$out" ] && compgen -G "$out/checkpoints/checkpoint-*.h5" >/dev/null; then
  echo "run-local: resuming from the newest checkpoint in $out/checkpoints"
  args+=(--restart latest)
elif [ -n "$out" ] && [ -e "$out/thermo.csv" ] && [ ! -e "$out/final.h5" ]; then
  # Killed before its first checkpoint: nothing to continue from.
  echo "run-local: $out holds only the start of a run killed before its first checkpoint; starting again from step 0"
  args+=(--overwrite)
fi
# Open MPI refuses root without these, and needs --oversubscribe for more
# ranks than cores; set here, for this run only.
if [ "$(id -u)" -eq 0 ]; then export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1; fi
exec mpirun -q --oversubscribe -np "$ranks" "$strata" "${args[@]}" "$@"
