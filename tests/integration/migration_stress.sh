#!/usr/bin/env bash
# Violent migration: particles fly several slabs per step (multi-hop), a
# sparse system leaves most slabs empty, and the count is checked every
# step by strata itself; the results must still match the 1-rank run.
source "$(dirname "$0")/common.sh"

# rms speed ~ sqrt(3 T) = 35: ~17 box lengths... per step 0.2*35 = 7 sigma,
# i.e. up to several 4-sigma slabs per step on 4 ranks.
write_deck "$WORK/fast.toml" <<'TOML'
[system]
box = [16.0, 6.0, 6.0]
[particles]
count = 4000
temperature = 400.0
[propagator]
type = "ballistic"
[run]
steps = 60
timestep = 0.2
seed = 31
[output]
thermo_every = 1
TOML

write_deck "$WORK/sparse.toml" <<'TOML'
[system]
box = [40.0, 5.0, 5.0]
boundary = ["periodic", "reflecting", "reflecting"]
[particles]
count = 3
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

for deck in fast sparse; do
  for np in 1 2 3 4; do
    strata_np "$np" run "$WORK/$deck.toml" --output "$WORK/$deck.np$np" >"$WORK/$deck.np$np.log" 2>&1 ||
      { cat "$WORK/$deck.np$np.log"; fail "$deck on $np ranks"; }
    count=$(grep -c . "$WORK/$deck.np$np/thermo.csv")
    steps=$(sed -n 's/^steps = //p' "$WORK/$deck.toml")
    [ "$count" -eq $((steps + 2)) ] || fail "$deck np$np: expected a thermo row per step, got $((count - 1))"
  done
  "$PYTHON" "$PYDIR/compare_states.py" "$WORK/$deck.np1/final.h5" "$WORK/$deck.np2/final.h5" \
    "$WORK/$deck.np3/final.h5" "$WORK/$deck.np4/final.h5" || fail "$deck: states differ across rank counts"
done
# The fast case really migrated several hops per step on 4 ranks.
grep -q "exchange rounds/step" "$WORK/fast.np4.log" || fail "no migration summary"
rounds=$(sed -n 's/.*, \([0-9.e+]*\) exchange rounds\/step.*/\1/p' "$WORK/fast.np4.log")
"$PYTHON" -c "import sys; sys.exit(0 if float('$rounds') >= 2.0 else 1)" ||
  fail "expected multi-hop migration on 4 ranks, got $rounds rounds/step"
echo "violent migration conserved every particle (multi-hop rounds/step on 4 ranks: $rounds)"
