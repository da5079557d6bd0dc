#!/usr/bin/env bash
# mpirun for the tests, with threads per rank set sensibly: the tests get this
# script as MPIRUN (tests/CMakeLists.txt), and it runs the real mpirun
# (STRATA_REAL_MPIRUN) with the same arguments plus
#   OMP_NUM_THREADS = cores / ranks (at least 1), or STRATA_TEST_THREADS if set,
# so ranks x threads stays within the cores on a threaded Kokkos backend
# (OpenMP): 2 threads on 1 rank, 1 thread per rank at 2-4 ranks on 2 cores.
# With more than one thread per rank the ranks are not pinned to one core
# each (--bind-to none), or the threads would take turns on it. A Serial
# build ignores both. exec keeps mpirun's process id, so the tests' signals
# reach it.
set -euo pipefail
: "${STRATA_REAL_MPIRUN:?set by ctest}"
np=1
args=("$@")
for ((i = 0; i < ${#args[@]}; ++i)); do
  case "${args[i]}" in
    -np | -n | --np | -c) np=${args[i + 1]:-1} ;;
  esac
done
cores=$(nproc)
threads=${STRATA_TEST_THREADS:-$((cores / np))}
((threads >= 1)) || threads=1
export OMP_NUM_THREADS=$threads
bind=()
((threads == 1)) || bind=(--bind-to none)
exec "$STRATA_REAL_MPIRUN" -x OMP_NUM_THREADS "${bind[@]}" "$@"
