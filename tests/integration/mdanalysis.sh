#!/usr/bin/env bash
# MDAnalysis (Debian 12's 2.4, its own H5MD reader, unmodified) reads strata's
# trajectory whole, with trajectory_every 50 / thermo_every 100 and the
# reverse: every frame, the box on every frame, the observables of each
# frame's own step (checked against thermo.csv, and against the energies,
# pressure, temperature and MSD the frame's own positions, images and
# velocities give), positions wrapped into the box, and a last frame
# that is final.h5's state. On the same file MDAnalysis' InterRDF and
# scripts/post/rdf.py give the same g(r) of the liquid (tests/python/check_mdanalysis.py).
source "$(dirname "$0")/common.sh"
POST="$STRATA_SOURCE_DIR/scripts/post"

# 500 atoms of the LJ liquid of inputs/lj_nvt.toml (fcc at T = 1.44: molten
# well within the 400 steps); mass 1.
for cadence in "50 100" "100 50"; do
  read -r frames thermo <<<"$cadence"
  out="$WORK/every$frames"
  strata_np 2 run "$STRATA_SOURCE_DIR/inputs/lj_nvt.toml" --output "$out" --set particles.count=500 \
    --set run.steps=400 --set output.trajectory_every="$frames" --set output.thermo_every="$thermo" \
    --set 'output.trajectory_fields=["velocity","image"]' >/dev/null || fail "strata LJ run, frames every $frames"
  # thermo.csv keeps its own cadence: a row every $thermo steps.
  rows=$(($(wc -l <"$out/thermo.csv") - 1))
  [ "$rows" -eq $((400 / thermo + 1)) ] || fail "thermo.csv has $rows rows with thermo_every = $thermo"
  "$PYTHON" "$PYDIR/check_mdanalysis.py" "$out/trajectory.h5" "$POST" --final "$out/final.h5" \
    --thermo "$out/thermo.csv" --mass 1.0 --lj-cutoff 2.5 --rdf || fail "MDAnalysis, frames every $frames, thermo every $thermo"
done
echo "MDAnalysis reads every frame, the box and each frame's observables; its g(r) agrees with rdf.py"
