#!/usr/bin/env bash
# Brownian dynamics under LJ forces. In a dilute gas (density 0.01) forces
# rarely act, so the MSD follows 6 D t within 3%; in a dense liquid
# (density 0.8) the cage slows diffusion well below 6 D t, which shows the
# forces are applied.
source "$(dirname "$0")/common.sh"

for rho in 0.01 0.8; do
  # 32000 dilute particles put the MSD's statistical error near 0.5%.
  count=4000
  [ "$rho" = 0.01 ] && count=32000
  write_deck "$WORK/bd$rho.toml" <<TOML
[system]
density = $rho
[particles]
count = $count
placement = "fcc"
[interaction]
type = "lj"
shift = true
[propagator]
type = "brownian"
diffusion = 0.2
temperature = 1.0
[run]
steps = 400
timestep = 0.001
seed = 9
[output]
thermo_every = 40
TOML
  strata_np 2 run "$WORK/bd$rho.toml" --output "$WORK/bd$rho" >"$WORK/bd$rho.log" 2>&1 ||
    { cat "$WORK/bd$rho.log"; fail "BD run at density $rho"; }
done
"$PYTHON" "$PYDIR/check_msd.py" "$WORK/bd0.01/thermo.csv" --diffusion 0.2 --tolerance 0.03 || fail "dilute BD MSD"
if "$PYTHON" "$PYDIR/check_msd.py" "$WORK/bd0.8/thermo.csv" --diffusion 0.2 --tolerance 0.3 >/dev/null; then
  fail "dense BD diffuses freely: forces not applied"
fi
echo "BD with forces: free diffusion when dilute, caged when dense"
