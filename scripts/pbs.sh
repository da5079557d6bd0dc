#!/usr/bin/env bash
# Strata under PBS Pro / OpenPBS / Torque, with automatic resume and a clean
# stop before the wall-time limit.
#
# Submit:   qsub -v DECK=inputs/lj.toml,OUT=/scratch/$USER/lj scripts/pbs.sh
# Resources: edit the #PBS lines; keep WALLTIME_SECONDS equal to walltime.
#   One MPI rank per core (mpiprocs); check the slab plan with
#   strata validate DECK --ranks N.
# Environment: load your site's modules below, or set STRATA.
# Output: $OUT (default output/strata): thermo.csv, checkpoints/,
#   trajectory.h5, final.h5, summary.json.
# Wall time: PBS gives no warning signal, so this script sends SIGUSR1 to the
#   run MARGIN_SECONDS before WALLTIME_SECONDS; every rank stops at the next
#   step and writes a checkpoint. A SIGTERM from PBS (qdel, preemption) does
#   the same. Resubmit the same job to continue: it starts from the newest
#   valid checkpoint (--restart latest).
#PBS -N strata
#PBS -l select=1:ncpus=32:mpiprocs=32
#PBS -l walltime=24:00:00
#PBS -j oe
set -euo pipefail
cd "${PBS_O_WORKDIR:-.}"

# module load openmpi hdf5 kokkos   # site-specific
DECK=${DECK:-inputs/lj.toml}
OUT=${OUT:-output/strata}
STRATA=${STRATA:-build/strata}
WALLTIME_SECONDS=${WALLTIME_SECONDS:-86400}
MARGIN_SECONDS=${MARGIN_SECONDS:-600}

args=(run "$DECK" --output "$OUT")
if compgen -G "$OUT/checkpoints/checkpoint-*.h5" >/dev/null; then
  echo "pbs.sh: resuming from the newest valid checkpoint in $OUT/checkpoints"
  args+=(--restart latest)
elif [ -e "$OUT/thermo.csv" ] && [ ! -e "$OUT/final.h5" ]; then
  # Killed before its first checkpoint: nothing to continue from.
  echo "pbs.sh: $OUT holds only the start of a run killed before its first checkpoint; starting again from step 0"
  args+=(--overwrite)
fi

mpirun "$STRATA" "${args[@]}" &
run=$!
(sleep $((WALLTIME_SECONDS - MARGIN_SECONDS)) && kill -USR1 "$run" 2>/dev/null) &
timer=$!
trap 'kill -USR1 "$run" 2>/dev/null || true' TERM  # qdel, preemption: the same clean stop
status=0
while :; do
  if wait "$run"; then status=0; else status=$?; fi
  # A trapped signal interrupts wait (status 128+n) while the run goes on.
  kill -0 "$run" 2>/dev/null || break
done
kill "$timer" 2>/dev/null || true
[ -e "$OUT/final.h5" ] || echo "pbs.sh: stopped before the end; resubmit to continue from the last checkpoint"
exit "$status"
