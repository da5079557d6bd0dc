#!/usr/bin/env bash
# Restarts across grids (issue 13): a checkpoint written on one grid, with
# planes load balancing moved, continues on another rank count or grid.
#  - LJ (velocity Verlet, 4000 atoms) written at step 100 on 8 ranks, a
#    2 x 2 x 2 grid balanced every 20 steps, resumed on 3 ranks as 1 x 1 x 3,
#    and on 1 rank; written on 2 slabs, resumed on a 2 x 2 x 1 grid: thermo
#    at every row agrees with the uninterrupted 1-rank run to 1e-9.
#  - Brownian, 8 ranks 2 x 2 x 2 to 3 ranks 1 x 1 x 3 and slab to grid:
#    the final state is bitwise the uninterrupted one (its trajectory depends
#    on nothing about the decomposition).
source "$(dirname "$0")/common.sh"

for kind in verlet brownian; do
  write_deck "$WORK/$kind.toml" <<TOML
[system]
density = 0.8442
[particles]
count = 4000
placement = "fcc"
temperature = 1.44
[interaction]
type = "$([ "$kind" = verlet ] && echo lj || echo none)"
[propagator]
type = "$kind"
diffusion = 0.1
[run]
steps = 200
timestep = 0.005
seed = 3
[output]
thermo_every = 20
TOML
  strata_np 1 run "$WORK/$kind.toml" --output "$WORK/$kind.straight" >/dev/null 2>&1 || fail "$kind straight"
  # resumed FROM_NP FROM_GRID TO_NP TO_GRID: the second half on another grid.
  resumed() {
    local name="$kind.$1.$2.to.$3.$4"
    name=${name//[\[\],\"]/}
    strata_np "$1" run "$WORK/$kind.toml" --set "decomposition.grid=$2" --set decomposition.balance_every=20 \
      --set decomposition.balance_threshold=1.0 --set run.steps=100 --output "$WORK/$name" \
      >"$WORK/$name.a.log" 2>&1 || { cat "$WORK/$name.a.log"; fail "$name: first half"; }
    strata_np "$3" run --restart latest --output "$WORK/$name" --set "decomposition.grid=$4" --set run.steps=200 \
      >"$WORK/$name.b.log" 2>&1 || { cat "$WORK/$name.b.log"; fail "$name: resumed"; }
    grep -q "lists rebuilt on a new layout\|exactly" "$WORK/$name.b.log" || { cat "$WORK/$name.b.log"; fail "$name: no resume line"; }
    if [ "$kind" = brownian ]; then
      "$PYTHON" "$PYDIR/compare_states.py" "$WORK/$kind.straight/final.h5" "$WORK/$name/final.h5" ||
        fail "$name: final state differs from the uninterrupted run"
    else
      "$PYTHON" "$PYDIR/check_thermo.py" agree "$WORK/$kind.straight/thermo.csv" "$WORK/$name/thermo.csv" \
        --columns temperature,kinetic_energy,potential_energy,total_energy,pressure --rtol 1e-9 ||
        fail "$name: thermo beyond 1e-9 of the uninterrupted run"
    fi
    echo "$name: continues the run"
  }
  resumed 8 '[2,2,2]' 3 '[1,1,3]'
  resumed 8 '[2,2,2]' 1 auto
  resumed 2 slab 4 '[2,2,1]'
done
