"""Open a Strata trajectory.h5 in MDAnalysis, old files included.

    import sys; sys.path.insert(0, "scripts/post")
    import strata_mda
    u = strata_mda.universe("output/run/trajectory.h5")
    for ts in u.trajectory:
        ts.positions, ts.dimensions, ts.time, ts.data["step"], ts.data.get("kinetic_energy")

MDAnalysis' own H5MD reader opens the trajectories Strata writes now (one
/observables row per frame, the box as a [frames][3][3] matrix):
    u = mda.Universe.empty(N, trajectory=False)
    u.load_new(path, format="H5MD", convert_units=False)
This reader adds ts.data["step"] and also opens trajectories of older
Strata, which MDAnalysis 2.4's reader cannot read whole: their observables
are at the thermo cadence (that reader takes row k for frame k and fails
past the end of the shorter series; here a frame gets the row at its
step, if any) and their box is three edge lengths per frame ([frames][3],
for which that reader reports no box; here it becomes ts.dimensions).
Strata's lengths and times are reduced LJ units, which MDAnalysis cannot
convert, so units are left as they are.
"""
import h5py
import numpy as np


def _reader_class():
    from MDAnalysis.coordinates.H5MD import H5MDReader

    class StrataH5MDReader(H5MDReader):
        """H5MDReader that matches observables to frames by step and reads 3-vector boxes."""

        format = "STRATA_H5MD"

        def _read_frame(self, frame):
            ts = super()._read_frame(frame)
            # Older files store a cuboid box as its three edge lengths
            # ([frames][3], as H5MD allows); MDAnalysis 2.4 reads only the
            # [frames][3][3] matrix.
            edges = self._particle_group["box/edges/value"]
            if edges.ndim == 2:
                ts.dimensions = np.concatenate([edges[frame], [90.0, 90.0, 90.0]])
            return ts

        def _copy_to_data(self):
            group = self._particle_group["position"]
            step = int(group["step"][self._frame])
            self.ts.time = float(group["time"][self._frame])
            self.ts.data["step"] = step
            observables = self._file.get("observables")
            if observables is None:
                return
            for name, series in observables.items():
                if not isinstance(series, h5py.Group) or "value" not in series or "step" not in series:
                    continue  # a group of observables (e.g. strata/), not one
                rows = np.flatnonzero(np.asarray(series["step"]) == step)
                if rows.size:
                    self.ts.data[name] = series["value"][rows[0]]

    return StrataH5MDReader


def universe(path):
    """An MDAnalysis Universe (one atom per particle, row i = particle id i)."""
    import MDAnalysis as mda

    with h5py.File(path, "r") as f:
        n_atoms = f["particles/all/position/value"].shape[1]
    u = mda.Universe.empty(n_atoms, trajectory=False)
    u.load_new(path, format=_reader_class(), convert_units=False)
    return u
