#!/usr/bin/env bash
# Strata under SLURM, with automatic resume and a clean stop before the
# wall-time limit.
#
# Submit:   DECK=inputs/lj.toml OUT=/scratch/$USER/lj sbatch scripts/slurm.sh [ARGS...]
#   ARGS go to `strata run` on every start, e.g. --set run.steps=200000
#   (the script chooses --output, --restart and --overwrite itself). DECK
#   and OUT are relative to the directory sbatch was run from.
# Resources: edit the #SBATCH lines, or override them on the sbatch command
#   line (sbatch --time=12:00:00 --ntasks-per-node=16 scripts/slurm.sh).
#   One MPI rank per core; Strata cuts the box into as many slabs along
#   decomposition.axis (check with: strata validate DECK --ranks N).
# Many nodes: sbatch --nodes=4 --ntasks-per-node=32 scripts/slurm.sh runs
#   128 ranks; srun places them in blocks (ranks 0-31 on the first node), so
#   neighbouring slabs share a node. DECK, OUT and the binary must be on a
#   file system every node sees: all ranks write final.h5, the checkpoints
#   and the trajectory through MPI-IO.
# MPI: srun starts the ranks itself, so MPI_Init needs a process-management
#   interface from Slurm (with Slurm's "none", Open MPI aborts in MPI_Init:
#   "OMPI was not built with SLURM's PMI support"). The script asks for
#   --mpi=pmix when `srun --mpi=list` offers it, else leaves the site's
#   default; set SLURM_MPI_TYPE (e.g. pmi2, pmix_v4) to choose.
# Environment: load your site's modules below (MPI, HDF5, and the Kokkos
#   Strata was built with), or set STRATA to the binary.
# Threads (a Strata built with Kokkos OpenMP): one per core the task gets,
#   --cpus-per-task (SLURM_CPUS_PER_TASK), 1 if it is not given, so ranks x
#   threads never exceed the cores SLURM allocated; OMP_NUM_THREADS, if set,
#   wins. With --cpus-per-task=N, also export OMP_PROC_BIND=spread
#   OMP_PLACES=threads to pin each rank's threads to its own cores.
# Output: $OUT (default output/<job name>): thermo.csv, checkpoints/,
#   trajectory.h5, final.h5, summary.json; this script's log in strata-<job>.log.
# Wall time: --signal=B:USR1@600 makes SLURM warn this shell 10 minutes
#   before the limit; the shell passes SIGUSR1 to every rank, which stop at
#   the next step, write a checkpoint and exit. The job then requeues itself
#   (--requeue) and, on the next start, continues from the newest valid
#   checkpoint (--restart latest). At the limit without a warning, SLURM
#   sends SIGTERM and, KillWait seconds later (30 by default), SIGKILL: the
#   ranks still stop with a checkpoint if they can write one in that time
#   (else the job resumes from the previous one: output.checkpoint_every
#   bounds what is lost), and the job requeues itself too. scancel (SIGTERM
#   too) stops the run with a checkpoint but does not requeue: sbatch the
#   same job again to continue. A preempted job is requeued by SLURM itself
#   where the site's PreemptMode says so.
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
# Without this, an OpenMP build starts as many threads per rank as the node
# has cores: 32 ranks x 32 threads on 32 cores.
export OMP_NUM_THREADS=${OMP_NUM_THREADS:-${SLURM_CPUS_PER_TASK:-1}}

# Set-up mistakes end the job here, with one line, and no requeue: a job that
# can never run must not come back every time it is started.
refuse() {
  echo "slurm.sh: error: $*" >&2
  exit 2
}
[ -f "$DECK" ] || refuse "deck '$DECK' not found in $PWD (expected DECK=path to the deck, absolute or relative to the directory sbatch was run from)"
command -v "$STRATA" >/dev/null || refuse "no strata binary at '$STRATA' (expected STRATA=path to the binary or its name on PATH, or build/strata under $PWD)"
for a in "$@"; do
  case "$a" in
    --output | --output=* | --restart | --restart=* | --overwrite)
      refuse "'$a' among the arguments for strata run (expected OUT=directory; the script adds --restart and --overwrite itself)" ;;
  esac
done

args=(run "$DECK" --output "$OUT")
resuming=0
if compgen -G "$OUT/checkpoints/checkpoint-*.h5" >/dev/null; then
  echo "slurm.sh: resuming from the newest valid checkpoint in $OUT/checkpoints"
  args+=(--restart latest)
  resuming=1
