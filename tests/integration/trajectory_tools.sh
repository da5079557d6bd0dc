#!/usr/bin/env bash
# The trajectory (io/TrajectoryWriter) and the post-processing tools
# (scripts/post) on a system known exactly: an fcc lattice (a = 1.6, so the
# nearest neighbours are at a/sqrt(2)) whose particles fly ballistically at
# speed 2 (MSD = 4 t^2), written by tests/unit/make_trajectory.cpp.
#  - every tool: --help, a valid PNG, the right numbers in its CSV, exit 2
#    with one line on bad input;
#  - g(r) and density profiles average the second half of the frames by
#    default and say so;
#  - the tools give the same numbers on a trajectory in the layout of older
#    Strata (box edges [F][3], observables at the thermo cadence);
#  - MDAnalysis and the XDMF sidecar read what h5py reads;
#  - a run killed after a frame leaves that many readable frames, and
#    resuming it from an earlier step (on another rank count) gives the same
#    files as an uninterrupted run; deflate changes no value.
source "$(dirname "$0")/common.sh"
: "${MAKE_TRAJECTORY:?set by ctest}"
POST="$STRATA_SOURCE_DIR/scripts/post"

make_trajectory() {
  local np=$1
  shift
  "$MPIRUN" -q --oversubscribe -np "$np" "$MAKE_TRAJECTORY" "$@"
}
tool() { "$PYTHON" "$POST/$1.py" "${@:2}"; }

ARGS=(--cells 4 --lattice 1.6 --frames 6 --every 10 --thermo-every 5 --dt 0.01 --speed 2
  --fields velocity,image,id,species,force)
N=256
T="$WORK/full"
make_trajectory 3 "$T" "${ARGS[@]}" >/dev/null || fail "make_trajectory on 3 ranks"

# --- every tool: --help, then its output on the known system ---------------
TOOLS=(plot_thermo rdf msd density_profile ranks)
for t in "${TOOLS[@]}"; do
  tool "$t" --help >"$WORK/help" || fail "$t.py --help exits non-zero"
  grep -q "^usage: $t.py" "$WORK/help" || fail "$t.py --help prints no usage"
done

tool plot_thermo "$T/thermo.csv" -o "$WORK/thermo.png" >"$WORK/thermo.out" || fail "plot_thermo.py"
grep -qx "columns: particles, kinetic_energy, msd" "$WORK/thermo.out" || fail "plot_thermo.py left out a column"
tool rdf "$T/trajectory.h5" --frames 0 --rmax 2.4 --bins 240 -o "$WORK/rdf.png" --csv "$WORK/rdf.csv" >/dev/null ||
  fail "rdf.py"
tool msd "$T/trajectory.h5" -o "$WORK/msd.png" --csv "$WORK/msd.csv" >/dev/null || fail "msd.py"
tool density_profile "$T/trajectory.h5" --axis y --bins 16 -o "$WORK/density.png" --csv "$WORK/density.csv" \
  >"$WORK/density.out" || fail "density_profile.py"
grep -qx "averaged over frames 3-5 of 6 (steps 30-50)" "$WORK/density.out" ||
  fail "density_profile.py by default: $(cat "$WORK/density.out")"
tool rdf "$T/trajectory.h5" --rmax 2.4 --bins 240 -o "$WORK/rdf_default.png" >"$WORK/rdf_default.out" || fail "rdf.py"
grep -qx "averaged over frames 3-5 of 6 (steps 30-50)" "$WORK/rdf_default.out" ||
  fail "rdf.py by default: $(cat "$WORK/rdf_default.out")"
tool ranks "$T/trajectory.h5" -o "$WORK/ranks.png" --csv "$WORK/ranks.csv" >/dev/null || fail "ranks.py"
"$PYTHON" "$PYDIR/check_png.py" "$WORK"/{thermo,rdf,msd,density,ranks}.png >/dev/null || fail "a tool wrote a bad PNG"

# Without the image element, msd.py unwraps by minimum displacement (0.2 per
# frame here, far below half the box): the same MSD.
make_trajectory 2 "$WORK/noimage" "${ARGS[@]}" --fields velocity >/dev/null || fail "make_trajectory without images"
tool msd "$WORK/noimage/trajectory.h5" -o "$WORK/msd2.png" --csv "$WORK/msd2.csv" >/dev/null || fail "msd.py, no images"

