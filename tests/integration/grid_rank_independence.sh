#!/usr/bin/env bash
# On a 3-D grid of ranks the final state is bitwise identical to the 1-rank
# run: Brownian and ballistic particles, periodic and reflecting boundaries,
# at 2, 3, 4 and 8 ranks with the grids [8,1,1], [2,2,2], [1,2,4], [2,2,1],
# "auto" (whatever it picks) and "slab". Each run is also checked against its
# own checkpoint: the grid asked for is the grid used, every rank owns
# particles, each rank owns exactly the particles inside its brick (ranks x
# fastest), and particles ended in another brick than they started in along
# every cut axis (so migration was exercised on all three axes).
# 8 ranks are oversubscribed on 2 cores; every run is a few thousand
# particles for 100-150 steps (about 1 s each).
source "$(dirname "$0")/common.sh"

# LAYOUTS: "ranks grid" pairs; grid "-" is the default ("auto").
LAYOUTS=(
  "2 -"
  "3 slab"
  "4 -"
  "4 [2,2,1]"
  "8 [8,1,1]"
  "8 [2,2,2]"
  "8 [1,2,4]"
  "8 -"
)

run_case() {
  local name=$1 deck=$2 slab_grid=$3
  local ref="$WORK/$name.np1" others=()
  strata_np 1 run "$deck" --output "$ref" >"$ref.log" 2>&1 || { cat "$ref.log"; fail "$name on 1 rank"; }
  for layout in "${LAYOUTS[@]}"; do
    read -r np grid <<<"$layout"
    local tag=${grid//[^0-9a-z]/} set=() expect=()
    local out="$WORK/$name.np$np.${tag:-auto}"
    case "$grid" in
      -) ;;
      slab) set=(--set 'decomposition.grid="slab"'); expect=(--grid "$slab_grid") ;;
      *) set=(--set "decomposition.grid=$grid"); expect=(--grid "$(tr -d '[] ' <<<"$grid")") ;;
    esac
    strata_np "$np" run "$deck" "${set[@]}" --output "$out" >"$out.log" 2>&1 ||
      { cat "$out.log"; fail "$name on $np ranks, grid $grid"; }
    "$PYTHON" "$PYDIR/check_grid.py" ownership "$out" "${expect[@]}" --nonempty --min-moved 20 ||
      fail "$name on $np ranks, grid $grid: not decomposed as asked"
    others+=("$out/final.h5")
  done
  "$PYTHON" "$PYDIR/compare_states.py" "$ref/final.h5" "${others[@]}" || fail "$name differs between grids"
}

write_deck "$WORK/brownian_periodic.toml" <<'TOML'
[system]
box = [12.0, 9.0, 8.0]
[particles]
count = 3000
temperature = 1.0
[propagator]
type = "brownian"
diffusion = 2.0
noise = "gaussian"
[run]
steps = 150
timestep = 0.01
seed = 99
[output]
thermo_every = 50
TOML

# Walls on x and z, the slab axis y periodic.
write_deck "$WORK/brownian_walls.toml" <<'TOML'
[system]
box = [10.0, 10.0, 10.0]
boundary = ["reflecting", "periodic", "reflecting"]
[particles]
count = 2000
placement = "fcc"
[propagator]
type = "brownian"
diffusion = 3.0
[decomposition]
axis = "y"
[run]
steps = 120
timestep = 0.02
seed = 5
TOML

write_deck "$WORK/ballistic_periodic.toml" <<'TOML'
[system]
box = [15.0, 15.0, 15.0]
[particles]
count = 2500
placement = "sc"
temperature = 30.0
drift = [3.0, -1.0, 0.5]
[propagator]
type = "ballistic"
[decomposition]
axis = "z"
[run]
steps = 100
timestep = 0.05
seed = 7
TOML

write_deck "$WORK/ballistic_walls.toml" <<'TOML'
[system]
box = [16.0, 8.0, 8.0]
boundary = "reflecting"
[particles]
count = 2000
temperature = 20.0
[propagator]
type = "ballistic"
[run]
steps = 100
timestep = 0.05
seed = 8
TOML

# The slab layout at 3 ranks: three slabs along each deck's decomposition.axis.
run_case brownian_periodic "$WORK/brownian_periodic.toml" 3,1,1
run_case brownian_walls "$WORK/brownian_walls.toml" 1,3,1
run_case ballistic_periodic "$WORK/ballistic_periodic.toml" 1,1,3
run_case ballistic_walls "$WORK/ballistic_walls.toml" 3,1,1
echo "final states bitwise identical on 1 rank and on grids [8,1,1], [2,2,2], [1,2,4], [2,2,1], auto and slab"
