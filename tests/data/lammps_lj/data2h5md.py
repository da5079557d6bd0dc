#!/usr/bin/python3
"""Convert a LAMMPS data file (atom_style atomic, with Velocities) to an H5MD
1.1 frame Strata reads as an initial state (particles.placement = "file").

usage: data2h5md.py initial.data initial.h5
Ids become 0-based (LAMMPS id - 1), types 0-based species; image flags kept.
"""
import sys

import h5py
import numpy as np


def sections(lines):
    out, name = {}, None
    for line in lines:
        s = line.split("#")[0].strip()
        if not s:
            continue
        if s in ("Atoms", "Velocities", "Masses") or s.startswith("Atoms"):
            name = s.split()[0]
            out[name] = []
        elif name:
            out[name].append(s.split())
        else:
            out.setdefault("header", []).append(s.split())
    return out


def main(src, dst):
    sec = sections(open(src).read().splitlines())
    box = []
    for words in sec["header"]:
        if len(words) == 4 and words[2].endswith("lo") and words[3].endswith("hi"):
            box.append((float(words[0]), float(words[1])))
    atoms = sorted(sec["Atoms"], key=lambda w: int(w[0]))
    vel = {int(w[0]): [float(x) for x in w[1:4]] for w in sec["Velocities"]}
    n = len(atoms)
    ids = np.array([int(w[0]) - 1 for w in atoms], dtype=np.int64)
    species = np.array([int(w[1]) - 1 for w in atoms], dtype=np.int32)
    lo = np.array([b[0] for b in box])
    edges = np.array([b[1] - b[0] for b in box])
    pos = np.array([[float(x) for x in w[2:5]] for w in atoms]) - lo
    img = np.array([[int(x) for x in w[5:8]] for w in atoms], dtype=np.int32) if len(atoms[0]) >= 8 else np.zeros((n, 3), np.int32)
    v = np.array([vel[int(w[0])] for w in atoms])
    with h5py.File(dst, "w") as f:
        h5 = f.create_group("h5md")
        h5.attrs["version"] = np.array([1, 1], dtype=np.int32)
        f.create_group("h5md/author").attrs["name"] = "LAMMPS data converted by data2h5md.py"
        c = f.create_group("h5md/creator")
        c.attrs["name"] = "LAMMPS"
        c.attrs["version"] = "Debian 12 lammps"
        all_ = f.create_group("particles/all")
        b = all_.create_group("box")
        b.attrs["dimension"] = 3
        b.attrs["boundary"] = np.array([b"periodic"] * 3, dtype="S8")
        b.create_dataset("edges", data=edges)
        for name, data in (("position", pos), ("velocity", v), ("image", img), ("id", ids), ("species", species)):
            g = all_.create_group(name)
            g.create_dataset("step", data=np.array([0], dtype=np.int64))
            g.create_dataset("time", data=np.array([0.0]))
            g.create_dataset("value", data=data[np.newaxis])
    print(f"{dst}: {n} particles, box {edges}")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        print(__doc__)
        sys.exit(2)
    main(sys.argv[1], sys.argv[2])
