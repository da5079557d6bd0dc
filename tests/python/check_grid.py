#!/usr/bin/python3
"""Checks on runs decomposed over a grid of ranks (issue 13).

  check_grid.py ownership RUN_DIR [--grid PX,PY,PZ] [--nonempty] [--min-moved K]
      The run's last checkpoint records the grid (/strata/grid; PX,PY,PZ if
      given) and its planes (/strata/planes: x, then y, then z), and each rank's row
      count there (/strata/rank_counts) is the number of final.h5 positions
      inside that rank's brick (ranks x fastest: r = cx + px (cy + py cz);
      brick [plane(c), plane(c + 1)) per axis, the last one closed at a
      reflecting wall). Free particles only: a run under forces keeps its
      positions unwrapped between list builds. --nonempty: every rank owns
      at least one particle. --min-moved: on every cut axis, at least K
      particles end in another brick than the one they started in (their
      start position is the checkpoint's /particles/all/origin), so
      particles migrated along every cut axis.
  check_grid.py grid RUN_DIR --grid PX,PY,PZ
      the run's last checkpoint records the grid PX x PY x PZ (any run).
  check_grid.py planes RUN_DIR --min-width W
      every brick of the last checkpoint is at least W wide on every cut axis.
  check_grid.py ids FINAL.h5 --count N
      final.h5 holds each id 0 .. N-1 exactly once.
  check_grid.py hops FINAL.h5 --dt DT --widths WX,WY,WZ --min-bricks B --min-fraction F
      ballistic flight: a particle moves |v_d| dt per step along d, so at
      least the fraction F of particles cross at least B brick widths W_d per
      step on every axis d (speeds are kept by periodic wraps and by walls).
  check_grid.py imbalance THERMO.csv --first-above A --settle-by S --at-most B
      the `imbalance` column starts above A, and from step S on (S included)
      every row is at most B.
Prints what it measured; exit 1 on failure.
"""
import argparse
import csv
import glob
import os
import sys

import h5py
import numpy as np


def last_checkpoint(run_dir):
    files = sorted(glob.glob(os.path.join(run_dir, "checkpoints", "checkpoint-*.h5")))
    if not files:
        raise SystemExit(f"{run_dir}: no checkpoint")
    return files[-1]


def read_layout(path):
    with h5py.File(path, "r") as f:
        s = f["strata"]
        grid = [int(x) for x in s["grid"][()]]
        if "planes" in s:  # the planes along x, then y, then z, in one dataset
            flat = np.asarray(s["planes"][()], dtype=np.float64)
            ends = np.cumsum([0] + [g + 1 for g in grid])
            if len(flat) != ends[-1]:
                raise SystemExit(f"{path}: {len(flat)} planes for grid {grid}")
            planes = [flat[ends[d]:ends[d + 1]] for d in range(3)]
        else:
            planes = [np.asarray(s[f"planes_{a}"][()], dtype=np.float64) for a in "xyz"]
        counts = np.asarray(s["rank_counts"][()], dtype=np.int64)
        step = int(s.attrs["step"])
        boundary = [b.decode() if isinstance(b, bytes) else str(b) for b in s.attrs["boundary"]]
    return grid, planes, counts, step, boundary


def final_frame(path):
    with h5py.File(path, "r") as f:
        g = f["particles/all"]
        return {
            "position": g["position/value"][-1],
            "velocity": g["velocity/value"][-1] if "velocity" in g else None,
            "image": g["image/value"][-1] if "image" in g else None,
            "id": g["id/value"][-1],
            "step": int(g["position/step"][-1]),
        }


def coord(planes, s):
    """The largest c in [0, p) with planes[c] <= s (as GridOwner::coord)."""
    p = len(planes) - 1
    c = np.searchsorted(planes[:p], s, side="right") - 1
    return np.clip(c, 0, p - 1)


def ownership(a):
    ckpt = last_checkpoint(a.run_dir)
    grid, planes, counts, step, _ = read_layout(ckpt)
    frame = final_frame(os.path.join(a.run_dir, "final.h5"))
    ok = True
    if a.grid is not None and grid != a.grid:
        print(f"{ckpt}: grid {grid}, expected {a.grid}")
        ok = False
    for d in range(3):
        if len(planes[d]) != grid[d] + 1:
            print(f"{ckpt}: {len(planes[d])} planes along axis {d} for {grid[d]} bricks")
            return 1
    if len(counts) != grid[0] * grid[1] * grid[2]:
        print(f"{ckpt}: {len(counts)} rank counts for grid {grid}")
        return 1
    if step != frame["step"]:
        print(f"{ckpt}: step {step}, final.h5 step {frame['step']}")
        ok = False
    x = frame["position"]
    c = [coord(planes[d], x[:, d]) for d in range(3)]
    rank = c[0] + grid[0] * (c[1] + grid[1] * c[2])
    binned = np.bincount(rank, minlength=len(counts))
    if not np.array_equal(binned, counts):
        print(f"{a.run_dir}: rank counts {counts.tolist()} but the planes put {binned.tolist()} there")
        ok = False
    if a.nonempty and counts.min() < 1:
        print(f"{a.run_dir}: a rank owns no particle: {counts.tolist()}")
        ok = False
    moved = ""
    if a.min_moved is not None:
        with h5py.File(ckpt, "r") as f:
            g = f["particles/all"]
            order = np.argsort(g["id/value"][-1])
            origin = np.asarray(g["origin/value"][-1], dtype=np.float64)[order]
        x_by_id = x[np.argsort(frame["id"])]
        counts_moved = []
        for d in range(3):
            if grid[d] < 2:
                continue
            n = int(np.count_nonzero(coord(planes[d], origin[:, d]) != coord(planes[d], x_by_id[:, d])))
            counts_moved.append(f"{'xyz'[d]} {n}")
            if n < a.min_moved:
                print(f"{a.run_dir}: only {n} particles changed brick along {'xyz'[d]} (expected >= {a.min_moved})")
                ok = False
        moved = "; particles in another brick than at the start along " + ", ".join(counts_moved)
    print(f"{a.run_dir}: grid {grid[0]} x {grid[1]} x {grid[2]}, ranks own {counts.min()}..{counts.max()} particles, "
          f"each its brick's{moved} {'ok' if ok else 'FAIL'}")
    return 0 if ok else 1


