#!/usr/bin/env bash
# The 3-D decomposition from the user's side:
# - `strata validate inputs/lj.toml --ranks 64` (32,000 atoms, box 33.59,
#   cutoff + skin 2.8: at most 11 bricks per axis, 11^3 = 1331 ranks) is
#   accepted with a 4 x 4 x 4 grid and names 1331 as the most ranks; more
#   ranks than that are refused with one line naming 1331, exit 2.
# - Bad [decomposition] input, from the deck and from --set, on 1 rank and
#   under mpirun: a grid whose product is not the number of ranks, a brick
#   thinner than cutoff + skin, a grid that is not "auto", "slab" or three
#   positive integers, balance_threshold below 1 (0, -1, 0.5), a negative
#   balance_every, balance_damping outside (0, 1], an unknown balance_by:
#   each one line naming the key, exit 2, and no output directory.
source "$(dirname "$0")/common.sh"

LJ="$STRATA_SOURCE_DIR/inputs/lj.toml"
"$STRATA" validate "$LJ" --ranks 64 --set "output.dir=\"$WORK/never\"" >"$WORK/plan64" 2>&1 ||
  { cat "$WORK/plan64"; fail "validate lj.toml --ranks 64 refused"; }
b='8\.(4|39[0-9]*)'
grep -Eq "^grid +4 x 4 x 4 ranks.*bricks $b x $b x $b" "$WORK/plan64" ||
  { cat "$WORK/plan64"; fail "validate --ranks 64 does not print a 4 x 4 x 4 grid of 8.4-wide bricks"; }
grep -Eq "ghost fraction ~[0-9.]+" "$WORK/plan64" || { cat "$WORK/plan64"; fail "no ghost fraction"; }
grep -q "at most 1331 ranks in 3-D" "$WORK/plan64" || { cat "$WORK/plan64"; fail "validate does not name 1331 ranks"; }
[ ! -e "$WORK/never" ] || fail "validate wrote output"
"$STRATA" validate "$LJ" --ranks 1331 >"$WORK/plan1331" 2>&1 || { cat "$WORK/plan1331"; fail "1331 ranks refused"; }
grep -Eq "^grid +11 x 11 x 11 ranks" "$WORK/plan1331" || { cat "$WORK/plan1331"; fail "1331 ranks: not 11 x 11 x 11"; }
expect_input_error "at most 1331 ranks" "$STRATA" validate "$LJ" --ranks 5000
expect_input_error "at most 1331 ranks" "$STRATA" validate "$LJ" --ranks 1332

# The 4000-atom liquid: box 16.796, so 2.8-wide bricks allow at most 5 cuts
# per axis (5 x 3.36; 6 x 2.799 is too thin).
write_deck "$WORK/lj.toml" <<'TOML'
[system]
density = 0.8442
[particles]
count = 4000
placement = "fcc"
temperature = 1.44
[interaction]
type = "lj"
cutoff = 2.5
skin = 0.3
[propagator]
type = "verlet"
[run]
steps = 10
timestep = 0.005
TOML

run1() { "$STRATA" run "$WORK/lj.toml" "$@" --output "$WORK/never"; }  # a plain, mpirun-less launch
expect_input_error "--set decomposition.grid=\[2,1,1\]: decomposition.grid \[2, 1, 1\] has 2 bricks for 1 rank" run1 --set 'decomposition.grid=[2,1,1]'
expect_input_error "--set decomposition.grid=\"cube\".*decomposition.grid" run1 --set 'decomposition.grid="cube"'
expect_input_error "--set decomposition.grid=\[2,2\].*decomposition.grid" run1 --set 'decomposition.grid=[2,2]'
expect_input_error "--set decomposition.grid=\[2,0,1\].*decomposition.grid" run1 --set 'decomposition.grid=[2,0,1]'
expect_input_error "--set decomposition.grid=\[1.0,2.0,1.0\].*decomposition.grid" \
  run1 --set 'decomposition.grid=[1.0,2.0,1.0]'
for t in 0 -1 0.5; do
  expect_input_error "--set decomposition.balance_threshold=$t.*decomposition.balance_threshold" \
    run1 --set "decomposition.balance_threshold=$t"
