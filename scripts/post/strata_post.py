"""Shared plumbing of Strata's post-processing tools (scripts/post/*.py).

- Bad input (a missing or foreign file, a bad option) ends the tool with
  exit status 2 and one line on stderr: "<tool>: error: <what>".
- Reading Strata's H5MD files: trajectory.h5 (time series, rows in id order)
  and final.h5 (one frame, rows in rank order, an id element).
- Figures are drawn with matplotlib's Agg backend: no display needed.

Units are Strata's reduced LJ units (length sigma, time tau).
"""
import argparse
import os
import sys

import numpy as np

EXIT_BAD_INPUT = 2


class BadInput(Exception):
    """An error the user can fix; reported as one line, exit status 2."""


class ArgumentParser(argparse.ArgumentParser):
    """argparse, but a bad command line is one line and exit status 2."""

    def error(self, message):
        sys.stderr.write(f"{self.prog}: error: {message}\n")
        sys.exit(EXIT_BAD_INPUT)


def run(main):
    """Runs main(); BadInput and unreadable files become one line and exit 2."""
    prog = os.path.basename(sys.argv[0])
    try:
        main()
    except BadInput as e:
        sys.stderr.write(f"{prog}: error: {e}\n")
        sys.exit(EXIT_BAD_INPUT)
    except (OSError, KeyError) as e:  # e.g. h5py: not an HDF5 file, missing object
        sys.stderr.write(f"{prog}: error: {e}\n")
        sys.exit(EXIT_BAD_INPUT)


