#!/usr/bin/python3
"""Checks on thermo.csv files.

  check_thermo.py drift THERMO.csv --max-relative 1e-4 [--max-fluctuation 1e-3]
      NVE: the drift of the total energy E (least-squares slope times the run
      length, relative to |E|) is below --max-relative, and no row departs
      from E(0) by more than --max-fluctuation (velocity Verlet's bounded
      O(dt^2) error, largest while a lattice start melts).
  check_thermo.py drift-ratio REFERENCE.csv OTHER.csv [...] --max-ratio 2 [--floor 1e-5]
      the relative drift (as above) of each OTHER is at most --max-ratio
      times REFERENCE's, or below --floor.
  check_thermo.py agree REFERENCE.csv OTHER.csv [...] --columns a,b --rtol 1e-9 [--from-step F] [--through-step S]
                    [--rows N]
      the named columns agree row by row (same steps, from step F and up to
      step S if given) within rtol; with --rows, only the first N of those
      rows are compared (e.g. step 0 alone).
  check_thermo.py temperature THERMO.csv --target T --tolerance 0.02
      mean temperature over the second half of the rows within tolerance of T.
  check_thermo.py same-mean A.csv B.csv --column potential_energy [--skip 0.25]
                  [--blocks 10] [--sigmas 4]
      the means of a column over each run (leaving out the first --skip of
      the rows, the approach to equilibrium) agree within --sigmas combined
      standard errors, each from --blocks block averages (blocks much longer
      than the correlation time are independent).
  check_thermo.py order COARSE.csv FINE.csv --min 3.5 --max 4.5
      NVE runs over the same time from the same state, FINE with half the
      time step: the ratio of their energy errors, each the root mean square
      of E(t) - E(0) over the rows, lies in [min, max] (4 for an integrator
      of second order, 2 for first order).
Prints what it measured; exit 1 on failure.
"""
import argparse
import csv
import sys


def rows(path):
    with open(path) as f:
        return [{k: float(v) for k, v in r.items()} for r in csv.DictReader(f)]


def relative_drift(r):
    """Least-squares slope of the total energy times the run length, relative to its mean."""
    t = [x["time"] for x in r]
    e = [x["total_energy"] for x in r]
    n = len(r)
    tm, em = sum(t) / n, sum(e) / n
    slope = sum((ti - tm) * (ei - em) for ti, ei in zip(t, e)) / sum((ti - tm) ** 2 for ti in t)
    return abs(slope) * (t[-1] - t[0]) / abs(em)


def drift(a):
    r = rows(a.thermo)
    e = [x["total_energy"] for x in r]
    n, e0 = len(r), e[0]
    rel_drift = relative_drift(r)
    worst = max(abs(ei - e0) / abs(e0) for ei in e)
    print(f"{a.thermo}: relative energy drift {rel_drift:.3e} over {int(r[-1]['step'])} steps (bound "
          f"{a.max_relative:g}); largest departure from E(0) {worst:.3e} (bound {a.max_fluctuation:g})")
    return 0 if rel_drift < a.max_relative and worst < a.max_fluctuation and n > 10 else 1


def agree(a):
    def upto(r):
        kept = [x for x in r if (a.through_step is None or x["step"] <= a.through_step) and
                (a.from_step is None or x["step"] >= a.from_step)]
        return kept[:a.rows]
    ref = upto(rows(a.reference))
    cols = a.columns.split(",")
    status = 0
    for other in a.others:
        o = upto(rows(other))
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


def block_mean(path, column, skip, blocks):
    x = [r[column] for r in rows(path)]
    x = x[int(len(x) * skip):]
    size = len(x) // blocks
    means = [sum(x[b * size:(b + 1) * size]) / size for b in range(blocks)]
    mean = sum(means) / blocks
    se = (sum((m - mean) ** 2 for m in means) / (blocks - 1) / blocks) ** 0.5
    return mean, se, len(x)