def grid_check(a):
    ckpt = last_checkpoint(a.run_dir)
    grid = read_layout(ckpt)[0]
    ok = grid == a.grid
    print(f"{a.run_dir}: grid {grid[0]} x {grid[1]} x {grid[2]} (expected {' x '.join(map(str, a.grid))}) "
          f"{'ok' if ok else 'FAIL'}")
    return 0 if ok else 1


def planes_check(a):
    ckpt = last_checkpoint(a.run_dir)
    grid, planes, _, _, _ = read_layout(ckpt)
    ok = True
    narrowest = float("inf")
    for d in range(3):
        if grid[d] < 2:
            continue
        w = np.diff(planes[d])
        narrowest = min(narrowest, float(w.min()))
        if w.min() < a.min_width * (1 - 1e-12):
            print(f"{ckpt}: axis {'xyz'[d]} planes {planes[d].tolist()}: a brick is {w.min():.6g} wide "
                  f"(expected >= {a.min_width:g})")
            ok = False
        print(f"{ckpt}: planes along {'xyz'[d]}: " + ", ".join(f"{p:.4g}" for p in planes[d]))
    print(f"narrowest brick {narrowest:.6g} (bound {a.min_width:g}) {'ok' if ok else 'FAIL'}")
    return 0 if ok else 1


def ids(a):
    frame = final_frame(a.final)
    got = np.sort(frame["id"])
    ok = len(got) == a.count and np.array_equal(got, np.arange(a.count, dtype=got.dtype))
    print(f"{a.final}: {len(got)} particles, {len(np.unique(got))} distinct ids "
          f"(expected each of 0..{a.count - 1} once) {'ok' if ok else 'FAIL'}")
    return 0 if ok else 1


def hops(a):
    frame = final_frame(a.final)
    step = np.abs(frame["velocity"]) * a.dt
    fractions = [float(np.mean(step[:, d] >= a.min_bricks * a.widths[d])) for d in range(3)]
    ok = all(f >= a.min_fraction for f in fractions)
    print(f"{a.final}: fraction crossing >= {a.min_bricks:g} bricks per step along x, y, z: "
          + ", ".join(f"{f:.3f}" for f in fractions) + f" (expected >= {a.min_fraction:g}) {'ok' if ok else 'FAIL'}")
    return 0 if ok else 1


def imbalance(a):
    with open(a.thermo) as f:
        r = [(float(x["step"]), float(x["imbalance"])) for x in csv.DictReader(f)]
    first = r[0][1]
    late = [(s, v) for s, v in r if s >= a.settle_by]
    worst_late = max((v for _, v in late), default=float("inf"))
    reached = next((s for s, v in r if v <= a.at_most), None)
    ok = first > a.first_above and len(late) >= 1 and worst_late <= a.at_most
    print(f"{a.thermo}: imbalance first {first:.4g} (expected > {a.first_above:g}); first <= {a.at_most:g} at step "
          f"{reached}; largest from step {a.settle_by:g} on {worst_late:.4g} over {len(late)} rows "
          f"(expected <= {a.at_most:g}) {'ok' if ok else 'FAIL'}")
    print("  step:imbalance " + " ".join(f"{int(s)}:{v:.3f}" for s, v in r[:25]))
    above = [(s, v) for s, v in late if v > a.at_most]
    if above:
        print(f"  above {a.at_most:g} from step {a.settle_by:g} on: " + " ".join(f"{int(s)}:{v:.3f}" for s, v in above))
    return 0 if ok else 1


def triple(kind):
    def parse(text):
        v = [kind(x) for x in text.split(",")]
        if len(v) != 3:
            raise argparse.ArgumentTypeError("expected three comma-separated values")
        return v
    return parse


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    o = sub.add_parser("ownership")
    o.add_argument("run_dir")
    o.add_argument("--grid", type=triple(int), default=None)
    o.add_argument("--nonempty", action="store_true")
    o.add_argument("--min-moved", type=int, default=None)
    g = sub.add_parser("grid")
    g.add_argument("run_dir")
    g.add_argument("--grid", type=triple(int), required=True)
    p = sub.add_parser("planes")
    p.add_argument("run_dir")
    p.add_argument("--min-width", type=float, required=True)
    i = sub.add_parser("ids")
    i.add_argument("final")
    i.add_argument("--count", type=int, required=True)
    h = sub.add_parser("hops")
    h.add_argument("final")
    h.add_argument("--dt", type=float, required=True)
    h.add_argument("--widths", type=triple(float), required=True)
    h.add_argument("--min-bricks", type=float, required=True)
    h.add_argument("--min-fraction", type=float, required=True)
    b = sub.add_parser("imbalance")
    b.add_argument("thermo")
    b.add_argument("--first-above", type=float, required=True)
    b.add_argument("--settle-by", type=float, required=True)
    b.add_argument("--at-most", type=float, required=True)
    a = ap.parse_args()
    checks = {"ownership": ownership, "grid": grid_check, "planes": planes_check, "ids": ids, "hops": hops,
              "imbalance": imbalance}
    return checks[a.cmd](a)


if __name__ == "__main__":
    sys.exit(main())