def pyplot():
    """matplotlib.pyplot on the Agg backend (files only, no display)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def save(fig, path):
    fig.savefig(path, dpi=120)
    print(f"wrote {path}")


def default_output(input_path, name):
    """<name> beside the input file."""
    return os.path.join(os.path.dirname(os.path.abspath(input_path)), name)


# What structural averages (g(r), density profiles) take by default: the
# first frames hold the initial configuration (a lattice, say) and the
# relaxation from it, which an equilibrium average must leave out.
EQUILIBRIUM_FRAMES = "second-half"


def parse_frames(spec, count):
    """Frame indices from "all", "second-half" (frames count//2 onwards), "last",
    "first", "3", "-1", "2:10:2" or "0,5,9"."""
    if count == 0:
        raise BadInput("the file holds no frames")
    spec = spec.strip()
    if spec == "all":
        return list(range(count))
    if spec == "second-half":
        return list(range(count // 2, count))
    if spec == "last":
        return [count - 1]
    if spec == "first":
        return [0]
    try:
        if ":" in spec:
            parts = [int(p) if p else None for p in spec.split(":")]
            if len(parts) > 3:
                raise ValueError
            picked = list(range(count))[slice(*parts)]
        else:
            picked = []
            for p in spec.split(","):
                i = int(p)
                if not -count <= i < count:
                    raise BadInput(f"frame {i} does not exist (the file holds {count} frames)")
                picked.append(i % count)
    except ValueError:
        raise BadInput(f"--frames {spec!r} (expected all, second-half, first, last, an index, a list 0,5,9 "
                       "or a slice 0:10:2)")
    if not picked:
        raise BadInput(f"--frames {spec!r} selects no frame of {count}")
    return picked


def describe_frames(frames, count, steps):
    """Which frames were used, for titles and output: "frames 4-8 of 9 (steps 200-400)"."""
    if len(frames) == 1:
        return f"frame {frames[0]} of {count} (step {steps[frames[0]]})"
    if frames == list(range(frames[0], frames[-1] + 1)):
        return f"frames {frames[0]}-{frames[-1]} of {count} (steps {steps[frames[0]]}-{steps[frames[-1]]})"
    return f"{len(frames)} frames of {count} (steps {', '.join(str(steps[f]) for f in frames)})"


def _text(value):
    if isinstance(value, np.ndarray) and value.shape == ():
        value = value[()]
    if isinstance(value, (bytes, np.bytes_)):
        return value.decode("ascii", "replace")
    return str(value)


class Trajectory:
    """The particles of a Strata H5MD file, one frame at a time.

    Works for trajectory.h5 (frames [F][N][3], row i = particle i) and for
    final.h5 or any one-group H5MD file (rows sorted by the id element when
    there is one, so row i is particle i in every frame either way).
    """

    def __init__(self, path):
        import h5py

        if not os.path.exists(path):
            raise BadInput(f"{path}: no such file")
        try:
            self.file = h5py.File(path, "r")
        except OSError:
            raise BadInput(f"{path}: not an HDF5 file")
        self.path = path
        particles = self.file.get("particles")
        if not isinstance(particles, h5py.Group) or len(particles) == 0:
            raise BadInput(f"{path}: not an H5MD file (no /particles group)")
        self.group = particles[sorted(particles.keys())[0]]
        pos = self.group.get("position/value")
        if pos is None or pos.ndim != 3 or pos.shape[2] != 3:
            raise BadInput(f"{path}: no position/value of shape [frames][N][3] in {self.group.name}")
        self.position = pos
        self.frames = pos.shape[0]
        self.n = pos.shape[1]
        edges = self.group.get("box/edges")
        if edges is None:
            raise BadInput(f"{path}: no box/edges in {self.group.name}")
        # Time-dependent (a group: value [F][3] or [F][3][3]) or fixed (a
        # dataset [3] or [3][3]); H5MD allows the edge lengths or the matrix.
        self._timed = isinstance(edges, h5py.Group)
        self._edges = edges["value"] if self._timed else edges
        if self._edges.shape[int(self._timed):] not in ((3,), (3, 3)) or (self._timed and self._edges.shape[0] == 0):
            raise BadInput(f"{path}: box/edges has shape {self._edges.shape}, expected "
                           f"{'[frames]' if self._timed else ''}[3] or [3][3]")
        boundary = self.group["box"].attrs.get("boundary")
        if boundary is None:
            self.periodic = np.ones(3, dtype=bool)
        else:
            self.periodic = np.array([_text(b) == "periodic" for b in np.atleast_1d(boundary)])
        step = self.group.get("position/step")
        time = self.group.get("position/time")
        self.steps = np.asarray(step[: self.frames]) if step is not None and step.ndim == 1 else np.arange(self.frames)
        self.times = (
            np.asarray(time[: self.frames], dtype=float) if time is not None and time.ndim == 1
            else self.steps.astype(float))
        image = self.group.get("image/value")
        self.image = image if image is not None and image.shape == pos.shape else None
        ids = self.group.get("id/value")
        self._ids = ids if ids is not None and ids.shape == pos.shape[:2] else None

    def box(self, frame):
        """The three edge lengths of the (cuboid) box at a frame."""
        e = np.asarray(self._edges[frame] if self._timed else self._edges[()], dtype=float)
        if e.shape == (3, 3):
            if np.count_nonzero(e - np.diag(np.diag(e))):
                raise BadInput(f"{self.path}: the box is triclinic ({e.tolist()}); these tools handle cuboid boxes")
            e = np.diag(e).copy()
        return e

    def _order(self, frame):
        if self._ids is None:
            return None
        ids = np.asarray(self._ids[frame])
        if np.array_equal(ids, np.arange(self.n)):
            return None
        return np.argsort(ids, kind="stable")

    def positions(self, frame):
        """[N][3] wrapped positions of one frame, row i = particle i."""
        x = np.asarray(self.position[frame], dtype=float)
        order = self._order(frame)
        return x if order is None else x[order]

    def unwrapped(self, frame):
        """[N][3] positions + image * box, or None when the file has no images."""
        if self.image is None:
            return None
        u = np.asarray(self.position[frame], dtype=float) + np.asarray(self.image[frame]) * self.box(frame)
        order = self._order(frame)
        return u if order is None else u[order]

    def close(self):
        self.file.close()


def write_csv(path, header, columns):
    """Columns of equal length as CSV with %.10g numbers."""
    data = np.column_stack(columns)
    np.savetxt(path, data, delimiter=",", header=",".join(header), comments="", fmt="%.10g")
    print(f"wrote {path}")
