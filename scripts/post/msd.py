#!/usr/bin/python3
"""Mean squared displacement vs time from a Strata trajectory.

MSD(t) = < |u_i(t) - u_i(t0)|^2 > over particles, from unwrapped positions
u: position + image * box when the trajectory stores the image element;
otherwise each frame is unwrapped from the one before by the minimum
displacement on periodic axes, which is exact only if no particle moves half
a box between consecutive frames. t0 is the first chosen frame. Writes a PNG
and a CSV (step,time,msd) and prints the last MSD and 6 D = MSD / t.
"""
import numpy as np

import strata_post as sp


def main():
    p = sp.ArgumentParser(description=__doc__.split("\n\n")[0],
                          epilog="example: msd.py output/run/trajectory.h5 --frames 0:")
    p.add_argument("h5", help="trajectory.h5 (two or more frames)")
    p.add_argument("--frames", default="all", help="frames to use: all (default), a list 0,5,9 or a slice 0::10")
    p.add_argument("--unwrap", choices=("auto", "image", "minimum"), default="auto",
                   help="image: use the image element; minimum: minimum displacement between consecutive "
                        "frames; auto (default): image when stored")
    p.add_argument("-o", "--output", help="PNG to write (default: msd.png beside the input)")
    p.add_argument("--csv", help="CSV to write (default: msd.csv beside the input)")
    args = p.parse_args()

    t = sp.Trajectory(args.h5)
    frames = sp.parse_frames(args.frames, t.frames)
    if len(frames) < 2:
        raise sp.BadInput(f"{args.h5}: MSD needs two or more frames, {len(frames)} chosen")
    if frames != sorted(frames):
        raise sp.BadInput(f"--frames {args.frames!r}: frames must be in increasing order")
    method = args.unwrap
    if method == "auto":
        method = "image" if t.image is not None else "minimum"
    if method == "image" and t.image is None:
        raise sp.BadInput(f"{args.h5}: no image element; use --unwrap minimum")

    msd = []
    if method == "image":
        start = t.unwrapped(frames[0])
        for f in frames:
            msd.append(np.mean(np.sum((t.unwrapped(f) - start) ** 2, axis=1)))
    else:
        # Walk every frame between the chosen ones: the unwrap needs them all.
        wanted = set(frames)
        previous = t.positions(frames[0])
        unwrapped = previous.copy()
        start = unwrapped.copy()
        for f in range(frames[0], frames[-1] + 1):
            if f > frames[0]:
                x = t.positions(f)
                step = x - previous
                box = t.box(f)
                for d in range(3):
                    if t.periodic[d]:
                        step[:, d] -= box[d] * np.round(step[:, d] / box[d])
                unwrapped += step
                previous = x
            if f in wanted:
                msd.append(np.mean(np.sum((unwrapped - start) ** 2, axis=1)))
    msd = np.array(msd)
    steps = t.steps[frames]
    times = t.times[frames]
    lag = times - times[0]

    sp.write_csv(args.csv or sp.default_output(args.h5, "msd.csv"), ["step", "time", "msd"], [steps, lag, msd])
    plt = sp.pyplot()
    fig, ax = plt.subplots(figsize=(7, 4))
    ax.plot(lag, msd, marker="o" if len(lag) < 40 else None, ms=3, lw=1.2)
    ax.set_xlabel("time since the first frame (tau)")
    ax.set_ylabel("MSD (sigma^2)")
    ax.set_title(f"{args.h5}: {t.n} particles, unwrapped by {method}")
    ax.grid(alpha=0.3)
    fig.tight_layout()
    sp.save(fig, args.output or sp.default_output(args.h5, "msd.png"))
    six_d = msd[-1] / lag[-1] if lag[-1] > 0 else float("nan")
    print(f"MSD at t = {lag[-1]:.6g}: {msd[-1]:.6g} (MSD/t = {six_d:.6g}; 6 D for diffusion)")


if __name__ == "__main__":
    sp.run(main)
