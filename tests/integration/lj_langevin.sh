#!/usr/bin/env bash
# Langevin NVT holds the target temperature: the mean over the second half
# of a 2000-step run of 2000 LJ atoms, started far from the target (T0 = 3.0,
# target 1.2), is within 2% of the target; on 2 ranks.
source "$(dirname "$0")/common.sh"

write_deck "$WORK/nvt.toml" <<'TOML'
[system]
density = 0.8442
[particles]
count = 2048
placement = "fcc"
temperature = 3.0
[interaction]
type = "lj"
shift = true
[propagator]
type = "langevin"
temperature = 1.2
damping = 0.5
[run]
steps = 2000
timestep = 0.005
seed = 5
[output]
thermo_every = 20
TOML
strata_np 2 run "$WORK/nvt.toml" --output "$WORK/nvt" >"$WORK/nvt.log" 2>&1 || { cat "$WORK/nvt.log"; fail "NVT run"; }
"$PYTHON" "$PYDIR/check_thermo.py" temperature "$WORK/nvt/thermo.csv" --target 1.2 --tolerance 0.02 ||
  fail "temperature not held"
# The check can fail: the same run is far from a wrong target.
if "$PYTHON" "$PYDIR/check_thermo.py" temperature "$WORK/nvt/thermo.csv" --target 1.3 --tolerance 0.02 >/dev/null; then
  fail "temperature check accepted a wrong target"
fi
