#!/usr/bin/python3
"""Compare Strata final states bitwise, particle by particle (matched by id).

usage: compare_states.py [--ignore-step] [--rtol R] REFERENCE.h5 OTHER.h5 [OTHER.h5 ...]
Exit 0 if every OTHER holds exactly the same particles with bitwise-identical
position, velocity, image and species as REFERENCE (with --rtol: image and
species identical, position and velocity within R relative to the largest
magnitude of each field); print the differences and exit 1 otherwise.
"""
import sys

import h5py
import numpy as np

FIELDS = ("position", "velocity", "image", "species")


def load(path):
    with h5py.File(path, "r") as f:
        g = f["particles/all"]
        ids = g["id/value"][-1]
        order = np.argsort(ids, kind="stable")
        state = {"id": ids[order]}
        for name in FIELDS:
            state[name] = g[name + "/value"][-1][order]
        state["step"] = int(g["position/step"][-1])
    return state


def main(argv):
    ignore_step = "--ignore-step" in argv
    argv = [a for a in argv if a != "--ignore-step"]
    rtol = None
    if "--rtol" in argv:
        i = argv.index("--rtol")
        rtol = float(argv[i + 1])
        del argv[i:i + 2]
    if len(argv) < 3:
        print(__doc__)
        return 2
    ref = load(argv[1])
    failed = False
    for path in argv[2:]:
        other = load(path)
        if other["step"] != ref["step"] and not ignore_step:
            print(f"{path}: step {other['step']} != {ref['step']}")
            failed = True
            continue
        if not np.array_equal(other["id"], ref["id"]):
            print(f"{path}: particle ids differ ({len(other['id'])} vs {len(ref['id'])} particles)")
            failed = True
            continue
        for name in FIELDS:
            a, b = ref[name], other[name]
            if rtol is not None and name in ("position", "velocity") and a.shape == b.shape:
                scale = max(float(np.max(np.abs(a))), 1e-300)
                worst = float(np.max(np.abs(a - b))) / scale if a.size else 0.0
                print(f"{path}: {name} within {worst:.2e} of {argv[1]} (rtol {rtol:g})")
                if worst > rtol:
                    failed = True
                continue
            # Compare the bytes: bitwise identity, NaN-safe and -0.0-sensitive.
            same = a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes()
            if not same:
                diff = np.argwhere(a.view(np.uint8).reshape(a.shape[0], -1) != b.view(np.uint8).reshape(b.shape[0], -1))
                first = diff[0][0] if len(diff) else -1
                print(f"{path}: {name} differs from {argv[1]} (first at particle id {ref['id'][first]})")
                failed = True
        if not failed:
            print(f"{path}: bitwise identical to {argv[1]} ({len(ref['id'])} particles)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
