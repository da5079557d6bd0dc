#!/usr/bin/env bash
# Violent migration on 3-D grids of 8 ranks: ballistic particles fly 2-5
# bricks per step along every axis (multi-hop forwarding on x, y and z, and
# through edges and corners on [2,2,2]), with periodic boundaries and with
# reflecting walls on y; and 5 Brownian particles among 8 ranks, so most
# bricks are empty. On every grid the particle count is checked every step
# by strata itself (a thermo row per step), the final state holds each id
# exactly once, each rank owns exactly the particles inside its brick, and
# the state is bitwise the 1-rank state (ballistic flight and Brownian
# noise depend on nothing about the decomposition).
source "$(dirname "$0")/common.sh"

# rms thermal speed per axis sqrt(400) = 20 on top of a drift of 70-80:
# 14-16 (+-4) per step of 0.2 along each axis, 2-3 bricks of 6 (grids with
# 4 bricks on an axis of 24) or 5 bricks of 3 ([8,1,1]) per step.
write_deck "$WORK/fast.toml" <<'TOML'
[system]
box = [24.0, 24.0, 24.0]
[particles]
count = 4000
temperature = 400.0
drift = [70.0, -75.0, 80.0]
[propagator]
type = "ballistic"
[run]
steps = 40
timestep = 0.2
seed = 31
[output]
thermo_every = 1
TOML
sed 's/^box = .*/&\nboundary = ["periodic", "reflecting", "periodic"]/' "$WORK/fast.toml" >"$WORK/fast_walls.toml"

write_deck "$WORK/sparse.toml" <<'TOML'
[system]
box = [12.0, 12.0, 12.0]
boundary = ["periodic", "reflecting", "periodic"]
[particles]
count = 5
temperature = 50.0
[propagator]
type = "brownian"
diffusion = 50.0
[run]
steps = 200
timestep = 0.1
seed = 4
[output]
thermo_every = 1
TOML

check_case() {  # check_case DECK GRID...: 1 rank, then 8 ranks on each grid
  local deck=$1
  shift
  local count steps others=()
  count=$(sed -n 's/^count = //p' "$WORK/$deck.toml")
  steps=$(sed -n 's/^steps = //p' "$WORK/$deck.toml")
  strata_np 1 run "$WORK/$deck.toml" --output "$WORK/$deck.np1" >"$WORK/$deck.np1.log" 2>&1 ||
    { cat "$WORK/$deck.np1.log"; fail "$deck on 1 rank"; }
  for grid in "$@"; do
    local out="$WORK/$deck.${grid//[^0-9]/}"
    strata_np 8 run "$WORK/$deck.toml" --set "decomposition.grid=$grid" --output "$out" >"$out.log" 2>&1 ||
      { cat "$out.log"; fail "$deck on grid $grid"; }
    [ "$(grep -c . "$out/thermo.csv")" -eq $((steps + 2)) ] || fail "$deck $grid: expected a thermo row per step"
    "$PYTHON" "$PYDIR/check_grid.py" ids "$out/final.h5" --count "$count" || fail "$deck $grid: ids not conserved"
    "$PYTHON" "$PYDIR/check_grid.py" ownership "$out" --grid "$(tr -d '[]' <<<"$grid")" ||
      fail "$deck $grid: particles not with the rank whose brick holds them"
    others+=("$out/final.h5")
  done
  "$PYTHON" "$PYDIR/compare_states.py" "$WORK/$deck.np1/final.h5" "${others[@]}" ||
    fail "$deck: states differ between grids"
}

check_case fast "[8,1,1]" "[4,2,1]" "[1,4,2]" "[1,2,4]" "[2,2,2]"
check_case fast_walls "[2,2,2]" "[1,4,2]" "[1,2,4]"
check_case sparse "[2,2,2]" "[1,2,4]"

# The flights really were that long: speeds never change in ballistic
# flight, so |v| dt from the final state is every step's displacement.
# Measured: 0.69, 0.77, 0.84 of the particles cross >= 2 bricks of 6.
"$PYTHON" "$PYDIR/check_grid.py" hops "$WORK/fast.np1/final.h5" --dt 0.2 --widths 6,6,6 --min-bricks 2 \
  --min-fraction 0.6 || fail "the fast case does not cross two bricks per step on every axis"
"$PYTHON" "$PYDIR/check_grid.py" hops "$WORK/fast_walls.np1/final.h5" --dt 0.2 --widths 6,6,6 --min-bricks 2 \
  --min-fraction 0.6 || fail "the walls case does not cross two bricks per step on every axis"
# Multi-hop forwarding happened: with 4 or 8 bricks on an axis the migration
# took several exchange rounds per step (measured: 4 on [8,1,1], 2 on the others).
for grid in 811 421 142 124; do
  rounds=$(sed -n 's/.*, \([0-9.e+]*\) exchange rounds\/step.*/\1/p' "$WORK/fast.$grid.log")
  "$PYTHON" -c "import sys; sys.exit(0 if float('${rounds:-0}') >= 2.0 else 1)" ||
    { grep migration "$WORK/fast.$grid.log"; fail "expected multi-hop migration on grid $grid, got '$rounds' rounds/step"; }
  echo "grid $grid: $rounds exchange rounds/step"
done
echo "violent migration on grids conserved every particle and id, bitwise the 1-rank state"