"$PYTHON" - "$WORK" "$N" <<'PY' || fail "post-processing numbers"
import sys
import numpy as np
work, n = sys.argv[1], int(sys.argv[2])
a = 1.6
rdf = np.loadtxt(f"{work}/rdf.csv", delimiter=",", skiprows=1)
r, g = rdf[:, 0], rdf[:, 1]
dr = r[1] - r[0]
peak = r[np.argmax(g)]
assert abs(peak - a / np.sqrt(2)) <= dr, f"g(r) peaks at {peak}, the fcc nearest neighbours are at {a / np.sqrt(2)}"
assert not g[r < a / np.sqrt(2) - dr].any(), "g(r) > 0 below the nearest-neighbour distance"
for name in ("msd", "msd2"):
    m = np.loadtxt(f"{work}/{name}.csv", delimiter=",", skiprows=1)
    assert np.allclose(m[:, 1], 0.1 * np.arange(6)), f"{name}: times {m[:, 1]}"
    assert np.allclose(m[:, 2], 4.0 * m[:, 1] ** 2, rtol=1e-9, atol=1e-12), f"{name}: MSD {m[:, 2]} is not 4 t^2"
d = np.loadtxt(f"{work}/density.csv", delimiter=",", skiprows=1)
L = 4 * a
assert d.shape == (3, 2 + 16) and list(d[:, 0]) == [30, 40, 50], d[:, :2]  # the second half of 6 frames
assert np.allclose(d[:, 2:].sum(axis=1) * L * L * (L / 16), n), "density profile does not integrate to N"
k = np.loadtxt(f"{work}/ranks.csv", delimiter=",", skiprows=1)
assert k.shape == (6, 2 + 3), f"particles_per_rank: {k.shape}, expected 6 frames x 3 ranks"
assert (k[:, 2:].sum(axis=1) == n).all(), "particles per rank do not add up to N"
PY

# Trajectories of older Strata: box edges [F][3], observables every thermo
# step (5 here, frames every 10). Every tool gives the same numbers on them.
"$PYTHON" - "$T/trajectory.h5" "$WORK/old.h5" <<'PY' || fail "writing an old-layout trajectory"
import shutil, sys
import h5py
import numpy as np
shutil.copy(sys.argv[1], sys.argv[2])
with h5py.File(sys.argv[2], "r+") as f:
    e = f["particles/all/box/edges"]
    lengths = np.array([np.diag(m) for m in e["value"][:]])
    del e["value"]
    e.create_dataset("value", data=lengths, maxshape=(None, 3))
    for name, s in f["observables"].items():
        value = s["value"][:]
        rows = np.repeat(value, 2, axis=0)[:-1]  # a row at every 5 steps, as thermo_every = 5 gave
        for key, data in (("step", 5 * np.arange(len(rows))), ("time", 0.05 * np.arange(len(rows))), ("value", rows)):
            del s[key]
            s[key] = data
PY
tool rdf "$WORK/old.h5" --frames 0 --rmax 2.4 --bins 240 -o "$WORK/old_rdf.png" --csv "$WORK/old_rdf.csv" >/dev/null &&
  tool msd "$WORK/old.h5" -o "$WORK/old_msd.png" --csv "$WORK/old_msd.csv" >/dev/null &&
  tool density_profile "$WORK/old.h5" --axis y --bins 16 -o "$WORK/old_density.png" --csv "$WORK/old_density.csv" \
    >/dev/null && tool ranks "$WORK/old.h5" -o "$WORK/old_ranks.png" --csv "$WORK/old_ranks.csv" >/dev/null ||
  fail "a tool fails on an old-layout trajectory"
for t in rdf msd density; do
  cmp -s "$WORK/$t.csv" "$WORK/old_$t.csv" || fail "$t differs between the old and the new layout"
done
[ "$(wc -l <"$WORK/old_ranks.csv")" -eq 12 ] || fail "ranks.py on the old layout: $(wc -l <"$WORK/old_ranks.csv") lines"

