#!/usr/bin/python3
"""Checks on thermo.csv files.

  check_thermo.py drift THERMO.csv --max-relative 1e-4 [--max-fluctuation 1e-3]
      NVE: the drift of the total energy E (least-squares slope times the run
      length, relative to |E|) is below --max-relative, and no row departs
      from E(0) by more than --max-fluctuation (velocity Verlet's bounded
      O(dt^2) error, largest while a lattice start melts).
  check_thermo.py agree REFERENCE.csv OTHER.csv [...] --columns a,b --rtol 1e-9 [--rows N]
      the named columns agree row by row (same steps) within rtol; with
      --rows, only the first N rows are compared (e.g. step 0 alone).
  check_thermo.py temperature THERMO.csv --target T --tolerance 0.02
      mean temperature over the second half of the rows within tolerance of T.
Prints what it measured; exit 1 on failure.
"""
import argparse
import csv
import sys


def rows(path):
    with open(path) as f:
        return [{k: float(v) for k, v in r.items()} for r in csv.DictReader(f)]


def drift(a):
    r = rows(a.thermo)
    t = [x["time"] for x in r]
    e = [x["total_energy"] for x in r]
    n, e0 = len(r), e[0]
    tm, em = sum(t) / n, sum(e) / n
    slope = sum((ti - tm) * (ei - em) for ti, ei in zip(t, e)) / sum((ti - tm) ** 2 for ti in t)
    rel_drift = abs(slope) * (t[-1] - t[0]) / abs(em)
    worst = max(abs(ei - e0) / abs(e0) for ei in e)
    print(f"{a.thermo}: relative energy drift {rel_drift:.3e} over {int(r[-1]['step'])} steps (bound "
          f"{a.max_relative:g}); largest departure from E(0) {worst:.3e} (bound {a.max_fluctuation:g})")
    return 0 if rel_drift < a.max_relative and worst < a.max_fluctuation and n > 10 else 1


def agree(a):
    ref = rows(a.reference)[:a.rows]
    cols = a.columns.split(",")
    status = 0
    for other in a.others:
        o = rows(other)[:a.rows]
        if [x["step"] for x in o] != [x["step"] for x in ref]:
            print(f"{other}: steps differ from {a.reference}")
            status = 1
            continue
        worst, where = 0.0, None
        for x, y in zip(ref, o):
            for c in cols:
                rel = abs(x[c] - y[c]) / max(abs(x[c]), 1e-300)
                if rel > worst:
                    worst, where = rel, (int(x["step"]), c)
        ok = worst <= a.rtol
        print(f"{other}: worst relative difference {worst:.3e} at {where} over {len(o)} rows (rtol {a.rtol:g}) "
              f"{'ok' if ok else 'FAIL'}")
        status |= 0 if ok else 1
    return status


def temperature(a):
    r = rows(a.thermo)
    half = r[len(r) // 2:]
    mean = sum(x["temperature"] for x in half) / len(half)
    rel = mean / a.target - 1.0
    print(f"{a.thermo}: mean temperature over the second half {mean:.5f} vs target {a.target} ({rel:+.2%}, "
          f"tolerance {a.tolerance:.0%}, {len(half)} rows)")
    return 0 if abs(rel) <= a.tolerance and len(half) >= 5 else 1


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    d = sub.add_parser("drift")
    d.add_argument("thermo")
    d.add_argument("--max-relative", type=float, required=True)
    d.add_argument("--max-fluctuation", type=float, default=1e-3)
    g = sub.add_parser("agree")
    g.add_argument("reference")
    g.add_argument("others", nargs="+")
    g.add_argument("--columns", required=True)
    g.add_argument("--rtol", type=float, required=True)
    g.add_argument("--rows", type=int, default=None)
    t = sub.add_parser("temperature")
    t.add_argument("thermo")
    t.add_argument("--target", type=float, required=True)
    t.add_argument("--tolerance", type=float, required=True)
    a = ap.parse_args()
    return {"drift": drift, "agree": agree, "temperature": temperature}[a.cmd](a)


if __name__ == "__main__":
    sys.exit(main())
