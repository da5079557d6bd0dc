#!/usr/bin/python3
"""Radial distribution function g(r) of a Strata trajectory or final state.

Pairs are found with a periodic k-d tree (scipy cKDTree, minimum image on
periodic axes) a chunk of particles at a time, so 1e5 particles take seconds
per frame in bounded memory.
g(r) is averaged over the chosen frames (by default the second half of the
file's frames: the first hold the initial configuration and its relaxation)
and normalised by the ideal-gas pair count (N-1)/V * 4 pi r^2 dr per particle,
so g -> 1 for an uncorrelated system. The plot and the output say which
frames were used. Along reflecting axes no image is taken; g(r) then dips at
large r from the walls. Writes a PNG and a CSV (r,g) and prints the frames
used and the highest peak.
"""
import numpy as np

import strata_post as sp


# Pairs held in memory at once (~50 MB of indices and distances).
PAIRS_PER_CHUNK = 2_000_000


def pair_histogram(x, box, periodic, edges):
    """Ordered pairs i != j per distance bin, minimum image on periodic axes.

    Particles are taken in chunks; chunk [s, s + k) is paired with the tree of
    particles [s, N) keeping i < j, so each pair is found once and memory
    stays bounded (1e5 particles at rmax = 5: ~5 s a frame).
    """
    from scipy.spatial import cKDTree

    x = np.array(x, dtype=float)
    size = np.array(box, dtype=float)
    rmax = edges[-1]
    for d in range(3):
        if periodic[d]:
            x[:, d] = np.mod(x[:, d], size[d])
            x[x[:, d] >= size[d], d] = 0.0  # np.mod can round up onto L
        else:
            # A period longer than the span plus r_max: no pair ever wraps.
            x[:, d] -= x[:, d].min()
            size[d] = x[:, d].max() + 2.0 * rmax + 1.0
    n = len(x)
    bins = len(edges) - 1
    neighbours = n / np.prod(size) * 4.0 / 3.0 * np.pi * rmax ** 3
    chunk = max(256, int(PAIRS_PER_CHUNK / max(neighbours, 1.0)))
    hist = np.zeros(bins)
    for s in range(0, n, chunk):
        pairs = cKDTree(x[s:s + chunk], boxsize=size).sparse_distance_matrix(
            cKDTree(x[s:], boxsize=size), rmax, output_type="ndarray")
        d = pairs["v"][pairs["i"] < pairs["j"]]
        hist += np.bincount(np.minimum((d * (bins / rmax)).astype(np.int64), bins - 1), minlength=bins)
    return 2.0 * hist


def main():
    p = sp.ArgumentParser(description=__doc__.split("\n\n")[0],
                          epilog="example: rdf.py output/run/trajectory.h5 --frames -10: --rmax 4")
    p.add_argument("h5", help="trajectory.h5 or final.h5 (H5MD)")
    p.add_argument("--frames", default=sp.EQUILIBRIUM_FRAMES,
                   help="frames to average: second-half (default: skips the initial configuration), all, "
                        "first, last, 3, -1, 0,5,9 or a slice 10:")
    p.add_argument("--rmax", type=float, help="largest r (default and limit: half the shortest periodic edge)")
    p.add_argument("--bins", type=int, default=200, help="number of r bins (default 200)")
    p.add_argument("-o", "--output", help="PNG to write (default: rdf.png beside the input)")
    p.add_argument("--csv", help="CSV of r,g to write (default: rdf.csv beside the input)")
    args = p.parse_args()
    if args.bins < 1:
        raise sp.BadInput(f"--bins {args.bins} (expected at least 1)")

    t = sp.Trajectory(args.h5)
    frames = sp.parse_frames(args.frames, t.frames)
    if t.n < 2:
        raise sp.BadInput(f"{args.h5}: {t.n} particle(s); g(r) needs two")
    box0 = t.box(frames[0])
    periodic_edges = [box0[d] for d in range(3) if t.periodic[d]]
    limit = 0.5 * min(periodic_edges) if periodic_edges else 0.5 * min(box0)
    rmax = args.rmax if args.rmax is not None else limit
    if not 0 < rmax <= limit * (1 + 1e-12):
        raise sp.BadInput(f"--rmax {rmax} (expected 0 < rmax <= {limit:.6g}, half the shortest periodic edge)")
    edges = np.linspace(0.0, rmax, args.bins + 1)

    hist = np.zeros(args.bins)
    ideal = np.zeros(args.bins)
    shells = 4.0 / 3.0 * np.pi * np.diff(edges ** 3)
    for f in frames:
        box = t.box(f)
        hist += pair_histogram(t.positions(f), box, t.periodic, edges)
        ideal += t.n * (t.n - 1) / np.prod(box) * shells
    g = hist / ideal
    r = 0.5 * (edges[:-1] + edges[1:])
    peak = int(np.argmax(g))

    sp.write_csv(args.csv or sp.default_output(args.h5, "rdf.csv"), ["r", "g"], [r, g])
    plt = sp.pyplot()
    fig, ax = plt.subplots(figsize=(7, 4))
    ax.plot(r, g, lw=1.2)
    ax.axhline(1.0, color="grey", lw=0.8, ls="--")
    ax.annotate(f"peak r = {r[peak]:.4g}", (r[peak], g[peak]), textcoords="offset points", xytext=(8, -4))
    ax.set_xlabel("r (sigma)")
    ax.set_ylabel("g(r)")
    used = sp.describe_frames(frames, t.frames, t.steps)
    ax.set_title(f"{args.h5}: {t.n} particles\naveraged over {used}", fontsize=10)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    sp.save(fig, args.output or sp.default_output(args.h5, "rdf.png"))
    print(f"averaged over {used}")
    print(f"highest peak: r = {r[peak]:.6g}, g = {g[peak]:.6g}")


if __name__ == "__main__":
    sp.run(main)