# g(r) normalisation: an ideal gas (a final.h5-like file: fixed box, rows in
# shuffled id order) gives g = 1.
"$PYTHON" - "$WORK/gas.h5" <<'PY'
import sys
import h5py
import numpy as np
rng = np.random.default_rng(4)
n, L = 20000, 20.0
with h5py.File(sys.argv[1], "w") as f:
    f["particles/all/position/value"] = rng.uniform(0, L, (1, n, 3))
    f["particles/all/id/value"] = rng.permutation(n)[None, :]
    f["particles/all/box/edges"] = [L, L, L]
    f["particles/all/box"].attrs["boundary"] = np.array([b"periodic"] * 3)
PY
tool rdf "$WORK/gas.h5" --rmax 4 --bins 40 -o "$WORK/gas.png" --csv "$WORK/gas.csv" >/dev/null || fail "rdf.py on a gas"
"$PYTHON" - "$WORK/gas.csv" <<'PY' || fail "g(r) of an ideal gas is not 1"
import sys
import numpy as np
r, g = np.loadtxt(sys.argv[1], delimiter=",", skiprows=1).T
# Beyond r = 1 each bin holds > 10^4 pairs: noise of a few per cent at most.
assert abs(g[r > 1].mean() - 1) < 0.01 and np.abs(g[r > 1] - 1).max() < 0.05, g
PY

# rdf.py reads strata's own final.h5 too: an fcc lattice that does not move.
write_deck "$WORK/fcc.toml" <<'TOML'
[system]
box = [8.0, 8.0, 8.0]
[particles]
count = 500
placement = "fcc"
[propagator]
type = "ballistic"
[run]
steps = 1
timestep = 0.01
TOML
strata_np 2 run "$WORK/fcc.toml" --output "$WORK/fcc" >/dev/null || fail "strata on an fcc deck"
tool rdf "$WORK/fcc/final.h5" --rmax 2 --bins 200 -o "$WORK/fcc.png" --csv "$WORK/fcc.csv" >"$WORK/fcc.out" ||
  fail "rdf.py on strata's final.h5"
grep -q "highest peak: r = 1.13[0-9]*," "$WORK/fcc.out" || fail "rdf.py of strata's fcc final.h5: $(cat "$WORK/fcc.out")"

# --- bad input: exit 2 and one line naming the problem -----------------------
printf 'not,a\nthermo\n' >"$WORK/bad.csv"
expect_bad_input() {
  local t=$1
  shift
  set +e
  tool "$t" "$@" >"$WORK/out" 2>"$WORK/err"
  local rc=$?
  set -e
  [ "$rc" -eq 2 ] || fail "$t.py $*: exit $rc, expected 2"
  [ "$(wc -l <"$WORK/err")" -eq 1 ] || fail "$t.py $*: not one line: $(cat "$WORK/err")"
  grep -q "^$t.py: error: " "$WORK/err" || fail "$t.py $*: $(cat "$WORK/err")"
}
for t in "${TOOLS[@]}"; do
  expect_bad_input "$t" "$WORK/missing.h5"
  expect_bad_input "$t" --no-such-option "$T/trajectory.h5"
done
expect_bad_input plot_thermo "$T/trajectory.h5"
expect_bad_input plot_thermo "$WORK/bad.csv"
for t in rdf msd density_profile ranks; do expect_bad_input "$t" "$T/thermo.csv"; done
expect_bad_input rdf "$T/trajectory.h5" --rmax 3.3  # more than half the 6.4 box
expect_bad_input rdf "$T/trajectory.h5" --frames 6
expect_bad_input msd "$T/trajectory.h5" --frames 3
expect_bad_input msd "$WORK/noimage/trajectory.h5" --unwrap image
expect_bad_input density_profile "$T/trajectory.h5" --bins 0
expect_bad_input ranks "$WORK/gas.h5"

# --- other readers: MDAnalysis and XDMF --------------------------------------
"$PYTHON" "$PYDIR/check_mdanalysis.py" "$T/trajectory.h5" "$POST" --mass 1.0 --thermo "$T/thermo.csv" ||
  fail "MDAnalysis reads another trajectory"
