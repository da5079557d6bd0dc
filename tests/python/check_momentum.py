#!/usr/bin/python3
"""Net momentum of H5MD states (final.h5, checkpoints), from the stored
velocities and species.

usage: check_momentum.py STATE.h5 [MORE.h5 ...] --masses 1,3 [--axes xyz]
                         [--max-relative 1e-8] [--max-change 1e-12]

On each named axis: |P| / sum m |v| <= --max-relative in every state (zero
net momentum), and |P - P_first| / sum m |v| <= --max-change between the
first state and each later one (momentum conserved). Prints what it
measured; exit 1 on failure.
"""
import argparse
import sys

import h5py
import numpy as np


def momentum(path, masses):
    with h5py.File(path, "r") as f:
        g = f["particles/all"]
        v = g["velocity/value"][-1]
        m = masses[g["species/value"][-1]]
    mv = m[:, None] * v
    return mv.sum(axis=0), np.abs(mv).sum(axis=0)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("states", nargs="+")
    ap.add_argument("--masses", required=True, help="mass of each species, comma-separated")
    ap.add_argument("--axes", default="xyz")
    ap.add_argument("--max-relative", type=float, default=1e-8)
    ap.add_argument("--max-change", type=float, default=1e-12)
    a = ap.parse_args()
    masses = np.array([float(m) for m in a.masses.split(",")])
    axes = ["xyz".index(c) for c in a.axes]
    status = 0
    p0 = None
    for path in a.states:
        p, scale = momentum(path, masses)
        rel = np.abs(p[axes]) / scale[axes]
        ok = bool(np.all(rel <= a.max_relative))
        line = f"{path}: |P| / sum m|v| on {a.axes}: {', '.join(f'{x:.2e}' for x in rel)} (bound {a.max_relative:g})"
        if p0 is not None:
            change = np.abs(p[axes] - p0[axes]) / scale[axes]
            ok = ok and bool(np.all(change <= a.max_change))
            line += f"; change since the first state {', '.join(f'{x:.2e}' for x in change)} (bound {a.max_change:g})"
        else:
            p0 = p
        print(line + (" ok" if ok else " FAIL"))
        status |= 0 if ok else 1
    return status


if __name__ == "__main__":
    sys.exit(main())
