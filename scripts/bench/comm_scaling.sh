#!/usr/bin/env bash
# Benchmark: what the step loop sends over MPI, slabs against a 3-D grid, for
# the 256,000-atom LJ liquid (density 0.8442, cutoff 2.5, skin 0.3, velocity
# Verlet, dt 0.005) at P = 1, 2, 4, 8, 16 ranks (oversubscribed). On a small
# machine the times at many ranks mean nothing, but the counts do: messages
# and bytes per rank per step (mean and max over ranks) and migrants per rank
# per step, from each run's summary ("communication" and "migration" lines),
# beside the grid `strata validate --ranks P` chose and its ghost fraction.
#
# The state is a liquid, not in.lj's fcc lattice: the lattice keeps its planes
# for hundreds of steps, and a face aligned with one (every face is, at these
# P) holds up to 20% more ghosts than the mean density gives. So the script
# first melts the lattice (MELT_STEPS steps of NVE from T = 6, ~15 s on 2
# cores), keeps the positions and draws fresh velocities at T = 0.75.
#
# Model columns: the ghosts a rank receives over MPI with the half shell
# (ghosts from the high side only, lexicographically positive directions;
# uncut periodic axes are local images and cost no message):
#   V = ((prod over cut axes of (a_k + 2w)) - (prod over cut axes of a_k)) / 2
#       x (prod over uncut axes of a_k),   ghosts = rho V,  w = cutoff + skin,
# a_k = L / p_k, and the bytes that makes per rank per step: 24 B per ghost
# out (positions) and 24 B back (forces, Newton on), 8 B more per ghost at a
# list build (species), over S steps plus the set-up force evaluation, plus
# 112 B per migrant hop:
#   bytes = ghosts (48 (S + 1) + 8 B) / S + 112 migrants,  B = list builds.
# Count messages (8 B each) are left out. meas/model should be 1.00 within
# the density's fluctuation (a few 0.1%). docs/cluster.md explains the
# choice of grid; the model for 1e8 atoms is in ARCHITECTURE.md.
#
#   scripts/bench/comm_scaling.sh                       full (2-3 minutes on 2 shared cores)
#   RANKS="2 8" STEPS=20 scripts/bench/comm_scaling.sh   fewer points
#   LAYOUTS="slab auto [2,2,2]" RANKS=8 scripts/bench/comm_scaling.sh
#       any decomposition.grid values (a product must equal P)
#   MELT_STEPS=0 scripts/bench/comm_scaling.sh          from the fcc lattice at T 1.44 (in.lj)
#   STRATA_BUILD_DIR=build-omp scripts/bench/comm_scaling.sh
# Figures, not assertions.
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD=${STRATA_BUILD_DIR:-build}
[ "$BUILD" = build ] && scripts/setup.sh >/dev/null
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
RANKS=${RANKS:-1 2 4 8 16}
LAYOUTS=${LAYOUTS:-slab auto}
STEPS=${STEPS:-30}
MELT_STEPS=${MELT_STEPS:-150}
CELLS=${CELLS:-40}
ATOMS=$((4 * CELLS * CELLS * CELLS))
WORK=$(mktemp -d "${TMPDIR:-/tmp}/strata-comm.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
case $BUILD in /*) STRATA=$BUILD/strata ;; *) STRATA=$(pwd)/$BUILD/strata ;; esac
PY=/usr/bin/python3
"$STRATA" --version

# lj_deck PLACEMENT-LINES TEMPERATURE DT STEPS: the LJ liquid's deck on stdout.
lj_deck() {
  cat <<TOML
[system]
density = 0.8442
[particles]
count = $ATOMS
$1
temperature = $2
[interaction]
type = "lj"
cutoff = 2.5
skin = 0.3
rebuild_check_every = 1
[propagator]
type = "verlet"
[run]
steps = $4
timestep = $3
seed = 87287
[output]
thermo_every = $4
TOML
}

if [ "$MELT_STEPS" -gt 0 ]; then
  lj_deck 'placement = "fcc"' 6.0 0.004 "$MELT_STEPS" >"$WORK/melt.toml"
  mpirun -q --oversubscribe -np 2 "$STRATA" run "$WORK/melt.toml" --output "$WORK/melt" >"$WORK/melt.log" 2>&1 ||
    { cat "$WORK/melt.log" >&2; exit 1; }
  # Positions only: without velocities in the file, the run draws them at T.
  "$PY" - "$WORK/melt/final.h5" "$WORK/liquid.h5" <<'PY'
import sys, shutil, h5py
shutil.copy(sys.argv[1], sys.argv[2])
with h5py.File(sys.argv[2], "a") as f:
    del f["particles/all/velocity"]
PY
  lj_deck "placement = \"file\"
file = \"$WORK/liquid.h5\"" 0.75 0.005 "$STEPS" >"$WORK/lj.toml"
  echo "state: fcc lattice melted by $MELT_STEPS NVE steps from T 6, velocities drawn at T 0.75; $STEPS steps per point"
else
  lj_deck 'placement = "fcc"' 1.44 0.005 "$STEPS" >"$WORK/lj.toml"
  echo "state: fcc lattice at T 1.44 (in.lj); $STEPS steps per point"
fi

printf '%-3s %-7s %-10s %8s %8s %11s %11s %8s %7s %9s %8s %11s %6s\n' P layout grid "msg/st" "(max)" "B/rk/st" "(max)" \
  "migr/st" builds "ghost fr" ghosts "model B/st" "m/mod"
for np in $RANKS; do
  for layout in $LAYOUTS; do
    dir="$WORK/p$np.$layout"
    set_grid=(--set "decomposition.grid=$layout")
    [ "$layout" = slab ] && set_grid=(--set 'decomposition.grid="slab"')
    [ "$layout" = auto ] && set_grid=(--set 'decomposition.grid="auto"')
    if ! "$STRATA" validate "$WORK/lj.toml" --ranks "$np" "${set_grid[@]}" >"$dir.validate" 2>&1; then
      printf '%-3s %-7s %s\n' "$np" "$layout" "refused: $(tail -n 1 "$dir.validate")"
      continue
    fi
    mpirun -q --oversubscribe -np "$np" "$STRATA" run "$WORK/lj.toml" --output "$dir" "${set_grid[@]}" >"$dir.log" 2>&1 ||
      { cat "$dir.log" >&2; exit 1; }
    "$PY" - "$np" "$layout" "$dir.validate" "$dir.log" "$STEPS" "$ATOMS" <<'PY'
import math, re, sys
np_, layout, validate, log, steps, atoms = sys.argv[1:]
P, S, N = int(np_), int(steps), int(atoms)
v, run = open(validate).read(), open(log).read()

def num(pattern, text, what):
    m = re.search(pattern, text)
    if not m:
        sys.exit(f"comm_scaling: no {what} in {log}")
    return [float(g) for g in m.groups()]

# The grid: "grid  px x py x pz ..." from validate, or an older build's "N slabs along x".
m = re.search(r"grid\s+(\d+)\s*x\s*(\d+)\s*x\s*(\d+)", v)
if m:
    grid = [int(g) for g in m.groups()]
else:
    m = re.search(r"(\d+) slabs? along ([xyz])", v)
    grid = [1, 1, 1]
    if m:
        grid["xyz".index(m.group(2))] = int(m.group(1))
frac = re.search(r"ghost fraction\s*~?\s*([0-9.eE+-]+%?)", v)
msgs, msgs_max, bytes_, bytes_max = num(
    r"communication\s+([0-9.eE+-]+) messages/rank/step \(max ([0-9.eE+-]+)\), ([0-9.eE+-]+) bytes/rank/step "
    r"\(max ([0-9.eE+-]+)\)", run, "communication line")
migr, _, _ = num(r"migration\s+([0-9.eE+-]+) particles/rank/step \(max ([0-9.eE+-]+)\), ([0-9.eE+-]+) exchange",
                 run, "migration line")
builds = num(r"neighbour lists\s+(\d+) builds", run, "neighbour lists line")[0]

rho, w = 0.8442, 2.5 + 0.3
L = (N / rho) ** (1 / 3)
a = [L / p for p in grid]
cut = [k for k in range(3) if grid[k] > 1]
V = (math.prod(a[k] + 2 * w for k in cut) - math.prod(a[k] for k in cut)) / 2 * math.prod(
    a[k] for k in range(3) if k not in cut) if cut else 0.0
ghosts = rho * V
model = ghosts * (48 * (S + 1) + 8 * builds) / S + 112 * migr
ratio = f"{bytes_ / model:6.3f}" if model > 0 else "     -"
print(f"{P:<3} {layout:<7} {'x'.join(map(str, grid)):<10} {msgs:8.3g} {msgs_max:8.3g} {bytes_:11.4g} {bytes_max:11.4g} "
      f"{migr:8.3g} {int(builds):7d} {frac.group(1) if frac else '-':>9} {ghosts:8.0f} {model:11.4g} {ratio}")
PY
  done
done
echo
echo "msg/st, B/rk/st: messages and bytes each rank sends per step, mean over ranks (max in brackets); migr/st:"
echo "migrants sent per rank per step (each hop); builds: neighbour-list builds in the run, the set-up one included;"
echo "ghost fr: the expected ghost fraction strata validate prints; ghosts, model B/st: the half-shell model above."
