#!/usr/bin/python3
"""Check free diffusion per axis from two H5MD states of the same particles.

usage: check_msd_axes.py START.h5 END.h5 --diffusion D [--sigmas 4]

Each particle's displacement along each axis is taken from the stored
positions and image counts alone (x + image * L, matched by id), not from
anything Strata computed: the mean of its square must be 2 D t on every axis,
t the time between the two states, within --sigmas standard errors (the
standard deviation of the squared displacements over sqrt(N); particles are
independent). Prints each axis; exit 1 on failure.
"""
import argparse
import sys

import h5py
import numpy as np


def unwrapped(path):
    with h5py.File(path, "r") as f:
        g = f["particles/all"]
        edges = g["box/edges"][()]
        pos = g["position/value"][-1]
        img = g["image/value"][-1]
        ids = g["id/value"][-1]
        time = float(g["position/time"][-1])
    order = np.argsort(ids)
    return ids[order], pos[order] + img[order] * edges, img[order], time, edges


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("start")
    ap.add_argument("end")
    ap.add_argument("--diffusion", type=float, required=True)
    ap.add_argument("--sigmas", type=float, default=4.0)
    a = ap.parse_args()
    id0, x0, img0, t0, edges = unwrapped(a.start)
    id1, x1, img1, t1, _ = unwrapped(a.end)
    if not np.array_equal(id0, id1):
        print("the two states hold different particles")
        return 1
    t = t1 - t0
    sq = (x1 - x0) ** 2
    n = len(sq)
    exact = 2.0 * a.diffusion * t
    status = 0
    for d, axis in enumerate("xyz"):
        msd = sq[:, d].mean()
        se = sq[:, d].std(ddof=1) / np.sqrt(n)
        z = (msd - exact) / se
        ok = abs(z) <= a.sigmas
        status |= 0 if ok else 1
        # The share of particles whose image count changed: the box crossings
        # the image counts have to account for.
        crossed = np.mean(img1[:, d] != img0[:, d])
        print(f"axis {axis} (L = {edges[d]:g}): <dx^2> = {msd:.5f} vs 2 D t = {exact:.5f} ({(msd / exact - 1):+.3%}, "
              f"{z:+.2f} standard errors of {se:.5f}; bound {a.sigmas:g}); {crossed:.1%} end in another image "
              f"{'ok' if ok else 'FAIL'}")
    return status


if __name__ == "__main__":
    sys.exit(main())
