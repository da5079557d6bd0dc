#!/usr/bin/env bash
# Dynamic load balancing by plane shifting.
# 1. An LJ liquid film filling one third of the box along x (vacuum
#    elsewhere) on 4 ranks, grid [4,1,1], balanced every 20 steps when
#    max/mean > 1.1: the thermo `imbalance` starts near 3 (3.11) and is at
#    most 1.15 at every row from step 200 on (measured: first at most 1.15
#    at step 90, after 4 plane moves); the same run without balancing stays
#    above 2.5 (so balancing is what lowered it). The summary and
#    status.json report it; the final planes leave no brick thinner than
#    cutoff + skin; every id is kept; thermo agrees with the 1-rank run to
#    1e-9 through step 200 (plane moves change only the summation order);
#    and energy is conserved as well as without balancing (bounds below).
# 2. Free Brownian particles from the same film, balanced every 10 steps
#    whenever max/mean > 1.0: the final state on 4 ranks, [4,1,1] and
#    [2,2,1], is bitwise the 1-rank state; each rank owns exactly the
#    particles inside its final (moved) brick; on [4,1,1] the imbalance
#    falls from 3.11 to at most 1.15 from step 100 on (measured: at most
#    1.111 from step 50 on).
source "$(dirname "$0")/common.sh"

# The film: an fcc lattice of 9 x 7 x 7 cells of a = 12/7 (density 0.794),
# x in [a/8, 9a + a/8), in a box of 27a x 12 x 12: 1764 atoms. Equal bricks
# along x are 6.75a wide, so rank 0 holds 14 of the 18 lattice planes, rank
# 1 the other 4: imbalance 1372 / 441 = 3.11.
"$PYTHON" - "$WORK/film.h5" <<'PY'
import sys
import h5py
import numpy as np
a = 12.0 / 7.0
basis = np.array([[0, 0, 0], [0.5, 0.5, 0], [0.5, 0, 0.5], [0, 0.5, 0.5]])
cells = np.array([[i, j, k] for i in range(9) for j in range(7) for k in range(7)], dtype=float)
pos = ((cells[:, None, :] + basis[None, :, :]).reshape(-1, 3)) * a
pos[:, 0] += a / 8
with h5py.File(sys.argv[1], "w") as f:
    f.create_group("h5md").attrs["version"] = np.array([1, 1], dtype=np.int32)
    all_ = f.create_group("particles/all")
    box = all_.create_group("box")
    box.attrs["dimension"] = 3
    box.attrs["boundary"] = np.array([b"periodic"] * 3, dtype="S8")
    box.create_dataset("edges", data=np.array([27 * a, 12.0, 12.0]))
    for name, data in (("position", pos), ("id", np.arange(len(pos), dtype=np.int64))):
        g = all_.create_group(name)
        g.create_dataset("step", data=np.array([0], dtype=np.int64))
        g.create_dataset("time", data=np.array([0.0]))
        g.create_dataset("value", data=data[np.newaxis])
PY
N=1764
SETTLE=200

write_deck "$WORK/film.toml" <<TOML
[system]
box = [46.285714285714285, 12.0, 12.0]
[particles]
placement = "file"
file = "$WORK/film.h5"
temperature = 0.7
[interaction]
type = "lj"
cutoff = 2.5
skin = 0.3
shift = true
[propagator]
type = "verlet"
[decomposition]
grid = [4, 1, 1]
balance_every = 20
balance_threshold = 1.1
[run]
steps = 1000
timestep = 0.005
seed = 17
[output]
thermo_every = 10
TOML

launch() {  # launch NAME NP DECK ARGS...: run, output in $WORK/NAME
  local name=$1 np=$2
  shift 2
  strata_np "$np" run "$@" --output "$WORK/$name" >"$WORK/$name.log" 2>&1 ||
    { cat "$WORK/$name.log"; fail "$name on $np ranks"; }
}
launch film.np1 1 "$WORK/film.toml" --set 'decomposition.grid="auto"'
launch film.balanced 4 "$WORK/film.toml"
launch film.fixed 4 "$WORK/film.toml" --set decomposition.balance_every=0

"$PYTHON" "$PYDIR/check_grid.py" imbalance "$WORK/film.balanced/thermo.csv" --first-above 2.5 --settle-by "$SETTLE" \
  --at-most 1.15 || fail "balancing did not bring the imbalance from ~3 to <= 1.15 by step $SETTLE"
