#!/usr/bin/python3
"""Compare two HDF5 files dataset by dataset, bit for bit.

Usage: /usr/bin/python3 tests/python/compare_trajectories.py A B [--ignore PREFIX ...]

Every dataset of either file (except those under an ignored prefix) must be
in both, with the same shape, dtype and bytes. Prints the differences and
exits 1, or prints "same: N datasets" and exits 0.
"""
import argparse
import sys

import h5py
import numpy as np


def datasets(f, ignore):
    found = {}

    def visit(name, obj):
        if isinstance(obj, h5py.Dataset) and not any(("/" + name).startswith(p) for p in ignore):
            found["/" + name] = obj

    f.visititems(visit)
    return found


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("a")
    p.add_argument("b")
    p.add_argument("--ignore", action="append", default=[], help="skip datasets under this path")
    args = p.parse_args()
    with h5py.File(args.a, "r") as fa, h5py.File(args.b, "r") as fb:
        da, db = datasets(fa, args.ignore), datasets(fb, args.ignore)
        problems = [f"{n}: only in {args.a}" for n in sorted(set(da) - set(db))]
        problems += [f"{n}: only in {args.b}" for n in sorted(set(db) - set(da))]
        for name in sorted(set(da) & set(db)):
            x, y = da[name], db[name]
            if x.shape != y.shape or x.dtype != y.dtype:
                problems.append(f"{name}: {x.shape} {x.dtype} vs {y.shape} {y.dtype}")
            elif x.size and np.asarray(x[()]).tobytes() != np.asarray(y[()]).tobytes():
                problems.append(f"{name}: values differ")
    for msg in problems:
        print("DIFFER:", msg)
    if problems:
        sys.exit(1)
    print(f"same: {len(da)} datasets")


if __name__ == "__main__":
    main()
