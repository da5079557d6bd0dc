#!/usr/bin/python3
"""Structural check of an H5MD frame file written by Strata (io/H5mdWriter).

Usage: /usr/bin/python3 tests/python/check_h5md.py FILE [--count N]

Checks the H5MD 1.1 layout Strata promises (groups, attributes, shapes,
dtypes) and the content invariants (ids a permutation of 0..N-1, positions
inside the box on periodic axes). Prints every failure and exits 1, or prints
"h5md check passed: N particles" and exits 0.
"""
import argparse
import sys

import h5py
import numpy as np

# Particles per block when scanning values, so big files need bounded memory.
BLOCK = 1 << 20

# name -> (dtype, components per particle; 0 for a scalar per particle)
ELEMENTS = {
    "position": (np.float64, 3),
    "velocity": (np.float64, 3),
    "image": (np.int32, 3),
    "id": (np.int64, 0),
    "species": (np.int32, 0),
}


def text(value):
    """An HDF5 string attribute as str, whether h5py gives bytes or str."""
    if isinstance(value, np.ndarray) and value.shape == ():
        value = value[()]
    if isinstance(value, (bytes, np.bytes_)):
        return value.decode("ascii", "replace")
    return str(value)


class Checker:
    def __init__(self, f):
        self.f = f
        self.failures = []

    def fail(self, msg):
        self.failures.append(msg)

    def group(self, path):
        obj = self.f.get(path)
        if not isinstance(obj, h5py.Group):
            self.fail(f"{path}: missing group")
            return None
        return obj

    def dataset(self, path, dtype, shape=None):
        obj = self.f.get(path)
        if not isinstance(obj, h5py.Dataset):
            self.fail(f"{path}: missing dataset")
            return None
        if obj.dtype != np.dtype(dtype):
            self.fail(f"{path}: dtype {obj.dtype}, expected {np.dtype(dtype)}")
            return None
        if shape is not None and obj.shape != shape:
            self.fail(f"{path}: shape {obj.shape}, expected {shape}")
            return None
        return obj

    def attr(self, obj, name):
        if obj is None:
            return None
        if name not in obj.attrs:
            self.fail(f"{obj.name}: missing attribute {name}")
            return None
        return obj.attrs[name]

    def string_attr(self, obj, name, expected=None):
        value = self.attr(obj, name)
        if value is None:
            return
        if not isinstance(value, (bytes, np.bytes_, str)) and not (
            isinstance(value, np.ndarray) and value.shape == () and value.dtype.kind in "SUO"
        ):
            self.fail(f"{obj.name}@{name}: not a scalar string ({value!r})")
        elif expected is not None and text(value) != expected:
            self.fail(f"{obj.name}@{name} = {text(value)!r}, expected {expected!r}")
        elif not text(value):
            self.fail(f"{obj.name}@{name}: empty")

    def check_h5md(self):
        top = set(self.f.keys())
        if top != {"h5md", "particles"}:
            self.fail(f"/: top-level groups {sorted(top)}, expected ['h5md', 'particles']")
        h5md = self.group("/h5md")
        version = self.attr(h5md, "version")
        if version is not None:
            v = np.asarray(version)
            if v.dtype.kind not in "iu" or v.shape != (2,) or list(v) != [1, 1]:
                self.fail(f"/h5md@version = {version!r}, expected int [1, 1]")
        self.string_attr(self.group("/h5md/author"), "name", "Strata")
        creator = self.group("/h5md/creator")
        self.string_attr(creator, "name", "strata")
        self.string_attr(creator, "version")

    def check_box(self):
        """Returns the edges and which axes are periodic, or None."""
        box = self.group("/particles/all/box")
        dimension = self.attr(box, "dimension")
        if dimension is not None:
            d = np.asarray(dimension)
            if d.dtype.kind not in "iu" or d.size != 1 or int(d.ravel()[0]) != 3:
                self.fail(f"/particles/all/box@dimension = {dimension!r}, expected 3")
        boundary = self.attr(box, "boundary")
        periodic = None
        if boundary is not None:
            b = np.asarray(boundary)
            names = [text(x) for x in b.ravel()]
            if b.dtype.kind != "S" or b.shape != (3,):
                self.fail(f"/particles/all/box@boundary: {b.dtype} {b.shape}, expected fixed-length strings (3,)")
            elif any(n not in ("periodic", "none") for n in names):
                self.fail(f"/particles/all/box@boundary = {names}, expected 'periodic' or 'none' each")
            else:
                periodic = [n == "periodic" for n in names]
        edges = self.dataset("/particles/all/box/edges", np.float64, (3,))
        if edges is None:
            return None
        L = edges[()]
        if not np.all(np.isfinite(L)) or np.any(L <= 0):
            self.fail(f"/particles/all/box/edges = {L}, expected positive lengths")
            return None
        return (L, periodic) if periodic is not None else None

    def check_element(self, name, dtype, components):
        """Checks the element's structure; returns its value dataset and step/time, or None."""
        where = f"/particles/all/{name}"
        if self.group(where) is None:
            return None
        step = self.dataset(f"{where}/step", np.int64)
        time = self.dataset(f"{where}/time", np.float64)
        value = self.dataset(f"{where}/value", dtype)
        if step is None or time is None or value is None:
            return None
        rank = 3 if components else 2
        if len(value.shape) != rank or (components and value.shape[2] != 3):
            want = "[frames][N][3]" if components else "[frames][N]"
            self.fail(f"{where}/value: shape {value.shape}, expected {want}")
            return None
        frames = value.shape[0]
        if frames < 1 or step.shape != (frames,) or time.shape != (frames,):
            self.fail(f"{where}: value has {frames} frames, step {step.shape}, time {time.shape}")
            return None
        if value.maxshape[0] is not None:
            self.fail(f"{where}/value: frame dimension not extendible (maxshape {value.maxshape})")
        return value, int(step[-1]), float(time[-1])

    def check_values(self, elements, box):
        n = elements["position"][0].shape[1]
        seen = np.zeros(n, dtype=bool)
        L, periodic = box if box else (None, None)
        for lo in range(0, n, BLOCK):
            hi = min(n, lo + BLOCK)
            if "id" in elements:
                ids = elements["id"][0][-1, lo:hi]
                if ids.size and (ids.min() < 0 or ids.max() >= n):
                    self.fail(f"/particles/all/id: ids outside 0..{n - 1}")
                    return
                if np.unique(ids).size != ids.size or seen[ids].any():
                    self.fail("/particles/all/id: repeated ids")
                    return
                seen[ids] = True
            if "position" in elements:
                pos = elements["position"][0][-1, lo:hi, :]
                if not np.all(np.isfinite(pos)):
                    self.fail("/particles/all/position: non-finite values")
                    return
                if L is not None:
                    for axis in range(3):
                        x = pos[:, axis]
                        if periodic[axis] and x.size and (x.min() < 0 or x.max() >= L[axis]):
                            self.fail(f"/particles/all/position: axis {axis} leaves [0, {L[axis]}) "
                                      f"(min {x.min()}, max {x.max()})")
                            return
            if "velocity" in elements and not np.all(np.isfinite(elements["velocity"][0][-1, lo:hi, :])):
                self.fail("/particles/all/velocity: non-finite values")
                return
            if "species" in elements:
                sp = elements["species"][0][-1, lo:hi]
                if sp.size and sp.min() < 0:
                    self.fail("/particles/all/species: negative species")
                    return

    def run(self, count):
        self.check_h5md()
        if self.group("/particles") is not None and set(self.f["/particles"].keys()) != {"all"}:
            self.fail(f"/particles: groups {sorted(self.f['/particles'].keys())}, expected ['all']")
        if self.group("/particles/all") is None:
            return None
        box = self.check_box()
        elements = {}
        for name, (dtype, components) in ELEMENTS.items():
            found = self.check_element(name, dtype, components)
            if found is not None:
                elements[name] = found
        if "position" not in elements:
            return None
        n = elements["position"][0].shape[1]
        for name, (value, step, time) in elements.items():
            if value.shape[1] != n:
                self.fail(f"/particles/all/{name}: {value.shape[1]} particles, position has {n}")
            if (step, time) != elements["position"][1:]:
                self.fail(f"/particles/all/{name}: last frame at step {step}, time {time}, "
                          f"position's at {elements['position'][1:]}")
        if count is not None and n != count:
            self.fail(f"/particles/all/position: {n} particles, expected {count}")
        if not self.failures:
            self.check_values(elements, box)
        return n


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file")
    parser.add_argument("--count", type=int, help="expected number of particles")
    args = parser.parse_args()
    try:
        f = h5py.File(args.file, "r")
    except OSError as e:
        print(f"{args.file}: cannot open as HDF5: {e}")
        return 1
    with f:
        checker = Checker(f)
        try:
            n = checker.run(args.count)
        except Exception as e:  # a malformed file must report, not crash
            checker.fail(f"unexpected error while checking: {type(e).__name__}: {e}")
            n = None
    for msg in checker.failures:
        print(f"{args.file}: {msg}")
    if checker.failures or n is None:
        if not checker.failures:
            print(f"{args.file}: no particles to check")
        return 1
    print(f"h5md check passed: {n} particles")
    return 0


if __name__ == "__main__":
    sys.exit(main())