"$PYTHON" - "$WORK/film.fixed/thermo.csv" <<'PY' || fail "the film without balancing is not imbalanced throughout"
import csv, sys
v = [float(r["imbalance"]) for r in csv.DictReader(open(sys.argv[1]))]
print(f"{sys.argv[1]}: imbalance without balancing {min(v):.3f}..{max(v):.3f} (expected > 2.5 throughout)")
sys.exit(0 if min(v) > 2.5 else 1)
PY
"$PYTHON" "$PYDIR/check_grid.py" grid "$WORK/film.balanced" --grid 4,1,1 || fail "balanced run: grid"
"$PYTHON" "$PYDIR/check_grid.py" planes "$WORK/film.balanced" --min-width 2.8 || fail "a brick thinner than cutoff + skin"
for run in np1 balanced fixed; do
  "$PYTHON" "$PYDIR/check_grid.py" ids "$WORK/film.$run/final.h5" --count "$N" || fail "film.$run lost particles"
done

# The summary's load-balance line ("imbalance ... X at the start, Y at the
# end; planes moved K times") and status.json's "imbalance".
line=$(grep "load balance" "$WORK/film.balanced.log") || { cat "$WORK/film.balanced.log"; fail "no load balance in the summary"; }
"$PYTHON" - "$line" "$WORK/film.balanced/status.json" <<'PY' || fail "summary or status.json: imbalance not as measured"
import json, re, sys
m = re.search(r"([0-9.]+) at the start, ([0-9.]+) at the end; planes moved ([0-9]+) times", sys.argv[1])
if not m:
    print(f"summary line not understood: {sys.argv[1]!r}")
    sys.exit(1)
first, last, moves = float(m.group(1)), float(m.group(2)), int(m.group(3))
status = json.load(open(sys.argv[2]))
ok = first > 2.5 and last <= 1.15 and 1 <= moves <= 1000 // 20 and status.get("imbalance", 99) <= 1.15
print(f"summary: imbalance {first} at the start, {last} at the end, planes moved {moves} times; status.json "
      f"imbalance {status.get('imbalance')} {'ok' if ok else 'FAIL'}")
sys.exit(0 if ok else 1)
PY

"$PYTHON" "$PYDIR/check_thermo.py" agree "$WORK/film.np1/thermo.csv" "$WORK/film.balanced/thermo.csv" \
  "$WORK/film.fixed/thermo.csv" --columns temperature,kinetic_energy,potential_energy,total_energy,pressure \
  --rtol 1e-9 --through-step 200 || fail "balancing changed the dynamics"
# Energy conservation is unchanged by balancing: the drift of the total
# energy over the 1000 steps and its largest departure from E(0) are within
# lj_nve.sh's bounds and equal (1e-4 relative) to the unbalanced run's.
# Measured (GCC 12, Serial): drift 4.745893e-6 and departure 1.766716e-4 on
# 1 rank and on 4 ranks with and without balancing (1.7e-9 relative
# apart); thermo within 8e-11 of the 1-rank run at every row to step 1000.
for run in balanced fixed; do
  "$PYTHON" "$PYDIR/check_thermo.py" drift "$WORK/film.$run/thermo.csv" --max-relative 2.5e-5 \
    --max-fluctuation 6.5e-4 || fail "film.$run: energy not conserved"
done
"$PYTHON" - "$WORK" <<'PY' || fail "balancing changed the energy drift"
import csv, sys
def drift(name):
    r = list(csv.DictReader(open(f"{sys.argv[1]}/{name}/thermo.csv")))
    t = [float(x["time"]) for x in r]
    e = [float(x["total_energy"]) for x in r]
    tm, em = sum(t) / len(t), sum(e) / len(e)
    slope = sum((a - tm) * (b - em) for a, b in zip(t, e)) / sum((a - tm) ** 2 for a in t)
    worst = max(abs(x - e[0]) / abs(e[0]) for x in e)
    return slope * (t[-1] - t[0]) / abs(em), worst
