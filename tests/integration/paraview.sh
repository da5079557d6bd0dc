#!/usr/bin/env bash
# ParaView (Debian 12's 5.11, pvbatch) opens trajectory.xmf: every frame,
# the particles at the stored positions (wrapped into the box), every stored
# element as point data and the box as field data (tests/python/check_paraview.py).
# Two trajectories: the known system of make_trajectory with every element,
# on 3 ranks, and a Lennard-Jones run of strata itself, whose rows lie
# outside the box between neighbour-list rebuilds and are written wrapped.
# Exit 77 (skipped) where pvbatch or its Python modules are not installed
# (scripts/setup.sh installs paraview and python3-paraview).
source "$(dirname "$0")/common.sh"
: "${MAKE_TRAJECTORY:?set by ctest}"

if ! command -v pvbatch >/dev/null; then
  echo "SKIP: pvbatch not found (apt-get install --no-install-recommends paraview python3-paraview)"
  exit 77
fi
# Reading needs no display; rendering would (Debian's build has X OpenGL only).
echo "import paraview.simple" >"$WORK/probe.py"
if ! pvbatch "$WORK/probe.py" >"$WORK/probe.log" 2>&1; then
  echo "SKIP: pvbatch cannot import paraview.simple (apt-get install python3-paraview): $(tail -1 "$WORK/probe.log")"
  exit 77
fi

pv_check() { pvbatch "$PYDIR/check_paraview.py" "$1/trajectory.xmf" "$1/trajectory.h5" 2>"$WORK/pv.err" ||
  { cat "$WORK/pv.err" >&2; return 1; }; }

"$MPIRUN" -q --oversubscribe -np 3 "$MAKE_TRAJECTORY" "$WORK/known" --cells 4 --frames 6 --every 10 \
  --fields velocity,image,id,species,force >/dev/null || fail "make_trajectory"
pv_check "$WORK/known" || fail "ParaView does not read the known trajectory as h5py does"

strata_np 2 run "$STRATA_SOURCE_DIR/inputs/lj_nvt.toml" --output "$WORK/lj" --set particles.count=500 \
  --set run.steps=300 --set output.trajectory_every=30 --set 'output.trajectory_fields=["velocity","image"]' \
  >/dev/null || fail "strata LJ run"
pv_check "$WORK/lj" || fail "ParaView does not read strata's LJ trajectory as h5py does"
echo "ParaView reads every frame, the stored elements and the box"
