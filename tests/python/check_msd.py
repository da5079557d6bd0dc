#!/usr/bin/python3
"""Check that a Brownian run's mean-squared displacement follows 6 D t.

usage: check_msd.py THERMO.csv --diffusion D [--tolerance 0.03]
Every thermo row with t > 0 must satisfy |MSD / (6 D t) - 1| <= tolerance.
"""
import argparse
import csv
import sys


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("thermo")
    ap.add_argument("--diffusion", type=float, required=True)
    ap.add_argument("--tolerance", type=float, default=0.03)
    args = ap.parse_args()
    rows = list(csv.DictReader(open(args.thermo)))
    checked, worst = 0, 0.0
    for row in rows:
        t, msd = float(row["time"]), float(row["msd"])
        if t <= 0:
            continue
        rel = msd / (6.0 * args.diffusion * t) - 1.0
        worst = max(worst, abs(rel))
        checked += 1
        if abs(rel) > args.tolerance:
            print(f"step {row['step']}: MSD {msd:.6g} vs 6Dt {6 * args.diffusion * t:.6g} ({rel:+.3%})")
            return 1
    if checked < 3:
        print(f"only {checked} thermo rows with t > 0: not enough to check")
        return 1
    print(f"MSD follows 6 D t in {checked} rows, worst deviation {worst:.3%} (tolerance {args.tolerance:.1%})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
