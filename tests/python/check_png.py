#!/usr/bin/python3
"""Check that files are valid, non-trivial PNG images.

Usage: /usr/bin/python3 tests/python/check_png.py FILE...

Each file must carry the PNG signature and an IHDR chunk, decode with
matplotlib, be at least 200 x 150 pixels, and not be one flat colour.
Exits 1 naming the first bad file.
"""
import struct
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.image as mpimg  # noqa: E402
import numpy as np  # noqa: E402


def main():
    for path in sys.argv[1:]:
        with open(path, "rb") as f:
            head = f.read(24)
        if head[:8] != b"\x89PNG\r\n\x1a\n" or head[12:16] != b"IHDR":
            sys.exit(f"{path}: not a PNG")
        width, height = struct.unpack(">II", head[16:24])
        pixels = mpimg.imread(path)
        if pixels.shape[:2] != (height, width) or width < 200 or height < 150:
            sys.exit(f"{path}: {width} x {height}, or does not decode to that size")
        if np.ptp(pixels) == 0:
            sys.exit(f"{path}: a blank image")
    print(f"png check passed: {len(sys.argv) - 1} files")


if __name__ == "__main__":
    main()