elif [ -e "$OUT/thermo.csv" ] && [ ! -e "$OUT/final.h5" ]; then
  # Killed before its first checkpoint: nothing to continue from. Only our
  # own run's start is replaced, never another deck's.
  if [ -e "$OUT/status.json" ] && ! grep -qF "\"deck\": \"$DECK\"," "$OUT/status.json"; then
    refuse "$OUT holds the start of a run of another deck ($(grep -F '"deck":' "$OUT/status.json" | tr -s ' ')) (expected OUT=a new directory for $DECK)"
  fi
  echo "slurm.sh: $OUT holds only the start of a run killed before its first checkpoint; starting again from step 0"
  args+=(--overwrite)
fi

# SLURM_MPI_TYPE is srun's own way to choose the plugin, so a user's choice
# wins; otherwise PMIx, which Open MPI and MPICH both speak, if srun has it.
srun_mpi=()
if [ -z "${SLURM_MPI_TYPE:-}" ]; then
  plugins=$(srun --mpi=list 2>&1 || true)  # whole, before grep -q stops reading
  if grep -qx '[[:space:]]*pmix' <<<"$plugins"; then
    srun_mpi=(--mpi=pmix)
  else
    echo "slurm.sh: srun offers no PMIx plugin; using the site's default MPI plugin (set SLURM_MPI_TYPE to choose one)"
  fi
fi

# The traps come first, so a warning that arrives while srun starts is not
# lost; srun runs in the background so this shell can catch the warning and
# pass it on.
step=""
warned=0
terminated=0
# shellcheck disable=SC2317  # run by the trap below
on_warning() {
  warned=1
  echo "slurm.sh: wall-time warning, stopping at the next step"
  [ -z "$step" ] || kill -USR1 "$step" 2>/dev/null || true
}
# shellcheck disable=SC2317  # run by the trap below
on_term() {  # the time limit, scancel, a preemption: the same clean stop
  terminated=1
  if [ "$warned" = 0 ]; then
    echo "slurm.sh: SIGTERM with no wall-time warning before it (the time limit, scancel or a preemption);" \
      "stopping at the next step with a checkpoint before SIGKILL comes (ask for the warning with --signal=B:USR1@600)"
  fi
  [ -z "$step" ] || kill -USR1 "$step" 2>/dev/null || true
}
trap on_warning USR1
trap on_term TERM
srun "${srun_mpi[@]}" "$STRATA" "${args[@]}" "$@" &
step=$!
status=0
while :; do
  if wait "$step"; then status=0; else status=$?; fi
  # A trapped signal interrupts wait (status 128+n) while the run goes on.
  kill -0 "$step" 2>/dev/null || break
done

if [ "$status" -eq 2 ]; then
  # strata refused the deck, the arguments or the output directory (its
  # line is above); coming back would only be refused again.
  [ "$resuming" = 0 ] || echo "slurm.sh: error: could not resume from $OUT/checkpoints (see the line above):" \
    "if $OUT holds another run's results, choose another OUT" >&2
  exit 2
fi
if [ "$status" -eq 0 ] && [ ! -e "$OUT/final.h5" ] && [ -n "${SLURM_JOB_ID:-}" ]; then
  # A SIGTERM with no warning is the time limit only if SLURM says so;
  # otherwise it is scancel, and a cancelled job must stay cancelled, or a
  # preemption, which SLURM requeues itself where the site wants that.
  reason=""
  [ "$warned" = 1 ] || [ "$terminated" = 0 ] ||
    reason=$(scontrol show job -o "$SLURM_JOB_ID" 2>/dev/null | sed -n 's/.* Reason=\([^ ]*\).*/\1/p')
  if [ "$warned" = 1 ] || [ "$terminated" = 0 ] || [ "$reason" = TimeLimit ]; then
    echo "slurm.sh: stopped before the end; requeueing job $SLURM_JOB_ID"
    scontrol requeue "$SLURM_JOB_ID" ||
      echo "slurm.sh: could not requeue job $SLURM_JOB_ID; submit the same job again to continue from the last checkpoint"
  else
    echo "slurm.sh: job $SLURM_JOB_ID was stopped before its time limit (scancel or a preemption); this script does not" \
      "requeue it. Submit the same job again to continue from the last checkpoint"
  fi
fi
exit "$status"