(ref, ref_worst), (bal, bal_worst) = drift("film.fixed"), drift("film.balanced")
ok = abs(bal - ref) <= 1e-4 * abs(ref) and abs(bal_worst - ref_worst) <= 1e-4 * ref_worst
print(f"balanced: relative drift {bal:.7e}, departure {bal_worst:.7e}; without balancing {ref:.7e}, {ref_worst:.7e} "
      f"({abs(bal / ref - 1):.1e} and {abs(bal_worst / ref_worst - 1):.1e} apart; bound 1e-4) {'ok' if ok else 'FAIL'}")
sys.exit(0 if ok else 1)
PY

# Free Brownian particles: bitwise rank-independent with the planes moving.
# Balancing by measured time (decomposition.balance_by = "time"): the film's
# cost is in the ranks that hold it, so the planes move toward it too.
# Timings on oversubscribed cores are noisy, so this asserts what they
# cannot change: the planes moved, every id is kept, no brick is thinner
# than cutoff + skin, and the imbalance of particles fell below 2.
launch film.time 4 "$WORK/film.toml" --set decomposition.balance_by=time --set run.steps=400
grep -Eq "planes moved [1-9][0-9]* times" "$WORK/film.time.log" || { cat "$WORK/film.time.log"; fail "time: planes never moved"; }
"$PYTHON" "$PYDIR/check_grid.py" ids "$WORK/film.time/final.h5" --count "$N" || fail "film.time lost particles"
"$PYTHON" "$PYDIR/check_grid.py" planes "$WORK/film.time" --min-width 2.8 || fail "time: a brick thinner than cutoff + skin"
# On a GPU a rank's time is not proportional to its particles: at 1764
# atoms every kernel takes its launch latency whatever the count, so time
# balancing rightly leaves the particle counts uneven (an H200 run went
# from 3.11 to 2.05). There the particle imbalance is printed, not asserted.
gpu=0
"$STRATA" --version | grep -Eq "Kokkos [0-9.]+ (Cuda|HIP|SYCL)" && gpu=1
"$PYTHON" - "$WORK/film.time/thermo.csv" "$gpu" <<'PY' || fail "balancing by time did not even out the film"
import csv, sys
v = [float(r["imbalance"]) for r in csv.DictReader(open(sys.argv[1]))]
gpu = sys.argv[2] == "1"
print(f"{sys.argv[1]}: particle imbalance {v[0]:.3f} at the start, {v[-1]:.3f} at step 400 "
      + ("(GPU build: times are launch-bound, not asserted)" if gpu else "(expected < 2)"))
sys.exit(0 if v[0] > 2.5 and (gpu or v[-1] < 2.0) else 1)
PY

write_deck "$WORK/brownian.toml" <<TOML
[system]
box = [46.285714285714285, 12.0, 12.0]
[particles]
placement = "file"
file = "$WORK/film.h5"
[propagator]
type = "brownian"
diffusion = 0.5
[decomposition]
balance_every = 10
balance_threshold = 1.0
[run]
steps = 200
timestep = 0.01
seed = 23
[output]
thermo_every = 10
TOML
launch brownian.np1 1 "$WORK/brownian.toml"
for grid in "[4,1,1]" "[2,2,1]"; do
  out="brownian.${grid//[^0-9]/}"
  launch "$out" 4 "$WORK/brownian.toml" --set "decomposition.grid=$grid"
  "$PYTHON" "$PYDIR/check_grid.py" ownership "$WORK/$out" --grid "$(tr -d '[]' <<<"$grid")" --nonempty ||
    fail "$out: particles not with the rank whose brick holds them"
  grep "load balance" "$WORK/$out.log" | grep -Eq "planes moved [1-9][0-9]* times" ||
    { cat "$WORK/$out.log"; fail "$out: no balance step was taken"; }
done
"$PYTHON" "$PYDIR/check_grid.py" imbalance "$WORK/brownian.411/thermo.csv" --first-above 2.5 --settle-by 100 \
  --at-most 1.15 || fail "balancing free particles did not even the load"
"$PYTHON" "$PYDIR/compare_states.py" "$WORK/brownian.np1/final.h5" "$WORK/brownian.411/final.h5" \
  "$WORK/brownian.221/final.h5" || fail "Brownian with balancing depends on the grid"
echo "film balanced from ~3 to <= 1.15 by step $SETTLE; energy and particles conserved; Brownian bitwise with balancing"
