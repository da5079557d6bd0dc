#!/usr/bin/python3
"""Open a Strata trajectory with MDAnalysis and compare it with h5py.

Usage: /usr/bin/python3 tests/python/check_mdanalysis.py TRAJECTORY.h5 SCRIPTS_POST_DIR

Through scripts/post/strata_mda.py (MDAnalysis' own H5MD reader, adjusted as
that file explains): the number of atoms and frames, the positions of the
first and last frame (as MDAnalysis' float32), the box, the time, and the
thermo observables of each frame (matched by step) must equal what h5py reads.
"""
import sys
import warnings

import h5py
import numpy as np

warnings.simplefilter("ignore")  # MDAnalysis' own deprecation warnings


def main():
    path, post = sys.argv[1:3]
    sys.path.insert(0, post)
    import strata_mda

    u = strata_mda.universe(path)
    failures = []
    with h5py.File(path, "r") as f:
        pos = f["particles/all/position/value"]
        times = f["particles/all/position/time"][:]
        steps = f["particles/all/position/step"][:]
        edges = f["particles/all/box/edges/value"][:]
        ke_steps = f["observables/kinetic_energy/step"][:]
        ke = f["observables/kinetic_energy/value"][:]
        if u.atoms.n_atoms != pos.shape[1] or len(u.trajectory) != pos.shape[0]:
            failures.append(f"MDAnalysis sees {u.atoms.n_atoms} atoms x {len(u.trajectory)} frames, "
                            f"h5py {pos.shape[1]} x {pos.shape[0]}")
        for frame in (0, pos.shape[0] - 1):
            ts = u.trajectory[frame]
            if not np.array_equal(ts.positions, pos[frame].astype(np.float32)):
                failures.append(f"frame {frame}: positions differ from h5py")
            if ts.dimensions is None or not np.allclose(ts.dimensions[:3], edges[frame]):
                failures.append(f"frame {frame}: box {ts.dimensions}, h5py {edges[frame]}")
            if ts.time != times[frame] or ts.data["step"] != steps[frame]:
                failures.append(f"frame {frame}: time/step {ts.time}/{ts.data['step']}")
            row = np.flatnonzero(ke_steps == steps[frame])
            if row.size and ts.data.get("kinetic_energy") != ke[row[0]]:
                failures.append(f"frame {frame}: kinetic_energy {ts.data.get('kinetic_energy')}, h5py {ke[row[0]]}")
    # MDAnalysis' unmodified H5MD reader opens the same file too.
    import MDAnalysis as mda

    plain = mda.Universe.empty(u.atoms.n_atoms, trajectory=False)
    plain.load_new(path, format="H5MD", convert_units=False)
    with h5py.File(path, "r") as f:
        pos = f["particles/all/position/value"]
        if len(plain.trajectory) != pos.shape[0]:
            failures.append(f"plain H5MDReader sees {len(plain.trajectory)} frames, h5py {pos.shape[0]}")
        for frame in (0, pos.shape[0] - 1):
            if not np.array_equal(plain.trajectory[frame].positions, pos[frame].astype(np.float32)):
                failures.append(f"plain H5MDReader, frame {frame}: positions differ from h5py")
    for msg in failures:
        print("FAIL:", msg)
    if failures:
        sys.exit(1)
    print(f"MDAnalysis check passed: {u.atoms.n_atoms} atoms, {len(u.trajectory)} frames")


if __name__ == "__main__":
    main()
