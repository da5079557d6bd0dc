#!/usr/bin/python3
"""Check an XDMF sidecar written by Strata (write_xdmf) against its H5MD file.

Usage: /usr/bin/python3 tests/python/check_xdmf.py XMF H5

Parses the XMF with xml.etree and checks: one temporal collection with a
Polyvertex grid per frame of the H5MD file, in order, with that frame's time;
every HDF5 path it names exists in the file with the stated shape and number
type; every HyperSlab selects frame k (of grid k) inside the dataset, with
the count the grid states; the geometry it selects is the frame's positions;
the grid attribute "box" selects the frame's box matrix.
Prints every failure and exits 1, or prints "xdmf check passed" and exits 0.
"""
import os
import sys
import xml.etree.ElementTree as ET

import h5py
import numpy as np

NUMBER_TYPES = {("Float", 8): np.float64, ("Float", 4): np.float32, ("Int", 4): np.int32, ("Int", 8): np.int64}
ELEMENTS = {"velocity": 3, "image": 3, "id": 1, "species": 1, "force": 3}


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    xmf, h5 = sys.argv[1:]
    failures = []
    fail = failures.append
    root = ET.parse(xmf).getroot()
    f = h5py.File(h5, "r")
    times = f["particles/all/position/time"][:]
    n = f["particles/all/position/value"].shape[1]

    def hyperslab(item, where, frame, components, expected_count=None):
        """The data an XDMF HyperSlab DataItem selects, after checking it."""
        if item is None or item.get("ItemType") != "HyperSlab":
            fail(f"{where}: not a HyperSlab DataItem")
            return None
        outer = [int(v) for v in item.get("Dimensions").split()]
        children = item.findall("DataItem")
        if len(children) != 2:
            fail(f"{where}: a HyperSlab needs a selection and a source, found {len(children)} items")
            return None
        sel, src = children
        if sel.get("Format") != "XML" or src.get("Format") != "HDF":
            fail(f"{where}: expected an XML selection and an HDF source")
            return None
        rank = len(outer) if expected_count is None else len(expected_count)
        numbers = [int(v) for v in sel.text.split()]
        if [int(v) for v in sel.get("Dimensions").split()] != [3, rank] or len(numbers) != 3 * rank:
            fail(f"{where}: selection is not 3 x {rank} (start, stride, count)")
            return None
        start, stride, count = numbers[:rank], numbers[rank:2 * rank], numbers[2 * rank:]
        name, _, path = src.text.strip().partition(":")
        target = os.path.join(os.path.dirname(os.path.abspath(xmf)), name)
        if not os.path.exists(target) or not os.path.samefile(target, h5):
            fail(f"{where}: names file {name!r}, which is not {h5} beside the .xmf")
            return None
        if path not in f:
            fail(f"{where}: {path} is not in {h5}")
            return None
        dset = f[path]
        stated = [int(v) for v in src.get("Dimensions").split()]
        if list(dset.shape) != stated:
            fail(f"{where}: {path} has shape {list(dset.shape)}, the XMF states {stated}")
        key = (src.get("NumberType", "Float"), int(src.get("Precision", "4")))
        if NUMBER_TYPES.get(key) != dset.dtype:
            fail(f"{where}: {path} is {dset.dtype}, the XMF states {key}")
        if expected_count is None:
            expected_count = [1, n] + ([3] if components == 3 else [])
            shape_ok = count == outer
        else:  # a grid attribute: the selection, reshaped
            shape_ok = np.prod(count) == np.prod(outer)
        if not shape_ok or count != expected_count:
            fail(f"{where}: selects {count} (Dimensions {outer}), expected {expected_count}")
        if start[0] != frame or any(start[1:]) or any(s != 1 for s in stride):
            fail(f"{where}: starts at {start} stride {stride}, expected frame {frame}, contiguous")
        if any(s + (c - 1) * t >= d for s, c, t, d in zip(start, count, stride, dset.shape)):
            fail(f"{where}: selection runs past {path} {list(dset.shape)}")
            return None
        return dset[tuple(slice(s, s + c * t, t) for s, c, t in zip(start, count, stride))]

    if root.tag != "Xdmf":
        fail(f"root element is {root.tag}, expected Xdmf")
    collections = [g for g in root.iter("Grid") if g.get("GridType") == "Collection"]
    if len(collections) != 1 or collections[0].get("CollectionType") != "Temporal":
        fail("expected one temporal collection of grids")
    else:
        grids = collections[0].findall("Grid")
        if len(grids) != len(times):
            fail(f"{len(grids)} grids for {len(times)} frames")
        for k, g in enumerate(grids):
            where = f"grid {k}"
            t = g.find("Time")
            if t is None or float(t.get("Value")) != times[k]:
                fail(f"{where}: time {None if t is None else t.get('Value')}, the file says {times[k]!r}")
            topo = g.find("Topology")
            if topo is None or topo.get("TopologyType") != "Polyvertex" or int(topo.get("NumberOfElements")) != n \
                    or topo.get("NodesPerElement") != "1":
                fail(f"{where}: expected a Polyvertex topology of {n} one-node elements")
            geo = g.find("Geometry")
            if geo is None or geo.get("GeometryType") != "XYZ":
                fail(f"{where}: expected XYZ geometry")
                continue
            xyz = hyperslab(geo.find("DataItem"), f"{where} geometry", k, 3)
            if xyz is not None and not np.array_equal(xyz[0], f["particles/all/position/value"][k]):
                fail(f"{where}: geometry is not frame {k}'s positions")
            named = set()
            for a in g.findall("Attribute"):
                name = a.get("Name")
                if name == "box":
                    if a.get("Center") != "Grid" or a.get("AttributeType") != "Tensor":
                        fail(f"{where}: attribute box should be a Tensor on the grid")
                    m = hyperslab(a.find("DataItem"), f"{where} attribute box", k, 9, [1, 3, 3])
                    if m is not None and not np.array_equal(m[0], f["particles/all/box/edges/value"][k]):
                        fail(f"{where}: attribute box is not frame {k}'s box")
                    named.add(name)
                    continue
                named.add(name)
                if name not in ELEMENTS:
                    fail(f"{where}: unknown attribute {name}")
                    continue
                kind = "Vector" if ELEMENTS[name] == 3 else "Scalar"
                if a.get("AttributeType") != kind or a.get("Center") != "Node":
                    fail(f"{where}: attribute {name} should be a {kind} on nodes")
                hyperslab(a.find("DataItem"), f"{where} attribute {name}", k, ELEMENTS[name])
            stored = {e for e in ELEMENTS if f"particles/all/{e}/value" in f} | {"box"}
            if named != stored:
                fail(f"{where}: attributes {sorted(named)}, the file stores {sorted(stored)}")
    for msg in failures:
        print("FAIL:", msg)
    if failures:
        sys.exit(1)
    print(f"xdmf check passed: {len(times)} frames of {n} particles")


if __name__ == "__main__":
    main()