"$PYTHON" - "$WORK/old.h5" "$POST" <<'PY' || fail "strata_mda.py on an old-layout trajectory"
import sys, warnings
import h5py
import numpy as np
warnings.simplefilter("ignore")
sys.path.insert(0, sys.argv[2])
import strata_mda
u = strata_mda.universe(sys.argv[1])
with h5py.File(sys.argv[1], "r") as f:
    L = f["particles/all/box/edges/value"][:]
    ke = dict(zip(f["observables/kinetic_energy/step"][:], f["observables/kinetic_energy/value"][:]))
assert len(u.trajectory) == 6
for ts in u.trajectory:
    assert np.allclose(ts.dimensions, np.concatenate([L[ts.frame], [90, 90, 90]])), ts.dimensions
    assert ts.data["step"] == 10 * ts.frame and ts.data["kinetic_energy"] == ke[10 * ts.frame], ts.data
PY
"$PYTHON" "$PYDIR/check_xdmf.py" "$T/trajectory.xmf" "$T/trajectory.h5" >/dev/null || fail "XDMF check"
sed 's|/particles/all/velocity/value|/particles/all/velocity/valve|' "$T/trajectory.xmf" >"$T/broken.xmf"
if "$PYTHON" "$PYDIR/check_xdmf.py" "$T/broken.xmf" "$T/trajectory.h5" >/dev/null 2>&1; then
  fail "check_xdmf.py accepted an XMF naming a missing dataset"
fi

# --- a killed run, resumed; compression --------------------------------------
K="$WORK/killed"
if make_trajectory 2 "$K" "${ARGS[@]}" --kill-after 4 >/dev/null 2>&1; then fail "the killed run exited 0"; fi
"$PYTHON" - "$K/trajectory.h5" "$T/trajectory.h5" <<'PY' || fail "a killed run's trajectory is not readable up to its last frame"
import sys
import h5py
import numpy as np
with h5py.File(sys.argv[1], "r") as k, h5py.File(sys.argv[2], "r") as t:
    assert list(k["particles/all/position/step"]) == [0, 10, 20, 30]
    for e in ("position", "velocity", "image", "id", "species", "force"):
        assert np.array_equal(k[f"particles/all/{e}/value"][:], t[f"particles/all/{e}/value"][:4]), e
PY
"$PYTHON" "$PYDIR/check_xdmf.py" "$K/trajectory.xmf" "$K/trajectory.h5" >/dev/null || fail "killed run's XDMF"

# The checkpoint was at step 20: frames and thermo rows after it go, and the
# rest is written again, on 4 ranks this time.
make_trajectory 4 "$K" "${ARGS[@]}" --resume 20 >/dev/null || fail "resumed run"
"$PYTHON" "$PYDIR/compare_trajectories.py" "$T/trajectory.h5" "$K/trajectory.h5" \
  --ignore /observables/particles_per_rank >/dev/null || fail "resumed trajectory differs from the uninterrupted one"
cmp -s "$T/thermo.csv" "$K/thermo.csv" || fail "resumed thermo.csv differs from the uninterrupted one"
cmp -s "$T/trajectory.xmf" "$K/trajectory.xmf" || fail "resumed XDMF differs from the uninterrupted one"
"$PYTHON" - "$K/trajectory.h5" "$N" <<'PY' || fail "resumed particles_per_rank"
import sys
import h5py
import numpy as np
with h5py.File(sys.argv[1], "r") as f:
    v = f["observables/particles_per_rank/value"][:]
# 2 ranks up to step 20 (frames 0-2, zero-padded to 4 columns), then 4 ranks.
assert v.shape == (6, 4) and (v.sum(axis=1) == int(sys.argv[2])).all() and not v[:3, 2:].any(), v
PY

make_trajectory 4 "$WORK/deflate" "${ARGS[@]}" --deflate 6 --rows-per-write 50 >/dev/null || fail "deflate run"
"$PYTHON" "$PYDIR/compare_trajectories.py" "$T/trajectory.h5" "$WORK/deflate/trajectory.h5" \
  --ignore /observables/particles_per_rank >/dev/null || fail "deflate changed the trajectory"
echo "trajectory and post-processing tools verified"