def same_mean(a):
    ma, sa, na = block_mean(a.a, a.column, a.skip, a.blocks)
    mb, sb, nb = block_mean(a.b, a.column, a.skip, a.blocks)
    se = (sa * sa + sb * sb) ** 0.5
    z = (ma - mb) / se if se > 0 else float("inf")
    ok = abs(z) <= a.sigmas and min(na, nb) >= 5 * a.blocks
    print(f"mean {a.column}: {ma:.5f} +- {sa:.5f} ({a.a}, {na} rows), {mb:.5f} +- {sb:.5f} ({a.b}, {nb} rows); "
          f"difference {ma - mb:+.5f} = {z:+.2f} combined standard errors (bound {a.sigmas:g}) "
          f"{'ok' if ok else 'FAIL'}")
    return 0 if ok else 1


def energy_error(path):
    e = [x["total_energy"] for x in rows(path)]
    return (sum((ei - e[0]) ** 2 for ei in e) / len(e)) ** 0.5, len(e)


def order(a):
    coarse, n_coarse = energy_error(a.coarse)
    fine, n_fine = energy_error(a.fine)
    ratio = coarse / fine if fine > 0 else float("inf")
    ok = a.min <= ratio <= a.max and min(n_coarse, n_fine) > 10
    print(f"rms of E(t) - E(0): {coarse:.4e} at dt ({n_coarse} rows), {fine:.4e} at dt/2 ({n_fine} rows); "
          f"ratio {ratio:.3f} (expected in [{a.min:g}, {a.max:g}]) {'ok' if ok else 'FAIL'}")
    return 0 if ok else 1


def drift_ratio(a):
    ref = relative_drift(rows(a.reference))
    status = 0
    for path in a.others:
        d = relative_drift(rows(path))
        ok = d <= a.max_ratio * ref or d < a.floor
        print(f"{path}: relative energy drift {d:.3e}, {d / ref:.2f}x {a.reference}'s {ref:.3e} (bound "
              f"{a.max_ratio:g}x, or below {a.floor:g}) {'ok' if ok else 'FAIL'}")
        status |= 0 if ok else 1
    return status


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    d = sub.add_parser("drift")
    d.add_argument("thermo")
    d.add_argument("--max-relative", type=float, required=True)
    d.add_argument("--max-fluctuation", type=float, default=1e-3)
    r = sub.add_parser("drift-ratio")
    r.add_argument("reference")
    r.add_argument("others", nargs="+")
    r.add_argument("--max-ratio", type=float, required=True)
    r.add_argument("--floor", type=float, default=0.0)
    g = sub.add_parser("agree")
    g.add_argument("reference")
    g.add_argument("others", nargs="+")
    g.add_argument("--columns", required=True)
    g.add_argument("--rtol", type=float, required=True)
    g.add_argument("--through-step", type=float, default=None)
    g.add_argument("--from-step", type=float, default=None)
    g.add_argument("--rows", type=int, default=None)
    t = sub.add_parser("temperature")
    t.add_argument("thermo")
    t.add_argument("--target", type=float, required=True)
    t.add_argument("--tolerance", type=float, required=True)
    o = sub.add_parser("order")
    o.add_argument("coarse")
    o.add_argument("fine")
    o.add_argument("--min", type=float, required=True)
    o.add_argument("--max", type=float, required=True)
    m = sub.add_parser("same-mean")
    m.add_argument("a")
    m.add_argument("b")
    m.add_argument("--column", required=True)
    m.add_argument("--skip", type=float, default=0.25)
    m.add_argument("--blocks", type=int, default=10)
    m.add_argument("--sigmas", type=float, default=4.0)
    a = ap.parse_args()
    checks = {"drift": drift, "drift-ratio": drift_ratio, "agree": agree, "temperature": temperature, "order": order, "same-mean": same_mean}
    return checks[a.cmd](a)


if __name__ == "__main__":
    sys.exit(main())
