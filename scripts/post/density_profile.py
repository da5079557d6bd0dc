#!/usr/bin/python3
"""Number density along one axis: its average over frames, and over time.

Each chosen frame (by default the second half of the file's frames: the first
hold the initial configuration and its relaxation) is binned along the axis
(positions wrapped into the box on a periodic axis); the density of a bin is
its particle count over the bin's volume (box cross-section times bin
width), in sigma^-3. Writes a PNG (left: the profile averaged over the chosen
frames, with its standard error over frames; right: a heat map, time across,
coordinate up, colour = density; the title says which frames were used) and
a CSV: one row per frame, step,time, then one column per bin (named by the
bin centre).
"""
import numpy as np

import strata_post as sp

AXES = {"x": 0, "y": 1, "z": 2}


def main():
    p = sp.ArgumentParser(description=__doc__.split("\n\n")[0],
                          epilog="example: density_profile.py output/run/trajectory.h5 --axis z --bins 50")
    p.add_argument("h5", help="trajectory.h5 or final.h5 (H5MD)")
    p.add_argument("--axis", default="x", choices=sorted(AXES), help="axis of the profile (default x)")
    p.add_argument("--bins", type=int, default=50, help="bins along the axis (default 50)")
    p.add_argument("--frames", default=sp.EQUILIBRIUM_FRAMES,
                   help="frames: second-half (default: skips the initial configuration), all, last, "
                        "a list 0,5,9 or a slice ::10")
    p.add_argument("-o", "--output", help="PNG to write (default: density_profile.png beside the input)")
    p.add_argument("--csv", help="CSV to write (default: density_profile.csv beside the input)")
    args = p.parse_args()
    if args.bins < 1:
        raise sp.BadInput(f"--bins {args.bins} (expected at least 1)")

    t = sp.Trajectory(args.h5)
    frames = sp.parse_frames(args.frames, t.frames)
    axis = AXES[args.axis]
    L = t.box(frames[0])[axis]
    edges = np.linspace(0.0, L, args.bins + 1)
    rows = []
    for f in frames:
        box = t.box(f)
        if box[axis] != L:
            raise sp.BadInput(f"{args.h5}: the box changes along {args.axis}; profiles would not line up")
        s = np.asarray(t.position[f][:, axis], dtype=float)
        if t.periodic[axis]:
            # Between neighbour-list rebuilds a run may hold positions just
            # outside the box; on a periodic axis they belong inside.
            s = np.mod(s, L)
        # np.mod can round up onto L, and a reflecting wall lets a particle
        # sit exactly on L: count both in the last bin.
        counts, _ = np.histogram(np.clip(s, 0.0, np.nextafter(L, 0.0)), bins=edges)
        cross_section = np.prod(box) / box[axis]
        rows.append(counts / (cross_section * np.diff(edges)))
    density = np.array(rows)
    centres = 0.5 * (edges[:-1] + edges[1:])
    times = t.times[frames]

    header = ["step", "time"] + [f"{c:.6g}" for c in centres]
    sp.write_csv(args.csv or sp.default_output(args.h5, "density_profile.csv"), header,
                 [t.steps[frames], times] + [density[:, k] for k in range(args.bins)])
    used = sp.describe_frames(frames, t.frames, t.steps)
    mean = density.mean(axis=0)
    # Frames are correlated in time, so this understates the error of a
    # slowly relaxing profile; it shows how much the frames scatter.
    sem = density.std(axis=0, ddof=1) / np.sqrt(len(frames)) if len(frames) > 1 else np.zeros_like(mean)
    plt = sp.pyplot()
    fig, (avg, ax) = plt.subplots(1, 2, figsize=(11, 4.5), gridspec_kw={"width_ratios": [1, 2]}, sharey=True)
    avg.plot(mean, centres, lw=1.2)
    avg.fill_betweenx(centres, mean - sem, mean + sem, alpha=0.3, lw=0)
    avg.set_xlabel("number density (sigma^-3)")
    avg.set_ylabel(f"{args.axis} (sigma)")
    avg.set_title("average (band: standard error over frames)", fontsize=9)
    avg.grid(alpha=0.3)
    # Frame k spans the time half-way to its neighbours.
    if len(times) > 1:
        mids = 0.5 * (times[:-1] + times[1:])
        t_edges = np.concatenate([[times[0] - (mids[0] - times[0])], mids, [times[-1] + (times[-1] - mids[-1])]])
    else:
        t_edges = np.array([times[0] - 0.5, times[0] + 0.5])
    mesh = ax.pcolormesh(t_edges, edges, density.T, shading="flat", cmap="viridis")
    fig.colorbar(mesh, ax=ax, label="number density (sigma^-3)")
    ax.set_xlabel("time (tau)")
    fig.suptitle(f"{args.h5}: density along {args.axis}, {used}", fontsize=10)
    fig.tight_layout()
    sp.save(fig, args.output or sp.default_output(args.h5, "density_profile.png"))
    print(f"averaged over {used}")
    print(f"mean density {density.mean():.6g} sigma^-3, min {density.min():.6g}, max {density.max():.6g}")


if __name__ == "__main__":
    sp.run(main)
