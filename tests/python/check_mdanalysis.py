#!/usr/bin/python3
"""Open a Strata trajectory with MDAnalysis and compare it with h5py.

Usage: /usr/bin/python3 tests/python/check_mdanalysis.py TRAJECTORY.h5 SCRIPTS_POST_DIR
           [--final FINAL.h5] [--thermo THERMO.csv] [--mass M] [--lj-cutoff RC] [--rdf]

With MDAnalysis' own H5MD reader (Debian 12's MDAnalysis 2.4), unmodified:
  - every frame reads (iterating the whole trajectory: the reader attaches
    /observables/<name>/value[k] to frame k, and fails past the end of a
    series shorter than the frames);
  - the number of atoms and frames, and on every frame the positions and
    velocities (as MDAnalysis' float32), the time, and ts.dimensions equal
    what h5py reads (the box as edge lengths and 90-degree angles);
  - every observable's row k was recorded at frame k's step, and is the value
    MDAnalysis attaches to frame k;
  - positions lie in [0, L) on periodic axes.
Options add:
  --mass M     kinetic_energy of every frame equals sum(M v^2 / 2) / N of
               that frame's velocities, and msd equals the mean square
               displacement of the unwrapped positions (position + image *
               L) from frame 0's (the run's origin, stored in float32: 1e-5)
  --lj-cutoff RC  (with --mass; one species, epsilon = sigma = 1, potential
               shifted to 0 at RC) potential_energy, total_energy, pressure
               and temperature of every frame equal what that frame's
               positions and velocities give (pairs by minimum image): the
               run computes thermo quantities at frame steps too
  --thermo F   at every frame with a thermo.csv row at its step, the
               observables equal that row (thermo.csv has 17 digits: exact)
  --final F    the last frame is final.h5's state (its step; positions,
               velocities and images of every particle id, bitwise)
  --rdf        scripts/post/rdf.py (its defaults: the second half of the
               frames, r up to half the box) and MDAnalysis' InterRDF on the
               same frames and bins agree (see RDF_TOLERANCE)
Also opens the file through scripts/post/strata_mda.py (steps on ts.data).
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile
import warnings

import h5py
import numpy as np

warnings.simplefilter("ignore")  # MDAnalysis' own deprecation warnings

# g(r) of rdf.py (float64 positions) and InterRDF (MDAnalysis' float32) on
# the same frames and bins differ only by pairs whose distance lies within
# float32 rounding (~1e-6) of a bin edge. Measured on the 500-atom LJ liquid
# of tests/integration/mdanalysis.sh (5 frames, 200 bins): at most 1 pair
# per bin, max |dg| 0.0015 where g ~ 1 at r = 4. The tolerance allows 3 pairs
# per bin; a normalisation by N^2 instead of N(N-1) (a 0.2% shift at N = 500)
# or one frame more or less already exceeds it.
RDF_PAIRS_TOLERANCE = 3


def text(v):
    return v.decode() if isinstance(v, (bytes, np.bytes_)) else str(v)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("h5")
    p.add_argument("post")
    p.add_argument("--final")
    p.add_argument("--thermo")
    p.add_argument("--mass", type=float)
    p.add_argument("--lj-cutoff", type=float)
    p.add_argument("--rdf", action="store_true")
    args = p.parse_args()
    sys.path.insert(0, args.post)
    import MDAnalysis as mda

    failures = []
    fail = failures.append
    f = h5py.File(args.h5, "r")
    g = f["particles/all"]
    pos = g["position/value"]
    F, N = pos.shape[:2]
    steps = g["position/step"][:]
    times = g["position/time"][:]
    edges = g["box/edges/value"][:]
    if edges.shape != (F, 3, 3):
        fail(f"box/edges/value has shape {edges.shape}, expected ({F}, 3, 3)")
        edges = np.array([np.diag(e) for e in edges]) if edges.shape == (F, 3) else np.zeros((F, 3, 3))
    boxes = np.array([np.diag(e) for e in edges])
    periodic = [text(b) == "periodic" for b in g["box"].attrs["boundary"]]
    vel = g["velocity/value"] if "velocity" in g else None
    img = g["image/value"] if "image" in g else None
    obs = {name: s for name, s in f["observables"].items() if isinstance(s, h5py.Group) and "value" in s}
    for name, s in obs.items():
        if s["value"].shape[0] != F or not np.array_equal(s["step"][:], steps):
            fail(f"/observables/{name}: {s['value'].shape[0]} rows at steps {s['step'][:].tolist()}, "
                 f"frames at {steps.tolist()}")

    u = mda.Universe.empty(N, trajectory=False)
    u.load_new(args.h5, format="H5MD", convert_units=False)
    if len(u.trajectory) != F:
        fail(f"MDAnalysis sees {len(u.trajectory)} frames, h5py {F}")
    seen = 0
    try:
        for ts in u.trajectory:
            k = ts.frame
            seen += 1
            where = f"frame {k} (step {steps[k]})"
            x = pos[k]
            if not np.array_equal(ts.positions, x.astype(np.float32)):
                fail(f"{where}: positions differ from h5py")
            if vel is not None and (not ts.has_velocities or not np.array_equal(ts.velocities, vel[k].astype(np.float32))):
                fail(f"{where}: velocities differ from h5py")
            want = np.concatenate([boxes[k], [90.0, 90.0, 90.0]]).astype(np.float32)
            if ts.dimensions is None or not np.array_equal(ts.dimensions, want):
                fail(f"{where}: ts.dimensions {ts.dimensions}, the box is {want}")
            if ts.time != times[k]:
                fail(f"{where}: time {ts.time}, h5py {times[k]}")
            for name, s in obs.items():
                if name != "particles_per_rank" and ts.data.get(name) != s["value"][k]:
                    fail(f"{where}: MDAnalysis attaches {name} = {ts.data.get(name)}, row {k} is {s['value'][k]}")
            for d in range(3):
                if periodic[d] and not (x[:, d].min() >= 0.0 and x[:, d].max() < boxes[k][d]):
                    fail(f"{where}: axis {d} positions span [{x[:, d].min()}, {x[:, d].max()}], box {boxes[k][d]}")
            if args.mass is not None and vel is not None and "kinetic_energy" in obs:
                ke = 0.5 * args.mass * np.sum(np.asarray(vel[k], dtype=float) ** 2) / N
                if not np.isclose(ke, obs["kinetic_energy"]["value"][k], rtol=1e-12, atol=0):
                    fail(f"{where}: kinetic_energy {obs['kinetic_energy']['value'][k]}, its velocities give {ke}")
            if args.mass is not None and img is not None and "msd" in obs:
                unwrapped = lambda j: np.asarray(pos[j], dtype=float) + np.asarray(img[j]) * boxes[j]
                msd = np.mean(np.sum((unwrapped(k) - unwrapped(0)) ** 2, axis=1))
                if abs(msd - obs["msd"]["value"][k]) > 1e-5:
                    fail(f"{where}: msd {obs['msd']['value'][k]}, its unwrapped positions give {msd}")
            if args.lj_cutoff is not None and vel is not None:
                check_lj_thermo(where, k, np.asarray(x, dtype=float), np.asarray(vel[k], dtype=float), boxes[k],
                                args.mass, args.lj_cutoff, obs, fail)
    except Exception as e:  # what the reader raised is the failure
        fail(f"MDAnalysis failed after {seen} of {F} frames: {type(e).__name__}: {e}")

    if args.thermo:
        rows = np.genfromtxt(args.thermo, delimiter=",", names=True)
        matched = 0
        for k, step in enumerate(steps):
            row = rows[rows["step"] == step]
            if row.size == 0:
                continue
            matched += 1
            for name in obs:
                if name in row.dtype.names and row[name][0] != obs[name]["value"][k]:
                    fail(f"frame {k} (step {step}): {name} {obs[name]['value'][k]!r}, thermo.csv {row[name][0]!r}")
        if matched == 0:
            fail("no frame has a thermo.csv row at its step")

    if args.final:
        with h5py.File(args.final, "r") as fin:
            fg = fin["particles/all"]
            order = np.argsort(fg["id/value"][-1])
            if fg["position/step"][-1] != steps[-1]:
                fail(f"the last frame is step {steps[-1]}, final.h5 step {fg['position/step'][-1]}")
            pairs = [("position", pos), ("velocity", vel), ("image", img)]
            for name, dset in pairs:
                if dset is not None and not np.array_equal(fg[f"{name}/value"][-1][order], dset[-1]):
                    fail(f"last frame: {name} differs from final.h5's")
            ts = u.trajectory[F - 1]
            if not np.array_equal(ts.positions, fg["position/value"][-1][order].astype(np.float32)):
                fail("MDAnalysis' last frame: positions differ from final.h5's")
            if vel is not None and not np.array_equal(ts.velocities, fg["velocity/value"][-1][order].astype(np.float32)):
                fail("MDAnalysis' last frame: velocities differ from final.h5's")

    import strata_mda

    s = strata_mda.universe(args.h5)
    if len(s.trajectory) != F:
        fail(f"strata_mda sees {len(s.trajectory)} frames, h5py {F}")
    for k in (0, F - 1):
        ts = s.trajectory[k]
        if ts.data["step"] != steps[k] or not np.array_equal(ts.dimensions[:3], boxes[k].astype(np.float32)):
            fail(f"strata_mda frame {k}: step {ts.data['step']} box {ts.dimensions}")

    if args.rdf:
        try:
            check_rdf(args, u, F, boxes, fail)
        except Exception as e:  # InterRDF divides by the box volume: 0 without a box
            fail(f"InterRDF failed: {type(e).__name__}: {e}")

    for msg in failures:
        print("FAIL:", msg)
    if failures:
        sys.exit(1)
    print(f"MDAnalysis check passed: {N} atoms, {F} frames, observables {sorted(obs)}")


def check_lj_thermo(where, k, x, v, box, mass, rc, obs, fail):
    """Thermo observables of frame k against its own positions and velocities."""
    from scipy.spatial import cKDTree

    n = len(x)
    pairs = cKDTree(np.mod(x, box), boxsize=box).query_pairs(rc, output_type="ndarray")
    d = x[pairs[:, 0]] - x[pairs[:, 1]]
    d -= box * np.round(d / box)
    r2 = np.sum(d * d, axis=1)
    r2 = r2[r2 < rc * rc]
    inv6 = 1.0 / r2 ** 3
    shift = 4.0 * (rc ** -12 - rc ** -6)
    pe = np.sum(4.0 * (inv6 * inv6 - inv6) - shift) / n
    virial = np.sum(48.0 * inv6 * inv6 - 24.0 * inv6)  # sum of r . f over pairs
    ke_total = 0.5 * mass * np.sum(v * v)
    want = {"potential_energy": pe, "total_energy": ke_total / n + pe,
            "pressure": (2.0 * ke_total + virial) / (3.0 * np.prod(box)),
            "temperature": 2.0 * ke_total / (3.0 * n - 3.0)}
    for name, value in want.items():
        # Sums over ~10^4 pairs in another order: measured within 2e-14
        # relative on the 500-atom liquid; a pair missed or counted twice
        # moves the energy by ~1e-3 relative.
        if name in obs and not np.isclose(obs[name]["value"][k], value, rtol=1e-11, atol=1e-12):
            fail(f"{where}: {name} {obs[name]['value'][k]!r}, the frame's state gives {value!r}")


def check_rdf(args, u, F, boxes, fail):
    from MDAnalysis.analysis.rdf import InterRDF

    with tempfile.TemporaryDirectory() as tmp:
        csv = os.path.join(tmp, "rdf.csv")
        out = subprocess.run([sys.executable, os.path.join(args.post, "rdf.py"), args.h5, "--csv", csv, "-o",
                              os.path.join(tmp, "rdf.png")], capture_output=True, text=True)
        if out.returncode != 0:
            fail(f"rdf.py: {out.stderr.strip()}")
            return
        r, g_post = np.loadtxt(csv, delimiter=",", skiprows=1).T
    m = re.search(r"frames (\d+)-(\d+) of (\d+)", out.stdout)
    first = F // 2
    if not m or (int(m[1]), int(m[2]), int(m[3])) != (first, F - 1, F):
        fail(f"rdf.py did not average the second half of the frames by default: {out.stdout.strip()}")
        return
    bins, rmax = len(r), 0.5 * boxes[first].min()
    rdf = InterRDF(u.atoms, u.atoms, nbins=bins, range=(0.0, rmax), exclusion_block=(1, 1)).run(start=first)
    if not np.allclose(rdf.results.bins, r, rtol=0, atol=1e-9 * rmax):
        fail("InterRDF and rdf.py use different bins")
        return
    # Both normalise by the ideal-gas pair count: g to pair counts per bin.
    N = u.atoms.n_atoms
    shells = 4.0 / 3.0 * np.pi * np.diff(np.linspace(0.0, rmax, bins + 1) ** 3)
    ideal = (F - first) * N * (N - 1) / np.prod(boxes[first]) * shells
    worst = np.max(np.abs(rdf.results.rdf - g_post) * ideal / 2)
    peak = r[np.argmax(g_post)]
    print(f"rdf: {F - first} frames, {bins} bins to r = {rmax:.4g}: max |g_MDA - g_rdf.py| "
          f"{np.max(np.abs(rdf.results.rdf - g_post)):.3g} ({worst:.3g} pairs), peak at r = {peak:.4g}")
    if worst > RDF_PAIRS_TOLERANCE:
        fail(f"InterRDF and rdf.py differ by up to {worst:.3g} pairs in a bin (tolerance {RDF_PAIRS_TOLERANCE})")


if __name__ == "__main__":
    main()
