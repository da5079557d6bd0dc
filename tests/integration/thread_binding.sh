#!/usr/bin/env bash
# The thread-binding warning: a rank that runs more host threads than the
# cores it may run on is told so, once; a rank whose threads each have a
# core (--bind-to none, OMP_PROC_BIND=spread, OMP_PLACES=threads: what the
# README and the benchmarks recommend) is not, even though Kokkos then pins
# its master thread to one of them. Threaded builds only: a Serial or GPU
# build runs one host thread and has nothing to warn about (exit 77).
source "$(dirname "$0")/common.sh"
: "${STRATA_REAL_MPIRUN:?set by ctest}"
version=$("$STRATA" --version)
case "$version" in
  *"(1 host thread)"*) echo "SKIP: $version runs one host thread"; exit 77 ;;
esac
[ "$(nproc)" -ge 2 ] || { echo "SKIP: one core here: no rank can have a core per thread"; exit 77; }

write_deck "$WORK/deck.toml" <<'TOML'
[system]
box = [20.0, 20.0, 20.0]
[particles]
count = 1000
[propagator]
type = "brownian"
[run]
steps = 10
timestep = 0.001
TOML
warning="host threads on 1 core (its CPU binding): threads beyond the cores take turns"
run_with() {  # run_with NAME NP MPIRUN-OPTIONS...: stderr in $WORK/NAME.err
  local name=$1 np=$2
  shift 2
  OMP_NUM_THREADS=2 "$STRATA_REAL_MPIRUN" -q --oversubscribe -np "$np" -x OMP_NUM_THREADS "$@" \
    "$STRATA" run "$WORK/deck.toml" --output "$WORK/$name" >/dev/null 2>"$WORK/$name.err" ||
    { cat "$WORK/$name.err"; fail "$name"; }
}

# mpirun's default for 2 ranks or fewer: each rank pinned to a core.
run_with pinned 2 --bind-to core
[ "$(grep -c "$warning" "$WORK/pinned.err")" -eq 1 ] || { cat "$WORK/pinned.err"; fail "2 pinned ranks x 2 threads: expected one warning"; }
grep -q "rank 0 runs 2 $warning" "$WORK/pinned/log.txt" || fail "the warning is not in log.txt"

# Unpinned ranks, threads pinned to a core each.
run_with spread 1 --bind-to none -x OMP_PROC_BIND=spread -x OMP_PLACES=threads
! grep -q "take turns" "$WORK/spread.err" "$WORK/spread/log.txt" || { cat "$WORK/spread.err"; fail "warned with a core per thread"; }
echo "thread binding: warned once for 2 pinned ranks x 2 threads; silent with --bind-to none and spread threads"
