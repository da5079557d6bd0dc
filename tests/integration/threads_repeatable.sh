#!/usr/bin/env bash
# On a threaded or GPU backend, runs repeated 20 times give bitwise identical
# results where the Serial build is deterministic: the LJ force scatter, the
# cell binning and the neighbour-list fill must not depend on thread timing.
# 1 rank with 2 threads (STRATA_TEST_THREADS overrides), LJ NVE and Brownian
# dynamics under LJ forces, 4000 atoms, 100 steps; final.h5 and thermo.csv
# compared byte for byte. On a Serial build there is one thread and nothing to
# race: the test says so and is skipped (exit 77).
source "$(dirname "$0")/common.sh"
version=$("$STRATA" --version)
case "$version" in
  *" Serial "*) echo "SKIP: $version has one thread; nothing can race"; exit 77 ;;
esac
export STRATA_TEST_THREADS=${STRATA_TEST_THREADS:-2}
echo "$version, $STRATA_TEST_THREADS threads"
for kind in verlet brownian; do
  dt=0.005
  [ "$kind" = brownian ] && dt=0.0005
  write_deck "$WORK/$kind.toml" <<TOML
[system]
density = 0.8442
[particles]
count = 4000
placement = "fcc"
temperature = 1.44
[interaction]
type = "lj"
shift = true
[propagator]
type = "$kind"
temperature = 1.2
diffusion = 0.1
[run]
steps = 100
timestep = $dt
seed = 31
[output]
thermo_every = 10
TOML
  for rep in $(seq 1 20); do
    strata_np 1 run "$WORK/$kind.toml" --output "$WORK/$kind.$rep" >"$WORK/$kind.$rep.log" 2>&1 ||
      { cat "$WORK/$kind.$rep.log"; fail "$kind run $rep"; }
    [ "$rep" = 1 ] && continue
    cmp -s "$WORK/$kind.1/thermo.csv" "$WORK/$kind.$rep/thermo.csv" || fail "$kind thermo.csv of run $rep differs from run 1"
    "$PYTHON" "$PYDIR/compare_states.py" "$WORK/$kind.1/final.h5" "$WORK/$kind.$rep/final.h5" >/dev/null ||
      fail "$kind final.h5 of run $rep differs from run 1"
  done
  echo "$kind: 20 runs bitwise identical"
done