done
expect_input_error "--set decomposition.balance_every=-5.*decomposition.balance_every" run1 --set decomposition.balance_every=-5
expect_input_error "--set decomposition.balance_every=2.5.*decomposition.balance_every" \
  run1 --set decomposition.balance_every=2.5
for f in 0 1.5 -0.5; do
  expect_input_error "--set decomposition.balance_damping=$f.*decomposition.balance_damping" \
    run1 --set "decomposition.balance_damping=$f"
done
expect_input_error "--set decomposition.balance_by=\"mass\".*decomposition.balance_by" \
  run1 --set 'decomposition.balance_by="mass"'
# Under mpirun: still one line (from one rank) and nothing written.
run2() { strata_np 2 run "$WORK/lj.toml" "$@" --output "$WORK/never"; }
expect_input_error "--set decomposition.grid=\[2,2,1\]: decomposition.grid \[2, 2, 1\] has 4 bricks for 2 ranks" run2 --set 'decomposition.grid=[2,2,1]'
expect_input_error "--set decomposition.grid=\"cube\".*decomposition.grid" run2 --set 'decomposition.grid="cube"'
expect_input_error "--set decomposition.balance_threshold=0.*decomposition.balance_threshold" \
  run2 --set decomposition.balance_threshold=0
expect_input_error "--set decomposition.balance_every=-5.*decomposition.balance_every" run2 --set decomposition.balance_every=-5

# The same mistakes written in the deck name its file and line.
sed 's/^\[run\]/[decomposition]\ngrid = "cube"\n&/' "$WORK/lj.toml" >"$WORK/cube.toml"
expect_input_error "cube.toml:14: .*decomposition.grid" "$STRATA" run "$WORK/cube.toml" --output "$WORK/never"
sed 's/^\[run\]/[decomposition]\nbalance_threshold = 0.0\n&/' "$WORK/lj.toml" >"$WORK/threshold.toml"
expect_input_error "threshold.toml:14: .*decomposition.balance_threshold" \
  "$STRATA" run "$WORK/threshold.toml" --output "$WORK/never"
sed 's/^\[run\]/[decomposition]\ngrid = [2, 2, 1]\n&/' "$WORK/lj.toml" >"$WORK/product.toml"
expect_input_error "product.toml:14: decomposition.grid \[2, 2, 1\] has 4 bricks for 2 ranks" strata_np 2 run "$WORK/product.toml" --output "$WORK/never"

# A brick thinner than cutoff + skin: 8 bricks of 2.1 along x; 6 of 2.799.
sed 's/^\[run\]/[decomposition]\ngrid = [8, 1, 1]\n&/' "$WORK/lj.toml" >"$WORK/thin.toml"
expect_input_error "thin.toml:14: decomposition.grid .* 2\.(1|0995).*thinner than cutoff \+ skin = 2.8" \
  strata_np 8 run "$WORK/thin.toml" --output "$WORK/never"
expect_input_error "decomposition.grid .* 2\.(1|0995).*thinner than cutoff \+ skin = 2.8" \
  strata_np 8 run "$WORK/lj.toml" --set 'decomposition.grid=[8,1,1]' --output "$WORK/never"
expect_input_error "2\.(1|0995).*thinner than cutoff \+ skin = 2.8" \
  "$STRATA" validate "$WORK/lj.toml" --ranks 8 --set 'decomposition.grid=[8,1,1]' --set "output.dir=\"$WORK/never\""
expect_input_error "thinner than cutoff \+ skin = 2.8" \
  "$STRATA" validate "$WORK/lj.toml" --ranks 12 --set 'decomposition.grid=[1,2,6]'
"$STRATA" validate "$WORK/lj.toml" --ranks 10 --set 'decomposition.grid=[1,2,5]' >"$WORK/plan10" ||
  { cat "$WORK/plan10"; fail "[1,2,5] (bricks 3.36 wide) refused"; }
grep -Eq "^grid +1 x 2 x 5 ranks" "$WORK/plan10" || { cat "$WORK/plan10"; fail "validate does not print the grid asked for"; }
echo "validate names the grid and the most ranks; bad decomposition input is one line, exit 2, nothing written"
