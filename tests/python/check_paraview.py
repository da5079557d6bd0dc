"""Open a Strata trajectory.xmf in ParaView and compare what it reads with h5py.

Usage: pvbatch tests/python/check_paraview.py TRAJECTORY.xmf TRAJECTORY.h5

Runs under ParaView's pvbatch (Debian's paraview 5.11 with python3-paraview);
reading needs no display (rendering would: Debian's build has X OpenGL only).
Through ParaView's "XDMF Reader" (vtkXdmfReader, what docs/trajectory.md
tells users to pick), checks that:
  - the time steps are the frames' times, every one of them;
  - each time step has N points at that frame's positions (bitwise), inside
    the box on periodic axes;
  - each stored element (velocity, image, id, species, force) is a point
    array equal to the file's, and no other point array is there;
  - the field data "box" is that frame's box matrix.
Prints every failure and exits 1, or prints "paraview check passed".
"""
import sys

import h5py
import numpy as np
from paraview import servermanager
from paraview.simple import XDMFReader
from paraview.vtk.numpy_interface import dataset_adapter as dsa

ELEMENTS = ("velocity", "image", "id", "species", "force")


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    xmf, h5 = sys.argv[1:]
    failures = []
    fail = failures.append
    with h5py.File(h5, "r") as f:
        times = f["particles/all/position/time"][:]
        position = f["particles/all/position/value"]
        edges = f["particles/all/box/edges/value"]
        boundary = [b.decode() if isinstance(b, bytes) else str(b) for b in f["particles/all/box"].attrs["boundary"]]
        stored = {e: f[f"particles/all/{e}/value"] for e in ELEMENTS if f"particles/all/{e}/value" in f}

        reader = XDMFReader(FileNames=[xmf])
        reader.UpdatePipelineInformation()
        steps = list(reader.TimestepValues)
        if steps != list(times):
            fail(f"ParaView sees times {steps}, the file holds frames at {list(times)}")
        for k, t in enumerate(times):
            reader.UpdatePipeline(t)
            data = dsa.WrapDataObject(servermanager.Fetch(reader))
            where = f"frame {k} (t = {t})"
            points = np.asarray(data.Points)
            if points.shape != position.shape[1:] or not np.array_equal(points, position[k]):
                fail(f"{where}: points {points.shape} are not the frame's positions {position.shape[1:]}")
                continue
            box = np.diag(edges[k])
            for d in range(3):
                if boundary[d] == "periodic" and not (points[:, d].min() >= 0 and points[:, d].max() < box[d]):
                    fail(f"{where}: axis {d} spans [{points[:, d].min()}, {points[:, d].max()}], box {box[d]}")
            names = set(data.PointData.keys())
            if names != set(stored):
                fail(f"{where}: point arrays {sorted(names)}, the file stores {sorted(stored)}")
            for name in names & set(stored):
                got = np.asarray(data.PointData[name])
                if not np.array_equal(got.reshape(stored[name].shape[1:]), stored[name][k]):
                    fail(f"{where}: {name} differs from the file's")
            if "box" not in data.FieldData.keys():
                fail(f"{where}: no box in the field data")
            elif not np.array_equal(np.asarray(data.FieldData["box"]).reshape(3, 3), edges[k]):
                fail(f"{where}: field data box {np.asarray(data.FieldData['box']).tolist()}, file {edges[k].tolist()}")
    for msg in failures:
        print("FAIL:", msg)
    if failures:
        sys.exit(1)
    print(f"paraview check passed: {len(times)} frames of {position.shape[1]} particles, "
          f"point arrays {sorted(stored)}, box as field data")


if __name__ == "__main__":
    main()
