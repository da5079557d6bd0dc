#!/usr/bin/python3
"""Particles per MPI rank over time: how balanced the slab decomposition was.

Reads /observables/particles_per_rank (one row per frame, or per thermo
step in trajectories of older Strata; one column per rank) from a Strata
trajectory. Plots one line per rank (a heat
map beyond 16 ranks) and the imbalance max/mean, writes a CSV (step,time,
rank0,rank1,...) and prints the worst imbalance.
"""
import numpy as np

import strata_post as sp

SERIES = "observables/particles_per_rank"


def main():
    p = sp.ArgumentParser(description=__doc__.split("\n\n")[0],
                          epilog="example: ranks.py output/run/trajectory.h5")
    p.add_argument("h5", help="trajectory.h5 written by strata")
    p.add_argument("-o", "--output", help="PNG to write (default: ranks.png beside the input)")
    p.add_argument("--csv", help="CSV to write (default: ranks.csv beside the input)")
    args = p.parse_args()

    import h5py

    try:
        f = h5py.File(args.h5, "r")
    except FileNotFoundError:
        raise sp.BadInput(f"{args.h5}: no such file")
    except OSError:
        raise sp.BadInput(f"{args.h5}: not an HDF5 file")
    with f:
        if SERIES + "/value" not in f:
            raise sp.BadInput(f"{args.h5}: no /{SERIES} (not a Strata trajectory, or one with no frame yet)")
        counts = np.asarray(f[SERIES + "/value"], dtype=np.int64)
        rows = counts.shape[0]
        steps = np.asarray(f[SERIES + "/step"][:rows])
        times = np.asarray(f[SERIES + "/time"][:rows], dtype=float)
    if counts.ndim != 2 or rows == 0:
        raise sp.BadInput(f"{args.h5}: /{SERIES}/value holds no [rows][ranks] data")
    ranks = counts.shape[1]
    mean = counts.sum(axis=1) / ranks
    imbalance = counts.max(axis=1) / np.where(mean > 0, mean, 1.0)

    sp.write_csv(args.csv or sp.default_output(args.h5, "ranks.csv"),
                 ["step", "time"] + [f"rank{r}" for r in range(ranks)],
                 [steps, times] + [counts[:, r] for r in range(ranks)])
    plt = sp.pyplot()
    fig, (top, bottom) = plt.subplots(2, 1, sharex=True, figsize=(8, 6), gridspec_kw={"height_ratios": [3, 1]})
    if ranks <= 16:
        for r in range(ranks):
            top.plot(times, counts[:, r], lw=1.2, label=f"rank {r}")
        top.legend(fontsize="small", ncol=4)
        top.set_ylabel("particles")
    else:
        image = top.imshow(counts.T, aspect="auto", origin="lower", interpolation="nearest",
                           extent=[times[0], times[-1] if rows > 1 else times[0] + 1, -0.5, ranks - 0.5])
        fig.colorbar(image, ax=top, label="particles")
        top.set_ylabel("rank")
    top.set_title(f"{args.h5}: particles per rank ({ranks} ranks)")
    bottom.plot(times, imbalance, color="black", lw=1.2)
    bottom.set_ylabel("max / mean")
    bottom.set_xlabel("time (tau)")
    for ax in (top, bottom):
        ax.grid(alpha=0.3)
    fig.tight_layout()
    sp.save(fig, args.output or sp.default_output(args.h5, "ranks.png"))
    worst = int(np.argmax(imbalance))
    print(f"worst imbalance max/mean = {imbalance[worst]:.4g} at step {steps[worst]}")


if __name__ == "__main__":
    sp.run(main)
