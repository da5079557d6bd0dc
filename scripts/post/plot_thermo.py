#!/usr/bin/python3
"""Plot every numeric column of a Strata thermo.csv against time.

One panel per column (kinetic_energy, msd, particles, and temperature,
pressure or energies when the run logs them), sharing the time axis. Prints
the columns it drew. Exit status 2 with one line on stderr for bad input.
"""
import csv
import math

import strata_post as sp


def read_thermo(path):
    """(header, rows of floats); rows that do not parse are an error."""
    try:
        with open(path, newline="") as f:
            rows = list(csv.reader(f))
    except FileNotFoundError:
        raise sp.BadInput(f"{path}: no such file")
    except (UnicodeDecodeError, csv.Error):
        raise sp.BadInput(f"{path}: not a CSV text file")
    if not rows or not rows[0]:
        raise sp.BadInput(f"{path}: empty (expected a header line such as step,time,...)")
    header = [h.strip() for h in rows[0]]
    data = []
    for line, row in enumerate(rows[1:], start=2):
        if not row:
            continue
        if len(row) != len(header):
            raise sp.BadInput(f"{path}:{line}: {len(row)} fields, the header has {len(header)}")
        try:
            data.append([float(v) for v in row])
        except ValueError:
            raise sp.BadInput(f"{path}:{line}: a field is not a number")
    if not data:
        raise sp.BadInput(f"{path}: no rows after the header")
    return header, data


def main():
    p = sp.ArgumentParser(description=__doc__.split("\n\n")[0],
                          epilog="example: plot_thermo.py output/run/thermo.csv -o thermo.png")
    p.add_argument("thermo", help="thermo.csv written by strata")
    p.add_argument("-o", "--output", help="PNG to write (default: thermo.png beside the input)")
    p.add_argument("--x", default="time", help="column for the horizontal axis (default: time, else step)")
    args = p.parse_args()

    header, data = read_thermo(args.thermo)
    xname = args.x if args.x in header else ("step" if "step" in header and args.x == "time" else None)
    if xname is None:
        raise sp.BadInput(f"{args.thermo}: no column {args.x!r} (columns: {', '.join(header)})")
    xi = header.index(xname)
    # step and time are axes, not observables.
    ys = [i for i, h in enumerate(header) if h not in ("step", "time", xname)]
    if not ys:
        raise sp.BadInput(f"{args.thermo}: nothing to plot besides {xname}")
    x = [row[xi] for row in data]

    plt = sp.pyplot()
    fig, axes = plt.subplots(len(ys), 1, sharex=True, figsize=(7, 1.9 * len(ys) + 0.8), squeeze=False)
    for ax, i in zip(axes[:, 0], ys):
        y = [row[i] for row in data]
        ax.plot(x, y, marker="." if len(x) < 50 else None, lw=1.2)
        ax.set_ylabel(header[i].replace("_", " "))
        if all(math.isfinite(v) for v in y) and max(y) == min(y):
            # A constant (particles) would otherwise sit on an axis of width 0.
            pad = abs(y[0]) * 0.1 or 1.0
            ax.set_ylim(y[0] - pad, y[0] + pad)
        ax.grid(alpha=0.3)
    axes[-1, 0].set_xlabel(f"{xname} (tau)" if xname == "time" else xname)
    fig.suptitle(args.thermo)
    fig.tight_layout()
    sp.save(fig, args.output or sp.default_output(args.thermo, "thermo.png"))
    print("columns: " + ", ".join(header[i] for i in ys))


if __name__ == "__main__":
    sp.run(main)
