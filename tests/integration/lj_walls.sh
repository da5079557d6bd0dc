#!/usr/bin/env bash
# The LJ liquid between reflecting walls: 2048 atoms (fcc, density 0.8442,
# T 1.44, cutoff 2.5 shifted, dt 0.005), walls at 0 and L on x (the slab
# axis, so both ranks own a wall) and z, periodic on y; 1000 steps NVE on 2
# ranks. Checked:
#   - particles: final.h5 holds every id once, every position inside the box
#     on the wall axes and image counts 0 there; thermo.csv counts 2048 at
#     every row;
#   - energy: relative drift below 6.5e-4 and no row more than 2.4e-3 from
#     E(0) (3x this seed's 2.10e-4 and 7.97e-4; seeds 1-5 gave drifts
#     2.4e-5 to 2.7e-4 and departures 7.8e-4 to 8.4e-4). Mirroring a
#     position at a wall is a first-order step (the departure halves with dt:
#     8.0e-4, 3.3e-4, 1.7e-4 at dt, dt/2, dt/4), so the walls cost about 4x
#     the periodic box's 2.0e-4 at this dt;
#   - momentum along y (no wall) stays what it was at step 0 (zero): change
#     below 1e-14 of sum m |v_y| (measured 1e-16).
source "$(dirname "$0")/common.sh"

write_deck "$WORK/walls.toml" <<'TOML'
[system]
density = 0.8442
boundary = ["reflecting", "periodic", "reflecting"]
[particles]
count = 2048
placement = "fcc"
temperature = 1.44
[interaction]
type = "lj"
cutoff = 2.5
skin = 0.3
shift = true
[propagator]
type = "verlet"
[run]
steps = 1000
timestep = 0.005
seed = 4
[output]
thermo_every = 10
TOML
strata_np 2 run "$WORK/walls.toml" --output "$WORK/start" --set run.steps=0 >"$WORK/start.log" 2>&1 ||
  { cat "$WORK/start.log"; fail "initial state"; }
strata_np 2 run "$WORK/walls.toml" --output "$WORK/out" >"$WORK/run.log" 2>&1 || { cat "$WORK/run.log"; fail "run"; }
"$PYTHON" - "$WORK/out" <<'PY' || fail "particles lost, duplicated or outside the walls"
import csv, sys
import h5py
import numpy as np
out = sys.argv[1]
with h5py.File(f"{out}/final.h5", "r") as f:
    g = f["particles/all"]
    x, img, ids = g["position/value"][-1], g["image/value"][-1], g["id/value"][-1]
    L = g["box/edges"][()]
counts = {int(r["particles"]) for r in csv.DictReader(open(f"{out}/thermo.csv"))}
walls = [0, 2]
ok = (np.array_equal(np.sort(ids), np.arange(2048)) and counts == {2048}
      and np.all(x[:, walls] >= 0) and np.all(x[:, walls] <= L[walls]) and not np.any(img[:, walls]))
print(f"{len(ids)} rows, {len(set(ids.tolist()))} distinct ids, thermo counts {sorted(counts)}; "
      f"wall axes x, z: positions in [{x[:, walls].min():.4g}, {x[:, walls].max():.4g}] of L = {L[0]:.4g}, "
      f"largest |image| {np.abs(img[:, walls]).max()}; periodic y: largest |image| {np.abs(img[:, 1]).max()}")
sys.exit(0 if ok else 1)
PY
"$PYTHON" "$PYDIR/check_thermo.py" drift "$WORK/out/thermo.csv" --max-relative 6.5e-4 --max-fluctuation 2.4e-3 ||
  fail "energy not conserved between walls"
"$PYTHON" "$PYDIR/check_momentum.py" "$WORK/start/final.h5" "$WORK/out/final.h5" --masses 1 --axes y \
  --max-relative 4e-9 --max-change 1e-14 || fail "momentum along the periodic axis not conserved"
