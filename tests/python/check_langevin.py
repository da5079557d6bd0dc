#!/usr/bin/python3
"""Check the Langevin thermostat on free particles from a trajectory with
velocities and species (H5MD, rows sorted by id).

usage: check_langevin.py TRAJECTORY.h5 --temperature T --damping TAU
                         --masses 1,4 --from TIME [--lags 0.5,1,2,3] [--sigmas 4]

Free particles under the thermostat follow an Ornstein-Uhlenbeck process per
velocity component, whatever their mass: in equilibrium the variance is T/m,
and <v(t0) . v(t0 + s)> / <v^2> = exp(-s / TAU). Checked per species on the
frames at times >= --from (the start is far from T and must have relaxed):
  - the kinetic temperature m <v^2> / 3 equals T;
  - the velocity autocorrelation at each lag equals exp(-lag / TAU).
Particles are independent, so each estimate is a ratio of sums over particles
of per-particle terms (averaged over all frames, or all time origins), and
its standard error comes from the spread of those terms across particles
(delta method), which accounts for the correlation between frames. Every
estimate must lie within --sigmas standard errors of the exact value. Prints
each estimate; exit 1 on failure.
"""
import argparse
import sys

import h5py
import numpy as np


def ratio_estimate(num, den):
    """Sum(num) / sum(den) over independent particles, and its standard error."""
    r = num.sum() / den.sum()
    n = len(num)
    se = np.sqrt(np.var(num - r * den, ddof=1) / n) / den.mean()
    return r, se


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("trajectory")
    ap.add_argument("--temperature", type=float, required=True)
    ap.add_argument("--damping", type=float, required=True)
    ap.add_argument("--masses", required=True, help="mass of each species, comma-separated")
    ap.add_argument("--from", dest="start", type=float, required=True)
    ap.add_argument("--lags", default="0.5,1,2,3", help="lags in units of the damping time")
    ap.add_argument("--sigmas", type=float, default=4.0)
    a = ap.parse_args()
    masses = [float(m) for m in a.masses.split(",")]
    with h5py.File(a.trajectory, "r") as f:
        g = f["particles/all"]
        time = g["velocity/time"][()]
        keep = time >= a.start - 1e-9
        v = g["velocity/value"][keep]  # [frames, particles, 3]
        species = g["species/value"][0]
        time = time[keep]
    if len(time) < 3:
        print(f"only {len(time)} frames at t >= {a.start}")
        return 1
    frame_dt = time[1] - time[0]
    status = 0

    def report(label, value, se, exact):
        nonlocal status
        z = (value - exact) / se
        ok = abs(z) <= a.sigmas
        status |= 0 if ok else 1
        print(f"{label}: {value:.5f} vs exact {exact:.5f} (standard error {se:.5f}, {z:+.2f} se; "
              f"bound {a.sigmas:g} se) {'ok' if ok else 'FAIL'}")

    for k, m in enumerate(masses):
        vs = v[:, species == k, :]
        n = vs.shape[1]
        if n < 100:
            print(f"species {k}: only {n} particles")
            return 1
        # Temperature: per particle, m |v|^2 / 3 averaged over the frames.
        per_particle = (m * (vs ** 2).sum(axis=2) / 3.0).mean(axis=0)
        t_est, t_se = ratio_estimate(per_particle, np.ones(n))
        report(f"species {k} (mass {m:g}, {n} particles, {len(time)} frames): temperature m<v^2>/3", t_est, t_se,
               a.temperature)
        for lag_tau in (float(x) for x in a.lags.split(",")):
            lag = int(round(lag_tau * a.damping / frame_dt))
            if lag < 1 or lag >= len(time):
                print(f"lag {lag_tau} damping times is not a whole number of frames within the run")
                return 1
            num = (vs[:-lag] * vs[lag:]).sum(axis=2).sum(axis=0)  # per particle, over origins
            den = (vs[:-lag] ** 2).sum(axis=2).sum(axis=0)
            c, c_se = ratio_estimate(num, den)
            s = lag * frame_dt
            label = f"species {k}: autocorrelation at t = {s:g} ({lag_tau:g} damping times, {len(time) - lag} origins)"
            report(label, c, c_se, np.exp(-s / a.damping))
    return status


if __name__ == "__main__":
    sys.exit(main())
