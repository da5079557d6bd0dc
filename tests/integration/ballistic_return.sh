#!/usr/bin/env bash
# Ballistic physics: with one common velocity, every particle is back at its
# start after one box-crossing time L / v (and its image count advanced by
# one), on 1 and on 3 ranks (the particles migrate all the way round).
source "$(dirname "$0")/common.sh"

# v = (0.5, 0, 0), L = 10: crossing time 20 = 400 steps of 0.05.
write_deck "$WORK/return.toml" <<'TOML'
[system]
box = [10.0, 10.0, 10.0]
[particles]
count = 1000
placement = "sc"
drift = [0.5, 0.0, 0.0]
[propagator]
type = "ballistic"
[run]
steps = 400
timestep = 0.05
[output]
thermo_every = 100
TOML

for np in 1 3; do
  strata_np "$np" run "$WORK/return.toml" --set run.steps=0 --output "$WORK/start.np$np" >/dev/null
  strata_np "$np" run "$WORK/return.toml" --output "$WORK/end.np$np" >"$WORK/end.np$np.log" 2>&1 ||
    { cat "$WORK/end.np$np.log"; fail "run on $np ranks"; }
  "$PYTHON" "$PYDIR/check_return.py" "$WORK/start.np$np/final.h5" "$WORK/end.np$np/final.h5" --images 1 0 0 \
    --tolerance 1e-9 || fail "particles did not return on $np ranks"
  # Half a crossing must NOT pass the same check (the check can fail).
  strata_np "$np" run "$WORK/return.toml" --set run.steps=200 --output "$WORK/half.np$np" >/dev/null
  if "$PYTHON" "$PYDIR/check_return.py" "$WORK/start.np$np/final.h5" "$WORK/half.np$np/final.h5" --images 1 0 0 \
    >/dev/null; then
    fail "return check passed after half a crossing"
  fi
done
