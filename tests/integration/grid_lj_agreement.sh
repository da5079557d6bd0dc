#!/usr/bin/env bash
# LJ liquid (4000 atoms, density 0.8442, box 16.8, cutoff 2.5 + skin 0.3 =
# 2.8, so at most 5 bricks per axis) on 3-D grids of ranks:
# 1. thermo agrees with the 1-rank run to 1e-9 relative at every row through
#    step 200 on [2,1,1], [2,2,1], [1,2,2], [2,2,2], [1,2,4], [4,2,1] and
#    "auto" at 4 and 8 ranks, for NVE and Brownian dynamics under forces
#    (ghosts, the half list's reverse forces and edge and corner images
#    cross every face; summation order is the only difference). Langevin's
#    noise is keyed by particle and step like Brownian noise, and its
#    rank independence is shown on slabs (lj_rank_independence.sh);
#    leaving it out here keeps CI's time;
# 2. the NVE energy drift over 1000 steps (the deck of lj_nve.sh) on [2,2,2]
#    and [1,2,4] equals the 1-rank drift within 1e-4 relative, and so does
#    the largest departure from E(0).
# Measured (GCC 12, Serial; 8 ranks on 2 cores): thermo within 1.7e-12 of
# the 1-rank run at every row on every grid (the largest at step 0, a
# lattice sum); NVE drift 8.178687e-6 on 1 rank, 8.178684e-6 on [2,2,2] and
# [1,2,4] (3.8e-7 relative apart, as slabs at 2-4 ranks are: 3.5e-7 to
# 3.7e-7), largest departure equal to 8e-9 relative, E(t) equal to 1.7e-11
# at every row. 1e-4 is 250 times the measured difference (room for another
# compiler's rounding, amplified by the chaos of 1000 steps).
source "$(dirname "$0")/common.sh"

LAYOUTS=("2 [2,1,1]" "4 [2,2,1]" "4 [1,2,2]" "4 -" "8 [2,2,2]" "8 [1,2,4]" "8 [4,2,1]" "8 -")

launch() {  # launch NAME NP GRID DECK: run, output in $WORK/NAME
  local name=$1 np=$2 grid=$3 deck=$4 set=()
  [ "$grid" = - ] || set=(--set "decomposition.grid=$grid")
  strata_np "$np" run "$deck" "${set[@]}" --output "$WORK/$name" >"$WORK/$name.log" 2>&1 ||
    { cat "$WORK/$name.log"; fail "$name: $np ranks, grid $grid"; }
  if [ "$grid" != - ]; then
    "$PYTHON" "$PYDIR/check_grid.py" grid "$WORK/$name" --grid "$(tr -d '[]' <<<"$grid")" >/dev/null ||
      fail "$name: grid $grid not used"
  fi
}

for kind in verlet brownian; do
  # Overdamped steps must stay small next to the LJ core: dt D / kT ~ 4e-5.
  dt=0.005
  [ "$kind" = brownian ] && dt=0.0005
  write_deck "$WORK/$kind.toml" <<TOML
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
shift = true
[propagator]
type = "$kind"
temperature = 1.2
diffusion = 0.1
[run]
steps = 200
timestep = $dt
seed = 11
[output]
thermo_every = 25
TOML
  columns=temperature,kinetic_energy,potential_energy,total_energy,pressure
  # Overdamped particles carry no dynamic velocities: compare what they have.
  [ "$kind" = brownian ] && columns=potential_energy,pressure,msd
  launch "$kind.np1" 1 - "$WORK/$kind.toml"
  others=()
  for layout in "${LAYOUTS[@]}"; do
    read -r np grid <<<"$layout"
    tag=${grid//[^0-9]/}
    launch "$kind.np$np.${tag:-auto}" "$np" "$grid" "$WORK/$kind.toml"
    others+=("$WORK/$kind.np$np.${tag:-auto}/thermo.csv")
  done
  "$PYTHON" "$PYDIR/check_thermo.py" agree "$WORK/$kind.np1/thermo.csv" "${others[@]}" \
    --columns "$columns" --rtol 1e-9 --through-step 200 ||
    fail "$kind thermo depends on the grid"
done

# NVE drift, the deck of lj_nve.sh.
write_deck "$WORK/nve.toml" <<'TOML'
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
shift = true
[propagator]
type = "verlet"
[run]
steps = 1000
timestep = 0.005
seed = 2718
[output]
thermo_every = 10
TOML
launch nve.np1 1 - "$WORK/nve.toml"
launch nve.np8.222 8 "[2,2,2]" "$WORK/nve.toml"
launch nve.np8.124 8 "[1,2,4]" "$WORK/nve.toml"
"$PYTHON" - "$WORK" <<'PY' || fail "NVE energy drift on a grid differs from one rank"
import csv, sys
def drift(name):
    r = list(csv.DictReader(open(f"{sys.argv[1]}/{name}/thermo.csv")))
    t = [float(x["time"]) for x in r]
    e = [float(x["total_energy"]) for x in r]
    tm, em = sum(t) / len(t), sum(e) / len(e)
    slope = sum((a - tm) * (b - em) for a, b in zip(t, e)) / sum((a - tm) ** 2 for a in t)
    worst = max(abs(x - e[0]) / abs(e[0]) for x in e)
    return slope * (t[-1] - t[0]) / abs(em), worst
ref, ref_worst = drift("nve.np1")
status = 0
for name in ("nve.np8.222", "nve.np8.124"):
    d, worst = drift(name)
    ok = abs(d - ref) <= 1e-4 * abs(ref) and abs(worst - ref_worst) <= 1e-4 * ref_worst
    print(f"{name}: relative drift {d:.7e} (1 rank {ref:.7e}, {abs(d / ref - 1):.1e} apart), largest departure "
          f"from E(0) {worst:.7e} (1 rank {ref_worst:.7e}, {abs(worst / ref_worst - 1):.1e} apart; bound 1e-4) "
          f"{'ok' if ok else 'FAIL'}")
    status |= 0 if ok else 1
sys.exit(status)
PY
echo "LJ thermo agrees to 1e-9 on every grid; NVE drift on [2,2,2] and [1,2,4] equals the 1-rank drift"
