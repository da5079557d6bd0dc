#!/usr/bin/env bash
# Strata under SLURM, with automatic resume and a clean stop before the
# wall-time limit.
#
# Submit:   DECK=inputs/lj.toml OUT=/scratch/$USER/lj sbatch scripts/slurm.sh
# Resources: edit the #SBATCH lines (nodes, tasks, time). One MPI rank per
#   core; Strata cuts the box into as many slabs along decomposition.axis
#   (check with: strata validate DECK --ranks N).
# Environment: load your site's modules below (MPI, HDF5, and the Kokkos
#   Strata was built with), or set STRATA to the binary.
# Output: $OUT (default output/<job name>): thermo.csv, checkpoints/,
#   trajectory.h5, final.h5, summary.json; this script's log in strata-<job>.log.
# Wall time: --signal=B:USR1@600 makes SLURM warn this shell 10 minutes
#   before the limit; the shell passes SIGUSR1 to every rank, which stop at
#   the next step, write a checkpoint and exit. The job then requeues itself
#   (--requeue) and, on the next start, continues from the newest valid
#   checkpoint (--restart latest). A preemption (SIGTERM) does the same.
#SBATCH --job-name=strata
#SBATCH --nodes=1
#SBATCH --ntasks-per-node=32
#SBATCH --time=24:00:00
#SBATCH --signal=B:USR1@600
#SBATCH --requeue
#SBATCH --open-mode=append
#SBATCH --output=strata-%j.log
set -euo pipefail

# module load openmpi hdf5 kokkos   # site-specific
DECK=${DECK:-inputs/lj.toml}
OUT=${OUT:-output/${SLURM_JOB_NAME:-strata}}
STRATA=${STRATA:-build/strata}

args=(run "$DECK" --output "$OUT")
if compgen -G "$OUT/checkpoints/checkpoint-*.h5" >/dev/null; then
  echo "slurm.sh: resuming from the newest valid checkpoint in $OUT/checkpoints"
  args+=(--restart latest)
elif [ -e "$OUT/thermo.csv" ] && [ ! -e "$OUT/final.h5" ]; then
  # Killed before its first checkpoint: nothing to continue from.
  echo "slurm.sh: $OUT holds only the start of a run killed before its first checkpoint; starting again from step 0"
  args+=(--overwrite)
fi

# srun in the background so this shell can catch the warning and pass it on.
srun "$STRATA" "${args[@]}" &
step=$!
trap 'echo "slurm.sh: wall-time warning, stopping at the next step"; kill -USR1 "$step" 2>/dev/null || true' USR1
trap 'kill -USR1 "$step" 2>/dev/null || true' TERM  # preemption: the same clean stop
status=0
while :; do
  if wait "$step"; then status=0; else status=$?; fi
  # A trapped signal interrupts wait (status 128+n) while the run goes on.
  kill -0 "$step" 2>/dev/null || break
done

if [ "$status" -eq 0 ] && [ ! -e "$OUT/final.h5" ] && [ -n "${SLURM_JOB_ID:-}" ]; then
  echo "slurm.sh: stopped before the end; requeueing job $SLURM_JOB_ID"
  scontrol requeue "$SLURM_JOB_ID"
fi
exit "$status"
