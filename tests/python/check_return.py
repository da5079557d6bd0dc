#!/usr/bin/python3
"""Check that ballistic particles are back at their start after a crossing time.

usage: check_return.py START.h5 END.h5 --images IX IY IZ [--tolerance 1e-9]
Every particle's unwrapped position (position + image * L) must have moved by
exactly (IX Lx, IY Ly, IZ Lz) within the tolerance (absolute, in sigma): it is
back where it started, having crossed the box that many times.
"""
import argparse
import sys

import h5py
import numpy as np


def load(path):
    with h5py.File(path, "r") as f:
        g = f["particles/all"]
        ids = g["id/value"][-1]
        order = np.argsort(ids)
        return ids[order], g["position/value"][-1][order], g["image/value"][-1][order], g["box/edges"][()]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("start")
    ap.add_argument("end")
    ap.add_argument("--images", type=int, nargs=3, required=True)
    ap.add_argument("--tolerance", type=float, default=1e-9)
    a = ap.parse_args()
    id0, x0, i0, box = load(a.start)
    id1, x1, i1, _ = load(a.end)
    if not np.array_equal(id0, id1):
        print("particle ids differ between the two files")
        return 1
    expected = np.array(a.images) * box
    moved = (x1 + i1 * box) - (x0 + i0 * box)
    err = np.abs(moved - expected).max()
    if err > a.tolerance:
        worst = np.argmax(np.abs(moved - expected).max(axis=1))
        print(f"particle {id0[worst]} moved {moved[worst]}, expected {expected} (max error {err:.3g} > {a.tolerance})")
        return 1
    print(f"{len(id0)} particles back at their start after crossing {a.images} boxes: max error {err:.3g}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
