#!/usr/bin/env bash
# The final state is bitwise identical on 1, 2, 3 and 4 ranks, for Brownian
# (Gaussian and uniform noise: the uniform periodic case runs the CPU block
# kernel, whose per-block leaver counts steer the migration) and ballistic
# particles, with periodic and with reflecting boundaries (including a
# reflecting slab axis), and for each slab axis.
source "$(dirname "$0")/common.sh"

run_case() {
  local name=$1 deck=$2
  for np in 1 2 3 4; do
    strata_np "$np" run "$deck" --output "$WORK/$name.np$np" >"$WORK/$name.np$np.log" 2>&1 ||
      { cat "$WORK/$name.np$np.log"; fail "$name on $np ranks"; }
  done
  "$PYTHON" "$PYDIR/compare_states.py" "$WORK/$name.np1/final.h5" \
    "$WORK/$name.np2/final.h5" "$WORK/$name.np3/final.h5" "$WORK/$name.np4/final.h5" || fail "$name differs between rank counts"
}

write_deck "$WORK/brownian_periodic.toml" <<'TOML'
[system]
box = [12.0, 9.0, 7.0]
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
axis = "x"
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
axis = "y"
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
[decomposition]
axis = "x"
[run]
steps = 100
timestep = 0.05
seed = 8
TOML

sed 's/^noise = "gaussian"$/noise = "uniform"/' "$WORK/brownian_periodic.toml" >"$WORK/brownian_uniform_periodic.toml"
grep -q '^noise = "uniform"$' "$WORK/brownian_uniform_periodic.toml" || fail "no uniform-noise deck"

for c in brownian_periodic brownian_uniform_periodic brownian_walls ballistic_periodic ballistic_walls; do
  run_case "$c" "$WORK/$c.toml"
done
echo "final states bitwise identical on 1-4 ranks for all cases"
